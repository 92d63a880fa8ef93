"""Rows read into items: by the header's columns and as free text, then put together.

Every row is read as free text (`app.extraction.free_text`), which wins over its columns when
the columns do not give a line that adds up and it agrees with what they did read. Rows are then
put together: a receipt's name above its numbers, a long name wrapped below them.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from app.core.money import MONEY_PLACES
from app.extraction.arithmetic import consistent, reconcile
from app.extraction.free_text import read_free_line, respace
from app.extraction.geometry import Cell, joined
from app.extraction.header import Column, Header, header_kind
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
from app.extraction.reading import BillLine

_CUT_NAME = 16
"""A receipt cuts a long name at 20-24 characters and goes on on the next row: a name row at
least this long followed by another name row, then the numbers, is one name in two rows."""
_SERIAL_PREFIX = re.compile(r"^\s*\(?\d{1,3}\s*[.)\-:]\s*(?=[^\d\s])")


def clean_name(text: str) -> str:
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


def read_by_header(row: list[Cell], header: Header) -> RowRead:
    columns: dict[Column, list[Cell]] = {}
    for cell in row:
        columns.setdefault(header.column_of(cell), []).append(cell)
    if "name" in header.kinds:
        name = clean_name(joined(columns.get("name", [])))
        if set(columns) == {"name"}:
            # only the name column: the rest of a long name wrapped under its item
            return RowRead("text", name, None, None, None, None, row, wrapped=True)
    else:
        name = clean_name(joined(c for c in row if not looks_numeric(c.text)))
    quantity_text = joined(columns.get("quantity", []))
    quantity = parse_quantity(quantity_text) if quantity_text else None
    rate_text, amount_text = joined(columns.get("rate", [])), joined(columns.get("amount", []))
    unit_text = joined(columns.get("unit", []))
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
    free = read_free(row)
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


def read_free(row: list[Cell]) -> RowRead:
    """No header (or a row the columns do not fit): the row's text read as a free line."""
    text = joined(row)
    free = read_free_line(text)
    if free is None:
        return _row_read(row, clean_name(text), None, None, None, None)
    return _row_read(row, clean_name(free.name), free.quantity, free.rate, free.amount, free.unit)


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
        raw_text=joined(cells)[:500],
        flags=flags,
    )


def _has_titles(read: RowRead) -> bool:
    """A column title among the row's words ('Item/Qty x Rate  Amount'): a header not
    recognised as one, never the first half of a name."""
    words = re.split(r"[\s/|]+", respace(joined(read.cells)))
    return any(header_kind(word) in ("quantity", "rate", "amount") for word in words)


def assemble(reads: list[RowRead]) -> list[BillLine]:
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
            read = replace(read, kind="text", name=clean_name(joined(read.cells)))
        if read.kind == "text":
            continues = read.wrapped and previous is not None and previous.kind == "item"
            if continues and lines and (following is None or following.kind != "numbers"):
                last = lines[-1]
                lines[-1] = replace(
                    last,
                    name=f"{last.name} {read.name}"[:200],
                    raw_text=f"{last.raw_text} {joined(read.cells)}"[:500],
                )
                previous = None  # at most one continuation row
                continue
            cut = (
                pending
                and previous is pending[-1]
                and len(pending[-1].name) >= _CUT_NAME
                and not _has_titles(pending[-1])
            )
            pending = [*pending, read] if cut and len(pending) < 2 else [read]
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
