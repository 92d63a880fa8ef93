"""Load a shop's export (`dukaan export`, `app.archive.export`) into a new, empty shop of this
database, in one transaction: all of it, or nothing.

What the restore does. The CSVs are read in `tables.EXPORTED` order; the rows go in with each
table after those its foreign keys point to (`_insert_order`, from the catalogue, so an
export written by an older order of `EXPORTED` still loads).

- The zip is checked before the database is touched: its declared unpacked size (a zip bomb
  is refused), the manifest (format, format version, tables in `EXPORTED` order with their
  files), and that the zip holds exactly the manifest and the files it lists. The manifest's
  schema version must be the database's migration revision, and each CSV's header the table's
  columns (less those the export omits): the CSVs are the tables' own text, so another schema
  cannot be read safely.
- Each CSV goes into a temporary table of text columns with COPY (PostgreSQL's own CSV
  reader keeps NULL, an unquoted empty field, apart from the empty string `""`), then into the
  real table by one `INSERT ... SELECT` that casts each column from its text, puts the target
  shop's id in the shop column, undoes the formula guard on text columns
  (`tables.FORMULA_GUARD`: one leading apostrophe off a value that is apostrophes followed by
  a formula character), and keeps every other id: keys are `(shop_id, id)`, so the same ids
  live in two shops of one database. COPY cannot write the real tables themselves: they have
  row-level security, which COPY FROM refuses.
- The transaction acts as the target shop (the app role and `app.shop_id`, rule 3), so row
  security refuses any row that would land in another shop.
- `shops`: the exported shop's settings (name, tax profile, address, messaging...) are put
  on the target shop's row by `app.auth`; its id, created_at, owner and phone stay.
- `users` (no row security; ids and phones unique across the deployment): no rows are
  inserted. The export's owners map onto the target shop's owner (the one whose phone was
  given); staff are left out (their phones may log in elsewhere in this database, and their
  passwords were never exported) and listed in the summary so the owner can add them again.
  References to users (`USER_REFERENCES`: created_by, audit user_id) follow that map; a
  reference to a left-out staff member becomes NULL ("someone of the shop").
- Derived data: `daily_sales` is kept by the triggers on `sales` and `sale_returns`, which fire
  on these inserts just as on the shop's own bills (bills go in with their final status, then
  returns), so it ends as a rebuild would; the sales analysis' rollups are rebuilt on demand.
- Identity sequences are moved past the restored ids (never back), so the shop's next bill,
  product or payment gets a fresh id; `bill_counters` come back as they were, so the next bill
  number continues the old series.
- Last, the rows and exact sums of every table are compared with the manifest and each
  product's quantity with the sum of its stock movements; any difference rolls everything
  back, with the table named.

This module writes the tables of many domains, as `pg_restore` would: a restore is a bulk load
of rows every owner has already checked once, not a new business event. The shop row alone
is written by its owner's repository.
"""

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from app.archive.export import FORMAT_VERSION, MANIFEST, quoted
from app.archive.tables import EXPORTED, FORMULA_STARTS, ExportedTable
from app.auth import repository as auth_repository
from app.db.session import SHOP_SWITCH, create_sessionmaker, driver_connection
from app.db.sql import Sql
from app.db.statistics import refresh_statistics

FORMAT = "dukaan-shop-export"
MAX_UNCOMPRESSED = 8 * 1024**3
"""The most an export may unpack to (the sizes its zip directory declares, which `zipfile`
never reads past); a larger one is refused as a possible zip bomb."""
MAX_RATIO = 1000
"""CSV compresses well, but not a thousandfold: a bigger entry packed tighter is refused."""
COPY_TIMEOUT_S = 3600.0

USER_REFERENCES = ("created_by", "user_id")
"""Columns of exported tables that name a user (`users.id`, which is not per shop)."""

SHOP_TABLE = "shops"
USERS_TABLE = "users"
_KEPT_BY_TARGET = ("id", "created_at")
"""Columns of the target's shop row the restore leaves as they are."""

