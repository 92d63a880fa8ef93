"""Fault: the API process is killed (SIGKILL) in the middle of a stream of sales.

Whatever was in flight is rolled back by PostgreSQL with the dead connection: every bill in
the database is whole (lines, stock movements, udhaar, bill number), bill numbers have no
gap, every 201 a client received is in the books, and a restarted process carries on.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time

import asyncpg
import httpx

from tests.conftest import TEST_SECRET, unique_phone
from tests.db.test_processes import ROOT, free_port, register


def _start(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items()} | {
        "DATABASE_URL": database_url,
        "DUKAAN_SECRET_KEY": TEST_SECRET,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DISPATCHER": "off",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start")


async def _sell(base: str, headers: dict[str, str], product_id: int, accepted: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as http:
        while True:
            try:
                response = await http.post(
                    "/api/sales/",
                    json={
                        "phone_no": unique_phone(),
                        "bill_paid": False,
                        "amount_paid": "1.00",
                        "products": [{"product_id": product_id, "quantity": 1}],
                    },
                )
            except httpx.TransportError:
                return  # the server died
            if response.status_code == 201:
                accepted.append(response.json()["sale_id"])


async def _wait_for_dead_backends(connection: asyncpg.Connection) -> None:
    """Wait until the killed process's server backends have ended.

    A backend running a sale's one statement when its client dies still commits it (it only
    learns of the closed socket when it writes the reply), so reading the books before it
    ends can count the sale in one table and not yet in the next.
    """
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        others = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()"
        )
        if others == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the killed process's backends did not end")


async def test_a_killed_api_process_leaves_only_whole_bills(database_url):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(database_url, port)
    try:
        _, headers = register(base)
        product = httpx.post(  # noqa: ASYNC210 - setup, before any concurrency
            f"{base}/api/products/",
            json={"product_name": "Kill", "price_purchase": 5, "price_sale": 9, "quantity": 10**6},
            headers=headers,
        ).json()
        accepted: list[int] = []
        sellers = [
            asyncio.create_task(_sell(base, headers, product["product_id"], accepted))
            for _ in range(8)
        ]
        await asyncio.sleep(2.0)
        assert accepted, "no sale went through before the kill"
        process.send_signal(signal.SIGKILL)
        await asyncio.gather(*sellers)
    finally:
        process.kill()
        process.wait()

    connection = await asyncpg.connect(database_url)
    try:
        await _wait_for_dead_backends(connection)
        # One snapshot for every count below, in case a backend is still finishing.
        snapshot = connection.transaction(isolation="repeatable_read", readonly=True)
        await snapshot.start()
        sales = await connection.fetch("SELECT id, bill_no, total_amount FROM sales")
        ids = {row["id"] for row in sales}
        assert set(accepted) <= ids
        whole = await connection.fetchval(
            "SELECT count(*) FROM sales s WHERE EXISTS (SELECT 1 FROM sale_lines l"
            " WHERE l.shop_id = s.shop_id AND l.sale_id = s.id)"
            " AND EXISTS (SELECT 1 FROM stock_movements m WHERE m.shop_id = s.shop_id"
            " AND m.sale_id = s.id) AND EXISTS (SELECT 1 FROM udhaar_entries u"
            " WHERE u.shop_id = s.shop_id AND u.sale_id = s.id) AND s.bill_no IS NOT NULL"
        )
        assert whole == len(sales)
        numbers = sorted(int(row["bill_no"].rsplit("/", 1)[1]) for row in sales)
        assert numbers == list(range(1, len(sales) + 1)), "a bill number was lost or doubled"
        stock = await connection.fetchval(
            "SELECT quantity FROM products WHERE id = $1", product["product_id"]
        )
        assert stock == 10**6 - len(sales)
        await snapshot.rollback()
    finally:
        await connection.close()

    process = _start(database_url, port)
    try:
        after = httpx.post(  # noqa: ASYNC210 - after the run
            f"{base}/api/sales/",
            json={"products": [{"product_id": product["product_id"], "quantity": 1}]},
            headers=headers,
        )
        assert after.status_code == 201, after.text
        assert int(after.json()["bill_no"].rsplit("/", 1)[1]) == len(sales) + 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
