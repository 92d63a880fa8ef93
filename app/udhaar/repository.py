"""Udhaar queries: entries, their settlement rows, and outstanding balances. No business rules.

Every query filters by shop too: row-level security is the second lock, not the only one.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ScalarSelect, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import UdhaarEntry, UdhaarSettlement

EntryKind = Literal["sale", "purchase"]
SettlementKind = Literal["payment", "void", "return"]


def _settled_of_entry() -> ScalarSelect[Any]:
    """Correlated subquery: what has been paid or reversed against the outer entry row."""
    return (
        select(func.coalesce(func.sum(UdhaarSettlement.amount), 0))
        .where(
            UdhaarSettlement.shop_id == UdhaarEntry.shop_id,
            UdhaarSettlement.entry_id == UdhaarEntry.id,
        )
        .correlate(UdhaarEntry)
        .scalar_subquery()
    )


async def add_entry(
    session: AsyncSession,
    shop_id: int,
    *,
    kind: EntryKind,
    customer_id: int | None,
    vendor_id: int | None,
    sale_id: int | None,
    purchase_id: int | None,
    amount: Decimal,
    entry_date: dt.date,
    due_date: dt.date | None,
) -> int:
    entry_id: int = (
        await session.execute(
            insert(UdhaarEntry)
            .values(
                shop_id=shop_id,
                kind=kind,
                customer_id=customer_id,
                vendor_id=vendor_id,
                sale_id=sale_id,
                purchase_id=purchase_id,
                amount=amount,
                entry_date=entry_date,
                due_date=due_date,
                status="open",
            )
            .returning(UdhaarEntry.id)
        )
    ).scalar_one()
    return entry_id


async def lock_open_entry_of_bill(
    session: AsyncSession,
    shop_id: int,
    *,
    sale_id: int | None,
    purchase_id: int | None,
) -> tuple[int, Decimal] | None:
    """The bill's open entry as (id, amount), its row locked until the transaction ends.

    A concurrent reversal of the same bill waits here; when it resumes, PostgreSQL re-checks
    `status = 'open'` against the committed row, so a bill settled meanwhile is skipped.
    """
    query = select(UdhaarEntry.id, UdhaarEntry.amount).where(
        UdhaarEntry.shop_id == shop_id, UdhaarEntry.status == "open"
    )
    if sale_id is not None:
        query = query.where(UdhaarEntry.kind == "sale", UdhaarEntry.sale_id == sale_id)
    else:
        query = query.where(UdhaarEntry.kind == "purchase", UdhaarEntry.purchase_id == purchase_id)
    row = (await session.execute(query.order_by(UdhaarEntry.id).limit(1).with_for_update())).first()
    return None if row is None else (row[0], row[1])


async def settled_total(session: AsyncSession, shop_id: int, entry_id: int) -> Decimal:
    """The sum of the entry's settlement rows (payments and reversals)."""
    total: Decimal | None = await session.scalar(
        select(func.sum(UdhaarSettlement.amount)).where(
            UdhaarSettlement.shop_id == shop_id, UdhaarSettlement.entry_id == entry_id
        )
    )
    return total if total is not None else Decimal("0.00")


async def add_settlement(
    session: AsyncSession,
    shop_id: int,
    *,
    entry_id: int,
    kind: SettlementKind,
    amount: Decimal,
    paid_on: dt.date,
    payment_mode: str | None = None,
    note: str | None = None,
) -> int:
    settlement_id: int = (
        await session.execute(
            insert(UdhaarSettlement)
            .values(
                shop_id=shop_id,
                entry_id=entry_id,
                kind=kind,
                amount=amount,
                paid_on=paid_on,
                payment_mode=payment_mode,
                note=note,
            )
            .returning(UdhaarSettlement.id)
        )
    ).scalar_one()
    return settlement_id


async def mark_settled(session: AsyncSession, shop_id: int, entry_id: int) -> None:
    await session.execute(
        update(UdhaarEntry)
        .where(UdhaarEntry.shop_id == shop_id, UdhaarEntry.id == entry_id)
        .values(status="settled")
    )


async def outstanding_by_party(
    session: AsyncSession, shop_id: int, kind: EntryKind, party_ids: list[int]
) -> dict[int, Decimal]:
    """For each party that has entries of `kind`: the sum of (amount - settled) over them.

    One statement for any number of parties; settlements are summed per entry through their
    `(shop_id, entry_id)` index. Parties without entries are absent from the result.
    """
    if not party_ids:
        return {}
    party = UdhaarEntry.customer_id if kind == "sale" else UdhaarEntry.vendor_id
    rows = await session.execute(
        select(party, func.sum(UdhaarEntry.amount - _settled_of_entry()))
        .where(
            UdhaarEntry.shop_id == shop_id,
            UdhaarEntry.kind == kind,
            party.in_(party_ids),
        )
        .group_by(party)
    )
    return {party_id: balance for party_id, balance in rows if party_id is not None}
