"""The database-only ceiling of a sale: the SQL of one real sale, replayed by pgbench.

Issue 20, item 1. The API bench measures a sale end to end; pgbench's tpcb-like measures the
server on a transaction that is not ours. This step measures our own transaction without the
API, on the same database right after the API steps, so the gap splits into the API's share
and the transaction's.

1. Capture. A capture shop is registered through the API and stocked; PostgreSQL logs every
   statement (`log_min_duration_statement = 0`, as `benchmarks.reports` does) of one paid and
   one credit 3-line sale posted through the API. Every id those sales touch (shop, user,
   login session, products, customer, bill, idempotency claim) is made distinctive first by
   moving the tables' sequences far ahead, so each value in the log names one thing only.
   The sale is its `sales_record` call, a statement of its own (its own transaction), as the
   app sends it once a worker has read the shop and the bill's products; the `sales_quote`
   call a worker sends first for what it has not read yet (or after a change) is left out,
   as are the driver's one-off statements on a new connection.
2. Script. Each statement becomes a pgbench command in prepared mode (`-M prepared`, as
   asyncpg prepares the app's statements). The values that name things become pgbench
   variables (`\\set` per transaction: a random bench shop, its login session, 3 distinct
   products of its catalogue, a customer phone from a pool of 500, a unique idempotency key),
   inside the JSON arguments too (the JSON is rebuilt around them with `||`); what the bill
   was priced from (its `products`) is read from the replayed products in the same statement,
   since `sales_record` checks it; every other value (prices, totals, the SMS text) stays the
   logged one. Rows are really written, with the same shape: 3 lines, 1 in 4 on credit (the
   two scripts weighted 3:1).
3. Run. `pgbench -n -M prepared -c 32 -j 2 -T N` over every bench shop, then `-c 8` on one
   shop, against the app's database (the functions' shop switch sets the app role
   and `app.shop_id` transaction-locally, as for the app; row-level security applies).

Replayed bills are not successful API responses (their lines are the captured bill's lines
on other products): `make bench` runs this after its invariant check. Their bill numbers stay
gapless (the function numbers them as for the app).

The split: at a given concurrency the machine spends 1/rps seconds per API sale and 1/tps
per replayed transaction, so the transaction's share of the API's per-sale time is
rps / tps and the rest (1 - rps / tps) is the API: the Python worker, HTTP, the driver, and
the round trips between them. Against pgbench's tpcb-like (the ratio `make bench` reports),
the gap 1/rps - 1/tpcb splits into our transaction's extra cost (1/tps - 1/tpcb) and the
API's (1/rps - 1/tps).

Alone, on a fresh database (shops, catalogues, the API's multi-shop and single-shop sales,
pgbench's tpcb-like in its own database, then the replay): `python -m benchmarks.sale_replay`
(knobs as `benchmarks.run`: BENCH_SHOPS, BENCH_PRODUCTS, BENCH_SECONDS, BENCH_SINGLE_SECONDS,
BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_PGBENCH_SECONDS). Its figures go to
benchmarks/results/sale_replay.json (`make bench`: `sale_replay` in latest.json) and the
scripts to benchmarks/results/sale_replay_{paid,credit}[_single].sql.
"""

import asyncio
import contextlib
import json
import random
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from app.core import jsoncodec
from benchmarks import database, reports, seed

RESULTS = Path(__file__).resolve().parent / "results"
CAPTURE_PRODUCTS = 30
CAPTURE_STOCK = 1_000_000
PHONE_POOL = 500
PHONE_BASE = 9_000_000_000
SEQUENCE_STEP = 10_000_000
"""How far apart the captured ids are moved (sequence k gets current + k * STEP + 777), so
that no two of them, and no small number in the SQL, can be mistaken for one another."""
WEIGHTS = {"paid": 3, "credit": 1}
ONE_OFF = ("typeinfo_tree", "set_config('jit'", "pg_reload_conf", "ALTER SYSTEM")
"""Statements of a new driver connection or of this capture, not of the sale."""

