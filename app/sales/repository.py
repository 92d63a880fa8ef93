"""Sale queries: bills, lines, returns, bill numbers. No business rules here.

A new sale is three prebuilt round trips sent straight to asyncpg (`take_for_sale`,
`write_sale`, then `number_and_commit`): the profile of issue 6 showed SQLAlchemy's statement
building and a dozen round trips costing five times what PostgreSQL spent on the sale.
Between them they write the tables of other domains (the idempotency key, the customer,
stock, udhaar, the outbox) by composing those owners' CTE fragments (`app/<owner>/sql.py`,
app.db.ownership); this module writes only the sale's own tables. Parameters are named and
compiled to `$n` once, at import (app.db.sql); the last batch is committed by the
transaction owner (`app.db.session.commit_with`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.bills.numbering import invoice_no
from app.bills.tax import TaxHeads
from app.core.pagination import Page
from app.db.paging import fetch_page
from app.db.session import commit_with
from app.db.sql import Sql
from app.idempotency import sql as idempotency_sql
from app.models import Product, Sale, SaleLine, SaleReturn, SaleReturnLine
from app.notifications import sql as notifications_sql
from app.parties import sql as parties_sql
from app.stock import sql as stock_sql
from app.udhaar import sql as udhaar_sql

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
# lines and tells which product is short. The writes are the owners' fragments (app.db.sql).
_TAKE_FOR_SALE = Sql(
    f"""
WITH {idempotency_sql.CLAIM}, go AS (
    SELECT :key::text IS NULL OR EXISTS (SELECT FROM claim) AS ok
), wanted AS (
    SELECT * FROM unnest(:product_ids::bigint[], :name_keys::text[], :quantities::numeric[])
        AS w(id, key, quantity)
), found AS MATERIALIZED (
    SELECT p.id, p.name, p.name_key, p.price_sale, p.price_purchase, p.quantity, p.hsn_code,
           p.gst_rate, p.cess_rate, p.price_includes_tax
    FROM products p
    WHERE p.shop_id = :shop_id AND p.archived_at IS NULL
      AND (p.id = ANY(:product_ids::bigint[]) OR p.name_key = ANY(:name_keys::text[]))
      AND (SELECT ok FROM go)
    ORDER BY p.id
    FOR UPDATE
), stock_take AS (
    SELECT f.id, sum(w.quantity) AS quantity
    FROM wanted w JOIN found f ON f.id = w.id OR (w.id IS NULL AND f.name_key = w.key)
    GROUP BY f.id
), {stock_sql.TAKE}, customer_wanted AS (
    SELECT :customer_name::text AS name, :phone::text AS phone
    WHERE :phone::text IS NOT NULL AND (SELECT ok FROM go)
), {parties_sql.UPSERT_CUSTOMER}
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
           array_agg(t.quantity ORDER BY f.id) AS after,
           array_agg(f.hsn_code ORDER BY f.id) AS hsn_codes,
           array_agg(f.gst_rate ORDER BY f.id) AS gst_rates,
           array_agg(f.cess_rate ORDER BY f.id) AS cess_rates,
           array_agg(f.price_includes_tax ORDER BY f.id) AS inclusive
    FROM found f LEFT JOIN taken t ON t.id = f.id
) products
"""  # noqa: S608 - owners' fragments
)

# The bill itself, in one statement: the sale (numbered later, by `_NUMBER`), its lines, then
# through the owners' fragments its movements, udhaar entry and message, and the stored
# reply, all given the sale's id.
_WRITE_SALE = Sql(
    f"""
