"""Every report as CSV and XLSX (`?format=csv|xlsx`): the same figures as its JSON, the shop's
name and the period on top, Indian grouping in Excel, and no formula smuggled in by a name.

Each file is parsed back (the csv module; openpyxl, and the sheet's XML for the exact text
of each number) and compared, figure by figure and as exact decimals, with the JSON reply of
the same request. A few figures are also checked against what the test itself sold.
"""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.xml.functions import fromstring
from pydantic import BaseModel

from app.core.export import report_response
from app.core.export.layout import Heading, layout
from app.core.export.xlsx_file import (
    INDIAN_MONEY,
    MONEY_FORMATS,
    NEGATIVE_CRORES,
    NEGATIVE_LAKHS,
    render_xlsx,
)
from tests.auth_helpers import add_staff
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product, register_shop
from tests.gst import KARNATAKA_GSTIN, register_for_gst, taxed_product

D = Decimal
SHOP_NAME = "राम किराना स्टोर"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RISKY_NAMES = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3"]
RICE = "बासमती चावल"
NOV_1, NOV_2, NOV_20, NOV_30 = "2026-11-01", "2026-11-02", "2026-11-20", "2026-11-30"


# ---- reading the files back ---------------------------------------------------------------


def csv_blocks(body: bytes) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """The header lines as a dict, and each table (title -> heading row and rows)."""
    assert body.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    blank = lines.index([])
    header = {line[0]: line[1] for line in lines[:blank]}
    tables: dict[str, list[list[str]]] = {}
    title = None
    for line in lines[blank + 1 :]:
        if not line:
            title = None
        elif title is None:
            title = line[0]
            tables[title] = []
        else:
            tables[title].append(line)
    return header, tables


def xml_numbers(body: bytes) -> dict[str, str]:
    """Each number cell's stored text, by coordinate: what Excel will read."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        sheet = fromstring(book.read("xl/worksheets/sheet1.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    numbers: dict[str, str] = {}
    for cell in sheet.iterfind(".//m:c", ns):
        value = cell.find("m:v", ns)
        if cell.get("t") == "n" and value is not None and value.text is not None:
            numbers[cell.get("r", "")] = value.text
    return numbers


def xlsx_tables(body: bytes) -> tuple[Any, dict[str, list[list[Any]]]]:
    """The sheet, and each table as rows of cells (title row and blank rows left out)."""
    sheet: Any = openpyxl.load_workbook(io.BytesIO(body)).active
    tables: dict[str, list[list[Any]]] = {}
    title = None
    rows = list(sheet.iter_rows(min_row=4))
    for row in rows:
        cells = [c for c in row if c.value is not None]
        if not cells:
            title = None
        elif title is None and len(cells) == 1 and cells[0].font.b and cells[0].column == 1:
            title = cells[0].value
            tables[title] = []
        elif title is not None:
            tables[title].append(list(row))
    return sheet, tables


def exact_xlsx(cell: Any, numbers: dict[str, str]) -> Any:
    """A cell's value with numbers as the exact decimal text stored, dates as dates."""
    if cell.value is None:
        return None
    if cell.data_type == "n" and not cell.is_date:
        text = numbers[cell.coordinate]
        return D(text) if "." in text else int(text)
    if cell.is_date:
        return cell.value.date()
    return cell.value


