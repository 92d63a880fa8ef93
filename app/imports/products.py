"""Import a shop's catalogue from a spreadsheet: validate every row, then upsert it.

Each row becomes a `ProductCreate` through the same schema the API uses; a bad cell is a
`RowError` naming the row (as the spreadsheet numbers it), the column (as the file heads
it) and the reason. Good rows are applied through the products domain's service, so
every rule and invariant of the API holds:

- a new product -> `products.service.create`; its opening stock is an `opening` movement,
  written for the batch's new products together (`stock.service.put_back`: one UPDATE and
  one INSERT for the batch rather than two statements a row);
- an existing one (same barcode, else same `name_key`) -> `products.service.update` with
  only what differs (prices, unit, barcode, reorder level, HSN, GST), and a different stock
  figure -> `stock.service.adjust_to` (an `adjustment` movement), so stock stays the sum of
  the ledger; nothing different -> unchanged. Re-importing a file therefore changes nothing.

A blank cell leaves the field as it is (a new product gets the API's default: unit `pcs`,
no stock, GST 0; a blank cost is 0 until a purchase brings the moving average). A product
the file names twice (same barcode, or same name) is applied once; the later row is an
error naming the earlier one.

Batches, savepoints, dry run and all-or-nothing are `app.imports.batches`'.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import service as auth
from app.auth.service import ShopOwner
from app.core.pagination import Page
from app.db.session import driver_connection
from app.imports.batches import (
    BATCH_ROWS,
    ImportResult,
    Outcome,
    RowError,
    RowImporter,
    RowRefused,
    new_result,
    pydantic_errors,
    run_batches,
)
from app.imports.headers import PRODUCT_FIELDS, Mapping, map_headings
from app.imports.reading import Row, Sheet
from app.imports.values import (
    CellError,
    parse_barcode,
    parse_gst_rate,
    parse_hsn,
    parse_money,
    parse_quantity,
    parse_unit,
)
from app.products import service as products
from app.products.schemas import ProductCreate, ProductRead, ProductUpdate
from app.stock import service as stock
from app.stock.service import StockLine

__all__ = ["BATCH_ROWS", "ImportResult", "RowError", "import_products"]

_CATALOGUE_PAGE = 1000
_PARSERS: dict[str, Callable[[str], Any]] = {
    "product_name": str,
    "price_sale": lambda text: parse_money(text, "Selling price"),
    "price_purchase": lambda text: parse_money(text, "Cost"),
    "quantity": lambda text: parse_quantity(text, "Stock"),
    "reorder_level": lambda text: parse_quantity(text, "Reorder level"),
    "unit": parse_unit,
    "barcode": parse_barcode,
    "hsn_code": parse_hsn,
    "gst_rate": parse_gst_rate,
}
_COMPARED = ("price_sale", "price_purchase", "unit", "barcode", "reorder_level", "hsn_code")
"""Fields an existing product takes from the file when they differ (GST separately: its
slab is checked by the service only when it changes)."""
_LABELS = {
    "product_name": "product name",
    "price_sale": "selling price",
    "price_purchase": "cost",
    "quantity": "stock",
    "reorder_level": "reorder level",
    "unit": "unit",
    "barcode": "barcode",
    "hsn_code": "HSN code",
    "gst_rate": "GST rate",
}


# ---- validation (pure) ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowValues:
    """A row's cells as typed values; only the fields the row fills are present."""

    row: int
    values: dict[str, Any]

    @property
    def name(self) -> str:
        name: str = self.values["product_name"]
        return name


