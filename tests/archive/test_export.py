"""`dukaan export`: a shop's books, built over HTTP, exported to a zip and read back.

The oracle for every cell is an ordinary SELECT of the same rows through each type's output
function (`format('%s', col)`), compared as text with what COPY wrote, so NUMERIC scale,
timestamps, booleans and NULL-versus-empty all have to agree exactly.
"""

import asyncio
import json
import uuid
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from click.testing import Result
from fastapi import FastAPI
from typer.testing import CliRunner

from app.archive.export import MANIFEST, ExportProblem, export_shop
from app.archive.tables import EXPORTED, FORMULA_STARTS, LEFT_OUT
from app.cli import cli
from app.config import Settings, get_settings
from app.main import create_app
from app.models import Base
from tests.bills import purchase, sale
from tests.conftest import (
    ShopSession,
    _admin,
    _plain,
    _with_database,
    create_product,
    make_settings,
    register_shop,
)

FORMULA_PRODUCT = '=HYPERLINK("x")'
FORMULA_CUSTOMER = "-Ramesh"
OTHER_CUSTOMER = "Suresh Otherwala"
OTHER_PRODUCT = "Dusri Dukaan Ki Dal"


# --- reading what COPY wrote -------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str | None]]:
    """PostgreSQL's CSV, keeping what Python's csv module (3.11) loses: an unquoted empty
    field is NULL (None), a quoted one `""` the empty string."""
    text = data.decode("utf-8")
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    cell: list[str] = []
    quoted = in_quotes = False
    i = 0
    while i < len(text):
        char = text[i]
        if in_quotes:
            if char == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif char == '"':
                in_quotes = False
            else:
                cell.append(char)
        elif char == '"':
            in_quotes = quoted = True
        elif char in ",\n":
            row.append("".join(cell) if cell or quoted else None)
            cell, quoted = [], False
            if char == "\n":
                rows.append(row)
                row = []
        else:
            cell.append(char)
        i += 1
    assert not row and not cell, "the file ends with a newline"
    return rows


def guard(value: str | None) -> str | None:
    """The formula guard as the manifest states it, written independently of the SQL."""
    if value is not None and value.lstrip("'")[:1] in FORMULA_STARTS and value.lstrip("'"):
        return "'" + value
    return value


async def table_as_text(
    url: str, table: str, key: str, shop_id: int
) -> tuple[list[str], list[list[str | None]]]:
    """The shop's rows of `table`, each cell its type's text output (NULL as None), with
    the formula guard applied to text columns; the column names in table order."""
    connection = await asyncpg.connect(_plain(url), server_settings={"TimeZone": "UTC"})
    try:
        found = await connection.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        names = [r["column_name"] for r in found if r["column_name"] != "password_hash"]
        texts = {
            r["column_name"]
            for r in found
            if r["data_type"] in ("text", "character varying", "character")
        }
        cells = ", ".join(
            f'CASE WHEN "{n}" IS NULL THEN NULL ELSE format(\'%s\', "{n}") END' for n in names
        )
        rows = await connection.fetch(
            f'SELECT {cells} FROM "{table}" WHERE "{key}" = $1 ORDER BY id', shop_id
        )
    finally:
        await connection.close()
    return names, [
        [guard(v) if n in texts else v for n, v in zip(names, row, strict=True)] for row in rows
    ]


async def sql_value(url: str, query: str, *args: Any) -> Any:
    connection = await asyncpg.connect(_plain(url))
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


# --- the books -----------------------------------------------------------------------------


