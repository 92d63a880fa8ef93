"""What one sale writes, table by table: rows, index entries, WAL (issue 20, item 3).

    python -m benchmarks.sale_writes [--sales 300]

On a fresh database (embedded PostgreSQL, or a fresh one on BENCH_DATABASE_URL), the real app
from `create_app()` is driven in this process through httpx's ASGI transport (the outbox
dispatcher off, as a worker would send): one shop, 1,000 products, 3-line bills as `make bench`
posts them (1 in 4 on credit, a customer phone from a pool of 50, an Idempotency-Key each).
After a warm-up the statistics are read, `--sales` more bills are posted, the app is shut (its
connections close and flush their statistics) and the statistics are read again.

Printed per sale: for each table the rows inserted, updated (HOT, or not: a non-HOT update
writes a whole new entry in every index of the table) and deleted; the index entries that
makes (every full index per inserted row or non-HOT update; a partial index only where its
predicate holds, counted from the rows themselves); the table's index scans during the sales
(which indexes the sale path reads and which it only maintains); and the WAL written (bytes,
records, full-page images). Counts, not timings: they do not depend on the machine's load.
With `--analyze` the tables are ANALYZEd after the warm-up: on a database whose statistics are
still empty, the foreign-key checks' plans can pick another index than the primary key.
"""

import argparse
import asyncio
import collections
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from benchmarks import database, profile_sale, seed

SALE_TABLES = (
    "sales",
    "sale_lines",
    "stock_movements",
    "products",
    "customers",
    "udhaar_entries",
    "notifications",
    "idempotency_keys",
    "bill_counters",
    "daily_sales",
)


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, tuple[int, int, int, int]]
    """table -> (inserted, updated, HOT-updated, deleted) rows, since the database began."""
    index_scans: dict[tuple[str, str], int]
    wal: tuple[int, int, int]
    """(bytes, records, full-page images) since the database began."""


async def _snapshot(connection: asyncpg.Connection) -> Snapshot:
    tables = {
        row["relname"]: (
            row["n_tup_ins"],
            row["n_tup_upd"],
            row["n_tup_hot_upd"],
            row["n_tup_del"],
        )
        for row in await connection.fetch(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del "
            "FROM pg_stat_user_tables WHERE relname = ANY($1::text[])",
            list(SALE_TABLES),
        )
    }
    scans = {
        (row["relname"], row["indexrelname"]): row["idx_scan"]
        for row in await connection.fetch(
            "SELECT relname, indexrelname, idx_scan FROM pg_stat_user_indexes "
            "WHERE relname = ANY($1::text[])",
            list(SALE_TABLES),
        )
    }
    wal = await connection.fetchrow(
        "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS bytes, "
        "(SELECT wal_records FROM pg_stat_wal) AS records, "
        "(SELECT wal_fpi FROM pg_stat_wal) AS fpi"
    )
    assert wal is not None
    return Snapshot(tables, scans, (int(wal["bytes"]), wal["records"], wal["fpi"]))


async def _indexes(connection: asyncpg.Connection) -> dict[str, list[tuple[str, str | None]]]:
    """table -> its indexes as (name, partial predicate or None)."""
    rows = await connection.fetch(
        "SELECT t.relname AS table_name, i.relname AS index_name, "
        "pg_get_expr(x.indpred, x.indrelid) AS predicate "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY($1::text[]) ORDER BY 1, 2",
        list(SALE_TABLES),
    )
    indexes: dict[str, list[tuple[str, str | None]]] = collections.defaultdict(list)
    for row in rows:
        indexes[row["table_name"]].append((row["index_name"], row["predicate"]))
    return indexes


async def _partial_entries(
    connection: asyncpg.Connection, table: str, predicate: str, since_id: int
) -> int:
    """Rows of `table` newer than `since_id` that a partial index holds (its predicate)."""
    sql = f"SELECT count(*) FROM {table} WHERE id > $1 AND ({predicate})"
    return int(await connection.fetchval(sql, since_id))


async def _last_ids(connection: asyncpg.Connection) -> dict[str, int]:
    return {
        table: int(await connection.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}"))
        for table in SALE_TABLES
    }


