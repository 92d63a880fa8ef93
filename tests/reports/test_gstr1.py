"""GSTR-1 of a month (issue 14, item 6): GSTN's JSON sections and the offline tool's CSV ZIP.

A registered shop in Maharashtra (27) sells over HTTP: tax invoices to registered buyers in
and out of the state, walk-in sales, a large and a small inter-state sale to unregistered
buyers, a voided invoice, and returns (credit notes). The identities the month must satisfy
are checked against the sales register the API itself reports (the bills' detail and the
returns' replies), never against numbers the report computed.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.bills import exact, sale
from tests.conftest import ShopSession, create_product
from tests.gst import KARNATAKA_GSTIN, MAHARASHTRA_GSTIN, register_for_gst
from tests.operations import add_login

D = Decimal
MAHARASHTRA_BUYER = "27AAFCC9980M1ZV"  # a second valid Maharashtra GSTIN (check digit by hand)
HEADS = ("taxable_value", "igst", "cgst", "sgst", "cess")
GSTN_HEADS = ("txval", "iamt", "camt", "samt", "csamt")  # the same order, GSTN's names
ZERO = (D("0.00"),) * 5


@dataclass
class Register:
    """The month as the API reports it: non-void invoices' details and the credit notes."""

    invoices: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    """Every invoice number used, voids included."""

    def net(self) -> tuple[Decimal, ...]:
        return _minus(_sum(self.invoices, HEADS), _sum(self.notes, HEADS))


