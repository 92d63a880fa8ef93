"""Seed the benchmark's shops: owners through the API, catalogues and history in bulk with SQL.

Shops are registered through `POST /api/auth/register` (so each has a real owner and token).
Catalogues and the sales history are written with set-based SQL as the database owner, which
row-level security does not confine, and every row satisfies the schema's CHECKs and
foreign keys (which stay on) and the ledgers' invariants:
- every product gets an `opening` stock movement for its starting quantity, so a product's
  quantity is the sum of its movements;
- the history's bills have lines, `sale` movements with running balances, gapless bill
  numbers per financial year with their `bill_counters`, udhaar entries for credit bills,
  a few voids (with `void` movements) and returns (with return lines and `return`
  movements); totals, costs and profits are the sums of their lines.
"""

import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

BRANDS = [
    "Tata", "Amul", "Parle", "Haldiram", "Britannia", "Dabur", "Patanjali", "Aashirvaad",
    "Fortune", "Saffola", "Nestle", "Maggi", "Surf Excel", "Dettol", "Colgate", "Lux",
    "Everest", "MDH", "Catch", "Mother Dairy", "Bikaji", "Cadbury", "Kissan", "Lijjat", "Vim",
]  # fmt: skip
ITEMS = [
    "Salt", "Butter", "Biscuit", "Namkeen", "Atta", "Tea", "Honey", "Ghee", "Rice", "Dal",
    "Sugar", "Oil", "Masala", "Soap", "Toothpaste", "Noodles", "Ketchup", "Papad", "Besan",
    "Poha", "Suji", "Jeera", "Haldi", "Chilli Powder", "Coffee", "Milk Powder", "Detergent",
    "Chocolate", "Jam", "Rusk",
]  # fmt: skip
SIZES = ["50g", "100g", "200g", "250g", "500g", "1kg", "2kg", "5kg", "1l", "500ml"]
VARIANTS = ["", "Premium", "Classic", "Value Pack"]
SEARCHES = [
    "salt",
    "amul butter",
    "parle biscut",
    "tata tea",
    "haldiram namkeen",
    "atta 5kg",
    "maggi noodles",
    "ghee 1l",
    "surf excel",
    "dettol soap",
    "masala",
    "fortune oil 1l",
]


