"""Write everything a shop owns into one zip: a CSV per table (`tables.EXPORTED`) and
`manifest.json`, read in one REPEATABLE READ, READ ONLY transaction so every file and the
manifest describe the same moment.

The CSVs are PostgreSQL's own text of each value (`COPY ... TO STDOUT` in CSV format with a
header), streamed from the server into the zip entry, so memory stays flat however large the
shop: exact NUMERIC text (`-12.50`, `0.125`), dates `YYYY-MM-DD`, timestamps ISO in UTC with
their offset (`2026-12-04 10:15:00.123456+00`), booleans `t`/`f`, bytea as hex (`\\x...`),
JSON as its text. NULL is an unquoted empty field; an empty string is `""`. Rows are in
primary-key order, columns in the table's order; the header names them.

The transaction acts as the shop (the app role and `app.shop_id`, rule 3), and every query
also filters the shop explicitly (`users` has no row security). The migration revision is read
before the switch: `alembic_version` is not granted to the app role.

Text is guarded against spreadsheet formulas in SQL (`guarded`), described in the manifest
(`tables.FORMULA_GUARD`) so a restore can undo it exactly.

The zip is written as `OUT.partial` and renamed into place only when complete, so a failed
export leaves no half-written archive under the name asked for.
"""

import datetime as dt
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from app.archive.tables import EXPORTED, FORMULA_GUARD, FORMULA_STARTS, LEFT_OUT, ExportedTable
from app.db.session import SHOP_SWITCH
from app.db.sql import Sql

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
COPY_TIMEOUT_S = 3600.0
"""A large shop's biggest table may take a while; the engine's per-statement limit is for
requests, so the export's transaction lifts it (`_SETTINGS`) and gives COPY this long."""

_SCHEMA_VERSION = "SELECT version_num FROM alembic_version"
_SETTINGS = Sql(
    f"SELECT {SHOP_SWITCH}, "
    "set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), "
    "set_config('bytea_output', 'hex', true), set_config('statement_timeout', '0', true), "
    "now() AS exported_at"
)
_SHOP = (
    "SELECT s.id, s.name, s.gstin, (SELECT u.phone FROM users u WHERE u.shop_id = s.id "
    "AND u.role = 'owner' ORDER BY u.id LIMIT 1) AS phone FROM shops s WHERE s.id = $1"
)
_COLUMNS = (
    "SELECT a.attname AS name, t.typcategory = 'S' AS is_text FROM pg_attribute a "
    "JOIN pg_type t ON t.oid = a.atttypid "
    "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
)

CSV_FORMAT = {
    "encoding": "utf-8",
    "dialect": "PostgreSQL COPY CSV: comma-separated, double-quoted when needed, header row",
    "null": 'an unquoted empty field; an empty string is written ""',
    "booleans": "t / f",
    "numbers": "exact decimal text as stored (NUMERIC keeps its scale)",
    "dates": "YYYY-MM-DD",
    "timestamps": "ISO 8601 in UTC with offset, e.g. 2026-12-04 10:15:00.123456+00",
    "bytea": "hex, \\x...",
    "json": "JSON text",
    "order": "rows in primary-key order",
}


class ExportProblem(Exception):
    """The export cannot be made (no such shop); the message says why."""


@dataclass(frozen=True)
class TableExport:
    """What one CSV of the export holds."""

    table: str
    file: str
    columns: list[str]
    text_columns: list[str]
    omitted_columns: list[str]
    rows: int
    sums: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    shop_id: int
    schema_version: str
    exported_at: str
    tables: list[TableExport]


def quoted(name: str) -> str:
    """An SQL identifier, quoted (columns are named `to`, `key`...)."""
    return '"' + name.replace('"', '""') + '"'


def guarded(column: str) -> str:
    """A text column's select expression with the formula guard (`tables.FORMULA_GUARD`):
    one apostrophe more in front of a value that, past its leading apostrophes, starts with a
    formula character; NULL stays NULL."""
    name = quoted(column)
    starts = ", ".join(f"chr({ord(char)})" for char in FORMULA_STARTS)
    return (
        f"CASE WHEN left(ltrim({name}, ''''), 1) IN ({starts}) "
        f"THEN '''' || {name} ELSE {name} END AS {name}"
    )


