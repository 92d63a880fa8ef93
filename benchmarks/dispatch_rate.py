"""How fast ONE dispatcher drains the outbox: `python -m benchmarks.dispatch_rate`.

Queues BENCH_MESSAGES (default 2,000) messages for one shop, starts one `dukaan worker`
process (the production dispatcher: real SDK, real PostgreSQL) against the loopback fake
Twilio in this process, and times from the rows' commit until the last one is recorded
`sent`. Prints messages/s; asserts nothing.

- Database: a fresh embedded PostgreSQL in a temporary folder, or a fresh database on
  BENCH_DATABASE_URL (a superuser URL; dropped afterwards).
- BENCH_TWILIO_LATENCY_MS (default 0) makes the fake answer that much later; real Twilio
  takes ~100-300 ms, where throughput is about DISPATCH_CONCURRENCY / latency.
- DISPATCH_BATCH, DISPATCH_CONCURRENCY, ... from the environment reach the worker as usual.
"""

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from app.db import migrate
from app.db.embedded import ensure_database, start_server
from tests.fakes.twilio import FakeTwilio

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "2000"))
LATENCY_S = float(os.environ.get("BENCH_TWILIO_LATENCY_MS", "0")) / 1000


@contextlib.contextmanager
def database(folder: Path) -> Iterator[str]:
    """A migrated, empty database: embedded, or created on BENCH_DATABASE_URL."""
    configured = os.environ.get("BENCH_DATABASE_URL")
    if not configured:
        server = start_server(folder, delete_on_exit=True)
        url = ensure_database(server, "dispatch_bench")
        migrate.upgrade(url)
        yield url
        return
    admin = make_url(configured).set(database="postgres")
    name = f"dk_dispatch_bench_{uuid.uuid4().hex[:8]}"
    admin_url = admin.render_as_string(hide_password=False)
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def worker(url: str, fake: FakeTwilio, data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL"))}
    env |= {
        "DATABASE_URL": url,
        "DUKAAN_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_BASE_URL": fake.url,
        "PUBLIC_BASE_URL": "",
        "DISPATCH_POLL_SECONDS": env.get("DISPATCH_POLL_SECONDS", "0.05"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors: list[str] = []
    threading.Thread(target=lambda: errors.extend(process.stderr or []), daemon=True).start()
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        if errors:
            print("".join(errors[-20:]), file=sys.stderr)


async def run(url: str, fake: FakeTwilio, data_dir: Path) -> dict[str, float | int]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        shop_id = await connection.fetchval(
            "INSERT INTO shops (name, region, timezone, daily_message_cap) "
            "VALUES ('Bench Kirana', 'IN', 'Asia/Kolkata', $1) RETURNING id",
            MESSAGES * 10,
        )
        with worker(url, fake, data_dir) as process:
            await asyncio.sleep(1)
            # Wait until the worker is polling (an empty outbox answers its first claims).
            while not await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dukaan' "
                "AND datname = current_database()"
            ):
                if process.poll() is not None:
                    raise SystemExit("the worker exited")
                await asyncio.sleep(0.1)
            started = time.perf_counter()
            await connection.execute(
                'INSERT INTO notifications (shop_id, channel, "to", template, language, body) '
                "SELECT $1, 'sms', '+9198' || lpad(g::text, 8, '0'), 'sale_bill', 'en', "
                "'Sharma Kirana: bill 2026-27/' || g || ' Atta 5kg x1=250.00. Total Rs 250.00, "
                "paid Rs 250.00. Thank you!' FROM generate_series(1, $2) g",
                shop_id,
                MESSAGES,
            )
            unsent = "SELECT count(*) FROM notifications WHERE status <> 'sent'"
            while True:
                if not await connection.fetchval(unsent):
                    break
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - started
    finally:
        await connection.close()
    return {
        "messages": MESSAGES,
        "seconds": round(elapsed, 3),
        "messages_per_second": round(MESSAGES / elapsed, 1),
        "provider_calls": len(fake.requests),
        "twilio_latency_ms": LATENCY_S * 1000,
        "batch": int(os.environ.get("DISPATCH_BATCH", "50")),
        "concurrency": int(os.environ.get("DISPATCH_CONCURRENCY", "10")),
    }


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="dukaan-dispatch-bench-") as folder,
        database(Path(folder)) as url,
        FakeTwilio(latency_s=LATENCY_S) as fake,
    ):
        result = asyncio.run(run(url, fake, Path(folder)))
    print(
        f"one dispatcher: {result['messages']} messages in {result['seconds']} s = "
        f"{result['messages_per_second']} messages/s "
        f"(batch {result['batch']}, concurrency {result['concurrency']}, "
        f"fake Twilio latency {result['twilio_latency_ms']:g} ms)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
