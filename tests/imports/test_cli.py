"""`dukaan import products|customers|vendors` through typer's CliRunner, against a test database."""

import asyncio
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.main import create_app
from tests.bills import exact
from tests.conftest import ShopSession, _admin, _with_database, make_settings, register_shop
from tests.imports.catalogues import GOOD_AND_BAD, HEADINGS, catalogue, write_csv
from tests.imports.party_lists import GOOD_AND_BAD as PARTY_ROWS
from tests.imports.party_lists import HINDI_HEADINGS as PARTY_HINDI_HEADINGS
from tests.imports.party_lists import party_list


@pytest.fixture
def database(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh database for a test that runs the CLI (sync: the CLI runs its own event loop)."""
    name = f"dk_{uuid.uuid4().hex[:16]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield _with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _through_api(url: str, folder: Path, shop: ShopSession | None = None) -> Any:
    """Register a shop (no `shop` given), or list the given shop's products, over HTTP."""
    application = create_app(make_settings(url, folder))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            if shop is None:
                return await register_shop(http, "Gupta General Store")
            response = await http.get("/api/products/", headers=shop.headers)
            assert response.status_code == 200, response.text
            return {product["product_name"]: product for product in exact(response)}


def _invoke(url: str, *args: str) -> Result:
    """`dukaan ARGS` with DATABASE_URL set (settings are cached: cleared around the run)."""
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            cli, list(args), env={"DATABASE_URL": url, "COLUMNS": "200", "LOG_LEVEL": "WARNING"}
        )
    finally:
        get_settings.cache_clear()


def _counted(output: str) -> dict[str, int]:
    """The summary's row counts, read off its table."""
    return {
        label: int(number)
        for label, number in re.findall(r"│ (\w+)\s+│\s+(\d+) │", output)
        if label in ("created", "updated", "unchanged", "failed", "total")
    }


@pytest.fixture
def shop(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ShopSession:
    monkeypatch.chdir(tmp_path)  # no `.env` of the checkout is read
    registered: ShopSession = asyncio.run(_through_api(database, tmp_path))
    return registered


def test_import_reports_counts_mapping_and_row_errors(
    database: str, shop: ShopSession, tmp_path: Path
) -> None:
    path = catalogue(tmp_path, "csv")
    phone = shop.phone.removeprefix("+91")  # as the owner types it

    result = _invoke(database, "import", "products", str(path), "--shop", phone)

    assert result.exit_code == 1, result.output
    output = result.output
    assert _counted(output) == {"created": 3, "updated": 0, "unchanged": 0, "failed": 3, "total": 6}
    assert "मात्रा" in output and "quantity" in output
    assert re.search(r"│\s+6 │ Unit\s+│ unknown unit 'crate'", output)
    assert "barcode 8901719101038 is already on row 2 of this file" in output
    assert "Imported." in output
    products = asyncio.run(_through_api(database, tmp_path, shop))
    assert sorted(products) == ["India Gate Basmati 25kg", "tata SALT 1kg", "पारले-जी बिस्कुट 100g"]

    good = write_csv(
        tmp_path / "good.csv",
        HEADINGS,
        [text for text, _ in GOOD_AND_BAD if text[:1] != ["Amul Butter 500g"]][:3],
    )
    again = _invoke(database, "import", "products", str(good), "--shop", shop.phone)
    assert again.exit_code == 0, again.output
    assert _counted(again.output) == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "failed": 0,
        "total": 2,
    }


