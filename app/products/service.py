"""Catalogue rules: unique names per shop, barcodes, archiving, and stock through the ledger."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import service as auth
from app.bills.gst_rates import rate_problem
from app.core.errors import Duplicate, Forbidden, InvalidInput, NotFound
from app.core.pagination import Page
from app.core.security import Role
from app.core.text import clean_text, text_key
from app.models import Product
from app.products import repository
from app.products.schemas import DeletedOut, ProductCreate, ProductRead, ProductUpdate
from app.stock import service as stock_service
from app.stock.schemas import StockMovementRead

OWNER_ONLY_FIELDS = ("price_purchase",)
"""What staff may not change on a product: its moving-average cost, which the owner's profit
figures are computed from. Name, selling price, unit, barcode, reorder level, a counted
quantity and the tax fields (HSN code, rates, whether the price includes tax) are the
counter's to keep right."""


def refuse_owner_only_changes(role: Role, data: ProductUpdate) -> None:
    """A staff edit that names an owner-only field is a 403 naming that field."""
    if role == "owner":
        return
    for name in OWNER_ONLY_FIELDS:
        if name in data.model_fields_set:
            raise Forbidden(
                f"Only the shop owner can change {name} (the product's cost)", field=name
            )


NAME_KEY_MAX = 200
"""The width of `products.name_key` (case-folding can lengthen a name: `ß` -> `ss`)."""


def name_key(name: str) -> str:
    """'  Tata  SALT ' and 'tata salt' are one product: case, spacing, full-width forms and
    invisible characters (U+200B, ...) are ignored (`app.core.text.text_key`)."""
    return text_key(name)[:NAME_KEY_MAX]


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
        hsn_code=product.hsn_code,
        gst_rate=product.gst_rate,
        cess_rate=product.cess_rate,
        price_includes_tax=product.price_includes_tax,
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


async def _check_gst_rate(session: AsyncSession, shop_id: int, rate: Decimal) -> None:
    """A product's GST rate is a slab in force on the shop's today (the slabs change by
    notification: `app.bills.gst_rates`); a 422 naming `gst_rate` lists them."""
    today = (await auth.shop_settings(session, shop_id)).today()
    problem = rate_problem(rate, today)
    if problem is not None:
        raise InvalidInput(problem, loc=("body", "gst_rate"))


async def create(session: AsyncSession, shop_id: int, data: ProductCreate) -> ProductRead:
    await _check_gst_rate(session, shop_id, data.gst_rate)
    key = name_key(data.product_name)
    await _check_unique(session, shop_id, key=key, name=data.product_name, barcode=data.barcode)
    product = await repository.add(
        session,
        Product(
            shop_id=shop_id,
            name=clean_text(data.product_name),
            name_key=key,
            price_purchase=data.price_purchase,
            price_sale=data.price_sale,
            quantity=Decimal(0),
            unit=data.unit,
            barcode=data.barcode,
            reorder_level=data.reorder_level,
            hsn_code=data.hsn_code,
            gst_rate=data.gst_rate,
            cess_rate=data.cess_rate,
            price_includes_tax=data.price_includes_tax,
        ),
    )
    quantity = await stock_service.record_opening(session, shop_id, product.id, data.quantity)
    return to_read(product, quantity)


_AUDITED = {
    audit.PRODUCT_PRICE_CHANGED: ("price_sale", "price_purchase"),
    # What every tax invoice of the product will charge.
    audit.PRODUCT_TAX_CHANGED: ("hsn_code", "gst_rate", "cess_rate", "price_includes_tax"),
}


async def update(
    session: AsyncSession,
    shop_id: int,
    product_id: int,
    data: ProductUpdate,
    *,
    user_id: int | None,
) -> ProductRead:
    product = await get_live(session, shop_id, product_id)
    if data.gst_rate is not None:
        await _check_gst_rate(session, shop_id, data.gst_rate)
    old = {
        action: {name: getattr(product, name) for name in fields}
        for action, fields in _AUDITED.items()
    }
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
        values["name"] = clean_text(changes.pop("product_name"))
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
            session,
            shop_id,
            product_id,
            data.quantity,
            note="Counted stock set via API",
            user_id=user_id,
        )
    session.expire_all()
    product = await get_live(session, shop_id, product_id)
    # Compared as stored (NUMERIC(14,2)), so `30` over `30.00` is no change.
    for action, fields in _AUDITED.items():
        before, after = audit.changes(
            old[action], {name: getattr(product, name) for name in fields}
        )
        if after:
            await audit.record(
                session,
                shop_id=shop_id,
                user_id=user_id,
                action=action,
                entity="product",
                entity_id=product_id,
                before=before,
                after=after,
            )
    return to_read(product)


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
            hsn_code=row["hsn_code"],
            gst_rate=row["gst_rate"],
            cess_rate=row["cess_rate"],
            price_includes_tax=row["price_includes_tax"],
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
    session: AsyncSession,
    shop_id: int,
    name: str,
    price_sale: Decimal,
    price_purchase: Decimal,
    *,
    hsn_code: str | None = None,
    gst_rate: Decimal = Decimal(0),
    cess_rate: Decimal = Decimal(0),
    price_includes_tax: bool = True,
) -> Product:
    """A product first seen on a purchase bill: created with no stock (the purchase adds it),
    with the purchase line's tax fields (checked by the caller against the bill's date)."""
    return await repository.add(
        session,
        Product(
            shop_id=shop_id,
            name=clean_text(name),
            name_key=name_key(name),
            price_purchase=price_purchase,
            price_sale=price_sale,
            quantity=Decimal(0),
            unit="pcs",
            reorder_level=Decimal(0),
            hsn_code=hsn_code,
            gst_rate=gst_rate,
            cess_rate=cess_rate,
            price_includes_tax=price_includes_tax,
        ),
    )
