"""Sale queries: bills, lines, returns, bill numbers. No business rules here.

A new sale is three prebuilt round trips sent straight to asyncpg (`take_for_sale`,
`write_sale`, then `number_and_commit`): the profile of issue 6 showed SQLAlchemy's statement
building and a dozen round trips costing five times what PostgreSQL spent on the sale.
Between them they touch the tables of other domains (the idempotency key, the customer,
stock, udhaar, the outbox), but every rule still comes from those domains' services: this
module only carries values.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_page
from app.db.session import execute_hearing
from app.models import Product, Sale, SaleLine, SaleReturn, SaleReturnLine

BILL_NO_MARK = "\ue000"
"""Stands for the bill number in text rendered before the number exists (the bill SMS and
the stored idempotent reply); `write_sale` replaces it as it assigns the number."""
SALE_ID_MARK_VALUE = "\ue001"
SALE_ID_MARK = f'"{SALE_ID_MARK_VALUE}"'
"""Stands for the sale id (a JSON number) in the reply rendered before the sale exists: the
reply is rendered with the string `SALE_ID_MARK_VALUE` as its id, then the quoted string is
replaced by the number."""

# One statement, in this order of effect: claim the caller's Idempotency-Key (if any; if
# another request holds it, nothing else happens and `claimed` is false); lock the named
# products in id order and take the stock (refusing to go below zero unless allowed); upsert
# the customer by phone. Every product found comes back, with its quantity before and after
# (`after` is NULL where the stock was short), so one round trip both resolves the bill's
# lines and tells which product is short.
_TAKE_FOR_SALE = """
WITH claim AS (
    INSERT INTO idempotency_keys (shop_id, user_id, key, fingerprint, expires_at)
    SELECT $1, $11, $2::text, $3::text, now() + make_interval(secs => $4::int)
    WHERE $2::text IS NOT NULL
    ON CONFLICT (shop_id, user_id, key) DO NOTHING
    RETURNING id
), go AS (
    SELECT $2::text IS NULL OR EXISTS (SELECT FROM claim) AS ok
), wanted AS (
    SELECT * FROM unnest($5::bigint[], $6::text[], $7::numeric[]) AS w(id, key, quantity)
), found AS MATERIALIZED (
    SELECT p.id, p.name, p.name_key, p.price_sale, p.price_purchase, p.quantity
    FROM products p
    WHERE p.shop_id = $1 AND p.archived_at IS NULL
      AND (p.id = ANY($5::bigint[]) OR p.name_key = ANY($6::text[]))
      AND (SELECT ok FROM go)
    ORDER BY p.id
    FOR UPDATE
), totals AS (
    SELECT f.id, sum(w.quantity) AS quantity
    FROM wanted w JOIN found f ON f.id = w.id OR (w.id IS NULL AND f.name_key = w.key)
    GROUP BY f.id
), taken AS (
    UPDATE products p
    SET quantity = p.quantity - t.quantity, updated_at = now()
    FROM totals t
    WHERE p.shop_id = $1 AND p.id = t.id AND ($8 OR p.quantity - t.quantity >= 0)
    RETURNING p.id, p.quantity
), customer AS (
    INSERT INTO customers (shop_id, name, phone)
    SELECT $1, $10::text, $9::text WHERE $9::text IS NOT NULL AND (SELECT ok FROM go)
    ON CONFLICT (shop_id, phone) DO UPDATE
        SET name = CASE WHEN customers.name = '' THEN excluded.name ELSE customers.name END
    RETURNING id, name, phone, opted_out
)
SELECT go.ok AS claimed, claim.id AS claim_id,
       c.id AS customer_id, c.name AS customer_name, c.phone AS customer_phone,
       c.opted_out AS customer_opted_out, products.*
