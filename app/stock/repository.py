"""Stock queries: quantity updates with their ledger rows, and ledger reads."""

from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.models import Product, StockMovement


async def locked_quantity(session: AsyncSession, shop_id: int, product_id: int) -> Decimal | None:
    """The product's quantity, with its row locked until the transaction ends."""
    result: Decimal | None = await session.scalar(
        select(Product.quantity)
        .where(Product.shop_id == shop_id, Product.id == product_id)
        .with_for_update()
    )
    return result


async def add_quantity(
    session: AsyncSession, shop_id: int, product_id: int, change: Decimal
) -> Decimal:
    """Atomically add `change` (signed) and return the new quantity."""
    new_quantity: Decimal = (
        await session.execute(
            update(Product)
            .where(Product.shop_id == shop_id, Product.id == product_id)
            .values(quantity=Product.quantity + change)
            .returning(Product.quantity)
        )
    ).scalar_one()
    return new_quantity


async def add_movement(
    session: AsyncSession,
    *,
    shop_id: int,
    product_id: int,
    change: Decimal,
    reason: str,
    balance_after: Decimal,
    note: str | None = None,
) -> None:
    session.add(
        StockMovement(
            shop_id=shop_id,
            product_id=product_id,
            quantity=change,
            reason=reason,
            balance_after=balance_after,
            note=note,
        )
    )
    await session.flush()


async def movements(
    session: AsyncSession, shop_id: int, product_id: int, page: Page
) -> tuple[list[StockMovement], int]:
    where = (StockMovement.shop_id == shop_id, StockMovement.product_id == product_id)
    total = await session.scalar(select(func.count()).select_from(StockMovement).where(*where))
    rows = await session.scalars(
        select(StockMovement)
        .where(*where)
        .order_by(StockMovement.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return list(rows), int(total or 0)


async def has_bill_movements(session: AsyncSession, shop_id: int, product_id: int) -> bool:
    found = await session.scalar(
        select(StockMovement.id)
        .where(
            StockMovement.shop_id == shop_id,
            StockMovement.product_id == product_id,
            (StockMovement.sale_id.is_not(None)) | (StockMovement.purchase_id.is_not(None)),
        )
        .limit(1)
    )
    return found is not None


async def delete_movements(session: AsyncSession, shop_id: int, product_id: int) -> None:
    await session.execute(
        delete(StockMovement).where(
            StockMovement.shop_id == shop_id, StockMovement.product_id == product_id
        )
    )
