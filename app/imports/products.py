"""Import a shop's catalogue from a spreadsheet: validate every row, then upsert it.

Each row becomes a `ProductCreate` through the same schema the API uses; a bad cell is a
`RowError` naming the row (as the spreadsheet numbers it), the column (as the file heads
it) and the reason. Good rows are applied through the products domain's service, so
every rule and invariant of the API holds:

- a new product -> `products.service.create` (its opening stock is an `opening` movement);
- an existing one (same barcode, else same `name_key`) -> `products.service.update` with
  only what differs (prices, unit, barcode, reorder level, HSN, GST), and a different stock
  figure -> `stock.service.adjust_to` (an `adjustment` movement), so stock stays the sum of
  the ledger; nothing different -> unchanged. Re-importing a file therefore changes nothing.

A blank cell leaves the field as it is (a new product gets the API's default: unit `pcs`,
no stock, GST 0; a blank cost is 0 until a purchase brings the moving average). A product
the file names twice (same barcode, or same name) is applied once; the later row is an
error naming the earlier one.

Transactions (rule 1 holds: `session.begin()` owns them, nothing here commits): rows are
applied in batches of `BATCH_ROWS`, one transaction each, every row under a savepoint so a
refused row leaves its batch intact. `all_or_nothing` and `dry_run` put every row in one
transaction, which is rolled back on a dry run, or when `all_or_nothing` met a bad row.
Each transaction acts as the shop: the app role and `app.shop_id`
(`app.db.session.enter_shop`, as a share link's page does), so row-level security applies.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.service import ShopOwner
from app.core.errors import AppError
from app.core.pagination import Page
from app.db.session import driver_connection, enter_shop
from app.imports.headers import Mapping, map_headings
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

BATCH_ROWS = 500
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

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class RowError:
    row: int
    """The row number as the spreadsheet shows it."""
    column: str | None
    """The column's heading as written in the file (None: the row as a whole)."""
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportResult:
    mapping: Mapping
    kind: str
    encoding: str | None
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    """Whether the changes were kept (False on a dry run, or all-or-nothing with a bad row)."""

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class _Discard(Exception):
    """Raised inside the transaction to roll it back (a dry run, or all-or-nothing failed)."""


class _RowRefused(Exception):
    """A row the service would refuse, with its errors, raised out of the row's savepoint."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


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


def _pydantic_errors(exc: ValidationError, row: int, mapping: Mapping) -> list[RowError]:
    errors = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        heading = mapping.heading(name)
        label = _LABELS.get(name, name)
        reason = str(error["msg"]).removeprefix("Value error, ")
        errors.append(RowError(row, heading, f"{label}: {reason}" if label else reason))
    return errors


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
        return None, _pydantic_errors(exc, row.number, mapping)
    return RowValues(row.number, values), []


def new_product(values: RowValues, mapping: Mapping) -> ProductCreate:
    """The product a row creates; raises `_RowRefused` when it lacks a selling price."""
    if "price_sale" not in values.values:
        heading = mapping.heading("price_sale")
        reason = (
            "the selling price is empty (a new product needs one)"
            if heading
            else "no selling price column (e.g. 'Sale Price', 'MRP', 'Rate'): "
            "a new product needs one"
        )
        raise _RowRefused([RowError(values.row, heading, reason)])
    fields = {"price_purchase": Decimal(0)} | values.values
    try:
        return ProductCreate(**fields)
    except ValidationError as exc:
        raise _RowRefused(_pydantic_errors(exc, values.row, mapping)) from exc


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
    """The shop's live products by barcode and by name key, kept current as rows apply."""

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


def _app_error(exc: AppError, row: int, mapping: Mapping) -> RowError:
    """A service's refusal as a row error, on the column it names when it names one."""
    name = exc.extra.get("field")
    errors = exc.extra.get("errors")
    if name is None and errors:
        loc = errors[0].get("loc", [])
        name = loc[-1] if loc else None
    heading = mapping.heading(str(name)) if name else None
    return RowError(row, heading, exc.detail)


@dataclass
class _Importer:
    owner: ShopOwner
    mapping: Mapping
    source: str
    result: ImportResult
    catalogue: _Catalogue = field(default_factory=_Catalogue)
    seen_barcodes: dict[str, int] = field(default_factory=dict)
    seen_keys: dict[str, int] = field(default_factory=dict)

    def _duplicate_in_file(self, values: RowValues) -> RowError | None:
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

    async def _apply(self, session: AsyncSession, values: RowValues) -> tuple[Outcome, ProductRead]:
        shop_id = self.owner.shop_id
        existing = self.catalogue.find(values.values)
        if existing is None:
            created = await products.create(session, shop_id, new_product(values, self.mapping))
            self.catalogue.put(created)
            return "created", created
        changes = _changes(existing, values.values)
        quantity = values.values.get("quantity")
        if not changes and (quantity is None or quantity == existing.quantity):
            return "unchanged", existing
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
        return "updated", updated

    def _seen(self, values: RowValues, product: ProductRead) -> None:
        """The row's product, by the file's barcode and name and by its own."""
        for barcode in (values.values.get("barcode"), product.barcode):
            if barcode:
                self.seen_barcodes.setdefault(barcode, values.row)
        for name in (values.name, product.product_name):
            self.seen_keys.setdefault(products.name_key(name), values.row)

    async def row(self, session: AsyncSession, row: Row) -> None:
        self.result.rows += 1
        values, errors = validate_row(row, self.mapping)
        if values is not None:
            duplicate = self._duplicate_in_file(values)
            if duplicate is not None:
                errors = [duplicate]
            else:
                try:
                    async with session.begin_nested():
                        outcome, product = await self._apply(session, values)
                except _RowRefused as exc:
                    errors = exc.errors
                except AppError as exc:
                    errors = [_app_error(exc, values.row, self.mapping)]
                except DBAPIError as exc:  # a CHECK or a lock timeout: this row only
                    reason = f"the database refused it ({str(exc.orig).strip()[:300]})"
                    errors = [RowError(values.row, None, reason)]
                else:
                    self.result.count(outcome)
                    self._seen(values, product)
                    return
        self.result.failed += 1
        self.result.errors.extend(errors)


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
    progress bar). A file problem met while reading rows (`FileProblem`, e.g. a bad byte
    half-way through) propagates and rolls back the transaction it happened in; batches
    committed before it stay written.
    """
    mapping = map_headings(sheet.headings)
    result = ImportResult(
        mapping=mapping,
        kind=sheet.kind,
        encoding=sheet.encoding,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    importer = _Importer(owner, mapping, source, result)
    single = dry_run or all_or_nothing
    rows = iter(sheet.rows)
    loaded = False
    kept = not single
    exhausted = False
    while not exhausted:
        exhausted = True
        with contextlib.suppress(_Discard):
            async with maker() as session, session.begin():
                await enter_shop(session, owner.shop_id)
                if not loaded:
                    importer.catalogue = await _load_catalogue(session, owner.shop_id)
                    loaded = True
                for taken, row in enumerate(rows, start=1):  # lazily: never the whole file
                    await importer.row(session, row)
                    if on_row is not None:
                        on_row()
                    if not single and taken >= batch_rows:
                        exhausted = False
                        break
                if single:
                    kept = not dry_run and result.failed == 0
                    if not kept:
                        raise _Discard
    result.written = kept and result.rows > result.failed
    return result
