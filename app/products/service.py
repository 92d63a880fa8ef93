"""Catalogue rules: unique names per shop, barcodes, archiving, and stock through the ledger."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Duplicate, InvalidInput, NotFound
from app.core.pagination import Page
from app.models import Product
from app.products import repository
from app.products.schemas import DeletedOut, ProductCreate, ProductRead, ProductUpdate
from app.stock import service as stock_service
from app.stock.schemas import StockMovementRead


def name_key(name: str) -> str:
    """'  Tata  SALT ' and 'tata salt' are one product: case and spacing are ignored."""
    return " ".join(name.split()).casefold()


def to_read(product: Product, quantity: Decimal | None = None) -> ProductRead:
    quantity = product.quantity if quantity is None else quantity
    return ProductRead(
        product_id=product.id,
        product_name=product.name,
        price_purchase=product.price_purchase,
        price_sale=product.price_sale,
        quantity=quantity,
        unit=product.unit,
        barcode=product.barcode,
        reorder_level=product.reorder_level,
        low_stock=quantity <= product.reorder_level,
    )


async def get_live(session: AsyncSession, shop_id: int, product_id: int) -> Product:
    product = await repository.get(session, shop_id, product_id)
    if product is None:
        raise NotFound(f"Product {product_id} not found")
    return product


async def _check_unique(
    session: AsyncSession,
    shop_id: int,
    *,
    key: str | None,
    name: str | None,
    barcode: str | None,
    except_id: int | None = None,
) -> None:
    if key is not None and await repository.name_key_taken(session, shop_id, key, except_id):
        raise Duplicate(f"A product named '{name}' already exists", field="product_name")
    if barcode is not None and await repository.barcode_taken(session, shop_id, barcode, except_id):
        raise Duplicate(f"Another product already has barcode {barcode}", field="barcode")


async def create(session: AsyncSession, shop_id: int, data: ProductCreate) -> ProductRead:
    key = name_key(data.product_name)
    await _check_unique(session, shop_id, key=key, name=data.product_name, barcode=data.barcode)
    product = await repository.add(
        session,
        Product(
            shop_id=shop_id,
            name=" ".join(data.product_name.split()),
            name_key=key,
            price_purchase=data.price_purchase,
            price_sale=data.price_sale,
            quantity=Decimal(0),
            unit=data.unit,
            barcode=data.barcode,
            reorder_level=data.reorder_level,
        ),
    )
    quantity = await stock_service.record_opening(session, shop_id, product.id, data.quantity)
    return to_read(product, quantity)


async def update(
    session: AsyncSession, shop_id: int, product_id: int, data: ProductUpdate
) -> ProductRead:
    await get_live(session, shop_id, product_id)
    changes = data.model_dump(exclude_unset=True, exclude={"quantity"})
    values: dict[str, object] = {}
    if "product_name" in changes:
        key = name_key(changes["product_name"])
        await _check_unique(
            session,
            shop_id,
            key=key,
            name=changes["product_name"],
            barcode=None,
            except_id=product_id,
        )
        values["name"] = " ".join(changes.pop("product_name").split())
        values["name_key"] = key
    if changes.get("barcode") is not None:
        await _check_unique(
            session,
            shop_id,
            key=None,
            name=None,
            barcode=changes["barcode"],
            except_id=product_id,
        )
    values.update(changes)
    if values:
        await repository.update_fields(session, shop_id, product_id, values)
    if data.quantity is not None:
        await stock_service.adjust_to(
            session, shop_id, product_id, data.quantity, note="Counted stock set via API"
        )
    session.expire_all()
    return to_read(await get_live(session, shop_id, product_id))


async def delete(session: AsyncSession, shop_id: int, product_id: int) -> DeletedOut:
    """Delete a product that never appeared on a bill; archive one that did (its history stays)."""
    await get_live(session, shop_id, product_id)
    if await stock_service.product_has_bills(session, shop_id, product_id):
        await repository.archive(session, shop_id, product_id)
        return DeletedOut(archived=True)
    await stock_service.forget_product(session, shop_id, product_id)
    await repository.remove(session, shop_id, product_id)
    return DeletedOut(archived=False)


async def search(
    connection: asyncpg.Connection, shop_id: int, page: Page, *, q: str | None, low_stock: bool
) -> tuple[list[ProductRead], int]:
    key = name_key(q) if q else None
    rows, total = await repository.search(
        connection, shop_id, page, query_key=key or None, low_stock=low_stock
    )
    # Built without validation: every value is a typed column of a product row.
    return [
        ProductRead.model_construct(
            product_id=row["id"],
            product_name=row["name"],
            price_purchase=row["price_purchase"],
            price_sale=row["price_sale"],
            quantity=row["quantity"],
            unit=row["unit"],
            barcode=row["barcode"],
            reorder_level=row["reorder_level"],
            low_stock=row["quantity"] <= row["reorder_level"],
        )
        for row in rows
    ], total


async def movements(
    session: AsyncSession, shop_id: int, product_id: int, page: Page
) -> tuple[list[StockMovementRead], int]:
    await get_live(session, shop_id, product_id)
    return await stock_service.movements(session, shop_id, product_id, page)


class ProductRef(Protocol):
    """A bill line names its product by id or, failing that, by name."""

    @property
    def product_id(self) -> int | None: ...

    @property
    def product_name(self) -> str | None: ...


P = TypeVar("P")


@dataclass
class BillCatalogue(Generic[P]):
    """The shop's products that one bill names, found by id or by normalised name.

    Generic in how a product is held: ORM rows for purchases, the rows a sale's stock
    statement returns for sales.
    """

    by_id: dict[int, P]
    by_name: dict[str, P]

    def find(self, ref: ProductRef) -> P | None:
        if ref.product_id is not None:
            return self.by_id.get(ref.product_id)
        return self.by_name.get(name_key(ref.product_name or ""))

    def require(self, ref: ProductRef, index: int) -> P:
        """The line's product, or a 422 naming the line."""
        product = self.find(ref)
        if product is None:
            named = ref.product_id if ref.product_id is not None else f"'{ref.product_name}'"
            raise InvalidInput(
                f"Unknown product {named} on line {index + 1}", loc=("body", "products", index)
            )
        return product

    def add(self, product_id: int, key: str, product: P) -> None:
        self.by_id[product_id] = product
        self.by_name[key] = product


async def for_bill(
    session: AsyncSession, shop_id: int, refs: Sequence[ProductRef]
) -> BillCatalogue[Product]:
    """Every product a bill's lines name, in one query."""
    ids = [ref.product_id for ref in refs if ref.product_id is not None]
    keys = [
        name_key(ref.product_name) for ref in refs if ref.product_id is None and ref.product_name
    ]
    rows = await repository.for_bill(session, shop_id, ids, keys)
    return BillCatalogue({p.id: p for p in rows}, {p.name_key: p for p in rows})


async def create_for_purchase(
    session: AsyncSession, shop_id: int, name: str, price_sale: Decimal, price_purchase: Decimal
) -> Product:
    """A product first seen on a purchase bill: created with no stock (the purchase adds it)."""
    return await repository.add(
        session,
        Product(
            shop_id=shop_id,
            name=" ".join(name.split()),
            name_key=name_key(name),
            price_purchase=price_purchase,
            price_sale=price_sale,
            quantity=Decimal(0),
            unit="pcs",
            reorder_level=Decimal(0),
        ),
    )