def as_csv_text(value: Any, places: int) -> str:
    """How the CSV must write a JSON value: plain exact decimals, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.{places}f}"
    return str(value)


async def get(client, shop: ShopSession, path: str, **params: str) -> Any:
    return await client.get(f"/api/reports/{path}", params=params, headers=shop.headers)


async def json_and_files(client, shop: ShopSession, path: str, **params: str):
    reply = await get(client, shop, path, **params)
    assert reply.status_code == 200, reply.text
    as_csv = await get(client, shop, path, format="csv", **params)
    as_xlsx = await get(client, shop, path, format="xlsx", **params)
    assert as_csv.status_code == 200, as_csv.text
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_xlsx.headers["content-type"] == XLSX
    return exact(reply), as_csv, as_xlsx


# ---- the books of a shop ------------------------------------------------------------------


@pytest.fixture
async def kirana(client) -> ShopSession:
    """A shop whose name is in Hindi."""
    return await register_shop(client, SHOP_NAME)


async def sell(client, shop: ShopSession, lines: list[dict[str, Any]], day: str) -> int:
    response = await sale(client, shop, lines, transaction_date=day)
    assert response.status_code == 201, response.text
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def november_books(client, shop: ShopSession) -> dict[str, Decimal]:
    """A month of a kirana: a 12,34,567.89 sale (a wedding order), rice by the 0.250 kg, a
    void, a return, a backdated bill and a big rent that makes a day a loss. Returns what
    the month's sales must add up to, computed here."""
    gold = await create_product(
        client, shop, product_name="Wedding hamper", price_sale="1234567.89", quantity=2
    )
    rice = await create_product(
        client,
        shop,
        product_name=RICE,
        unit="kg",
        price_purchase="80.00",
        price_sale="96.00",
        quantity="20.000",
    )
    await sell(client, shop, [{"product_id": gold["product_id"], "quantity": 1}], NOV_2)
    # 0.250 kg x 96 = 24.00 and 1.750 kg x 96 = 168.00
    await sell(client, shop, [{"product_id": rice["product_id"], "quantity": "0.250"}], NOV_20)
    returned = await sell(
        client, shop, [{"product_id": rice["product_id"], "quantity": "1.750"}], NOV_20
    )
    back = await client.post(
        f"/api/sales/{returned}/returns",
        json={"products": [{"product_id": rice["product_id"], "quantity": "0.500"}]},
        headers=shop.headers,
    )
    assert back.status_code == 201, back.text  # 0.500 kg back: 48.00 less
    voided = await sell(client, shop, [{"product_id": rice["product_id"], "quantity": 2}], NOV_20)
    void = await client.post(
        f"/api/sales/{voided}/void", json={"reason": "Entered twice"}, headers=shop.headers
    )
    assert void.status_code == 200, void.text
    rent = await client.post(
        "/api/expenses/",
        json={"category": "rent", "amount": "250000.00", "expense_date": NOV_30},
        headers=shop.headers,
    )
    assert rent.status_code == 201, rent.text
    return {
        NOV_2: D("1234567.89"),
        NOV_20: D("24.00") + D("168.00") - D("48.00"),
        NOV_30: D("0.00"),
    }


PL_HEADINGS = [
    "Period",
    "Sales",
    "Cost",
    "Profit",
    "Bills",
    "Discount",
    "Tax",
    "Expenses",
    "Net profit",
]
PL_KEYS = [
    "period",
    "sales",
    "cost",
    "profit",
    "bills",
    "discount",
    "tax",
    "expenses",
    "net_profit",
]


# ---- profit and loss ----------------------------------------------------------------------


async def test_profit_and_loss_as_csv_has_the_json_figures_exactly(client, kirana):
    sales = await november_books(client, kirana)
    report, as_csv, _ = await json_and_files(
        client, kirana, "profit-loss", **{"from": NOV_1, "to": NOV_30}
    )
    # The JSON itself agrees with what was sold.
    assert {p["period"]: p["sales"] for p in report["periods"]} == sales
    assert report["totals"]["sales"] == sum(sales.values())

    assert as_csv.headers["content-disposition"] == (
        'attachment; filename="profit-loss_2026-11-01_2026-11-30.csv"'
    )
    header, tables = csv_blocks(as_csv.content)
    assert header["Shop"] == SHOP_NAME
    assert header["Report"] == "Profit and loss"
    assert header["Period"] == "01-11-2026 to 30-11-2026"
    assert (header["Group"], header["From"], header["To"]) == ("day", NOV_1, NOV_30)

    headings, *rows, totals = tables["Periods"]
    assert headings == PL_HEADINGS
    expected = [[as_csv_text(period[key], 2) for key in PL_KEYS] for period in report["periods"]]
    assert rows == expected
    assert totals == ["Totals"] + [as_csv_text(report["totals"][k], 2) for k in PL_KEYS[1:]]
    # Exact and ungrouped, so they import back as numbers; a loss is a plain negative number.
    assert rows[0][1] == "1234567.89"
    assert [D(cell) for cell in totals[1:]] == [report["totals"][k] for k in PL_KEYS[1:]]
    loss = next(row for row in rows if row[0] == NOV_30)
    assert loss[-1] == "-250000.00"