async def _post_sales(url: str, data_dir: Path, state: dict[str, Any], count: int) -> None:
    """`count` sales through a fresh in-process app, shut at the end (its sessions close)."""
    os.environ |= {
        "DATABASE_URL": url,
        "DUKAAN_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "DISPATCHER": "off",
    }
    from app.config import Settings
    from app.main import create_app

    app = create_app(Settings())
    rng: random.Random = state["rng"]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://w") as http,
    ):
        if "token" not in state:
            owner = await profile_sale.register_owner(http, rng)
            connection = await asyncpg.connect(url)
            try:
                state["products"] = await seed.add_products(
                    connection, owner["shop"]["shop_id"], 1000, 1_000_000, rng
                )
            finally:
                await connection.close()
            state["token"] = owner["access_token"]
            state["phones"] = seed.indian_mobiles(50, rng)
        http.headers["Authorization"] = f"Bearer {state['token']}"
        for _ in range(count):
            state["key"] = state.get("key", 0) + 1
            response = await http.post(
                "/api/sales/",
                json=profile_sale.sale_body(state["products"], state["phones"], rng),
                headers={"Idempotency-Key": f"writes-{state['key']}"},
            )
            if response.status_code != 201:
                raise RuntimeError(f"sale failed: {response.status_code} {response.text}")


async def _measure(url: str, data_dir: Path, sales: int, warmup: int, analyze: bool) -> None:
    state: dict[str, Any] = {"rng": random.Random(20)}
    await _post_sales(url, data_dir, state, warmup)
    connection = await asyncpg.connect(url)
    try:
        if analyze:
            await connection.execute("ANALYZE")
        await asyncio.sleep(0.5)
        before, since = await _snapshot(connection), await _last_ids(connection)
        await _post_sales(url, data_dir, state, sales)
        await asyncio.sleep(0.5)
        after = await _snapshot(connection)
        indexes = await _indexes(connection)
        partial = {
            (table, predicate): await _partial_entries(connection, table, predicate, since[table])
            for table in SALE_TABLES
            for _, predicate in indexes[table]
            if predicate is not None
        }
    finally:
        await connection.close()

    print(
        f"Per sale, over {sales} sales (3 lines, 1 in 4 on credit), after {warmup} to warm up"
        + (" and ANALYZE" if analyze else " (no ANALYZE yet: the tables' statistics are empty)")
    )
    print(
        f"{'table':18} {'ins':>6} {'upd':>6} {'hot':>6} {'del':>6} {'index entries':>14}  "
        "indexes (scans per sale during the sales)"
    )
    total_rows = total_entries = 0.0
    nothing = (0, 0, 0, 0)
    for table in SALE_TABLES:
        ins, upd, hot, dele = (
            (a - b) / sales
            for a, b in zip(
                after.tables.get(table, nothing), before.tables.get(table, nothing), strict=True
            )
        )
        full = [name for name, predicate in indexes[table] if predicate is None]
        # a partial index: every new row that fits its predicate, once
        entries = (ins + (upd - hot)) * len(full) + sum(
            count / sales for (owner, _), count in partial.items() if owner == table
        )
        scans = []
        for name, predicate in indexes[table]:
            read = after.index_scans.get((table, name), 0) - before.index_scans.get(
                (table, name), 0
            )
            scans.append(f"{name} {read / sales:.2f}" + (" (partial)" if predicate else ""))
        total_rows += ins + upd + dele
        total_entries += entries
        print(
            f"{table:18} {ins:6.2f} {upd:6.2f} {hot:6.2f} {dele:6.2f} {entries:14.2f}  "
            + "; ".join(scans)
        )
    wal_bytes, records, fpi = (a - b for a, b in zip(after.wal, before.wal, strict=True))
    print(
        f"{'all':18} rows written {total_rows:.2f}, index entries {total_entries:.2f}; "
        f"WAL {wal_bytes / sales / 1024:.1f} KiB, {records / sales:.1f} records, "
        f"{fpi / sales:.2f} full-page images per sale"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the tables after the warm-up (as autovacuum does within its first minute)",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="dukaan-writes-") as tmp,
        database.provision(Path(tmp)) as db,
    ):
        from app.db import migrate

        migrate.upgrade(db.app_url)
        asyncio.run(_measure(db.app_url, Path(tmp), args.sales, args.warmup, args.analyze))


if __name__ == "__main__":
    main()