def test_dry_run_and_all_or_nothing_write_nothing(
    database: str, shop: ShopSession, tmp_path: Path
) -> None:
    path = catalogue(tmp_path, "xlsx")
    dry = _invoke(database, "import", "products", str(path), "--shop", shop.phone, "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert _counted(dry.output)["created"] == 3
    assert "Dry run: nothing was written." in dry.output

    strict = _invoke(
        database, "import", "products", str(path), "--shop", shop.phone, "--all-or-nothing"
    )
    assert strict.exit_code == 1, strict.output
    assert "All or nothing: nothing was written (3 rows failed)." in strict.output
    assert asyncio.run(_through_api(database, tmp_path, shop)) == {}


def test_file_and_argument_errors_exit_2(database: str, shop: ShopSession, tmp_path: Path) -> None:
    missing = _invoke(
        database, "import", "products", str(tmp_path / "maal.csv"), "--shop", shop.phone
    )
    assert missing.exit_code == 2, missing.output
    assert "Cannot import: No file at" in missing.output

    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x00\x10\x80\xff" * 100)
    refused = _invoke(database, "import", "products", str(binary), "--shop", shop.phone)
    assert refused.exit_code == 2, refused.output
    assert "photo.csv is not a CSV or XLSX file" in refused.output

    nameless = write_csv(tmp_path / "nameless.csv", ["MRP", "Qty"], [["10", "1"]])
    headless = _invoke(database, "import", "products", str(nameless), "--shop", shop.phone)
    assert headless.exit_code == 2, headless.output
    assert "No column with the product's name" in headless.output

    path = catalogue(tmp_path, "csv")
    stranger = _invoke(database, "import", "products", str(path), "--shop", "98765 43210")
    assert stranger.exit_code == 2, stranger.output
    assert "No account logs in with +919876543210" in stranger.output

    no_shop = _invoke(database, "import", "products", str(path))
    assert no_shop.exit_code == 2
    assert "--shop" in no_shop.output
    assert "Traceback" not in "".join(
        r.output for r in (missing, refused, headless, stranger, no_shop)
    )
    assert asyncio.run(_through_api(database, tmp_path, shop)) == {}


async def _parties_through_api(
    url: str, folder: Path, shop: ShopSession, side: str
) -> dict[str, Any]:
    """The shop's customers or vendors over HTTP: phone -> (name, balance)."""
    application = create_app(make_settings(url, folder))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            response = await http.get(f"/api/{side}/", headers=shop.headers)
            assert response.status_code == 200, response.text
            name = "customer_name" if side == "customers" else "vendor_name"
            return {p["phone_no"]: (p[name], p["balance"]) for p in exact(response)}


def test_import_customers_reports_counts_opening_balances_and_row_errors(
    database: str, shop: ShopSession, tmp_path: Path
) -> None:
    path = party_list(tmp_path, "csv")

    result = _invoke(database, "import", "customers", str(path), "--shop", shop.phone[3:])

    assert result.exit_code == 1, result.output
    output = result.output
    assert _counted(output) == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "failed": 8,
        "total": 11,
    }
    assert re.search(r"│ opening balances\s+│\s+2 │", output)
    assert re.search(r"│ Mobile No\.\s+│ phone_no\s+│", output)
    assert "Columns ignored: GSTIN" in output
    assert re.search(r"│\s+7 │ Mobile No\.\s+│ '12345' is not a valid phone number", output)
    assert "phone +919812345678 is already on row 2 of this file" in output
    assert "Imported." in output
    customers = asyncio.run(_parties_through_api(database, tmp_path, shop, "customers"))
    assert customers == {
        "+919812345678": ("Sunita Verma", Decimal("100000.50")),
        "+919812345679": ("Ramesh Kumar", Decimal("2500.00")),
        "+919812345680": ("राधा देवी", Decimal("0.00")),
    }

    good = party_list(tmp_path, "xlsx", PARTY_ROWS[:3], name="good")
    again = _invoke(database, "import", "customers", str(good), "--shop", shop.phone)
    assert again.exit_code == 0, again.output
    assert _counted(again.output)["unchanged"] == 3
    assert "opening balances" not in again.output
    assert asyncio.run(_parties_through_api(database, tmp_path, shop, "customers")) == customers


def test_import_vendors_dry_run_then_for_real(
    database: str, shop: ShopSession, tmp_path: Path
) -> None:
    rows = [(["गुप्ता होलसेल", "99887 76655", "5,400", "01-09-2026", "", "", ""], [])]
    path = party_list(tmp_path, "csv", rows, PARTY_HINDI_HEADINGS, name="vendors")

    dry = _invoke(database, "import", "vendors", str(path), "--shop", shop.phone, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "vendors into the shop of" in dry.output
    assert "Dry run: nothing was written." in dry.output
    assert asyncio.run(_parties_through_api(database, tmp_path, shop, "vendors")) == {}

    done = _invoke(database, "import", "vendors", str(path), "--shop", shop.phone)
    assert done.exit_code == 0, done.output
    assert _counted(done.output)["created"] == 1
    assert asyncio.run(_parties_through_api(database, tmp_path, shop, "vendors")) == {
        "+919988776655": ("गुप्ता होलसेल", Decimal("5400.00"))
    }
    assert asyncio.run(_parties_through_api(database, tmp_path, shop, "customers")) == {}


def test_a_party_file_without_a_phone_column_exits_2(
    database: str, shop: ShopSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "names.csv", ["Customer Name", "Udhaar"], [["Sunita", "100"]])
    result = _invoke(database, "import", "customers", str(path), "--shop", shop.phone)
    assert result.exit_code == 2, result.output
    assert "Cannot import: No column with the customer's phone" in result.output
    assert "Traceback" not in result.output
