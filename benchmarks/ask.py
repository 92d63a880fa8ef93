"""`make bench`'s "ask the shop" path: POST /api/ask in the history shop (1,000,000 sale lines).

Measured with an httpx loop in this process, one keep-alive connection, one request at a
time (the load generators only GET): the questions of `QUESTIONS` are asked round after
round, each round in a shuffled order, for `BENCH_ASK_SECONDS` and at least `MIN_ROUNDS`
rounds after a warm-up. Every latency is kept with its question, so besides the mix's
p50 / p95 / p99 each question has its own p50 (one slow question hides in a mix).

Before timing, one pass asks every question once and records whether it was understood
(`understood: true`), its status, rows and first latency. A question not understood
short-circuits before any SQL, so the mix's figures only mean something when all are.

Then each question's SQL (what the offline parser makes of it, compiled by
`app.ask.compiler.compile_intent`; the intent written here when the parser gives None) is run
under EXPLAIN (ANALYZE, BUFFERS) as the app's role with the shop set (row-level security on),
once as a custom plan and once as the generic plan a prepared statement settles on after
five runs (the API's asyncpg driver prepares and caches its statements). The plans go to
benchmarks/results/ask_plans.txt; to the figures go the SELECT's own time (the median
of `RUNS` plain runs, no EXPLAIN), EXPLAIN's execution time and the costliest node.

Alone, on a fresh database (register, 1,000 products, the history, then this path):
`python -m benchmarks.ask` (knobs BENCH_HISTORY_LINES, BENCH_ASK_SECONDS, and
BENCH_DATABASE_URL with BENCH_KEEP_DB=1 to keep the database for psql). The plans alone, on a
kept database: `python -m benchmarks.ask explain DATABASE_URL SHOP_ID`.
"""

import asyncio
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.ask import parser
from app.ask.compiler import Unanswerable, compile_intent
from app.ask.intent import MAX_LIMIT, Dimension, Intent, Metric, Sort
from app.db.session import APP_ROLE

ASK_SECONDS = float(os.environ.get("BENCH_ASK_SECONDS", 20))
MIN_ROUNDS = 5
CONNECTIONS = 1
CLIENT = "httpx in the harness's process, 1 keep-alive connection, one request at a time"
DAILY_CAP = 10_000_000
"""ASK_DAILY_CAP of the bench's API: every question is counted, none refused."""
CUSTOMER = "Ramesh Kumar"
"""A customer with udhaar today in the history shop, whose balance is asked by name."""
TODAY_BILLS = 24
SHORT_STOCK_TRIES = 20
"""Draws of a bill's three products before giving up: the history sells some out."""
RUNS = 3
"""Plain runs of each question's SQL per plan mode (their median is `run_ms`)."""
PLANS = Path(__file__).resolve().parent / "results" / "ask_plans.txt"


def _month_start(today: dt.date) -> dt.date:
    return today.replace(day=1)


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = _month_start(today) - dt.timedelta(days=1)
    return end.replace(day=1), end


@dataclass(frozen=True)
class Question:
    text: str
    expected: Callable[[dt.date], Intent]
    """What the question asks, written here: EXPLAINed when the parser gives None."""


def _today(metric: Metric) -> Callable[[dt.date], Intent]:
    return lambda t: Intent(metric=metric, date_from=t, date_to=t)


def _this_month(metric: Metric, by: Dimension, sort: Sort = Sort.DESC) -> Callable[..., Intent]:
    return lambda t: Intent(
        metric=metric, dimensions=(by,), date_from=_month_start(t), date_to=t, sort=sort
    )