def product_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct realistic catalogue names ("Amul Butter 500g Premium")."""
    names = [
        " ".join(part for part in (brand, item, size, variant) if part)
        for variant in VARIANTS
        for brand in BRANDS
        for item in ITEMS
        for size in SIZES
    ]
    rng.shuffle(names)
    if count > len(names):
        raise ValueError(f"at most {len(names)} distinct names")
    return names[:count]


def indian_mobiles(count: int, rng: random.Random) -> list[str]:
    """Distinct valid Indian mobile numbers, typed the way shop staff type them."""
    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(f"{rng.choice('6789')}{rng.randrange(10**8, 10**9)}")
    return sorted(numbers)


@dataclass
class Shop:
    shop_id: int
    user_id: int
    token: str
    name: str
    products: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


async def register_shops(base: str, names: list[str], rng: random.Random) -> list[Shop]:
    owners = indian_mobiles(len(names), rng)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def register(name: str, phone: str) -> Shop:
            response = await http.post(
                "/api/auth/register",
                json={
                    "shop_name": name,
                    "owner_name": "Bench Owner",
                    "phone_no": phone,
                    "password": "bench-pass-123",
                },
            )
            response.raise_for_status()
            body = response.json()
            return Shop(
                shop_id=int(body["shop"]["shop_id"]),
                user_id=int(body["user"]["user_id"]),
                token=body["access_token"],
                name=name,
            )

        semaphore = asyncio.Semaphore(4)

        async def limited(name: str, phone: str) -> Shop:
            async with semaphore:
                return await register(name, phone)

        return list(
            await asyncio.gather(*(limited(n, p) for n, p in zip(names, owners, strict=True)))
        )


_INSERT_PRODUCTS = """
WITH new AS (
    INSERT INTO products (shop_id, name, name_key, price_purchase, price_sale, quantity,
                          unit, reorder_level)
    SELECT $1, n.name, n.name_key, n.cost, n.price, $6, 'pcs', 10
    FROM unnest($2::text[], $3::text[], $4::numeric[], $5::numeric[])
         AS n(name, name_key, cost, price)
    RETURNING id, quantity
)
INSERT INTO stock_movements (shop_id, product_id, quantity, reason, balance_after)
SELECT $1, id, quantity, 'opening', quantity FROM new
RETURNING product_id
"""


async def add_products(
    connection: asyncpg.Connection, shop_id: int, count: int, quantity: int, rng: random.Random
) -> list[int]:
    """A stocked catalogue of `count` products; returns their ids."""
    names = product_names(count, rng)
    costs = [Decimal(rng.randrange(500, 50_000)) / 100 for _ in names]
    prices = [(c * Decimal(rng.randrange(105, 135)) / 100).quantize(Decimal("0.01")) for c in costs]
    rows = await connection.fetch(
        _INSERT_PRODUCTS,
        shop_id,
        names,
        [" ".join(name.split()).casefold() for name in names],
        costs,
        prices,
        Decimal(quantity),
    )
    return sorted(row["product_id"] for row in rows)


async def register_for_gst(
    connection: asyncpg.Connection, shop_id: int, rng: random.Random
) -> None:
    """Make the shop a regular GST shop in Maharashtra whose products carry GST: rates 0, 5,
    18 and 40 percent, one in eight with cess, one in four priced before tax."""
    await connection.execute(
        "UPDATE shops SET gst_scheme = 'regular', gstin = '27AAPFU0939F1ZV', state_code = '27' "
        "WHERE id = $1",
        shop_id,
    )
    await connection.execute(
        """
        UPDATE products SET
            gst_rate = (ARRAY[0, 5, 18, 40])[1 + (id + $2) % 4],
            cess_rate = CASE WHEN (id + $2) % 8 = 3 THEN 12 ELSE 0 END,
            price_includes_tax = (id + $2) % 4 <> 1,
            hsn_code = lpad(((id * 7919) % 9000 + 1000)::text, 4, '0')
        WHERE shop_id = $1
        """,
        shop_id,
        rng.randrange(4),
    )


# The history shop's bills, built in temporary tables first, then inserted table by table.
# Ids are reserved from each table's identity sequence so later API inserts never collide.
_HISTORY = [
    # products of the shop, numbered 0..n-1 to be picked by a deterministic hash
    """
    CREATE TEMP TABLE h_products AS
    SELECT (row_number() OVER (ORDER BY id)) - 1 AS k, id, price_sale, price_purchase
    FROM products WHERE shop_id = $1
    """,
    "CREATE UNIQUE INDEX ON h_products (k)",
    """
    CREATE TEMP TABLE h_customers AS
    WITH new AS (
        INSERT INTO customers (shop_id, name, phone)
        SELECT $1, 'Customer ' || g, '+91' || (9000000000 + g * 7919)::text
        FROM generate_series(1, $2::int) g
        RETURNING id
    )
    SELECT (row_number() OVER (ORDER BY id)) - 1 AS k, id FROM new
    """,
    "CREATE UNIQUE INDEX ON h_customers (k)",
]

_LINES = """
CREATE TEMP TABLE h_lines AS
SELECT l AS n, l / 3 AS s, $1::bigint + l AS id, p.id AS product_id,
       (1 + (l * 7) % 4)::numeric(14, 3) AS quantity, p.price_sale AS rate,
       p.price_purchase AS cost_price,
       round((1 + (l * 7) % 4) * p.price_sale, 2) AS line_total,
       round((1 + (l * 7) % 4) * p.price_purchase, 2) AS line_cost
FROM generate_series(0, $2::bigint - 1) l
JOIN h_products p ON p.k = ((l / 3) * 7919 + (l % 3) * 331) % $3::bigint
"""

_SALES = """
CREATE TEMP TABLE h_sales AS
SELECT t.s, $1::bigint + t.s AS id, dd.d AS sale_date,
       CASE WHEN t.s % 4 = 0 OR t.s % 2 = 1 THEN c.id END AS customer_id,
       t.s % 4 = 0 AS on_credit, t.s % 100 = 7 AS voided, t.s % 200 = 11 AS returned,
       CASE WHEN extract(month FROM dd.d) >= 4 THEN extract(year FROM dd.d)::int
            ELSE extract(year FROM dd.d)::int - 1 END AS fy_start,
       t.total_amount, t.total_cost, t.total_quantity
