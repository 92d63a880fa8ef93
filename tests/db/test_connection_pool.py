"""The connection pool when more requests come at once than it holds.

They wait for a pooled connection instead of opening extra ones that are closed as soon as
they are given back: under steady load past the pool that meant a new server connection for
a share of all requests (the bench opened 8-12 a second at 32 clients), each a new backend
process with cold plan caches for the sale's functions, and the slowest requests of the run.
A request that waits longer than `DB_CONNECT_TIMEOUT_S` gets a 503 with `Retry-After`.
"""

import asyncio
import contextlib

import asyncpg

from tests.bills import sale
from tests.conftest import create_product, make_settings, register_shop, served

_APP_BACKENDS = (
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND application_name = 'dukaan'"
)


async def test_requests_beyond_the_pool_wait_for_its_connections(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    settings.db.pool_size = 2
    observer = await asyncpg.connect(database_url)
    seen: set[int] = set()
    watching = True

    async def watch() -> None:
        while watching:
            seen.update(row["pid"] for row in await observer.fetch(_APP_BACKENDS))
            await asyncio.sleep(0.005)

    try:
        async with served(settings) as (_, client):
            shop = await register_shop(client)
            product = await create_product(client, shop, quantity=10_000)

            async def sell() -> None:
                line = {"product_id": product["product_id"], "quantity": 1}
                response = await sale(client, shop, [line], bill_paid=False, amount_paid="1.00")
                assert response.status_code == 201, response.text

            await asyncio.gather(*(sell() for _ in range(8)))
            pooled = {row["pid"] for row in await observer.fetch(_APP_BACKENDS)}
            watcher = asyncio.create_task(watch())
            for _ in range(5):
                await asyncio.gather(*(sell() for _ in range(8)))
            watching = False
            await watcher
            after = {row["pid"] for row in await observer.fetch(_APP_BACKENDS)}
    finally:
        await observer.close()

    assert len(pooled) <= 2
    assert seen <= pooled, f"{len(seen - pooled)} server connections opened past the pool"
    assert after == pooled


async def test_a_request_that_waits_too_long_for_a_connection_is_a_503(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    settings.db.pool_size = 1
    settings.db.connect_timeout_s = 0.5
    async with served(settings) as (app, client):
        shop = await register_shop(client)
        held = await app.state.engine.raw_connection()  # the pool's only connection, taken
        try:
            for method, path, body in (
                ("GET", "/api/products/", None),
                ("POST", "/api/sales/", {"products": [{"product_name": "Tea", "quantity": 1}]}),
            ):
                response = await client.request(method, path, json=body, headers=shop.headers)
                assert response.status_code == 503, (path, response.text)
                assert response.json()["code"] == "database_unavailable"
                assert "connection" in response.json()["detail"]
                assert response.headers["Retry-After"]
        finally:
            with contextlib.suppress(Exception):
                held.close()
        after = await client.get("/api/products/", headers=shop.headers)
        assert after.status_code == 200, after.text
