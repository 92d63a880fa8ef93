"""`dukaan import shop`: a shop's books, built over HTTP, exported with the CLI and restored
into a second, new shop of the same database, read the same over HTTP: reports, balances,
stock ledgers, bills and the next bill number. A broken, foreign or tampered export, or a shop
that already has books, is refused with exit code 2 and nothing written.
"""

import asyncio
import datetime as dt
import io
import json
import re
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from click.testing import Result
from fastapi import FastAPI
from typer.testing import CliRunner

from app.archive.export import MANIFEST
from app.archive.restore import (
    USER_REFERENCES,
    RestoreProblem,
    read_manifest,
)
from app.archive.tables import EXPORTED
from app.cli import cli
from app.config import get_settings
from app.main import create_app
from tests.archive.test_export import FORMULA_CUSTOMER, FORMULA_PRODUCT, build_books, read_csv
from tests.bills import bill_total_mismatches, ledger_mismatches, purchase, sale
from tests.conftest import (
    ShopSession,
    _admin,
    _plain,
    _with_database,
    create_product,
    make_settings,
    register_shop,
    unique_phone,
)
from tests.gst import register_for_gst, taxed_product
from tests.stock.test_ledger_properties import udhaar_mismatches

TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30))).date()
"""The shops' today (registered in India, Asia/Kolkata)."""
LONG_AGO = TODAY - dt.timedelta(days=40)
LAST_WEEK = TODAY - dt.timedelta(days=6)
STAFF_PHONE_NAME = "Counter Chhotu"