async def test_profit_and_loss_as_xlsx_has_the_json_figures_in_indian_format(client, kirana):
    sales = await november_books(client, kirana)
    report, _, as_xlsx = await json_and_files(
        client, kirana, "profit-loss", **{"from": NOV_1, "to": NOV_30}
    )
    assert as_xlsx.headers["content-disposition"] == (
        'attachment; filename="profit-loss_2026-11-01_2026-11-30.xlsx"'
    )
    numbers = xml_numbers(as_xlsx.content)
    sheet, tables = xlsx_tables(as_xlsx.content)
    assert sheet["A1"].value == SHOP_NAME and sheet["A1"].font.b
    assert sheet["A2"].value == "Profit and loss, 01-11-2026 to 30-11-2026"
    assert sheet["A3"].value.startswith("Generated at ")

    headings, *rows, totals = tables["Periods"]
    assert [c.value for c in headings if c.value] == PL_HEADINGS
    assert all(c.font.b for c in headings)
    # Frozen under the headings: they stay in view while scrolling.
    assert sheet.freeze_panes == f"A{headings[0].row + 1}"
    values = [[exact_xlsx(c, numbers) for c in row] for row in rows]
    assert values == [[period[key] for key in PL_KEYS] for period in report["periods"]]
    assert [exact_xlsx(c, numbers) for c in totals] == ["Totals"] + [
        report["totals"][k] for k in PL_KEYS[1:]
    ]
    assert totals[0].font.b

    # 12,34,567.89 is stored as its exact text (openpyxl alone would write a float's digits).
    big = next(row for row in rows if row[0].value == NOV_2)[1]
    assert numbers[big.coordinate] == "1234567.89"
    assert D(numbers[big.coordinate]) == sales[NOV_2]
    assert big.number_format == INDIAN_MONEY
    money = [c for row in [*rows, totals] for c in row[1:] if c.column != 5]
    assert money and all(c.number_format in MONEY_FORMATS for c in money)
    assert all(c.data_type == "n" for c in money)
    # Each figure is stored as the JSON's own decimal text, paise and all (`168.00`, not `168`).
    stored = [numbers[c.coordinate] for row in rows for c in row[1:4]]
    assert stored == [f"{p[k]:.2f}" for p in report["periods"] for k in ("sales", "cost", "profit")]
    assert {c.number_format for row in rows for c in row if c.column == 5} == {"0"}
    # A loss of 2,48,xxx: a number, grouped in lakhs with its sign.
    loss = next(row for row in rows if row[0].value == NOV_30)[-1]
    assert loss.data_type == "n" and D(numbers[loss.coordinate]) == D("-250000.00")
    assert loss.number_format == NEGATIVE_LAKHS


async def test_an_open_period_is_named_so_in_the_header_and_the_file_name(client, kirana):
    response = await get(client, kirana, "profit-loss", format="csv", to=NOV_30)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        'attachment; filename="profit-loss_start_2026-11-30.csv"'
    )
    header, tables = csv_blocks(response.content)
    assert header["Period"] == "up to 30-11-2026"
    assert tables["Periods"] == [PL_HEADINGS, ["Totals", *["0.00"] * 3, "0", *["0.00"] * 4]]


# ---- reorder: names from the shop's world, formulas neutralised ----------------------------

