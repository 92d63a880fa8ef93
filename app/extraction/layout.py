"""OCR text boxes -> a bill's lines, vendor, date and printed total.

The boxes become rows (`geometry`), a header row fixes the columns when there is one
(`header`), each row is read and the rows are put together into items (`rows`, with
`free_text` for lines written freely). This module decides which rows can hold items at all:
header, total, tax, payment and the bill's own details never do, and nothing after the bill's
total does; and it reads the bill's vendor, date and total.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from app.core.money import MONEY_PLACES
from app.extraction.free_text import LABELS, respace
from app.extraction.geometry import Cell, group_rows, joined, page_cells
from app.extraction.header import find_header, letters_of
from app.extraction.numbers import fix_words, parse_number
from app.extraction.reading import BillReading
from app.extraction.rows import RowRead, assemble, read_by_header, read_free
from app.integrations.ocr.reader import TextBox

_SKIP = re.compile(
    r"\b(sub\s*total|grand\s*total|total|net\s*(amount|payable)|gst|cgst|sgst|igst|gstin|tax|"
    r"vat|cess|discount|round\s*off|balance|amount\s*in\s*words|thank|signature|"
    r"authori[sz]ed|e\s*&\s*o\s*e|paid|due|received|change|hsn|sac|mrp|saved|savings|cash|"
    r"card|upi|tendered|payment|paytm|gpay|phonepe|refund)\b",
    re.IGNORECASE,
)
_COUNTS_ROW = re.compile(r"\b(items?|qty|quantity)\s*:", re.IGNORECASE)
"""`Items: 3  Qty: 5`: the receipt's counts - unless the row also prices (`Qty: 2 Rate: 140`)."""
_IN_WORDS = re.compile(r"\b(rupees|rupaye|only)\b", re.IGNORECASE)
_PRICE_LABELS = "|".join(word for word, label in LABELS.items() if label != "quantity")
_PRICED = re.compile(rf"\b({_PRICE_LABELS})\s*[:.\-]?\s*(rs\.?|₹)?\s*\d", re.IGNORECASE)
_SKIP_COMPACT = ("grandtotal", "subtotal", "nettotal", "roundoff", "netamount", "totalamount")
_TOTAL = re.compile(r"\b(grand\s*total|net\s*(amount|payable)|total(\s*amount)?)\b", re.I)
_NOT_BILL_TOTAL = re.compile(r"\b(sub\s*total|total\s*(qty|quantity|items?))\b", re.I)
_INFO = re.compile(
    r"\b(date|dated|bill|invoice|inv|gstin|gst|phone|ph|mob|mobile|tel|address|memo|estimate|"
    r"email|www|road|street|no)\b",
    re.IGNORECASE,
)
_BILL_NO_MISREAD = re.compile(r"\s*b[il1I|]{3}\s*n[o0]\b", re.IGNORECASE)
_FULL_DATE = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?!\d)")
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_HSN_CODE = re.compile(r"\b(hsn|sac)(\s*/\s*sac)?(\s*code)?\s*[:.#\-]?\s*\d{4,8}(?!\d)", re.I)
_HEADER_WORD = re.compile(r"^(bill|billno|invoice|invoiceno|inv|memo|gstin|phone|ph|mob|mobile)")
_DATE_WORD = re.compile(r"^(date|dated|billdate)")


def is_skipped(text: str) -> bool:
    spaced = respace(text)
    compact = letters_of(fix_words(text))  # 'B1LL 66686'
    if _HEADER_WORD.match(compact) or (_DATE_WORD.match(compact) and _bill_date([text])):
        return True  # 'Bill No 4512 12/11/2026', 'BiLL 82306': the bill's own details
    if _BILL_NO_MISREAD.match(text):
        return True  # 'Bi11 No:38199 12-06-26'
    if _FULL_DATE.search(text.replace(" ", "")) and _bill_date([text]):
        return True  # 'Mem094490 Date 24/10/2026': no item line carries a whole date
    if _COUNTS_ROW.search(spaced) and not _PRICED.search(spaced):
        return True
    if _IN_WORDS.search(spaced) and not any(ch.isdigit() for ch in spaced):
        return True  # 'Rupees Five Hundred Only' (but 'Chini 5 kilo @ 44 rupees' is an item)
    return bool(_SKIP.search(spaced)) or any(word in compact for word in _SKIP_COMPACT)


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


