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
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
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
    RETURNING id, quantity, price_purchase
), opening AS (
    INSERT INTO stock_movements (shop_id, product_id, quantity, reason, balance_after,
                                 movement_date, cost_after)
    SELECT $1, id, quantity, 'opening', quantity,
           coalesce($7::date, (SELECT (now() AT TIME ZONE s.timezone)::date
                               FROM shops s WHERE s.id = $1)),
           price_purchase
    FROM new WHERE quantity <> 0
)
SELECT id FROM new
"""


async def add_products(
    connection: asyncpg.Connection,
    shop_id: int,
    count: int,
    quantity: int,
    rng: random.Random,
    *,
    opened_on: dt.date | None = None,
) -> list[int]:
    """A catalogue of `count` products with `quantity` each in stock; returns their ids.

    Opening stock is an `opening` movement dated `opened_on` (default: the shop's today);
    `quantity` 0 writes none (a catalogue that the history's purchases will stock).
    """
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
        opened_on,
    )
    return sorted(row["id"] for row in rows)


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


# The history shop: a year of a busy kirana's books, planned in Python with one seeded random
# generator (so every run writes the same shop), copied into temporary tables, then written
# table by table with set-based SQL. Ids are reserved from each table's identity sequence so
# later API inserts never collide.

HISTORY_SEED = 2026
LINES_PER_BILL = (1, 2, 3, 4, 5, 6)
LINE_WEIGHTS = (22, 22, 19, 15, 12, 10)
"""Most bills are short: about 3 lines on average, 330,000 bills for 1,000,000 lines."""
PIECES = (1,) * 12 + (2,) * 5 + (3, 3, 4, 5, 6, 12)
LOOSE_GRAMS = (250, 500, 500, 750, 1000, 1000, 1000, 1500, 2000, 5000)
LOOSE_SHARE = 0.08
"""Products sold loose by weight (rice, dal, sugar from the sack): unit kg, 0.250 kg lines."""
WALK_IN = 0.45
CREDIT = 0.22
"""Of the bills with a known customer, those on udhaar (a quarter of them part-paid)."""
VOID = 0.01
RETURNED = 0.006
DISCOUNTED = 0.03
VENDORS = 40
OPENS, CLOSES = 9 * 3600, 21 * 3600 + 1800
FESTIVALS = {
    dt.date(2025, 10, 18): 2.0, dt.date(2025, 10, 19): 2.2, dt.date(2025, 10, 20): 2.6,
    dt.date(2025, 12, 25): 1.3, dt.date(2026, 1, 1): 1.2, dt.date(2026, 1, 14): 1.5,
    dt.date(2026, 3, 3): 1.5, dt.date(2026, 3, 4): 1.8, dt.date(2026, 3, 20): 1.6,
    dt.date(2026, 8, 28): 1.6, dt.date(2026, 9, 4): 1.3, dt.date(2026, 9, 14): 1.5,
    dt.date(2026, 10, 20): 1.6, dt.date(2026, 11, 5): 1.7, dt.date(2026, 11, 6): 2.5,
    dt.date(2026, 11, 7): 2.2, dt.date(2026, 11, 8): 3.0, dt.date(2026, 11, 9): 1.4,
}  # fmt: skip
"""Busy days (Diwali, Holi, Eid, Raksha Bandhan, ...): a day book of a real rush."""
WEEKDAY = (0.9, 0.9, 0.95, 0.95, 1.05, 1.2, 1.3)
FIRST_NAMES = [
    "Aarti", "Abdul", "Anil", "Anita", "Arjun", "Asha", "Deepak", "Divya", "Farhan", "Gita",
    "Gurpreet", "Harish", "Imran", "Jaya", "Kavita", "Kiran", "Lakshmi", "Manoj", "Meena",
    "Mohan", "Nandini", "Naveen", "Neha", "Pooja", "Pradeep", "Priya", "Rahul", "Rajesh",
    "Ravi", "Rekha", "Salim", "Sanjay", "Savita", "Seema", "Shabana", "Sunil", "Sunita",
    "Usha", "Vijay", "Vinod", "Zoya", "Bhavna", "Chandan", "Dinesh", "Geeta", "Hemant",
]  # fmt: skip
SURNAMES = [
    "Agarwal", "Bansal", "Chauhan", "Das", "Deshmukh", "Gupta", "Iyer", "Jain", "Joshi",
    "Khan", "Kulkarni", "Mishra", "Nair", "Patel", "Pillai", "Qureshi", "Rao", "Reddy",
    "Saxena", "Shaikh", "Sharma", "Singh", "Srivastava", "Thakur", "Tiwari", "Verma",
    "Yadav", "Pandey", "Bhatt", "Menon",
]  # fmt: skip
"""No "Ramesh": `benchmarks.ask` asks for Ramesh Kumar's balance by name."""
VENDOR_NAMES = [
    "Traders", "Wholesale", "Distributors", "Agencies", "& Sons", "Enterprises", "Suppliers",
    "Brothers",
]  # fmt: skip
EXPENSES = (
    # category, day of month (None: see `_expenses`), low, high, note
    ("rent", 1, 25_000, 25_000, "Shop rent"),
    ("electricity", 10, 2_800, 6_500, "MSEB bill"),
    ("wages", 7, 12_000, 12_000, "Helper salary: Raju"),
    ("wages", 7, 9_500, 9_500, "Helper salary: Sita"),
    ("internet and phone", 15, 799, 799, "Jio fibre"),
)


@dataclass
class _Plan:
    """The history as rows for the temporary tables (see `_plan`)."""

    bills: list[tuple[Any, ...]]
    lines: list[tuple[Any, ...]]
    loose: list[bool]
    busiest: int


def _day_weights(first_day: dt.date, days: int, rng: random.Random) -> list[float]:
    """How busy each day is: the weekday, festivals, salary days, a year's growth, noise."""
    weights = []
    for index in range(days):
        day = first_day + dt.timedelta(days=index)
        weight = WEEKDAY[day.weekday()] * FESTIVALS.get(day, 1.0)
        weight *= 1.08 if day.day <= 5 else 1.0
        weight *= (0.85 + 0.3 * index / days) * rng.uniform(0.9, 1.1)
        weights.append(weight)
    return weights


def _draws(rng: random.Random, count: int, cum_weights: list[float], batch: int) -> Iterator[int]:
    """An endless stream of 0..count-1 weighted by `cum_weights`, drawn `batch` at a time."""
    while True:
        yield from rng.choices(range(count), cum_weights=cum_weights, k=batch)


def _plan(products: int, customers: int, lines: int, days: int, first_day: dt.date) -> _Plan:
    """Every bill and line of the history, decided here (seeded) rather than by SQL hashes.

    Bills: 1-6 lines, spread over the days by `_day_weights` in time order (bill numbers rise
    with dates), between opening and closing time; 45 % walk-in, the rest from a pool of
    customers where regulars buy most; some on udhaar (part-paid or not), paid back later
    in full or in part, some never; cash, UPI and card; a few voided, a few with goods
    returned within a week. Lines: products by a Zipf-like popularity (a head of staples and
    a long tail), no product twice on a bill, pieces or loose weights, a few discounted.
    """
    rng = random.Random(HISTORY_SEED)
    sizes: list[int] = []
    total = 0
    drawn = _draws(rng, len(LINES_PER_BILL), list(accumulate(LINE_WEIGHTS)), lines // 2)
    while total < lines:
        size = min(LINES_PER_BILL[next(drawn)], lines - total)
        sizes.append(size)
        total += size
    weights = _day_weights(first_day, days, rng)
    scale = len(sizes) / sum(weights)
    per_day: list[int] = []
    running = 0.0
    placed = 0
    for weight in weights:
        running += weight * scale
        count = round(running) - placed
        per_day.append(count)
        placed += count
    per_day[-1] += len(sizes) - placed
    popularity = list(accumulate(1.0 / (rank + 8) ** 1.05 for rank in range(products)))
    loyalty = list(accumulate(1.0 / (k + 5) for k in range(customers)))
    loose = [rng.random() < LOOSE_SHARE for _ in range(products)]
    # Drawn in bulk (one call each is ten times faster than a draw per line), consumed in
    # order; a product already on the bill is skipped.
    picks = _draws(rng, products, popularity, lines)
    regulars = _draws(rng, customers, loyalty, len(sizes))
    bills: list[tuple[Any, ...]] = []
    planned: list[tuple[Any, ...]] = []
    s = 0
    l_no = 0
    for day, count in enumerate(per_day):
        slot = (CLOSES - OPENS) / max(count, 1)
        for i in range(count):
            secs = OPENS + int((i + rng.random()) * slot)
            customer = next(regulars) if rng.random() >= WALK_IN else -1
            on_credit = customer >= 0 and rng.random() < CREDIT
            if on_credit:
                part = rng.random() < 0.25
                paid_pct = 50 if part else 0
                mode = ("upi" if rng.random() < 0.4 else "cash") if part else "credit"
            else:
                paid_pct = 100
                draw = rng.random()
                mode = "cash" if draw < 0.5 else ("upi" if draw < 0.92 else "card")
            voided = rng.random() < VOID
            void_after = rng.randint(3, 180) if voided else 0
            return_after = -1
            if not voided and not on_credit and rng.random() < RETURNED:
                after = rng.choice((0, 0, 1, 1, 2, 3, 5, 7))
                return_after = after if day + after < days else -1
            pay_after, pay_pct, pay_mode = -1, 0, "cash"
            if on_credit and not voided:
                draw = rng.random()
                after = rng.randint(2, 45)
                if draw < 0.85 and day + after < days:
                    pay_after, pay_pct = after, (100 if draw < 0.7 else 50)
                    pay_mode = "upi" if rng.random() < 0.45 else "cash"
            bills.append(
                (s, day, secs, customer, mode, paid_pct, voided, void_after, return_after,
                 pay_after, pay_pct, pay_mode)
            )  # fmt: skip
            picked: dict[int, None] = {}
            while len(picked) < sizes[s]:
                picked[next(picks)] = None
            for n, rank in enumerate(picked):
                milli = rng.choice(LOOSE_GRAMS) if loose[rank] else 1000 * rng.choice(PIECES)
                discount = rng.choice((5, 10)) if rng.random() < DISCOUNTED else 0
                planned.append((l_no, s, n, rank, milli, discount))
                l_no += 1
            s += 1
    busiest = max(range(days), key=lambda d: per_day[d])
    return _Plan(bills, planned, loose, busiest)


def _people(customers: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """Customer names, vendor names and everyone's phone (E.164), all distinct."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES]
    rng.shuffle(names)
    customer_names = [names[k % len(names)] for k in range(customers)]
    vendor_names = [
        f"{rng.choice(SURNAMES)} {VENDOR_NAMES[k % len(VENDOR_NAMES)]}" for k in range(VENDORS)
    ]
    phones = [f"+91{p}" for p in indian_mobiles(customers + VENDORS + 1, rng) if p != "9812345678"]
    return customer_names, vendor_names, phones[: customers + VENDORS]


def _expenses(first_day: dt.date, days: int, rng: random.Random) -> list[tuple[Any, ...]]:
    """A year of the shop's expenses: (date, category, amount, mode, note, voided)."""
    rows: list[tuple[Any, ...]] = []
    for index in range(days):
        day = first_day + dt.timedelta(days=index)
        for category, dom, low, high, note in EXPENSES:
            if day.day == dom:
                amount = Decimal(rng.randrange(low, high + 1))
                rows.append((day, category, amount, "bank" if category == "rent" else "upi", note))
        rows.append(
            (day, "tea and snacks", Decimal(rng.randrange(60, 180)), "cash", "Chai for staff")
        )
        if day.weekday() == 0:
            rows.append((day, "transport", Decimal(rng.randrange(300, 900)), "cash", "Tempo"))
        if index % 10 == 3:
            rows.append(
                (day, "packaging", Decimal(rng.randrange(250, 700)) + Decimal("0.50"), "cash",
                 "Carry bags")
            )  # fmt: skip
        if rng.random() < 0.02:
            rows.append((day, "repairs", Decimal(rng.randrange(400, 4000)), "upi", "Fridge"))
    return [(*row, rng.random() < 0.02) for row in rows]


_TEMP_TABLES = """
CREATE TEMP TABLE h_bill (
    s int PRIMARY KEY, day int, secs int, customer int, mode text, paid_pct int, voided bool,
    void_after int, return_after int, pay_after int, pay_pct int, pay_mode text
);
CREATE TEMP TABLE h_line (l int, s int, n int, k int, milli int, discount_pct int);
"""

# The catalogue by popularity rank k (k = 0 sells most). Each product is restocked from its
# vendor once per cycle (a week for the head, two months for the tail); one in ten changes
# vendor half-way through the year (so "last vendor" is not always the first).
_PRODUCTS = """
CREATE TEMP TABLE h_products AS
SELECT u.k - 1 AS k, p.id, p.price_sale, p.price_purchase, p.quantity AS base,
       CASE WHEN u.k <= 200 THEN 7 WHEN u.k <= 1000 THEN 14 WHEN u.k <= 4000 THEN 30
            ELSE 60 END AS clen,
       (p.id * 40503) % 9973 AS h
FROM unnest($2::bigint[]) WITH ORDINALITY AS u(id, k)
JOIN products p ON p.shop_id = $1 AND p.id = u.id;
"""

_PARTIES = """
CREATE TEMP TABLE h_{table} AS
WITH new AS (
    INSERT INTO {table} (shop_id, name, phone)
    SELECT $1, n.name, n.phone
    FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS n(name, phone, k)
    ORDER BY n.k
    RETURNING id
)
SELECT (row_number() OVER (ORDER BY id))::int - 1 AS k, id FROM new
"""

# What the shop keeps at least of each product: five days of its sales, two at the least.
_REORDER_LEVELS = """
UPDATE products p SET reorder_level = greatest(2, ceil(coalesce(t.sold, 0) / $2::int * 5))
FROM h_products h
LEFT JOIN (SELECT k, sum(quantity) AS sold FROM h_lines GROUP BY k) t ON t.k = h.k
WHERE p.shop_id = $1 AND p.id = h.id
"""

# Money as the app prices a line (app.bills.pricing): gross = quantity x rate to paise, a
# discount in whole rupees, total = gross - discount (no GST: taxable value = total), cost =
# quantity x moving-average cost to paise, profit = taxable - cost.
_LINES = """
CREATE TEMP TABLE h_lines AS
SELECT x.l, x.s, x.n, $1::bigint + x.l AS id, p.id AS product_id, p.k, q.quantity,
       p.price_sale AS rate, p.price_purchase AS cost_price,
       round(q.gross * x.discount_pct / 100, 0) AS discount,
       q.gross - round(q.gross * x.discount_pct / 100, 0) AS line_total,
       round(q.quantity * p.price_purchase, 2) AS line_cost
FROM h_line x
JOIN h_products p ON p.k = x.k
CROSS JOIN LATERAL (
    SELECT (x.milli / 1000.0)::numeric(14, 3) AS quantity,
           round((x.milli / 1000.0)::numeric(14, 3) * p.price_sale, 2) AS gross
) q
"""

_SALES = """
CREATE TEMP TABLE h_sales AS
SELECT b.*, $1::bigint + b.s AS id, $2::date + b.day AS sale_date,
       ($2::date + b.day + make_interval(secs => b.secs)) AT TIME ZONE $3 AS created_at,
       c.id AS customer_id, t.total_amount, t.total_cost, t.discount_total, t.total_quantity,
       CASE WHEN b.paid_pct = 100 THEN t.total_amount
            ELSE round(t.total_amount * b.paid_pct / 100, 0) END AS amount_paid,
       CASE WHEN extract(month FROM $2::date + b.day) >= 4
            THEN extract(year FROM $2::date + b.day)::int
            ELSE extract(year FROM $2::date + b.day)::int - 1 END AS fy_start
FROM h_bill b
JOIN (
    SELECT s, sum(line_total) AS total_amount, sum(line_cost) AS total_cost,
           sum(discount) AS discount_total, sum(quantity) AS total_quantity
    FROM h_lines GROUP BY s
) t USING (s)
LEFT JOIN h_customers c ON c.k = b.customer
"""

_INSERT_SALES = """
INSERT INTO sales (shop_id, id, bill_no, customer_id, sale_date, total_amount, total_cost,
                   profit, total_quantity, amount_paid, payment_mode, status, void_reason,
                   voided_at, created_by, created_at, discount_total, taxable_value)
SELECT $1, id,
       fy_start || '-' || lpad(((fy_start + 1) % 100)::text, 2, '0') || '/' ||
           lpad((row_number() OVER (PARTITION BY fy_start ORDER BY s))::text, 6, '0'),
       customer_id, sale_date, total_amount, total_cost, total_amount - total_cost,
       total_quantity, amount_paid,
       CASE WHEN amount_paid = 0 THEN 'credit' ELSE mode END,
       CASE WHEN voided THEN 'void' ELSE 'completed' END,
       CASE WHEN voided THEN 'Entered twice' END,
       CASE WHEN voided THEN created_at + make_interval(mins => void_after) END,
       $2, created_at, discount_total, total_amount
FROM h_sales ORDER BY s
"""

_COUNTERS = """
INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
SELECT $1, 'sale', fy_start || '-' || lpad(((fy_start + 1) % 100)::text, 2, '0'), count(*)
FROM h_sales GROUP BY fy_start
"""

_INSERT_LINES = """
INSERT INTO sale_lines (shop_id, id, sale_id, product_id, quantity, rate, cost_price,
                        line_total, profit, returned_quantity, discount, taxable_value)
SELECT $1, l.id, s.id, l.product_id, l.quantity, l.rate, l.cost_price, l.line_total,
       l.line_total - l.line_cost,
       CASE WHEN s.return_after >= 0 AND l.n = 0 THEN l.quantity ELSE 0 END,
       l.discount, l.line_total
FROM h_lines l JOIN h_sales s USING (s)
ORDER BY l.id
"""

# Udhaar of the credit bills: what was not paid at the bill; payments later (in full or
# half), a void's reversal on the day of the void.
_CREDIT = """
CREATE TEMP TABLE h_credit AS
SELECT $1::bigint - 1 + row_number() OVER (ORDER BY s) AS entry_id, c.*,
       CASE c.pay_pct WHEN 100 THEN c.amount WHEN 50 THEN round(c.amount / 2, 0) ELSE 0 END
           AS paid_back
FROM (
    SELECT s, id AS sale_id, customer_id, sale_date, created_at, voided, void_after,
           pay_after, pay_pct, pay_mode, total_amount - amount_paid AS amount
    FROM h_sales WHERE total_amount > amount_paid
) c
"""

_INSERT_CREDIT = """
INSERT INTO udhaar_entries (shop_id, id, kind, customer_id, sale_id, amount, entry_date,
                            due_date, status, created_at)
SELECT $1, entry_id, 'sale', customer_id, sale_id, amount, sale_date, sale_date + 30,
       CASE WHEN voided OR paid_back = amount THEN 'settled' ELSE 'open' END, created_at
FROM h_credit ORDER BY entry_id
"""

_CREDIT_PAYMENTS = """
CREATE TEMP TABLE h_paid AS
SELECT $1::bigint - 1 + row_number() OVER (ORDER BY entry_id) AS payment_id, entry_id,
       customer_id, paid_back AS amount, pay_mode, sale_date + pay_after AS paid_on,
       created_at + make_interval(days => pay_after, mins => 37) AS at
FROM h_credit WHERE NOT voided AND pay_after >= 0 AND paid_back > 0
"""

# Parents and children in separate statements, never in one: the foreign key's check is
# planned on its first use, and a parent table still empty then gets a sequential scan per
# child row (33 s instead of 1 s for the purchases' lines).
_INSERT_PAYMENTS = """
INSERT INTO udhaar_payments (shop_id, id, kind, customer_id, amount, payment_mode, paid_on,
                             created_at)
SELECT $1, payment_id, 'sale', customer_id, amount, pay_mode, paid_on, at
FROM h_paid ORDER BY payment_id
"""

_INSERT_SETTLEMENTS = """
INSERT INTO udhaar_settlements (shop_id, entry_id, payment_id, kind, amount, payment_mode,
                                paid_on, created_at)
SELECT $1::bigint, entry_id, payment_id, 'payment', amount, pay_mode, paid_on, at FROM h_paid
UNION ALL
SELECT $1, entry_id, NULL, 'void', amount, NULL,
       ((created_at + make_interval(mins => void_after)) AT TIME ZONE $2)::date,
       created_at + make_interval(mins => void_after)
FROM h_credit WHERE voided
"""

# Goods back within a week: a bill's first line, all of it, refunded.
_RETURNS = """
CREATE TEMP TABLE h_returns AS
SELECT $1::bigint - 1 + row_number() OVER (ORDER BY s.s) AS return_id, s.id AS sale_id,
       s.sale_date + s.return_after AS return_date,
       s.created_at + make_interval(days => s.return_after, mins => 45) AS at,
       l.id AS line_id, l.product_id, l.quantity, l.line_total AS amount, l.line_cost AS cost,
       s.mode
FROM h_sales s JOIN h_lines l ON l.s = s.s AND l.n = 0
WHERE s.return_after >= 0
"""

_INSERT_RETURNS = """
INSERT INTO sale_returns (shop_id, id, sale_id, return_date, amount, cost, refund_amount,
                          note, created_at, taxable_value{refund_column})
SELECT $1, return_id, sale_id, return_date, amount, cost, amount, 'Damaged packet', at,
       amount{refund_value}
FROM h_returns ORDER BY return_id
"""

_INSERT_RETURN_LINES = """
INSERT INTO sale_return_lines (shop_id, return_id, sale_line_id, quantity, amount, cost,
                               taxable_value)
SELECT $1, return_id, line_id, quantity, amount, cost, amount FROM h_returns
"""

# Purchases: each product's sales of a cycle are bought in at the cycle's first morning (all
# the bills' lines, voided ones too, so the stock never dips below the level the shop
# keeps), plus that level on its first purchase: five days to a month of its sales. The
# cycle running today was bought for in full (its days to come too), as a shop does.
# Products that never sold are bought once at the start. Each vendor delivers on its own
# weekday, so a cycle's goods come on the vendor's day before the cycle starts (earlier is
# safe: stock only rises). Bought at the moving-average cost, so the cost stays what the
# bills were priced at.
_BUYS = """
CREATE TEMP TABLE h_buys AS
WITH cycles AS (
    SELECT p.id AS product_id, (b.day + p.h % p.clen) / p.clen AS cycle, sum(l.quantity) AS sold
    FROM h_lines l JOIN h_bill b USING (s) JOIN h_products p ON p.k = l.k
    GROUP BY 1, 2
), firsts AS (
    SELECT product_id, min(cycle) AS cycle, sum(sold) AS sold FROM cycles GROUP BY 1
), bought AS (
    SELECT c.product_id, c.cycle,
           CASE WHEN c.cycle = ($1::int - 1 + p.h % p.clen) / p.clen
                THEN greatest(c.sold, ceil(f.sold / $1::int * p.clen)) ELSE c.sold END
           AS quantity
    FROM cycles c JOIN firsts f USING (product_id) JOIN h_products p ON p.id = c.product_id
    UNION ALL
    SELECT f.product_id, f.cycle,
           greatest(4, ceil(f.sold / $1::int * (5 + p.h % 25))) + p.h % 5
    FROM firsts f JOIN h_products p ON p.id = f.product_id
    UNION ALL
    SELECT p.id, 0, 4 + p.h % 10 FROM h_products p
    WHERE NOT EXISTS (SELECT 1 FROM firsts f WHERE f.product_id = p.id)
)
SELECT p.id AS product_id, p.price_purchase AS cost, v.vendor,
       greatest(0, g.day - (g.day + v.vendor * 3) % 7) AS day, sum(b.quantity) AS quantity
FROM bought b JOIN h_products p ON p.id = b.product_id
CROSS JOIN LATERAL (SELECT greatest(0, b.cycle * p.clen - p.h % p.clen)::int AS day) g
CROSS JOIN LATERAL (
    SELECT (CASE WHEN p.h % 10 = 0 AND g.day > $1::int / 2 THEN p.h + 1 ELSE p.h END
            % $2::int)::int AS vendor
) v
WHERE b.quantity > 0
GROUP BY 1, 2, 3, 4
"""

_PURCHASES = """
CREATE TEMP TABLE h_purchases AS
SELECT b.*, $1::bigint - 1 + dense_rank() OVER (ORDER BY b.day, b.vendor) AS purchase_id,
       v.id AS vendor_id, $2::date + b.day AS purchase_date,
       ($2::date + b.day + time '08:30') AT TIME ZONE $3 AS at,
       round(b.quantity * b.cost, 2) AS line_total
FROM h_buys b JOIN h_vendors v ON v.k = b.vendor
"""

_PURCHASE_BILLS = """
CREATE TEMP TABLE h_purchase_bills AS
SELECT purchase_id, vendor_id, purchase_date, at, day, sum(line_total) AS total_amount,
       sum(quantity) AS total_quantity, purchase_id % 20 < 13 AS paid,
       (7 + purchase_id % 14)::int AS pay_after
FROM h_purchases GROUP BY purchase_id, vendor_id, purchase_date, at, day
"""

_INSERT_PURCHASES = """
INSERT INTO purchases (shop_id, id, vendor_id, purchase_date, total_amount, total_quantity,
                       amount_paid, payment_mode, created_by, created_at, taxable_value)
SELECT $1, purchase_id, vendor_id, purchase_date, total_amount, total_quantity,
       CASE WHEN paid THEN total_amount ELSE 0 END,
       CASE WHEN NOT paid THEN 'credit' WHEN purchase_id % 2 = 0 THEN 'upi' ELSE 'cash' END,
       $2, at, total_amount
FROM h_purchase_bills ORDER BY purchase_id
"""

_INSERT_PURCHASE_LINES = """
INSERT INTO purchase_lines (shop_id, purchase_id, product_id, quantity, price_purchase,
                            line_total, taxable_value)
SELECT $1, purchase_id, product_id, quantity, cost, line_total, line_total
FROM h_purchases ORDER BY purchase_id, product_id
"""

# What the shop owes its vendors: the unpaid purchases, paid a week or three later.
_VENDOR_CREDIT = """
CREATE TEMP TABLE h_vendor_credit AS
SELECT $1::bigint - 1 + row_number() OVER (ORDER BY purchase_id) AS entry_id,
       $2::bigint - 1 + row_number() OVER (ORDER BY purchase_id) AS payment_id,
       purchase_id, vendor_id, purchase_date, at, total_amount AS amount,
       day + pay_after < $3::int AS paid_back, purchase_date + pay_after AS paid_on,
       at + make_interval(days => pay_after, hours => 3) AS paid_at
FROM h_purchase_bills WHERE NOT paid
"""

_INSERT_VENDOR_CREDIT = (
    """
INSERT INTO udhaar_entries (shop_id, id, kind, vendor_id, purchase_id, amount, entry_date,
                            due_date, status, created_at)
SELECT $1, entry_id, 'purchase', vendor_id, purchase_id, amount, purchase_date,
       purchase_date + 15, CASE WHEN paid_back THEN 'settled' ELSE 'open' END, at
FROM h_vendor_credit ORDER BY entry_id
""",
    """
INSERT INTO udhaar_payments (shop_id, id, kind, vendor_id, amount, payment_mode, paid_on,
                             created_at)
SELECT $1, payment_id, 'purchase', vendor_id, amount, 'bank', paid_on, paid_at
FROM h_vendor_credit WHERE paid_back ORDER BY payment_id
""",
    """
INSERT INTO udhaar_settlements (shop_id, entry_id, payment_id, kind, amount, payment_mode,
                                paid_on, created_at)
SELECT $1, entry_id, payment_id, 'payment', amount, 'bank', paid_on, paid_at
FROM h_vendor_credit WHERE paid_back
""",
)

# Every movement in time order with its running balance per product; dated as the stock
# summary reads them (a void on its bill's date, a return on the return's).
_MOVEMENTS = """
CREATE TEMP TABLE h_movements AS
SELECT m.*, p.base + sum(m.quantity) OVER (PARTITION BY m.product_id ORDER BY m.at, m.seq)
           AS balance_after, p.price_purchase AS cost_after
FROM (
    SELECT product_id, quantity, 'purchase' AS reason, NULL::bigint AS sale_id,
           purchase_id, at, purchase_date AS movement_date, 0::bigint AS seq
    FROM h_purchases
    UNION ALL
    SELECT l.product_id, -l.quantity, 'sale', s.id, NULL, s.created_at, s.sale_date,
           l.id * 3
    FROM h_lines l JOIN h_sales s USING (s)
    UNION ALL
    SELECT l.product_id, l.quantity, 'void', s.id, NULL,
           s.created_at + make_interval(mins => s.void_after), s.sale_date, l.id * 3 + 1
    FROM h_lines l JOIN h_sales s USING (s) WHERE s.voided
    UNION ALL
    SELECT product_id, quantity, 'return', sale_id, NULL, at, return_date, line_id * 3 + 2
    FROM h_returns
) m JOIN h_products p ON p.id = m.product_id
"""

_INSERT_MOVEMENTS = """
INSERT INTO stock_movements (shop_id, product_id, quantity, reason, sale_id, purchase_id,
                             balance_after, movement_date, cost_after, created_at)
SELECT $1, product_id, quantity, reason, sale_id, purchase_id, balance_after, movement_date,
       cost_after, at
FROM h_movements ORDER BY at, seq
"""

_PRODUCT_QUANTITIES = """
UPDATE products p SET quantity = p.quantity + t.change, updated_at = now()
FROM (SELECT product_id, sum(quantity) AS change FROM h_movements GROUP BY product_id) t
WHERE p.shop_id = $1 AND p.id = t.product_id
"""

_INSERT_EXPENSES = """
WITH planned AS (
    SELECT $2::bigint - 1 + e.k AS id, e.*
    FROM unnest($3::date[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::bool[])
         WITH ORDINALITY AS e(day, category, amount, mode, note, voided, k)
)
INSERT INTO expenses (shop_id, id, expense_date, category, amount, payment_mode, note,
                      reverses_id, void_reason, created_by, created_at)
SELECT $1::bigint, id, day, category, amount, mode, note, NULL::bigint, NULL::text,
       $9::bigint, (day + time '19:00') AT TIME ZONE $10::text
FROM planned
UNION ALL
SELECT $1::bigint, $2::bigint - 1 + $11::int + row_number() OVER (ORDER BY id), day,
       category, -amount, mode, note, id, 'Entered twice', $9::bigint,
       (day + time '19:30') AT TIME ZONE $10::text
FROM planned WHERE voided
"""

_HISTORY_TABLES = (
    "sales", "sale_lines", "stock_movements", "products", "udhaar_entries", "udhaar_payments",
    "udhaar_settlements", "sale_returns", "sale_return_lines", "purchases", "purchase_lines",
    "customers", "vendors", "expenses", "daily_sales", "bill_counters",
)  # fmt: skip


async def _reserve(connection: asyncpg.Connection, table: str, count: int) -> int:
    """Reserve `count` ids of `table`'s identity sequence; returns the first."""
    sequence = await connection.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
    first = int(await connection.fetchval("SELECT nextval($1::regclass)", sequence))
    await connection.execute("SELECT setval($1::regclass, $2)", sequence, first + max(count, 1))
    return first


async def _has_column(connection: asyncpg.Connection, table: str, column: str) -> bool:
    found = await connection.fetchval(
        "SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
        table,
        column,
    )
    return found is not None


async def add_history(
    connection: asyncpg.Connection,
    shop: Shop,
    *,
    lines: int,
    customers: int,
    days: int,
    today: dt.date,
) -> dict[str, Any]:
    """`lines` sale lines over the `days` before `today`, with the purchases, udhaar, returns
    and expenses around them, in one transaction; then what autovacuum would do."""
    started = time.perf_counter()
    shop_id = shop.shop_id
    first_day = today - dt.timedelta(days=days)
    steps: dict[str, float] = {}

    def took(name: str, begun: float) -> None:
        steps[name] = round(steps.get(name, 0.0) + time.perf_counter() - begun, 2)

    async def run(name: str, sql: str, *args: Any) -> None:
        begun = time.perf_counter()
        await connection.execute(sql, *args)
        took(name, begun)

    product_ids = [
        row["id"]
        for row in await connection.fetch(
            "SELECT id FROM products WHERE shop_id = $1 AND archived_at IS NULL ORDER BY id",
            shop_id,
        )
    ]
    zone = str(await connection.fetchval("SELECT timezone FROM shops WHERE id = $1", shop_id))
    begun = time.perf_counter()
    rng = random.Random(HISTORY_SEED + 1)
    by_rank = product_ids[:]
    rng.shuffle(by_rank)
    plan = _plan(len(by_rank), customers, lines, days, first_day)
    customer_names, vendor_names, phones = _people(customers, rng)
    expenses = _expenses(first_day, days, rng)
    took("plan in Python", begun)

    async with connection.transaction():
        await run("temporary tables", _TEMP_TABLES)
        begun = time.perf_counter()
        await connection.copy_records_to_table("h_bill", records=plan.bills)
        await connection.copy_records_to_table("h_line", records=plan.lines)
        took("copy plan", begun)
        loose = [pid for rank, pid in enumerate(by_rank) if plan.loose[rank]]
        await run(
            "catalogue",
            "UPDATE products SET unit = 'kg' WHERE shop_id = $1 AND id = ANY($2::bigint[])",
            shop_id,
            loose,
        )
        await run("catalogue", _PRODUCTS, shop_id, by_rank)
        await run("catalogue", "CREATE UNIQUE INDEX ON h_products (k)")
        await run("catalogue", "CREATE UNIQUE INDEX ON h_products (id)")
        parties = _PARTIES.format(table="customers")
        await run("parties", parties, shop_id, customer_names, phones[:customers])
        parties = _PARTIES.format(table="vendors")
        await run("parties", parties, shop_id, vendor_names, phones[customers:])
        await run("parties", "CREATE UNIQUE INDEX ON h_customers (k)")
        await run("parties", "CREATE UNIQUE INDEX ON h_vendors (k)")
        bills, planned_lines = len(plan.bills), len(plan.lines)
        first_line = await _reserve(connection, "sale_lines", planned_lines)
        first_sale = await _reserve(connection, "sales", bills)
        await run("plan lines", _LINES, first_line)
        await run("catalogue", _REORDER_LEVELS, shop_id, days)
        await run("plan bills", _SALES, first_sale, first_day, zone)
        await run("sales", _INSERT_SALES, shop_id, shop.user_id)
        await run("bill_counters", _COUNTERS, shop_id)
        await run("sale_lines", _INSERT_LINES, shop_id)
        credit = int(
            await connection.fetchval(
                "SELECT count(*) FROM h_sales WHERE total_amount > amount_paid"
            )
        )
        await run("udhaar", _CREDIT, await _reserve(connection, "udhaar_entries", credit))
        await run("udhaar", _INSERT_CREDIT, shop_id)
        paid = int(
            await connection.fetchval(
                "SELECT count(*) FROM h_credit"
                " WHERE NOT voided AND pay_after >= 0 AND paid_back > 0"
            )
        )
        await run("udhaar", _CREDIT_PAYMENTS, await _reserve(connection, "udhaar_payments", paid))
        await run("udhaar", _INSERT_PAYMENTS, shop_id)
        await run("udhaar", _INSERT_SETTLEMENTS, shop_id, zone)
        returned = sum(1 for bill in plan.bills if bill[8] >= 0)
        await run("returns", _RETURNS, await _reserve(connection, "sale_returns", returned))
        refund = await _has_column(connection, "sale_returns", "refund_mode")
        await run(
            "returns",
            _INSERT_RETURNS.format(
                refund_column=", refund_mode" if refund else "",
                refund_value=", CASE WHEN mode = 'upi' THEN 'upi' ELSE 'cash' END"
                if refund
                else "",
            ),
            shop_id,
        )
        await run("returns", _INSERT_RETURN_LINES, shop_id)
        await run("plan purchases", _BUYS, days, VENDORS)
        purchases = int(
            await connection.fetchval("SELECT count(DISTINCT (day, vendor)) FROM h_buys")
        )
        first_purchase = await _reserve(connection, "purchases", purchases)
        await run("plan purchases", _PURCHASES, first_purchase, first_day, zone)
        await run("plan purchases", _PURCHASE_BILLS)
        await run("purchases", _INSERT_PURCHASES, shop_id, shop.user_id)
        await run("purchases", _INSERT_PURCHASE_LINES, shop_id)
        unpaid = int(
            await connection.fetchval("SELECT count(*) FROM h_purchase_bills WHERE NOT paid")
        )
        await run(
            "purchases",
            _VENDOR_CREDIT,
            await _reserve(connection, "udhaar_entries", unpaid),
            await _reserve(connection, "udhaar_payments", unpaid),
            days,
        )
        for statement in _INSERT_VENDOR_CREDIT:
            await run("vendor udhaar", statement, shop_id)
        await run("plan movements", _MOVEMENTS)
        await run("stock_movements", _INSERT_MOVEMENTS, shop_id)
        await run("products quantity", _PRODUCT_QUANTITIES, shop_id)
        voided_expenses = sum(1 for row in expenses if row[5])
        first_expense = await _reserve(connection, "expenses", len(expenses) + voided_expenses)
        columns = list(zip(*expenses, strict=True))
        await run(
            "expenses",
            _INSERT_EXPENSES,
            shop_id,
            first_expense,
            *[list(column) for column in columns],
            shop.user_id,
            zone,
            len(expenses),
        )
        counts = dict(
            await connection.fetchrow(
                """
                SELECT (SELECT count(*) FROM h_sales) AS bills,
                       (SELECT count(*) FROM h_lines) AS lines,
                       (SELECT count(*) FROM h_movements) AS movements,
                       (SELECT count(*) FROM h_movements WHERE balance_after < 0)
                           AS negative_balances,
                       (SELECT count(*) FROM h_returns) AS returns,
                       (SELECT count(*) FROM h_sales WHERE voided) AS voids,
                       (SELECT count(*) FROM h_credit) AS credit_bills,
                       (SELECT count(*) FROM h_paid) AS udhaar_payments,
                       (SELECT count(*) FROM h_purchase_bills) AS purchases,
                       (SELECT count(*) FROM h_purchases) AS purchase_lines,
                       (SELECT count(*) FROM h_vendor_credit) AS purchases_on_credit
                """
            )
        )
        for table in (
            "h_movements", "h_vendor_credit", "h_purchase_bills", "h_purchases", "h_buys",
            "h_returns", "h_paid", "h_credit", "h_sales", "h_lines", "h_customers",
            "h_vendors", "h_products", "h_line", "h_bill",
        ):  # fmt: skip
            await connection.execute(f"DROP TABLE {table}")
    inserted = time.perf_counter() - started
    # What autovacuum would do on a live server: statistics and the visibility map.
    for table in _HISTORY_TABLES:
        await run("vacuum analyze", f"VACUUM (ANALYZE) {table}")
    busiest = first_day + dt.timedelta(days=plan.busiest)
    return {
        **counts,
        "products": len(product_ids),
        "loose_products": len(loose),
        "customers": customers,
        "vendors": VENDORS,
        "expenses": len(expenses) + voided_expenses,
        "first_day": first_day.isoformat(),
        "last_day": (today - dt.timedelta(days=1)).isoformat(),
        "busiest_day": busiest.isoformat(),
        "insert_s": round(inserted, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "steps_s": steps,
    }