REORDER_HEADINGS = [
    "Product ID",
    "Name",
    "Unit",
    "Quantity",
    "Reorder level",
    "Sold in window",
    "Daily rate",
    "Days left",
    "Reason",
    "Suggested quantity",
    "Last vendor ID",
    "Last vendor name",
    "Last vendor phone",
    "Last vendor last purchase date",
    "Last vendor last price",
]
REORDER_KEYS = [
    "product_id",
    "name",
    "unit",
    "quantity",
    "reorder_level",
    "sold_in_window",
    "daily_rate",
    "days_left",
    "reason",
    "suggested_quantity",
]
VENDOR_KEYS = ["vendor_id", "name", "phone", "last_purchase_date", "last_price"]
PLACES = {"quantity": 3, "reorder_level": 3, "sold_in_window": 3, "daily_rate": 3}


async def low_stock(client, shop: ShopSession) -> None:
    """Products below their reorder level named like formulas, and rice in Hindi bought from
    a vendor whose name is one too."""
    for name in RISKY_NAMES:
        await create_product(client, shop, product_name=name, quantity="1.500", reorder_level=5)
    rice = await create_product(
        client, shop, product_name=RICE, unit="kg", quantity="0.750", reorder_level="2.500"
    )
    bought = await purchase(
        client,
        shop,
        [{"product_id": rice["product_id"], "quantity": "1.250", "price_purchase": "81.25"}],
        vendor_name="=cmd|' /C calc'!A0",
    )
    assert bought.status_code == 201, bought.text
    sold = await sale(
        client, shop, [{"product_id": rice["product_id"], "quantity": "0.250", "rate": "96.00"}]
    )
    assert sold.status_code == 201, sold.text


def reorder_row(item: dict[str, Any]) -> list[Any]:
    vendor = item["last_vendor"] or {}
    return [item[k] for k in REORDER_KEYS] + [vendor.get(k) for k in VENDOR_KEYS]


async def test_reorder_as_csv_neutralises_formulas_and_keeps_hindi(client, kirana):
    await low_stock(client, kirana)
    report, as_csv, _ = await json_and_files(client, kirana, "reorder")
    assert {item["name"] for item in report["items"]} == {*RISKY_NAMES, RICE}
    as_of = dt.date.fromisoformat(report["as_of"])
    assert as_csv.headers["content-disposition"] == (
        f'attachment; filename="reorder_{as_of.isoformat()}.csv"'
    )
    header, tables = csv_blocks(as_csv.content)
    assert (header["Shop"], header["Report"]) == (SHOP_NAME, "Reorder list")
    assert header["Period"] == f"as of {as_of:%d-%m-%Y}"
    assert (header["Days"], header["Window"]) == ("14", "30")

    headings, *rows = tables["Items"]
    assert headings == REORDER_HEADINGS
    expected = []
    for item in report["items"]:
        keys = REORDER_KEYS + [f"vendor_{k}" for k in VENDOR_KEYS]
        cells = [
            as_csv_text(value, PLACES.get(key, 1 if key == "days_left" else 2))
            for key, value in zip(keys, reorder_row(item), strict=True)
        ]
        for index in (1, 2, 8, 11, 12):  # the text: names, unit, reason, phone
            if cells[index][:1] in ("=", "+", "-", "@"):
                cells[index] = "'" + cells[index]
        expected.append(cells)
    assert rows == expected
    names = {row[1] for row in rows}
    assert names == {"'" + name for name in RISKY_NAMES} | {RICE}
    rice = next(row for row in rows if row[1] == RICE)
    assert rice[3] == "1.750" and rice[11] == "'=cmd|' /C calc'!A0" and rice[14] == "81.25"
    # A phone in E.164 starts with `+`: as text, not a formula Excel would turn into 9.2E+11.
    assert rice[12].startswith("'+91")


