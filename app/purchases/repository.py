"""Purchase queries. No business rules here."""

import datetime as dt
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_page
from app.models import Product, Purchase, PurchaseLine, Vendor


async def add_purchase(session: AsyncSession, values: dict[str, Any]) -> int:
    purchase_id: int = (
        await session.execute(insert(Purchase).values(**values).returning(Purchase.id))
    ).scalar_one()
    return purchase_id


async def add_lines(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(PurchaseLine), rows)


async def get(
    session: AsyncSession, shop_id: int, purchase_id: int, *, lock: bool = False
) -> Purchase | None:
    query = select(Purchase).where(Purchase.shop_id == shop_id, Purchase.id == purchase_id)
    if lock:
        query = query.with_for_update()
    result: Purchase | None = await session.scalar(query)
    return result


async def vendor_of(session: AsyncSession, shop_id: int, vendor_id: int) -> Vendor | None:
    result: Vendor | None = await session.scalar(
        select(Vendor).where(Vendor.shop_id == shop_id, Vendor.id == vendor_id)
    )
    return result


async def lines_with_names(
    session: AsyncSession, shop_id: int, purchase_id: int
) -> list[Row[PurchaseLine, str]]:
    query = (
        select(PurchaseLine, Product.name)
        .join(
            Product,
            (Product.shop_id == PurchaseLine.shop_id) & (Product.id == PurchaseLine.product_id),
        )
        .where(PurchaseLine.shop_id == shop_id, PurchaseLine.purchase_id == purchase_id)
        .order_by(PurchaseLine.id)
    )
    return list((await session.execute(query)).all())


async def list_purchases(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    vendor_id: int | None,
) -> tuple[list[Purchase], int]:
    conditions = [Purchase.shop_id == shop_id]
    if date_from is not None:
        conditions.append(Purchase.purchase_date >= date_from)
    if date_to is not None:
        conditions.append(Purchase.purchase_date <= date_to)
    if vendor_id is not None:
        conditions.append(Purchase.vendor_id == vendor_id)
    return await fetch_page(
        session,
        select(Purchase)
        .where(*conditions)
        .order_by(Purchase.purchase_date.desc(), Purchase.id.desc()),
        page,
    )


async def mark_void(session: AsyncSession, shop_id: int, purchase_id: int, reason: str) -> None:
    await session.execute(
        update(Purchase)
        .where(Purchase.shop_id == shop_id, Purchase.id == purchase_id)
        .values(status="void", void_reason=reason, voided_at=func.now())
    )