QUESTIONS: tuple[Question, ...] = (
    Question("how much did I sell today", _today(Metric.SALES)),
    Question("aaj ka munafa", _today(Metric.PROFIT)),
    Question("top 10 products this month", _this_month(Metric.SALES, Dimension.PRODUCT)),
    Question("slowest products this month", _this_month(Metric.SALES, Dimension.PRODUCT, Sort.ASC)),
    # A whole month whatever the date: "this month" on the 4th reads four days, on the
    # 31st thirty-one.
    Question(
        "top 10 products last month",
        lambda t: Intent(
            metric=Metric.SALES,
            dimensions=(Dimension.PRODUCT,),
            date_from=_last_month(t)[0],
            date_to=_last_month(t)[1],
        ),
    ),
    Question(
        "who owes me the most",
        lambda t: Intent(metric=Metric.UDHAAR_DUE, dimensions=(Dimension.CUSTOMER,)),
    ),
    Question(
        "overdue udhaar",
        lambda t: Intent(metric=Metric.UDHAAR_DUE, dimensions=(Dimension.CUSTOMER,), overdue=True),
    ),
    Question(
        "which items are low in stock",
        lambda t: Intent(
            metric=Metric.STOCK,
            dimensions=(Dimension.PRODUCT,),
            low_stock=True,
            sort=Sort.ASC,
            limit=MAX_LIMIT,
        ),
    ),
    Question(
        "sales this week by day",
        lambda t: Intent(
            metric=Metric.SALES,
            dimensions=(Dimension.DAY,),
            date_from=t - dt.timedelta(days=t.weekday()),
            date_to=t,
            sort=Sort.TIME,
            limit=MAX_LIMIT,
        ),
    ),
    Question(
        "sales by payment mode this month",
        _this_month(Metric.SALES, Dimension.PAYMENT_MODE),
    ),
    Question(
        "best customers this year",
        lambda t: Intent(
            metric=Metric.SALES,
            dimensions=(Dimension.CUSTOMER,),
            date_from=t.replace(month=1, day=1),
            date_to=t,
        ),
    ),
    Question(
        f"how much does {CUSTOMER.split()[0]} owe?",
        lambda t: Intent(metric=Metric.UDHAAR_DUE, party=CUSTOMER.split()[0]),
    ),
)


def _pct(ordered: list[float], p: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2) if ordered else 0.0


def _latencies(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": _pct(ordered, 0.50),
        "p95_ms": _pct(ordered, 0.95),
        "p99_ms": _pct(ordered, 0.99),
        "mean_ms": round(statistics.fmean(ordered), 2) if ordered else 0.0,
        "max_ms": round(ordered[-1], 2) if ordered else 0.0,
    }


def _code(response: httpx.Response) -> str | None:
    try:
        code = response.json().get("code")
    except ValueError:
        return None
    return code if isinstance(code, str) else None


