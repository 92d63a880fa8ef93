"""A bill's column header: which title is which column, and where each column ends.

The titles come in any order and with the usual Indian spellings (Particulars, Qty, Rate, Amt,
HSN, GST%, MRP...); OCR often runs neighbouring titles into one box, which is split again.
"""

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from app.extraction.free_text import respace
from app.extraction.geometry import Cell

Column = Literal[
    "name", "quantity", "rate", "amount", "unit", "serial", "hsn", "tax", "mrp", "discount"
]
"""`hsn`, `tax`, `mrp` and `discount` columns are recognised so their numbers are not taken
for a neighbour's; they are not read."""

_NAME_HEADERS = {
    "item",
    "items",
    "itemname",
    "description",
    "descriptionofgoods",
    "particulars",
    "particular",
    "product",
    "products",
    "productname",
    "goods",
    "details",
    "name",
}
_QUANTITY_HEADERS = {"qty", "qnty", "quantity", "quan", "qt"}
_SERIAL_HEADERS = {"sno", "srno", "sr", "slno", "sl", "no", "sn"}
_UNIT_HEADERS = {"unit", "units", "uom"}
_AMOUNT_HEADERS = {
    "amount",
    "amt",
    "total",
    "value",
    "linetotal",
    "net",
    "taxable",
    "taxablevalue",
    "taxableamt",
    "taxableamount",
}
"""A tax invoice's `Taxable` column comes before its tax-inclusive `Total`: the first amount
column is the one that is quantity x rate."""
_HSN_HEADERS = {"hsn", "hsnsac", "sac", "hsncode", "hsnsaccode"}
_TAX_HEADERS = {"gst", "gstrate", "tax", "taxrate", "igst", "cgst", "sgst", "gstamt", "taxamt"}


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def letters_of(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def header_kind(text: str) -> Column | None:
    word = letters_of(text)
    kind: Column | None = None
    if text.strip() == "#" or word in _SERIAL_HEADERS:
        kind = "serial"
    elif word in _NAME_HEADERS or word.startswith(("description", "particular", "itemname")):
        kind = "name"
    elif word in _QUANTITY_HEADERS or word.startswith("quantity"):
        kind = "quantity"
    elif word.startswith(("rate", "price", "unitprice")):
        kind = "rate"
    elif word in _UNIT_HEADERS or word == "per":
        kind = "unit"
    elif word in _HSN_HEADERS:
        kind = "hsn"
    elif word in _TAX_HEADERS:
        kind = "tax"
    elif word == "mrp":
        kind = "mrp"
    elif word.startswith("disc"):
        kind = "discount"
    elif word in _AMOUNT_HEADERS or word.startswith(("amou", "amt")):
        kind = "amount"
    return kind


@dataclass(frozen=True, slots=True)
class Header:
    kinds: list[Column]
    bounds: list[int]
    """Boundary x between column i and i+1: the middle of the gap between their headers."""

    def column_of(self, cell: Cell) -> Column:
        for kind, bound in zip(self.kinds, self.bounds, strict=False):
            if cell.x < bound:
                return kind
        return self.kinds[-1]


def _pieces(word: str) -> list[str]:
    """A word spaced apart where that finds more titles ('S.NoDescription', 'QuantityRate'),
    else whole ('HsN' is one title, not 'Hs' and 'N')."""
    pieces = respace(word).split()
    titled = sum(header_kind(piece) is not None for piece in pieces)
    return pieces if titled > (header_kind(word) is not None) else [word]


def _titles(cell: Cell) -> list[tuple[Column | None, Cell]]:
    """A header cell's column titles. OCR often runs neighbouring titles into one box
    ('QuantityRate', 'Qty Rate'): when its words are titles of two or more columns, each word
    gets its own share of the box's width, in proportion to its letters."""
    kind = header_kind(cell.text)
    words = [piece for word in cell.text.split() for piece in _pieces(word)]
    kinds = [header_kind(word) for word in words]
    if len({k for k in kinds if k is not None}) < 2:
        return [(kind, cell)]
    titles: list[tuple[Column | None, Cell]] = []
    width, letters, seen = cell.right - cell.left, sum(len(word) for word in words), 0
    for word, word_kind in zip(words, kinds, strict=True):
        left = cell.left + width * seen // letters
        seen += len(word)
        right = cell.left + width * seen // letters
        part = replace(cell, text=word, left=left, right=right, x=(left + right) // 2)
        titles.append((word_kind, part))
    return titles


def find_header(rows: list[list[Cell]]) -> tuple[int, Header] | None:
    """The first row with at least two column titles, one of them numeric, and no figures
    (`Qty: 2  Rate: 140.00` names its numbers: an item, not a header)."""
    for index, row in enumerate(rows):
        if len(_FIGURE.findall(" ".join(cell.text for cell in row))) >= 2:
            continue
        titled = [title for cell in row for title in _titles(cell)]
        kinds = [kind for kind, _ in titled if kind is not None]
        if len(set(kinds)) >= 2 and {"quantity", "rate", "amount"} & set(kinds):
            columns: list[tuple[Column, Cell]] = []
            for kind, cell in titled:
                if kind is not None and kind not in [k for k, _ in columns]:
                    columns.append((kind, cell))
            bounds = [(left.right + right.left) // 2 for (_, left), (_, right) in pairwise(columns)]
            return index, Header([kind for kind, _ in columns], bounds)
    return None