async def test_reorder_as_xlsx_writes_names_as_text_never_formulas(client, kirana):
    await low_stock(client, kirana)
    report, _, as_xlsx = await json_and_files(client, kirana, "reorder")
    numbers = xml_numbers(as_xlsx.content)
    sheet, tables = xlsx_tables(as_xlsx.content)
    assert sheet["A1"].value == SHOP_NAME
    as_of = dt.date.fromisoformat(report["as_of"])
    assert sheet["A2"].value == f"Reorder list, as of {as_of:%d-%m-%Y}"
    headings, *rows = tables["Items"]
    assert [c.value for c in headings] == REORDER_HEADINGS
    values = [[exact_xlsx(c, numbers) for c in row] for row in rows]
    expected = [reorder_row(item) for item in report["items"]]
    for row in expected:
        row[13] = row[13] and dt.date.fromisoformat(row[13])  # the last purchase's date
    assert values == expected

    every_cell = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in every_cell if c.data_type == "f"]
    names = [row[1] for row in rows] + [row[11] for row in rows if row[11].value]
    risky = [c for c in names if c.value[:1] in "=+-@"]
    assert len(risky) == len(RISKY_NAMES) + 1  # and the vendor's
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    quantities = [row[i] for row in rows for i in (3, 4, 5, 6)]
    assert {c.number_format for c in quantities} == {"#,##0.000"}
    rice = next(row for row in rows if row[1].value == RICE)
    assert numbers[rice[3].coordinate] == "1.750"
    assert rice[14].number_format == INDIAN_MONEY and numbers[rice[14].coordinate] == "81.25"
    assert rice[13].is_date and rice[13].number_format == "dd-mm-yyyy"


# ---- GST summary: nested objects become one summary table ---------------------------------

GST_ROWS = {
    "Output invoices": ("output", "invoices"),
    "Output credit notes": ("output", "credit_notes"),
    "Output net": ("output", "net"),
    "Input": ("input",),
    "Reverse charge": ("reverse_charge",),
    "Net payable": ("net_payable",),
}
GST_COLUMNS = {
    "CGST": "cgst",
    "SGST": "sgst",
    "IGST": "igst",
    "Cess": "cess",
    "Tax": "tax",
    "Taxable value": "taxable_value",
    "Count": "count",
}


def gst_expected(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    expected = {}
    for label, path in GST_ROWS.items():
        part = report
        for key in path:
            part = part[key]
        expected[label] = {heading: part.get(key) for heading, key in GST_COLUMNS.items()}
    return expected


async def gst_books(client, shop: ShopSession) -> None:
    await register_for_gst(client, shop)
    soap = await taxed_product(client, shop, product_name="साबुन Lux")
    await sell(client, shop, [{"product_id": soap, "quantity": 3}], NOV_2)
    b2b = await sale(
        client,
        shop,
        [{"product_id": soap, "quantity": 2}],
        buyer_gstin=KARNATAKA_GSTIN,
        transaction_date=NOV_20,
    )
    assert b2b.status_code == 201, b2b.text
    note = await client.post(
        f"/api/sales/{b2b.json()['sale_id']}/returns",
        json={"products": [{"product_id": soap, "quantity": 1}], "return_date": NOV_30},
        headers=shop.headers,
    )
    assert note.status_code == 201, note.text
    bought = await purchase(
        client,
        shop,
        [{"product_name": "Vim Bar", "quantity": 4, "price_purchase": "20.00", "gst_rate": 18}],
        vendor_gstin="27AABCU9603R1ZN",  # a Maharashtra wholesaler
        transaction_date=NOV_20,
    )
    assert bought.status_code == 201, bought.text


async def test_gst_summary_files_have_the_json_figures(client, kirana):
    await gst_books(client, kirana)
    report, as_csv, as_xlsx = await json_and_files(
        client, kirana, "gst-summary", **{"from": NOV_1, "to": NOV_30}
    )
    assert report["output"]["invoices"]["count"] == 2
    assert report["input"]["count"] == 1
    expected = gst_expected(report)

    header, tables = csv_blocks(as_csv.content)
    assert (header["Shop"], header["Report"]) == (SHOP_NAME, "GST summary")
    assert header["Period"] == "01-11-2026 to 30-11-2026"
    headings, *rows = tables["Summary"]
    assert headings == ["Item", *GST_COLUMNS]
    parsed = {
        row[0]: {h: (D(v) if v else None) for h, v in zip(headings[1:], row[1:], strict=True)}
        for row in rows
    }
    assert parsed == expected
    assert all("." in v for row in rows for v in row[1:-1] if v)  # money keeps its paise

    numbers = xml_numbers(as_xlsx.content)
    sheet, xtables = xlsx_tables(as_xlsx.content)
    assert sheet["A2"].value == "GST summary, 01-11-2026 to 30-11-2026"
    xheadings, *xrows = xtables["Summary"]
    assert [c.value for c in xheadings] == ["Item", *GST_COLUMNS]
    xparsed = {
        row[0].value: {h: exact_xlsx(c, numbers) for h, c in zip(GST_COLUMNS, row[1:], strict=True)}
        for row in xrows
    }
    assert xparsed == expected
    assert all(c.number_format in MONEY_FORMATS for row in xrows for c in row[1:-1] if c.value)


# ---- who may, and what is asked ------------------------------------------------------------


@pytest.mark.parametrize("path", ["profit-loss", "gst-summary", "reorder"])
@pytest.mark.parametrize("output", ["json", "csv", "xlsx"])
async def test_staff_may_not_export_a_report(client, shop, path, output):
    staff = await add_staff(client, shop)
    response = await get(client, staff, path, format=output)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("path", ["profit-loss", "gst-summary", "reorder"])
async def test_an_unknown_format_is_a_422_naming_format(client, shop, path):
    response = await get(client, shop, path, format="pdf")
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "format"]]