def _sum(rows: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> tuple[Decimal, ...]:
    totals = [D("0.00")] * len(keys)
    for row in rows:
        totals = [t + row.get(k, D("0.00")) for t, k in zip(totals, keys, strict=True)]
    return tuple(totals)


def _minus(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(x - y for x, y in zip(a, b, strict=True))


def _items(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item["itm_det"] for document in documents for item in document["itms"]]


def _gstn_date(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%d-%m-%Y")


async def product(
    client, shop: ShopSession, name: str, rate: str, price: str, hsn: str, unit: str = "pcs"
) -> int:
    created = await create_product(
        client,
        shop,
        product_name=name,
        price_sale=price,
        price_purchase="10.00",
        quantity=100,
        unit=unit,
        gst_rate=rate,
        hsn_code=hsn,
    )
    return int(created["product_id"])


async def sell(
    client, shop: ShopSession, register: Register, lines: list[tuple[int, int]], **fields: Any
) -> dict[str, Any]:
    response = await sale(
        client, shop, [{"product_id": p, "quantity": q} for p, q in lines], **fields
    )
    assert response.status_code == 201, response.text
    detail = await client.get(f"/api/sales/{response.json()['sale_id']}", headers=shop.headers)
    assert detail.status_code == 200, detail.text
    invoice: dict[str, Any] = exact(detail)
    assert invoice["document_type"] == "tax_invoice"
    register.invoices.append(invoice)
    register.numbers.append(invoice["bill_no"])
    return invoice


async def void(client, shop: ShopSession, register: Register, invoice: dict[str, Any]) -> None:
    url = f"/api/sales/{invoice['sales_id']}/void"
    response = await client.post(url, json={"reason": "wrong bill"}, headers=shop.headers)
    assert response.status_code == 200, response.text
    register.invoices.remove(invoice)


async def give_back(
    client, shop: ShopSession, register: Register, invoice: dict[str, Any], product_id: int, n: int
) -> dict[str, Any]:
    response = await client.post(
        f"/api/sales/{invoice['sales_id']}/returns",
        json={"products": [{"product_id": product_id, "quantity": n}]},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    note: dict[str, Any] = exact(response)
    assert note["credit_note_no"] is not None
    register.notes.append(note)
    return note


async def gstr1(client, shop: ShopSession, period: str | None, **params: str) -> dict[str, Any]:
    query = params | ({"period": period} if period else {})
    response = await client.get("/api/reports/gstr1", params=query, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


@dataclass
class Month:
    register: Register
    period: str
    soap: int
    rice: int
    tv: int
    b2b_intra: dict[str, Any]
    b2b_inter: dict[str, Any]
    walk_in: dict[str, Any]
    b2cl: dict[str, Any]
    b2cs_inter: dict[str, Any]
    notes: dict[str, dict[str, Any]]


async def seed_month(client, shop: ShopSession) -> Month:
    """A month of a registered shop's trading, all dated today (credit notes are dated the day
    of the return, so invoices and notes share today's month)."""
    await register_for_gst(client, shop)
    soap = await product(client, shop, "Lux Soap", "18", "100.00", "3401")
    rice = await product(client, shop, "Rice", "5", "50.00", "1006", unit="kg")
    tv = await product(client, shop, "TV 55 inch", "18", "150000.00", "8528")
    fridge = await product(client, shop, "Fridge", "18", "50000.00", "8418")
    register = Register()

    b2b_intra = await sell(
        client,
        shop,
        register,
        [(soap, 2), (rice, 3)],
        buyer_gstin=MAHARASHTRA_BUYER,
        buyer_name="Patil Stores",
    )
    b2b_inter = await sell(
        client, shop, register, [(soap, 1)], buyer_gstin=KARNATAKA_GSTIN, buyer_name="Chandra"
    )
    walk_in = await sell(client, shop, register, [(soap, 1), (rice, 2)])
    elsewhere = {"place_of_supply": "29", "buyer_address": "12 MG Road, Bengaluru"}
    b2cl = await sell(client, shop, register, [(tv, 2)], **elsewhere)
    b2cs_inter = await sell(client, shop, register, [(fridge, 1)], **elsewhere)
    voided = await sell(client, shop, register, [(soap, 1)])
    await void(client, shop, register, voided)

    notes = {
        "cdnr": await give_back(client, shop, register, b2b_intra, soap, 1),
        "cdnur": await give_back(client, shop, register, b2cl, tv, 1),
        "b2cs": await give_back(client, shop, register, walk_in, rice, 1),
    }
    return Month(
        register=register,
        period=b2b_intra["transaction_date"][:7],
        soap=soap,
        rice=rice,
        tv=tv,
        b2b_intra=b2b_intra,
        b2b_inter=b2b_inter,
        walk_in=walk_in,
        b2cl=b2cl,
        b2cs_inter=b2cs_inter,
        notes=notes,
    )


async def test_the_sections_add_up_to_the_sales_register_less_credit_notes(client, shop):
    month = await seed_month(client, shop)
    report = await gstr1(client, shop, month.period)

    invoices = [inv for group in report["b2b"] for inv in group["inv"]]
    invoices += [inv for group in report["b2cl"] for inv in group["inv"]]
    notes = [nt for group in report["cdnr"] for nt in group["nt"]] + report["cdnur"]
    # b2b + b2cl + b2cs (already net of its own notes) - cdnr - cdnur, per head
    invoiced = _sum([*_items(invoices), *report["b2cs"]], GSTN_HEADS)
    assert _minus(invoiced, _sum(_items(notes), GSTN_HEADS)) == month.register.net()
    assert month.register.net() != ZERO

    hsn = report["hsn"]["hsn_b2b"] + report["hsn"]["hsn_b2c"]
    assert _sum(hsn, GSTN_HEADS) == month.register.net()


async def test_each_document_lands_in_its_table_with_gstn_keys(client, shop):
    month = await seed_month(client, shop)
    report = await gstr1(client, shop, month.period)
    b2b_intra, b2b_inter, b2cl = month.b2b_intra, month.b2b_inter, month.b2cl
    day = _gstn_date(b2b_intra["transaction_date"])
    year, mm = month.period.split("-")

    assert (report["gstin"], report["fp"]) == (MAHARASHTRA_GSTIN, f"{mm}{year}")

    def lines(invoice: dict[str, Any], rate: str) -> dict[str, Decimal]:
        chosen = [line for line in invoice["products"] if line["gst_rate"] == D(rate)]
        return dict(zip(HEADS, _sum(chosen, HEADS), strict=True))

    intra_5, intra_18 = lines(b2b_intra, "5"), lines(b2b_intra, "18")
    assert report["b2b"] == [
        {
            "ctin": MAHARASHTRA_BUYER,
            "inv": [
                {
                    "inum": b2b_intra["bill_no"],
                    "idt": day,
                    "val": b2b_intra["total_amount"],
                    "pos": "27",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "rt": D("5.00"),
                                "txval": intra_5["taxable_value"],
                                "camt": intra_5["cgst"],
                                "samt": intra_5["sgst"],
                                "csamt": D("0.00"),
                            },
                        },
                        {
                            "num": 2,
                            "itm_det": {
                                "rt": D("18.00"),
                                "txval": intra_18["taxable_value"],
                                "camt": intra_18["cgst"],
                                "samt": intra_18["sgst"],
                                "csamt": D("0.00"),
                            },
                        },
                    ],
                }
            ],
        },
        {
            "ctin": KARNATAKA_GSTIN,
            "inv": [
                {
                    "inum": b2b_inter["bill_no"],
                    "idt": day,
                    "val": D("100.00"),
                    "pos": "29",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "rt": D("18.00"),
                                "txval": D("84.75"),
                                "iamt": D("15.25"),
                                "csamt": D("0.00"),
                            },
                        }
                    ],
                }
            ],
        },
    ]

    # Inter-state, unregistered, Rs 3,00,000 > the Rs 1 lakh threshold: B2CL, one by one.
    assert report["b2cl"] == [
        {
            "pos": "29",
            "inv": [
                {
                    "inum": b2cl["bill_no"],
                    "idt": day,
                    "val": D("300000.00"),
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "rt": D("18.00"),
                                "txval": b2cl["taxable_value"],
                                "iamt": b2cl["igst"],
                                "csamt": D("0.00"),
                            },
                        }
                    ],
                }
            ],
        }
    ]

    # Rs 50,000 inter-state is B2CS INTER; walk-in sales are B2CS INTRA, net of their notes.
    walk_in = month.walk_in
    walk_in_rice = next(line for line in walk_in["products"] if line["gst_rate"] == D(5))
    walk_in_soap = next(line for line in walk_in["products"] if line["gst_rate"] == D(18))
    rice_note = month.notes["b2cs"]
    assert report["b2cs"] == [
        {
            "sply_ty": "INTER",
            "pos": "29",
            "typ": "OE",
            "rt": D("18.00"),
            "txval": month.b2cs_inter["taxable_value"],
            "iamt": month.b2cs_inter["igst"],
            "csamt": D("0.00"),
        },
        {
            "sply_ty": "INTRA",
            "pos": "27",
            "typ": "OE",
            "rt": D("5.00"),
            "txval": walk_in_rice["taxable_value"] - rice_note["taxable_value"],
            "camt": walk_in_rice["cgst"] - rice_note["cgst"],
            "samt": walk_in_rice["sgst"] - rice_note["sgst"],
            "csamt": D("0.00"),
        },
        {
            "sply_ty": "INTRA",
            "pos": "27",
            "typ": "OE",
            "rt": D("18.00"),
            "txval": walk_in_soap["taxable_value"],
            "camt": walk_in_soap["cgst"],
            "samt": walk_in_soap["sgst"],
            "csamt": D("0.00"),
        },
    ]

    cdnr, cdnur = month.notes["cdnr"], month.notes["cdnur"]
    assert report["cdnr"] == [
        {
            "ctin": MAHARASHTRA_BUYER,
            "nt": [
                {
                    "ntty": "C",
                    "nt_num": cdnr["credit_note_no"],
                    "nt_dt": day,
                    "val": cdnr["amount"],
                    "pos": "27",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "rt": D("18.00"),
                                "txval": cdnr["taxable_value"],
                                "camt": cdnr["cgst"],
                                "samt": cdnr["sgst"],
                                "csamt": D("0.00"),
                            },
                        }
                    ],
                }
            ],
        }
    ]
    assert report["cdnur"] == [
        {
            "typ": "B2CL",
            "ntty": "C",
            "nt_num": cdnur["credit_note_no"],
            "nt_dt": day,
            "val": cdnur["amount"],
            "pos": "29",
            "itms": [
                {
                    "num": 1,
                    "itm_det": {
                        "rt": D("18.00"),
                        "txval": cdnur["taxable_value"],
                        "iamt": cdnur["igst"],
                        "csamt": D("0.00"),
                    },
                }
            ],
        }
    ]


