"""Party lists for the import tests: a shop's udhaar notebook typed into CSV or XLSX."""

import datetime as dt
from pathlib import Path
from typing import Any

from tests.imports.catalogues import write_csv, write_xlsx

HEADINGS = [
    "Customer Name",
    "Mobile No.",
    "Opening Balance",
    "Date",
    "Due Date",
    "Remarks",
    "GSTIN",
]
HINDI_HEADINGS = ["नाम", "मोबाइल", "बकाया", "तारीख", "देय तिथि", "टिप्पणी", "पता"]

# (row as text for the CSV, row as cells for the XLSX: numbers and dates as typed cells)
GOOD_AND_BAD: list[tuple[list[str], list[Any]]] = [
    (
        ["Sunita Verma", "+91 98123 45678", "1,00,000.50", "15-10-2026", "15-11-2026",
         "page 12", "09ABCDE1234F1Z5"],
        ["Sunita Verma", "+91 98123 45678", 100000.5, dt.date(2026, 10, 15),
         dt.date(2026, 11, 15), "page 12", "09ABCDE1234F1Z5"],
    ),
    (
        ["Ramesh Kumar", "098123-45679", "₹ 2,500", "01/10/26", "", "", ""],
        ["Ramesh Kumar", "098123-45679", 2500, "01/10/26", None, None, None],
    ),
    (
        ["राधा देवी", "9812345680", "", "", "", "no udhaar", ""],
        ["राधा देवी", 9812345680, None, None, None, "no udhaar", None],
    ),
    ([], []),  # a blank row
    (
        ["Phone Missing", "", "500", "", "", "", ""],
        ["Phone Missing", None, 500, None, None, None, None],
    ),
    (
        ["Short Phone", "12345", "100", "", "", "", ""],
        ["Short Phone", 12345, 100, None, None, None, None],
    ),
    (
        ["Bad Amount", "9812345681", "1,2,3", "", "", "", ""],
        ["Bad Amount", 9812345681, "1,2,3", None, None, None, None],
    ),
    (
        ["Bad Date", "9812345682", "300", "31-02-2026", "", "", ""],
        ["Bad Date", 9812345682, 300, "31-02-2026", None, None, None],
    ),
    (
        ["Sunita (again)", "98123 45678", "50", "", "", "", ""],
        ["Sunita (again)", "98123 45678", 50, None, None, None, None],
    ),
    (
        ["Advance Wala", "9812345683", "-200", "", "", "", ""],
        ["Advance Wala", 9812345683, -200, None, None, None, None],
    ),
    (
        ["Future Date", "9812345684", "100", "01-01-2090", "", "", ""],
        ["Future Date", 9812345684, 100, dt.date(2090, 1, 1), None, None, None],
    ),
    (
        ["", "9812345685", "100", "", "", "", ""],
        [None, 9812345685, 100, None, None, None, None],
    ),
]  # fmt: skip
"""Rows 2-13 of the file: 3 good (2, 3, 4), 1 blank (5), 8 bad (6-13, in `EXPECTED_ERRORS`)."""

GOOD_PHONES = {
    "+919812345678": "Sunita Verma",
    "+919812345679": "Ramesh Kumar",
    "+919812345680": "राधा देवी",
}


def party_list(
    folder: Path,
    kind: str,
    rows: list[tuple[list[str], list[Any]]] = GOOD_AND_BAD,
    headings: list[str] = HEADINGS,
    name: str = "udhaar",
) -> Path:
    if kind == "csv":
        return write_csv(folder / f"{name}.csv", headings, [text for text, _ in rows])
    return write_xlsx(folder / f"{name}.xlsx", headings, [cells for _, cells in rows])
