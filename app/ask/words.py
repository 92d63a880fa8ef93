"""The offline parser's vocabulary: how owners write about their shop in English, Hindi
(Devanagari) and Hinglish, with the spellings and typos they use. Pure data and lookups.

Every word is stored normalised (`normalise`): lower case, nukta and chandrabindu folded
(`मुनाफ़ा` and `मुनाफा` are one word), apostrophes dropped (`today's` is `todays`).
"""

import re
import unicodedata
from enum import StrEnum

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne

_NUKTA = "\u093c"
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def normalise(text: str, *, lower: bool = True) -> str:
    """Lower case, one spelling per Devanagari sound, ASCII digits and apostrophes gone."""
    text = unicodedata.normalize("NFC", text).translate(_DEVANAGARI_DIGITS)
    text = unicodedata.normalize("NFD", text).replace(_NUKTA, "")
    text = unicodedata.normalize("NFC", text).replace("\u0901", "\u0902")
    text = re.sub(r"[\u2019\u2018`\u00b4']", "", text.lower() if lower else text)
    return re.sub(r"\s+", " ", text).strip()


class Cue(StrEnum):
    """What a word says about the question."""

    PROFIT = "profit"
    SALES = "sales"
    QUANTITY = "quantity"
    SOLD = "sold"
    """A verb of selling: with a product and "how much", the quantity is meant."""
    BILLS = "bills"
    PURCHASES = "purchases"
    RECEIVED = "received"
    UDHAAR = "udhaar"
    STOCK = "stock"
    LOW_STOCK = "low_stock"
    VENDOR = "vendor"
    """The vendors' side: what the shop owes, or a vendor dimension."""
    I_OWE = "i_owe"
    OWED_TO_ME = "owed_to_me"
    PRODUCT = "product"
    CUSTOMER = "customer"
    MODE = "mode"
    DAILY = "daily"
    MONTHLY = "monthly"
    WHO = "who"
    WHICH = "which"
    TOP = "top"
    BOTTOM = "bottom"
    TOTAL = "total"
    LIST = "list"
    HOW_MANY = "how_many"
    HOW_MUCH = "how_much"
    OVERDUE = "overdue"
    FIRST_PERSON = "first_person"
    SUBJECT = "subject"
    """`ne`: the word before it did the buying (`ramesh ne kharida`)."""
    TO_PARTY = "to_party"
    """`to`, `ko`, `from`: a party follows or precedes."""
    MONEY = "money"
    """Sales as money (`sales`, `revenue`, `bikri`): a ranking by value, not quantity."""
    ACCOUNT = "account"
    """`hisaab`, `khata`: with a name, that party's balance."""
    LOW = "low"
    """`low`, `kam`: low stock when said of stock or products."""