@pytest.fixture
def database(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh database for the CLI (sync: the CLI runs its own event loop)."""
    name = f"dk_{uuid.uuid4().hex[:16]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield _with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def other_database(server_url: str, template_db: str) -> Iterator[str]:
    """A second database: a shop moving to another deployment."""
    name = f"dk_{uuid.uuid4().hex[:16]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield _with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@asynccontextmanager
async def serving(url: str, folder: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    application = create_app(make_settings(url, folder))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.11", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            yield application, http


def invoke(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            cli, list(args), env={"DATABASE_URL": url, "COLUMNS": "200", "LOG_LEVEL": "WARNING"}
        )
    finally:
        get_settings.cache_clear()


async def rows_of_shop(url: str, shop_id: int) -> dict[str, int]:
    """Rows per exported tenant table of one shop (a superuser sees past row security)."""
    connection = await asyncpg.connect(_plain(url))
    try:
        return {
            spec.table: await connection.fetchval(
                f'SELECT count(*) FROM "{spec.table}" WHERE shop_id = $1', shop_id
            )
            for spec in EXPORTED
            if spec.table not in ("shops", "users")
        }
    finally:
        await connection.close()


async def fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(_plain(url))
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


async def daily_sales(url: str, shop_id: int) -> list[tuple[Any, ...]]:
    """The shop's daily sales summary per day (its slots added up; `changes` counts edits,
    which a restore does not replay)."""
    rows = await fetch(
        url,
        "SELECT day, sum(bills), sum(total_amount), sum(total_cost), sum(returned_amount), "
        "sum(returned_cost), sum(discount), sum(tax), sum(returned_tax), sum(cash_paid) "
        "FROM daily_sales WHERE shop_id = $1 GROUP BY day "
        "HAVING sum(bills) <> 0 OR sum(total_amount) <> 0 ORDER BY day",
        shop_id,
    )
    return [tuple(row) for row in rows]


# --- the books -------------------------------------------------------------------------------


async def build_varied_books(client: httpx.AsyncClient, shop: ShopSession) -> None:
    """`build_books` (Hindi names, a formula name, cash/UPI/credit sales, a return, a void, an
    udhaar payment, a credit purchase, a voided expense) and more: GST registration and taxed
    products, backdated bills, a vendor payment, an expense, a cash count, a staff member's
    sale, an apostrophe-led name."""
    await register_for_gst(
        client, shop, address="12, Station Road, Pune", invoice_prefix="SK", legal_name="Sharma"
    )
    await build_books(client, shop)
    soap = await taxed_product(client, shop, rate="18", product_name="Lux साबुन")
    oil = await taxed_product(
        client, shop, rate="5", price="150.00", inclusive=False, product_name="'=Tel 1L"
    )
    old = await sale(
        client,
        shop,
        [{"product_id": soap, "quantity": 3}, {"product_id": oil, "quantity": 2}],
        transaction_date=LONG_AGO.isoformat(),
        customer_name="Purana Grahak",
        phone_no="9811100011",
        bill_paid=False,
        amount_paid="50.00",
        payment_mode="cash",
    )
    assert old.status_code == 201, old.text
    week = await sale(
        client,
        shop,
        [{"product_id": soap, "quantity": "1.000", "discount": "5.00"}],
        transaction_date=LAST_WEEK.isoformat(),
        payment_mode="cash",
    )
    assert week.status_code == 201, week.text
    stocked = await purchase(
        client,
        shop,
        [{"product_id": soap, "quantity": "10", "price_purchase": "55.00"}],
        vendor_name="Hindustan Distributors",
        phone_no="9822200022",
        transaction_date=LAST_WEEK.isoformat(),
        bill_paid=False,
        amount_paid="0.00",
    )
    assert stocked.status_code == 201, stocked.text
    vendors = (await client.get("/api/udhaar/purchases/", headers=shop.headers)).json()
    paid = await client.post(
        f"/api/udhaar/purchases/{vendors[0]['udhar_id']}/payments",
        json={"amount": "100.00", "payment_mode": "cash"},
        headers=shop.headers,
    )
    assert paid.status_code == 201, paid.text
    category = await client.post(
        "/api/expenses/categories", json={"name": "Bijli"}, headers=shop.headers
    )
    assert category.status_code == 201, category.text
    spent = await client.post(
        "/api/expenses/",
        json={"category": "Bijli", "amount": "840.00", "payment_mode": "upi"},
        headers=shop.headers,
    )
    assert spent.status_code == 201, spent.text
    counted = await client.post(
        "/api/reports/day-book/cash-count",
        json={"date": TODAY.isoformat(), "counted": "1500.50", "note": "=shaam"},
        headers=shop.headers,
    )
    assert counted.status_code == 201, counted.text
    staff = await client.post(
        "/api/auth/users",
        json={"name": STAFF_PHONE_NAME, "phone_no": unique_phone(), "password": "counter-two-2"},
        headers=shop.headers,
    )
    assert staff.status_code == 201, staff.text
    login = await client.post(
        "/api/auth/token",
        data={"username": staff.json()["phone_no"], "password": "counter-two-2"},
    )
    assert login.status_code == 200, login.text
    counter = ShopSession(login.json()["access_token"], shop.shop_id, 0, "")
    by_staff = await sale(client, counter, [{"product_id": soap, "quantity": 1}])
    assert by_staff.status_code == 201, by_staff.text


async def build_small_books(client: httpx.AsyncClient, shop: ShopSession) -> None:
    dal = await create_product(client, shop, product_name="Toor Dal", quantity=20)
    sold = await sale(client, shop, [{"product_id": dal["product_id"], "quantity": 2}])
    assert sold.status_code == 201, sold.text


async def build(url: str, folder: Path, varied: bool) -> ShopSession:
    async with serving(url, folder) as (_, client):
        shop = await register_shop(client, "Sharma Kirana")
        await (build_varied_books if varied else build_small_books)(client, shop)
        return shop


async def register(url: str, folder: Path, name: str, *, product: bool = False) -> ShopSession:
    async with serving(url, folder) as (_, client):
        shop = await register_shop(client, name)
        if product:
            await create_product(client, shop, product_name="Pehle Se Maal", quantity=3)
        return shop


# --- reading both shops over HTTP ------------------------------------------------------------


async def every_page(client: httpx.AsyncClient, shop: ShopSession, path: str) -> list[Any]:
    """Every item of a paged list (`limit`/`offset`)."""
    items: list[Any] = []
    while True:
        response = await client.get(
            path, params={"limit": 100, "offset": len(items)}, headers=shop.headers
        )
        assert response.status_code == 200, (path, response.text)
        page = response.json()
        items += page
        if len(page) < 100:
            return items


async def books_seen(client: httpx.AsyncClient, shop: ShopSession) -> dict[str, Any]:
    """What the shop's owner reads over HTTP, keyed by what was asked."""

    async def get(path: str, **params: Any) -> Any:
        response = await client.get(path, params=params, headers=shop.headers)
        assert response.status_code == 200, (path, params, response.text)
        return response.json()

    start, end = (TODAY - dt.timedelta(days=60)).isoformat(), TODAY.isoformat()
    seen: dict[str, Any] = {
        "profit-loss by day": await get("/api/reports/profit-loss", **{"from": start, "to": end}),
        "profit-loss by month": await get(
            "/api/reports/profit-loss", group="month", **{"from": start, "to": end}
        ),
        "profit-loss records": await every_page(client, shop, "/api/profit-loss/"),
        "gst summary": await get("/api/reports/gst-summary", **{"from": start, "to": end}),
        "stock now": await get("/api/reports/stock"),
        "stock as of last week": await get("/api/reports/stock", as_of=LAST_WEEK.isoformat()),
        "stock long ago": await get("/api/reports/stock", as_of=LONG_AGO.isoformat()),
        "customer udhaar": await get("/api/udhaar/sales/"),
        "vendor udhaar": await get("/api/udhaar/purchases/"),
        "udhaar summary": await get("/api/udhaar/summary"),
        "customers": await every_page(client, shop, "/api/customers/"),
        "vendors": await every_page(client, shop, "/api/vendors/"),
        "products": await every_page(client, shop, "/api/products/"),
        "purchases": await every_page(client, shop, "/api/purchases/"),
        "expenses": await every_page(client, shop, "/api/expenses/"),
        "expense categories": await get("/api/expenses/categories"),
    }
    for by in ("product", "customer", "day"):
        seen[f"sales analysis by {by}"] = await get(
            "/api/reports/sales", by=by, **{"from": start, "to": end}
        )
    for day in (TODAY, LAST_WEEK, LONG_AGO):
        seen[f"day book {day}"] = await get("/api/reports/day-book", date=day.isoformat())
    for product in seen["products"]:
        seen[f"ledger of {product['product_id']}"] = await every_page(
            client, shop, f"/api/products/{product['product_id']}/movements"
        )
    bills = await every_page(client, shop, "/api/sales/")
    seen["bills"] = bills
    for bill in bills:
        seen[f"bill {bill['sales_id']}"] = await get(f"/api/sales/{bill['sales_id']}")
    return seen


