"""What each part of the sale's transaction costs the database: the replay, part by part.

    python -m benchmarks.sale_parts          # about 3 minutes

Issue 20's acceptance ratio (sales/s over pgbench's tpcb-like TPS) is bounded by the
database-only replay of the sale (`benchmarks.sale_replay`, item 1): even with an API that cost
nothing, sales/s could not pass the replay's TPS. This probe says where that ceiling goes. On a
fresh embedded database it runs `sale_replay` alone (shops, catalogues, the API's sales, the
capture and the scripts), then replays the 20-shop script (`pgbench -c BENCH_CONNECTIONS`,
32 by default; `SALE_PARTS_SECONDS` each, 10 by default; `SALE_PARTS_REPEAT` times a step, 3
by default, the median counted) again and again on the same database, each time with one
more part of the transaction taken away, cumulatively, in this order:

1. the `daily_sales` summary's triggers on `sales` (app/reports/sql/daily_sales.sql);
2. the foreign keys of the tables the sale writes, but the three the sale defers by name
   (`sales_record` sets them DEFERRED, so they must exist);
3. their CHECK constraints;
4. their indexes that are neither primary keys nor unique (those enforce a rule);
5. row-level security on them (`NO FORCE`, `DISABLE`);
6. the outbox message (`notifications_queue` made a no-op).

Each step's TPS against the step before is what that part costs. Every step after the first
breaks a rule of docs/architecture.md; this measures what the rules cost, it does not propose
dropping them. The database is thrown away at the end. Figures are noisy (5-10% between runs
of one step on this 2-core machine): read differences under 10% as none.
"""

import asyncio
import json
import os
import statistics
from typing import Any

import asyncpg

from benchmarks import run, sale_replay

SECONDS = int(os.environ.get("SALE_PARTS_SECONDS", "10"))
REPEAT = int(os.environ.get("SALE_PARTS_REPEAT", "3"))
"""Replays per step; the step's figure is their median."""
WRITTEN = [
    "sales",
    "sale_lines",
    "stock_movements",
    "notifications",
    "idempotency_keys",
    "daily_sales",
    "customers",
    "udhaar_entries",
    "products",
    "bill_counters",
]
"""The tables one sale writes (`benchmarks.sale_writes`)."""
DEFERRED = {
    "fk_sale_lines_shop_id_sale_id_sales",
    "fk_stock_movements_shop_id_sale_id_sales",
    "fk_udhaar_entries_shop_id_sale_id_sales",
}
NO_MESSAGE = """
CREATE OR REPLACE FUNCTION notifications_queue(
    p_shop bigint, p_customer bigint, p_channel text, p_to text, p_template text,
    p_language text, p_body text, p_reference text
) RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN END $fn$
"""


async def _rows(url: str, query: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(query, WRITTEN))
    finally:
        await connection.close()


async def parts(url: str) -> list[tuple[str, list[str]]]:
    """Each step's name and the DDL that takes its part away (read before any is run)."""
    triggers = await _rows(
        url,
        "SELECT tgrelid::regclass::text AS t, tgname AS name FROM pg_trigger "
        "WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY($1) AND tgname LIKE 'daily_%'",
    )
    constraints = await _rows(
        url,
        "SELECT conrelid::regclass::text AS t, conname AS name, contype AS kind "
        "FROM pg_constraint WHERE contype IN ('f', 'c') AND conrelid::regclass::text = ANY($1)",
    )
    indexes = await _rows(
        url,
        "SELECT indexrelid::regclass::text AS name FROM pg_index "
        "WHERE indrelid::regclass::text = ANY($1) AND NOT indisprimary AND NOT indisunique",
    )

    def dropped(kind: str) -> list[str]:
        return [
            f'ALTER TABLE {r["t"]} DROP CONSTRAINT "{r["name"]}"'
            for r in constraints
            if r["kind"] == kind and r["name"] not in DEFERRED
        ]

    return [
        ("as the app runs it", []),
        ("- daily_sales triggers", [f'DROP TRIGGER "{r["name"]}" ON {r["t"]}' for r in triggers]),
        ("- foreign keys (not the 3 deferred)", dropped("f")),
        ("- CHECK constraints", dropped("c")),
        ("- non-unique indexes", [f"DROP INDEX {r['name']}" for r in indexes]),
        (
            "- row-level security",
            [
                f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY"
                for t in WRITTEN
            ],
        ),
        ("- the outbox message", [NO_MESSAGE]),
    ]


async def measure(url: str) -> list[dict[str, Any]]:
    scripts = {kind: sale_replay.RESULTS / f"sale_replay_{kind}.sql" for kind in ("paid", "credit")}
    steps: list[dict[str, Any]] = []
    for name, statements in await parts(url):
        connection = await asyncpg.connect(url)
        try:
            for statement in statements:
                await connection.execute(statement)
            await connection.execute("VACUUM (ANALYZE)")
            await connection.execute("CHECKPOINT")
        finally:
            await connection.close()
        runs = [
            await asyncio.to_thread(sale_replay.run_pgbench, url, scripts, run.CONNECTIONS, SECONDS)
            for _ in range(REPEAT)
        ]
        tps = statistics.median(r["tps"] for r in runs)
        before = steps[-1]["tps"] if steps else None
        step = {
            "step": name,
            "tps": tps,
            "runs_tps": [r["tps"] for r in runs],
            "failed": sum(r["failed_transactions"] for r in runs),
            "ms_per_sale": round(1000 / tps, 3),
            "part_ms": round(1000 / before - 1000 / tps, 3) if before else None,
        }
        steps.append(step)
        sale_replay.say(
            f"  {name}: {tps} TPS (runs {step['runs_tps']}), {step['ms_per_sale']} ms a sale"
        )
    return steps


def main() -> None:
    with sale_replay.replayed_alone("dukaan-parts-") as (db, replayed):
        figures = {
            "replay_multi_shop_tps": replayed["multi_shop"]["tps"],
            "tpcb_like_tps": replayed["tpcb_like"]["tps"],
            "clients": run.CONNECTIONS,
            "seconds": SECONDS,
            "repeat": REPEAT,
            "steps": asyncio.run(measure(db.app_url)),
        }
    (sale_replay.RESULTS / "sale_parts.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
