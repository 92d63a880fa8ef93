"""Operator backups: `pg_dump` a shop's database, restore it into a new empty database on the
same server, and check that the books, the migrations' version, the row-level-security
policies and the app role's grants all came back, and that the restored copy serves the API."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import backup as backups
from app.db import migrate
from app.db.session import APP_ROLE
from app.main import create_app
from tests.bills import exact, sale
from tests.conftest import (
    ShopSession,
    _admin,
    _plain,
    _with_database,
    create_product,
    make_settings,
)

D = Decimal

# Per table: the rows and a money sum, compared between the original and the restored copy.
_CHECKED = {
    "shops": "0",
    "products": "coalesce(sum(price_sale), 0)",
    "customers": "0",
    "sales": "coalesce(sum(total_amount), 0)",
    "sale_lines": "coalesce(sum(quantity), 0)",
    "stock_movements": "coalesce(sum(quantity), 0)",
    "udhaar_entries": "coalesce(sum(amount), 0)",
    "notifications": "0",
}


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A new empty database on the test server (a unique name: safe under xdist)."""
    name = f"dk_restore_{uuid.uuid4().hex[:12]}"
    await _admin(server_url, f'CREATE DATABASE "{name}"')
    yield _with_database(server_url, name)
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _books(client: httpx.AsyncClient, shop: ShopSession) -> dict[str, Any]:
    """What a real shop writes: Hindi and English products, a credit sale with extra spaces."""
    atta = await create_product(
        client, shop, product_name="  आटा (Aashirvaad) 10kg ", price_sale="415.50", quantity=20
    )
    await create_product(client, shop, product_name="parle-G  biscuit", price_sale="10")
    response = await sale(
        client,
        shop,
        [{"product_id": atta["product_id"], "quantity": 3}],
        customer_name="  रमेश kumar ",
        bill_paid=False,
    )
    assert response.status_code == 201, response.text
    return dict(exact(response))


async def _snapshot(url: str) -> dict[str, tuple[int, Decimal]]:
    connection = await asyncpg.connect(_plain(url))
    try:
        result = {}
        for table, total in _CHECKED.items():
            row = await connection.fetchrow(f"SELECT count(*), {total} FROM {table}")
            assert row is not None
            result[table] = (row[0], D(row[1]))
        return result
    finally:
        await connection.close()


async def _fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(_plain(url))
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def test_restore_into_an_empty_database_brings_back_books_policies_and_grants(
    client: httpx.AsyncClient,
    shop: ShopSession,
    database_url: str,
    empty_database: str,
    tmp_path: Path,
) -> None:
    bill = await _books(client, shop)
    before = await _snapshot(database_url)
    assert before["sales"][0] == 1 and before["udhaar_entries"][1] == D("1246.50")

    dump = tmp_path / "dukaan 2026-12-04.dump"
    made = await asyncio.to_thread(backups.backup, database_url, dump)
    assert dump.stat().st_size == made.size_bytes > 0
    assert made.tables >= len(_CHECKED)

    restored = await asyncio.to_thread(backups.restore, empty_database, dump)
    assert restored.revision == migrate.head_revision()
    assert await _snapshot(empty_database) == before

    policies = await _fetch(
        empty_database,
        "SELECT policyname, roles::text[] FROM pg_policies WHERE tablename = 'udhaar_entries'",
    )
    (user,) = await _fetch(empty_database, "SELECT current_user")
    assert {(p[0], tuple(p[1])) for p in policies} == {
        ("tenant_isolation", (APP_ROLE,)),
        ("system_access", (user[0],)),
    }
    grants = await _fetch(
        empty_database,
        "SELECT has_table_privilege($1, 'sales', 'INSERT'), "
        "has_table_privilege($1, 'expenses', 'UPDATE'), "
        "has_function_privilege($1, 'search_products(text)', 'EXECUTE'), "
        "(SELECT relforcerowsecurity FROM pg_class WHERE relname = 'sales')",
        APP_ROLE,
    )
    assert tuple(grants[0]) == (True, False, True, True)  # expenses are insert-only

    # The restored copy serves the API: the same login still reads its bill and its udhaar.
    application = create_app(make_settings(empty_database, tmp_path))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            got = exact(await http.get(f"/api/sales/{bill['sale_id']}", headers=shop.headers))
            assert got["total_amount"] == bill["total_amount"] == D("1246.50")
            open_udhaar = exact(await http.get("/api/udhaar/sales/", headers=shop.headers))
            assert [e["sales_id"] for e in open_udhaar] == [bill["sale_id"]]
            other = await http.post(
                "/api/auth/register",
                json={
                    "shop_name": "Gupta General Store",
                    "owner_name": "गुप्ता",
                    "phone_no": "9812300077",
                    "password": "namak-mirch-9",
                },
            )
            assert other.status_code == 201, other.text
            theirs = exact(
                await http.get(
                    "/api/products/",
                    headers={"Authorization": f"Bearer {other.json()['access_token']}"},
                )
            )
            assert theirs == []  # row-level security still keeps the shops apart


