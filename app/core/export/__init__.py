"""Any report as CSV or XLSX (`?format=csv|xlsx`): pure rendering of a report's pydantic model,
no I/O and no knowledge of any one report.

It lives in `core` rather than `reports` so every domain that serves a report (the day book is
in `app.cashbook`, which may not import `app.reports`) uses the same code.
`response.report_response` is the entry point; `layout` decides the cells, `csv_file` and
`xlsx_file` write them.
"""

from app.core.export.layout import ColumnKind
from app.core.export.response import (
    EXPORT_RESPONSES,
    ExportFormat,
    FormatQuery,
    report_response,
)

__all__ = ["EXPORT_RESPONSES", "ColumnKind", "ExportFormat", "FormatQuery", "report_response"]