WITH sale AS (
    INSERT INTO sales (
        shop_id, customer_id, sale_date, total_amount, total_cost, profit, total_quantity,
        amount_paid, payment_mode, created_by, discount_total, document_type, round_off,
        taxable_value, cgst, sgst, igst, cess, buyer_gstin, buyer_name, buyer_address,
        place_of_supply
    )
    VALUES (
        :shop_id, :customer_id::bigint, :sale_date::date, :total, :total_cost, :profit,
        :total_quantity, :paid, :payment_mode::text, :created_by, :discount_total,
        :document_type::text, :round_off, :taxable_value, :cgst, :sgst, :igst, :cess,
        :buyer_gstin::text, :buyer_name::text, :buyer_address::text, :place_of_supply::text
    )
    RETURNING id
), lines AS (
    INSERT INTO sale_lines (
        shop_id, sale_id, product_id, quantity, rate, cost_price, line_total, profit, discount,
        hsn_code, gst_rate, cess_rate, taxable_value, cgst, sgst, igst, cess
    )
    SELECT :shop_id, sale.id, l.product_id, l.quantity, l.rate, l.cost, l.total, l.profit,
           l.discount, l.hsn_code, l.gst_rate, l.cess_rate, l.taxable_value, l.cgst, l.sgst,
           l.igst, l.cess
    FROM sale, unnest(
        :product_ids::bigint[], :quantities::numeric[], :rates::numeric[], :costs::numeric[],
        :totals::numeric[], :profits::numeric[], :discounts::numeric[], :hsn_codes::text[],
        :gst_rates::numeric[], :cess_rates::numeric[], :taxable_values::numeric[],
        :cgsts::numeric[], :sgsts::numeric[], :igsts::numeric[], :cesses::numeric[]
    ) AS l(product_id, quantity, rate, cost, total, profit, discount, hsn_code, gst_rate,
           cess_rate, taxable_value, cgst, sgst, igst, cess)
), stock_moved AS (
    SELECT m.product_id, m.change, 'sale'::text AS reason, sale.id AS sale_id, m.balance_after,
           m.cost AS cost_after, :sale_date::date AS movement_date
    FROM sale, unnest(
        :product_ids::bigint[], :changes::numeric[], :balances_after::numeric[],
        :costs::numeric[]
    ) AS m(product_id, change, balance_after, cost)
), {stock_sql.RECORD_MOVEMENTS}, credit_opened AS (
    SELECT 'sale'::text AS kind, :customer_id::bigint AS customer_id, sale.id AS sale_id,
           :credit::numeric AS amount, :sale_date::date AS entry_date,
           :due_date::date AS due_date
    FROM sale WHERE :credit::numeric IS NOT NULL
), {udhaar_sql.OPEN_CREDIT}, message_queued AS (
    SELECT :customer_id::bigint AS customer_id, :channel::text AS channel, :to::text AS "to",
           'sale_bill'::text AS template, :language::text AS language, :body::text AS body,
           'sale:' || sale.id AS reference
    FROM sale WHERE :body::text IS NOT NULL
), {notifications_sql.QUEUE}, reply_stored AS (
    SELECT :claim_id::bigint AS id, 201 AS status_code,
           replace(:reply::text, :sale_id_mark::text, sale.id::text) AS response
    FROM sale
), {idempotency_sql.STORE_REPLY}
SELECT id FROM sale
"""  # noqa: S608 - owners' fragments
)

# The bill's number, sent by the transaction owner with the COMMIT in one round trip
# (`app.db.session.commit_with`). The counter upsert takes the shop's bill-number row lock:
# sent in one message with the COMMIT, the lock is held for these statements and the
# commit's flush only, never while the API waits for a reply or for its turn on the event
# loop. A simple-query batch takes no parameters: the values are written in as literals
# (`Sql.inline`: integers and quoted text). The number comes back as a NOTICE (`app_notice`).
_NUMBER = Sql(
    f"""
