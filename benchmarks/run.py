"""`make bench`: start the API as `make run` would and measure it. Prints figures, asserts nothing.

Figures (also written to benchmarks/results/latest.json):
- GET /api/products/ (first page of 100) for a shop with 1,000 products, 32 connections.
- GET /api/products/?q=... fuzzy search over the same catalogue.
- POST /api/sales/ with 3-line bills (random products, 1 in 4 on credit, a customer from a
  pool of 500 phones), 32 connections.
"""

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from benchmarks.loadgen import build_request, run_load

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HOST = "127.0.0.1"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server(data_dir: Path, port: int) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    env |= {
        "DUKAAN_DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": HOST,
        "WORKERS": WORKERS,
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


async def seed_catalogue(base: str, products: int) -> tuple[str, list[int]]:
    phone = f"9{random.randrange(10**8, 10**9)}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        registered = await http.post(
            "/api/auth/register",
            json={
                "shop_name": "Bench",
                "owner_name": "B",
                "phone_no": phone,
                "password": "bench-pass",
            },
        )
        registered.raise_for_status()
        token = registered.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        words = [
            "Tata",
            "Amul",
            "Parle",
            "Haldiram",
            "Britannia",
            "Dabur",
            "Patanjali",
            "Aashirvaad",
        ]
        kinds = ["Salt", "Butter", "Biscuit", "Namkeen", "Atta", "Tea", "Honey", "Ghee", "Rice"]
        names = [f"{random.choice(words)} {random.choice(kinds)} {i}" for i in range(products)]
        semaphore = asyncio.Semaphore(16)

        async def create(name: str) -> None:
            async with semaphore:
                response = await http.post(
                    "/api/products/",
                    json={
                        "product_name": name,
                        "price_purchase": "10.50",
                        "price_sale": "12.00",
                        "quantity": 1_000_000,
                    },
                    headers=headers,
                )
                response.raise_for_status()

        await asyncio.gather(*(create(name) for name in names))
        listed = await http.get("/api/products/?limit=1000", headers=headers)
        ids = [p["product_id"] for p in listed.json()]
    return token, ids


async def measure(base: str) -> dict[str, Any]:
    port = int(base.rsplit(":", 1)[1])
    started = time.perf_counter()
    token, product_ids = await seed_catalogue(base, 1000)
    seeded_s = time.perf_counter() - started
    auth = {"Authorization": f"Bearer {token}"}
    host = f"{HOST}:{port}"
    figures: dict[str, Any] = {"seed_1000_products_s": round(seeded_s, 2)}

    listing = build_request("GET", "/api/products/", host, auth)
    result = await run_load(
        HOST, port, lambda _: listing, connections=CONNECTIONS, seconds=SECONDS, warmup=2
    )
    figures["products_list"] = result.summary()

    queries = ["salt", "amul butter", "parle biscut", "tata", "haldiram namkeen 12"]
    searches = [
        build_request("GET", f"/api/products/?q={q.replace(' ', '+')}", host, auth) for q in queries
    ]
    result = await run_load(
        HOST,
        port,
        lambda i: searches[i % len(searches)],
        connections=CONNECTIONS,
        seconds=SECONDS,
        warmup=2,
    )
    figures["products_search"] = result.summary()

    phones = [f"98{random.randrange(10**7, 10**8)}" for _ in range(500)]
    rng = random.Random(7)

    def sale_request(index: int) -> bytes:
        lines = [
            {"product_id": pid, "quantity": rng.randint(1, 3)} for pid in rng.sample(product_ids, 3)
        ]
        credit = index % 4 == 0
        body = {
            "customer_name": "Bench",
            "phone_no": rng.choice(phones),
            "products": lines,
            "bill_paid": not credit,
        }
        payload = json.dumps(body).encode()
        return build_request(
            "POST", "/api/sales/", host, auth | {"Content-Type": "application/json"}, payload
        )

    result = await run_load(
        HOST, port, sale_request, connections=CONNECTIONS, seconds=SECONDS, warmup=3
    )
    figures["sales_3_lines"] = result.summary()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="dukaan-bench-") as tmp:
        port = free_port()
        with server(Path(tmp), port) as base:
            figures = {
                "load_generator": "asyncio (wrk not used yet)",
                "workers": int(WORKERS),
                "connections": CONNECTIONS,
                "seconds": SECONDS,
                **asyncio.run(measure(base)),
            }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
