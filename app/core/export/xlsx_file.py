"""A report layout as an XLSX workbook: one sheet, real numbers and dates, Indian grouping.

Row 1 the shop's name (bold), row 2 the report and its period, row 3 when it was made; the
header block's fields; then the tables stacked, a blank row between, each with a bold title
and heading row; panes frozen under the first table's headings.

Two details that openpyxl would get wrong on its own:
- it writes a `Decimal` through `"%.16g" % value`, a binary float: 0.07 becomes 0.07000000000000001;
  so figures are written as their exact decimal text in a number cell (`write_decimal`);
- it turns any text starting with `=` into a formula, so text cells are always string cells,
  with Excel's quote prefix on text that looks like a formula (`=HYPERLINK(...)`, `-2+3`).
"""

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.core.export.layout import Cell, ColumnKind, Heading, Layout, date_text, is_risky

INDIAN_MONEY = r"[>=10000000]##\,##\,##\,##0.00;[>=100000]##\,##\,##0.00;##,##0.00"
"""Lakh and crore grouping (12,34,567.89; 1,23,45,678.00). Excel allows two conditions, both
spent on positive sizes: a negative figure falls to the last section, which shows the sign
but groups in thousands, so negative cells of a lakh or more get `NEGATIVE_LAKHS`/`_CRORES`."""
NEGATIVE_LAKHS = r"##\,##\,##0.00;-##\,##\,##0.00"
NEGATIVE_CRORES = r"##\,##\,##\,##0.00;-##\,##\,##\,##0.00"
"""Plain positive;negative formats (no conditions: the negative section shows the size and
its own `-`), chosen per cell for negatives: -12,34,567.89 rather than -1,234,567.89."""
MONEY_FORMATS = frozenset({INDIAN_MONEY, NEGATIVE_LAKHS, NEGATIVE_CRORES})

_NUMBER_FORMATS: dict[ColumnKind, str] = {
    "quantity": "#,##0.000",
    "number": "#,##0.0##",
    "integer": "0",
    "date": "dd-mm-yyyy",
    "datetime": "dd-mm-yyyy hh:mm",
    "time": "hh:mm",
}
_LAKH = Decimal(100000)
_CRORE = Decimal(10000000)
_BOLD = Font(bold=True)
MAX_WIDTH = 50


def money_format(value: Decimal) -> str:
    if value <= -_CRORE:
        return NEGATIVE_CRORES
    if value <= -_LAKH:
        return NEGATIVE_LAKHS
    return INDIAN_MONEY


def write_decimal(cell: SheetCell, value: Decimal) -> None:
    """Store the decimal's exact text in a number cell (what Excel itself writes), not the
    float openpyxl would format."""
    cell.value = format(value, "f")
    cell.data_type = "n"


def write_text(cell: SheetCell, value: str) -> None:
    # Illegal XML control characters would make openpyxl raise; they carry nothing readable.
    clean = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = clean
    cell.data_type = "s"  # never a formula or an error value, whatever it starts with
    if is_risky(clean):
        cell.quotePrefix = True


def _cell(sheet: WriteOnlyWorksheet, value: Cell, kind: ColumnKind, bold: bool) -> SheetCell:
    cell = WriteOnlyCell(sheet)
    if isinstance(value, Decimal):
        write_decimal(cell, value)
        cell.number_format = (
            money_format(value) if kind == "money" else _NUMBER_FORMATS.get(kind, "0.00")
        )
    elif isinstance(value, str):
        write_text(cell, value)
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = _NUMBER_FORMATS["integer"]
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = _NUMBER_FORMATS["datetime"]
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = _NUMBER_FORMATS["date"]
    elif isinstance(value, dt.time):
        cell.value = value
        cell.number_format = _NUMBER_FORMATS["time"]
    if bold:
        cell.font = _BOLD
    return cell


def _shown(value: Cell, kind: ColumnKind) -> int:
    """About how many characters the cell shows: for the column's width."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(format(value, ".3f" if kind == "quantity" else ".2f")) + 4
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


Row = list[tuple[Cell, ColumnKind]]


def _rows(sheet_layout: Layout, top: Heading) -> Iterator[tuple[Row, bool]]:
    """Every row after the three title rows, with whether it is bold."""
    if sheet_layout.header:
        yield [], False
    for item in sheet_layout.header:
        yield [(item.label, "text"), (item.value, item.kind)], False
    for table in sheet_layout.tables:
        yield [], False
        yield [(table.title, "text")], True
        yield [(column.heading, "text") for column in table.columns], True
        kinds = [column.kind for column in table.columns]
        for row in table.rows:
            yield list(zip(row, kinds, strict=True)), False
        if table.totals is not None:
            yield list(zip(table.totals, kinds, strict=True)), True


def render_xlsx(sheet_layout: Layout, top: Heading) -> bytes:
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet(title=top.title[:31] or "Report")
    rows = list(_rows(sheet_layout, top))

    widths: dict[int, int] = {}
    for row, _ in rows:
        for index, (value, kind) in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 8), min(MAX_WIDTH, _shown(value, kind) + 2))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    if sheet_layout.tables:
        # Rows 1-3, then the rows before the first table's data: its title and headings.
        first = next(i for i, (row, bold) in enumerate(rows) if bold and len(row) > 0)
        sheet.freeze_panes = f"A{3 + first + 3}"

    title = f"{top.title}, {top.period}" if top.period else top.title
    made = f"Generated at {date_text(top.generated_at)} {top.generated_at:%H:%M}"
    sheet.append([_cell(sheet, top.shop, "text", True)])
    sheet.append([_cell(sheet, title, "text", False)])
    sheet.append([_cell(sheet, made, "text", False)])
    for row, bold in rows:
        sheet.append([_cell(sheet, value, kind, bold) for value, kind in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