def without_owner(seen: dict[str, Any], owner_id: int) -> dict[str, Any]:
    """The owner's user id is the one thing the restore changes on purpose (`created_by`,
    `counted_by`...)."""
    text = json.dumps(seen, sort_keys=True)
    return json.loads(re.sub(rf'("\w+_by"): {owner_id}\b', r'\1: "owner"', text))


async def compare(url: str, folder: Path, a: ShopSession, b: ShopSession) -> None:
    async with serving(url, folder) as (application, client):
        seen_a = await books_seen(client, a)
        seen_b = await books_seen(client, b)
        assert seen_a.keys() == seen_b.keys()
        assert len(seen_a["bills"]) == 6 and len(seen_a["products"]) >= 5
        expected = without_owner(seen_a, a.user_id)
        restored = without_owner(seen_b, b.user_id)
        for key in expected:
            assert restored[key] == expected[key], key

        # the shop's settings came along, its identity did not
        shop_a = (await client.get("/api/auth/me", headers=a.headers)).json()
        shop_b = (await client.get("/api/auth/me", headers=b.headers)).json()
        assert shop_b["shop"]["shop_id"] == b.shop_id
        assert shop_b["user"]["phone_no"] == b.phone
        for field in ("shop_name", "gstin", "address", "invoice_prefix", "gst_scheme"):
            assert shop_b["shop"][field] == shop_a["shop"][field], field
        assert shop_b["shop"]["invoice_prefix"] == "SK"

        # the daily summary the triggers kept is the exported shop's, day by day
        assert await daily_sales(url, b.shop_id) == await daily_sales(url, a.shop_id)
        assert len(await daily_sales(url, b.shop_id)) == 3

        # the invariants hold in the restored shop
        assert await ledger_mismatches(application, b.shop_id) == []
        assert await udhaar_mismatches(application, b.shop_id) == []
        assert await bill_total_mismatches(application, b.shop_id) == []

        # the formula guard is undone exactly: the names are the shop's own again
        names = {p["product_name"] for p in seen_b["products"]}
        assert {FORMULA_PRODUCT, "'=Tel 1L", "Lux साबुन"} <= names
        assert FORMULA_CUSTOMER in {c["customer_name"] for c in seen_b["customers"]}

        # the next bill of each shop gets the same next number, and a fresh id
        product = seen_a["products"][0]["product_id"]
        next_a = await sale(client, a, [{"product_id": product, "quantity": 1}])
        next_b = await sale(client, b, [{"product_id": product, "quantity": 1}])
        assert next_a.status_code == next_b.status_code == 201, (next_a.text, next_b.text)
        assert next_b.json()["bill_no"] == next_a.json()["bill_no"]
        assert next_b.json()["bill_no"].startswith("SK")
        assert next_b.json()["sale_id"] > max(bill["sales_id"] for bill in seen_b["bills"])
        added = await create_product(client, b, product_name="Naya Maal", quantity=1)
        assert added["product_id"] > max(p["product_id"] for p in seen_b["products"])


# --- tests -----------------------------------------------------------------------------------


