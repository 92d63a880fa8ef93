"""Udhaar as the shop sees it: entries, opening balances, payments, statements and reminders.

`service.py` holds the entry rules the bills code calls (open credit, reverse it); this
module is the party-facing side behind /api/udhaar and the customer/vendor payment and
statement endpoints. Every function takes the `PartySide` it works on (customers: sales
udhaar; vendors: purchase udhaar), so the two sides share one set of rules.

Every amount is a row: a payment is one `udhaar_payments` row plus one settlement row per
entry it paid, and an entry is `settled` when its settlement rows add up to its amount.
Entry rows are locked (in id order) before their balance is read, so two payments racing
for the same rupees cannot both succeed.
"""

import datetime as dt
from dataclasses import fields
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.service import ShopSettings
from app.bills.dates import bill_date
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.money import MONEY_PLACES
from app.core.pagination import Page
from app.core.phone import phone_in_region
from app.notifications import service as notifications
from app.parties import service as parties
from app.parties.schemas import PartyRef
from app.parties.sides import CUSTOMERS, VENDORS, PartySide
from app.udhaar import repository
from app.udhaar import service as udhaar_service
from app.udhaar.schemas import (
    BILL_ID_FIELD,
    ENTRY_MODEL,
    PARTY_REF_MODEL,
    AgeingBuckets,
    Allocation,
    CustomerRef,
    DueList,
    EntryRow,
    PaymentIn,
    PaymentRecorded,
    PurchaseOpeningIn,
    PurchaseUdhaar,
    ReminderQueued,
    SalesOpeningIn,
    SalesUdhaar,
    Statement,
    StatementEntry,
    StatusFilter,
    Summary,
    VendorRef,
)
from app.udhaar.service import ZERO

DEFAULT_CREDIT_DAYS = 30
UdhaarOut = SalesUdhaar | PurchaseUdhaar
_ENTRY_FIELDS = tuple(field.name for field in fields(EntryRow))


def _entry_row(row: object) -> EntryRow:
    return EntryRow(**{name: getattr(row, name) for name in _ENTRY_FIELDS})


def _ref(side: PartySide, party: PartyRef) -> CustomerRef | VendorRef:
    return PARTY_REF_MODEL[side.key].model_validate(side.ref_fields(party))


def _out(side: PartySide, entry: EntryRow, today: dt.date) -> UdhaarOut:
    party = PartyRef(entry.party_id, entry.party_name, entry.party_phone, entry.party_opted_out)
    return ENTRY_MODEL[side.key].model_validate(
        {
            "udhar_id": entry.id,
            "bill_no": entry.bill_no,
            "date_of_entry": entry.entry_date,
            "date_of_payment": entry.due_date,
            "amount": entry.amount,
            "amount_paid": entry.paid,
            "balance": entry.balance,
            "status": entry.status,
            "days_overdue": max((today - entry.due_date).days, 0)
            if entry.due_date and entry.status == "open"
            else 0,
            "note": entry.note,
            BILL_ID_FIELD[side.key]: entry.bill_id,
            side.key: _ref(side, party),
        }
    )


def _entry_not_found(side: PartySide, entry_id: int) -> NotFound:
    return NotFound(f"{side.udhaar_label} udhaar {entry_id} not found")


async def _entry(session: AsyncSession, shop_id: int, side: PartySide, entry_id: int) -> EntryRow:
    rows, _ = await repository.entry_rows(
        session, shop_id, side.udhaar_kind, status=None, due_by=None, entry_id=entry_id, limit=1
    )
    if not rows:
        raise _entry_not_found(side, entry_id)
    return _entry_row(rows[0])


async def list_entries(
    session: AsyncSession,
    shop_id: int,
    side: PartySide,
    page: Page,
    *,
    status: StatusFilter,
    before: dt.date | None,
) -> tuple[list[UdhaarOut], int]:
    shop = await auth_service.shop_settings(session, shop_id)
    rows, total = await repository.entry_rows(
        session,
        shop_id,
        side.udhaar_kind,
        status=None if status == "all" else status,
        due_by=before,
        limit=page.limit,
        offset=page.offset,
    )
    today = shop.today()
    return [_out(side, _entry_row(row), today) for row in rows], total


async def get_entry(
    session: AsyncSession, shop_id: int, side: PartySide, entry_id: int
) -> UdhaarOut:
    shop = await auth_service.shop_settings(session, shop_id)
    return _out(side, await _entry(session, shop_id, side, entry_id), shop.today())