async def export_shop(
    engine: AsyncEngine,
    shop_id: int,
    path: Path,
    *,
    on_table: Callable[[ExportedTable], None] | None = None,
) -> ExportSummary:
    """Write shop `shop_id`'s export to `path` (replaced if there); returns what it holds.

    Raises `ExportProblem` for an unknown shop, `OSError` for a path that cannot be written.
    `on_table` is told of each table before it is read (for progress).
    """
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            summary = await _write(engine, shop_id, path, archive, on_table)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return summary


async def _write(
    engine: AsyncEngine,
    shop_id: int,
    path: Path,
    archive: zipfile.ZipFile,
    on_table: Callable[[ExportedTable], None] | None,
) -> ExportSummary:
    async with engine.connect() as pooled:
        connection = await pooled.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        async with connection.begin():
            driver: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
            schema_version = str(await driver.fetchval(_SCHEMA_VERSION))
            settings = await driver.fetchrow(
                _SETTINGS.text, *_SETTINGS.args(shop_key=str(int(shop_id)))
            )
            exported_at: dt.datetime = settings["exported_at"]
            shop = await driver.fetchrow(_SHOP, shop_id)
            if shop is None:
                raise ExportProblem(f"No shop with id {shop_id}")
            tables = []
            for spec in EXPORTED:
                if on_table is not None:
                    on_table(spec)
                tables.append(await _write_table(driver, archive, spec, shop_id))
    summary = ExportSummary(
        path=path,
        shop_id=shop_id,
        schema_version=schema_version,
        exported_at=exported_at.astimezone(dt.UTC).isoformat(),
        tables=tables,
    )
    archive.writestr(MANIFEST, json.dumps(_manifest(summary, dict(shop)), indent=2) + "\n")
    return summary


async def _write_table(
    driver: asyncpg.Connection, archive: zipfile.ZipFile, spec: ExportedTable, shop_id: int
) -> TableExport:
    """Stream one table's rows of the shop into its CSV entry; sum its `sums` columns."""
    found = await driver.fetch(_COLUMNS, spec.table)
    columns = [row["name"] for row in found if row["name"] not in spec.omit]
    text_columns = [row["name"] for row in found if row["is_text"] and row["name"] in columns]
    selected = ", ".join(
        guarded(name) if name in text_columns else quoted(name) for name in columns
    )
    where = f"{quoted(spec.shop_column)} = $1"
    order = ", ".join(quoted(name) for name in spec.order_by)
    # Names from `tables.EXPORTED` and the catalogue, quoted; the shop is a bound parameter.
    query = f"SELECT {selected} FROM {quoted(spec.table)} WHERE {where} ORDER BY {order}"  # noqa: S608
    with archive.open(spec.file, "w", force_zip64=True) as entry:
        status = await driver.copy_from_query(
            query,
            shop_id,
            output=_writer(entry),
            format="csv",
            header=True,
            timeout=COPY_TIMEOUT_S,
        )
    sums: dict[str, str] = {}
    if spec.sums:
        figures = ", ".join(f"COALESCE(sum({quoted(name)}), 0)::text" for name in spec.sums)
        row = await driver.fetchrow(
            f"SELECT {figures} FROM {quoted(spec.table)} WHERE {where}",  # noqa: S608 - names only
            shop_id,
        )
        sums = {name: str(row[index]) for index, name in enumerate(spec.sums)} if row else {}
    return TableExport(
        table=spec.table,
        file=spec.file,
        columns=columns,
        text_columns=text_columns,
        omitted_columns=list(spec.omit),
        rows=int(status.split()[-1]),
        sums=sums,
    )


def _writer(entry: IO[bytes]) -> Callable[[bytes], Any]:
    """COPY's output callback: each chunk the server sends goes straight into the zip entry."""

    async def write(chunk: bytes) -> None:
        entry.write(chunk)

    return write


def _manifest(summary: ExportSummary, shop: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "dukaan-shop-export",
        "format_version": FORMAT_VERSION,
        "schema_version": summary.schema_version,
        "exported_at": summary.exported_at,
        "shop": {
            "id": shop["id"],
            "name": shop["name"],
            "phone": shop["phone"],
            "gstin": shop["gstin"],
        },
        "csv": CSV_FORMAT,
        "formula_guard": FORMULA_GUARD,
        "tables": [
            {
                "table": table.table,
                "file": table.file,
                "columns": table.columns,
                "text_columns": table.text_columns,
                "omitted_columns": table.omitted_columns,
                "rows": table.rows,
                "sums": table.sums,
            }
            for table in summary.tables
        ],
        "left_out": LEFT_OUT,
    }