_ENTRY = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S* \S+ \[(?P<pid>\d+)\] (?P<level>[A-Z]+):\s+(?P<rest>.*)",
    re.DOTALL,
)
_EXECUTED = re.compile(
    r"duration: [0-9.]+ ms\s+(?P<kind>execute [^:]*|statement): (?P<sql>.*)", re.DOTALL
)
_PLACEHOLDER = re.compile(r"\$(\d+)")
_LAST_CALL = re.compile(r"\bsales_record\(")
_PRICED_FROM = (
    "(SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'price_sale', "
    "price_sale, 'price_purchase', price_purchase, 'hsn_code', hsn_code, 'gst_rate', gst_rate, "
    "'cess_rate', cess_rate, 'price_includes_tax', price_includes_tax)), '[]') FROM products "
    "WHERE shop_id = :shop AND id IN (:p1, :p2, :p3))"
)
"""What the replayed bill was priced from: the replayed products as they are (the captured
bill's were other products), read in the statement as the quote read them."""
_SHOP_VERSION = "to_jsonb((SELECT xmin::text FROM shops WHERE id = :shop))"
"""The version of the replayed shop's row, which the bill was priced with."""
_PGBENCH_VARIABLE = re.compile(r":[A-Za-z0-9_]")


class CaptureError(Exception):
    """The sale's SQL could not be captured or turned into a script; the step is skipped."""


@dataclass
class Statement:
    sql: str
    params: dict[int, str | None] = field(default_factory=dict)
    simple: bool = False


@dataclass
class Captured:
    """One captured sale and the distinctive values its statements carry."""

    kind: str
    statements: list[Statement]
    scalars: dict[str, str]
    """Literal value -> the pgbench expression that replaces it."""
    json_strings: dict[str, str]
    """A string inside the JSON arguments -> the SQL text expression replacing it."""
    product_ids: list[int]


@dataclass
class BenchShop:
    shop_id: int
    session_id: int
    user_id: int
    first_product: int
    products: int


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# 1. Capture.


async def _advance(connection: asyncpg.Connection, tables: list[str], start: int) -> None:
    """Move each table's id sequence far ahead, each by a different step."""
    for k, table in enumerate(tables, start=start):
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" coalesce((SELECT max(id) FROM {table}), 0) + {k * SEQUENCE_STEP + 777})"
        )


def _entries(log: str) -> list[tuple[int, Statement]]:
    """The executed statements of a piece of the log, with their backend's pid."""
    found: list[tuple[int, Statement]] = []
    last: dict[int, Statement | None] = {}
    chunks: list[list[str]] = []
    for line in log.splitlines():
        if _ENTRY.match(line):
            chunks.append([line])
        elif chunks:
            chunks[-1].append(line)
    for chunk in chunks:
        match = _ENTRY.match("\n".join(chunk))
        if match is None:
            continue
        pid, level, rest = int(match["pid"]), match["level"], match["rest"]
        if level == "DETAIL":
            statement = last.get(pid)
            if statement is not None and rest.startswith("Parameters:"):
                statement.params = {
                    int(n): None if value == "NULL" else value
                    for n, value in reports._PARAMETER.findall(rest)
                }
            continue
        executed = _EXECUTED.match(rest)
        if executed is None:
            last[pid] = None  # a parse or a bind: its DETAIL is not the execution's
            continue
        statement = Statement(executed["sql"].strip(), simple=executed["kind"] == "statement")
        last[pid] = statement
        if not any(word in statement.sql for word in ONE_OFF):
            found.append((pid, statement))
    return found


def _sale(entries: list[tuple[int, Statement]], start: int) -> tuple[list[Statement], int]:
    """The call that wrote the first sale from `start` (`sales_record`), and the index after
    it. A `sales_quote` before it on that backend (a worker that had not read the bill's
    products yet) is left out: the replay is the steady state, one call per sale."""
    for index in range(start, len(entries)):
        _, statement = entries[index]
        if _LAST_CALL.search(statement.sql):
            return [statement], index + 1
    raise CaptureError("no sales_record call in the log")