FROM go
LEFT JOIN claim ON true
LEFT JOIN customer c ON true
CROSS JOIN (
    SELECT array_agg(f.id ORDER BY f.id) AS ids,
           array_agg(f.name ORDER BY f.id) AS names,
           array_agg(f.name_key ORDER BY f.id) AS name_keys,
           array_agg(f.price_sale ORDER BY f.id) AS prices,
           array_agg(f.price_purchase ORDER BY f.id) AS costs,
           array_agg(f.quantity ORDER BY f.id) AS before,
           array_agg(t.quantity ORDER BY f.id) AS after
    FROM found f LEFT JOIN taken t ON t.id = f.id
) products
"""

# The bill itself, in one statement: the sale (numbered later, by `_NUMBER_AND_COMMIT`), its
# lines, movements, udhaar entry and message, and the stored reply, all given the sale's id.
_WRITE_SALE = """
WITH sale AS (
    INSERT INTO sales (
        shop_id, customer_id, sale_date, total_amount, total_cost, profit, total_quantity,
        amount_paid, payment_mode, created_by
    )
    VALUES ($1, $3, $2, $4, $5, $6, $7, $8, $9::text, $10)
    RETURNING id
), lines AS (
    INSERT INTO sale_lines (
        shop_id, sale_id, product_id, quantity, rate, cost_price, line_total, profit
    )
    SELECT $1, sale.id, l.product_id, l.quantity, l.rate, l.cost, l.total, l.profit
    FROM sale, unnest(
        $11::bigint[], $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[],
        $16::numeric[]
    ) AS l(product_id, quantity, rate, cost, total, profit)
), movements AS (
    INSERT INTO stock_movements (shop_id, product_id, quantity, reason, sale_id, balance_after)
    SELECT $1, m.product_id, m.change, 'sale', sale.id, m.balance_after
    FROM sale, unnest($11::bigint[], $17::numeric[], $18::numeric[])
        AS m(product_id, change, balance_after)
), credit AS (
    INSERT INTO udhaar_entries (shop_id, kind, customer_id, sale_id, amount, entry_date, due_date)
    SELECT $1, 'sale', $3, sale.id, $19, $2, $20 FROM sale WHERE $19::numeric IS NOT NULL
), message AS (
    INSERT INTO notifications (
        shop_id, customer_id, channel, "to", template, language, body, reference
    )
    SELECT $1, $3, $21::text, $22::text, 'sale_bill', $23::text, $24::text, 'sale:' || sale.id
    FROM sale WHERE $24::text IS NOT NULL
), reply AS (
    UPDATE idempotency_keys k
    SET status_code = 201, response = replace($26::text, $27::text, sale.id::text)
    FROM sale WHERE k.shop_id = $1 AND k.id = $25
)
SELECT id FROM sale
"""

# The bill's number, then COMMIT, in one round trip. The counter upsert takes the shop's
# bill-number row lock: sent in one message with the COMMIT, the lock is held for these
# statements and the commit's flush only, never while the API waits for a reply or for its
# turn on the event loop. A simple-query batch takes no parameters: every value put into it
# is an integer, the fiscal year checked against its pattern, or a constant. The number
# comes back as a NOTICE (`app_notice`); the request's transaction ends here.
_NUMBER_AND_COMMIT = """
WITH counter AS (
    INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
    VALUES ({shop_id}, 'sale', '{fiscal_year}', 1)
    ON CONFLICT (shop_id, kind, fiscal_year) DO UPDATE SET last_no = bill_counters.last_no + 1
    RETURNING last_no
), sale AS (
    UPDATE sales SET bill_no = '{fiscal_year}/' || lpad(counter.last_no::text, 6, '0')
    FROM counter WHERE sales.shop_id = {shop_id} AND sales.id = {sale_id}
    RETURNING sales.bill_no
), message AS (
    UPDATE notifications n SET body = replace(n.body, U&'\\E000', sale.bill_no)
    FROM sale WHERE n.shop_id = {shop_id} AND n.reference = 'sale:{sale_id}'
), reply AS (
    UPDATE idempotency_keys k SET response = replace(k.response, U&'\\E000', sale.bill_no)
    FROM sale WHERE k.shop_id = {shop_id} AND k.id = {claim_id}
)
SELECT app_notice('{notice}' || sale.bill_no) FROM sale;
COMMIT;
"""
_NOTICE = "dukaan.bill_no="
_FISCAL_YEAR = re.compile(r"^[0-9]{4}-[0-9]{2}$")


@dataclass(frozen=True, slots=True)
class FoundProduct:
    id: int
    name: str
    name_key: str
    price_sale: Decimal
    price_purchase: Decimal
    quantity: Decimal
    after: Decimal | None
    """The quantity after the sale took its share; None when it was short."""


@dataclass(frozen=True, slots=True)
class SaleCustomer:
    id: int
    name: str
    phone: str
    opted_out: bool


@dataclass(frozen=True, slots=True)
class Taken:
    claimed: bool
    """False when another request holds the Idempotency-Key: nothing was done."""
    claim_id: int | None
    customer: SaleCustomer | None
    products: list[FoundProduct]


@dataclass(frozen=True, slots=True)
class BillLines:
    """The columns of the sale's lines and of their stock movements, in bill order."""

    product_ids: list[int]
    quantities: list[Decimal]
    rates: list[Decimal]
    costs: list[Decimal]
    totals: list[Decimal]
    profits: list[Decimal]
    changes: list[Decimal]
    balances_after: list[Decimal]