FROM (
    SELECT s, sum(line_total) AS total_amount, sum(line_cost) AS total_cost,
           sum(quantity) AS total_quantity
    FROM h_lines GROUP BY s
) t
CROSS JOIN LATERAL (SELECT $2::date + ((t.s * $3::bigint) / $5::bigint)::int AS d) dd
JOIN h_customers c ON c.k = (t.s * 31) % $4::bigint
"""

_INSERTS = [
    """
    INSERT INTO sales (shop_id, id, bill_no, customer_id, sale_date, total_amount, total_cost,
                       profit, total_quantity, amount_paid, payment_mode, status, void_reason,
                       voided_at, created_by, created_at)
    SELECT $1, id,
           fy_start || '-' || lpad(((fy_start + 1) % 100)::text, 2, '0') || '/' ||
               lpad((row_number() OVER (PARTITION BY fy_start ORDER BY s))::text, 6, '0'),
           customer_id, sale_date, total_amount, total_cost, total_amount - total_cost,
           total_quantity,
           CASE WHEN on_credit THEN 0 ELSE total_amount END,
           CASE WHEN on_credit THEN 'credit' WHEN s % 3 = 0 THEN 'upi' ELSE 'cash' END,
           CASE WHEN voided THEN 'void' ELSE 'completed' END,
           CASE WHEN voided THEN 'Bench: entered twice' END,
           CASE WHEN voided THEN sale_date + time '20:00' END,
           $2, sale_date + time '10:00' + (s % 600) * interval '1 minute'
    FROM h_sales
    """,
    """
    INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
    SELECT $1, 'sale', fy_start || '-' || lpad(((fy_start + 1) % 100)::text, 2, '0'), count(*)
    FROM h_sales GROUP BY fy_start
    """,
    """
    INSERT INTO sale_lines (shop_id, id, sale_id, product_id, quantity, rate, cost_price,
                            line_total, profit, returned_quantity)
    SELECT $1, l.id, s.id, l.product_id, l.quantity, l.rate, l.cost_price, l.line_total,
           l.line_total - l.line_cost,
           CASE WHEN s.returned AND l.n % 3 = 0 THEN l.quantity ELSE 0 END
    FROM h_lines l JOIN h_sales s USING (s)
    """,
    """
    INSERT INTO udhaar_entries (shop_id, kind, customer_id, sale_id, amount, entry_date,
                                due_date, status)
    SELECT $1, 'sale', customer_id, id, total_amount, sale_date, sale_date + 30, 'open'
    FROM h_sales WHERE on_credit AND total_amount > 0
    """,
    """
    CREATE TEMP TABLE h_returns AS
    SELECT s.id AS sale_id, s.sale_date, l.id AS line_id, l.product_id, l.quantity,
           l.line_total AS amount, l.line_cost AS cost
    FROM h_sales s JOIN h_lines l ON l.s = s.s AND l.n % 3 = 0
    WHERE s.returned
    """,
    """
    WITH new AS (
        INSERT INTO sale_returns (shop_id, sale_id, return_date, amount, cost, refund_amount,
                                  note)
        SELECT $1, sale_id, sale_date + 1, amount, cost, amount, 'Bench return'
        FROM h_returns
        RETURNING id, sale_id
    )
    INSERT INTO sale_return_lines (shop_id, return_id, sale_line_id, quantity, amount, cost)
    SELECT $1, new.id, r.line_id, r.quantity, r.amount, r.cost
    FROM new JOIN h_returns r USING (sale_id)
    """,
    # every movement of the history in time order, with its running balance per product
    """
    CREATE TEMP TABLE h_movements AS
    SELECT m.*, sum(m.quantity) OVER (PARTITION BY m.product_id ORDER BY m.at, m.seq)
               + p.quantity AS balance_after
    FROM (
        SELECT l.product_id, -l.quantity AS quantity, 'sale' AS reason, s.id AS sale_id,
               s.sale_date + time '10:00' AS at, l.id * 3 AS seq
        FROM h_lines l JOIN h_sales s USING (s)
        UNION ALL
        SELECT l.product_id, l.quantity, 'void', s.id, s.sale_date + time '20:00', l.id * 3 + 1
        FROM h_lines l JOIN h_sales s USING (s) WHERE s.voided
        UNION ALL
        SELECT product_id, quantity, 'return', sale_id, sale_date + 1 + time '12:00',
               line_id * 3 + 2
        FROM h_returns
    ) m JOIN products p ON p.shop_id = $1 AND p.id = m.product_id
    """,
    """
    INSERT INTO stock_movements (shop_id, product_id, quantity, reason, sale_id, balance_after,
                                 created_at)
    SELECT $1, product_id, quantity, reason, sale_id, balance_after, at
    FROM h_movements ORDER BY at, seq
    """,
    """
    UPDATE products p SET quantity = p.quantity + t.change, updated_at = now()
    FROM (SELECT product_id, sum(quantity) AS change FROM h_movements GROUP BY product_id) t
    WHERE p.shop_id = $1 AND p.id = t.product_id
    """,
]


async def _reserve(connection: asyncpg.Connection, table: str, count: int) -> int:
    """Reserve `count` ids of `table`'s identity sequence; returns the first."""
    sequence = await connection.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
    first = int(await connection.fetchval("SELECT nextval($1::regclass)", sequence))
    await connection.execute("SELECT setval($1::regclass, $2)", sequence, first + count)
    return first