async def capture(base: str, url: str) -> list[Captured]:
    """One paid and one credit sale through the API, their statements from the server log."""
    rng = random.Random(20_20)
    connection = await asyncpg.connect(url)
    try:
        await _advance(connection, ["shops", "users", "auth_sessions"], 1)
        (shop,) = await seed.register_shops(base, [f"Replay Capture {secrets.token_hex(2)}"], rng)
        await _advance(connection, ["products"], 4)
        products = await seed.add_products(
            connection, shop.shop_id, CAPTURE_PRODUCTS, CAPTURE_STOCK, rng
        )
        session = await connection.fetchrow(
            "SELECT s.id, u.role FROM auth_sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.shop_id = $1 ORDER BY s.id DESC LIMIT 1",
            shop.shop_id,
        )
        if session is None:
            raise CaptureError("the capture shop has no login session")
        log_path, offset = await reports._log_position(connection)
        await connection.execute("ALTER SYSTEM SET log_min_duration_statement = 0")
        await connection.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.5)
        sales: list[dict[str, Any]] = []
        try:
            async with httpx.AsyncClient(
                base_url=base, timeout=60, headers={"Authorization": f"Bearer {shop.token}"}
            ) as http:
                for n, kind in enumerate(WEIGHTS):
                    await _advance(connection, ["customers", "sales", "idempotency_keys"], 5)
                    phone = f"9{rng.randrange(10**8, 10**9)}"
                    key = f"replay-capture-{secrets.token_hex(6)}"
                    lines = products[3 * n : 3 * n + 3]
                    response = await http.post(
                        "/api/sales/",
                        json={
                            "customer_name": "Bench Customer",
                            "phone_no": phone,
                            "bill_paid": kind == "paid",
                            "products": [{"product_id": p, "quantity": 2} for p in lines],
                        },
                        headers={"Idempotency-Key": key},
                    )
                    if response.status_code != 201:
                        raise CaptureError(f"capture sale: {response.status_code} {response.text}")
                    sales.append({"kind": kind, "key": key, "products": lines, **response.json()})
        finally:
            await connection.execute("ALTER SYSTEM RESET log_min_duration_statement")
            await connection.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.3)
        _, end = await reports._log_position(connection)
        log = await connection.fetchval(
            "SELECT pg_read_file($1, $2, $3)", log_path, offset, max(0, end - offset)
        )
        entries = _entries(log or "")
        captured = []
        start = 0
        for sale in sales:
            row = await connection.fetchrow(
                "SELECT s.id, s.customer_id, c.phone, k.id AS claim_id FROM sales s"
                " JOIN customers c ON c.id = s.customer_id"
                " JOIN idempotency_keys k ON k.shop_id = s.shop_id AND k.key = $2"
                " WHERE s.id = $1",
                sale["sale_id"],
                sale["key"],
            )
            if row is None:
                raise CaptureError("the captured sale's rows were not found")
            statements, start = _sale(entries, start)
            captured.append(
                Captured(
                    kind=sale["kind"],
                    statements=statements,
                    product_ids=sale["products"],
                    scalars={
                        str(shop.shop_id): ":shop",
                        str(shop.user_id): ":user_id",
                        str(session["id"]): ":session_id",
                        str(row["customer_id"]): ":customer_id",
                        str(row["claim_id"]): ":claim_id",
                        str(row["id"]): ":id",
                        row["phone"]: "('+91' || :phone::text)",
                        sale["key"]: "('replay-' || :client_id::text || '-' || :nonce::text)",
                    },
                    json_strings={
                        row["phone"]: "('+91' || :phone::text)",
                        sale["key"]: "('replay-' || :client_id::text || '-' || :nonce::text)",
                    },
                )
            )
        if session["role"] != "owner":
            raise CaptureError(f"the capture session's role is {session['role']!r}")
    finally:
        await connection.close()
    return captured


# 2. The script.


