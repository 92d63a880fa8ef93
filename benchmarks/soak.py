"""`make soak`: sales at half the benchmark's rate for 10 minutes, watching for drift.

Starts PostgreSQL and the API exactly as `make bench` does (fresh database, WORKERS=2),
seeds 20 shops with 1,000 stocked products, then sends 3-line sales at a fixed rate (an
open loop: a slow server does not slow the arrivals down) and prints, minute by minute, the
requests, errors and p99, and each API worker's RSS at the start and at the end.

The rate is half the multi-shop sales/s in benchmarks/results/latest.json (the last
`make bench`), or SOAK_RATE; the length is SOAK_SECONDS (default 600). Not part of CI.
"""

import asyncio
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from benchmarks import database, seed
from benchmarks.run import RESULTS, api_server, say

SHOPS, PRODUCTS, PHONES, STOCK = 20, 1000, 500, 1_000_000
DEFAULT_RATE = 50.0
MAX_IN_FLIGHT = 64


def target_rate() -> float:
    if "SOAK_RATE" in os.environ:
        return float(os.environ["SOAK_RATE"])
    latest = RESULTS / "latest.json"
    if latest.exists():
        measured = json.loads(latest.read_text()).get("sales_multi_shop", {}).get("rps")
        if measured:
            return max(1.0, float(measured) / 2)
    return DEFAULT_RATE


def rss_mb(processes: list[psutil.Process]) -> list[float]:
    return [round(process.memory_info().rss / 2**20, 1) for process in processes]


def p99(values: list[float]) -> float:
    ordered = sorted(values) or [0.0]
    return round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1)


async def soak(base: str, shops: list[seed.Shop], rate: float, seconds: float) -> dict[str, Any]:
    rng = random.Random(7)
    minutes: dict[int, dict[str, Any]] = {}
    in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
    tasks: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:

        async def one_sale(minute: int) -> None:
            shop = shops[rng.randrange(len(shops))]
            body = {
                "customer_name": "Soak",
                "phone_no": shop.phones[rng.randrange(len(shop.phones))],
                "bill_paid": rng.random() >= 0.25,
                "products": [
                    {"product_id": pid, "quantity": rng.randint(1, 3)}
                    for pid in rng.sample(shop.products, 3)
                ],
            }
            bucket = minutes.setdefault(minute, {"requests": 0, "errors": 0, "latencies": []})
            started = time.perf_counter()
            try:
                response = await http.post(
                    "/api/sales/", json=body, headers={"Authorization": f"Bearer {shop.token}"}
                )
                ok = response.status_code == 201
            except httpx.HTTPError:
                ok = False
            finally:
                in_flight.release()
            bucket["requests"] += 1
            bucket["errors"] += 0 if ok else 1
            bucket["latencies"].append((time.perf_counter() - started) * 1000)

        start = time.perf_counter()
        sent = 0
        while (elapsed := time.perf_counter() - start) < seconds:
            due = int(elapsed * rate) + 1
            while sent < due:
                await in_flight.acquire()
                task = asyncio.create_task(one_sale(int(elapsed // 60)))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                sent += 1
            await asyncio.sleep(max(0.0, sent / rate - (time.perf_counter() - start)))
        await asyncio.gather(*tasks)

    return {
        str(minute + 1): {
            "requests": bucket["requests"],
            "errors": bucket["errors"],
            "p99_ms": p99(bucket["latencies"]),
        }
        for minute, bucket in sorted(minutes.items())
    }


async def seed_shops(base: str, url: str) -> list[seed.Shop]:
    rng = random.Random(2026)
    shops = await seed.register_shops(base, [f"Soak Kirana {i + 1}" for i in range(SHOPS)], rng)
    connection = await asyncpg.connect(url)
    try:
        for shop in shops:
            shop.products = await seed.add_products(connection, shop.shop_id, PRODUCTS, STOCK, rng)
            shop.phones = seed.indian_mobiles(PHONES, rng)
    finally:
        await connection.close()
    return shops


def main() -> None:
    rate, seconds = target_rate(), float(os.environ.get("SOAK_SECONDS", "600"))
    with tempfile.TemporaryDirectory(prefix="dukaan-soak-") as folder:
        data_dir = Path(folder)
        with database.provision(data_dir) as db, api_server(data_dir, db) as api:
            shops = asyncio.run(seed_shops(api.base, db.app_url))
            workers = api.workers()
            rss_start = rss_mb(workers)
            say(f"soak: {rate:.1f} sales/s for {seconds:.0f} s; worker RSS {rss_start} MB")
            per_minute = asyncio.run(soak(api.base, shops, rate, seconds))
            rss_end = rss_mb(workers)
    figures = {
        "rate_per_s": rate,
        "seconds": seconds,
        "errors": sum(m["errors"] for m in per_minute.values()),
        "requests": sum(m["requests"] for m in per_minute.values()),
        "per_minute": per_minute,
        "worker_rss_mb": {"start": rss_start, "end": rss_end},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(figures, indent=2))
    print("minute  requests  errors  p99 ms")
    for minute, row in per_minute.items():
        print(f"{minute:>6}  {row['requests']:>8}  {row['errors']:>6}  {row['p99_ms']:>6}")
    print(f"errors: {figures['errors']} of {figures['requests']}")
    print(f"worker RSS MB: start {rss_start}, end {rss_end}")


if __name__ == "__main__":
    main()