def test_a_restored_shop_reads_like_the_one_exported(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no `.env` of the checkout is read
    a = asyncio.run(build(database, tmp_path, varied=True))
    out = tmp_path / "sharma.zip"
    exported = invoke(database, "export", str(out), "--shop", a.phone)
    assert exported.exit_code == 0, exported.output
    b = asyncio.run(register(database, tmp_path, "Naya Sharma"))

    restored = invoke(database, "import", "shop", str(out), "--shop", b.phone)

    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output and "sale_lines" in restored.output
    assert STAFF_PHONE_NAME in restored.output  # staff are named as left out
    asyncio.run(compare(database, tmp_path, a, b))

    # created_by: the owner's bills are the new owner's; the staff member's, nobody's
    made = asyncio.run(
        fetch(database, "SELECT created_by FROM sales WHERE shop_id = $1 ORDER BY id", b.shop_id)
    )
    assert {row["created_by"] for row in made} == {b.user_id, None}
    users = asyncio.run(fetch(database, "SELECT id FROM users WHERE shop_id = $1", b.shop_id))
    assert [row["id"] for row in users] == [b.user_id]


def test_a_broken_foreign_or_tampered_export_or_a_shop_with_books_is_refused(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    a = asyncio.run(build(database, tmp_path, varied=False))
    out = tmp_path / "a.zip"
    assert invoke(database, "export", str(out), "--shop", a.phone).exit_code == 0
    busy = asyncio.run(register(database, tmp_path, "Pehle Se Dukaan", product=True))
    empty = asyncio.run(register(database, tmp_path, "Khali Dukaan"))
    busy_before = asyncio.run(rows_of_shop(database, busy.shop_id))
    files = {name: data for name, data in _entries(out).items()}

    def refused(path: Path, phone: str, *said: str) -> None:
        result = invoke(database, "import", "shop", str(path), "--shop", phone)
        assert result.exit_code == 2, result.output
        assert "Cannot restore" in result.output and "Traceback" not in result.output
        for words in said:
            assert words in " ".join(result.output.split()), (words, result.output)
        assert set(asyncio.run(rows_of_shop(database, empty.shop_id)).values()) == {0}
        names = asyncio.run(fetch(database, "SELECT name FROM shops WHERE id = $1", empty.shop_id))
        assert names[0]["name"] == "Khali Dukaan", said  # the shop's row is untouched too

    # a shop that already has books
    refused(out, busy.phone, "already has rows in products")
    assert asyncio.run(rows_of_shop(database, busy.shop_id)) == busy_before

    # an amount changed in a CSV: the sums differ from the manifest
    sales = read_csv(files["sales.csv"])
    at = sales[0].index("total_amount")
    changed = _csv_with(sales, 1, at, "99999.00")
    tampered = _zip(tmp_path / "tampered.zip", files | {"sales.csv": changed})
    refused(tampered, empty.phone, "sales: the sum of total_amount is")

    # a product's quantity changed with the manifest's sum to match: its ledger disagrees
    products = read_csv(files["products.csv"])
    quantity_at = products[0].index("quantity")
    manifest = json.loads(files[MANIFEST])
    for entry in manifest["tables"]:
        if entry["table"] == "products":
            entry["sums"]["quantity"] = "25.000"
    drifted = _zip(
        tmp_path / "drifted.zip",
        files
        | {
            "products.csv": _csv_with(products, 1, quantity_at, "25.000"),
            MANIFEST: json.dumps(manifest).encode(),
        },
    )
    refused(drifted, empty.phone, "is not the sum of its stock movements")

    # another schema version
    manifest = json.loads(files[MANIFEST])
    other = _zip(
        tmp_path / "other.zip",
        files | {MANIFEST: json.dumps(manifest | {"schema_version": "0001_old"}).encode()},
    )
    refused(other, empty.phone, "'0001_old'", f"'{manifest['schema_version']}'")

    # a zip that is not an export, a CSV missing, a file no export writes, not a zip at all
    refused(_zip(tmp_path / "x.zip", {"a.txt": b"hi"}), empty.phone, "has no manifest.json")
    missing = {k: v for k, v in files.items() if k != "expenses.csv"}
    refused(_zip(tmp_path / "m.zip", missing), empty.phone, "lacks files", "expenses.csv")
    extra = _zip(tmp_path / "e.zip", files | {"evil.csv": b"x\n"})
    refused(extra, empty.phone, "holds files no export writes: evil.csv")
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    refused(text, empty.phone, "is not a readable zip")
    foreign = _zip(tmp_path / "f.zip", files | {MANIFEST: b'{"format": "other-app"}'})
    refused(foreign, empty.phone, "is not a shop export")
    refused(out, "91234 56789", "No account logs in with +919123456789")

    # the same export, untouched, goes in whole
    done = invoke(database, "import", "shop", str(out), "--shop", empty.phone)
    assert done.exit_code == 0, done.output
    after = asyncio.run(rows_of_shop(database, empty.shop_id))
    assert after == asyncio.run(rows_of_shop(database, a.shop_id))
    assert after["products"] == 1 and after["sales"] == 1
    names = asyncio.run(fetch(database, "SELECT name FROM shops WHERE id = $1", empty.shop_id))
    assert names[0]["name"] == "Sharma Kirana"


async def next_bill_and_product(url: str, folder: Path, shop: ShopSession) -> tuple[Any, Any]:
    async with serving(url, folder) as (_, client):
        products = await every_page(client, shop, "/api/products/")
        sold = await sale(client, shop, [{"product_id": products[0]["product_id"], "quantity": 1}])
        assert sold.status_code == 201, sold.text
        added = await create_product(client, shop, product_name="Naya Maal", quantity=1)
        return sold.json(), added


def test_a_shop_moves_to_another_database_and_keeps_numbering(
    database: str, other_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids come from sequences shared by a database's shops: in a new database they start
    low, so the restore moves them past the restored ids and new rows do not collide."""
    monkeypatch.chdir(tmp_path)
    a = asyncio.run(build(database, tmp_path, varied=False))
    out = tmp_path / "moving.zip"
    assert invoke(database, "export", str(out), "--shop", a.phone).exit_code == 0
    b = asyncio.run(register(other_database, tmp_path, "Nayi Jagah"))
    (started,) = asyncio.run(fetch(other_database, "SELECT clock_timestamp() AS at"))

    done = invoke(other_database, "import", "shop", str(out), "--shop", b.phone)

    assert done.exit_code == 0, done.output
    # The filled tables' planner statistics are refreshed (a manual ANALYZE, which the
    # statistics views show once the restoring connection has closed).
    filled = {"sales", "sale_lines", "stock_movements", "products"}
    for _ in range(50):
        analysed = asyncio.run(
            fetch(
                other_database,
                "SELECT relname FROM pg_stat_user_tables WHERE last_analyze >= $1",
                started["at"],
            )
        )
        if filled <= {row["relname"] for row in analysed}:
            break
        time.sleep(0.1)
    assert filled <= {row["relname"] for row in analysed}
    restored = asyncio.run(rows_of_shop(other_database, b.shop_id))
    assert restored == asyncio.run(rows_of_shop(database, a.shop_id))
    sold_b, added_b = asyncio.run(next_bill_and_product(other_database, tmp_path, b))
    sold_a, added_a = asyncio.run(next_bill_and_product(database, tmp_path, a))
    assert sold_b["bill_no"] == sold_a["bill_no"]
    assert sold_b["sale_id"] == sold_a["sale_id"]  # both one past the shop's last bill
    assert added_b["product_id"] == added_a["product_id"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, "{}")
        archive.writestr("products.csv", b"0" * (3 * 1024 * 1024))
    with pytest.raises(RestoreProblem, match="refused as a zip bomb"):
        read_manifest(bomb)
    with pytest.raises(RestoreProblem, match=r"would unpack to 3,145,730 bytes \(at most 1,000\)"):
        read_manifest(bomb, max_uncompressed=1000)


def test_every_column_naming_a_user_is_remapped(database: str) -> None:
    """Restored rows must not keep user ids of the exporting shop: every exported column
    that names a user is one the restore maps."""
    found = asyncio.run(
        fetch(
            database,
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND (column_name LIKE '%\\_by' "
            "OR column_name LIKE '%user\\_id')",
        )
    )
    exported = {spec.table for spec in EXPORTED}
    named = {(r["table_name"], r["column_name"]) for r in found if r["table_name"] in exported}
    assert named and {column for _, column in named} <= set(USER_REFERENCES)


# --- zips ------------------------------------------------------------------------------------


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _csv_with(rows: list[list[str | None]], row: int, column: int, value: str) -> bytes:
    """The CSV again in PostgreSQL's dialect (NULL unquoted, text quoted) with one cell set."""
    changed = [list(r) for r in rows]
    changed[row][column] = value
    out = io.StringIO()
    out.write(",".join(cell or "" for cell in changed[0]) + "\n")
    for cells in changed[1:]:
        out.write(
            ",".join("" if cell is None else '"' + cell.replace('"', '""') + '"' for cell in cells)
            + "\n"
        )
    return out.getvalue().encode()