async def test_the_hsn_summary_is_split_b2b_and_b2c_with_units_and_net_quantities(client, shop):
    month = await seed_month(client, shop)
    report = await gstr1(client, shop, month.period)

    def rows(section: str) -> list[tuple[Any, ...]]:
        return [
            (r["num"], r["hsn_sc"], r["desc"], r["uqc"], r["qty"], r["rt"])
            for r in report["hsn"][section]
        ]

    # B2B: 2 soaps - 1 credited to the Maharashtra buyer + 1 to Karnataka; 3 kg of rice.
    assert rows("hsn_b2b") == [
        (1, "1006", "Rice", "KGS", D("3.000"), D("5.00")),
        (2, "3401", "Lux Soap", "NOS", D("2.000"), D("18.00")),
    ]
    # B2C: rice 2 - 1 returned; soap 1 (the voided bill is not there); TV 2 - 1; the fridge.
    assert rows("hsn_b2c") == [
        (1, "1006", "Rice", "KGS", D("1.000"), D("5.00")),
        (2, "3401", "Lux Soap", "NOS", D("1.000"), D("18.00")),
        (3, "8418", "Fridge", "NOS", D("1.000"), D("18.00")),
        (4, "8528", "TV 55 inch", "NOS", D("1.000"), D("18.00")),
    ]
    tv = report["hsn"]["hsn_b2c"][3]
    sold, back = month.b2cl, month.notes["cdnur"]
    assert (tv["txval"], tv["iamt"], tv["camt"], tv["samt"], tv["csamt"]) == (
        sold["taxable_value"] - back["taxable_value"],
        sold["igst"] - back["igst"],
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )


async def test_documents_issued_count_every_number_and_voids_as_cancelled(client, shop):
    month = await seed_month(client, shop)
    report = await gstr1(client, shop, month.period)
    numbers = month.register.numbers
    notes = [note["credit_note_no"] for note in month.register.notes]

    assert report["doc_issue"] == {
        "doc_det": [
            {
                "doc_num": 1,
                "doc_typ": "Invoices for outward supply",
                "docs": [
                    {
                        "num": 1,
                        "from": min(numbers),
                        "to": max(numbers),
                        "totnum": 6,
                        "cancel": 1,
                        "net_issue": 5,
                    }
                ],
            },
            {
                "doc_num": 5,
                "doc_typ": "Credit Note",
                "docs": [
                    {
                        "num": 1,
                        "from": min(notes),
                        "to": max(notes),
                        "totnum": 3,
                        "cancel": 0,
                        "net_issue": 3,
                    }
                ],
            },
        ]
    }
    assert len(set(numbers)) == 6 and len(set(notes)) == 3


async def test_amounts_are_json_numbers_with_two_places(client, shop):
    month = await seed_month(client, shop)
    response = await client.get(
        "/api/reports/gstr1", params={"period": month.period}, headers=shop.headers
    )
    assert response.headers["content-type"].startswith("application/json")
    assert '"val":300000.00' in response.text
    assert '"rt":18.00' in response.text
    assert '"csamt":0.00' in response.text


async def test_a_month_without_sales_gives_empty_sections(client, shop):
    await register_for_gst(client, shop)
    assert await gstr1(client, shop, "2025-01") == {
        "gstin": MAHARASHTRA_GSTIN,
        "fp": "012025",
        "b2b": [],
        "b2cl": [],
        "b2cs": [],
        "cdnr": [],
        "cdnur": [],
        "hsn": {"hsn_b2b": [], "hsn_b2c": []},
        "doc_issue": {"doc_det": []},
    }


def _first_of_previous_month() -> dt.date:
    today = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


async def test_a_credit_note_counts_in_its_own_month_and_nets_b2cs_there(client, shop):
    await register_for_gst(client, shop)
    soap = await product(client, shop, "Lux Soap", "18", "100.00", "3401")
    earlier = _first_of_previous_month()
    register = Register()
    to_buyer = await sell(
        client,
        shop,
        register,
        [(soap, 2)],
        buyer_gstin=MAHARASHTRA_BUYER,
        transaction_date=earlier.isoformat(),
    )
    walk_in = await sell(client, shop, register, [(soap, 3)], transaction_date=earlier.isoformat())
    note = await give_back(client, shop, register, to_buyer, soap, 1)
    walk_in_note = await give_back(client, shop, register, walk_in, soap, 1)
    this_month = (await note_date(client, shop, to_buyer))[:7]

    then = await gstr1(client, shop, f"{earlier:%Y-%m}")
    assert [inv["inum"] for group in then["b2b"] for inv in group["inv"]] == [to_buyer["bill_no"]]
    assert then["cdnr"] == [] and [g["doc_num"] for g in then["doc_issue"]["doc_det"]] == [1]

    now = await gstr1(client, shop, this_month)
    assert now["b2b"] == []
    assert [nt["nt_num"] for group in now["cdnr"] for nt in group["nt"]] == [note["credit_note_no"]]
    # The walk-in bill's note has no table of its own: it takes its value off this month's
    # B2CS row of the bill's place and rate, which goes negative.
    assert now["b2cs"] == [
        {
            "sply_ty": "INTRA",
            "pos": "27",
            "typ": "OE",
            "rt": D("18.00"),
            "txval": -walk_in_note["taxable_value"],
            "camt": -walk_in_note["cgst"],
            "samt": -walk_in_note["sgst"],
            "csamt": D("0.00"),
        }
    ]
    assert [g["doc_num"] for g in now["doc_issue"]["doc_det"]] == [5]
    hsn = now["hsn"]
    assert [(r["hsn_sc"], r["qty"]) for r in hsn["hsn_b2b"] + hsn["hsn_b2c"]] == [
        ("3401", D("-1.000")),
        ("3401", D("-1.000")),
    ]