def _split(sql: str) -> list[str]:
    """A simple query's statements (semicolons outside quotes)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _json_argument(raw: str, names: dict[str, str], strings: dict[str, str]) -> str:
    """A logged JSON argument as a jsonb expression over pgbench's variables.

    `names`: an id in the JSON (a JSON number) -> the variable replacing it; `strings`: a
    JSON string -> an SQL text expression replacing it. The JSON is split around them and
    joined with `||` (in prepared mode a variable is a parameter, so it cannot sit inside a
    literal). The bill's `products` (what it was priced from, which `sales_record` checks)
    are read from the replayed products themselves, and its `shop_version` from the shop."""
    value = json.loads(raw, parse_float=Decimal)
    swapped: list[str] = []

    def swap(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: swap(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [swap(inner) for inner in item]
        expression = None
        if isinstance(item, int) and not isinstance(item, bool) and str(item) in names:
            expression = f"({names[str(item)]})::text"
        elif isinstance(item, str) and item in strings:
            expression = f"to_jsonb({strings[item]})::text"
        if expression is None:
            return item
        swapped.append(expression)
        return f"\ue0f0{len(swapped) - 1}\ue0f1"

    priced = isinstance(value, dict) and "products" in value and "lines" in value
    if priced:
        value["products"] = []
    text = jsoncodec.dumps(swap(value)).decode()
    parts = re.split(r'"\ue0f0(\d+)\ue0f1"', text)
    pieces = []
    for index, part in enumerate(parts):
        if index % 2:
            pieces.append(swapped[int(part)])
        elif part:
            pieces.append(_literal("'" + part.replace("'", "''") + "'", "text"))
    expression = f"({' || '.join(pieces)})::jsonb"
    if priced:
        expression = f"jsonb_set({expression}, '{{products}}', {_PRICED_FROM})"
        return f"jsonb_set({expression}, '{{shop_version}}', {_SHOP_VERSION})"
    return expression


def _literal(quoted: str, type_name: str) -> str:
    """A logged parameter ('...' as PostgreSQL quotes it) as a typed literal pgbench leaves
    alone: a colon before a name character is written as an escape, not read as a variable."""
    if _PGBENCH_VARIABLE.search(quoted):
        body = quoted[1:-1].replace("\\", "\\\\").replace(":", "\\x3a")
        return f"E'{body}'::{type_name}"
    return f"{quoted}::{type_name}"


async def _parameter_types(connection: asyncpg.Connection, sql: str) -> list[str]:
    await connection.execute(f"PREPARE sale_replay_probe AS {sql}")
    try:
        types = await connection.fetchval(
            "SELECT parameter_types::text[] FROM pg_prepared_statements"
            " WHERE name = 'sale_replay_probe'"
        )
    finally:
        await connection.execute("DEALLOCATE sale_replay_probe")
    return list(types or [])


async def script(connection: asyncpg.Connection, sale: Captured, shops: list[BenchShop]) -> str:
    """The pgbench script of one captured sale, over `shops`."""
    products = {str(p): f":p{i + 1}" for i, p in enumerate(sale.product_ids)}
    third = min(s.products for s in shops) // len(sale.product_ids)
    if third < 1:
        raise CaptureError("the bench shops have too few products for the script")

    def case(values: list[int]) -> str:
        arms = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values[:-1]))
        return f"CASE {arms} ELSE {values[-1]} END" if arms else str(values[-1])

    def case_on_i(values: list[int]) -> str:
        return case(values).replace("WHEN ", "WHEN :i = ")

    lines = [
        f"-- the {sale.kind} sale of benchmarks/sale_replay.py (generated; issue 20 item 1)",
        f"\\set i random(0, {len(shops) - 1})",
        f"\\set shop {case_on_i([s.shop_id for s in shops])}",
        f"\\set session_id {case_on_i([s.session_id for s in shops])}",
        f"\\set user_id {case_on_i([s.user_id for s in shops])}",
        f"\\set base {case_on_i([s.first_product for s in shops])}",
    ]
    for k in range(len(sale.product_ids)):
        lines.append(f"\\set p{k + 1} :base + {k * third} + random(0, {third - 1})")
    lines += [
        f"\\set phone {PHONE_BASE} + random(0, {PHONE_POOL - 1})",
        "\\set nonce random(1, 1000000000000000)",
    ]

    def substitute_simple(sql: str) -> str:
        for value, expression in products.items():
            sql = re.sub(rf"(?<![\w.']){value}(?![\w.'])", expression, sql)
        for value, expression in sale.scalars.items():
            if value.isdigit():
                sql = re.sub(rf"'{value}'|(?<![\w.']){value}(?![\w.'])", expression, sql)
            else:
                sql = sql.replace(f"'{value}'", expression)
        return sql

    for statement in sale.statements:
        if statement.simple:
            # One message, as the app sends it: a compound command (simple protocol).
            parts = [substitute_simple(part) for part in _split(statement.sql)]
            commands = [" \\;\n".join(parts)]
        else:
            types = await _parameter_types(connection, statement.sql)

            def replace(
                match: re.Match[str],
                types: list[str] = types,
                params: dict[int, str | None] = statement.params,
            ) -> str:
                n = int(match[1])
                type_name = types[n - 1]
                value = params.get(n)
                if value is None:
                    return f"NULL::{type_name}"
                raw = value[1:-1].replace("''", "'")
                if type_name == "jsonb":
                    return _json_argument(raw, products | sale.scalars, sale.json_strings)
                if raw.startswith("{") and raw.endswith("}"):
                    items = raw[1:-1].split(",")
                    if items and all(item in products for item in items):
                        return f"ARRAY[{', '.join(products[i] for i in items)}]::{type_name}"
                if raw in sale.scalars:
                    return f"{sale.scalars[raw]}::{type_name}"
                return _literal(value, type_name)

            commands = [_PLACEHOLDER.sub(replace, statement.sql)]
        for command in commands:
            returns = "AS claim_id" in command or "INSERT INTO sales" in command
            lines.append(command + ("\n\\gset" if returns else ";"))
    text = "\n".join(lines) + "\n"
    leftover = [
        v for v in [*sale.scalars, *products] if re.search(rf"(?<![\w.]){re.escape(v)}(?!\w)", text)
    ]
    if leftover:
        raise CaptureError(f"captured values left in the {sale.kind} script: {leftover}")
    return text


async def bench_shops(connection: asyncpg.Connection, shop_ids: list[int]) -> list[BenchShop]:
    """Each shop's live login session and its catalogue, if its product ids are contiguous."""
    rows = await connection.fetch(
        """
        SELECT s.id AS shop_id, ss.id AS session_id, ss.user_id, u.role,
               p.first, p.last, p.n
        FROM shops s
        JOIN LATERAL (
            SELECT id, user_id FROM auth_sessions
            WHERE shop_id = s.id AND revoked_at IS NULL AND expires_at > now()
            ORDER BY id DESC LIMIT 1
        ) ss ON true
        JOIN users u ON u.id = ss.user_id
        JOIN LATERAL (
            SELECT min(id) AS first, max(id) AS last, count(*) AS n
            FROM products WHERE shop_id = s.id AND archived_at IS NULL
        ) p ON true
        WHERE s.id = ANY($1::bigint[])
        ORDER BY s.id
        """,
        shop_ids,
    )
    return [
        BenchShop(r["shop_id"], r["session_id"], r["user_id"], r["first"], r["n"])
        for r in rows
        if r["role"] == "owner" and r["n"] >= 3 and r["last"] - r["first"] + 1 == r["n"]
    ]


