"""Customers, vendors and their opening udhaar from a file, checked through the shop's API."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.auth.service import ShopOwner
from app.imports.batches import ImportResult, RowError
from app.imports.headers import HeaderError
from app.imports.parties import Side, import_parties
from app.imports.reading import open_sheet
from tests.bills import exact, sale
from tests.conftest import ShopSession, create_product
from tests.imports.catalogues import write_csv
from tests.imports.party_lists import (
    GOOD_AND_BAD,
    GOOD_PHONES,
    HINDI_HEADINGS,
    party_list,
)
from tests.imports.test_import_products import _maker, _owner

D = Decimal
EXPECTED_ERRORS = [
    RowError(6, "Mobile No.", "the phone number is empty"),
    RowError(7, "Mobile No.", "'12345' is not a valid phone number for region IN"),
    RowError(8, "Opening Balance", "'1,2,3' is not a number (commas in the wrong places)"),
    RowError(9, "Date", "'31-02-2026' is not a date on the calendar"),
    RowError(10, "Mobile No.", "phone +919812345678 is already on row 2 of this file"),
    RowError(
        11,
        "Opening Balance",
        "a negative balance ('-200', an advance paid) cannot be imported: udhaar is what the "
        "customer owes the shop; leave it blank",
    ),
    RowError(12, "Date", "entry_date 2090-01-01 is in the future"),
    RowError(13, "Customer Name", "the customer's name is empty"),
]


async def _import(
    app: FastAPI, owner: ShopOwner, path: Path, side: Side = "customers", **options: Any
) -> ImportResult:
    with open_sheet(path) as sheet:
        return await import_parties(
            _maker(app), owner, sheet, side=side, source=path.name, **options
        )


def _counts(result: ImportResult) -> tuple[int, int, int, int, int]:
    return result.rows, result.created, result.updated, result.unchanged, result.failed


async def _get(client: httpx.AsyncClient, shop: ShopSession, path: str) -> Any:
    response = await client.get(path, params={"limit": 1000}, headers=shop.headers)
    assert response.status_code == 200, response.text
    return exact(response)


async def _parties(
    client: httpx.AsyncClient, shop: ShopSession, side: Side = "customers"
) -> dict[str, dict[str, Any]]:
    return {party["phone_no"]: party for party in await _get(client, shop, f"/api/{side}/")}


async def _entries(
    client: httpx.AsyncClient, shop: ShopSession, side: Side = "customers"
) -> list[dict[str, Any]]:
    kind = "sales" if side == "customers" else "purchases"
    entries: list[dict[str, Any]] = await _get(client, shop, f"/api/udhaar/{kind}/?status=all")
    return sorted(entries, key=lambda entry: entry["udhar_id"])


async def _assert_udhaar_holds(
    client: httpx.AsyncClient, shop: ShopSession, side: Side = "customers"
) -> None:
    """Each party's balance is its entries' amounts less what was paid on them."""
    party = "customer" if side == "customers" else "vendor"
    id_field = "cust_id" if side == "customers" else "vend_id"
    entries = await _entries(client, shop, side)
    for found in (await _parties(client, shop, side)).values():
        own = [e for e in entries if e[party][id_field] == found[id_field]]
        assert all(e["balance"] == e["amount"] - e["amount_paid"] for e in own)
        assert found["balance"] == sum((e["amount"] - e["amount_paid"] for e in own), D(0))


@pytest.mark.parametrize(("first", "again"), [("csv", "xlsx"), ("xlsx", "csv")])
async def test_customers_and_their_udhaar_import_once_and_re_import_as_unchanged(
    app: FastAPI,
    client: httpx.AsyncClient,
    shop: ShopSession,
    other_shop: ShopSession,
    tmp_path: Path,
    first: str,
    again: str,
) -> None:
    owner = await _owner(app, shop.phone)

    result = await _import(app, owner, party_list(tmp_path, first), batch_rows=2)

    assert _counts(result) == (11, 3, 0, 0, 8)
    assert result.errors == EXPECTED_ERRORS
    assert result.recorded == {"opening balances": 2}
    assert result.written
    assert result.mapping.ignored == ["GSTIN"]
    customers = await _parties(client, shop)
    assert {phone: c["customer_name"] for phone, c in customers.items()} == GOOD_PHONES
    assert [customers[phone]["balance"] for phone in GOOD_PHONES] == [D("100000.50"), 2500, 0]
    entries = await _entries(client, shop)
    assert [
        (e["customer"]["phone_no"], e["amount"], e["date_of_entry"], e["sales_id"]) for e in entries
    ] == [
        ("+919812345678", D("100000.50"), "2026-10-15", None),
        ("+919812345679", 2500, "2026-10-01", None),
    ]
    assert entries[0]["date_of_payment"] == "2026-11-15"
    assert entries[0]["note"] == f"Opening balance imported from udhaar.{first}, row 2: page 12"
    await _assert_udhaar_holds(client, shop)

    # The same list again, in the other format: nothing new, no second opening entry.
    (tmp_path / "again").mkdir()
    result = await _import(app, owner, party_list(tmp_path / "again", again))
    assert _counts(result) == (11, 0, 0, 3, 8)
    assert result.errors == EXPECTED_ERRORS
    assert result.recorded == {}
    assert await _parties(client, shop) == customers
    assert await _entries(client, shop) == entries

    assert await _parties(client, other_shop) == {}


async def test_a_re_import_after_payments_is_unchanged_and_a_new_amount_is_refused(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    rows = [
        (["Sunita Verma", "9812345678", "1,000", "01-10-2026", "", "", ""], []),
        (["Ramesh Kumar", "9812345679", "400", "", "", "", ""], []),
    ]
    await _import(app, owner, party_list(tmp_path, "csv", rows))
    sunita = (await _parties(client, shop))["+919812345678"]
    paid = await client.post(
        f"/api/customers/{sunita['cust_id']}/payments",
        json={"amount": "300.00", "payment_mode": "cash"},
        headers=shop.headers,
    )
    assert paid.status_code == 201, paid.text

    # The same file: what was paid since does not make the opening balance "different".
    result = await _import(app, owner, party_list(tmp_path, "csv", rows))
    assert _counts(result) == (2, 0, 0, 2, 0)

    changed = [
        (["Sunita Verma", "9812345678", "700", "", "", "", ""], []),  # today's balance
        (["Ramesh K.", "+91 98123 45679", "400", "", "", "", ""], []),  # renamed
        (["Naya Grahak", "9812345690", "0", "", "", "", ""], []),  # zero: no entry
    ]
    result = await _import(app, owner, party_list(tmp_path, "csv", changed, name="changed"))
    assert _counts(result) == (3, 1, 1, 0, 1)
    assert result.errors == [
        RowError(
            2,
            "Opening Balance",
            "an opening balance of 1000.00 was already imported for +919812345678 (from "
            "udhaar.csv, row 2); this file says 700.00. It is not changed by importing: "
            "record a payment, or a credit bill, for the difference",
        )
    ]
    customers = await _parties(client, shop)
    assert [(c["customer_name"], c["balance"]) for c in customers.values()] == [
        ("Naya Grahak", 0),
        ("Ramesh K.", 400),
        ("Sunita Verma", 700),
    ]
    assert len(await _entries(client, shop)) == 2
    await _assert_udhaar_holds(client, shop)


async def test_vendors_with_hindi_headings_owe_through_purchase_udhaar(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    rows = [
        (["गुप्ता होलसेल", "+91-99887-76655", "12,34,567.89", "5-Apr-2026", "05/05/2026",
          "पुराना खाता", "मेन बाज़ार"], []),
        (["Agarwal Traders", "0 99887 76656", "Rs. 5400/-", "2026-09-01", "", "", ""], []),
        (["Bina Udhaar Supplier", "9988776657", "", "", "", "", ""], []),
    ]  # fmt: skip
    path = party_list(tmp_path, "csv", rows, HINDI_HEADINGS, name="vendors")

    result = await _import(app, owner, path, "vendors")

    assert _counts(result) == (3, 3, 0, 0, 0)
    assert result.mapping.columns == {
        "name": "नाम",
        "phone_no": "मोबाइल",
        "opening_balance": "बकाया",
        "entry_date": "तारीख",
        "due_date": "देय तिथि",
        "note": "टिप्पणी",
    }
    vendors = await _parties(client, shop, "vendors")
    assert [(v["vendor_name"], v["balance"]) for v in vendors.values()] == [
        ("Agarwal Traders", 5400),
        ("Bina Udhaar Supplier", 0),
        ("गुप्ता होलसेल", D("1234567.89")),
    ]
    assert list(vendors) == ["+919988776656", "+919988776657", "+919988776655"]
    entries = await _entries(client, shop, "vendors")
    assert [(e["date_of_entry"], e["date_of_payment"], e["purch_id"]) for e in entries] == [
        ("2026-04-05", "2026-05-05", None),
        ("2026-09-01", entries[1]["date_of_payment"], None),
    ]
    assert entries[0]["note"].endswith("row 2: पुराना खाता")
    summary = await _get(client, shop, "/api/udhaar/summary")
    assert (summary["total_payable"], summary["total_receivable"]) == (D("1239967.89"), 0)
    assert await _parties(client, shop, "customers") == {}
    await _assert_udhaar_holds(client, shop, "vendors")


async def test_a_customer_a_bill_created_without_a_name_gets_the_files_name(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    product = await create_product(client, shop, price_sale="120.00")
    response = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        customer_name="",
        phone_no="9812345678",
        bill_paid=False,
    )
    assert response.status_code == 201, response.text
    before = await _parties(client, shop)
    assert (before["+919812345678"]["customer_name"], before["+919812345678"]["balance"]) == (
        "",
        120,
    )
    rows = [(["Sunita Verma", "98123 45678", "250", "", "", "", ""], [])]

    result = await _import(app, owner, party_list(tmp_path, "csv", rows))

    assert _counts(result) == (1, 0, 1, 0, 0)
    after = await _parties(client, shop)
    sunita = after["+919812345678"]
    assert sunita["cust_id"] == before["+919812345678"]["cust_id"]
    assert sunita["customer_name"] == "Sunita Verma"
    assert sunita["balance"] == before["+919812345678"]["balance"] + 250
    await _assert_udhaar_holds(client, shop)


async def test_a_dry_run_counts_everything_and_writes_nothing(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    result = await _import(app, owner, party_list(tmp_path, "xlsx"), dry_run=True)
    assert _counts(result) == (11, 3, 0, 0, 8)
    assert result.errors == EXPECTED_ERRORS
    assert not result.written
    assert await _parties(client, shop) == {}
    assert await _entries(client, shop) == []


async def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    result = await _import(app, owner, party_list(tmp_path, "csv"), all_or_nothing=True)
    assert _counts(result) == (11, 3, 0, 0, 8)
    assert not result.written
    assert await _parties(client, shop) == {}
    assert await _entries(client, shop) == []

    good = party_list(tmp_path, "xlsx", GOOD_AND_BAD[:3], name="good")
    result = await _import(app, owner, good, all_or_nothing=True)
    assert _counts(result) == (3, 3, 0, 0, 0)
    assert result.written
    assert set(await _parties(client, shop)) == set(GOOD_PHONES)
    assert len(await _entries(client, shop)) == 2


@pytest.mark.parametrize(
    ("headings", "reason"),
    [
        (["Mobile", "Balance"], "No column with the customer's name"),
        (["Customer Name", "Balance", "Address"], "No column with the customer's phone"),
    ],
)
async def test_a_file_without_a_name_or_phone_column_is_refused(
    app: FastAPI, shop: ShopSession, tmp_path: Path, headings: list[str], reason: str
) -> None:
    owner = await _owner(app, shop.phone)
    path = write_csv(tmp_path / "list.csv", headings, [["x", "1"]])
    with pytest.raises(HeaderError, match=reason):
        await _import(app, owner, path)


async def test_long_names_and_notes_are_row_errors(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    rows = [
        (["x" * 121, "9812345678", "", "", "", "", ""], []),
        (["Sunita", "9812345679", "10", "", "", "n" * 301, ""], []),
        (["Sunita", "9812345680", "10.005", "", "01-01-2026", "", ""], []),
    ]
    result = await _import(app, owner, party_list(tmp_path, "csv", rows))
    assert result.errors == [
        RowError(2, "Customer Name", "the name has 121 characters (at most 120)"),
        RowError(3, "Remarks", "the note has 301 characters (at most 300)"),
        RowError(
            4, "Opening Balance", "Opening balance '10.005' has more than 2 decimal places (paise)"
        ),
    ]
    assert await _parties(client, shop) == {}


async def test_a_refused_row_keeps_nothing_it_wrote(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    """A new name and another opening balance: the rename is written, then the balance is
    refused; the row's savepoint takes the rename back with it."""
    owner = await _owner(app, shop.phone)
    first = [(["Sunita Verma", "9812345678", "500", "", "", "", ""], [])]
    await _import(app, owner, party_list(tmp_path, "csv", first))
    rows = [
        (["Ramesh Kumar", "9812345679", "", "", "", "", ""], []),
        (["Sunita Devi", "9812345678", "800", "", "", "", ""], []),
        (["Radha", "9812345680", "100", "", "", "", ""], []),
    ]
    result = await _import(app, owner, party_list(tmp_path, "csv", rows, name="second"))

    assert _counts(result) == (3, 2, 0, 0, 1)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Opening Balance")]
    customers = await _parties(client, shop)
    assert {phone: (c["customer_name"], c["balance"]) for phone, c in customers.items()} == {
        "+919812345678": ("Sunita Verma", 500),
        "+919812345679": ("Ramesh Kumar", 0),
        "+919812345680": ("Radha", 100),
    }
    await _assert_udhaar_holds(client, shop)