_SCHEMA_VERSION = "SELECT version_num FROM alembic_version"
_SETTINGS = Sql(
    f"SELECT {SHOP_SWITCH}, "
    "set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), "
    "set_config('statement_timeout', '0', true)"
)
_LOCK_SHOP = "SELECT id FROM shops WHERE id = $1 FOR UPDATE"
_COLUMNS = (
    "SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type, "
    "t.typcategory = 'S' AS is_text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
    "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
)
_UNGUARD = (
    "CASE WHEN left({column}, 1) = '''' AND left(ltrim({column}, ''''), 1) IN ({starts}) "
    "THEN substr({column}, 2) ELSE {column} END"
)
"""`tables.FORMULA_GUARD` undone: one apostrophe off a text that is apostrophes followed by a
formula character (a template: `column` quoted, `starts` the characters as `chr(n)`)."""
_REFERENCES = (
    "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent "
    "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY($1::text[])"
)
_ADVANCE = (
    "SELECT setval(s::regclass, $2) FROM pg_get_serial_sequence($1, 'id') AS s "
    "WHERE s IS NOT NULL AND $2 > coalesce(pg_sequence_last_value(s::regclass), 0)"
)


class RestoreProblem(Exception):
    """The export cannot be restored; the message says why. Nothing was written."""


@dataclass(frozen=True)
class TableRestore:
    table: str
    rows: int


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    shop_id: int
    exported_shop_id: int
    schema_version: str
    exported_at: str
    tables: list[TableRestore]
    staff_left_out: list[str]
    """`name (phone)` of each staff member of the export not restored."""


@dataclass(frozen=True)
class _Column:
    name: str
    type: str
    is_text: bool


# ---- the zip and its manifest -------------------------------------------------------------