def validate_row(row: Row, mapping: Mapping) -> tuple[RowValues | None, list[RowError]]:
    """Parse one row's cells; every bad cell is reported, not only the first."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, heading in mapping.columns.items():
        text = row.cells.get(heading, "")
        if not text:
            continue
        try:
            values[name] = _PARSERS[name](text)
        except CellError as exc:
            errors.append(RowError(row.number, heading, str(exc)))
    if "product_name" not in values:
        errors.insert(
            0, RowError(row.number, mapping.heading("product_name"), "the product name is empty")
        )
    if errors:
        return None, errors
    try:  # the API's own checks (length of the name, ranges), on what the row gives
        ProductUpdate(**values)
    except ValidationError as exc:
        return None, pydantic_errors(exc, row.number, mapping, _LABELS)
    return RowValues(row.number, values), []


def new_product(values: RowValues, mapping: Mapping) -> ProductCreate:
    """The product a row creates; raises `RowRefused` when it lacks a selling price."""
    if "price_sale" not in values.values:
        heading = mapping.heading("price_sale")
        reason = (
            "the selling price is empty (a new product needs one)"
            if heading
            else "no selling price column (e.g. 'Sale Price', 'MRP', 'Rate'): "
            "a new product needs one"
        )
        raise RowRefused([RowError(values.row, heading, reason)])
    fields = {"price_purchase": Decimal(0)} | values.values
    try:
        return ProductCreate(**fields)
    except ValidationError as exc:
        raise RowRefused(pydantic_errors(exc, values.row, mapping, _LABELS)) from exc


def _changes(existing: ProductRead, values: dict[str, Any]) -> dict[str, Any]:
    """What the row would change on an existing product (stock apart)."""
    changes = {
        name: values[name]
        for name in _COMPARED
        if name in values and values[name] != getattr(existing, name)
    }
    if "gst_rate" in values and values["gst_rate"] != existing.gst_rate:
        changes["gst_rate"] = values["gst_rate"]
    return changes


# ---- applying ------------------------------------------------------------------------------


@dataclass
class _Catalogue:
    """The shop's live products by barcode and by name key, as the import found them (and
    as its rows updated them); the products it creates are remembered only by their keys."""

    by_barcode: dict[str, ProductRead] = field(default_factory=dict)
    by_key: dict[str, ProductRead] = field(default_factory=dict)

    def put(self, product: ProductRead, old: ProductRead | None = None) -> None:
        if old is not None and old.barcode and old.barcode != product.barcode:
            self.by_barcode.pop(old.barcode, None)
        if product.barcode:
            self.by_barcode[product.barcode] = product
        self.by_key[products.name_key(product.product_name)] = product

    def find(self, values: dict[str, Any]) -> ProductRead | None:
        barcode = values.get("barcode")
        if barcode and barcode in self.by_barcode:
            return self.by_barcode[barcode]
        return self.by_key.get(products.name_key(values["product_name"]))


async def _load_catalogue(session: AsyncSession, shop_id: int) -> _Catalogue:
    """Every live product of the shop, a page at a time, through the products service."""
    catalogue = _Catalogue()
    connection = await driver_connection(session)
    offset = 0
    while True:
        page, _ = await products.search(
            connection,
            shop_id,
            Page(limit=_CATALOGUE_PAGE, offset=offset),
            q=None,
            low_stock=False,
        )
        for product in page:
            catalogue.put(product)
        if len(page) < _CATALOGUE_PAGE:
            return catalogue
        offset += _CATALOGUE_PAGE


@dataclass(frozen=True)
class _Applied:
    product: ProductRead
    opening: Decimal = Decimal(0)
    """The opening stock of a product the row created, written by `flush`."""


class _Importer(RowImporter[RowValues, _Applied]):
    written_tables = ("products", "stock_movements")

    def __init__(
        self, owner: ShopOwner, mapping: Mapping, source: str, result: ImportResult
    ) -> None:
        super().__init__(owner, mapping, result)
        self.source = source
        self.catalogue = _Catalogue()
        self.seen_barcodes: dict[str, int] = {}
        self.seen_keys: dict[str, int] = {}
        self.openings: list[StockLine] = []

    async def load(self, session: AsyncSession) -> None:
        self.catalogue = await _load_catalogue(session, self.owner.shop_id)

    def validate(self, row: Row) -> tuple[RowValues | None, list[RowError]]:
        return validate_row(row, self.mapping)

    def duplicate(self, values: RowValues) -> RowError | None:
        barcode = values.values.get("barcode")
        if barcode and barcode in self.seen_barcodes:
            return RowError(
                values.row,
                self.mapping.heading("barcode"),
                f"barcode {barcode} is already on row {self.seen_barcodes[barcode]} of this file",
            )
        key = products.name_key(values.name)
        if key in self.seen_keys:
            return RowError(
                values.row,
                self.mapping.heading("product_name"),
                f"'{values.name}' is already on row {self.seen_keys[key]} of this file",
            )
        return None

    async def apply(self, session: AsyncSession, values: RowValues) -> tuple[Outcome, _Applied]:
        shop_id = self.owner.shop_id
        existing = self.catalogue.find(values.values)
        if existing is None:
            data = new_product(values, self.mapping)
            created = await products.create(
                session, shop_id, data.model_copy(update={"quantity": Decimal(0)})
            )
            # Not put in the catalogue: a later row naming it is refused as a duplicate of
            # this one (`duplicate`), so the import's memory does not grow with the file.
            return "created", _Applied(created, data.quantity)
        changes = _changes(existing, values.values)
        quantity = values.values.get("quantity")
        if not changes and (quantity is None or quantity == existing.quantity):
            return "unchanged", _Applied(existing)
        updated = existing
        if changes:
            updated = await products.update(
                session,
                shop_id,
                existing.product_id,
                ProductUpdate(**changes),
                user_id=self.owner.user_id,
            )
        if quantity is not None and quantity != existing.quantity:
            counted = await stock.adjust_to(
                session,
                shop_id,
                existing.product_id,
                quantity,
                note=f"Stock set by importing {self.source[:400]}, row {values.row}",
                user_id=self.owner.user_id,
            )
            updated = updated.model_copy(
                update={"quantity": counted, "low_stock": counted <= updated.reorder_level}
            )
        self.catalogue.put(updated, existing)
        return "updated", _Applied(updated)

    def applied(self, values: RowValues, done: _Applied) -> None:
        """The row's product, by the file's barcode and name and by its own."""
        product = done.product
        for barcode in (values.values.get("barcode"), product.barcode):
            if barcode:
                self.seen_barcodes.setdefault(barcode, values.row)
        for name in (values.name, product.product_name):
            self.seen_keys.setdefault(products.name_key(name), values.row)
        if done.opening > 0:
            self.openings.append(StockLine(product.product_id, done.opening, "opening"))

    def forget_rows_from(self, first_row: int) -> None:
        self.seen_barcodes = {k: row for k, row in self.seen_barcodes.items() if row < first_row}
        self.seen_keys = {k: row for k, row in self.seen_keys.items() if row < first_row}
        self.openings = []

    async def flush(self, session: AsyncSession) -> None:
        """The opening stock of the products created since: `opening` movements dated the
        shop's today, each product's quantity their sum, as `stock.record_opening` writes."""
        if not self.openings:
            return
        today = (await auth.shop_settings(session, self.owner.shop_id)).today()
        await stock.put_back(session, self.owner.shop_id, self.openings, on=today)
        self.openings = []


async def import_products(
    maker: async_sessionmaker[AsyncSession],
    owner: ShopOwner,
    sheet: Sheet,
    *,
    source: str,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    on_row: Callable[[], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import the sheet's rows into the owner's shop; raises `HeaderError` for the headings.

    `source` names the file in the ledger's notes; `on_row` is called after each row (a
    progress bar). A file problem met while reading rows propagates (`run_batches`).
    """
    mapping = map_headings(sheet.headings, PRODUCT_FIELDS)
    result = new_result(sheet, mapping, "products", dry_run=dry_run, all_or_nothing=all_or_nothing)
    return await run_batches(
        maker,
        sheet,
        _Importer(owner, mapping, source, result),
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        on_row=on_row,
        batch_rows=batch_rows,
    )
