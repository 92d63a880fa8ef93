"""`dukaan demo`: a small demo shop built through typer's CliRunner on a fresh test database,
then looked at over HTTP the way a newcomer would, with the login it printed."""

import asyncio
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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
from tests.bills import bill_total_mismatches, exact, ledger_mismatches, scalar
from tests.conftest import _admin, _with_database, make_settings

SMALL = ("--products", "20", "--customers", "10", "--days", "14", "--bills-per-day", "6")


def _invoke(url: str, folder: Path, *args: str) -> Result:
    """`dukaan ARGS` with DATABASE_URL set, from `folder` (no `.env` of the checkout read)."""
    get_settings.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            return CliRunner().invoke(
                cli,
                list(args),
                env={"DATABASE_URL": url, "COLUMNS": "200", "LOG_LEVEL": "WARNING"},
            )
    finally:
        get_settings.cache_clear()


def _fresh_database(server_url: str, template_db: str) -> str:
    name = f"dk_{uuid.uuid4().hex[:16]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    return name


def _drop(server_url: str, name: str) -> None:
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass(frozen=True)
class Built:
    url: str
    folder: Path
    output: str
    phone: str
    password: str


@pytest.fixture(scope="module")
def built(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    """One small demo shop for the module's tests (they only read it, or run it again)."""
    name = _fresh_database(server_url, template_db)
    url = _with_database(server_url, name)
    folder = tmp_path_factory.mktemp("demo")
    result = _invoke(url, folder, "demo", *SMALL)
    assert result.exit_code == 0, result.output
    login = re.search(r"username (\S+)\s+password (\S+)", result.output)
    assert login is not None, result.output
    yield Built(url, folder, result.output, login[1], login[2])
    _drop(server_url, name)


async def _call(built: Built, check: Any) -> Any:
    """Log in with the printed phone and password, then run `check(http, headers, app)`."""
    application = create_app(make_settings(built.url, built.folder))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.21", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            token = await http.post(
                "/api/auth/token", data={"username": built.phone, "password": built.password}
            )
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            return await check(http, headers, application)


def _read(built: Built, check: Any) -> Any:
    return asyncio.run(_call(built, check))


async def _get(http: httpx.AsyncClient, headers: dict[str, str], path: str) -> httpx.Response:
    response = await http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_the_printed_login_opens_the_demo_shop(built: Built) -> None:
    assert built.phone == "+919000012345"
    assert built.password == "chai-biscuit-demo"

    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        return (await _get(http, headers, "/api/auth/me")).json()

    me = _read(built, check)
    assert me["shop"]["shop_name"] == "Sharma Kirana Store (demo)"
    assert me["user"]["role"] == "owner"
    assert "Demo shop built in" in built.output


def test_the_shop_has_its_catalogue_parties_and_three_kinds_of_bills(built: Built) -> None:
    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        products = exact(await _get(http, headers, "/api/products/?limit=1000"))
        customers = exact(await _get(http, headers, "/api/customers/?limit=1000"))
        vendors = exact(await _get(http, headers, "/api/vendors/?limit=1000"))
        sales = exact(await _get(http, headers, "/api/sales/?limit=1000"))
        purchases = exact(await _get(http, headers, "/api/purchases/?limit=1000"))
        spent = exact(await _get(http, headers, "/api/expenses/?limit=1000"))
        today = (await _get(http, headers, "/api/udhaar/summary")).json()["as_of"]
        return products, customers, vendors, sales, purchases, spent, today

    products, customers, vendors, sales, purchases, spent, today = _read(built, check)
    assert len(products) == 20
    assert all(p["hsn_code"] and p["price_sale"] > p["price_purchase"] > 0 for p in products)
    assert {p["gst_rate"] for p in products} >= {Decimal(0), Decimal(5)}
    assert len(customers) == 10
    assert len({c["phone_no"] for c in customers}) == 10
    assert all(re.fullmatch(r"\+91[6-9]\d{9}", c["phone_no"]) for c in customers)
    assert [v["vendor_name"] for v in vendors if v["vendor_name"].startswith("Agarwal")] == [
        "Agarwal Traders"
    ]
    assert len(vendors) == 8
    last = dt.date.fromisoformat(today)
    days = {dt.date.fromisoformat(s["transaction_date"]) for s in sales}
    assert min(days) == last - dt.timedelta(days=13) and max(days) == last
    assert len(sales) >= 14 * 5  # about six bills a day, more at weekends
    assert [s["status"] for s in sales].count("void") == 1
    per_day: dict[dt.date, int] = {}
    for s in sales:
        day = dt.date.fromisoformat(s["transaction_date"])
        per_day[day] = per_day.get(day, 0) + 1
    sundays = [n for day, n in per_day.items() if day.weekday() == 6]
    weekdays = [n for day, n in per_day.items() if day.weekday() < 5]
    assert sum(sundays) / len(sundays) > sum(weekdays) / len(weekdays)  # busier at weekends
    assert any(s["amount_paid"] < s["total_amount"] for s in sales)  # udhaar
    assert all(s["document_type"] == "tax_invoice" for s in sales)
    assert purchases and any(p["amount_paid"] < p["total_amount"] for p in purchases)
    assert {e["category"] for e in spent} >= {"tea and snacks"}