async def add_opening_balance(
    session: AsyncSession,
    shop_id: int,
    side: PartySide,
    data: SalesOpeningIn | PurchaseOpeningIn,
) -> UdhaarOut:
    """What was owed before the shop used the app: an entry without a bill."""
    shop = await auth_service.shop_settings(session, shop_id)
    today = shop.today()
    phone = phone_in_region(data.phone_no, shop.region)
    party = await parties.upsert(session, side, shop_id, phone, getattr(data, side.name_field))
    entry_date = bill_date(data.entry_date, today, "entry_date")
    due_date = data.due_date or max(entry_date, today) + dt.timedelta(days=DEFAULT_CREDIT_DAYS)
    if due_date < entry_date:
        raise InvalidInput("due_date is before entry_date", loc=("body", "due_date"))
    entry_id = await udhaar_service.open_credit(
        session,
        shop_id,
        side.udhaar_kind,
        party_id=party.id,
        bill_id=None,
        amount=data.amount,
        entry_date=entry_date,
        due_date=due_date,
        note=data.note,
    )
    return _out(side, await _entry(session, shop_id, side, entry_id), today)


def _paid_on(data: PaymentIn, shop: ShopSettings) -> dt.date:
    return bill_date(data.paid_on, shop.today(), "paid_on")


async def _allocate(
    session: AsyncSession,
    shop: ShopSettings,
    side: PartySide,
    party_id: int,
    entries: list[tuple[int, Decimal, dt.date]],
    data: PaymentIn,
    party: PartyRef | None = None,
) -> PaymentRecorded:
    """Pay `entries` (already locked) oldest first; over-paying them all is a 422."""
    paid_on = _paid_on(data, shop)
    data = data.model_copy(update={"amount": data.amount.quantize(MONEY_PLACES)})
    settled = await repository.settled_totals(
        session, shop.shop_id, [entry_id for entry_id, _, _ in entries]
    )
    open_entries = sorted(
        (
            (entry_date, entry_id, amount - settled.get(entry_id, ZERO))
            for entry_id, amount, entry_date in entries
        ),
        key=lambda item: (item[0], item[1]),
    )
    owed = sum((balance for _, _, balance in open_entries), ZERO)
    if data.amount > owed:
        raise InvalidInput(
            f"amount {data.amount} is more than the balance {owed}",
            loc=("body", "amount"),
            balance=owed,
        )
    payment_id = await repository.add_payment(
        session,
        shop.shop_id,
        kind=side.udhaar_kind,
        party_id=party_id,
        amount=data.amount,
        payment_mode=data.payment_mode,
        paid_on=paid_on,
        note=data.note,
    )
    left = data.amount
    allocations: list[Allocation] = []
    for _, entry_id, balance in open_entries:
        if left == 0:
            break
        part = min(left, balance)
        if part <= 0:
            continue
        left -= part
        await repository.add_settlement(
            session,
            shop.shop_id,
            entry_id=entry_id,
            kind="payment",
            amount=part,
            paid_on=paid_on,
            payment_mode=data.payment_mode,
            payment_id=payment_id,
        )
        remaining = balance - part
        if remaining == 0:
            await repository.mark_settled(session, shop.shop_id, entry_id)
        allocations.append(
            Allocation(
                udhar_id=entry_id,
                amount=part,
                balance=remaining,
                status="settled" if remaining == 0 else "open",
            )
        )
    party_balance = (
        await udhaar_service.balances(session, shop.shop_id, side.udhaar_kind, [party_id])
    )[party_id]
    if side is CUSTOMERS:  # a receipt for what a customer paid; vendors get none from us
        if party is None:
            party = await parties.ref(session, side, shop.shop_id, party_id)
        await notifications.queue_receipt(
            session,
            shop,
            notifications.recipient(side, party),
            payment_id=payment_id,
            amount=data.amount,
            paid_on=paid_on,
            balance=party_balance,
        )
    return PaymentRecorded(
        payment_id=payment_id,
        amount=data.amount,
        payment_mode=data.payment_mode,
        paid_on=paid_on,
        allocations=allocations,
        party_balance=party_balance,
    )


async def pay_entry(
    session: AsyncSession, shop_id: int, side: PartySide, entry_id: int, data: PaymentIn
) -> PaymentRecorded:
    """A (partial) payment against one entry; more than its balance is a 422."""
    shop = await auth_service.shop_settings(session, shop_id)
    locked = await repository.lock_entry(session, shop_id, side.udhaar_kind, entry_id)
    if locked is None:
        raise _entry_not_found(side, entry_id)
    party_id, amount, status, entry_date = locked
    if status != "open":
        raise InvalidInput(
            f"{side.udhaar_label} udhaar {entry_id} is already settled",
            loc=("body", "amount"),
            balance=ZERO,
        )
    return await _allocate(session, shop, side, party_id, [(entry_id, amount, entry_date)], data)


async def pay_party(
    session: AsyncSession, shop_id: int, side: PartySide, party_id: int, data: PaymentIn
) -> PaymentRecorded:
    """A payment by (or to) a party, spread over their open entries, oldest first."""
    shop = await auth_service.shop_settings(session, shop_id)
    party = await parties.ref(session, side, shop_id, party_id)
    entries = await repository.lock_open_entries_of_party(
        session, shop_id, side.udhaar_kind, party_id
    )
    return await _allocate(session, shop, side, party_id, entries, data, party)


