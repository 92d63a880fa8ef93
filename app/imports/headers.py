"""Column headings -> the fields of an import, tolerant of how shops and other apps spell them.
Pure.

Each import has its field set: products (`Item Name`, `PRODUCT`, `नाम`, `Sale Price`, `MRP`,
`Qty.`, `मात्रा`, `GST %`...) and parties, customers or vendors (`Customer Name`, `Party`,
`ग्राहक`, `Mobile No.`, `फ़ोन`, `Opening Balance`, `Udhaar`, `बकाया`, `Due Date`, `तारीख`...).
A heading is normalised (NFKC, case-folded, punctuation and spacing dropped, Devanagari kept
with its vowel signs and nukta) and looked up among the set's spellings; a near miss of a
longer heading (`Prodcut Name`, `Quantitiy`, `Mobil Number`) is accepted when it is close to
exactly one spelling, and the mapping shown to the shop says which heading became which field.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

_PRODUCT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "product_name": (
        "name", "item", "items", "item name", "product", "products", "product name",
        "item description", "description", "particulars", "article", "article name",
        "sku name", "product title", "goods", "name of item", "name of product",
        "नाम", "वस्तु", "सामान", "उत्पाद", "प्रोडक्ट", "आइटम", "वस्तु का नाम",
        "सामान का नाम", "उत्पाद का नाम", "माल",
    ),
    "price_sale": (
        "mrp", "sale price", "selling price", "sp", "rate", "price", "sale rate",
        "sales price", "selling rate", "retail price", "unit price", "sale", "s price",
        "बिक्री मूल्य", "बिक्री दर", "विक्रय मूल्य", "बिक्री", "दाम", "कीमत", "मूल्य",
        "भाव", "रेट", "एमआरपी",
    ),
    "price_purchase": (
        "cost", "cost price", "cp", "purchase price", "purchase rate", "purchase",
        "buying price", "buy price", "landing price", "landing cost", "cost rate", "p price",
        "खरीद मूल्य", "खरीद दर", "खरीद", "लागत", "क्रय मूल्य", "लागत मूल्य",
    ),
    "quantity": (
        "qty", "quantity", "stock", "opening stock", "stock qty", "stock quantity",
        "closing stock", "current stock", "in stock", "on hand", "qty on hand", "balance",
        "available", "available qty", "opening qty", "मात्रा", "स्टॉक", "संख्या", "माल स्टॉक",
    ),
    "unit": (
        "unit", "units", "uom", "unit of measure", "unit of measurement", "measuring unit",
        "इकाई", "यूनिट",
    ),
    "barcode": (
        "barcode", "bar code", "barcode no", "barcode number", "ean", "ean13", "ean 13",
        "ean code", "upc", "gtin", "बारकोड",
    ),
    "reorder_level": (
        "reorder level", "reorder", "re order level", "reorder qty", "reorder point",
        "min stock", "minimum stock", "min qty", "minimum qty", "min level", "low stock alert",
        "low stock", "alert qty", "न्यूनतम स्टॉक", "न्यूनतम मात्रा",
    ),
    "hsn_code": (
        "hsn", "hsn code", "hsn sac", "hsn sac code", "sac", "hsn no", "hsn number", "एचएसएन",
    ),
    "gst_rate": (
        "gst", "gst percent", "gst rate", "gst percentage", "gst rate percent", "tax",
        "tax percent", "tax rate", "gst slab", "जीएसटी", "कर", "कर दर", "जीएसटी दर",
    ),
}  # fmt: skip

_PARTY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "naam", "full name", "customer", "customers", "customer name", "client",
        "client name", "buyer", "buyer name", "grahak", "grahak name", "party", "parties",
        "party name", "name of party", "account", "account name", "ledger", "ledger name",
        "vendor", "vendors", "vendor name", "supplier", "supplier name", "dealer",
        "dealer name", "firm", "firm name", "contact name",
        "नाम", "ग्राहक", "ग्राहक का नाम", "ग्राहक नाम", "पार्टी", "पार्टी का नाम", "पार्टी नाम",
        "खाता", "खाते का नाम", "विक्रेता", "विक्रेता का नाम", "सप्लायर", "सप्लायर का नाम",
        "व्यापारी", "दुकानदार",
    ),
    "phone_no": (
        "phone", "phone no", "phone number", "phone num", "ph", "ph no", "mobile", "mobile no",
        "mobile number", "mobile num", "mob", "mob no", "cell", "cell no", "cell number",
        "contact", "contact no", "contact number", "whatsapp", "whatsapp no",
        "whatsapp number", "tel", "telephone", "telephone no",
        "फ़ोन", "फोन", "फ़ोन नंबर", "फोन नंबर", "फ़ोन नं", "फोन नं", "मोबाइल", "मोबाइल नंबर",
        "मोबाइल नं", "संपर्क", "संपर्क नंबर", "व्हाट्सएप", "व्हाट्सएप नंबर",
    ),
    "opening_balance": (
        "balance", "bal", "opening balance", "opening bal", "opening", "op balance", "op bal",
        "udhaar", "udhar", "udhaar amount", "udhar amount", "baki", "baaki", "baki amount",
        "bakaya", "due", "dues", "due amount", "amount due", "amount", "outstanding",
        "outstanding amount", "outstanding balance", "closing balance", "current balance",
        "receivable", "payable", "to receive", "to pay", "pending", "pending amount",
        "बकाया", "बकाया राशि", "उधार", "उधारी", "उधार राशि", "बाकी", "बाक़ी", "बाकी रकम",
        "शेष", "शेष राशि", "राशि", "रकम", "रक़म", "लेनदारी", "देनदारी",
    ),
    "entry_date": (
        "date", "opening date", "balance date", "as on", "as on date", "as of", "since",
        "entry date", "date of entry", "udhaar date", "udhar date", "from date", "start date",
        "date given", "तारीख", "तारीख़", "दिनांक", "तिथि", "उधार की तारीख", "उधार तिथि",
    ),
    "due_date": (
        "due date", "due on", "due by", "payment due", "payment due date", "payment date",
        "date of payment", "pay by", "last date", "return date",
        "वापसी की तारीख", "वापसी तारीख", "देय तिथि", "देय तारीख", "भुगतान तिथि",
        "भुगतान की तारीख", "अंतिम तिथि",
    ),
    "note": (
        "note", "notes", "remark", "remarks", "comment", "comments", "narration",
        "description", "details", "memo", "टिप्पणी", "नोट", "विवरण",
    ),
}  # fmt: skip


def normalise(heading: str) -> str:
    """`' Item-Name: '` -> `item name`; `GST %` -> `gst percent`; Devanagari kept as is.

    Letters, digits and combining marks stay (a Devanagari vowel sign, virama or nukta is a
    mark); everything else separates words.
    """
    text = unicodedata.normalize("NFKC", heading).casefold().replace("%", " percent ")
    kept = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in text)
    return " ".join(kept.split())


def _squeezed(key: str) -> str:
    """`item name` and `itemname` (and `item_name`) are one heading."""
    return key.replace(" ", "")


_FUZZY_MIN_LENGTH = 6
"""Shorter headings must match exactly: `cost` and `cess` are one letter apart."""
_FUZZY_CUTOFF = 88.0


@dataclass(frozen=True)
class FieldSet:
    """The fields one kind of import fills, their spellings, and the columns it cannot lack."""

    spellings: dict[str, tuple[str, ...]]
    required: dict[str, str]
    """field -> what `HeaderError` says when no heading names it."""
    exact: dict[str, str] = field(init=False, repr=False)
    """Squeezed normalised spelling -> field."""
    fuzzy: list[str] = field(init=False, repr=False)
    """The spellings long enough to be guessed from a near miss."""

    def __post_init__(self) -> None:
        exact: dict[str, str] = {}
        for name, spellings in self.spellings.items():
            for spelling in spellings:
                key = _squeezed(normalise(spelling))
                if exact.setdefault(key, name) != name:  # a spelling must name one field
                    raise ValueError(f"'{spelling}' spells both {exact[key]} and {name}")
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "fuzzy", [key for key in exact if len(key) >= _FUZZY_MIN_LENGTH])

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.spellings)


PRODUCT_FIELDS = FieldSet(
    _PRODUCT_SPELLINGS,
    required={
        "product_name": "No column with the product's name: name one of the headings "
        "'Item Name', 'Product' or 'नाम'",
    },
)


def _party_fields(party: str) -> FieldSet:
    return FieldSet(
        _PARTY_SPELLINGS,
        required={
            "name": f"No column with the {party}'s name: name one of the headings "
            f"'Name', '{party.capitalize()} Name', 'Party' or 'नाम'",
            "phone_no": f"No column with the {party}'s phone: name one of the headings "
            "'Mobile', 'Phone' or 'मोबाइल'",
        },
    )


CUSTOMER_FIELDS = _party_fields("customer")
VENDOR_FIELDS = _party_fields("vendor")
FIELDS = PRODUCT_FIELDS.fields


def field_for(heading: str, fields: FieldSet = PRODUCT_FIELDS) -> tuple[str | None, bool]:
    """The field a heading names and whether it was a near miss (a typo), or (None, False)."""
    key = _squeezed(normalise(heading))
    if not key:
        return None, False
    exact = fields.exact.get(key)
    if exact is not None:
        return exact, False
    if len(key) < _FUZZY_MIN_LENGTH:
        return None, False
    matches = process.extract(key, fields.fuzzy, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    names = {fields.exact[spelling] for spelling, _, _ in matches}
    if len(names) == 1:
        return names.pop(), True
    return None, False


class HeaderError(ValueError):
    """The heading row cannot be imported: two columns for one field, or a required one missing."""


@dataclass(frozen=True)
class Mapping:
    """Which heading (as written in the file) fills which field, and what was left out."""

    columns: dict[str, str]
    """field -> heading, in the file's order."""
    ignored: list[str] = field(default_factory=list)
    """Headings that name no field (kept out of the import, listed for the shop)."""
    guessed: list[str] = field(default_factory=list)
    """Headings matched as near misses (`Prodcut Name`), for the shop to confirm."""

    def heading(self, name: str) -> str | None:
        return self.columns.get(name)


def map_headings(headings: Sequence[str], fields: FieldSet = PRODUCT_FIELDS) -> Mapping:
    """Map a heading row onto `fields`; raises `HeaderError` with the reason."""
    columns: dict[str, str] = {}
    ignored: list[str] = []
    guessed: list[str] = []
    for heading in headings:
        if not heading.strip():
            continue
        name, near_miss = field_for(heading, fields)
        if name is None:
            ignored.append(heading)
            continue
        if name in columns:
            raise HeaderError(
                f"Columns '{columns[name]}' and '{heading}' both look like {name}: "
                "rename or remove one of them"
            )
        columns[name] = heading
        if near_miss:
            guessed.append(heading)
    for name, missing in fields.required.items():
        if name not in columns:
            raise HeaderError(missing + (f" (found: {', '.join(headings)})" if headings else ""))
    return Mapping(columns=columns, ignored=ignored, guessed=guessed)
