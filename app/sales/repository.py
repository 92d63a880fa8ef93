"""Sale queries: bills, lines, returns, bill numbers. No business rules here."""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page, fetch_page
from app.models import Customer, Product, Sale, SaleLine, SaleReturn, SaleReturnLine

# The counter upsert takes the shop's row lock for this financial year; it is the last
# statement of the bill's transaction, so the lock is held only until the commit.
_ASSIGN_BILL_NO = text(
    """
    WITH next AS (
        INSERT INTO bill_counters (shop_id, kind, fiscal_year, last_no)
        VALUES (:shop_id, 'sale', :fiscal_year, 1)
        ON CONFLICT (shop_id, kind, fiscal_year)
        DO UPDATE SET last_no = bill_counters.last_no + 1
        RETURNING last_no
    )
    UPDATE sales SET bill_no = :fiscal_year || '/' || lpad(next.last_no::text, 6, '0')
    FROM next WHERE sales.shop_id = :shop_id AND sales.id = :sale_id
    RETURNING sales.bill_no
    """
)


async def add_sale(session: AsyncSession, values: dict[str, Any]) -> int:
    sale_id: int = (
        await session.execute(insert(Sale).values(**values).returning(Sale.id))
    ).scalar_one()
    return sale_id


async def add_lines(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(SaleLine), rows)


async def assign_bill_no(
    session: AsyncSession, shop_id: int, sale_id: int, fiscal_year: str
) -> str:
    bill_no: str = (
        await session.execute(
            _ASSIGN_BILL_NO, {"shop_id": shop_id, "sale_id": sale_id, "fiscal_year": fiscal_year}
        )
    ).scalar_one()
    return bill_no


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


async def customer_of(session: AsyncSession, shop_id: int, customer_id: int) -> Customer | None:
    result: Customer | None = await session.scalar(
        select(Customer).where(Customer.shop_id == shop_id, Customer.id == customer_id)
    )
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