async def test_a_newer_pg_restore_drops_settings_the_server_lacks(
    client: httpx.AsyncClient,
    shop: ShopSession,
    database_url: str,
    empty_database: str,
    tmp_path: Path,
) -> None:
    """The embedded pg_restore (18) into the test server, through the SQL-script path.

    Against PostgreSQL 15/16 (TEST_DATABASE_URL) its `SET transaction_timeout` must be dropped;
    against the embedded 18 nothing is.
    """
    embedded = backups.embedded_bin_dir()
    assert embedded is not None
    newest = backups.Tool(embedded / "pg_restore", 18)
    await _books(client, shop)
    dump = tmp_path / "nightly.dump"
    await asyncio.to_thread(backups.backup, database_url, dump)
    restored = await asyncio.to_thread(
        backups.restore, empty_database, dump, tools=[newest], via_psql=True
    )
    (server,) = await _fetch(empty_database, "SELECT current_setting('server_version_num')::int")
    expected = ("transaction_timeout",) if server[0] < 170000 else ()
    assert restored.filtered_settings == expected
    assert restored.tool == newest
    assert await _snapshot(empty_database) == await _snapshot(database_url)

    with pytest.raises(backups.BackupError, match=r"not empty \(\d+ tables\).*--force"):
        await asyncio.to_thread(backups.restore, empty_database, dump)
    forced = await asyncio.to_thread(backups.restore, empty_database, dump, force=True)
    assert forced.revision == migrate.head_revision()
    assert await _snapshot(empty_database) == await _snapshot(database_url)


def test_the_filter_keeps_copy_data_that_looks_like_a_setting() -> None:
    script = [
        b"SET statement_timeout = 0;\n",
        b"SET transaction_timeout = 0;\n",
        b"SET app.shop_id = '7';\n",
        b"COPY public.products (product_name) FROM stdin;\n",
        b"SET transaction_timeout = 0;\n",
        b"\\.\n",
        b"SET TRANSACTION_TIMEOUT = 0;\n",
    ]
    dropped: set[str] = set()
    kept = list(backups.filter_unknown_settings(script, {"statement_timeout"}, dropped))
    assert kept == [script[0], script[2], script[3], script[4], script[5]]
    assert dropped == {"transaction_timeout", "TRANSACTION_TIMEOUT"}


def test_pg_dump_is_never_older_than_the_server() -> None:
    tools = [backups.Tool(Path(f"/pg{n}/pg_dump"), n) for n in (18, 15, 16)]
    assert backups.pick_pg_dump(15, tools).major == 15
    assert backups.pick_pg_dump(17, tools).major == 18
    with pytest.raises(backups.BackupError, match="no pg_dump of PostgreSQL 19 or newer"):
        backups.pick_pg_dump(19, tools)
    order = backups.restore_preference(16, [*tools, backups.Tool(Path("/pg14"), 14)])
    assert [t.major for t in order] == [16, 18, 15, 14]


@pytest.fixture
def databases(server_url: str, template_db: str) -> Iterator[tuple[str, str]]:
    """A migrated database (a clone of the template) and an empty one, for the CLI's runs."""
    names = [f"dk_cli_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{names[0]}" TEMPLATE "{template_db}"'))
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{names[1]}"'))
    yield _with_database(server_url, names[0]), _with_database(server_url, names[1])
    for name in names:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass(frozen=True)
class _Run:
    exit_code: int
    output: str  # words joined by single spaces: rich wraps long lines at the console's width
    exception: BaseException | None


def _invoke(url: str, *args: str) -> _Run:
    """`dukaan ARGS` with DATABASE_URL set (settings are cached: cleared around the run)."""
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli, list(args), env={"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        )
    finally:
        get_settings.cache_clear()
    return _Run(result.exit_code, " ".join(result.output.split()), result.exception)


def test_cli_backup_and_restore(
    databases: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no `.env` of the checkout is read
    source, target = databases
    dump = tmp_path / "dukaan-2026-12-04.dump"
    made = _invoke(source, "backup", str(dump))
    assert made.exit_code == 0, made.output
    assert "Backup written" in made.output and "tables" in made.output and dump.is_file()

    restored = _invoke(target, "restore", str(dump))
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output and migrate.head_revision() in restored.output
    policies = asyncio.run(_fetch(target, "SELECT count(*) FROM pg_policies"))
    assert policies == asyncio.run(_fetch(source, "SELECT count(*) FROM pg_policies"))
    assert policies[0][0] > 0

    again = _invoke(target, "restore", str(dump))
    assert again.exit_code == 1 and "not empty" in again.output and "--force" in again.output


def test_cli_refuses_missing_foreign_files_and_unreachable_servers(
    databases: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, empty = databases
    missing = _invoke(empty, "restore", str(tmp_path / "kal ka backup.dump"))
    assert missing.exit_code == 1 and "kal ka backup.dump not found" in missing.output

    notes = tmp_path / "udhaar khata.dump"
    notes.write_text("रमेश: ₹1,246.50 baaki\n", encoding="utf-8")
    foreign = _invoke(empty, "restore", str(notes))
    assert foreign.exit_code == 1 and "not a dukaan backup" in foreign.output

    nowhere = "postgresql://dukaan:s3cret@127.0.0.1:1/dukaan"
    unreachable = _invoke(nowhere, "backup", str(tmp_path / "b.dump"))
    assert unreachable.exit_code == 1 and "cannot connect" in unreachable.output
    assert "127.0.0.1:1/dukaan" in unreachable.output and "s3cret" not in unreachable.output
    assert not (tmp_path / "b.dump").exists()

    for run in (missing, foreign, unreachable):
        assert isinstance(run.exception, SystemExit), run.exception  # no traceback
    tables = asyncio.run(
        _fetch(empty, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    )
    assert tables[0][0] == 0  # nothing was half-restored
