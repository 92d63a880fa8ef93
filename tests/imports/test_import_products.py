"""The catalogue import end to end: real files, the test database, the shop's own API."""

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.service import OwnerNotFound, ShopOwner, owner_by_phone
from app.imports.headers import HeaderError
from app.imports.products import ImportResult, RowError, import_products
from app.imports.reading import open_sheet
from tests.bills import exact
from tests.conftest import ShopSession, create_product
from tests.imports.catalogues import GOOD_AND_BAD, HEADINGS, catalogue, write_csv, write_xlsx

EXPECTED_ERRORS = [
    RowError(5, "MRP", "Selling price cannot be negative ('-275')"),
    RowError(
        6,
        "Unit",
        "unknown unit 'crate' (use one of: pcs, kg, g, l, ml, pack, box, dozen, m, bottle, bag)",
    ),
    RowError(7, "Barcode", "barcode 8901719101038 is already on row 2 of this file"),
]


def _maker(app: FastAPI) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = app.state.sessionmaker
    return maker


async def _owner(app: FastAPI, phone: str) -> ShopOwner:
    async with _maker(app)() as session, session.begin():
        return await owner_by_phone(session, phone, "IN")


async def _import(app: FastAPI, owner: ShopOwner, path: Path, **options: Any) -> ImportResult:
    with open_sheet(path) as sheet:
        return await import_products(_maker(app), owner, sheet, source=path.name, **options)


async def _products(client: httpx.AsyncClient, shop: ShopSession) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/products/", params={"limit": 100}, headers=shop.headers)
    assert response.status_code == 200, response.text
    return {product["product_name"]: product for product in exact(response)}


async def _movements(
    client: httpx.AsyncClient, shop: ShopSession, product_id: int
) -> list[dict[str, Any]]:
    response = await client.get(f"/api/products/{product_id}/movements", headers=shop.headers)
    assert response.status_code == 200, response.text
    movements: list[dict[str, Any]] = exact(response)
    return movements


async def _assert_ledger_holds(client: httpx.AsyncClient, shop: ShopSession) -> None:
    for product in (await _products(client, shop)).values():
        movements = await _movements(client, shop, product["product_id"])
        total = sum((m["quantity"] for m in movements), Decimal(0))
        assert total == product["quantity"], product["product_name"]


def _counts(result: ImportResult) -> tuple[int, int, int, int, int]:
    return result.rows, result.created, result.updated, result.unchanged, result.failed


@pytest.mark.parametrize(("first", "again"), [("csv", "xlsx"), ("xlsx", "csv")])
async def test_a_catalogue_imports_once_and_re_imports_as_unchanged(
    app: FastAPI,
    client: httpx.AsyncClient,
    shop: ShopSession,
    other_shop: ShopSession,
    tmp_path: Path,
    first: str,
    again: str,
) -> None:
    owner = await _owner(app, shop.phone[-10:])  # as typed: ten digits, no +91
    assert (owner.shop_id, owner.user_id) == (shop.shop_id, shop.user_id)

    result = await _import(app, owner, catalogue(tmp_path, first), batch_rows=2)

    assert _counts(result) == (6, 3, 0, 0, 3)
    assert result.errors == EXPECTED_ERRORS
    assert result.written
    assert result.mapping.columns["quantity"] == "मात्रा"
    products = await _products(client, shop)
    assert set(products) == {"पारले-जी बिस्कुट 100g", "India Gate Basmati 25kg", "tata SALT 1kg"}
    parle = products["पारले-जी बिस्कुट 100g"]
    assert (parle["price_sale"], parle["quantity"], parle["unit"]) == (10, 100, "pack")
    assert (parle["barcode"], parle["gst_rate"], parle["hsn_code"]) == ("8901719101038", 18, "1905")
    basmati = products["India Gate Basmati 25kg"]
    assert (basmati["price_sale"], basmati["price_purchase"]) == (1250, 1050)
    assert (basmati["quantity"], basmati["unit"], basmati["barcode"]) == (4, "bag", None)
    salt = products["tata SALT 1kg"]  # stored as the API stores names: spaces collapsed
    assert (salt["price_sale"], salt["price_purchase"], salt["quantity"]) == (
        28,
        Decimal("22.4"),
        Decimal("2.5"),
    )
    assert salt["unit"] == "kg"
    movements = await _movements(client, shop, parle["product_id"])
    assert [(m["reason"], m["quantity"]) for m in movements] == [("opening", 100)]
    await _assert_ledger_holds(client, shop)

    # The same catalogue again, in the other format: nothing new, nothing changed.
    (tmp_path / "again").mkdir()
    result = await _import(app, owner, catalogue(tmp_path / "again", again))
    assert _counts(result) == (6, 0, 0, 3, 3)
    assert result.errors == EXPECTED_ERRORS
    assert await _products(client, shop) == products
    assert await _movements(client, shop, parle["product_id"]) == movements

    assert await _products(client, other_shop) == {}