async def note_date(client, shop: ShopSession, invoice: dict[str, Any]) -> str:
    """The date of the (first) credit note against `invoice`, as its detail lists it."""
    detail = await client.get(f"/api/sales/{invoice['sales_id']}", headers=shop.headers)
    date: str = detail.json()["credit_notes"][0]["date"]
    return date


async def test_without_a_period_the_previous_month_is_reported(client, shop):
    await register_for_gst(client, shop)
    earlier = _first_of_previous_month()
    assert (await gstr1(client, shop, None))["fp"] == f"{earlier:%m%Y}"


@pytest.mark.parametrize("scheme", ["unregistered", "composition"])
async def test_only_a_regular_shop_files_gstr1(client, shop, scheme):
    if scheme == "composition":
        await register_for_gst(client, shop, scheme="composition")
    response = await client.get(
        "/api/reports/gstr1", params={"period": "2026-11"}, headers=shop.headers
    )
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "not_regular_gst"
    assert "regular" in body["detail"] and scheme in body["detail"]


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-11", "2026-11-01", "november"])
async def test_a_malformed_period_is_a_422_naming_it(client, shop, period):
    await register_for_gst(client, shop)
    response = await client.get(
        "/api/reports/gstr1", params={"period": period}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "period"]


async def test_an_unknown_format_is_a_422_naming_it(client, shop):
    await register_for_gst(client, shop)
    response = await client.get(
        "/api/reports/gstr1", params={"period": "2026-11", "format": "xml"}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "format"]


SHEETS = {
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
    "docs.csv": ["Nature of Document", "Sr. No. From", "Sr. No. To", "Total Number", "Cancelled"],
}
SHEETS["hsn_b2c.csv"] = SHEETS["hsn_b2b.csv"]


async def test_the_csv_zip_holds_the_offline_tool_sheets_with_their_headings(client, shop):
    month = await seed_month(client, shop)
    response = await client.get(
        "/api/reports/gstr1",
        params={"period": month.period, "format": "csv"},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    year, mm = month.period.split("-")
    assert (
        f'filename="GSTR1_{MAHARASHTRA_GSTIN}_{mm}{year}.zip"'
        in (response.headers["content-disposition"])
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    sheets = {
        name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
        for name in archive.namelist()
    }
    assert {name: rows[0] for name, rows in sheets.items()} == SHEETS

    day = dt.date.fromisoformat(month.b2b_intra["transaction_date"]).strftime("%d-%b-%Y")
    b2b = sheets["b2b.csv"][1:]
    assert [row[:3] for row in b2b] == [
        [MAHARASHTRA_BUYER, "Patil Stores", month.b2b_intra["bill_no"]],
        [MAHARASHTRA_BUYER, "Patil Stores", month.b2b_intra["bill_no"]],
        [KARNATAKA_GSTIN, "Chandra", month.b2b_inter["bill_no"]],
    ]
    assert b2b[2][3:] == [
        day,
        "100.00",
        "29-Karnataka",
        "N",
        "",
        "Regular B2B",
        "",
        "18",
        "84.75",
        "0.00",
    ]
    assert [row[:4] for row in sheets["b2cl.csv"][1:]] == [
        [month.b2cl["bill_no"], day, "300000.00", "29-Karnataka"]
    ]
    assert [row[:4] for row in sheets["b2cs.csv"][1:]] == [
        ["OE", "29-Karnataka", "", "18"],
        ["OE", "27-Maharashtra", "", "5"],
        ["OE", "27-Maharashtra", "", "18"],
    ]
    assert [row[:4] for row in sheets["hsn_b2b.csv"][1:]] == [
        ["1006", "Rice", "KGS-KILOGRAMS", "3.000"],
        ["3401", "Lux Soap", "NOS-NUMBERS", "2.000"],
    ]
    assert [row[0] for row in sheets["cdnr.csv"][1:]] == [MAHARASHTRA_BUYER]
    assert [row[0] for row in sheets["cdnur.csv"][1:]] == ["B2CL"]
    numbers = month.register.numbers
    notes = [note["credit_note_no"] for note in month.register.notes]
    assert sheets["docs.csv"][1:] == [
        ["Invoices for outward supply", min(numbers), max(numbers), "6", "1"],
        ["Credit Note", min(notes), max(notes), "3", "0"],
    ]


async def test_staff_cannot_read_gstr1(client, shop):
    await register_for_gst(client, shop)
    staff, _ = await add_login(client, shop, "counter-two-pass")
    response = await client.get(
        "/api/reports/gstr1",
        params={"period": "2026-11"},
        headers={"Authorization": f"Bearer {staff.token}"},
    )
    assert response.status_code == 403, response.text
