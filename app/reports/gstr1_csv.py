"""GSTR-1 as the GST offline tool's CSV sheets, in one ZIP: pure, from the JSON `gstr1.build`
made.

One file per sheet with the tool's exact headings; one row per document and rate (B2B, B2CL,
CDNR, CDNUR), per B2CS row, per HSN row and per document series. The tool's conventions:
dates `dd-Mon-yyyy`, places of supply `27-Maharashtra`, units `NOS-NUMBERS`, rates as plain
numbers (`18`, `0.25`), amounts with their two places.

The rows are built once, as typed cells (`sheets`): text, or a `Figure` holding the exact
decimal to write and what it is. This module writes them as CSV text; `gstr1_xlsx` writes the
same rows as a workbook, figures as number cells, so the two files cannot disagree.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from app.core.gstin import STATE_NAMES

HEADINGS: dict[str, list[str]] = {
    "b2b.csv": [
        "GSTIN/UIN of Recipient",
        "Receiver Name",
        "Invoice Number",
        "Invoice date",
        "Invoice Value",
        "Place Of Supply",
        "Reverse Charge",
        "Applicable % of Tax Rate",
        "Invoice Type",
        "E-Commerce GSTIN",
        "Rate",
        "Taxable Value",
        "Cess Amount",
    ],
    "b2cl.csv": [
        "Invoice Number",
        "Invoice date",
        "Invoice Value",
        "Place Of Supply",
        "Applicable % of Tax Rate",
        "Rate",
        "Taxable Value",
        "Cess Amount",
        "E-Commerce GSTIN",
    ],
    "b2cs.csv": [
        "Type",
        "Place Of Supply",
        "Applicable % of Tax Rate",
        "Rate",
        "Taxable Value",
        "Cess Amount",
        "E-Commerce GSTIN",
    ],
    "cdnr.csv": [
        "GSTIN/UIN of Recipient",
        "Receiver Name",
        "Note Number",
        "Note Date",
        "Note Type",
        "Place Of Supply",
        "Reverse Charge",
        "Note Supply Type",
        "Note Value",
        "Applicable % of Tax Rate",
        "Rate",
        "Taxable Value",
        "Cess Amount",
    ],
    "cdnur.csv": [
        "UR Type",
        "Note Number",
        "Note Date",
        "Note Type",
        "Place Of Supply",
        "Note Value",
        "Applicable % of Tax Rate",
        "Rate",
        "Taxable Value",
        "Cess Amount",
    ],
    "hsn_b2b.csv": [
        "HSN",
        "Description",
        "UQC",
        "Total Quantity",
        "Total Value",
        "Rate",
        "Taxable Value",
        "Integrated Tax Amount",
        "Central Tax Amount",
        "State/UT Tax Amount",
        "Cess Amount",
    ],
    "docs.csv": [
        "Nature of Document",
        "Sr. No. From",
        "Sr. No. To",
        "Total Number",
        "Cancelled",
    ],
}
HEADINGS["hsn_b2c.csv"] = HEADINGS["hsn_b2b.csv"]

UQC_NAMES = {
    "BAG": "BAG-BAGS",
    "BOX": "BOX-BOX",
    "BTL": "BTL-BOTTLES",
    "DOZ": "DOZ-DOZENS",
    "GMS": "GMS-GRAMMES",
    "KGS": "KGS-KILOGRAMS",
    "LTR": "LTR-LITRES",
    "MLT": "MLT-MILILITRE",
    "MTR": "MTR-METERS",
    "NOS": "NOS-NUMBERS",
    "PAC": "PAC-PACKS",
    "NA": "NA",
    "OTH": "OTH-OTHERS",
}
"""GSTN's unit codes as the offline tool lists them."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FigureKind = Literal["money", "rate", "quantity", "count"]


@dataclass(frozen=True)
class Figure:
    """A number of a sheet, already in the form the tool wants (`18`, `84.75`, `3.000`, `6`):
    its `f` text is the CSV cell and the XLSX number cell alike; `kind` picks the XLSX
    display format."""

    value: Decimal
    kind: FigureKind


Cell = str | Figure
Row = list[Cell]


def _date(gstn_day: str) -> str:
    """`05-11-2026` (GSTN's JSON) -> `05-Nov-2026` (the tool's sheets), locale-free."""
    day, month, year = gstn_day.split("-")
    return f"{day}-{_MONTHS[int(month) - 1]}-{year}"


def _place(code: str) -> str:
    return f"{code}-{STATE_NAMES.get(code, '')}"


def _rate(rate: Decimal) -> Figure:
    """`18.00` -> `18`, `0.25` stays: the tool lists rates without trailing zeros."""
    return Figure(rate.normalize(), "rate")