async def test_a_second_file_updates_prices_and_stock_through_the_ledger(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    existing = await create_product(
        client,
        shop,
        product_name="Fortune Sunflower Oil 1L",
        price_sale="165.00",
        quantity=12,
        unit="l",
        barcode="8906007280016",
    )
    await _import(app, owner, catalogue(tmp_path, "csv"))
    rows = [
        # Found by barcode (its name written differently): new price, new stock.
        ["FORTUNE sunflower oil", "₹ 172", "", "9", "ltr", "8906007280016", "5", ""],
        # Found by name (case and spacing aside): a new stock figure only.
        ["TATA Salt 1KG", "28", "22.40", "3", "kg", "", "0", "2501"],
        # Exactly as it is.
        ["India Gate Basmati 25kg", "1,250", "1050", "4", "Bag", "", "5", ""],
        ["Kissan Jam 500g", "", "120", "5", "pcs", "", "", ""],  # new, without a price
    ]
    result = await _import(app, owner, write_csv(tmp_path / "update.csv", HEADINGS, rows))

    assert _counts(result) == (4, 0, 2, 1, 1)
    assert result.errors == [
        RowError(5, "MRP", "the selling price is empty (a new product needs one)")
    ]
    products = await _products(client, shop)
    oil = products["Fortune Sunflower Oil 1L"]
    assert (oil["price_sale"], oil["quantity"], oil["gst_rate"], oil["unit"]) == (172, 9, 5, "l")
    assert oil["product_id"] == existing["product_id"]
    oil_movements = await _movements(client, shop, oil["product_id"])
    assert [(m["reason"], m["quantity"]) for m in oil_movements] == [  # newest first
        ("adjustment", -3),
        ("opening", 12),
    ]
    assert "update.csv, row 2" in oil_movements[0]["note"]
    salt = products["tata SALT 1kg"]
    assert salt["quantity"] == 3
    assert [m["reason"] for m in await _movements(client, shop, salt["product_id"])] == [
        "adjustment",
        "opening",
    ]
    assert "Kissan Jam 500g" not in products
    await _assert_ledger_holds(client, shop)
    # The price change is in the owner's audit log, as an edit through the API would be.
    audit = await client.get("/api/audit", headers=shop.headers)
    assert audit.status_code == 200, audit.text
    assert any(entry["entity_id"] == oil["product_id"] for entry in audit.json())


async def test_a_dry_run_counts_everything_and_writes_nothing(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, f"+91 {shop.phone[3:8]} {shop.phone[8:]}")
    result = await _import(app, owner, catalogue(tmp_path, "xlsx"), dry_run=True)
    assert _counts(result) == (6, 3, 0, 0, 3)
    assert result.errors == EXPECTED_ERRORS
    assert not result.written
    assert await _products(client, shop) == {}


async def test_all_or_nothing_writes_nothing_when_a_row_is_bad(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    result = await _import(app, owner, catalogue(tmp_path, "csv"), all_or_nothing=True)
    assert _counts(result) == (6, 3, 0, 0, 3)
    assert not result.written
    assert await _products(client, shop) == {}

    good = [row for row in GOOD_AND_BAD if row[0][:1] != ["Amul Butter 500g"]][:3]
    path = write_xlsx(tmp_path / "good.xlsx", HEADINGS, [cells for _, cells in good])
    result = await _import(app, owner, path, all_or_nothing=True)
    assert _counts(result) == (2, 2, 0, 0, 0)
    assert result.written
    assert len(await _products(client, shop)) == 2
    await _assert_ledger_holds(client, shop)


async def test_service_refusals_are_row_errors_and_a_name_match_takes_the_barcode(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    await create_product(client, shop, product_name="Dettol Soap", barcode="8901396393209")
    rows = [
        ["Lifebuoy Soap", "38", "30", "10", "pcs", "", "12", ""],  # 12% is no slab any more
        ["Dettol Soap 75g", "45", "36", "5", "pcs", "", "18", ""],
        ["dettol   soap", "48", "", "", "", "8901000000000", "", ""],  # found by name
        ["x" * 201, "10", "", "", "", "", "", ""],
    ]
    result = await _import(app, owner, write_csv(tmp_path / "refused.csv", HEADINGS, rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "GST %"),
        (5, "Item Name"),
    ]
    assert "is not a GST rate" in result.errors[0].reason
    assert result.errors[1].reason.startswith("product name: String should have at most 200")
    assert _counts(result) == (4, 1, 1, 0, 2)
    dettol = (await _products(client, shop))["Dettol Soap"]
    assert (dettol["price_sale"], dettol["barcode"]) == (48, "8901000000000")


async def test_a_phone_that_owns_no_shop(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession
) -> None:
    staff = await client.post(
        "/api/auth/users",
        json={"name": "Counter 2", "phone_no": "9812345601", "password": "counter-two-pass"},
        headers=shop.headers,
    )
    assert staff.status_code == 201, staff.text
    with pytest.raises(OwnerNotFound, match=r"\+919812345601 is a staff login"):
        await _owner(app, "098123 45601")
    with pytest.raises(OwnerNotFound, match=r"No account logs in with \+919999999999"):
        await _owner(app, "99999 99999")
    with pytest.raises(OwnerNotFound, match="not a"):
        await _owner(app, "12345")


async def test_a_file_without_a_name_column_is_refused(
    app: FastAPI, shop: ShopSession, tmp_path: Path
) -> None:
    owner = await _owner(app, shop.phone)
    path = write_csv(tmp_path / "nameless.csv", ["MRP", "Qty"], [["10", "1"]])
    with pytest.raises(HeaderError, match="No column with the product's name"):
        await _import(app, owner, path)


async def test_a_refusal_mid_batch_takes_back_only_that_row_and_counts_each_row_once(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    """The service refuses row 4 after its batch began without savepoints: the batch is
    applied again, row by row; rows 2, 3 and 5 are written once, with one opening each."""
    owner = await _owner(app, shop.phone)
    rows = [
        ["Tata Salt 1kg", "28", "22", "10", "pcs", "", "0", ""],
        ["Amul Butter 100g", "58", "52", "6", "pcs", "", "5", ""],
        ["Lifebuoy Soap", "38", "30", "10", "pcs", "", "12", ""],  # 12% is no slab any more
        ["Parle-G 250g", "25", "22", "40", "pcs", "", "5", ""],
        ["Vim Bar", "10", "8", "30", "pcs", "", "18", ""],
    ]
    seen: list[int] = []
    with open_sheet(write_csv(tmp_path / "mixed.csv", HEADINGS, rows)) as sheet:
        result = await import_products(
            _maker(app),
            owner,
            sheet,
            source="mixed.csv",
            batch_rows=3,
            on_row=lambda: seen.append(1),
        )

    assert _counts(result) == (5, 4, 0, 0, 1)
    assert [(e.row, e.column) for e in result.errors] == [(4, "GST %")]
    assert len(seen) == 5
    products = await _products(client, shop)
    assert sorted(products) == ["Amul Butter 100g", "Parle-G 250g", "Tata Salt 1kg", "Vim Bar"]
    for product in products.values():
        movements = await _movements(client, shop, product["product_id"])
        assert [(m["reason"], m["quantity"]) for m in movements] == [
            ("opening", product["quantity"])
        ]
    assert products["Parle-G 250g"]["quantity"] == 40
    await _assert_ledger_holds(client, shop)


async def _last_analyze(app: FastAPI, table: str) -> Any:
    async with _maker(app)() as session, session.begin():
        return (
            await session.execute(
                text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :table"),
                {"table": table},
            )
        ).scalar_one()


async def test_the_first_batch_refreshes_the_planner_statistics_of_the_tables_it_fills(
    app: FastAPI, shop: ShopSession, tmp_path: Path
) -> None:
    """A new shop's first import must not run on plans made for empty tables: the tables
    it writes are analysed once its first batch is in (a manual ANALYZE, which autovacuum's
    `last_autoanalyze` does not count as)."""
    async with _maker(app)() as session, session.begin():
        started = (await session.execute(text("SELECT clock_timestamp()"))).scalar_one()
    owner = await _owner(app, shop.phone)

    result = await _import(app, owner, catalogue(tmp_path, "csv"), batch_rows=2)

    assert result.created == 3
    for table in ("products", "stock_movements"):
        # Statistics reach the views once the importing connection is idle (within ~1 s).
        for _ in range(100):
            analysed = await _last_analyze(app, table)
            if analysed is not None and analysed >= started:
                break
            await asyncio.sleep(0.1)
        assert analysed is not None and analysed >= started, table
