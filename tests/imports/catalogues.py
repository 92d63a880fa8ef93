"""Catalogue files for the import tests: one shop's list, as CSV (UTF-8 with BOM) or XLSX."""

import codecs
import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

HEADINGS = ["Item Name", "MRP", "Purchase Price", "मात्रा", "Unit", "Barcode", "GST %", "HSN"]

# (row as text for the CSV, row as cells for the XLSX: numbers as number cells)
GOOD_AND_BAD: list[tuple[list[str], list[Any]]] = [
    (
        ["पारले-जी बिस्कुट 100g", "₹ 10", "8.50", "100", "pkt", "8901719101038", "18%", "1905"],
        ["पारले-जी बिस्कुट 100g", 10, Decimal("8.50"), 100, "pkt", 8901719101038, 18, 1905],
    ),
    (
        ["India Gate Basmati 25kg", "1,250.00", "1,050.00", "4", "bag", "", "5", ""],
        ["India Gate Basmati 25kg", 1250, 1050, 4, "bag", None, 5, None],
    ),
    ([], []),  # a blank row
    (
        ["Amul Butter 500g", "-275", "250", "6", "pcs", "8901262010016", "5", "0405"],
        ["Amul Butter 500g", -275, 250, 6, "pcs", 8901262010016, 5, "0405"],
    ),
    (
        ["Surf Excel 1kg", "Rs. 135/-", "118", "10", "crate", "8901030865278", "18", ""],
        ["Surf Excel 1kg", "Rs. 135/-", 118, 10, "crate", 8901030865278, 18, None],
    ),
    (
        ["Parle G (copy)", "10", "8.5", "20", "Pkt.", "8901719101038", "18", ""],
        ["Parle G (copy)", 10, 8.5, 20, "Pkt.", 8901719101038, 18, None],
    ),
    (
        ["  tata  SALT 1kg ", "28/-", "22.40", "2.5", "Kg.", "", "0", "2501"],
        ["  tata  SALT 1kg ", "28/-", 22.4, 2.5, "Kg.", None, 0, 2501],
    ),
]
"""Rows 2-8 of the file: 3 good (2, 3, 8), 1 blank (4), 3 bad: row 5 a negative price, row 6
an unknown unit, row 7 the barcode of row 2."""


def write_csv(path: Path, headings: list[str], rows: list[list[str]]) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headings)
    writer.writerows(rows)
    path.write_bytes(codecs.BOM_UTF8 + text.getvalue().encode("utf-8"))
    return path


def write_xlsx(path: Path, headings: list[str], rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def catalogue(
    folder: Path, kind: str, rows: list[tuple[list[str], list[Any]]] = GOOD_AND_BAD
) -> Path:
    if kind == "csv":
        return write_csv(folder / "catalogue.csv", HEADINGS, [text for text, _ in rows])
    return write_xlsx(folder / "catalogue.xlsx", HEADINGS, [cells for _, cells in rows])