async def settle_in_full(
    session: AsyncSession, shop_id: int, side: PartySide, entry_id: int
) -> str:
    """The legacy DELETE: pay whatever is left, keeping the entry and its history."""
    locked = await repository.lock_entry(session, shop_id, side.udhaar_kind, entry_id)
    if locked is None:
        raise _entry_not_found(side, entry_id)
    entry = await _entry(session, shop_id, side, entry_id)
    if entry.status == "open" and entry.balance > 0:
        shop = await auth_service.shop_settings(session, shop_id)
        await _allocate(
            session,
            shop,
            side,
            entry.party_id,
            [(entry_id, entry.amount, entry.entry_date)],
            PaymentIn(amount=entry.balance, note="Settled in full"),
        )
    return f"{side.udhaar_label} udhaar marked as paid and removed."


async def statement(
    session: AsyncSession,
    shop_id: int,
    side: PartySide,
    party_id: int,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> Statement:
    """Bills, payments, voids and returns with the running balance, oldest first."""
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("`to` is before `from`", loc=("query", "to"))
    party = await parties.ref(session, side, shop_id, party_id)
    opening = ZERO
    entries: list[StatementEntry] = []
    for row in await repository.statement_rows(session, shop_id, side.udhaar_kind, party_id):
        if date_from is not None and row.day < date_from:
            opening = row.balance
            continue
        if date_to is not None and row.day > date_to:
            break
        entries.append(
            StatementEntry(
                date=row.day,
                kind=row.kind,
                reference=row.reference,
                debit=row.debit,
                credit=row.credit,
                balance=row.balance,
            )
        )
    return Statement(
        party=_ref(side, party),
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        entries=entries,
        closing_balance=entries[-1].balance if entries else opening,
    )


def _ageing(row: object | None) -> AgeingBuckets:
    return AgeingBuckets(
        days_0_30=getattr(row, "age_0_30", ZERO),
        days_31_60=getattr(row, "age_31_60", ZERO),
        days_61_90=getattr(row, "age_61_90", ZERO),
        days_90_plus=getattr(row, "age_90_plus", ZERO),
    )


async def summary(session: AsyncSession, shop_id: int) -> Summary:
    shop = await auth_service.shop_settings(session, shop_id)
    today = shop.today()
    rows = await repository.summary_rows(session, shop_id, today)
    sales, purchases = rows.get("sale"), rows.get("purchase")
    return Summary(
        as_of=today,
        total_receivable=getattr(sales, "outstanding", ZERO),
        total_payable=getattr(purchases, "outstanding", ZERO),
        overdue_receivable=getattr(sales, "overdue", ZERO),
        overdue_payable=getattr(purchases, "overdue", ZERO),
        customers_owing=getattr(sales, "parties", 0),
        vendors_owed=getattr(purchases, "parties", 0),
        receivable_ageing=_ageing(sales),
        payable_ageing=_ageing(purchases),
    )


async def due_list(session: AsyncSession, shop_id: int, days_ahead: int, limit: int) -> DueList:
    """Open entries due within `days_ahead` days (overdue ones first, by due date)."""
    shop = await auth_service.shop_settings(session, shop_id)
    today = shop.today()
    due_by = today + dt.timedelta(days=days_ahead)
    lists: dict[str, list[UdhaarOut]] = {}
    for side in (CUSTOMERS, VENDORS):
        rows, _ = await repository.entry_rows(
            session, shop_id, side.udhaar_kind, status="open", due_by=due_by, limit=limit
        )
        lists[side.key] = [_out(side, _entry_row(row), today) for row in rows]
    return DueList(
        days_ahead=days_ahead,
        sales_udhaar_due=[e for e in lists[CUSTOMERS.key] if isinstance(e, SalesUdhaar)],
        purchase_udhaar_due=[e for e in lists[VENDORS.key] if isinstance(e, PurchaseUdhaar)],
    )


async def send_reminder(
    session: AsyncSession,
    shop_id: int,
    side: PartySide,
    entry_id: int,
    *,
    statement_link: bool = False,
) -> ReminderQueued:
    """The shop asks for a reminder now: queued in the outbox, sent by the dispatcher.
    `statement_link`: the deployment has a public address for the statement's share link."""
    shop = await auth_service.shop_settings(session, shop_id)
    entry = await _entry(session, shop_id, side, entry_id)
    if entry.status != "open" or entry.balance <= 0:
        raise Conflict(f"{side.udhaar_label} udhaar {entry_id} is already settled")
    party = PartyRef(entry.party_id, entry.party_name, entry.party_phone, entry.party_opted_out)
    notification_id = await notifications.queue_reminder(
        session,
        shop,
        notifications.recipient(side, party),
        entry_id=entry_id,
        bill_no=entry.bill_no,
        balance=entry.balance,
        due_date=entry.due_date,
        manual=True,
        statement_link=statement_link,
    )
    assert notification_id is not None  # a manual send either queues or raises
    return ReminderQueued(
        message="SMS sent successfully", phone=entry.party_phone, notification_id=notification_id
    )