_PHRASES: dict[Cue, tuple[str, ...]] = {
    Cue.PROFIT: (
        "profit", "profits", "profitt", "proft", "prfit", "profet", "munafa", "munaafa",
        "munafaa", "munafe", "munafa", "mnafa", "munaffa", "fayda", "faayda", "fayada",
        "faida", "labh", "margin", "margins", "kamai", "kamaai", "kamaya", "earning",
        "earnings", "earned", "earn", "net profit", "gross profit", "मुनाफा", "मुनाफे", "लाभ",
        "फायदा", "कमाई", "कमाया", "प्रॉफिट", "प्रोफिट",
    ),
    Cue.SALES: (
        "sale", "sales", "sell", "sells", "selling", "sold", "slae", "slaes", "sael", "saless",
        "saels", "revenue", "turnover", "bikri", "bikree", "bikhri", "bickri", "vikri",
        "bechi", "becha", "beche", "bech", "becha hai", "bika", "biki", "bike", "bikaa",
        "bikta", "bikti", "bikte", "galla", "gallah", "dhanda", "dhandha", "takings",
        "bikne", "bikey", "बिक्री", "बिकी", "बिका", "बिके", "बिकने", "बिकता", "बिकती", "बिकते",
        "बेचा", "बेची", "बेचे",
        "सेल", "धंधा", "गल्ला",
    ),
    Cue.QUANTITY: (
        "quantity", "quantities", "qty", "units", "pieces", "pcs", "piece", "nag", "packets",
        "kilos", "kg", "नग", "पीस", "मात्रा",
    ),
    Cue.BILLS: (
        "bill", "bills", "invoice", "invoices", "receipts", "transactions", "orders",
        "parchi", "parchiyan", "बिल", "बिलों", "पर्ची",
    ),
    Cue.PURCHASES: (
        "purchase", "purchases", "purchased", "purchse", "purchace", "bought", "buy", "buying",
        "kharid", "kharida", "kharidi", "kharide", "kharidari", "kharidaari", "khareed",
        "khareeda", "khareedi", "maal aaya", "maal mangaya", "खरीद", "खरीदा", "खरीदी", "खरीदे",
        "खरीदारी",
    ),
    Cue.RECEIVED: (
        "recover", "recovered", "recovery", "collect",
        "wapas", "wapas aaya", "wapis", "vapas", "vapis", "vasool", "wasool", "vasul", "vasoola",
        "वसूल", "वापस", "वापस आया",
        "received", "receive", "recieved", "recived", "collected", "collection", "collections",
        "payment received", "payments received", "jama", "jamaa", "wasooli", "vasooli",
        "vasuli", "wasuli", "mila", "mile", "mili", "paid back", "repaid", "chukaya",
        "वसूली", "जमा", "मिला", "मिले", "मिली", "भुगतान मिला", "चुकाया",
    ),
    Cue.UDHAAR: (
        "not paid", "hasnt paid", "havent paid", "unpaid", "nahi diya", "nahi chukaya", "नहीं दिया",
        "udhaar", "udhar", "udhari", "udhaari", "udaar", "udar", "udhaar", "udhhar", "credit",
        "khata", "khaata", "baki", "baaki", "baqi", "bakaya", "bakaaya", "bakiya", "due",
        "dues", "outstanding", "owe", "owes", "owed", "owing", "pending", "balance",
        "balances", "receivable", "receivables", "payable", "payables", "उधार", "उधारी",
        "बाकी", "बकाया", "खाता", "बैलेंस",
    ),
    Cue.I_OWE: (
        "dene hain", "dena hain", "deni hain", "paise dene", "dene", "dena", "deni", "देने हैं",
        "देने", "देना",
        "i owe", "do i owe", "we owe", "i have to pay", "i need to pay", "i must pay",
        "to pay", "payable", "payables", "mujhe dena", "muje dena", "mujhe dene", "hume dena",
        "humein dena", "hamein dena", "humko dena", "dena hai", "dene hai", "dena baki",
        "chukana", "chukana hai", "मुझे देना", "देना है", "देने है", "हमें देना", "चुकाना",
    ),
    Cue.OWED_TO_ME: (
        "lene hain", "lena hain", "leni hain", "paise lene", "lene", "lena", "leni", "लेने हैं",
        "लेने",
        "owe me", "owes me", "owed to me", "owe us", "lena hai", "lene hai", "leni hai",
        "lena baki", "receivable", "receivables", "लेना है", "लेने है", "लेना बाकी",
    ),
    Cue.VENDOR: (
        "vendor wise", "vendorwise", "supplier wise", "party wise vendor",
        "vendor", "vendors", "vender", "venders", "supplier", "suppliers", "wholesaler",
        "wholesalers", "distributor", "distributors", "dealer", "dealers", "agency",
        "vikreta", "thok", "वेंडर", "सप्लायर", "विक्रेता", "विक्रेताओं", "थोक",
    ),
    Cue.STOCK: (
        "stock", "stocks", "stok", "inventory", "inventry", "godown", "bacha", "bache",
        "bachi", "left", "remaining", "available", "in hand", "स्टॉक", "बचा", "बचे", "बची",
    ),
    Cue.LOW_STOCK: (
        "should i order", "to order", "need to order", "should order", "order list",
        "kya order", "what to buy", "what should i buy",
        "low stock", "stock low", "low on stock", "low in stock", "less stock", "stock less",
        "running out",
        "run out", "running low", "out of stock", "khatam", "khatm", "khtam", "finish",
        "finishing", "finished", "reorder", "re order", "re-order", "order karna",
        "mangwana", "mangana", "mangvana", "mangwana hai", "mangana hai", "kam stock",
        "stock kam", "kam maal", "maal kam", "shortage", "short", "कम स्टॉक", "स्टॉक कम",
        "खत्म", "मंगाना", "मंगवाना", "कम माल", "माल कम",
    ),
    Cue.PRODUCT: (
        "product wise", "productwise", "item wise", "itemwise", "saman wise",
        "product", "products", "prodcut", "prodcuts", "item", "items", "itme", "itmes",
        "saman", "samaan", "saaman", "samaan", "maal", "cheez", "cheezein", "cheeze",
        "cheezen", "chiz", "chizen", "goods", "article", "articles", "sku", "skus",
        "सामान", "माल", "चीज", "चीजें", "चीजों", "प्रोडक्ट", "आइटम",
    ),
    Cue.CUSTOMER: (
        "customer wise", "customerwise", "party wise", "partywise", "grahak wise",
        "customer", "customers", "costumer", "costumers", "custmer", "custmers", "cust",
        "grahak", "graahak", "gahak", "grahako", "grahakon", "client", "clients", "buyer",
        "buyers", "ग्राहक", "ग्राहकों", "कस्टमर",
    ),
    Cue.MODE: (
        "payment mode", "payment modes", "mode", "modes", "mode wise", "modewise",
        "payment method", "payment methods", "payment type", "cash", "upi", "card", "gpay",
        "phonepe", "paytm", "online", "nakad", "nagad", "नकद", "यूपीआई", "कैश",
    ),
    Cue.DAILY: (
        "which day", "what day", "kis din", "kaun sa din", "kaunsa din", "kaunse din",
        "best day", "किस दिन", "कौन सा दिन",
        "daily", "by day", "day wise", "daywise", "day by day", "each day", "every day",
        "per day", "har din", "roz", "rozana", "roj", "din wise", "din ke hisab",
        "din ke hisaab", "दिनवार", "रोज", "रोजाना", "हर दिन", "प्रतिदिन",
    ),
    Cue.MONTHLY: (
        "which month", "kis mahine", "kaunsa mahina", "kaun sa mahina", "best month", "किस महीने",
        "monthly", "by month", "month wise", "monthwise", "each month", "every month",
        "per month", "har mahine", "mahine wise", "mahina wise", "महीनेवार", "हर महीने",
        "मासिक",
    ),
    Cue.WHO: (
        "jinka", "jinki", "jinke", "jinhone", "जिनका", "जिनकी", "जिनके", "जिन्होंने",
        "who", "whom", "whose", "kaun", "kon", "kiska", "kiske", "kiski", "kisne", "kisko",
        "kise", "kin", "kinka", "kinhe", "कौन", "किसका", "किसके", "किसकी", "किसने", "किसको",
        "किसे", "किन",
    ),
    Cue.WHICH: (
        "which", "what all", "kaunsa", "kaunse", "kaunsi", "konsa", "konse", "konsi",
        "kaun sa", "kaun se", "kaun si", "kis", "कौनसा", "कौन सा", "कौनसे", "कौन से", "कौनसी",
        "कौन सी", "किस",
    ),
    Cue.TOP: (
        "most selling", "zyada bikne",
        "acha", "accha", "achha", "achchha", "अच्छा", "अच्छे",
        "bade", "bada", "badi", "sabse bade", "बडे", "बडा", "बडी",
        "top", "best", "most", "highest", "max", "maximum", "biggest", "largest", "zyada",
        "jyada", "jada", "zada", "zyaada", "jyaada", "adhik", "best selling", "top selling",
        "fast moving", "bestseller", "bestsellers", "popular", "ज्यादा", "अधिक", "सबसे ज्यादा",
    ),
    Cue.BOTTOM: (
        "kam bik", "kam bik raha", "kam bik rahe", "kam bikta", "कम बिक", "कम बिक रहा",
        "slowest", "slow", "least", "lowest", "worst", "bottom", "minimum", "min", "sabse kam",
        "kam bikne", "kam bikta", "kam bikti", "nahi bik", "nahi bikta", "nahi bikte",
        "not selling", "dead stock", "slow moving", "non moving", "सबसे कम", "कम बिकने",
        "कम बिकता", "नहीं बिक", "नहीं बिकता",
    ),
    Cue.TOTAL: (
        "total", "kul", "sum", "overall", "altogether", "in all", "poora", "pura", "sab milake",
        "कुल", "टोटल", "पूरा",
    ),
    Cue.LIST: (
        "list", "names", "naam", "kaun kaun", "sab", "sabhi", "saare", "all", "लिस्ट", "सूची",
        "नाम", "सभी", "सब",
    ),
    Cue.HOW_MANY: ("how many", "kitne", "kitni baar", "कितने", "no of", "number of", "count"),
    Cue.HOW_MUCH: (
        "kitna maal", "kitne ka maal", "kitna saman", "kitna samaan",
        "kitne paise", "kitna paisa", "kitne rupaye", "kitne rupees", "kitne rs", "कितने पैसे",
        "how much", "kitna", "kitni", "kitnaa", "कितना", "कितनी"),
    Cue.OVERDUE: (
        "samay par nahi", "time par nahi", "time pe nahi", "nahi chukaya", "समय पर नहीं",
        "नहीं चुकाया", "due date nikal", "date nikal",
        "overdue", "over due", "past due", "late", "delayed", "due date", "expired", "purana",
        "purane", "purani", "old", "long pending", "ओवरड्यू", "पुराना", "पुराने", "पुरानी",
    ),
    Cue.SOLD: (
        "most selling", "zyada bikne",
        "top selling", "best selling", "fast moving", "bestseller", "bestsellers",
        "bik", "बिक",
        "selling", "sell", "bikne", "bikta", "bikti", "bikte", "moving", "बिकने", "बिकता", "बिकती",
        "बिकते", "sold", "bika", "biki", "bike", "bikaa", "बिका", "बिकी", "बिके",
    ),
    Cue.MONEY: (
        "sale", "sales", "revenue", "turnover", "bikri", "bikree", "बिक्री", "amount",
        "value", "worth", "rupees", "rupee", "rs", "kitne ka", "kitne ki", "कितने का",
    ),
    Cue.ACCOUNT: ("hisaab", "hisab", "hisaab kitaab", "account", "ledger", "हिसाब", "लेखा"),
    Cue.LOW: ("low", "kam", "less", "कम", "thoda", "थोड़ा"),
    Cue.FIRST_PERSON: ("i", "we", "maine", "mene", "humne", "hamne", "मैंने", "हमने"),
    Cue.SUBJECT: ("ne", "ने"),
    Cue.TO_PARTY: ("to", "ko", "from", "se", "को", "से"),
}  # fmt: skip

