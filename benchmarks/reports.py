"""`make bench`'s reports step: every report of the owner in the history shop (1,000,000 sale
lines, 10,000 products), one request at a time, against the issue's 100 ms p50.

Each report and its main variants (`VARIANTS`: this month and the whole year, a day and a
busy day, today and a month back, the CSV and XLSX exports) is first asked once: a 404 or
405 means the route is not there (yet) and the variant is listed as "not available", as is
an export whose reply is not the format asked for. That first request's time is the `first`
column: for the sales analysis and the reorder list it includes building the rollups of the
range's past days (`app.reports.sales_rollups`), which later requests read. The others get
`BENCH_REPORT_WARMUP` requests, then are timed for `BENCH_REPORT_SECONDS` and at least
`MIN_REQUESTS` requests (a variant far over the target: one warm-up, and `SLOW_REQUESTS`
once 4 x the seconds have passed, so a 7 s report does not hold the run for minutes), with
httpx in this process over one keep-alive connection (like `benchmarks.ask`): p50, p95, p99,
the replies other than 200, and the rows of the first reply (its longest list).

A variant over the target gets its SQL's plans: PostgreSQL logs every statement of one more
request (`log_min_duration_statement = 0` for the duration, through ALTER SYSTEM and a
reload, read back with `pg_read_file`), and the slowest SELECTs are run again under EXPLAIN
(ANALYZE, BUFFERS) as the app's role in the shop (row-level security on), as a custom and
as a generic plan. The plans go to benchmarks/results/report_plans.txt; the figures get each
statement's execution time and costliest node.

Alone, on a fresh database (register, catalogue, the history seeded in bulk, its invariants
checked, today's bills through the API, then this step): `python -m benchmarks.reports`
(knobs BENCH_HISTORY_LINES, BENCH_HISTORY_PRODUCTS, BENCH_HISTORY_DAYS, BENCH_REPORT_SECONDS,
BENCH_REPORT_WARMUP, BENCH_DATABASE_URL with BENCH_KEEP_DB=1). Its figures go to
benchmarks/results/reports.json; `make bench` puts them under `reports` in latest.json.
"""

import asyncio
import datetime as dt
import json
import os
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.db.session import APP_ROLE
from benchmarks.ask import _costliest

REPORT_SECONDS = float(os.environ.get("BENCH_REPORT_SECONDS", 3))
WARMUP = int(os.environ.get("BENCH_REPORT_WARMUP", 3))
MIN_REQUESTS = 10
SLOW_REQUESTS = 3
"""A variant far over the target stops after this many once it has run 4 x its seconds."""
TARGET_MS = 100.0
CONNECTIONS = 1
CLIENT = "httpx in the harness's process, 1 keep-alive connection, one request at a time"
PLANS = Path(__file__).resolve().parent / "results" / "report_plans.txt"
PLANNED_STATEMENTS = 3
"""The slowest SELECTs of a slow report that are EXPLAINed."""
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Variant:
    report: str
    variant: str
    path: str
    format: str = "json"


VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("profit-loss", "by day, this month", "profit-loss?group=day&{month}"),
    ("profit-loss", "by month, the year", "profit-loss?group=month&{year}"),
    ("gst-summary", "this month", "gst-summary?{month}"),
    ("reorder", "14 days, 30-day rate", "reorder"),
    *(
        ("sales", f"by {by}, {span}", f"sales?by={by}&{{{key}}}")
        for by in ("product", "customer", "day", "month", "payment_mode")
        for span, key in (("this month", "month"), ("the year", "year"))
    ),
    ("sales", "by product, last month", "sales?by=product&{last_month}"),
    ("stock", "today", "stock"),
    ("stock", "as of 30 days ago", "stock?as_of={month_back}"),
    ("day-book", "today", "day-book"),
    ("day-book", "busiest day {busy_day}", "day-book?date={busy_day}"),
    ("profit-loss", "CSV, by day, the year", "profit-loss?group=day&{year}&format=csv"),
    ("profit-loss", "XLSX, by day, the year", "profit-loss?group=day&{year}&format=xlsx"),
)
"""(report, variant, path under /api/reports/), dates filled in by `variants`."""


def variants(today: dt.date, first_day: dt.date, busy_day: dt.date) -> list[Variant]:
    """The reports and their main variants, dated from the shop's today: this month so far,
    the year of history, the last whole month, a month back, the busiest day."""
    month = today.replace(day=1)
    last_month_end = month - dt.timedelta(days=1)
    dates = {
        "month": f"from={month}&to={today}",
        "year": f"from={first_day}&to={today}",
        "last_month": f"from={last_month_end.replace(day=1)}&to={last_month_end}",
        "month_back": today - dt.timedelta(days=30),
        "busy_day": busy_day,
    }
    found = []
    for report, variant, path in VARIANTS:
        fmt = path.rsplit("format=", 1)[1] if "format=" in path else "json"
        found.append(
            Variant(report, variant.format(**dates), "/api/reports/" + path.format(**dates), fmt)
        )
    return found


