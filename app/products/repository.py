"""Product queries. Every query filters by shop too: RLS is the second lock, not the only one."""

import datetime as dt
from typing import Any

from sqlalchemy import String, and_, bindparam, column, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.core.pagination import Page, fetch_page
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
    query = select(Product.id).where(_live(shop_id), Product.barcode == barcode)
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


# The search runs inside `search_products` (migration 0006): under row-level security the
# planner cannot use an index for LIKE or pg_trgm's `%>` (neither is LEAKPROOF), so a plain
# query scored every product of the shop. The function returns the shop's matching live rows
# best first; their ordinality is the rank, so this side filters, counts and pages without
# scoring again. Columns are matched by name (the table's column order is not the model's;
# without a column list PostgreSQL names the row number "ordinality"). Built once, with the
# query as a bound parameter: building the aliased construct costs about a millisecond.
_MATCHES = func.search_products(bindparam("query_key", type_=String)).table_valued(
    *(column(col.name, col.type) for col in Product.__table__.columns),
    with_ordinality="ordinality",
    name="matches",
)
_MATCHED = aliased(Product, _MATCHES, adapt_on_names=True)


async def search(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    query_key: str | None,
    low_stock: bool,
) -> tuple[list[Product], int]:
    """Live products, optionally fuzzy-matched on the normalised name (pg_trgm) or low on stock.

    Substring matches rank first, then by trigram word similarity, so 'salt' finds
    'tata salt 1kg' and a typo like 'tata slat' still finds it.
    """
    product: Any = _MATCHED if query_key else Product
    query = select(product).where(_live(shop_id, product))
    if query_key:
        query = query.order_by(_MATCHES.c.ordinality).params(query_key=query_key)
    else:
        query = query.order_by(Product.name_key, Product.id)
    if low_stock:
        query = query.where(product.quantity <= product.reorder_level)
    return await fetch_page(session, query, page)


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
