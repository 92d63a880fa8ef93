"""GSTR-1 as one Excel workbook of the GST offline tool's sheets: pure, from the JSON
`gstr1.build` made, like `gstr1_csv.zipped`.

One worksheet per CSV sheet, in the ZIP's order, named after the file without `.csv`; row 1
the tool's headings (bold), then exactly the CSV's rows, taken from `gstr1_csv.sheets` so
nothing is computed twice. What differs is only how a cell is stored:
- figures are number cells holding the exact decimal text (`write_decimal`: openpyxl alone
  would write a `Decimal` through a binary float), money with the Indian grouping;
- text is always a string cell, with Excel's quote prefix when it looks like a formula (a
  buyer named `=HYPERLINK(...)`); dates stay the tool's `05-Nov-2026` text, which is what the
  offline tool reads.
"""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.export.xlsx_file import MAX_WIDTH, money_format, write_decimal, write_text
from app.reports import gstr1_csv
from app.reports.gstr1_csv import Cell, Figure, FigureKind, Row

_FORMATS: dict[FigureKind, str] = {"rate": "General", "quantity": "#,##0.000", "count": "0"}
"""Display formats of the figures that are not money (rates show as the tool writes them)."""
_BOLD = Font(bold=True)


def _figure(cell: SheetCell, figure: Figure) -> None:
    write_decimal(cell, figure.value)
    if figure.kind == "money":
        cell.number_format = money_format(figure.value)
    else:
        cell.number_format = _FORMATS[figure.kind]


def _cell(sheet: Any, value: Cell, bold: bool) -> SheetCell:
    cell = WriteOnlyCell(sheet)
    if isinstance(value, Figure):
        _figure(cell, value)
    else:
        write_text(cell, value)
    if bold:
        cell.font = _BOLD
    return cell


def _widths(rows: list[Row]) -> dict[int, int]:
    """About as wide as each column's longest cell, so the sheet opens readable."""
    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            shown = min(MAX_WIDTH, len(gstr1_csv.text(value)) + 2)
            widths[index] = max(widths.get(index, 8), shown)
    return widths


def _sheet(book: Workbook, name: str, rows: list[Row]) -> None:
    sheet: Any = book.create_sheet(title=name.removesuffix(".csv"))
    for index, width in _widths(rows).items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"  # the headings stay in view
    for number, row in enumerate(rows):
        sheet.append([_cell(sheet, value, bold=number == 0) for value in row])


def workbook(report: dict[str, Any], names: dict[str, str]) -> bytes:
    """The sheets as one XLSX workbook; `names` maps a buyer's GSTIN to their name."""
    book = Workbook(write_only=True)
    for name, rows in gstr1_csv.sheets(report, names).items():
        _sheet(book, name, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