_STOPWORD_TEXT = """
    how much many what whats is are was were the a an my me mine did do does done have has had
    of for in on at to from by show tell give list please pls plz can could would you your shop
    store dukaan dukan amount money mony paisa paise rupees rupee rs inr worth value so far till
    until now all time ever and or with this that these those it its get got made make there any
    some current currently right status report summary details detail about know want need see
    check let lets us we our be been am will shall should im kya kitna kitni kitne kitnaa hai
    hain he ho tha thi the hua hui hue huye hota hoti ka ki ke ko se ne mein me mai main mera
    meri mere hamara hamari hamare batao bataiye bata btao btaa dikhao dikha dikhaiye do dijiye
    please yaar bhai ji sir madam abhi tak ab aur ya par pe wala wale wali waala waale kuch koi
    sabse jo kab kaise kaisa kaisi hisaabkitaab up upto month months mahina mahine week weeks
    hafta hafte day days din year saal date period vs versus per by each every har wise
    aaya aya aayi aaye आया आई आए bane bana
    bani banaye banaya kate kaate rahe raha rahi hoga hogi gaya gayi gaye liya liye diya diye
    karna karo kar wala hota hue hone hona रहा रही रहे हो गया गई गए वाला वाले वाली बने बना बनी
    किया दिया लिया जा होने हुए क्या कितना कितनी कितने है हैं था थी थे हुआ हुई हुए का की के को से
    ने में मेरा मेरी मेरे बताओ बताइए बताएं दिखाओ दिखाइए अब तक अभी और या पर जी हमारा हमारी हमारे
    दुकान कुछ कोई सबसे जो कब कैसे हिसाब यह ये वह वो इस उस रुपये रुपए पैसे
"""
STOPWORDS = frozenset(normalise(word) for word in _STOPWORD_TEXT.split())
"""Words that carry no meaning of their own here; what is left after cues, periods and
stopwords is a name (a product, a customer, a vendor)."""