async def test_openapi_documents_the_csv_and_xlsx_replies(client):
    schema = (await client.get("/openapi.json")).json()
    for path in ("profit-loss", "gst-summary", "reorder"):
        operation = schema["paths"][f"/api/reports/{path}"]["get"]
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv", XLSX} <= set(content)
        formats = [p for p in operation["parameters"] if p["name"] == "format"]
        assert formats and formats[0]["in"] == "query"


# ---- the layout's rules for reports still being written ------------------------------------


class _ModeTotals(BaseModel):
    amount_in: Decimal
    amount_out: Decimal


class _Entry(BaseModel):
    time: dt.datetime
    party: str | None
    amount_in: Decimal


class _DayBook(BaseModel):
    date: dt.date
    opening_cash: Decimal
    entries: list[_Entry]
    totals_by_mode: dict[str, _ModeTotals]


def test_a_dict_of_objects_is_a_table_keyed_by_its_keys_and_times_are_local():
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    book = _DayBook(
        date=dt.date(2026, 11, 30),
        opening_cash=D("1500.00"),
        entries=[
            _Entry(
                time=dt.datetime(2026, 11, 30, 4, 30, tzinfo=dt.UTC),
                party="+91 Sunita",
                amount_in=D("120.50"),
            )
        ],
        totals_by_mode={"cash": _ModeTotals(amount_in=D("120.50"), amount_out=D("0.00"))},
    )
    sheet = layout(book, tz=india)
    assert [(h.label, h.value, h.kind) for h in sheet.header] == [
        ("Date", dt.date(2026, 11, 30), "date"),
        ("Opening cash", D("1500.00"), "money"),
    ]
    entries, modes = sheet.tables
    assert [c.heading for c in entries.columns] == ["Time", "Party", "Amount in"]
    local = dt.datetime(2026, 11, 30, 10, 0)  # noqa: DTZ001 - spreadsheets hold wall time
    assert entries.rows == [[local, "+91 Sunita", D("120.50")]]
    assert modes.title == "Totals by mode"
    assert [(c.heading, c.kind) for c in modes.columns] == [
        ("Mode", "text"),
        ("Amount in", "money"),
        ("Amount out", "money"),
    ]
    assert modes.rows == [["cash", D("120.50"), D("0.00")]]


class _Figures(BaseModel):
    amount: Decimal


class _Ledger(BaseModel):
    rows: list[_Figures]


