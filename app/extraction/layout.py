"""OCR text boxes -> bill lines: rows from box positions, then items from rows.

A photo is rarely square to the camera, so the page's skew is estimated from the long boxes and
positions are rotated back before boxes are grouped into rows. A header row (Item / Qty / Rate /
Amount, in any order, with the usual Indian spellings, even run together by the OCR) fixes the
columns; every row is also read as free text (`app.extraction.free_text`), which wins when the
columns do not give a line that adds up and it agrees with what they did read. Rows are then
put together (`_assemble`): a receipt's name above its numbers, a long name wrapped below them.
Header, total, tax, payment and free-text rows (notes, addresses) are never items, and nothing
after the bill's total is.

Geometry is integer pixels (slopes in thousandths), which is all the precision a photo has.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from statistics import median
from typing import Literal

from app.core.money import MONEY_PLACES
from app.extraction.arithmetic import consistent, reconcile
from app.extraction.free_text import read_free_line, respace
from app.extraction.numbers import (
    MAX_VALUE,
    UNITS,
    NumberRead,
    fix_sizes,
    fix_words,
    looks_numeric,
    parse_number,
    parse_quantity,
    tidy_quantity,
)
from app.extraction.reading import BillLine, BillReading
from app.integrations.ocr.reader import TextBox

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
_AMOUNT_HEADERS = {"amount", "amt", "total", "value", "linetotal", "net", "taxablevalue"}
_HSN_HEADERS = {"hsn", "hsnsac", "sac", "hsncode", "hsnsaccode"}
_TAX_HEADERS = {"gst", "gstrate", "tax", "taxrate", "igst", "cgst", "sgst", "gstamt", "taxamt"}

_SKIP = re.compile(
    r"\b(sub\s*total|grand\s*total|total|net\s*(amount|payable)|gst|cgst|sgst|igst|gstin|tax|"
    r"vat|cess|discount|round\s*off|balance|amount\s*in\s*words|rupees|thank|signature|"
    r"authori[sz]ed|e\s*&\s*o\s*e|paid|due|received|change|hsn|sac|mrp|saved|savings|cash|"
    r"card|upi|tendered|payment|paytm|gpay|phonepe|refund)\b|"
    r"\b(items?|qty|quantity)\s*:",
    re.IGNORECASE,
)
_SKIP_COMPACT = ("grandtotal", "subtotal", "nettotal", "roundoff", "netamount", "totalamount")
_TOTAL = re.compile(r"\b(grand\s*total|net\s*(amount|payable)|total(\s*amount)?)\b", re.I)
_NOT_BILL_TOTAL = re.compile(r"\b(sub\s*total|total\s*(qty|quantity|items?))\b", re.I)
_INFO = re.compile(
    r"\b(date|dated|bill|invoice|inv|gstin|gst|phone|ph|mob|mobile|tel|address|memo|estimate|"
    r"email|www|road|street|no)\b",
    re.IGNORECASE,
)
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SERIAL_PREFIX = re.compile(r"^\s*\(?\d{1,3}\s*[.)\-:]\s*(?=[^\d\s])")
_HEADER_WORD = re.compile(r"^(bill|billno|invoice|invoiceno|inv|memo|gstin|phone|ph|mob|mobile)")
_DATE_WORD = re.compile(r"^(date|dated|billdate)")


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    confidence: Decimal
    left: int
    right: int
    x: int
    y: int
    height: int


def _slope_milli(boxes: list[TextBox]) -> int:
    """The page's skew, from the top edges of the long boxes (text runs are straight)."""
    slopes = []
    for box in boxes:
        (x0, y0), (x1, y1) = box.corners[0], box.corners[1]
        height = abs(box.corners[3][1] - box.corners[0][1])
        if x1 - x0 >= max(60, 3 * height):
            slopes.append((y1 - y0) * 1000 // (x1 - x0))
    return int(median(slopes)) if slopes else 0


def _cells(boxes: list[TextBox]) -> list[Cell]:
    """Boxes as cells in page coordinates rotated back by the skew."""
    slope = _slope_milli(boxes)
    cells = []
    for box in boxes:
        cx = (box.left + box.right) // 2
        cy = (box.top + box.bottom) // 2
        shift = slope * cy // 1000
        cells.append(
            Cell(
                text=box.text.strip(),
                confidence=box.confidence,
                left=box.left + shift,
                right=box.right + shift,
                x=cx + shift,
                y=cy - slope * cx // 1000,
                height=max(1, abs(box.corners[3][1] - box.corners[0][1])),
            )
        )
    return cells


def group_rows(cells: list[Cell]) -> list[list[Cell]]:
    """Cells whose centres are within half a text height of a row's centre share that row."""
    if not cells:
        return []
    tolerance = max(4, int(median(cell.height for cell in cells)) // 2)
    rows: list[list[Cell]] = []
    for cell in sorted(cells, key=lambda c: c.y):
        if rows:
            row = rows[-1]
            centre = sum(c.y for c in row) // len(row)
            if abs(cell.y - centre) <= tolerance:
                row.append(cell)
                continue
        rows.append([cell])
    return [sorted(row, key=lambda c: c.x) for row in rows]


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def header_kind(text: str) -> Column | None:
    word = _letters(text)
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


def _titles(cell: Cell) -> list[tuple[Column | None, Cell]]:
    """A header cell's column titles. OCR often runs neighbouring titles into one box
    ('QuantityRate', 'Qty Rate'): when its words are titles of two or more columns, each word
    gets its own share of the box's width, in proportion to its letters."""
    kind = header_kind(cell.text)
    words = respace(cell.text).split()
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
    """The first row with at least two column titles, one of them numeric."""
    for index, row in enumerate(rows):
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


def is_skipped(text: str) -> bool:
    spaced = respace(text)
    compact = _letters(text)
    if _HEADER_WORD.match(compact) or (_DATE_WORD.match(compact) and _bill_date([text])):
        return True  # 'Bill No 4512 12/11/2026', 'BiLL 82306': the bill's own details
    return bool(_SKIP.search(spaced)) or any(word in compact for word in _SKIP_COMPACT)


def _join(cells: Iterable[Cell]) -> str:
    return " ".join(cell.text for cell in cells).strip()


def _clean_name(text: str) -> str:
    return respace(fix_words(fix_sizes(_SERIAL_PREFIX.sub("", text)))).strip(" .,:;-*")


def _money(read: NumberRead | None) -> NumberRead | None:
    return read if read is None or read.value >= 0 else None


@dataclass(frozen=True, slots=True)
class RowRead:
    """One row as read, before rows are put together into items.

    `item`: a name and numbers; `numbers`: numbers without a name (a receipt's `2 x 22.50  45.00`
    under the item's name); `text`: words without numbers (that name, or - `wrapped`, only text
    in a header's name column - a long name's second line); `other`: nothing usable.
    """

    kind: Literal["item", "numbers", "text", "other"]
    name: str
    quantity: NumberRead | None
    rate: NumberRead | None
    amount: NumberRead | None
    unit: str | None
    cells: list[Cell]
    wrapped: bool = False


def _row_read(
    cells: list[Cell],
    name: str,
    quantity: NumberRead | None,
    rate: NumberRead | None,
    amount: NumberRead | None,
    unit: str | None,
) -> RowRead:
    has_name = bool(re.search(r"[A-Za-z]{2}", name))
    has_numbers = quantity is not None or rate is not None or amount is not None
    if has_name and has_numbers:
        kind: Literal["item", "numbers", "text", "other"] = "item"
    elif has_numbers:
        kind = "numbers"
    elif has_name:
        kind = "text"
    else:
        kind = "other"
    return RowRead(kind, name, quantity, _money(rate), _money(amount), unit, cells)


def _read_by_header(row: list[Cell], header: Header) -> RowRead:
    columns: dict[Column, list[Cell]] = {}
    for cell in row:
        columns.setdefault(header.column_of(cell), []).append(cell)
    if "name" in header.kinds:
        name = _clean_name(_join(columns.get("name", [])))
        if set(columns) == {"name"}:
            # only the name column: the rest of a long name wrapped under its item
            return RowRead("text", name, None, None, None, None, row, wrapped=True)
    else:
        name = _clean_name(_join(c for c in row if not looks_numeric(c.text)))
    quantity_text = _join(columns.get("quantity", []))
    quantity = parse_quantity(quantity_text) if quantity_text else None
    rate_text, amount_text = _join(columns.get("rate", [])), _join(columns.get("amount", []))
    unit_text = _join(columns.get("unit", []))
    unit = UNITS.get(unit_text.casefold().strip(". ")) if unit_text else None
    by_columns = _row_read(
        row,
        name,
        quantity[0] if quantity else None,
        parse_number(rate_text) if rate_text else None,
        parse_number(amount_text) if amount_text else None,
        unit or (quantity[1] if quantity else None),
    )
    if _adds_up(by_columns):
        return by_columns
    # The columns did not give a line that adds up (a receipt's `2 x 22.50` under `Item`, a
    # row drawn off the grid): the row read as free text wins when it does add up.
    # It must agree with every number the columns did read: the header knows the order.
    free = _read_free(row)
    if by_columns.kind in ("other", "text") and free.kind != "other":
        return free
    if _agrees(free, by_columns) and (_adds_up(free) or _count(free) > _count(by_columns)):
        return free
    return by_columns


def _count(read: RowRead) -> int:
    return sum(number is not None for number in (read.quantity, read.rate, read.amount))


def _adds_up(read: RowRead) -> bool:
    if read.quantity is None or read.rate is None or read.amount is None:
        return False
    return consistent(read.quantity.value, read.rate.value, read.amount.value)


def _agrees(free: RowRead, by_columns: RowRead) -> bool:
    return all(
        column is None or (read is not None and read.value == column.value)
        for read, column in (
            (free.quantity, by_columns.quantity),
            (free.rate, by_columns.rate),
            (free.amount, by_columns.amount),
        )
    )


def _read_free(row: list[Cell]) -> RowRead:
    """No header (or a row the columns do not fit): the row's text read as a free line."""
    text = _join(row)
    free = read_free_line(text)
    if free is None:
        return _row_read(row, _clean_name(text), None, None, None, None)
    return _row_read(row, _clean_name(free.name), free.quantity, free.rate, free.amount, free.unit)


def _line(read: RowRead, name: str, cells: list[Cell]) -> BillLine | None:
    """The item line from a row's numbers (and a name, maybe from the rows above)."""
    result = reconcile(read.quantity, read.rate, read.amount)
    flags = result.flags
    line_quantity = result.quantity
    if any(value is not None and value > MAX_VALUE for value in (line_quantity, result.amount)):
        return None
    if line_quantity is None or line_quantity <= 0:
        line_quantity = Decimal(1)
        flags = (*[f for f in flags if f != "quantity_missing"], "quantity_missing")
    confidence = min(cell.confidence for cell in cells)
    if "arithmetic_mismatch" in flags or "quantity_missing" in flags:
        confidence = confidence / 2
    elif any(flag.endswith("_corrected") for flag in flags):
        confidence = confidence * Decimal("0.8")
    return BillLine(
        name=name,
        quantity=tidy_quantity(line_quantity),
        unit=read.unit,
        rate=result.rate.quantize(MONEY_PLACES) if result.rate is not None else None,
        amount=result.amount.quantize(MONEY_PLACES) if result.amount is not None else None,
        confidence=confidence.quantize(Decimal("0.001")),
        raw_text=_join(cells)[:500],
        flags=flags,
    )


def _assemble(reads: list[RowRead]) -> list[BillLine]:
    """Rows into items: a name on one row and its numbers on the next (receipts), and a long
    name wrapped onto the row below its numbers (tax invoices), as well as one row per item.

    A `text` row is the name of the `numbers` row that follows it; a `wrapped` one right after
    an item, with no numbers row following, is the rest of that item's name.
    """
    lines: list[BillLine] = []
    pending: list[RowRead] = []
    previous: RowRead | None = None
    for index, read in enumerate(reads):
        following = reads[index + 1] if index + 1 < len(reads) else None
        lone_number = sum(n is not None for n in (read.quantity, read.rate, read.amount)) == 1
        if read.kind == "item" and lone_number and following and following.kind == "numbers":
            # a receipt's name cut inside its pack size ('Clinic Plus Shampoo 17'), its
            # numbers on the next row: the lone number is part of the name
            read = replace(read, kind="text", name=_clean_name(_join(read.cells)))
        if read.kind == "text":
            continues = read.wrapped and previous is not None and previous.kind == "item"
            if continues and lines and (following is None or following.kind != "numbers"):
                last = lines[-1]
                lines[-1] = replace(
                    last,
                    name=f"{last.name} {read.name}"[:200],
                    raw_text=f"{last.raw_text} {_join(read.cells)}"[:500],
                )
                previous = None  # at most one continuation row
                continue
            pending = [read]
        elif read.kind == "numbers" and pending:
            cells = [cell for row in pending for cell in row.cells] + read.cells
            line = _line(read, " ".join(row.name for row in pending), cells)
            if line is not None:
                lines.append(line)
            pending = []
        elif read.kind == "item":
            line = _line(read, read.name, read.cells)
            if line is not None:
                lines.append(line)
            pending = []
        else:
            pending = []
        previous = read
    return lines


def _bill_date(texts: Iterable[str]) -> dt.date | None:
    for text in texts:
        compact = text.replace(" ", "")
        for match in _DATE_ISO.finditer(compact):
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
        for match in _DATE_DMY.finditer(compact):
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            try:
                return dt.date(year, int(match[2]), int(match[1]))
            except ValueError:
                continue
    return None


def _vendor_name(rows: list[list[Cell]]) -> str | None:
    for row in rows:
        text = respace(_join(row))
        if len(_letters(text)) >= 3 and not _INFO.search(text) and not _SKIP.search(text):
            return re.sub(r"^m\s*/\s*s\.?\s*", "", text, flags=re.I)[:120] or None
    return None


def _ends_items(text: str) -> bool:
    spaced = respace(text)
    if _NOT_BILL_TOTAL.search(spaced):
        return False
    compact = _letters(text)  # 'TotaL Rs.5,388/-' is spaced apart as 'Tota L'
    return bool(_TOTAL.search(spaced)) or compact.startswith(_TOTAL_COMPACT)


_TOTAL_COMPACT = ("total", "grandtotal", "nettotal", "netamount", "netpayable")


def _bill_total(rows: list[list[Cell]]) -> Decimal | None:
    total = None
    for row in rows:
        text = respace(_join(row))
        if _TOTAL.search(text) and not _NOT_BILL_TOTAL.search(text):
            values = [read.value for cell in row if (read := parse_number(cell.text)) is not None]
            if values:
                total = max(values).quantize(MONEY_PLACES)
    return total


def read_bill(boxes: list[TextBox]) -> BillReading:
    """The bill's item lines, vendor, date and printed total from OCR boxes."""
    rows = group_rows(_cells(boxes))
    found = find_header(rows)
    start = found[0] + 1 if found else 0
    reads: list[RowRead] = []
    for row in rows[start:]:
        text = _join(row)
        if _ends_items(text) and any(read.kind in ("item", "numbers") for read in reads):
            break  # the bill's total: what follows is tax, payment and thanks
        if is_skipped(text):
            reads.append(RowRead("other", "", None, None, None, None, row))
        elif found:
            reads.append(_read_by_header(row, found[1]))
        else:
            reads.append(_read_free(row))
    top = rows[: found[0]] if found else rows[:3]
    return BillReading(
        lines=_assemble(reads),
        vendor_name=_vendor_name(top),
        bill_date=_bill_date(_join(row) for row in rows),
        bill_total=_bill_total(rows[start:]),
    )