WITH counter AS (
    INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
    VALUES (:shop_id, 'sale', :fiscal_year, 1)
    ON CONFLICT (shop_id, kind, fiscal_year) DO UPDATE SET last_no = bill_counters.last_no + 1
    RETURNING last_no
), sale AS (
    UPDATE sales SET bill_no = :prefix || :fiscal_year || '/' || lpad(counter.last_no::text, 6, '0')
    FROM counter WHERE sales.shop_id = :shop_id AND sales.id = :sale_id
    RETURNING sales.bill_no
), message_filling AS (
    SELECT 'sale:' || :sale_id AS reference, :mark AS mark, sale.bill_no AS value FROM sale
), {notifications_sql.FILL_IN}, reply_filling AS (
    SELECT :claim_id::bigint AS id, :mark AS mark, sale.bill_no AS value FROM sale
), {idempotency_sql.FILL_IN_REPLY}
SELECT app_notice(:notice || sale.bill_no) FROM sale
"""  # noqa: S608 - owners' fragments
)
_NOTICE = "dukaan.bill_no="


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
    hsn_code: str | None
    gst_rate: Decimal
    cess_rate: Decimal
    price_includes_tax: bool


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
    discounts: list[Decimal]
    costs: list[Decimal]
    totals: list[Decimal]
    profits: list[Decimal]
    changes: list[Decimal]
    balances_after: list[Decimal]
    hsn_codes: list[str | None]
    gst_rates: list[Decimal]
    cess_rates: list[Decimal]
    heads: list[TaxHeads]


@dataclass(frozen=True, slots=True)
class SaleDocument:
    """The GST side of the bill: its document, buyer, place of supply, heads and round-off."""

    document_type: str
    heads: TaxHeads
    round_off: Decimal
    buyer_gstin: str | None
    buyer_name: str | None
    buyer_address: str | None
    place_of_supply: str | None


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
        _TAKE_FOR_SALE.text,
        *_TAKE_FOR_SALE.args(
            shop_id=shop_id,
            user_id=user_id,
            key=key,
            fingerprint=fingerprint,
            key_ttl_s=key_ttl_s,
            product_ids=product_ids,
            name_keys=name_keys,
            quantities=quantities,
            allow_negative=allow_negative,
            phone=phone,
            customer_name=customer_name,
        ),
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
                row["hsn_codes"],
                row["gst_rates"],
                row["cess_rates"],
                row["inclusive"],
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
    profit: Decimal,
    total_quantity: Decimal,
    discount_total: Decimal,
    paid: Decimal,
    payment_mode: str,
    created_by: int,
    lines: BillLines,
    document: SaleDocument,
    credit: Decimal | None,
    due_date: dt.date | None,
    message: OutboxText | None,
    claim_id: int | None,
    reply: str,
) -> int:
    """Write the bill (not yet numbered) and everything that goes with it; returns its id."""
    sale_id = await connection.fetchval(
        _WRITE_SALE.text,
        *_WRITE_SALE.args(
            shop_id=shop_id,
            sale_date=sale_date,
            customer_id=customer_id,
            total=total,
            total_cost=total_cost,
            profit=profit,
            total_quantity=total_quantity,
            discount_total=discount_total,
            paid=paid,
            payment_mode=payment_mode,
            created_by=created_by,
            product_ids=lines.product_ids,
            quantities=lines.quantities,
            rates=lines.rates,
            costs=lines.costs,
            totals=lines.totals,
            profits=lines.profits,
            discounts=lines.discounts,
            changes=lines.changes,
            balances_after=lines.balances_after,
            hsn_codes=lines.hsn_codes,
            gst_rates=lines.gst_rates,
            cess_rates=lines.cess_rates,
            taxable_values=[h.taxable for h in lines.heads],
            cgsts=[h.cgst for h in lines.heads],
            sgsts=[h.sgst for h in lines.heads],
            igsts=[h.igst for h in lines.heads],
            cesses=[h.cess for h in lines.heads],
            document_type=document.document_type,
            round_off=document.round_off,
            taxable_value=document.heads.taxable,
            cgst=document.heads.cgst,
            sgst=document.heads.sgst,
            igst=document.heads.igst,
            cess=document.heads.cess,
            buyer_gstin=document.buyer_gstin,
            buyer_name=document.buyer_name,
            buyer_address=document.buyer_address,
            place_of_supply=document.place_of_supply,
            credit=credit,
            due_date=due_date,
            channel=message.channel if message else None,
            to=message.to if message else None,
            language=message.language if message else None,
            body=message.body if message else None,
            claim_id=claim_id,
            reply=reply,
            sale_id_mark=SALE_ID_MARK,
        ),
    )
    return int(sale_id)


async def number_and_commit(
    connection: asyncpg.Connection,
    shop_id: int,
    sale_id: int,
    fiscal_year: str,
    claim_id: int | None,
    prefix: str,
) -> str:
    """Number the bill and have the transaction owner commit the sale with it (see
    `_NUMBER`); returns the number."""
    batch = _NUMBER.inline(
        shop_id=int(shop_id),
        sale_id=int(sale_id),
        fiscal_year=fiscal_year,
        prefix=prefix,
        claim_id=None if claim_id is None else int(claim_id),
        mark=BILL_NO_MARK,
        notice=_NOTICE,
    )
    (bill_no,) = await commit_with(connection, batch, hear=_NOTICE)
    return bill_no


# One bill, its customer and its lines (as arrays, in line order) in one round trip.
_DETAIL = """
SELECT s.id, s.bill_no, s.customer_id, s.sale_date, s.total_amount, s.total_quantity,
       s.amount_paid, s.status, s.payment_mode, s.profit, s.void_reason, s.discount_total,
       s.document_type, s.round_off, s.taxable_value, s.cgst, s.sgst, s.igst, s.cess,
       s.buyer_gstin, s.buyer_name, s.buyer_address, s.place_of_supply,
       c.name AS customer_name, c.phone AS customer_phone, l.*, notes.*
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
           array_agg(sl.returned_quantity ORDER BY sl.id) AS returned,
           array_agg(sl.discount ORDER BY sl.id) AS discounts,
           array_agg(sl.hsn_code ORDER BY sl.id) AS hsn_codes,
           array_agg(sl.gst_rate ORDER BY sl.id) AS gst_rates,
           array_agg(sl.cess_rate ORDER BY sl.id) AS cess_rates,
           array_agg(sl.taxable_value ORDER BY sl.id) AS taxable_values,
           array_agg(sl.cgst ORDER BY sl.id) AS cgsts,
           array_agg(sl.sgst ORDER BY sl.id) AS sgsts,
           array_agg(sl.igst ORDER BY sl.id) AS igsts,
           array_agg(sl.cess ORDER BY sl.id) AS cesses
    FROM sale_lines sl
    JOIN products p ON p.shop_id = sl.shop_id AND p.id = sl.product_id
    WHERE sl.shop_id = s.shop_id AND sl.sale_id = s.id
) l
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'return_id', r.id, 'credit_note_no', r.credit_note_no, 'date', r.return_date,
               'amount', r.amount, 'taxable_value', r.taxable_value, 'cgst', r.cgst,
               'sgst', r.sgst, 'igst', r.igst, 'cess', r.cess) ORDER BY r.id), '[]')::text
           AS credit_notes
    FROM sale_returns r
    WHERE r.shop_id = s.shop_id AND r.sale_id = s.id AND r.credit_note_no IS NOT NULL
) notes
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


