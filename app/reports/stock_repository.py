"""The stock summary's query: each live product's quantity and moving-average cost as of a
day, valued at cost and at its sale price, with totals over all of them. Read-only; no rules.

The day's figures come from the stock ledger (`stock_movements`, owned by app.stock) without
summing it from the start: a product's quantity as of a day is its quantity now
(`products.quantity`, the cached sum of its movements) less its movements dated after that
day (`ix_stock_movements_shop_id_movement_date`: only the days since are read, from the index
alone). Its moving-average cost as of the day: only purchases and opening stock set the cost,
so it is the `cost_after` of the last of those recorded (highest id) among the ones dated on
or before the day. A purchase entered today but dated last week counts from last week on,
averaged with the stock on hand when it was entered (the moving average is kept in the order
bills are entered, as `products.price_purchase` is). A product with no purchase dated after
the day simply has its cost now; the others need one short backward read each of the partial
index `ix_stock_movements_shop_id_product_id_id_costs`, which holds only those movements.

Values are rounded per product to paise by PostgreSQL's `round` (half away from zero, as
ROUND_HALF_UP) and the totals are the sums of those rounded values. Every figure is NUMERIC
from end to end. The shop is filtered explicitly in every part: row-level security is the
second lock.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page

# A product is listed as of a day if it existed then (created on or before the day, in the
# shop's time zone) or had stock then (a backdated purchase can stock a product before the
# day it was created). Products archived since are not listed: the summary is of live ones.
_STOCK_AS_OF = text(
    """
WITH later AS (
    SELECT m.product_id, sum(m.quantity) AS quantity,
           bool_or(m.reason IN ('purchase', 'opening')) AS cost_changed
    FROM stock_movements m
    WHERE m.shop_id = :shop_id AND m.movement_date > :as_of
    GROUP BY m.product_id
), costs AS (
    SELECT l.product_id, c.cost_after
    FROM later l CROSS JOIN LATERAL (
        SELECT c.cost_after FROM stock_movements c
        WHERE c.shop_id = :shop_id AND c.product_id = l.product_id
          AND c.reason IN ('purchase', 'opening') AND c.movement_date <= :as_of
        ORDER BY c.id DESC LIMIT 1
    ) c
    WHERE l.cost_changed
), stock AS (
    SELECT p.id, p.name, p.name_key, p.unit, p.price_sale, p.created_at,
           p.quantity - coalesce(l.quantity, 0) AS quantity,
           coalesce(c.cost_after, p.price_purchase) AS average_cost
    FROM products p
    LEFT JOIN later l ON l.product_id = p.id
    LEFT JOIN costs c ON c.product_id = p.id
    WHERE p.shop_id = :shop_id AND p.archived_at IS NULL
), listed AS (
    SELECT s.*, round(s.quantity * s.average_cost, 2) AS value_at_cost,
           round(s.quantity * s.price_sale, 2) AS value_at_sale_price
    FROM stock s
    WHERE s.quantity <> 0 OR (timezone(:timezone, s.created_at))::date <= :as_of
), totals AS (
    SELECT count(*) AS products,
           coalesce(sum(value_at_cost), 0.00) AS value_at_cost,
           coalesce(sum(value_at_sale_price), 0.00) AS value_at_sale_price
    FROM listed
), page AS (
    SELECT * FROM listed ORDER BY name_key, id LIMIT :limit OFFSET :offset
)
SELECT t.products AS total_products, t.value_at_cost AS total_value_at_cost,
       t.value_at_sale_price AS total_value_at_sale_price,
       pg.id, pg.name, pg.unit, pg.quantity, pg.average_cost, pg.value_at_cost,
       pg.price_sale, pg.value_at_sale_price
FROM totals t LEFT JOIN page pg ON true
ORDER BY pg.name_key, pg.id
"""
)


@dataclass(frozen=True, slots=True)
class StockRow:
    """One product's figures as PostgreSQL computed them."""

    product_id: int
    name: str
    unit: str
    quantity: Decimal
    average_cost: Decimal
    value_at_cost: Decimal
    sale_price: Decimal
    value_at_sale_price: Decimal


@dataclass(frozen=True, slots=True)
class StockTotalsRow:
    products: int
    value_at_cost: Decimal
    value_at_sale_price: Decimal


async def stock_as_of(
    session: AsyncSession, shop_id: int, *, as_of: dt.date, timezone: str, page: Page
) -> tuple[list[StockRow], StockTotalsRow]:
    """One page of products (by name) with their figures as of `as_of`, and the totals over
    every listed product, in one round trip."""
    rows = (
        await session.execute(
            _STOCK_AS_OF,
            {
                "shop_id": shop_id,
                "as_of": as_of,
                "timezone": timezone,
                "limit": page.limit,
                "offset": page.offset,
            },
        )
    ).all()
    first = rows[0]  # the totals row is always there, even past the last page
    totals = StockTotalsRow(
        products=int(first.total_products),
        value_at_cost=first.total_value_at_cost,
        value_at_sale_price=first.total_value_at_sale_price,
    )
    products = [
        StockRow(
            product_id=row.id,
            name=row.name,
            unit=row.unit,
            quantity=row.quantity,
            average_cost=row.average_cost,
            value_at_cost=row.value_at_cost,
            sale_price=row.price_sale,
            value_at_sale_price=row.value_at_sale_price,
        )
        for row in rows
        if row.id is not None
    ]
    return products, totals