async def add_history(
    connection: asyncpg.Connection,
    shop: Shop,
    *,
    lines: int,
    customers: int,
    days: int,
    today: dt.date,
) -> dict[str, Any]:
    """`lines` sale lines (3 per bill) over the `days` before `today`, in one transaction."""
    started = time.perf_counter()
    bills = (lines + 2) // 3
    products = int(
        await connection.fetchval("SELECT count(*) FROM products WHERE shop_id = $1", shop.shop_id)
    )
    first_day = today - dt.timedelta(days=days)
    steps: dict[str, float] = {}

    async def run(name: str, sql: str, *args: Any) -> None:
        begun = time.perf_counter()
        await connection.execute(sql, *args)
        steps[name] = round(time.perf_counter() - begun, 2) + steps.get(name, 0.0)

    shop_id = shop.shop_id
    async with connection.transaction():
        await run("products, customers", _HISTORY[0], shop_id)
        await run("products, customers", _HISTORY[1])
        await run("products, customers", _HISTORY[2], shop_id, customers)
        await run("products, customers", _HISTORY[3])
        first_line = await _reserve(connection, "sale_lines", lines)
        first_sale = await _reserve(connection, "sales", bills)
        await run("plan lines", _LINES, first_line, lines, products)
        await run("plan bills", _SALES, first_sale, first_day, days, customers, bills)
        await run("sales", _INSERTS[0], shop_id, shop.user_id)
        names = ["bill_counters", "sale_lines", "udhaar_entries", "plan returns", "returns"]
        names += ["plan movements", "stock_movements", "products quantity"]
        for name, statement in zip(names, _INSERTS[1:], strict=True):
            await run(name, statement, *([shop_id] if "$1" in statement else []))
        counts = await connection.fetchrow(
            """
            SELECT (SELECT count(*) FROM h_sales) AS bills,
                   (SELECT count(*) FROM h_lines) AS lines,
                   (SELECT count(*) FROM h_movements) AS movements,
                   (SELECT count(*) FROM h_returns) AS returns,
                   (SELECT count(*) FROM h_sales WHERE voided) AS voids
            """
        )
        for table in ("h_movements", "h_returns", "h_sales", "h_lines", "h_customers"):
            await connection.execute(f"DROP TABLE {table}")
        await connection.execute("DROP TABLE h_products")
    inserted = time.perf_counter() - started
    # What autovacuum would do on a live server: statistics and the visibility map.
    for table in ("sales", "sale_lines", "stock_movements", "products", "udhaar_entries"):
        await run("vacuum analyze", f"VACUUM (ANALYZE) {table}")
    return {
        **dict(counts),
        "first_day": first_day.isoformat(),
        "insert_s": round(inserted, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "steps_s": steps,
    }
