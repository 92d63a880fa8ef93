"""Udhaar rules: credit opened by bills, reversed by voids and returns, and party balances.

An entry's balance is its amount minus its settlement rows; nothing is overwritten (rule 4 of
docs/architecture.md). This module only `flush()`es through its repository; it never commits.
The party-facing side (payments, statements, /api/udhaar) is in `accounts.py`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.money import MONEY_PLACES
from app.udhaar import repository
from app.udhaar.repository import EntryKind

ZERO = Decimal("0.00")


def _require_money(amount: Decimal, *, positive: bool) -> None:
    """Guard the callers' side of the contract.

    These are programming errors in the bills code, not user input, so they are plain
    `ValueError`s. Checking the places matters: PostgreSQL would silently round a third
    decimal on insert, and a rupee amount must never change on its way into the books.
    """
    if not amount.is_finite() or amount != amount.quantize(MONEY_PLACES):
        raise ValueError(f"udhaar amount must be rupees with at most 2 decimals, got {amount}")
    if amount < 0 or (positive and amount == 0):
        raise ValueError(f"udhaar amount must be {'> 0' if positive else '>= 0'}, got {amount}")


async def open_credit(
    session: AsyncSession,
    shop_id: int,
    kind: EntryKind,
    *,
    party_id: int,
    bill_id: int | None,
    amount: Decimal,
    entry_date: dt.date,
    due_date: dt.date | None,
    note: str | None = None,
) -> int:
    """Record what is still owed on a bill; returns the entry id. `amount` > 0.

    `kind` 'sale': the customer `party_id` owes the shop on sale `bill_id`; 'purchase': the
    shop owes the vendor on purchase `bill_id`. No bill: an opening balance from the notebook.
    """
    _require_money(amount, positive=True)
    on_sale = kind == "sale"
    return await repository.add_entry(
        session,
        shop_id,
        kind=kind,
        customer_id=party_id if on_sale else None,
        vendor_id=None if on_sale else party_id,
        sale_id=bill_id if on_sale else None,
        purchase_id=None if on_sale else bill_id,
        amount=amount,
        entry_date=entry_date,
        due_date=due_date,
        note=note,
    )


async def reverse_bill_credit(
    session: AsyncSession,
    shop_id: int,
    *,
    sale_id: int | None = None,
    purchase_id: int | None = None,
    kind: Literal["void", "return"],
    amount: Decimal | None,
    on: dt.date,
) -> Decimal:
    """Take back (part of) a bill's udhaar because the bill was voided or goods came back.

    Writes one settlement row of `kind` against the bill's open entry, for `amount` (None: all
    that is outstanding) capped at the outstanding balance, and marks the entry `settled` when
    nothing is left. Returns the amount actually reversed: 0.00 when the bill has no open
    entry (it was paid in full, or never on credit).

    The entry row is locked before the outstanding balance is read, so two reversals (or a
    reversal and a payment that takes the same lock) of one bill cannot both take the same
    rupees: the second waits and then sees what the first left.
    """
    if (sale_id is None) == (purchase_id is None):
        raise ValueError("reverse_bill_credit needs exactly one of sale_id and purchase_id")
    if amount is not None:
        _require_money(amount, positive=False)
        if amount == 0:
            return ZERO
    entry = await repository.lock_open_entry_of_bill(
        session, shop_id, sale_id=sale_id, purchase_id=purchase_id
    )
    if entry is None:
        return ZERO
    entry_id, entry_amount = entry
    outstanding = max(
        entry_amount - await repository.settled_total(session, shop_id, entry_id), ZERO
    )
    reversed_amount = outstanding if amount is None else min(amount, outstanding)
    if reversed_amount > 0:
        await repository.add_settlement(
            session,
            shop_id,
            entry_id=entry_id,
            kind=kind,
            amount=reversed_amount,
            paid_on=on,
        )
    if reversed_amount == outstanding:
        await repository.mark_settled(session, shop_id, entry_id)
    return reversed_amount


async def balances(
    session: AsyncSession, shop_id: int, kind: EntryKind, party_ids: list[int]
) -> dict[int, Decimal]:
    """What each party owes on `kind` udhaar (0.00 for those with none), in one query.

    'sale': what customers owe the shop; 'purchase': what the shop owes vendors. The parties
    domain shows it on every customer and vendor (`app.main` hands it this reader).
    """
    found = await repository.outstanding_by_party(session, shop_id, kind, party_ids)
    return {party_id: found.get(party_id, ZERO) for party_id in party_ids}


@dataclass(frozen=True, slots=True)
class DueReminder:
    """An open, due customer entry that has not been reminded within its shop's interval."""

    shop_id: int
    entry_id: int
    due_date: dt.date
    bill_no: str | None
    balance: Decimal
    customer_id: int
    name: str
    phone: str
    opted_out: bool
    today: dt.date


async def reminder_candidates(session: AsyncSession, limit: int) -> list[DueReminder]:
    """Across all shops (a system session): the entries whose reminder is due now."""
    rows = await repository.reminder_candidates(session, limit)
    return [
        DueReminder(
            shop_id=row.shop_id,
            entry_id=row.entry_id,
            due_date=row.due_date,
            bill_no=row.bill_no,
            balance=row.balance,
            customer_id=row.customer_id,
            name=row.name,
            phone=row.phone,
            opted_out=row.opted_out,
            today=row.today,
        )
        for row in rows
    ]