_ENGLISH_NUMBERS = "zero one two three four five six seven eight nine ten"
_ENGLISH_TEENS = (
    "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBERS: dict[str, int] = {
    **{w: n for n, w in enumerate((_ENGLISH_NUMBERS + " " + _ENGLISH_TEENS).split())},
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "ek": 1, "do": 2, "teen": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5, "chhe": 6,
    "chhah": 6, "che": 6, "saat": 7, "sat": 7, "aath": 8, "ath": 8, "nau": 9, "das": 10,
    "bees": 20, "pandrah": 15, "tees": 30,
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7,
    "आठ": 8, "नौ": 9, "दस": 10, "पंद्रह": 15, "बीस": 20, "तीस": 30,
}  # fmt: skip


def number_value(word: str) -> int | None:
    """`7`, `seven`, `saat`, `सात` -> 7; None for anything else."""
    if word.isdigit():
        return int(word)
    return NUMBERS.get(normalise(word))


CUES: dict[str, frozenset[Cue]] = {}
"""Each normalised word or phrase -> the cues it carries (one phrase may carry several:
`payable` is udhaar on the vendors' side)."""
for _cue, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        _key = normalise(_phrase)
        CUES[_key] = CUES.get(_key, frozenset()) | {_cue}
LONGEST_PHRASE = max(len(key.split()) for key in CUES)