async def returned_by_day(
    session: AsyncSession, shop_id: int, sale_id: int
) -> list[Row[dt.date, int, Decimal]]:
    """What came back from the sale: (return date, product id, quantity), by day then product."""
    query = (
        select(SaleReturn.return_date, SaleLine.product_id, func.sum(SaleReturnLine.quantity))
        .join(
            SaleReturn,
            (SaleReturn.shop_id == SaleReturnLine.shop_id)
            & (SaleReturn.id == SaleReturnLine.return_id),
        )
        .join(
            SaleLine,
            (SaleLine.shop_id == SaleReturnLine.shop_id)
            & (SaleLine.id == SaleReturnLine.sale_line_id),
        )
        .where(
            SaleReturnLine.shop_id == shop_id,
            SaleReturn.shop_id == shop_id,
            SaleReturn.sale_id == sale_id,
        )
        .group_by(SaleReturn.return_date, SaleLine.product_id)
        .order_by(SaleReturn.return_date, SaleLine.product_id)
    )
    return list((await session.execute(query)).all())


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


_NEXT_NUMBER = Sql(
    """
    INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
    VALUES (:shop_id, :kind, :fiscal_year, 1)
    ON CONFLICT (shop_id, kind, fiscal_year) DO UPDATE SET last_no = bill_counters.last_no + 1
    RETURNING last_no
    """
)
CREDIT_NOTE_PREFIX = "CN"
"""Credit notes have their own series: `CN2026-27/000001`, 16 characters, GST's limit."""


async def next_credit_note_no(session: AsyncSession, shop_id: int, fiscal_year: str) -> str:
    """The next credit note number of the shop's financial year, in the return's transaction
    (the counter's row lock keeps the series gapless, as for bills)."""
    connection = await session.connection()
    result = await connection.exec_driver_sql(
        _NEXT_NUMBER.text,
        _NEXT_NUMBER.args(shop_id=shop_id, kind="credit", fiscal_year=fiscal_year),
    )
    return invoice_no(CREDIT_NOTE_PREFIX, fiscal_year, result.scalar_one())
