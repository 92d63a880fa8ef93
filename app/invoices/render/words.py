"""An amount in words, as an Indian bill prints it: lakh and crore, rupees and paise.

`Rupees One Lakh Twenty Thousand Fifty and Fifty Paise Only`,
`एक लाख बीस हज़ार पचास रुपये और पचास पैसे मात्र`.

Written here rather than taken from num2words: its `en_IN` stops below 1,000 crore (an
OverflowError at 10,00,00,00,000), adds commas and "and" inside the number, and it has no
Hindi at all. Hindi has its own word for every number from 1 to 99 (`इक्यावन` is 51, not
"fifty-one"), so those are a table; above 99 both languages build the number the same way,
from hundreds, thousands, lakhs and crores. Crores above 99 keep counting in crores
(`One Hundred Crore`, `निन्यानवे हज़ार ... करोड़`), as Indian cheques and bills do.
"""

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.core.message_templates import Language

_PAISA = Decimal("0.01")
_CRORE = 10**7
_LAKH = 10**5

_EN_ONES = (
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
)  # fmt: skip
_EN_TENS = (
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
)  # fmt: skip


def _english_below_100(n: int) -> str:
    tens, ones = divmod(n, 10)
    if n < 20:
        return _EN_ONES[n]
    return f"{_EN_TENS[tens]} {_EN_ONES[ones]}" if ones else _EN_TENS[tens]


_EN_BELOW_100 = tuple(_english_below_100(n) for n in range(100))

# 0 to 99, one word each, spelt as in school Hindi. In NFC a nukta letter (ड़, ज़) stays a
# letter plus the nukta sign, as Hindi keyboards type it.
_HI_BELOW_100: tuple[str, ...] = tuple(
    unicodedata.normalize("NFC", word)
    for word in (
        "शून्य", "एक", "दो", "तीन", "चार",  # 0
        "पाँच", "छह", "सात", "आठ", "नौ",  # 5
        "दस", "ग्यारह", "बारह", "तेरह", "चौदह",  # 10
        "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",  # 15
        "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस",  # 20
        "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",  # 25
        "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस",  # 30
        "पैंतीस", "छत्तीस", "सैंतीस", "अड़तीस", "उनतालीस",  # 35
        "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चवालीस",  # 40
        "पैंतालीस", "छियालीस", "सैंतालीस", "अड़तालीस", "उनचास",  # 45
        "पचास", "इक्यावन", "बावन", "तिरपन", "चौवन",  # 50
        "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",  # 55
        "साठ", "इकसठ", "बासठ", "तिरसठ", "चौंसठ",  # 60
        "पैंसठ", "छियासठ", "सड़सठ", "अड़सठ", "उनहत्तर",  # 65
        "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर",  # 70
        "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर", "उन्यासी",  # 75
        "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी",  # 80
        "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",  # 85
        "नब्बे", "इक्यानवे", "बानवे", "तिरानवे", "चौरानवे",  # 90
        "पचानवे", "छियानवे", "सत्तानवे", "अट्ठानवे", "निन्यानवे",  # 95
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Words:
    below_100: tuple[str, ...]
    hundred: str
    thousand: str
    lakh: str
    crore: str
    minus: str


_EN = _Words(_EN_BELOW_100, "Hundred", "Thousand", "Lakh", "Crore", "Minus")
_HI = _Words(
    _HI_BELOW_100,
    "सौ",
    unicodedata.normalize("NFC", "हज़ार"),
    "लाख",
    unicodedata.normalize("NFC", "करोड़"),
    "ऋण",
)


def _number(n: int, words: _Words) -> list[str]:
    """The words of `n` >= 1 in Indian grouping: [crores] crore, lakh, thousand, hundred, rest."""
    out: list[str] = []
    crores, n = divmod(n, _CRORE)
    if crores:
        out += [*_number(crores, words), words.crore]
    for scale, name in ((_LAKH, words.lakh), (1000, words.thousand), (100, words.hundred)):
        count, n = divmod(n, scale)
        if count:
            out += [words.below_100[count], name]
    if n:
        out.append(words.below_100[n])
    return out


def _spell(n: int, words: _Words) -> str:
    return " ".join(_number(n, words)) if n else words.below_100[0]


def _english(rupees: int, paise: int) -> str:
    if rupees and paise:
        return f"Rupees {_spell(rupees, _EN)} and {_spell(paise, _EN)} Paise Only"
    if paise:
        return f"{_spell(paise, _EN)} Paise Only"
    return f"Rupees {_spell(rupees, _EN)} Only"


def _hindi(rupees: int, paise: int) -> str:
    # Singular for exactly one: एक रुपया, एक पैसा (but एक सौ एक रुपये).
    rupee_word = "रुपया" if rupees == 1 else "रुपये"
    paisa_word = "पैसा" if paise == 1 else "पैसे"
    if rupees and paise:
        return f"{_spell(rupees, _HI)} {rupee_word} और {_spell(paise, _HI)} {paisa_word} मात्र"
    if paise:
        return f"{_spell(paise, _HI)} {paisa_word} मात्र"
    return f"{_spell(rupees, _HI)} {rupee_word} मात्र"


def amount_in_words(value: Decimal, language: Language) -> str:
    """`Decimal('120050.50')` -> `Rupees One Lakh Twenty Thousand Fifty and Fifty Paise Only`.

    More than two places are rounded half up to the paisa (amounts on a document already
    have two). A negative amount gets `Minus ` (`ऋण `) in front; zero is `Rupees Zero Only`.
    """
    if not value.is_finite():
        raise ValueError(f"not an amount: {value}")
    paise_total = int(value.quantize(_PAISA, rounding=ROUND_HALF_UP).scaleb(2))
    rupees, paise = divmod(abs(paise_total), 100)
    words = _english(rupees, paise) if language == "en" else _hindi(rupees, paise)
    if paise_total < 0:
        return f"{(_EN if language == 'en' else _HI).minus} {words}"
    return words