@dataclass(frozen=True, slots=True)
class OutboxText:
    channel: str
    to: str
    language: str
    body: str


async def take_for_sale(
    connection: asyncpg.Connection,
    shop_id: int,
    *,
    user_id: int,
    key: str | None,
    fingerprint: str,
    key_ttl_s: int,
    product_ids: list[int | None],
    name_keys: list[str | None],
    quantities: list[Decimal],
    allow_negative: bool,
    phone: str | None,
    customer_name: str,
) -> Taken:
    row = await connection.fetchrow(
        _TAKE_FOR_SALE,
        shop_id,
        key,
        fingerprint,
        key_ttl_s,
        product_ids,
        name_keys,
        quantities,
        allow_negative,
        phone,
        customer_name,
        user_id,
    )
    assert row is not None  # the statement always yields its one row
    ids = row["ids"] or []
    products = (
        [
            FoundProduct(*fields)
            for fields in zip(
                ids,
                row["names"],
                row["name_keys"],
                row["prices"],
                row["costs"],
                row["before"],
                row["after"],
                strict=True,
            )
        ]
        if ids
        else []
    )
    customer = (
        SaleCustomer(
            row["customer_id"],
            row["customer_name"],
            row["customer_phone"],
            row["customer_opted_out"],
        )
        if row["customer_id"] is not None
        else None
    )
    return Taken(row["claimed"], row["claim_id"], customer, products)


async def write_sale(
    connection: asyncpg.Connection,
    shop_id: int,
    *,
    sale_date: dt.date,
    customer_id: int | None,
    total: Decimal,
    total_cost: Decimal,
    total_quantity: Decimal,
    paid: Decimal,
    payment_mode: str,
    created_by: int,
    lines: BillLines,
    credit: Decimal | None,
    due_date: dt.date | None,
    message: OutboxText | None,
    claim_id: int | None,
    reply: str,
) -> int:
    """Write the bill (not yet numbered) and everything that goes with it; returns its id."""
    sale_id = await connection.fetchval(
        _WRITE_SALE,
        shop_id,
        sale_date,
        customer_id,
        total,
        total_cost,
        total - total_cost,
        total_quantity,
        paid,
        payment_mode,
        created_by,
        lines.product_ids,
        lines.quantities,
        lines.rates,
        lines.costs,
        lines.totals,
        lines.profits,
        lines.changes,
        lines.balances_after,
        credit,
        due_date,
        message.channel if message else None,
        message.to if message else None,
        message.language if message else None,
        message.body if message else None,
        claim_id,
        reply,
        SALE_ID_MARK,
    )
    return int(sale_id)


async def number_and_commit(
    connection: asyncpg.Connection,
    shop_id: int,
    sale_id: int,
    fiscal_year: str,
    claim_id: int | None,
) -> str:
    """Number the bill and commit the sale (see `_NUMBER_AND_COMMIT`); returns the number."""
    if not _FISCAL_YEAR.match(fiscal_year):
        raise ValueError(f"not a fiscal year: {fiscal_year!r}")
    batch = _NUMBER_AND_COMMIT.format(
        shop_id=int(shop_id),
        sale_id=int(sale_id),
        fiscal_year=fiscal_year,
        claim_id="NULL" if claim_id is None else int(claim_id),
        notice=_NOTICE,
    )
    (bill_no,) = await execute_hearing(connection, batch, _NOTICE)
    return bill_no