def test_decimals_reach_the_sheet_exactly_with_a_format_for_their_sign_and_size():
    # What openpyxl would write through a float: 0.07000000000000001.
    amounts = ["0.07", "999999999999.99", "-12345678.90", "-100000.00", "-99999.99", "0.00"]
    ledger = _Ledger(rows=[_Figures(amount=D(a)) for a in amounts])
    made = dt.datetime(2026, 12, 4, 18, 0)  # noqa: DTZ001 - the shop's wall time
    heading = Heading("Sharma Kirana", "Ledger", "", made)
    body = render_xlsx(layout(ledger), heading)
    numbers = xml_numbers(body)
    _, tables = xlsx_tables(body)
    _, *rows = tables["Rows"]
    assert [numbers[row[0].coordinate] for row in rows] == amounts
    assert [row[0].number_format for row in rows] == [
        INDIAN_MONEY,
        INDIAN_MONEY,
        NEGATIVE_CRORES,
        NEGATIVE_LAKHS,
        INDIAN_MONEY,  # under a lakh, thousands and lakhs group alike: -99,999.99
        INDIAN_MONEY,
    ]


class _Shop:
    name = "Sharma Kirana"

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 12, 4, 21, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=5.5)))


async def test_a_one_day_report_names_its_day_and_keeps_the_route_s_headers():
    book = _DayBook(
        date=dt.date(2026, 11, 30), opening_cash=D("0.00"), entries=[], totals_by_mode={}
    )
    paged = {"X-Total-Count": "0"}
    response = await report_response(
        book, "csv", shop=_Shop(), name="day-book", title="Day book", headers=paged
    )
    assert response.headers["content-disposition"] == (
        'attachment; filename="day-book_2026-11-30.csv"'
    )
    assert response.headers["x-total-count"] == "0"
    header, tables = csv_blocks(bytes(response.body))
    assert header["Period"] == "30-11-2026"
    assert header["Generated at"] == "2026-12-04 21:15:30"
    # Empty tables still show their headings, taken from the models.
    assert tables == {
        "Entries": [["Time", "Party", "Amount in"]],
        "Totals by mode": [["Mode", "Amount in", "Amount out"]],
    }


# ---- the other reports: the same files from the same generic layout ----------------------


def _figures(value: Any) -> list[str]:
    """Every money or quantity figure of a JSON reply, as the CSV writes it."""
    found: list[str] = []
    if isinstance(value, dict):
        for item in value.values():
            found += _figures(item)
    elif isinstance(value, list):
        for item in value:
            found += _figures(item)
    elif isinstance(value, Decimal):
        found.append(f"{value:.3f}" if value.as_tuple().exponent == -3 else f"{value:.2f}")
    return found


@pytest.mark.parametrize(
    ("path", "params", "title", "stem"),
    [
        ("sales", {"from": NOV_1, "to": NOV_30, "by": "product"}, "Sales analysis", "sales"),
        ("sales", {"from": NOV_1, "to": NOV_30, "by": "day"}, "Sales analysis", "sales"),
        ("stock", {"as_of": NOV_20}, "Stock summary", "stock"),
        ("day-book", {"date": NOV_20}, "Day book", "day-book"),
    ],
)
async def test_sales_stock_and_day_book_export_the_json_figures(
    client, kirana, path: str, params: dict[str, str], title: str, stem: str
):
    await november_books(client, kirana)
    report, as_csv, as_xlsx = await json_and_files(client, kirana, path, **params)
    assert as_csv.headers["content-disposition"].startswith(f'attachment; filename="{stem}_')
    header, tables = csv_blocks(as_csv.content)
    assert (header["Shop"], header["Report"]) == (SHOP_NAME, title)
    cells = [cell for table in tables.values() for row in table for cell in row]
    cells += list(header.values())
    # Every figure of the JSON reply is somewhere in the file, written exactly.
    figures = _figures(report)
    assert figures, "the report has no figures: the books did not reach it"
    missing = [figure for figure in figures if figure not in cells]
    assert not missing, missing
    _, sheets = xlsx_tables(as_xlsx.content)
    assert sheets, "the workbook has no tables"