def _vendor_row(rows: list[list[Cell]]) -> int | None:
    """Which of the bill's top rows names the shop that wrote it, if one does."""
    for index, row in enumerate(rows):
        text = respace(joined(row))
        if len(letters_of(text)) >= 3 and not _INFO.search(text) and not _SKIP.search(text):
            return index
    return None


def _vendor_name(rows: list[list[Cell]]) -> str | None:
    index = _vendor_row(rows)
    if index is None:
        return None
    text = respace(joined(rows[index]))
    return re.sub(r"^m\s*/\s*s\.?\s*", "", text, flags=re.I)[:120] or None


def _ends_items(text: str) -> bool:
    spaced = respace(text)
    if _NOT_BILL_TOTAL.search(spaced):
        return False
    compact = letters_of(text)  # 'TotaL Rs.5,388/-' is spaced apart as 'Tota L'
    misread = _TOTAL_MISREAD.match(text)  # 'Tota1 3438.00'
    return bool(_TOTAL.search(spaced)) or compact.startswith(_TOTAL_COMPACT) or bool(misread)


_TOTAL_MISREAD = re.compile(r"\s*t[o0]ta[1I|](?![a-z])", re.IGNORECASE)
_TOTAL_COMPACT = ("total", "grandtotal", "nettotal", "netamount", "netpayable")


def _bill_total(rows: list[list[Cell]]) -> Decimal | None:
    total = None
    for row in rows:
        text = respace(joined(row))
        if _TOTAL.search(text) and not _NOT_BILL_TOTAL.search(text):
            values = [read.value for cell in row if (read := parse_number(cell.text)) is not None]
            # 'TOTAL 585.00' read as one box: the numbers inside it
            values = values or [
                read.value for word in text.split() if (read := parse_number(word)) is not None
            ]
            if values:
                total = max(values).quantize(MONEY_PLACES)
    return total


def _without_hsn_codes(row: list[Cell]) -> list[Cell]:
    """A receipt's `HSN:1701 SUGAR 1KG`: the tax code before the name is not part of it (nor a
    reason to skip the row); a row of only codes is empty."""
    if not any(_HSN_CODE.search(cell.text) for cell in row):
        return row
    cleaned = (replace(cell, text=_HSN_CODE.sub(" ", cell.text).strip()) for cell in row)
    return [cell for cell in cleaned if cell.text]


def read_bill(boxes: list[TextBox]) -> BillReading:
    """The bill's item lines, vendor, date and printed total from OCR boxes."""
    rows = group_rows(page_cells(boxes))
    found = find_header(rows)
    start = found[0] + 1 if found else 0
    top = rows[: found[0]] if found else rows[:3]
    vendor = None if found else _vendor_row(top)
    reads: list[RowRead] = []
    for row in (_without_hsn_codes(row) for row in rows[start:]):
        text = joined(row)
        if _ends_items(text) and any(read.kind in ("item", "numbers") for read in reads):
            break  # the bill's total: what follows is tax, payment and thanks
        if is_skipped(text):
            reads.append(RowRead("other", "", None, None, None, None, row))
        elif found:
            reads.append(read_by_header(row, found[1]))
        else:
            reads.append(read_free(row))
    if vendor is not None and vendor < len(reads) and reads[vendor].kind == "text":
        # the shop's name on top is not the name of the first item (nor its first half),
        # unless the numbers come right under it: then it is an item's name on a bill cut short
        following = reads[vendor + 1] if vendor + 1 < len(reads) else None
        if following is None or following.kind != "numbers":
            reads[vendor] = replace(reads[vendor], kind="other")
    return BillReading(
        lines=assemble(reads),
        vendor_name=_vendor_name(top),
        bill_date=_bill_date(joined(row) for row in rows),
        bill_total=_bill_total(rows[start:]),
    )