# One bill, its customer and its lines (as arrays, in line order) in one round trip.
_DETAIL = """
SELECT s.id, s.bill_no, s.customer_id, s.sale_date, s.total_amount, s.total_quantity,
       s.amount_paid, s.status, s.payment_mode, s.profit, s.void_reason,
       c.name AS customer_name, c.phone AS customer_phone, l.*
FROM sales s
LEFT JOIN customers c ON c.shop_id = s.shop_id AND c.id = s.customer_id
CROSS JOIN LATERAL (
    SELECT array_agg(sl.product_id ORDER BY sl.id) AS product_ids,
           array_agg(p.name ORDER BY sl.id) AS names,
           array_agg(sl.quantity ORDER BY sl.id) AS quantities,
           array_agg(sl.rate ORDER BY sl.id) AS rates,
           array_agg(sl.line_total ORDER BY sl.id) AS totals,
           array_agg(sl.cost_price ORDER BY sl.id) AS costs,
           array_agg(sl.profit ORDER BY sl.id) AS profits,
           array_agg(sl.returned_quantity ORDER BY sl.id) AS returned
    FROM sale_lines sl
    JOIN products p ON p.shop_id = sl.shop_id AND p.id = sl.product_id
    WHERE sl.shop_id = s.shop_id AND sl.sale_id = s.id
) l
WHERE s.shop_id = $1 AND s.id = $2
"""


async def detail(
    connection: asyncpg.Connection, shop_id: int, sale_id: int
) -> asyncpg.Record | None:
    """The sale with its customer's name and phone and its lines' columns as arrays."""
    record: asyncpg.Record | None = await connection.fetchrow(_DETAIL, shop_id, sale_id)
    return record


async def list_sales(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    customer_id: int | None,
) -> tuple[list[Sale], int]:
    conditions = [Sale.shop_id == shop_id]
    if date_from is not None:
        conditions.append(Sale.sale_date >= date_from)
    if date_to is not None:
        conditions.append(Sale.sale_date <= date_to)
    if customer_id is not None:
        conditions.append(Sale.customer_id == customer_id)
    return await fetch_page(
        session,
        select(Sale).where(*conditions).order_by(Sale.sale_date.desc(), Sale.id.desc()),
        page,
    )


async def get(
    session: AsyncSession, shop_id: int, sale_id: int, *, lock: bool = False
) -> Sale | None:
    query = select(Sale).where(Sale.shop_id == shop_id, Sale.id == sale_id)
    if lock:
        query = query.with_for_update()
    result: Sale | None = await session.scalar(query)
    return result


async def lines_with_names(
    session: AsyncSession, shop_id: int, sale_id: int, *, lock: bool = False
) -> list[Row[SaleLine, str]]:
    query = (
        select(SaleLine, Product.name)
        .join(Product, (Product.shop_id == SaleLine.shop_id) & (Product.id == SaleLine.product_id))
        .where(SaleLine.shop_id == shop_id, SaleLine.sale_id == sale_id)
        .order_by(SaleLine.id)
    )
    if lock:
        query = query.with_for_update(of=SaleLine)
    return list((await session.execute(query)).all())


async def stock_levels(
    session: AsyncSession, shop_id: int, product_ids: list[int]
) -> dict[int, Decimal]:
    """The products' quantities in stock now (a read: stock writes its own table)."""
    rows = await session.execute(
        select(Product.id, Product.quantity).where(
            Product.shop_id == shop_id, Product.id.in_(product_ids)
        )
    )
    return {row.id: row.quantity for row in rows}


async def mark_void(session: AsyncSession, shop_id: int, sale_id: int, reason: str) -> None:
    await session.execute(
        update(Sale)
        .where(Sale.shop_id == shop_id, Sale.id == sale_id)
        .values(status="void", void_reason=reason, voided_at=func.now())
    )


async def add_return(session: AsyncSession, values: dict[str, Any]) -> int:
    return_id: int = (
        await session.execute(insert(SaleReturn).values(**values).returning(SaleReturn.id))
    ).scalar_one()
    return return_id


async def add_return_lines(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(SaleReturnLine), rows)


_ADD_RETURNED = text(
    """
    UPDATE sale_lines l SET returned_quantity = l.returned_quantity + r.quantity
    FROM unnest(CAST(:ids AS bigint[]), CAST(:quantities AS numeric[])) AS r(id, quantity)
    WHERE l.shop_id = :shop_id AND l.id = r.id
    """
)


async def add_returned(session: AsyncSession, shop_id: int, taken: dict[int, Decimal]) -> None:
    """Add returned quantities to several sale lines ({line id: quantity}) in one statement."""
    ids = list(taken)
    await session.execute(
        _ADD_RETURNED,
        {"shop_id": shop_id, "ids": ids, "quantities": [taken[i] for i in ids]},
    )
