"""Column headings -> product fields, tolerant of how shops and other apps spell them. Pure.

`Item Name`, `PRODUCT`, `नाम`, `Sale Price`, `MRP`, `Qty.`, `मात्रा`, `GST %`... A heading
is normalised (NFKC, case-folded, punctuation and spacing dropped, Devanagari kept with its
vowel signs) and looked up among the spellings below; a near miss of a longer heading
(`Prodcut Name`, `Quantitiy`) is accepted when it is close to exactly one spelling, and the
mapping shown to the shop says which heading became which field.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

FIELDS = (
    "product_name",
    "price_sale",
    "price_purchase",
    "quantity",
    "unit",
    "barcode",
    "reorder_level",
    "hsn_code",
    "gst_rate",
)

_SPELLINGS: dict[str, tuple[str, ...]] = {
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


def normalise(heading: str) -> str:
    """`' Item-Name: '` -> `item name`; `GST %` -> `gst percent`; Devanagari kept as is.

    Letters, digits and combining marks stay (a Devanagari vowel sign or virama is a mark);
    everything else separates words.
    """
    text = unicodedata.normalize("NFKC", heading).casefold().replace("%", " percent ")
    kept = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in text)
    return " ".join(kept.split())


def _squeezed(key: str) -> str:
    """`item name` and `itemname` (and `item_name`) are one heading."""
    return key.replace(" ", "")


_EXACT: dict[str, str] = {
    _squeezed(normalise(spelling)): name
    for name, spellings in _SPELLINGS.items()
    for spelling in spellings
}
_FUZZY_MIN_LENGTH = 6
"""Shorter headings must match exactly: `cost` and `cess` are one letter apart."""
_FUZZY_CUTOFF = 88.0


def field_for(heading: str) -> tuple[str | None, bool]:
    """The field a heading names and whether it was a near miss (a typo), or (None, False)."""
    key = _squeezed(normalise(heading))
    if not key:
        return None, False
    exact = _EXACT.get(key)
    if exact is not None:
        return exact, False
    if len(key) < _FUZZY_MIN_LENGTH:
        return None, False
    candidates = [spelling for spelling in _EXACT if len(spelling) >= _FUZZY_MIN_LENGTH]
    matches = process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    fields = {_EXACT[spelling] for spelling, _, _ in matches}
    if len(fields) == 1:
        return fields.pop(), True
    return None, False


class HeaderError(ValueError):
    """The heading row cannot be imported: two columns for one field, or no name column."""


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


def map_headings(headings: Sequence[str]) -> Mapping:
    """Map a heading row onto the product fields; raises `HeaderError` with the reason."""
    columns: dict[str, str] = {}
    ignored: list[str] = []
    guessed: list[str] = []
    for heading in headings:
        if not heading.strip():
            continue
        name, near_miss = field_for(heading)
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
    if "product_name" not in columns:
        raise HeaderError(
            "No column with the product's name: name one of the headings 'Item Name', "
            "'Product' or 'नाम'" + (f" (found: {', '.join(headings)})" if headings else "")
        )
    return Mapping(columns=columns, ignored=ignored, guessed=guessed)
