"""Stock rules: every quantity change is a ledger row, and the quantity is their running sum."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.bills.limits import quantity_within_range
from app.core.errors import AppError
from app.core.pagination import Page
from app.stock import repository
from app.stock.schemas import StockMovementRead


async def record_opening(
    session: AsyncSession, shop_id: int, product_id: int, quantity: Decimal
) -> Decimal:
    """Stock a new product with what is on the shelf; returns the new quantity."""
    if quantity == 0:
        return Decimal(0)
    balance, cost = await repository.add_quantity(session, shop_id, product_id, quantity)
    await repository.add_movement(
        session,
        shop_id=shop_id,
        product_id=product_id,
        change=quantity,
        reason="opening",
        balance_after=balance,
        cost_after=cost,
    )
    return balance


async def adjust_to(
    session: AsyncSession,
    shop_id: int,
    product_id: int,
    counted: Decimal,
    note: str | None = None,
    *,
    user_id: int | None,
) -> Decimal:
    """Set the quantity to what was counted, recording the difference as an adjustment
    (and, in the audit log, who changed it from what).

    The row is locked first, so a concurrent sale cannot slip between the read and the write.
    """
    current = await repository.locked_quantity(session, shop_id, product_id)
    if current is None or current == counted:
        return counted
    change = counted - current
    balance, cost = await repository.add_quantity(session, shop_id, product_id, change)
    await repository.add_movement(
        session,
        shop_id=shop_id,
        product_id=product_id,
        change=change,
        reason="adjustment",
        balance_after=balance,
        cost_after=cost,
        note=note,
    )
    await audit.record(
        session,
        shop_id=shop_id,
        user_id=user_id,
        action=audit.STOCK_ADJUSTED,
        entity="product",
        entity_id=product_id,
        before={"quantity": current},
        after={"quantity": balance},
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
            movement_date=row.movement_date,
            cost_after=row.cost_after,
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


class InsufficientStock(AppError):
    status_code = 409
    code = "insufficient_stock"


@dataclass(frozen=True, slots=True)
class StockLine:
    """One bill line's effect on stock, in bill order."""

    product_id: int
    change: Decimal
    reason: str
    sale_id: int | None = None
    purchase_id: int | None = None


def _totals(lines: list[StockLine]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.product_id] += line.change
    return dict(totals)


def balances_after(lines: list[StockLine], final: dict[int, Decimal]) -> list[Decimal]:
    """The running quantity after each line, in bill order (each product ends at `final`)."""
    remaining = _totals(lines)
    balances = []
    for line in lines:
        remaining[line.product_id] -= line.change
        balances.append(final[line.product_id] - remaining[line.product_id])
    return balances


def _movement_rows(
    shop_id: int,
    lines: list[StockLine],
    final: dict[int, tuple[Decimal, Decimal]],
    movement_date: dt.date,
) -> list[dict[str, object]]:
    """Ledger rows with the running balance after each line (the last one ends at the final
    quantity) and the product's unit cost once the bill is applied, all dated `movement_date`."""
    quantities = {product_id: quantity for product_id, (quantity, _) in final.items()}
    return [
        {
            "shop_id": shop_id,
            "product_id": line.product_id,
            "quantity": line.change,
            "reason": line.reason,
            "sale_id": line.sale_id,
            "purchase_id": line.purchase_id,
            "balance_after": balance,
            "cost_after": final[line.product_id][1],
            "movement_date": movement_date,
        }
        for line, balance in zip(lines, balances_after(lines, quantities), strict=True)
    ]


def shortage(product_id: int, name: str, available: Decimal, requested: Decimal) -> AppError:
    """The 409 for a bill asking more of a product than is in stock."""
    return InsufficientStock(
        f"Only {available} of '{name}' in stock; {requested} asked",
        product_id=product_id,
        product_name=name,
        available=available,
        requested=requested,
    )


async def put_back(
    session: AsyncSession,
    shop_id: int,
    lines: list[StockLine],
    *,
    on: dt.date,
    allow_negative: bool = True,
) -> None:
    """Apply and record signed changes (voids, returns) in one go, dated `on`.

    A void's movements are dated like the bill they reverse, so a voided bill counts on no
    day of the stock summary; a return's, on the day the goods came back.
    """
    applied = await repository.apply_changes(
        session, shop_id, _totals(lines), allow_negative=allow_negative
    )
    missing = [line.product_id for line in lines if line.product_id not in applied]
    if missing:
        raise InsufficientStock(
            "Not enough stock left to reverse this bill",
            product_id=missing[0],
            available=(await repository.quantities(session, shop_id, missing)).get(missing[0]),
        )
    await repository.add_movements(session, _movement_rows(shop_id, lines, applied, on))


async def record_movements(
    session: AsyncSession,
    shop_id: int,
    lines: list[StockLine],
    final: dict[int, tuple[Decimal, Decimal]],
    *,
    on: dt.date,
) -> None:
    """Record a bill's changes already applied (`final`: {product: (quantity, unit cost)}
    after the bill, as `receive` returns them), dated the bill's date `on`."""
    await repository.add_movements(session, _movement_rows(shop_id, lines, final, on))


async def receive(
    session: AsyncSession,
    shop_id: int,
    lines: list[tuple[int, Decimal, Decimal, Decimal | None]],
) -> dict[int, tuple[Decimal, Decimal]]:
    """Purchased stock in: (product_id, quantity, value, new sale price or None) per line.

    `value` is what the line's goods cost in all (`app.bills` prices it: quantity x rate less
    any discount). The unit cost becomes the moving average `(old_qty*old_cost + value) /
    (old_qty+qty)`, rounded to paise; when the old quantity is <= 0 it is `value / qty`.
    Returns {product_id: (new quantity, new cost)}; movements follow via `record_movements`.
    """
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    values: dict[int, Decimal] = defaultdict(Decimal)
    sale_prices: dict[int, Decimal | None] = {}
    for product_id, quantity, value, price_sale in lines:
        quantities[product_id] += quantity
        values[product_id] += value
        if price_sale is not None:
            sale_prices[product_id] = price_sale
    return await repository.receive(session, shop_id, quantities, values, sale_prices)


async def quantities(session: AsyncSession, shop_id: int, ids: list[int]) -> dict[int, Decimal]:
    """The products' quantities in stock now."""
    return await repository.quantities(session, shop_id, ids)


def check_room(
    levels: dict[int, Decimal], lines: list[tuple[int, Decimal, str]], *, after: str
) -> None:
    """A 422 naming the body line whose goods would take its product's stock past
    NUMERIC(14,3): `levels` is each product's stock now, `lines` are (product id, quantity
    coming in, the product's label) in body order, `after` names the bill ("this return").

    A concurrent bill that moves the same product in between is caught by the database
    (SQLSTATE 22003, also a 422); this check only names the line.
    """
    stock_after = dict(levels)
    for index, (product_id, quantity, label) in enumerate(lines):
        stock_after[product_id] = quantity_within_range(
            stock_after[product_id] + quantity,
            f"stock of {label} after {after}",
            ("body", "products", index, "quantity"),
        )
