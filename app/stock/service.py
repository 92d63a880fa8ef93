"""Stock rules: every quantity change is a ledger row, and the quantity is their running sum."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.stock import repository
from app.stock.schemas import StockMovementRead


async def record_opening(
    session: AsyncSession, shop_id: int, product_id: int, quantity: Decimal
) -> Decimal:
    """Stock a new product with what is on the shelf; returns the new quantity."""
    if quantity == 0:
        return Decimal(0)
    balance = await repository.add_quantity(session, shop_id, product_id, quantity)
    await repository.add_movement(
        session,
        shop_id=shop_id,
        product_id=product_id,
        change=quantity,
        reason="opening",
        balance_after=balance,
    )
    return balance


async def adjust_to(
    session: AsyncSession, shop_id: int, product_id: int, counted: Decimal, note: str | None = None
) -> Decimal:
    """Set the quantity to what was counted, recording the difference as an adjustment.

    The row is locked first, so a concurrent sale cannot slip between the read and the write.
    """
    current = await repository.locked_quantity(session, shop_id, product_id)
    if current is None or current == counted:
        return counted
    change = counted - current
    balance = await repository.add_quantity(session, shop_id, product_id, change)
    await repository.add_movement(
        session,
        shop_id=shop_id,
        product_id=product_id,
        change=change,
        reason="adjustment",
        balance_after=balance,
        note=note,
    )
    return balance


async def movements(
    session: AsyncSession, shop_id: int, product_id: int, page: Page
) -> tuple[list[StockMovementRead], int]:
    rows, total = await repository.movements(session, shop_id, product_id, page)
    return [
        StockMovementRead(
            movement_id=row.id,
            product_id=row.product_id,
            quantity=row.quantity,
            reason=row.reason,
            sale_id=row.sale_id,
            purchase_id=row.purchase_id,
            balance_after=row.balance_after,
            note=row.note,
            created_at=row.created_at,
        )
        for row in rows
    ], total


async def product_has_bills(session: AsyncSession, shop_id: int, product_id: int) -> bool:
    return await repository.has_bill_movements(session, shop_id, product_id)


async def forget_product(session: AsyncSession, shop_id: int, product_id: int) -> None:
    """Drop the ledger of a product that never appeared on a bill, before deleting it."""
    await repository.delete_movements(session, shop_id, product_id)
