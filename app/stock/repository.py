"""Stock queries: quantity updates with their ledger rows, and ledger reads."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ScalarSelect, cast, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.models import Product, Shop, StockMovement


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
) -> tuple[Decimal, Decimal]:
    """Atomically add `change` (signed): the new quantity and the product's unit cost."""
    row = (
        await session.execute(
            update(Product)
            .where(Product.shop_id == shop_id, Product.id == product_id)
            .values(quantity=Product.quantity + change)
            .returning(Product.quantity, Product.price_purchase)
        )
    ).one()
    return row.quantity, row.price_purchase


def _shop_today(shop_id: int) -> ScalarSelect[dt.date]:
    """The shop's today in SQL (the date of `now()` in its time zone): the business date of
    a movement entered now, the same rule migration 0020 backfilled with."""
    return (
        select(cast(func.timezone(Shop.timezone, func.now()), Date))
        .where(Shop.id == shop_id)
        .scalar_subquery()
    )


async def add_movement(
    session: AsyncSession,
    *,
    shop_id: int,
    product_id: int,
    change: Decimal,
    reason: str,
    balance_after: Decimal,
    cost_after: Decimal,
    note: str | None = None,
) -> None:
    """Record one movement entered now (opening stock, an adjustment), dated the shop's today."""
    await session.execute(
        insert(StockMovement).values(
            shop_id=shop_id,
            product_id=product_id,
            quantity=change,
            reason=reason,
            balance_after=balance_after,
            cost_after=cost_after,
            movement_date=_shop_today(shop_id),
            note=note,
        )
    )


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


# Rows are locked in product-id order (the MATERIALIZED CTE), so two bills listing the same
# products in opposite orders queue up instead of deadlocking; the change is then applied by
# one UPDATE, whose WHERE refuses to take stock below zero unless the shop allows it.
_APPLY_CHANGES = text(
    """
    WITH wanted AS (
        SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:changes AS numeric[])) AS w(id, change)
    ), locked AS MATERIALIZED (
        SELECT p.id FROM products p JOIN wanted w ON w.id = p.id
        WHERE p.shop_id = :shop_id ORDER BY p.id FOR UPDATE OF p
    )
    UPDATE products p
    SET quantity = p.quantity + w.change, updated_at = now()
    FROM wanted w, locked l
    WHERE p.shop_id = :shop_id AND p.id = w.id AND l.id = p.id
      AND (:allow_negative OR w.change >= 0 OR p.quantity + w.change >= 0)
    RETURNING p.id, p.quantity, p.price_purchase
    """
)

_RECEIVE = text(
    """
    WITH incoming AS (
        SELECT * FROM unnest(
            CAST(:ids AS bigint[]), CAST(:quantities AS numeric[]),
            CAST(:values AS numeric[]), CAST(:sale_prices AS numeric[])
        ) AS i(id, quantity, value, price_sale)
    ), locked AS MATERIALIZED (
        SELECT p.id FROM products p JOIN incoming i ON i.id = p.id
        WHERE p.shop_id = :shop_id ORDER BY p.id FOR UPDATE OF p
    )
    UPDATE products p
    SET price_purchase = CASE
            WHEN p.quantity <= 0 THEN round(i.value / i.quantity, 2)
            ELSE round((p.quantity * p.price_purchase + i.value) / (p.quantity + i.quantity), 2)
        END,
        quantity = p.quantity + i.quantity,
        price_sale = coalesce(i.price_sale, p.price_sale),
        updated_at = now()
    FROM incoming i, locked l
    WHERE p.shop_id = :shop_id AND p.id = i.id AND l.id = p.id
    RETURNING p.id, p.quantity, p.price_purchase
    """
)


async def apply_changes(
    session: AsyncSession, shop_id: int, changes: dict[int, Decimal], *, allow_negative: bool
) -> dict[int, tuple[Decimal, Decimal]]:
    """Add signed changes to several products at once: {id: (new quantity, unit cost)}.

    A product missing from the result was refused (it would go below zero) or does not exist.
    """
    ids = sorted(changes)
    rows = await session.execute(
        _APPLY_CHANGES,
        {
            "shop_id": shop_id,
            "ids": ids,
            "changes": [changes[i] for i in ids],
            "allow_negative": allow_negative,
        },
    )
    return {row.id: (row.quantity, row.price_purchase) for row in rows}


async def receive(
    session: AsyncSession,
    shop_id: int,
    quantities: dict[int, Decimal],
    values: dict[int, Decimal],
    sale_prices: dict[int, Decimal | None],
) -> dict[int, tuple[Decimal, Decimal]]:
    """Stock in with moving-average cost: {id: (new quantity, new unit cost)}."""
    ids = sorted(quantities)
    rows = await session.execute(
        _RECEIVE,
        {
            "shop_id": shop_id,
            "ids": ids,
            "quantities": [quantities[i] for i in ids],
            "values": [values[i] for i in ids],
            "sale_prices": [sale_prices.get(i) for i in ids],
        },
    )
    return {row.id: (row.quantity, row.price_purchase) for row in rows}


async def quantities(session: AsyncSession, shop_id: int, ids: list[int]) -> dict[int, Decimal]:
    rows = await session.execute(
        select(Product.id, Product.quantity).where(Product.shop_id == shop_id, Product.id.in_(ids))
    )
    return {row.id: row.quantity for row in rows}


async def add_movements(session: AsyncSession, rows: list[dict[str, object]]) -> None:
    if rows:
        await session.execute(insert(StockMovement), rows)