def _pct(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0


def _rows(response: httpx.Response, fmt: str) -> int | None:
    """The rows of a reply: a JSON list's length, or its longest list's; CSV lines."""
    if fmt == "csv":
        return len(response.text.splitlines())
    if fmt != "json":
        return None
    body = response.json()
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        lists = [len(value) for value in body.values() if isinstance(value, list)]
        return max(lists) if lists else 1
    return None


def _unavailable(response: httpx.Response, fmt: str) -> str | None:
    """Why a variant cannot be measured (the route or the format is not there), or None."""
    if response.status_code in (404, 405):
        return f"not available ({response.status_code})"
    if fmt != "json" and response.status_code == 200:
        media = response.headers.get("content-type", "")
        if not media.startswith(MEDIA[fmt]):
            return f"not available (answered {media.split(';')[0] or 'no content type'})"
    return None


async def _timed(http: httpx.AsyncClient, path: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await http.get(path)
    return (time.perf_counter() - started) * 1000, response


async def _measure_one(http: httpx.AsyncClient, variant: Variant) -> dict[str, Any]:
    first_ms, first = await _timed(http, variant.path)
    entry: dict[str, Any] = {
        "report": variant.report,
        "variant": variant.variant,
        "path": variant.path,
        "status": first.status_code,
        "first_ms": round(first_ms, 1),
        "bytes": len(first.content),
    }
    why = _unavailable(first, variant.format)
    if why is not None:
        return entry | {"available": False, "note": why}
    entry["available"] = True
    if first.status_code != 200:
        entry["note"] = first.text[:200]
    else:
        entry["rows"] = _rows(first, variant.format)
    for _ in range(WARMUP if first_ms < 10 * TARGET_MS else 1):
        await _timed(http, variant.path)
    samples: list[float] = []
    non_200 = 0
    started = time.perf_counter()
    while True:
        spent = time.perf_counter() - started
        if spent >= REPORT_SECONDS and len(samples) >= MIN_REQUESTS:
            break
        if spent >= 4 * REPORT_SECONDS and len(samples) >= SLOW_REQUESTS:
            break
        elapsed, response = await _timed(http, variant.path)
        samples.append(elapsed)
        non_200 += response.status_code != 200
    ordered = sorted(samples)
    p50 = _pct(ordered, 0.50)
    return entry | {
        "n": len(samples),
        "non_200": non_200,
        "p50_ms": p50,
        "p95_ms": _pct(ordered, 0.95),
        "p99_ms": _pct(ordered, 0.99),
        "mean_ms": round(statistics.fmean(samples), 1),
        "met": p50 <= TARGET_MS and non_200 == 0,
    }


# The statements of one request, from the server's log.

_LOGGED = re.compile(
    r"duration: (?P<ms>[0-9.]+) ms\s+(?:execute [^:]*|statement): (?P<sql>.*)", re.DOTALL
)
_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_HOUSEKEEPING = ("set_config(", "pg_reload_conf", "auth_session_check")
"""Statements of every request (the shop switch, the session check), not the report's."""
_PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


async def _log_position(connection: asyncpg.Connection) -> tuple[str, int]:
    path = await connection.fetchval("SELECT pg_current_logfile()") or "log"
    size = await connection.fetchval("SELECT (pg_stat_file($1)).size", path)
    return str(path), int(size)


def _statements(log: str) -> list[dict[str, Any]]:
    """The executed statements in a piece of the log: time, SQL and parameters (literals)."""
    entries: list[list[str]] = []
    for line in log.splitlines():
        if _PREFIX.match(line):
            entries.append([line])
        elif entries:
            entries[-1].append(line)
    found: list[dict[str, Any]] = []
    kept = False  # whether the last entry was an execution (parse and bind have their own)
    for lines in entries:
        text = "\n".join(lines)
        if "DETAIL:" in lines[0]:
            if kept and "Parameters:" in lines[0]:
                found[-1]["params"] = {
                    int(n): value
                    for n, value in _PARAMETER.findall(text.split("Parameters:", 1)[1])
                }
            continue
        match = _LOGGED.search(text)
        kept = match is not None
        if match:
            found.append({"ms": float(match["ms"]), "sql": match["sql"].strip(), "params": {}})
    return found


async def capture(url: str, base: str, token: str, path: str) -> list[dict[str, Any]]:
    """The statements PostgreSQL ran for one request of `path`, slowest first."""
    connection = await asyncpg.connect(url)
    try:
        log_path, offset = await _log_position(connection)
        await connection.execute("ALTER SYSTEM SET log_min_duration_statement = 0")
        await connection.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.5)
        try:
            async with httpx.AsyncClient(
                base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                await http.get(path)
        finally:
            await connection.execute("ALTER SYSTEM RESET log_min_duration_statement")
            await connection.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.3)
        _, end = await _log_position(connection)
        text = await connection.fetchval(
            "SELECT pg_read_file($1, $2, $3)", log_path, offset, max(0, end - offset)
        )
    finally:
        await connection.close()
    selects = [
        s
        for s in _statements(text or "")
        if re.match(r"\s*(SELECT|WITH)\b", s["sql"], re.I)
        and not any(word in s["sql"] for word in _HOUSEKEEPING)
    ]
    return sorted(selects, key=lambda s: -s["ms"])


async def explain(url: str, shop_id: int, statement: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of a logged statement as the app runs it, custom and
    generic plan; the plans' text under `text`."""
    params = statement["params"]
    values = [params.get(n, "NULL") for n in range(1, max(params, default=0) + 1)]
    arguments = f"({', '.join(values)})" if values else ""
    result: dict[str, Any] = {"logged_ms": statement["ms"], "sql": statement["sql"], "text": ""}
    connection = await asyncpg.connect(url)
    try:
        for mode in ("custom", "generic"):
            name = f"report_plan_{mode}"  # not DEALLOCATEd when EXPLAIN fails
            execute = f"EXECUTE {name}{arguments}"
            try:
                async with connection.transaction():
                    await connection.execute(
                        "SELECT set_config('role', $1, true), set_config('app.shop_id', $2, true)",
                        APP_ROLE,
                        str(shop_id),
                    )
                    await connection.execute(f"SET LOCAL plan_cache_mode = force_{mode}_plan")
                    await connection.execute(f"PREPARE {name} AS {statement['sql']}")
                    text = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {execute}")
                    raw = await connection.fetchval(
                        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {execute}"
                    )
                    await connection.execute(f"DEALLOCATE {name}")
            except asyncpg.PostgresError as exc:
                result["error"] = f"{mode} plan: {type(exc).__name__}: {exc}"
                continue
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
            own_ms, node = _costliest(plan)
            result[mode] = {
                "execution_ms": round(plan["Execution Time"], 1),
                "planning_ms": round(plan["Planning Time"], 1),
                "costliest_node": node,
                "costliest_own_ms": own_ms,
            }
            result["text"] += f"--- {mode} plan\n" + "\n".join(r[0] for r in text) + "\n"
    finally:
        await connection.close()
    return result


async def plans_of(
    url: str, base: str, token: str, shop_id: int, slow: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The slowest statements of each slow variant, explained; all plans to `PLANS`."""
    found: list[dict[str, Any]] = []
    texts = [f"reports over {TARGET_MS:g} ms p50: plans in shop {shop_id}\n"]
    for entry in slow:
        try:
            statements = await capture(url, base, token, entry["path"])
        except asyncpg.PostgresError as error:
            # A server without a log file to read (logging_collector off, as on a packaged
            # PostgreSQL): the figures stand, only the plans are missing.
            texts.append(f"\n=== {entry['report']} {entry['variant']}: no plans: {error}\n")
            found.append({**entry, "statements": [], "error": str(error)})
            continue
        explained = []
        for statement in [s for s in statements if s["ms"] >= 5][:PLANNED_STATEMENTS]:
            plan = await explain(url, shop_id, statement)
            texts.append(
                f"\n=== {entry['report']} {entry['variant']}: {entry['path']}\n"
                f"logged {plan['logged_ms']} ms\n{plan['sql']}\n"
                f"parameters: {statement['params']}\n{plan.pop('text')}"
                + (f"error: {plan['error']}\n" if "error" in plan else "")
            )
            explained.append(plan)
        found.append(
            {
                "report": entry["report"],
                "variant": entry["variant"],
                "statements_logged": len(statements),
                "statements": explained,
            }
        )
    PLANS.parent.mkdir(parents=True, exist_ok=True)
    PLANS.write_text("".join(texts))
    return found


async def measure(
    base: str,
    token: str,
    url: str,
    shop_id: int,
    *,
    today: dt.date,
    first_day: dt.date,
    busy_day: dt.date,
) -> dict[str, Any]:
    """Every variant in turn; then the plans of those over the target."""
    measured = []
    async with httpx.AsyncClient(
        base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        for variant in variants(today, first_day, busy_day):
            measured.append(await _measure_one(http, variant))
    slow = [e for e in measured if e["available"] and not e["met"] and e["status"] == 200]
    timed = [e for e in measured if "p50_ms" in e]
    return {
        "client": CLIENT,
        "connections": CONNECTIONS,
        "seconds_per_variant": REPORT_SECONDS,
        "warmup_requests": WARMUP,
        "target_p50_ms": TARGET_MS,
        "today": today.isoformat(),
        "busy_day": busy_day.isoformat(),
        "variants": measured,
        "measured": len(timed),
        "not_available": sum(not e["available"] for e in measured),
        "met": sum(e["met"] for e in timed),
        "slowest_p50_ms": max((e["p50_ms"] for e in timed), default=None),
        "plans": await plans_of(url, base, token, shop_id, slow) if slow else [],
        "plans_file": PLANS.name,
    }


def table(figures: dict[str, Any]) -> str:
    """Report, variant, the first request (which builds any sales rollup the variant needs),
    p50, p95, p99, requests, non-200 replies, rows, target, pass/fail."""
    head = (
        f"  {'report':<12} {'variant':<30} {'first':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
        f" {'n':>4} {'non200':>6} {'rows':>6} {'target':>7}  result"
    )
    lines = [head]
    for e in figures["variants"]:
        name = f"  {e['report']:<12} {e['variant'][:30]:<30}"
        if not e["available"]:
            lines.append(f"{name} {e['note']}")
            continue
        rows = "-" if e.get("rows") is None else e["rows"]
        verdict = "pass" if e["met"] else "FAIL"
        if e["status"] != 200:
            verdict += f" (status {e['status']}: {e.get('note', '')[:60]})"
        lines.append(
            f"{name} {e['first_ms']:>7} {e['p50_ms']:>7} {e['p95_ms']:>7} {e['p99_ms']:>7}"
            f" {e['n']:>4}"
            f" {e['non_200']:>6} {rows!s:>6} {'<= ' + format(TARGET_MS, 'g'):>7}  {verdict}"
        )
    lines.append(
        f"  {figures['met']} of {figures['measured']} measured variants within "
        f"{TARGET_MS:g} ms p50; {figures['not_available']} not available"
    )
    for plan in figures["plans"]:
        for statement in plan["statements"]:
            generic = statement.get("generic", {})
            lines.append(
                f"  slow: {plan['report']} {plan['variant']}: {statement['logged_ms']} ms logged,"
                f" generic plan {generic.get('execution_ms', '-')} ms,"
                f" costliest {generic.get('costliest_node', statement.get('error', '-'))}"
            )
    return "\n".join(lines)


def main() -> None:
    """This step alone on a fresh database: shop, catalogue, history, checks, today, reports."""
    import tempfile

    from benchmarks import ask, checks, database
    from benchmarks import run as harness

    async def run(api_base: str, db: database.Database) -> dict[str, Any]:
        shop, history = await harness.history_shop(api_base, db)
        today = dt.datetime.now(harness.KOLKATA).date()
        invariants = await checks.check(db.app_url, [shop.shop_id], successes=history["bills"])
        harness.say(f"  invariants ok: {invariants['ok']}")
        try:
            await ask.prepare(api_base, shop.token, shop.products, db.app_url)
        except httpx.HTTPStatusError as exc:  # today's reports then read the history alone
            harness.say(f"  today's bills through the API failed: {exc.response.text[:300]}")
        harness.say(f"reports: {REPORT_SECONDS:g} s per variant after {WARMUP} requests")
        figures = await measure(
            api_base,
            shop.token,
            db.app_url,
            shop.shop_id,
            today=today,
            first_day=dt.date.fromisoformat(history["first_day"]),
            busy_day=dt.date.fromisoformat(history["busiest_day"]),
        )
        return {
            "history_seed": history,
            "history_invariants": invariants,
            "shop_id": shop.shop_id,
            "reports": figures,
        }

    with (
        tempfile.TemporaryDirectory(prefix="dukaan-bench-reports-") as tmp,
        database.provision(Path(tmp)) as db,
        harness.api_server(Path(tmp), db) as api,
    ):
        figures = asyncio.run(run(api.base, db))
        if not db.embedded:
            harness.say(f"database {db.app_url}, history shop {figures['shop_id']}")
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    (harness.RESULTS / "reports.json").write_text(json.dumps(figures, indent=2) + "\n")
    history = figures["history_seed"]
    print(
        f"history: {history['bills']:,} bills, {history['lines']:,} lines, "
        f"{history['movements']:,} movements, {history['purchases']:,} purchases; "
        f"seeded in {history['seed_s']} s; invariants ok: {figures['history_invariants']['ok']}"
    )
    print(table(figures["reports"]))
    print(f"  figures: {harness.RESULTS / 'reports.json'}; plans: {PLANS}")


if __name__ == "__main__":
    main()