def read_manifest(path: Path, *, max_uncompressed: int = MAX_UNCOMPRESSED) -> dict[str, Any]:
    """The export's manifest, once the zip is known to be a whole export of this format.

    Raises `RestoreProblem` saying what is wrong: not a zip, too large unpacked, no or a
    foreign manifest, another format version, tables or files missing or unexpected.
    """
    if not path.is_file():
        raise RestoreProblem(f"{path} is not a file")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_sizes(path, members, max_uncompressed)
            names = [member.filename for member in members]
            if MANIFEST not in names:
                raise RestoreProblem(f"{path.name} has no {MANIFEST}: not a shop export")
            raw = archive.read(MANIFEST)
    except (zipfile.BadZipFile, OSError) as exc:
        raise RestoreProblem(f"{path.name} is not a readable zip ({exc})") from exc
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RestoreProblem(f"{MANIFEST} in {path.name} is not JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise RestoreProblem(f"{path.name} is not a shop export (format {found!r}, not {FORMAT!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise RestoreProblem(
            f"{path.name} is in export format version {manifest.get('format_version')!r}; "
            f"this version of dukaan reads version {FORMAT_VERSION}"
        )
    _check_tables(path, manifest)
    expected = {MANIFEST} | {spec.file for spec in EXPORTED}
    missing = sorted(expected - set(names))
    if missing:
        raise RestoreProblem(f"{path.name} lacks files its manifest lists: {', '.join(missing)}")
    unexpected = sorted(set(names) - expected)
    if unexpected or len(names) != len(set(names)):
        extra = ", ".join(unexpected) or "a file twice"
        raise RestoreProblem(f"{path.name} holds files no export writes: {extra}")
    return manifest


def _check_sizes(path: Path, members: list[zipfile.ZipInfo], limit: int) -> None:
    total = sum(member.file_size for member in members)
    if total > limit:
        raise RestoreProblem(
            f"{path.name} would unpack to {total:,} bytes (at most {limit:,}): refused"
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise RestoreProblem(
                f"{member.filename} in {path.name} unpacks {member.file_size:,} bytes from "
                f"{member.compress_size:,}: refused as a zip bomb"
            )


def _check_tables(path: Path, manifest: dict[str, Any]) -> None:
    """The manifest's tables are `EXPORTED`'s, in order, each well formed."""
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RestoreProblem(f"{MANIFEST} in {path.name} has no list of tables")
    listed = [entry.get("table") for entry in tables]
    wanted = [spec.table for spec in EXPORTED]
    if listed != wanted:
        missing = [name for name in wanted if name not in listed]
        extra = [str(name) for name in listed if name not in wanted]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(extra)}" if extra else "",
                "in another order" if not missing and not extra else "",
            )
            if part
        )
        raise RestoreProblem(f"The tables of {path.name} are not an export's: {detail}")
    for spec, entry in zip(EXPORTED, tables, strict=True):
        where = f"{MANIFEST} in {path.name}, table {spec.table}"
        if entry.get("file") != spec.file:
            raise RestoreProblem(f"{where}: file {entry.get('file')!r}, expected {spec.file!r}")
        columns = entry.get("columns")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise RestoreProblem(f"{where}: no list of columns")
        rows = entry.get("rows")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise RestoreProblem(f"{where}: rows {rows!r} is not a count")
        sums = entry.get("sums")
        if not isinstance(sums, dict) or set(sums) != set(spec.sums):
            raise RestoreProblem(f"{where}: sums of {sorted(spec.sums)} expected")
        for column, total in sums.items():
            try:
                Decimal(str(total))
            except InvalidOperation as exc:
                raise RestoreProblem(f"{where}: sum of {column} {total!r} is no number") from exc
    shop = manifest.get("shop")
    if not isinstance(shop, dict) or not isinstance(shop.get("id"), int):
        raise RestoreProblem(f"{MANIFEST} in {path.name} does not name the exported shop's id")


# ---- the load -------------------------------------------------------------------------------


async def restore_shop(
    engine: AsyncEngine,
    shop_id: int,
    owner_id: int,
    path: Path,
    *,
    on_table: Callable[[ExportedTable], None] | None = None,
    max_uncompressed: int = MAX_UNCOMPRESSED,
) -> RestoreSummary:
    """Load the export at `path` into shop `shop_id` (owned by user `owner_id`), which must have
    no books yet; returns what went in. Raises `RestoreProblem` (nothing written) when the
    export cannot be read, does not fit this database, the shop is not empty, or the loaded
    rows differ from the manifest. `on_table` is told of each table before it is loaded."""
    manifest = read_manifest(path, max_uncompressed=max_uncompressed)
    entries = {entry["table"]: entry for entry in manifest["tables"]}
    async with create_sessionmaker(engine)() as session, session.begin():
        connection = await session.connection()
        # The first statement goes through the session, which begins the transaction on it.
        schema_version = str((await connection.exec_driver_sql(_SCHEMA_VERSION)).scalar_one())
        driver = await driver_connection(session)
        if manifest.get("schema_version") != schema_version:
            raise RestoreProblem(
                f"{path.name} was exported at database migration "
                f"{manifest.get('schema_version')!r}; this database is at {schema_version!r}. "
                "Restore it with the dukaan version it was exported from."
            )
        # Locked before the switch (the app role does not update shops): no bill can start
        # in the shop while it is being filled.
        if await driver.fetchval(_LOCK_SHOP, shop_id) is None:
            raise RestoreProblem(f"No shop with id {shop_id}")
        await driver.fetchrow(_SETTINGS.text, *_SETTINGS.args(shop_key=str(int(shop_id))))
        columns = {
            spec.table: await _columns(driver, spec, entries[spec.table]) for spec in EXPORTED
        }
        await _check_empty(driver, shop_id)
        loader = _Loader(driver, path, manifest, shop_id, owner_id)
        with zipfile.ZipFile(path) as archive:
            for spec in EXPORTED:
                if on_table is not None:
                    on_table(spec)
                await loader.stage(archive, spec, columns[spec.table])
        settings = await loader.shop_settings(columns[SHOP_TABLE])
        await loader.map_users()
        for spec in await _insert_order(driver):
            await loader.insert(spec, columns[spec.table])
        await loader.verify()
        highest = await _highest_ids(driver, shop_id)
        # Back to the connecting role: it owns the sequences and writes the shop's row.
        await driver.execute("SET LOCAL ROLE NONE")
        await _advance_sequences(driver, highest)
        await auth_repository.update_shop(session, shop_id, settings)
    # a restore can add more rows than the whole database held
    await refresh_statistics(engine, [spec.table for spec in EXPORTED])
    return RestoreSummary(
        path=path,
        shop_id=shop_id,
        exported_shop_id=int(manifest["shop"]["id"]),
        schema_version=schema_version,
        exported_at=str(manifest.get("exported_at", "")),
        tables=loader.loaded,
        staff_left_out=loader.staff_left_out,
    )


async def _columns(
    driver: asyncpg.Connection, spec: ExportedTable, entry: dict[str, Any]
) -> list[_Column]:
    """The table's columns the CSV holds, which must be the manifest's, in order."""
    found = [
        _Column(row["name"], row["type"], row["is_text"])
        for row in await driver.fetch(_COLUMNS, spec.table)
        if row["name"] not in spec.omit
    ]
    names = [column.name for column in found]
    if entry["columns"] != names:
        missing = [name for name in names if name not in entry["columns"]]
        extra = [name for name in entry["columns"] if name not in names]
        raise RestoreProblem(
            f"The columns of {spec.table} differ from this database's: "
            f"missing {missing or 'none'}, unknown {extra or 'none'}"
            + ("" if missing or extra else ", in another order")
        )
    return found


async def _insert_order(driver: asyncpg.Connection) -> list[ExportedTable]:
    """The tenant tables of `EXPORTED`, each after every table its foreign keys point to
    (otherwise in `EXPORTED` order): a stock movement names its sale and purchase, which
    `EXPORTED` lists after it."""
    tenant = [spec for spec in EXPORTED if spec.table not in (SHOP_TABLE, USERS_TABLE)]
    names = {spec.table for spec in tenant}
    rows = await driver.fetch(_REFERENCES, sorted(names))
    needs: dict[str, set[str]] = {spec.table: set() for spec in tenant}
    for row in rows:
        if row["child"] != row["parent"] and row["parent"] in names:
            needs[row["child"]].add(row["parent"])
    ordered: list[ExportedTable] = []
    while len(ordered) < len(tenant):
        done = {spec.table for spec in ordered}
        ready = next((s for s in tenant if s.table not in done and needs[s.table] <= done), None)
        if ready is None:  # a cycle of foreign keys: the schema changed under this code
            raise RestoreProblem(f"No order satisfies the foreign keys among {sorted(needs)}")
        ordered.append(ready)
    return ordered


async def _check_empty(driver: asyncpg.Connection, shop_id: int) -> None:
    """Refuse a shop that already has books (its owner and staff logins do not count)."""
    tenant = [spec.table for spec in EXPORTED if spec.table not in (SHOP_TABLE, USERS_TABLE)]
    checks = ", ".join(
        # Names from `tables.EXPORTED`, quoted; the shop is a bound parameter.
        f"EXISTS (SELECT FROM {quoted(table)} WHERE shop_id = $1)"
        for table in tenant
    )
    row = await driver.fetchrow(f"SELECT {checks}", shop_id)
    holding = [table for table, present in zip(tenant, row or (), strict=True) if present]
    if holding:
        raise RestoreProblem(
            "A restore goes into a new, empty shop; this shop already has rows in "
            + ", ".join(holding)
        )


def _staging(table: str) -> str:
    return quoted(f"restore_{table}")


def _unguarded(name: str) -> str:
    """A text column's value with the formula guard undone (`tables.FORMULA_GUARD`)."""
    starts = ", ".join(f"chr({ord(char)})" for char in FORMULA_STARTS)
    return _UNGUARD.format(column=quoted(name), starts=starts)


class _Loader:
    """One restore's state: the staged CSVs, the user map, what went in."""

    def __init__(
        self,
        driver: asyncpg.Connection,
        path: Path,
        manifest: dict[str, Any],
        shop_id: int,
        owner_id: int,
    ) -> None:
        self.driver = driver
        self.path = path
        self.entries = {entry["table"]: entry for entry in manifest["tables"]}
        self.source_shop = int(manifest["shop"]["id"])
        self.shop_id = int(shop_id)
        self.owner_id = int(owner_id)
        self.owners: list[int] = []
        self.staff_left_out: list[str] = []
        self.loaded: list[TableRestore] = []

    async def stage(
        self, archive: zipfile.ZipFile, spec: ExportedTable, columns: list[_Column]
    ) -> None:
        """COPY the table's CSV into a temporary table of text columns; check its header, its
        row count and that every row is the exported shop's."""
        names = [column.name for column in columns]
        definition = ", ".join(f"{quoted(name)} text" for name in names)
        await self.driver.execute(
            f"CREATE TEMPORARY TABLE {_staging(spec.table)} ({definition}) ON COMMIT DROP"
        )
        with archive.open(spec.file) as entry:
            header = entry.readline().decode("utf-8", errors="replace").rstrip("\r\n")
            if header.split(",") != names:
                raise RestoreProblem(
                    f"{spec.file}: the header is not the manifest's columns ({header[:200]!r})"
                )
            try:
                status = await self.driver.copy_to_table(
                    f"restore_{spec.table}",
                    source=entry,
                    format="csv",
                    encoding="utf-8",
                    timeout=COPY_TIMEOUT_S,
                )
            except (asyncpg.PostgresError, zipfile.BadZipFile, OSError) as exc:
                raise RestoreProblem(f"{spec.file} cannot be read: {exc}") from exc
        rows = int(status.split()[-1])
        expected = self.entries[spec.table]["rows"]
        if rows != expected:
            raise RestoreProblem(f"{spec.file} has {rows} rows; the manifest says {expected}")
        foreign = await self.driver.fetchval(
            f"SELECT count(*) FROM {_staging(spec.table)} "  # noqa: S608 - a quoted name
            f"WHERE {quoted(spec.shop_column)} IS DISTINCT FROM $1",
            str(self.source_shop),
        )
        if foreign:
            raise RestoreProblem(
                f"{spec.file} has {foreign} rows of a shop other than the exported "
                f"shop {self.source_shop}"
            )

    async def shop_settings(self, columns: list[_Column]) -> dict[str, Any]:
        """The exported shop's settings as typed values, for the target shop's row."""
        kept = [column for column in columns if column.name not in _KEPT_BY_TARGET]
        selected = ", ".join(self._typed(column, json_as_text=True) for column in kept)
        row = await self.driver.fetchrow(
            f"SELECT {selected} FROM {_staging(SHOP_TABLE)}"  # noqa: S608 - quoted names
        )
        assert row is not None  # one row: checked against the manifest by `stage`
        values = dict(row)
        for column in kept:
            if column.type in ("json", "jsonb") and values[column.name] is not None:
                values[column.name] = json.loads(values[column.name])
        self.loaded.append(TableRestore(SHOP_TABLE, 1))
        return values

    async def map_users(self) -> None:
        """The export's owners become the target's owner; staff are left out (listed)."""
        rows = await self.driver.fetch(
            f"SELECT id::bigint AS id, role, name, phone FROM {_staging(USERS_TABLE)} "  # noqa: S608
            "ORDER BY id::bigint"
        )
        self.owners = [row["id"] for row in rows if row["role"] == "owner"]
        self.staff_left_out = [
            f"{row['name']} ({row['phone']})" for row in rows if row["role"] != "owner"
        ]
        self.loaded.append(TableRestore(USERS_TABLE, len(self.owners)))

    def _typed(self, column: _Column, *, json_as_text: bool = False) -> str:
        """The select expression turning a staged text column into the table's value."""
        name = quoted(column.name)
        if column.is_text:
            return f"{_unguarded(column.name)} AS {name}"
        if json_as_text and column.type in ("json", "jsonb"):
            return f"{name} AS {name}"
        return f"{name}::{column.type} AS {name}"

    def _expression(self, spec: ExportedTable, column: _Column) -> str:
        name = quoted(column.name)
        if column.name == spec.shop_column:
            return f"{self.shop_id}::bigint AS {name}"
        if column.name in USER_REFERENCES:
            owners = ", ".join(str(int(owner)) for owner in self.owners) or "NULL"
            return (
                f"CASE WHEN {name}::bigint IN ({owners}) THEN {self.owner_id}::bigint END AS {name}"
            )
        return self._typed(column)

    async def insert(self, spec: ExportedTable, columns: list[_Column]) -> None:
        """Copy the staged rows into the table, as the target shop's."""
        targets = ", ".join(quoted(column.name) for column in columns)
        selected = ", ".join(self._expression(spec, column) for column in columns)
        order = ", ".join(f"{quoted(name)}::bigint" for name in spec.order_by)
        statement = (
            f"INSERT INTO {quoted(spec.table)} ({targets}) OVERRIDING SYSTEM VALUE "  # noqa: S608
            f"SELECT {selected} FROM {_staging(spec.table)} ORDER BY {order}"
        )
        try:
            status = await self.driver.execute(statement, timeout=COPY_TIMEOUT_S)
        except asyncpg.PostgresError as exc:
            raise RestoreProblem(f"{spec.file} cannot go into {spec.table}: {exc}") from exc
        self.loaded.append(TableRestore(spec.table, int(status.split()[-1])))

    async def verify(self) -> None:
        """Rows and exact sums of every loaded table as the manifest has them; product
        quantities as their stock movements add up."""
        for spec in EXPORTED:
            if spec.table in (SHOP_TABLE, USERS_TABLE):
                continue
            entry = self.entries[spec.table]
            figures = ", ".join(
                ["count(*)::text"]
                + [f"COALESCE(sum({quoted(name)}), 0)::text" for name in spec.sums]
            )
            row = await self.driver.fetchrow(
                f"SELECT {figures} FROM {quoted(spec.table)} WHERE shop_id = $1",  # noqa: S608
                self.shop_id,
                timeout=COPY_TIMEOUT_S,
            )
            assert row is not None
            if int(row[0]) != entry["rows"]:
                raise RestoreProblem(
                    f"{spec.table}: {row[0]} rows restored; the manifest says {entry['rows']}"
                )
            for index, name in enumerate(spec.sums, start=1):
                if Decimal(row[index]) != Decimal(str(entry["sums"][name])):
                    raise RestoreProblem(
                        f"{spec.table}: the sum of {name} is {row[index]} in the restored rows; "
                        f"the manifest says {entry['sums'][name]} ({spec.file} was changed?)"
                    )
        drifted = await self.driver.fetchval(
            "SELECT string_agg(p.id::text, ', ' ORDER BY p.id) FROM products p "
            "LEFT JOIN (SELECT product_id, sum(quantity) AS moved FROM stock_movements "
            "WHERE shop_id = $1 GROUP BY product_id) m ON m.product_id = p.id "
            "WHERE p.shop_id = $1 AND p.quantity <> coalesce(m.moved, 0)",
            self.shop_id,
            timeout=COPY_TIMEOUT_S,
        )
        if drifted:
            raise RestoreProblem(
                f"products: the quantity of product {drifted} is not the sum of its stock movements"
            )


async def _highest_ids(driver: asyncpg.Connection, shop_id: int) -> dict[str, int]:
    """The highest restored id of each table."""
    highest = {}
    for spec in EXPORTED:
        if spec.table in (SHOP_TABLE, USERS_TABLE):
            continue
        top = await driver.fetchval(
            f"SELECT max(id) FROM {quoted(spec.table)} WHERE shop_id = $1",  # noqa: S608
            shop_id,
            timeout=COPY_TIMEOUT_S,
        )
        if top is not None:
            highest[spec.table] = int(top)
    return highest


async def _advance_sequences(driver: asyncpg.Connection, highest: dict[str, int]) -> None:
    """Move each table's id sequence past the restored ids (never back): ids come from one
    sequence per table shared by all shops, and the database restored into may be behind the
    one exported from."""
    for table, top in highest.items():
        await driver.execute(_ADVANCE, table, top)
