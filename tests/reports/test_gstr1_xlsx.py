"""GSTR-1 as one XLSX workbook (issue 17, item 6): the CSV ZIP's sheets, cell for cell.

The month of `test_gstr1` is sold over HTTP; the workbook is checked against the CSV ZIP of
the same request (itself checked against the sales register in `test_gstr1`). Figures are
compared through the text the worksheet XML stores, which is what Excel reads: a float
artefact (`0.07000000000000001`) or a figure written as text fails.
"""

import csv
import io
import posixpath
import zipfile
from typing import Any

import openpyxl
import pytest
from openpyxl.xml.functions import fromstring

from app.core.export.xlsx_file import MONEY_FORMATS
from tests.conftest import ShopSession
from tests.gst import MAHARASHTRA_GSTIN, register_for_gst
from tests.operations import add_login
from tests.reports.test_gstr1 import MAHARASHTRA_BUYER, Register, product, seed_month, sell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
MONEY = {
    "Invoice Value",
    "Note Value",
    "Taxable Value",
    "Cess Amount",
    "Total Value",
    "Integrated Tax Amount",
    "Central Tax Amount",
    "State/UT Tax Amount",
}
FIGURES = MONEY | {"Rate", "Total Quantity", "Total Number", "Cancelled"}
"""The tool's numeric columns; every other column is text (dates included)."""


async def download(client, shop: ShopSession, period: str, output: str) -> Any:
    return await client.get(
        "/api/reports/gstr1", params={"period": period, "format": output}, headers=shop.headers
    )


def csv_sheets(body: bytes) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    return {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
        for name in archive.namelist()
    }


def stored_numbers(body: bytes) -> dict[str, dict[str, str]]:
    """Each sheet's number cells as the exact text the XML stores, by coordinate."""
    book = zipfile.ZipFile(io.BytesIO(body))
    rels = fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{PACKAGE}}}Relationship")
    }
    numbers: dict[str, dict[str, str]] = {}
    for sheet in fromstring(book.read("xl/workbook.xml")).iter(f"{{{MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{RELATIONSHIPS}}}id")]
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        cells = fromstring(book.read(path)).iter(f"{{{MAIN}}}c")
        numbers[sheet.get("name", "")] = {
            cell.get("r", ""): cell.findtext(f"{{{MAIN}}}v", "")
            for cell in cells
            if cell.get("t", "n") == "n" and cell.find(f"{{{MAIN}}}v") is not None
        }
    return numbers


def as_text(cell: Any, numbers: dict[str, str]) -> str:
    """A cell as CSV text: a number cell's stored decimal text, a string cell's value."""
    if cell.value is None:
        return ""
    if cell.data_type == "n":
        return numbers[cell.coordinate]
    assert cell.data_type == "s", (cell.coordinate, cell.data_type)
    assert isinstance(cell.value, str)
    return cell.value


def check_sheet(sheet: Any, rows: list[list[str]], numbers: dict[str, str]) -> None:
    """The worksheet holds the CSV sheet's rows, headings bold, figures as numbers."""
    cells = list(sheet.iter_rows())
    assert [[as_text(c, numbers) for c in row] for row in cells] == rows, sheet.title
    assert all(c.font.b for c in cells[0]), sheet.title
    headings = rows[0]
    for row in cells[1:]:
        for heading, cell in zip(headings, row, strict=True):
            assert not cell.font.b, cell.coordinate
            if cell.value is None:
                continue
            assert (cell.data_type == "n") == (heading in FIGURES), (sheet.title, heading)
            assert (cell.number_format in MONEY_FORMATS) == (heading in MONEY), heading


async def test_the_workbook_holds_the_csv_sheets_cell_for_cell(client, shop):
    month = await seed_month(client, shop)
    zipped = await download(client, shop, month.period, "csv")
    assert zipped.status_code == 200, zipped.text
    response = await download(client, shop, month.period, "xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    year, mm = month.period.split("-")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="GSTR1_{MAHARASHTRA_GSTIN}_{mm}{year}.xlsx"'

    sheets = csv_sheets(zipped.content)
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [name.removesuffix(".csv") for name in sheets]
    numbers = stored_numbers(response.content)
    for name, rows in sheets.items():
        check_sheet(book[name.removesuffix(".csv")], rows, numbers[name.removesuffix(".csv")])
    # The month fills every kind of sheet, so the comparison above covered real rows.
    assert all(len(rows) > 1 for rows in sheets.values())


async def test_a_formula_looking_buyer_name_is_a_quoted_string_cell(client, shop):
    await register_for_gst(client, shop)
    soap = await product(client, shop, "Lux Soap", "18", "100.00", "3401")
    name = '=HYPERLINK("x")'
    invoice = await sell(
        client, shop, Register(), [(soap, 1)], buyer_gstin=MAHARASHTRA_BUYER, buyer_name=name
    )
    response = await download(client, shop, invoice["transaction_date"][:7], "xlsx")
    assert response.status_code == 200, response.text

    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cell = next(book["b2b"].iter_rows(min_row=2, min_col=2, max_col=2))[0]
    assert (cell.value, cell.data_type) == (name, "s")
    assert cell.style_array.quotePrefix
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


async def test_staff_cannot_read_the_workbook_that_the_owner_can(client, shop):
    await register_for_gst(client, shop)
    staff, _ = await add_login(client, shop, "counter-two-pass")
    owner = await download(client, shop, "2026-11", "xlsx")
    assert owner.status_code == 200, owner.text
    response = await client.get(
        "/api/reports/gstr1",
        params={"period": "2026-11", "format": "xlsx"},
        headers={"Authorization": f"Bearer {staff.token}"},
    )
    assert response.status_code == 403, response.text


async def test_another_format_is_a_422_naming_format_and_offering_xlsx(client, shop):
    await register_for_gst(client, shop)
    response = await download(client, shop, "2026-11", "pdf")
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == ["query", "format"]
    assert "xlsx" in error["msg"]


@pytest.mark.parametrize("scheme", ["unregistered", "composition"])
async def test_only_a_regular_shop_gets_the_workbook(client, shop, scheme):
    if scheme == "composition":
        await register_for_gst(client, shop, scheme="composition")
    response = await download(client, shop, "2026-11", "xlsx")
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "not_regular_gst"
