"""Sale queries: bills, lines, returns, bill numbers. No business rules here.

A new sale is two statements, each its own transaction (`app.db.session.call_in_shop`):
`quote` reads what the bill is priced from, and `record` hands the priced bill, as one JSON
argument, to the database function that writes it all
(app/sales/sql/sales_record.sql: the sale's own tables itself, the customer, stock, udhaar,
outbox and idempotency key through their owners' functions). The profile of issue 6 showed
SQLAlchemy's statement building and a dozen round trips costing five times what PostgreSQL
spent on the sale; issue 20 took it from five round trips to two.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.bills.numbering import invoice_no
from app.core import jsoncodec
from app.core.pagination import Page
from app.core.security import Principal
from app.db.paging import fetch_page
from app.db.session import call_in_shop
from app.db.sql import Sql
from app.models import Product, Sale, SaleLine, SaleReturn, SaleReturnLine

BILL_NO_MARK = "\ue000"
"""Stands for the bill number in text rendered before the number exists (the bill SMS and
the stored idempotent reply); `sales_record` replaces it as it assigns the number."""
SALE_ID_MARK_VALUE = "\ue001"
SALE_ID_MARK = f'"{SALE_ID_MARK_VALUE}"'
"""Stands for the sale id (a JSON number) in the reply rendered before the sale exists: the
reply is rendered with the string `SALE_ID_MARK_VALUE` as its id, then the quoted string is
replaced by the number."""
PARTY_MARK = "\ue002"
"""Stands for the customer's name in the bill SMS, rendered before the customer row is
found or created (`sales_record` puts in the name it has, or `no_name`)."""

_QUOTE = Sql("SELECT sales_quote(:shop_id, :wanted::jsonb)")
_RECORD = Sql("SELECT sales_record(:bill::jsonb)")

SHORT_STOCK = "DK409"
"""SQLSTATE of `stock_take_for_sale` when a product is short; DETAIL names it (JSON)."""
CHANGED = "DK412"
"""SQLSTATE of `sales_record` when a product changed after the bill was priced."""
KEY_TAKEN = "DK428"
"""SQLSTATE of `sales_record` when a concurrent request with the Idempotency-Key finished
first (its reply is then there to replay)."""
AGAIN = (CHANGED, KEY_TAKEN)
"""The refusals after which the sale is quoted again."""


@dataclass(frozen=True, slots=True)
class FoundProduct:
    """A product as `sales_quote` read it (not locked: `sales_record` checks it again)."""

    id: int
    name: str
    name_key: str
    price_sale: Decimal
    price_purchase: Decimal
    quantity: Decimal
    hsn_code: str | None
    gst_rate: Decimal
    cess_rate: Decimal
    price_includes_tax: bool

    def priced_from(self) -> dict[str, Any]:
        """What the bill's price rests on, for `sales_record` to check under lock."""
        return {
            "id": self.id,
            "name": self.name,
            "price_sale": self.price_sale,
            "price_purchase": self.price_purchase,
            "hsn_code": self.hsn_code,
            "gst_rate": self.gst_rate,
            "cess_rate": self.cess_rate,
            "price_includes_tax": self.price_includes_tax,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """The shop's settings row and the bill's products; or the key's stored reply."""

    shop: dict[str, Any] | None
    shop_version: str
    """The shop row's version (`sales_record` checks the bill was priced with it)."""
    products: list[FoundProduct]
    replay: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    status: int
    body: str
    replayed: bool


async def quote(
    connection: asyncpg.Connection,
    principal: Principal,
    *,
    product_ids: list[int],
    name_keys: list[str],
    key: str | None,
    fingerprint: str,
    catalogue: int = 0,
) -> Quote:
    """What the bill is priced from, read in one statement (`sales_quote`), which first checks
    the caller's login session; with up to `catalogue` more of the shop's products."""
    wanted = jsoncodec.dumps(
        {
            "ids": product_ids,
            "keys": name_keys,
            "catalogue": catalogue,
            "session_id": principal.session_id,
            "user_id": principal.user_id,
            "role": principal.role,
            "key": key,
            "fingerprint": fingerprint,
            "bill_no_mark": BILL_NO_MARK,
        }
    ).decode()
    found = jsoncodec.loads(
        await call_in_shop(connection, _QUOTE, shop_id=principal.shop_id, wanted=wanted)
    )
    if "replay" in found:
        return Quote(None, "", [], (int(found["replay"]), found["body"]))
    return Quote(
        found["shop"],
        found["shop"]["version"] if found["shop"] else "",
        [
            FoundProduct(
                id=p["id"],
                name=p["name"],
                name_key=p["name_key"],
                price_sale=Decimal(p["price_sale"]),
                price_purchase=Decimal(p["price_purchase"]),
                quantity=Decimal(p["quantity"]),
                hsn_code=p["hsn_code"],
                gst_rate=Decimal(p["gst_rate"]),
                cess_rate=Decimal(p["cess_rate"]),
                price_includes_tax=p["price_includes_tax"],
            )
            for p in found["products"]
        ],
    )


async def record(connection: asyncpg.Connection, bill: dict[str, Any]) -> Recorded:
    """Write the priced bill in one statement (`sales_record`); the reply it made or replayed.

    Raises the database's error for a short product (`SHORT_STOCK`), a product changed since
    the quote (`CHANGED`) or a refused Idempotency-Key, for the service to render."""
    marks = {
        "bill_no_mark": BILL_NO_MARK,
        "sale_id_mark": SALE_ID_MARK,
        "party_mark": PARTY_MARK,
    }
    done = jsoncodec.loads(
        await call_in_shop(connection, _RECORD, bill=jsoncodec.dumps(bill | marks).decode())
    )
    return Recorded(int(done["status"]), done["body"], bool(done["replayed"]))


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