async def build_books(client: httpx.AsyncClient, shop: ShopSession) -> None:
    """Products (Hindi, English, a formula), cash and credit sales, a return, a void, an
    udhaar payment, a purchase, an expense and its void."""
    atta = await create_product(
        client, shop, product_name="आटा (Aashirvaad) 5 kg", price_sale="245.50", quantity=40
    )
    rice = await create_product(
        client, shop, product_name="  basmati   CHAWAL ", price_sale="1234.75", quantity="12.500"
    )
    formula = await create_product(client, shop, product_name=FORMULA_PRODUCT, quantity=5)
    cash = await sale(
        client,
        shop,
        [
            {"product_id": atta["product_id"], "quantity": 2},
            {"product_id": rice["product_id"], "quantity": "1.250", "discount": "10.00"},
        ],
        customer_name="सुनीता देवी",
        payment_mode="upi",
    )
    assert cash.status_code == 201, cash.text
    credit = await sale(
        client,
        shop,
        [{"product_id": atta["product_id"], "quantity": 3, "rate": "250.00"}],
        customer_name=FORMULA_CUSTOMER,
        phone_no="9812300066",
        bill_paid=False,
        amount_paid="100.00",
    )
    assert credit.status_code == 201, credit.text
    returned = await client.post(
        f"/api/sales/{credit.json()['sale_id']}/returns",
        json={"products": [{"product_id": atta["product_id"], "quantity": 1}], "note": ""},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    voided = await sale(client, shop, [{"product_id": formula["product_id"], "quantity": 1}])
    void = await client.post(
        f"/api/sales/{voided.json()['sale_id']}/void",
        json={"reason": "galat bill, दोबारा"},
        headers=shop.headers,
    )
    assert void.status_code == 200, void.text
    owed = (await client.get("/api/udhaar/sales/", headers=shop.headers)).json()
    paid = await client.post(
        f"/api/udhaar/sales/{owed[0]['udhar_id']}/payments",
        json={"amount": "50.00", "payment_mode": "upi", "note": "+ baaki kal"},
        headers=shop.headers,
    )
    assert paid.status_code == 201, paid.text
    bought = await purchase(
        client,
        shop,
        [{"product_name": "चीनी", "quantity": "25.000", "price_purchase": "41.20"}],
        bill_paid=False,
        amount_paid="500.00",
    )
    assert bought.status_code == 201, bought.text
    spent = await client.post(
        "/api/expenses/",
        json={"category": "  Tea and SNACKS", "amount": "120.50", "note": "@chai wala"},
        headers=shop.headers,
    )
    assert spent.status_code == 201, spent.text
    unspent = await client.post(
        f"/api/expenses/{spent.json()['expense_id']}/void",
        json={"reason": "double entry"},
        headers=shop.headers,
    )
    assert unspent.status_code == 200, unspent.text


async def build_other_books(client: httpx.AsyncClient, other: ShopSession) -> None:
    dal = await create_product(client, other, product_name=OTHER_PRODUCT, quantity=9)
    sold = await sale(
        client,
        other,
        [{"product_id": dal["product_id"], "quantity": 1}],
        customer_name=OTHER_CUSTOMER,
    )
    assert sold.status_code == 201, sold.text


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


# --- tests ---------------------------------------------------------------------------------


def test_every_table_is_exported_or_left_out_with_a_reason() -> None:
    exported = [spec.table for spec in EXPORTED]
    assert len(exported) == len(set(exported))
    assert set(exported).isdisjoint(LEFT_OUT)
    assert set(exported) | set(LEFT_OUT) == set(Base.metadata.tables)
    assert all(reason.strip() for reason in LEFT_OUT.values())
    for table in ("daily_sales", "auth_sessions", "refresh_tokens", "idempotency_keys"):
        assert table in LEFT_OUT


def test_tables_are_listed_after_every_table_they_refer_to() -> None:
    """`EXPORTED` is the order a restore inserts in: each table's foreign keys point only
    at tables listed before it (or at itself)."""
    position = {spec.table: n for n, spec in enumerate(EXPORTED)}
    late = [
        (spec.table, key.column.table.name)
        for spec in EXPORTED
        for key in Base.metadata.tables[spec.table].foreign_keys
        if key.column.table.name != spec.table
        and position.get(key.column.table.name, -1) > position[spec.table]
    ]
    assert late == []


async def test_export_holds_every_row_of_the_shop_exactly_and_nothing_else(
    app: FastAPI,
    client: httpx.AsyncClient,
    shop: ShopSession,
    other_shop: ShopSession,
    settings: Settings,
    tmp_path: Path,
) -> None:
    url = settings.db.url
    assert url
    await build_books(client, shop)
    await build_other_books(client, other_shop)
    out = tmp_path / "sharma kirana.zip"

    seen: list[str] = []
    summary = await export_shop(
        app.state.engine, shop.shop_id, out, on_table=lambda spec: seen.append(spec.table)
    )

    assert seen == [spec.table for spec in EXPORTED]
    assert not (tmp_path / "sharma kirana.zip.partial").exists()
    files = entries(out)
    assert sorted(files) == sorted([MANIFEST] + [spec.file for spec in EXPORTED])
    manifest = json.loads(files[MANIFEST])
    assert manifest["format_version"] == 1
    assert manifest["schema_version"] == await sql_value(
        url, "SELECT version_num FROM alembic_version"
    )
    assert manifest["shop"] == {
        "id": shop.shop_id,
        "name": "Shop A",
        "phone": shop.phone,
        "gstin": None,
    }
    assert manifest["exported_at"].endswith("+00:00")
    assert set(manifest["left_out"]) == set(LEFT_OUT)
    by_table = {entry["table"]: entry for entry in manifest["tables"]}
    assert [entry["file"] for entry in manifest["tables"]] == [spec.file for spec in EXPORTED]

    for spec in EXPORTED:
        rows = read_csv(files[spec.file])
        names, expected = await table_as_text(url, spec.table, spec.shop_column, shop.shop_id)
        assert rows[0] == names, spec.table
        assert rows[1:] == expected, spec.table
        entry = by_table[spec.table]
        assert entry["columns"] == names
        assert entry["rows"] == len(expected) == summary.tables[EXPORTED.index(spec)].rows
        # every row is the shop's own
        shop_at = names.index(spec.shop_column)
        assert {row[shop_at] for row in rows[1:]} <= {str(shop.shop_id)}, spec.table
        for column, total in entry["sums"].items():
            in_sql = await sql_value(
                url,
                f'SELECT COALESCE(sum("{column}"), 0) FROM "{spec.table}" WHERE shop_id = $1',
                shop.shop_id,
            )
            at = names.index(column)
            in_csv = sum((Decimal(row[at] or "0") for row in rows[1:]), Decimal(0))
            assert Decimal(total) == in_sql == in_csv, (spec.table, column)

    for table in ("shops", "users", "products", "customers", "sales", "sale_lines",
                  "sale_returns", "stock_movements", "udhaar_entries", "udhaar_payments",
                  "purchases", "expenses", "bill_counters", "audit_log"):  # fmt: skip
        assert by_table[table]["rows"] > 0, table
    assert by_table["users"]["omitted_columns"] == ["password_hash"]
    assert "password_hash" not in read_csv(files["users.csv"])[0]
    assert by_table["sales"]["sums"]["total_amount"] == str(
        await sql_value(url, "SELECT sum(total_amount) FROM sales WHERE shop_id = $1", shop.shop_id)
    )

    # nothing of the other shop, and no secret, anywhere in the zip (compressed or not)
    everything = b"".join(files.values()) + out.read_bytes()
    for name in (OTHER_CUSTOMER, OTHER_PRODUCT, "Shop B", other_shop.phone):
        assert name.encode() not in everything, name
    password_hash = await sql_value(
        url, "SELECT password_hash FROM users WHERE id = $1", shop.user_id
    )
    assert password_hash.startswith("$argon2")
    assert password_hash.encode() not in everything
    assert b"argon2" not in everything

    # the formula guard: on the two names, not on negative numbers, and documented
    products = read_csv(files["products.csv"])
    product_names = [row[products[0].index("name")] or "" for row in products[1:]]
    assert [name for name in product_names if "HYPERLINK" in name] == ["'" + FORMULA_PRODUCT]
    assert "आटा (Aashirvaad) 5 kg" in product_names
    customers = read_csv(files["customers.csv"])
    names_at = customers[0].index("name")
    assert "'" + FORMULA_CUSTOMER in [row[names_at] for row in customers[1:]]
    assert "सुनीता देवी" in [row[names_at] for row in customers[1:]]
    assert FORMULA_CUSTOMER not in [row[names_at] for row in customers[1:]]
    movements = read_csv(files["stock_movements.csv"])
    moved = [row[movements[0].index("quantity")] or "" for row in movements[1:]]
    assert "-2.000" in moved and "-1.250" in moved
    assert not any(value.startswith("'") for value in moved)
    expenses = read_csv(files["expenses.csv"])
    amounts = [row[expenses[0].index("amount")] for row in expenses[1:]]
    assert sorted(amounts) == ["-120.50", "120.50"]
    notes = [row[expenses[0].index("note")] for row in expenses[1:]]
    assert "'@chai wala" in notes
    returns = read_csv(files["sale_returns.csv"])
    assert [row[returns[0].index("note")] for row in returns[1:]] in ([""], [None])
    assert "formula" in manifest["formula_guard"] and "'" in manifest["formula_guard"]
    assert set(by_table["customers"]["text_columns"]) >= {"name", "phone"}
    assert "quantity" not in by_table["stock_movements"]["text_columns"]

    # a failed export leaves neither the zip nor its partial file
    with pytest.raises(ExportProblem, match="No shop with id"):
        await export_shop(app.state.engine, 10**12, tmp_path / "nobody.zip")
    assert not (tmp_path / "nobody.zip").exists()
    assert not (tmp_path / "nobody.zip.partial").exists()


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def database(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh database for the CLI (sync: the CLI runs its own event loop)."""
    name = f"dk_{uuid.uuid4().hex[:16]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield _with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _register(url: str, folder: Path) -> ShopSession:
    application = create_app(make_settings(url, folder))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            shop = await register_shop(http, "Gupta General Store")
            await create_product(http, shop, product_name="Parle-G  biscuit", quantity=7)
            return shop


def _invoke(url: str, *args: str) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            cli, list(args), env={"DATABASE_URL": url, "COLUMNS": "200", "LOG_LEVEL": "WARNING"}
        )
    finally:
        get_settings.cache_clear()


def test_the_command_exports_and_refuses_clearly(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no `.env` of the checkout is read
    shop = asyncio.run(_register(database, tmp_path))
    out = tmp_path / "gupta.zip"
    typed = "0" + shop.phone.removeprefix("+91")  # as a shopkeeper types it, with a 0

    done = _invoke(database, "export", str(out), "--shop", typed)

    assert done.exit_code == 0, done.output
    assert "products" in done.output and "Exported" in done.output
    manifest = json.loads(entries(out)[MANIFEST])
    assert manifest["shop"]["id"] == shop.shop_id
    assert {e["table"]: e["rows"] for e in manifest["tables"]}["products"] == 1
    written = out.read_bytes()

    again = _invoke(database, "export", str(out), "--shop", typed)
    assert again.exit_code == 2
    assert "already exists" in again.output and "--force" in again.output
    assert out.read_bytes() == written

    forced = _invoke(database, "export", str(out), "--shop", typed, "--force")
    assert forced.exit_code == 0, forced.output

    unknown = _invoke(database, "export", str(tmp_path / "x.zip"), "--shop", "91234 56789")
    assert unknown.exit_code == 2
    assert "Cannot export" in unknown.output and "+919123456789" in unknown.output
    assert not (tmp_path / "x.zip").exists()

    nowhere = tmp_path / "no such folder" / "x.zip"
    missing = _invoke(database, "export", str(nowhere), "--shop", typed)
    assert missing.exit_code == 2
    assert "does not exist" in missing.output
    assert "Traceback" not in missing.output + unknown.output + again.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".zip", ".partial")) == [
        "gupta.zip"
    ]