# 3. The run.


def run_pgbench(url: str, scripts: dict[str, Path], clients: int, seconds: int) -> dict[str, Any]:
    binary = database.pgbench_binary()
    command = [binary, "-n", "-M", "prepared"]
    for kind, path in scripts.items():
        command += ["-f", f"{path}@{WEIGHTS[kind]}"]
    command += ["-c", str(clients), "-j", "2", "-T", str(seconds)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
    processed = re.search(r"number of transactions actually processed: (\d+)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    if tps is None:
        errors = [line for line in done.stderr.splitlines() if "NOTICE" not in line]
        raise CaptureError(f"pgbench failed ({done.returncode}): {' | '.join(errors[-5:])}")
    aborted = [line for line in done.stderr.splitlines() if "aborted" in line]
    return {
        "tps": round(float(tps.group(1)), 1),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "transactions": int(processed.group(1)) if processed else None,
        "failed_transactions": int(failed.group(1)) if failed else 0,
        "aborted_clients": len(aborted),
        "first_error": aborted[0] if aborted else None,
        "clients": clients,
        "seconds": seconds,
        "command": " ".join(Path(binary).name if p == binary else p for p in command) + " <app db>",
    }


async def written(connection: asyncpg.Connection, after_sale: int) -> dict[str, Any]:
    """What the replay really wrote: its bills, their lines, stock movements and udhaar."""
    row = await connection.fetchrow(
        """
        SELECT (SELECT count(*) FROM sales WHERE id > $1) AS bills,
               (SELECT count(*) FROM sale_lines WHERE sale_id > $1) AS lines,
               (SELECT count(*) FROM stock_movements WHERE sale_id > $1) AS movements,
               (SELECT count(*) FROM udhaar_entries WHERE sale_id > $1) AS credit_bills,
               (SELECT count(*) FROM sales WHERE id > $1 AND bill_no IS NULL) AS unnumbered
        """,
        after_sale,
    )
    found = dict(row) if row else {}
    if found.get("bills"):
        found["lines_per_bill"] = round(found["lines"] / found["bills"], 2)
        found["credit_share"] = round(found["credit_bills"] / found["bills"], 3)
    return found


def split(api_rps: float, replay_tps: float, tpcb_tps: float | None = None) -> dict[str, Any]:
    """Per-sale time of the API and of its transaction alone, and the shares.

    With pgbench's tpcb-like TPS (the ratio `make bench` reports), the gap between a sale
    and a tpcb-like transaction is split too: the part our transaction costs over tpcb-like,
    and the part the API adds over our transaction.
    """
    api_ms, db_ms = 1000 / api_rps, 1000 / replay_tps
    found: dict[str, Any] = {
        "api_sale_ms": round(api_ms, 2),
        "transaction_ms": round(db_ms, 2),
        "transaction_share": round(db_ms / api_ms, 3),
        "api_share": round(1 - db_ms / api_ms, 3),
        "ratio_api_to_replay": round(api_rps / replay_tps, 3),
    }
    if tpcb_tps:
        tpcb_ms = 1000 / tpcb_tps
        gap = api_ms - tpcb_ms
        found["gap_to_tpcb_ms"] = round(gap, 2)
        if gap > 0:
            found["gap_transaction_part"] = round((db_ms - tpcb_ms) / gap, 3)
            found["gap_api_part"] = round((api_ms - db_ms) / gap, 3)
    return found


async def replay(
    base: str,
    url: str,
    shop_ids: list[int],
    *,
    api_multi: dict[str, Any],
    api_single: dict[str, Any],
    seconds: int,
    tpcb_tps: float | None = None,
) -> dict[str, Any]:
    """Capture, script, replay (all shops at the multi-shop concurrency, then the first shop
    at the single-shop one); the figures beside the API's."""
    captured = await capture(base, url)
    connection = await asyncpg.connect(url)
    try:
        shops = await bench_shops(connection, shop_ids)
        single = [s for s in shops if s.shop_id == shop_ids[0]]
        if not single or len(shops) < len(shop_ids):
            raise CaptureError("the bench shops' products are not contiguous id ranges")
        RESULTS.mkdir(parents=True, exist_ok=True)
        runs = {"multi_shop": (shops, api_multi), "single_shop": (single, api_single)}
        figures: dict[str, Any] = {
            "statements_per_sale": {
                sale.kind: sum(len(_split(s.sql)) if s.simple else 1 for s in sale.statements)
                for sale in captured
            },
        }
        for name, (over, api) in runs.items():
            paths = {}
            for sale in captured:
                path = RESULTS / f"sale_replay_{sale.kind}.sql"
                if name == "single_shop":
                    path = RESULTS / f"sale_replay_{sale.kind}_single.sql"
                path.write_text(await script(connection, sale, over))
                paths[sale.kind] = path
            clients = int(api["connections"])
            say(f"sale replay, {name}: pgbench {clients} clients, {len(over)} shops, {seconds} s")
            before = await connection.fetchval("SELECT coalesce(max(id), 0) FROM sales")
            result = await asyncio.to_thread(run_pgbench, url, paths, clients, seconds)
            result["written"] = await written(connection, before)
            figures[name] = {
                "shops": len(over),
                **result,
                "api_sales_per_s": api["rps"],
                "api_p50_ms": api.get("p50_ms"),
                **split(api["rps"], result["tps"], tpcb_tps),
            }
            say(
                f"  replay {result['tps']} TPS (latency avg {result['latency_avg_ms']} ms, "
                f"{result['written'].get('bills')} bills written, "
                f"{result['written'].get('lines_per_bill')} lines each, "
                f"{result['written'].get('credit_share')} on credit, "
                f"failed {result['failed_transactions']}, aborted {result['aborted_clients']})"
                f" vs API {api['rps']} sales/s: transaction "
                f"{figures[name]['transaction_share']:.0%}, API {figures[name]['api_share']:.0%}"
                " of the per-sale time"
            )
    finally:
        await connection.close()
    return figures


async def step(
    base: str,
    url: str,
    shop_ids: list[int],
    *,
    api_multi: dict[str, Any],
    api_single: dict[str, Any],
    seconds: int,
    tpcb_tps: float | None = None,
) -> dict[str, Any]:
    """`replay`, or the reason it was skipped: `make bench` never fails because of it
    (the API's figures stand without the ceiling beside them)."""
    try:
        return await replay(
            base,
            url,
            shop_ids,
            api_multi=api_multi,
            api_single=api_single,
            seconds=seconds,
            tpcb_tps=tpcb_tps,
        )
    except Exception as error:  # any failure: printed and recorded, the bench goes on
        reason = f"{type(error).__name__}: {error}"
        say(f"  sale replay skipped: {reason}")
        return {"skipped": reason}


def rows(figures: dict[str, Any] | None, row: Callable[..., str]) -> list[str]:
    """`benchmarks.run`'s table lines for this step (`row(name, value, target, met)`)."""
    if not figures:
        return []
    if "skipped" in figures:
        return [row("sale replay (pgbench, our SQL)", "skipped", figures["skipped"][:40])]
    lines = []
    for name in ("multi_shop", "single_shop"):
        r = figures[name]
        lines.append(
            row(
                f"sale replay TPS, {r['shops']} shops, {r['clients']} clients",
                f"{r['tps']} (API {r['api_sales_per_s']})",
                f"failed {r['failed_transactions']}",
            )
        )
        lines.append(
            row(
                "  per sale ms: API / transaction; API share",
                f"{r['api_sale_ms']} / {r['transaction_ms']}; {r['api_share']:.0%}",
            )
        )
        if "gap_api_part" in r:
            lines.append(
                row(
                    "  gap to tpcb-like: transaction / API part",
                    f"{r['gap_transaction_part']:.0%} / {r['gap_api_part']:.0%}",
                )
            )
    return lines


@contextlib.contextmanager
def replayed_alone(prefix: str) -> Iterator[tuple[database.Database, dict[str, Any]]]:
    """A fresh database with the API's sales and the replay run on it (`standalone`): the
    database, still up, and the figures; thrown away when the block ends."""
    import tempfile

    from benchmarks import run

    with (
        tempfile.TemporaryDirectory(prefix=prefix) as tmp,
        database.provision(Path(tmp)) as db,
        run.api_server(Path(tmp), db) as api,
    ):
        yield db, asyncio.run(standalone(run, api, db))


def main() -> None:
    """Alone: a fresh database, the API's sales (multi-shop and one shop), then the replay."""
    with replayed_alone("dukaan-replay-") as (_, figures):
        pass
    (RESULTS / "sale_replay.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


async def standalone(run: Any, api: Any, db: database.Database) -> dict[str, Any]:
    """Shops, catalogues, the API's sales (multi-shop, one shop), tpcb-like, then the replay;
    its scripts are left in RESULTS (`sale_replay_{paid,credit}.sql`)."""
    rng = random.Random(20_26)
    shops = await seed.register_shops(
        api.base, [f"Bench Kirana {i + 1}" for i in range(run.SHOPS)], rng
    )
    connection = await asyncpg.connect(db.app_url)
    try:
        for shop in shops:
            shop.products = await seed.add_products(
                connection, shop.shop_id, run.PRODUCTS, run.STOCK, rng
            )
            shop.phones = seed.indian_mobiles(run.PHONES, rng)
        await connection.execute("VACUUM (ANALYZE) products")
    finally:
        await connection.close()
    use_wrk = run.loadgen_name().startswith("wrk")

    def workload(billed: list[seed.Shop]) -> dict[str, Any]:
        return {
            "kind": "sales",
            "shops": [
                {"token": s.token, "products": s.products, "phones": s.phones} for s in billed
            ],
            "lines": 3,
            "credit_ratio": 0.25,
            "idempotency": True,
            "run_id": f"replay-{secrets.token_hex(3)}",
        }

    multi = await asyncio.to_thread(
        run.drive,
        api,
        workload(shops),
        connections=run.CONNECTIONS,
        seconds=run.SECONDS,
        warmup=run.WARMUP,
        use_wrk=use_wrk,
    )
    say(f"API multi-shop: {multi['rps']} sales/s, p50 {multi['p50_ms']} ms")
    single = await asyncio.to_thread(
        run.drive,
        api,
        workload(shops[:1]),
        connections=run.SINGLE_CONNECTIONS,
        seconds=run.SINGLE_SECONDS,
        warmup=run.SINGLE_WARMUP,
        use_wrk=use_wrk,
    )
    say(f"API single shop: {single['rps']} sales/s, p50 {single['p50_ms']} ms")
    tpcb = await asyncio.to_thread(
        database.run_pgbench,
        db.pgbench_url,
        scale=10,
        clients=8,
        threads=2,
        seconds=run.PGBENCH_SECONDS,
    )
    say(f"pgbench tpcb-like: {tpcb['tps']} TPS")
    figures = await step(
        api.base,
        db.app_url,
        [s.shop_id for s in shops],
        api_multi=multi,
        api_single=single,
        seconds=int(run.SECONDS),
        tpcb_tps=tpcb["tps"],
    )
    return {"tpcb_like": tpcb, **figures}


if __name__ == "__main__":
    main()