async def prepare(base: str, token: str, products: list[int], url: str) -> dict[str, Any]:
    """Today's bills in the history shop, through the API (its history ends yesterday):
    cash, UPI and udhaar, a third of them to `CUSTOMER`, so "today" and a balance by name
    have something to find. Then what autovacuum would do to the history's customers (the
    seed analyses the other tables it fills): without statistics the planner takes the
    shop's 500 customers for one row and joins them in a nested loop, 1.7 s for "who owes
    me the most" instead of 0.15 s, depending on whether autovacuum came by first."""
    rng = random.Random(16)
    headers = {"Authorization": f"Bearer {token}"}
    made = 0
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as http:
        for i in range(TODAY_BILLS):
            if i % 3 == 0:
                terms: dict[str, Any] = {"customer_name": CUSTOMER, "phone_no": "9812345678"}
                terms |= {"bill_paid": False, "amount_paid": 0}
            else:
                terms = {"bill_paid": True, "payment_mode": "upi" if i % 3 == 1 else "cash"}
            for _ in range(SHORT_STOCK_TRIES):
                lines = [
                    {"product_id": pid, "quantity": rng.randint(1, 3)}
                    for pid in rng.sample(products, 3)
                ]
                response = await http.post("/api/sales/", json={"products": lines} | terms)
                if response.status_code != 409 or _code(response) != "insufficient_stock":
                    break  # a product the history sold out of: another three are drawn
            response.raise_for_status()
            made += 1
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("ANALYZE customers")
    finally:
        await connection.close()
    return {"bills": made, "on_udhaar_to": CUSTOMER, "udhaar_bills": (TODAY_BILLS + 2) // 3}


async def _post(http: httpx.AsyncClient, question: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await http.post("/api/ask", json={"question": question})
    return (time.perf_counter() - started) * 1000, response


async def understood(base: str, token: str) -> list[dict[str, Any]]:
    """Every question once: understood, status, rows, the answer's start, the first latency."""
    checked = []
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        for question in QUESTIONS:
            elapsed, response = await _post(http, question.text)
            body = response.json() if response.status_code == 200 else {}
            checked.append(
                {
                    "question": question.text,
                    "status": response.status_code,
                    "understood": bool(body.get("understood")),
                    "engine": body.get("engine"),
                    "columns": body.get("columns"),
                    "rows": len(body.get("rows") or []),
                    "answer": (body.get("answer") or response.text)[:160],
                    "first_ms": round(elapsed, 1),
                }
            )
    return checked


async def drive(base: str, token: str, *, seconds: float, warmup: float) -> dict[str, Any]:
    """Rounds of every question in shuffled order: the mix's and each question's latencies."""
    rng = random.Random(2026)
    per_question: dict[str, list[float]] = {q.text: [] for q in QUESTIONS}
    statuses: dict[str, int] = {}
    errors = 0
    rounds = 0
    async with httpx.AsyncClient(
        base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        started = time.perf_counter()
        while time.perf_counter() - started < warmup:
            for question in rng.sample(QUESTIONS, len(QUESTIONS)):
                await _post(http, question.text)
        started = time.perf_counter()
        while rounds < MIN_ROUNDS or time.perf_counter() - started < seconds:
            for question in rng.sample(QUESTIONS, len(QUESTIONS)):
                elapsed, response = await _post(http, question.text)
                statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
                if response.status_code != 200:
                    errors += 1
                per_question[question.text].append(elapsed)
            rounds += 1
        measured = time.perf_counter() - started
    mix = [ms for samples in per_question.values() for ms in samples]
    return {
        "client": CLIENT,
        "connections": CONNECTIONS,
        "seconds": round(measured, 1),
        "warmup": warmup,
        "rounds": rounds,
        "requests": len(mix),
        "errors": errors,
        "statuses": dict(sorted(statuses.items())),
        "rps": round(len(mix) / measured, 1) if measured else 0.0,
        **{k: v for k, v in _latencies(mix).items() if k != "n"},
        "questions": {text: _latencies(samples) for text, samples in per_question.items()},
    }


# EXPLAIN of what each question compiles to, as the API runs it.

_PARAM = re.compile(r"(?<!:):([a-z_]+)\b")


def _literal(value: Any) -> str:
    if isinstance(value, bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _positional(sql: str, params: dict[str, Any]) -> tuple[str, list[str]]:
    """`:name` parameters as `$n`, and the values as SQL literals in that order."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    return _PARAM.sub(number, sql), [_literal(params[name]) for name in order]


def _describe(node: dict[str, Any]) -> str:
    what = node["Node Type"]
    for key in ("Relation Name", "Index Name"):
        if key in node:
            what += f" {node[key]}"
    return what


def _costliest(plan: dict[str, Any]) -> tuple[float, str]:
    """The node with the most time of its own (its time less its children's, loops and
    parallel workers summed), as text. The inner side of a nested loop counts as one unit
    (EXPLAIN rounds its per-loop times to a microsecond, so its parts cannot be told apart)."""
    best: tuple[float, str] = (-1.0, "")

    def inclusive(node: dict[str, Any]) -> float:
        return float(node.get("Actual Total Time", 0.0)) * (node.get("Actual Loops", 1) or 1)

    def subtree(node: dict[str, Any]) -> list[str]:
        return [_describe(node), *(d for c in node.get("Plans", []) for d in subtree(c))]

    def consider(own: float, what: str) -> None:
        nonlocal best
        if own > best[0]:
            best = (own, what)

    def walk(node: dict[str, Any]) -> float:
        loops = node.get("Actual Loops", 1) or 1
        children = node.get("Plans", [])
        spent = 0.0
        for index, child in enumerate(children):
            if node["Node Type"] == "Nested Loop" and index == 1:
                looped = child.get("Actual Loops", 1) or 1
                consider(
                    inclusive(child),
                    f"nested loop's inner side x {looped} loops: " + " > ".join(subtree(child)),
                )
                spent += inclusive(child)
            else:
                spent += walk(child)
        rows = node.get("Actual Rows", 0)
        consider(
            max(0.0, inclusive(node) - spent), f"{_describe(node)} (rows {rows} x {loops} loops)"
        )
        return inclusive(node)

    walk(plan["Plan"])
    return round(best[0], 1), best[1]


async def explain(url: str, shop_id: int, today: dt.date) -> list[dict[str, Any]]:
    """Each question's SQL under EXPLAIN (ANALYZE, BUFFERS), custom and generic plans, as
    the app role in the shop; plans written to `PLANS`."""
    found: list[dict[str, Any]] = []
    texts: list[str] = [f"ask the shop: plans in shop {shop_id}, today {today}\n"]
    connection = await asyncpg.connect(url)
    try:
        for number, question in enumerate(QUESTIONS):
            parsed = parser.parse(question.text, today)
            intent = parsed or question.expected(today)
            expected = question.expected(today)
            entry: dict[str, Any] = {
                "question": question.text,
                "intent_from": "parser" if parsed is not None else "bench (parser gave None)",
                "parser_matches_bench_intent": None if parsed is None else parsed == expected,
                "intent": intent.model_dump(mode="json", exclude_defaults=True),
            }
            try:
                query = compile_intent(intent, shop_id, today)
            except Unanswerable as exc:
                entry["unanswerable"] = str(exc)
                found.append(entry)
                continue
            sql, values = _positional(query.sql, query.params)
            entry["sql"] = query.sql
            texts.append(f"\n=== {question.text}\n{json.dumps(entry['intent'])}\n{query.sql}\n")
            for mode in ("custom", "generic"):
                name = f"ask_{number}_{mode}"
                execute = f"EXECUTE {name}" + (f"({', '.join(values)})" if values else "")
                async with connection.transaction():
                    await connection.execute(
                        "SELECT set_config('role', $1, true), set_config('app.shop_id', $2, true)",
                        APP_ROLE,
                        str(shop_id),
                    )
                    await connection.execute(f"SET LOCAL plan_cache_mode = force_{mode}_plan")
                    await connection.execute(f"PREPARE {name} AS {sql}")
                    try:
                        runs = []
                        for _ in range(RUNS):
                            begun = time.perf_counter()
                            await connection.fetch(execute)
                            runs.append((time.perf_counter() - begun) * 1000)
                        text = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {execute}")
                        raw = await connection.fetchval(
                            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {execute}"
                        )
                    finally:
                        await connection.execute(f"DEALLOCATE {name}")
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                own_ms, node = _costliest(plan)
                entry[mode] = {
                    "run_ms": round(statistics.median(runs), 1),
                    "execution_ms": round(plan["Execution Time"], 1),
                    "planning_ms": round(plan["Planning Time"], 1),
                    "costliest_node": node,
                    "costliest_own_ms": own_ms,
                }
                texts.append(f"--- {mode} plan\n" + "\n".join(r[0] for r in text) + "\n")
            found.append(entry)
    finally:
        await connection.close()
    PLANS.parent.mkdir(parents=True, exist_ok=True)
    PLANS.write_text("".join(texts))
    return found


async def measure(base: str, token: str, url: str, shop_id: int, today: dt.date, *,
                  warmup: float) -> dict[str, Any]:  # fmt: skip
    """The whole path: the understanding pass, the timed rounds, the plans."""
    checked = await understood(base, token)
    timed = await drive(base, token, seconds=ASK_SECONDS, warmup=warmup)
    plans = await explain(url, shop_id, today)
    by_text = {p["question"]: p for p in plans}
    for row in checked:
        row |= {"latency": timed["questions"][row["question"]]}
        plan = by_text.get(row["question"], {})
        row["sql_ms"] = {m: plan[m]["run_ms"] for m in ("custom", "generic") if m in plan}
        row["costliest_node"] = plan.get("generic", {}).get("costliest_node")
    timed["questions"] = checked
    return {
        **timed,
        "understood": sum(row["understood"] for row in checked),
        "asked": len(checked),
        "not_understood": [row["question"] for row in checked if not row["understood"]],
        "plans": plans,
        "plans_file": str(PLANS.name),
    }


def table(figures: dict[str, Any]) -> str:
    """Each question's own figures, slowest p50 first."""
    lines = [
        f"  {'question':<36} {'ok':<3} {'rows':>4} {'p50':>7} {'p95':>7} {'n':>4}"
        f" {'sql ms c/g':>12}  costliest node (generic plan)"
    ]
    ordered = sorted(figures["questions"], key=lambda r: -r["latency"]["p50_ms"])
    for row in ordered:
        sql = row["sql_ms"]
        sql_text = f"{sql.get('custom', '-')}/{sql.get('generic', '-')}"
        lines.append(
            f"  {row['question'][:36]:<36} {'yes' if row['understood'] else 'NO':<3}"
            f" {row['rows']:>4} {row['latency']['p50_ms']:>7} {row['latency']['p95_ms']:>7}"
            f" {row['latency']['n']:>4} {sql_text:>12}  {row['costliest_node'] or ''}"
        )
    return "\n".join(lines)


def main() -> None:
    """This path alone on a fresh database: shop, catalogue, history, today's bills, then ask."""
    import tempfile

    from benchmarks import database
    from benchmarks import run as harness

    async def run(api_base: str, db: database.Database) -> dict[str, Any]:
        shop, history = await harness.history_shop(api_base, db)
        today = dt.datetime.now(harness.KOLKATA).date()
        await prepare(api_base, shop.token, shop.products, db.app_url)
        harness.say(f"ask: {ASK_SECONDS:g} s after {harness.READ_WARMUP:g} s warm-up")
        figures = await measure(
            api_base, shop.token, db.app_url, shop.shop_id, today, warmup=harness.READ_WARMUP
        )
        return {"history_seed": history, "shop_id": shop.shop_id, "ask": figures}

    with (
        tempfile.TemporaryDirectory(prefix="dukaan-bench-ask-") as tmp,
        database.provision(Path(tmp)) as db,
        harness.api_server(Path(tmp), db) as api,
    ):
        figures = asyncio.run(run(api.base, db))
        if not db.embedded:
            harness.say(f"database {db.app_url}, history shop {figures['shop_id']}")
    ask = figures["ask"]
    print(
        f"ask p50 / p95 / p99 ms: {ask['p50_ms']} / {ask['p95_ms']} / {ask['p99_ms']}"
        f" ({ask['requests']} requests, {ask['errors']} errors,"
        f" {ask['understood']} of {ask['asked']} understood)"
    )
    print(table(ask))
    for row in ask["questions"]:
        if not row["understood"]:
            print(f"  not understood: {row['question']!r}: {row['answer']}")
    print(f"  plans: {PLANS}")


def explain_main(url: str, shop_id: int) -> None:
    """The plans alone, on a kept database, dated today in Kolkata (as the history shop)."""
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30))).date()
    for plan in asyncio.run(explain(url, shop_id, today)):
        timed = "  ".join(
            f"{mode} {plan[mode]['run_ms']} ms ({plan[mode]['costliest_node']})"
            for mode in ("custom", "generic")
            if mode in plan
        )
        print(f"{plan['question']:<36} {plan.get('unanswerable', timed)}")
    print(f"plans: {PLANS}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["explain"]:
        explain_main(sys.argv[2], int(sys.argv[3]))
    else:
        main()