_FUZZY_TARGETS = sorted(key for key in CUES if " " not in key and len(key) >= 5 and key.isascii())
"""Typos are forgiven for the longer English and Hinglish words only: a short word one
letter away from a cue is as likely a name (`kamal`, `sonu`) as a typo."""


def corrected(word: str) -> str | None:
    """The cue word `word` is a one-letter typo of (`purchse`, `mahne`), or None."""
    if len(word) < 5 or not word.isascii() or not word.isalpha():
        return None
    found = extractOne(word, _FUZZY_TARGETS, scorer=DamerauLevenshtein.distance, score_cutoff=1)
    return None if found is None else str(found[0])


ENGLISH_NAMES: dict[str, str] = {
    normalise(hindi): english
    for english, words in {
        "sugar": ("चीनी", "शक्कर", "cheeni", "chini", "shakkar"),
        "salt": ("नमक", "namak"),
        "atta": ("आटा", "aata"),
        "rice": ("चावल", "chawal", "chaawal"),
        "dal": ("दाल", "daal"),
        "oil": ("तेल", "tel"),
        "milk": ("दूध", "doodh", "dudh"),
        "soap": ("साबुन", "sabun"),
        "tea": ("चाय", "chai", "चायपत्ती", "chaipatti"),
        "butter": ("मक्खन", "makhan", "makkhan"),
        "biscuit": ("बिस्कुट", "biskut"),
        "maggi": ("मैगी",),
        "egg": ("अंडे", "अंडा", "anda", "ande"),
        "bread": ("ब्रेड", "double roti"),
        "ghee": ("घी",),
        "toothpaste": ("टूथपेस्ट", "manjan", "मंजन"),
        "detergent": ("सर्फ", "washing powder"),
        "flour": ("मैदा", "maida"),
        "turmeric": ("हल्दी", "haldi"),
        "chilli": ("मिर्च", "mirch"),
        "jaggery": ("गुड", "gud", "gur"),
        "noodles": ("नूडल्स",),
    }.items()
    for hindi in words
}
"""Grocery words in Hindi and Hinglish with the English name a catalogue more often uses:
tried when the word itself matches no product (`चीनी` finds "Sugar Loose")."""