def test_stock_and_bills_add_up_and_udhaar_is_owed_and_overdue(built: Built) -> None:
    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        me = (await _get(http, headers, "/api/auth/me")).json()
        shop_id = me["shop"]["shop_id"]
        summary = exact(await _get(http, headers, "/api/udhaar/summary"))
        customers = exact(await _get(http, headers, "/api/customers/?limit=1000"))
        vendors = exact(await _get(http, headers, "/api/vendors/?limit=1000"))
        entries = exact(await _get(http, headers, "/api/udhaar/sales/?status=all&limit=1000"))
        ledger = await ledger_mismatches(app, shop_id)
        totals = await bill_total_mismatches(app, shop_id)
        return summary, customers, vendors, entries, ledger, totals

    summary, customers, vendors, entries, ledger, totals = _read(built, check)
    assert ledger == []  # every product's stock is the sum of its movements
    assert totals == []  # every bill's total is the sum of its lines
    assert summary["total_receivable"] == sum(c["balance"] for c in customers) > 0
    assert summary["total_payable"] == sum(v["balance"] for v in vendors)
    assert summary["overdue_receivable"] > 0  # the regulars who stopped paying
    assert any(e["status"] == "settled" for e in entries)  # and the ones who paid


def test_the_demo_texts_nobody_and_leaves_no_session_of_its_own(built: Built) -> None:
    """Its customers' numbers are made up: no bill, receipt or reminder is queued for them,
    and the login session the run acted through is ended."""

    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        outbox = await _get(http, headers, "/api/notifications/outbox")
        shop = (await _get(http, headers, "/api/auth/me")).json()["shop"]
        live = await scalar(
            app,
            "SELECT count(*) FROM auth_sessions WHERE device = 'dukaan demo' "
            "AND revoked_at IS NULL",
        )
        return outbox.json(), shop, live

    outbox, shop, live = _read(built, check)
    assert outbox == []
    assert shop["send_bill_messages"] is False and shop["reminders_enabled"] is False
    assert live == 0


def test_the_history_is_analyzed_before_the_shop_opens(built: Built) -> None:
    """Months of bills written into a new database: the demo refreshes the planner's
    statistics itself (a manual ANALYZE, not autovacuum's), so the first sales and reports
    are planned for the tables as they are."""

    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        return await scalar(
            app,
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN "
            "('sales', 'sale_lines', 'stock_movements', 'customers', 'products') "
            "AND last_analyze IS NOT NULL",
        )

    assert _read(built, check) == 5


def test_reports_answer_for_the_whole_history(built: Built) -> None:
    async def check(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        profit = exact(await _get(http, headers, "/api/reports/profit-loss?group=month"))
        today = (await _get(http, headers, "/api/udhaar/summary")).json()["as_of"]
        first = dt.date.fromisoformat(today) - dt.timedelta(days=13)
        modes = exact(
            await _get(http, headers, f"/api/reports/sales?from={first}&to={today}&by=payment_mode")
        )
        return profit, modes

    profit, modes = _read(built, check)
    assert profit["totals"]["bills"] > 0
    assert profit["totals"]["profit"] > 0 and profit["totals"]["expenses"] > 0
    assert {row["key"] for row in modes["rows"]} >= {"cash", "upi", "credit"}
    assert modes["totals"]["bills"] == profit["totals"]["bills"]


def test_a_second_run_finds_the_shop_and_writes_nothing(built: Built) -> None:
    async def count_sales(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
        response = await _get(http, headers, "/api/sales/?limit=1")
        return int(response.headers["X-Total-Count"])

    before = _read(built, count_sales)
    again = _invoke(built.url, built.folder, "demo", *SMALL)
    assert again.exit_code == 0, again.output
    assert "A shop already logs in with +919000012345" in again.output
    assert "Nothing was written" in again.output
    assert _read(built, count_sales) == before


def test_the_same_seed_builds_the_same_shop(
    built: Built, server_url: str, template_db: str, tmp_path: Path
) -> None:
    name = _fresh_database(server_url, template_db)
    try:
        url = _with_database(server_url, name)
        result = _invoke(url, tmp_path, "demo", *SMALL)
        assert result.exit_code == 0, result.output
        twin = Built(url, tmp_path, result.output, built.phone, built.password)

        async def bills(http: httpx.AsyncClient, headers: dict[str, str], app: Any) -> Any:
            sales = exact(await _get(http, headers, "/api/sales/?limit=1000"))
            return [(s["bill_no"], s["transaction_date"], s["total_amount"]) for s in sales]

        assert _read(twin, bills) == _read(built, bills)
    finally:
        _drop(server_url, name)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--phone", "12345"), "12345"),
        (("--products", "500"), "--products 500 is more than the catalogue's 222"),
    ],
)
def test_bad_options_build_nothing_and_say_why(
    built: Built, options: tuple[str, ...], named: str
) -> None:
    result = _invoke(built.url, built.folder, "demo", *SMALL, *options)
    assert result.exit_code == 2, result.output
    assert "Cannot build the demo" in result.output
    assert named in result.output.replace("\n", " ")
