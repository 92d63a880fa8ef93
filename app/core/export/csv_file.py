"""A report layout as CSV: UTF-8 with a byte-order mark, figures as plain exact decimals.

The BOM makes Excel read the file as UTF-8 (Hindi names come out right); figures carry no
grouping and no currency sign so the file imports back as numbers (`1234.50`, `-30.00`).
Text that a spreadsheet would run as a formula is prefixed with `'`.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from app.core.export.layout import Cell, ColumnKind, Heading, Layout, Table, is_risky

_FORMATS: dict[ColumnKind, str] = {"money": ".2f", "quantity": ".3f"}


def text_of(value: Cell, kind: ColumnKind) -> str:
    """A cell as CSV text (dates ISO, which Excel and every importer read as dates)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, _FORMATS.get(kind, "f"))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return f"'{value}" if is_risky(value) else value


def _table(writer: Any, table: Table) -> None:
    writer.writerow([table.title])
    writer.writerow([text_of(column.heading, "text") for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        writer.writerow([text_of(value, kind) for value, kind in zip(row, kinds, strict=True)])
    if table.totals is not None:
        writer.writerow(
            [text_of(value, kind) for value, kind in zip(table.totals, kinds, strict=True)]
        )


def render_csv(sheet: Layout, top: Heading) -> bytes:
    """`Shop,<name>` / `Report,<title>` / `Period,<period>` / `Generated at,...`, the header
    block's fields, a blank line, then each table (title line, heading row, rows, Totals),
    a blank line between tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Shop", text_of(top.shop, "text")])
    writer.writerow(["Report", text_of(top.title, "text")])
    writer.writerow(["Period", top.period])
    writer.writerow(["Generated at", text_of(top.generated_at, "datetime")])
    for item in sheet.header:
        writer.writerow([item.label, text_of(item.value, item.kind)])
    for table in sheet.tables:
        writer.writerow([])
        _table(writer, table)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