def _money(amount: Decimal) -> Figure:
    return Figure(amount, "money")


def _count(number: int) -> Figure:
    return Figure(Decimal(number), "count")


def _rated(item: dict[str, Any]) -> Row:
    detail = item["itm_det"]
    return [_rate(detail["rt"]), _money(detail["txval"]), _money(detail["csamt"])]


def _b2b(report: dict[str, Any], names: dict[str, str]) -> Iterator[Row]:
    for buyer in report["b2b"]:
        for inv in buyer["inv"]:
            head = [buyer["ctin"], names.get(buyer["ctin"], ""), inv["inum"], _date(inv["idt"])]
            head += [_money(inv["val"]), _place(inv["pos"]), "N", "", "Regular B2B", ""]
            for item in inv["itms"]:
                yield head + _rated(item)


def _b2cl(report: dict[str, Any]) -> Iterator[Row]:
    for place in report["b2cl"]:
        for inv in place["inv"]:
            head = [inv["inum"], _date(inv["idt"]), _money(inv["val"]), _place(place["pos"]), ""]
            for item in inv["itms"]:
                yield [*head, *_rated(item), ""]


def _b2cs(report: dict[str, Any]) -> Iterator[Row]:
    for row in report["b2cs"]:
        place, rate = _place(row["pos"]), _rate(row["rt"])
        yield [row["typ"], place, "", rate, _money(row["txval"]), _money(row["csamt"]), ""]


def _cdnr(report: dict[str, Any], names: dict[str, str]) -> Iterator[Row]:
    for buyer in report["cdnr"]:
        for note in buyer["nt"]:
            head = [buyer["ctin"], names.get(buyer["ctin"], ""), note["nt_num"]]
            head += [_date(note["nt_dt"]), note["ntty"], _place(note["pos"]), "N"]
            head += ["Regular B2B", _money(note["val"]), ""]
            for item in note["itms"]:
                yield head + _rated(item)


def _cdnur(report: dict[str, Any]) -> Iterator[Row]:
    for note in report["cdnur"]:
        head = [note["typ"], note["nt_num"], _date(note["nt_dt"]), note["ntty"]]
        head += [_place(note["pos"]), _money(note["val"]), ""]
        for item in note["itms"]:
            yield head + _rated(item)


def _hsn(rows: list[dict[str, Any]]) -> Iterator[Row]:
    for row in rows:
        value = row["txval"] + row["iamt"] + row["camt"] + row["samt"] + row["csamt"]
        yield [
            row["hsn_sc"],
            row["desc"],
            UQC_NAMES.get(row["uqc"], row["uqc"]),
            Figure(row["qty"], "quantity"),
            _money(value),
            _rate(row["rt"]),
            _money(row["txval"]),
            _money(row["iamt"]),
            _money(row["camt"]),
            _money(row["samt"]),
            _money(row["csamt"]),
        ]


def _docs(report: dict[str, Any]) -> Iterator[Row]:
    for group in report["doc_issue"]["doc_det"]:
        for docs in group["docs"]:
            counts = [_count(docs["totnum"]), _count(docs["cancel"])]
            yield [group["doc_typ"], docs["from"], docs["to"], *counts]


def sheets(report: dict[str, Any], names: dict[str, str]) -> dict[str, list[Row]]:
    """Every sheet's rows (headings first), in the ZIP's order; `names` maps a buyer's GSTIN
    to their name. The one source of both the CSV and the XLSX cells."""
    bodies: dict[str, Iterator[Row]] = {
        "b2b.csv": _b2b(report, names),
        "b2cl.csv": _b2cl(report),
        "b2cs.csv": _b2cs(report),
        "cdnr.csv": _cdnr(report, names),
        "cdnur.csv": _cdnur(report),
        "hsn_b2b.csv": _hsn(report["hsn"]["hsn_b2b"]),
        "hsn_b2c.csv": _hsn(report["hsn"]["hsn_b2c"]),
        "docs.csv": _docs(report),
    }
    return {name: [[*HEADINGS[name]], *rows] for name, rows in bodies.items()}


def text(cell: Cell) -> str:
    """A cell as the CSV writes it: a figure's exact decimal, never an exponent."""
    return cell if isinstance(cell, str) else f"{cell.value:f}"


def zipped(report: dict[str, Any], names: dict[str, str]) -> bytes:
    """The sheets as UTF-8 CSV files in a ZIP archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sheets(report, names).items():
            out = io.StringIO()
            csv.writer(out).writerows([text(cell) for cell in row] for row in rows)
            archive.writestr(name, out.getvalue())
    return buffer.getvalue()
