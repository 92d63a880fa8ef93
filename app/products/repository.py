"""Product queries. Every query filters by shop too: RLS is the second lock, not the only one."""

import datetime as dt
from typing import Any

import asyncpg
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.sql import Sql
from app.models import Product

LOW_STOCK = (Product.quantity <= Product.reorder_level).label("low_stock")


def _live(shop_id: int, product: Any = Product) -> Any:
    return and_(product.shop_id == shop_id, product.archived_at.is_(None))


async def get(session: AsyncSession, shop_id: int, product_id: int) -> Product | None:
    result: Product | None = await session.scalar(
        select(Product).where(_live(shop_id), Product.id == product_id)
    )
    return result


async def name_key_taken(
    session: AsyncSession, shop_id: int, name_key: str, except_id: int | None = None
) -> bool:
    query = select(Product.id).where(_live(shop_id), Product.name_key == name_key)
    if except_id is not None:
        query = query.where(Product.id != except_id)
    return (await session.scalar(query.limit(1))) is not None


async def barcode_taken(
    session: AsyncSession, shop_id: int, barcode: str, except_id: int | None = None
) -> bool:
    # `barcode IS NOT NULL` spelt out: under row-level security the planner did not infer it
    # from the equality, so the partial unique index went unused (a scan of the shop's
    # products: 5.7 ms against 0.03 ms at 10,000 products, EXPLAIN ANALYZE as the app role).
    query = select(Product.id).where(
        _live(shop_id), Product.barcode.is_not(None), Product.barcode == barcode
    )
    if except_id is not None:
        query = query.where(Product.id != except_id)
    return (await session.scalar(query.limit(1))) is not None


async def add(session: AsyncSession, product: Product) -> Product:
    session.add(product)
    await session.flush()
    return product


async def update_fields(
    session: AsyncSession, shop_id: int, product_id: int, values: dict[str, Any]
) -> None:
    await session.execute(
        update(Product)
        .where(Product.shop_id == shop_id, Product.id == product_id)
        .values(**values, updated_at=func.now())
    )


async def archive(session: AsyncSession, shop_id: int, product_id: int) -> None:
    await session.execute(
        update(Product)
        .where(Product.shop_id == shop_id, Product.id == product_id)
        .values(archived_at=dt.datetime.now(dt.UTC))
    )


async def remove(session: AsyncSession, shop_id: int, product_id: int) -> None:
    await session.execute(
        delete(Product).where(Product.shop_id == shop_id, Product.id == product_id)
    )


# The catalogue page, as driver SQL (a page of 100 products cost about 8 ms of Python as ORM
# objects and validated models). With a query, the rows come from `search_products`
# (migration 0006): under row-level security the planner cannot use an index for LIKE or
# pg_trgm's `%>` (neither is LEAKPROOF), so a plain query scored every product of the shop.
# The function returns the shop's matching live rows best first; their ordinality is the
# rank, so this side filters, counts and pages without scoring again. The total rides along
# as a window count.
_COLUMNS = (
    "id, name, price_purchase, price_sale, quantity, unit, barcode, reorder_level, "
    "hsn_code, gst_rate, cess_rate, price_includes_tax, count(*) OVER () AS total"
)
_LIST = Sql(
    f"""
SELECT {_COLUMNS}
FROM products AS p
WHERE p.shop_id = :shop_id AND p.archived_at IS NULL
  AND (NOT :low_stock::boolean OR p.quantity <= p.reorder_level)
ORDER BY p.name_key, p.id
LIMIT :limit OFFSET :offset
"""  # noqa: S608 - constants only
)
_SEARCH = Sql(
    f"""
SELECT {_COLUMNS}
FROM search_products(:query_key) WITH ORDINALITY AS m
WHERE m.shop_id = :shop_id AND m.archived_at IS NULL
  AND (NOT :low_stock::boolean OR m.quantity <= m.reorder_level)
ORDER BY m.ordinality
LIMIT :limit OFFSET :offset
"""  # noqa: S608 - constants only
)


async def search(
    connection: asyncpg.Connection,
    shop_id: int,
    page: Page,
    *,
    query_key: str | None,
    low_stock: bool,
) -> tuple[list[asyncpg.Record], int]:
    """Live products, optionally fuzzy-matched on the normalised name (pg_trgm) or low on stock.

    Substring matches rank first, then by trigram word similarity, so 'salt' finds
    'tata salt 1kg' and a typo like 'tata slat' still finds it. Returns the page's rows
    (columns of `_COLUMNS`) and the total.
    """
    query, matching = (_SEARCH, {"query_key": query_key}) if query_key else (_LIST, {})

    async def fetch(limit: int, offset: int) -> list[asyncpg.Record]:
        values = {"shop_id": shop_id, "low_stock": low_stock, "limit": limit, "offset": offset}
        rows: list[asyncpg.Record] = await connection.fetch(
            query.text, *query.bind(values | matching)
        )
        return rows

    rows = await fetch(page.limit, page.offset)
    if rows:
        return rows, int(rows[0]["total"])
    if page.offset == 0:
        return [], 0
    # A page past the end has no row to carry the count: the first page's row carries it.
    counted = await fetch(1, 0)
    return [], int(counted[0]["total"]) if counted else 0


async def for_bill(
    session: AsyncSession, shop_id: int, ids: list[int], name_keys: list[str]
) -> list[Product]:
    """Live products named by a bill's lines, by id or by normalised name, in one query."""
    rows = await session.scalars(
        select(Product).where(
            _live(shop_id), or_(Product.id.in_(ids), Product.name_key.in_(name_keys))
        )
    )
    return list(rows)
