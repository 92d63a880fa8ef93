"""Udhaar queries: entries, their settlement rows, and outstanding balances. No business rules.

Every query filters by shop too: row-level security is the second lock, not the only one.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ScalarSelect, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import UdhaarEntry, UdhaarPayment, UdhaarSettlement

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
    note: str | None = None,
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
                note=note,
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
    payment_id: int | None = None,
) -> int:
    settlement_id: int = (
        await session.execute(
            insert(UdhaarSettlement)
            .values(
                shop_id=shop_id,
                entry_id=entry_id,
                payment_id=payment_id,
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


# Reading entries, payments and statements for the /api/udhaar endpoints.

_PARTY_OF: dict[EntryKind, tuple[str, str, str, str]] = {
    # kind -> (party column, party table, bill table, bill id column)
    "sale": ("customer_id", "customers", "sales", "sale_id"),
    "purchase": ("vendor_id", "vendors", "purchases", "purchase_id"),
}


def _entry_rows_sql(kind: EntryKind, where: str, order: str) -> str:
    """Entries of one kind with what was paid and settled, the bill number and the party.

    Built from fixed fragments only (never from input); values travel as bind parameters.
    """
    party, parties, bills, bill = _PARTY_OF[kind]
    bill_no = "b.bill_no" if kind == "sale" else "'P-' || b.id"
    return f"""
        SELECT e.id, e.kind, e.{bill} AS bill_id, {bill_no} AS bill_no, e.entry_date,
               e.due_date, e.amount,
               coalesce(st.paid, 0) AS paid, coalesce(st.settled, 0) AS settled,
               e.status, e.note, p.id AS party_id, p.name AS party_name,
               p.phone AS party_phone, p.opted_out AS party_opted_out,
               count(*) OVER () AS total
        FROM udhaar_entries e
        JOIN {parties} p ON p.shop_id = e.shop_id AND p.id = e.{party}
        LEFT JOIN {bills} b ON b.shop_id = e.shop_id AND b.id = e.{bill}
        LEFT JOIN LATERAL (
            SELECT sum(s.amount) FILTER (WHERE s.kind = 'payment') AS paid,
                   sum(s.amount) AS settled
            FROM udhaar_settlements s
            WHERE s.shop_id = e.shop_id AND s.entry_id = e.id
        ) st ON true
        WHERE e.shop_id = :shop_id AND e.kind = '{kind}' AND {where}
        ORDER BY {order}
        LIMIT :limit OFFSET :offset
    """  # noqa: S608


async def entry_rows(
    session: AsyncSession,
    shop_id: int,
    kind: EntryKind,
    *,
    status: Literal["open", "settled"] | None,
    due_by: dt.date | None,
    entry_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[Any], int]:
    """A page of entries (due date first, undated last) and the number matching."""
    conditions = ["true"]
    if status is not None:
        conditions.append("e.status = :status")
    if due_by is not None:
        conditions.append("e.due_date <= :due_by")
    if entry_id is not None:
        conditions.append("e.id = :entry_id")
    sql = _entry_rows_sql(kind, " AND ".join(conditions), "e.due_date NULLS LAST, e.id")
    rows = (
        await session.execute(
            text(sql),
            {
                "shop_id": shop_id,
                "status": status,
                "due_by": due_by,
                "entry_id": entry_id,
                "limit": limit,
                "offset": offset,
            },
        )
    ).all()
    return list(rows), int(rows[0].total) if rows else 0


async def lock_entry(
    session: AsyncSession, shop_id: int, kind: EntryKind, entry_id: int
) -> tuple[int, Decimal, str, dt.date] | None:
    """The entry as (party id, amount, status, entry date), locked until the transaction ends."""
    party = UdhaarEntry.customer_id if kind == "sale" else UdhaarEntry.vendor_id
    row = (
        await session.execute(
            select(party, UdhaarEntry.amount, UdhaarEntry.status, UdhaarEntry.entry_date)
            .where(
                UdhaarEntry.shop_id == shop_id,
                UdhaarEntry.kind == kind,
                UdhaarEntry.id == entry_id,
            )
            .with_for_update()
        )
    ).first()
    return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])


async def lock_open_entries_of_party(
    session: AsyncSession, shop_id: int, kind: EntryKind, party_id: int
) -> list[tuple[int, Decimal, dt.date]]:
    """The party's open entries as (id, amount, entry date), locked in id order.

    Locks are always taken in id order (here and, one at a time, by single-entry payments
    and bill reversals), so two payments for one party cannot deadlock.
    """
    party = UdhaarEntry.customer_id if kind == "sale" else UdhaarEntry.vendor_id
    rows = await session.execute(
        select(UdhaarEntry.id, UdhaarEntry.amount, UdhaarEntry.entry_date)
        .where(
            UdhaarEntry.shop_id == shop_id,
            UdhaarEntry.kind == kind,
            party == party_id,
            UdhaarEntry.status == "open",
        )
        .order_by(UdhaarEntry.id)
        .with_for_update()
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def settled_totals(
    session: AsyncSession, shop_id: int, entry_ids: list[int]
) -> dict[int, Decimal]:
    """What has been paid or reversed against each entry (absent: nothing)."""
    if not entry_ids:
        return {}
    rows = await session.execute(
        select(UdhaarSettlement.entry_id, func.sum(UdhaarSettlement.amount))
        .where(UdhaarSettlement.shop_id == shop_id, UdhaarSettlement.entry_id.in_(entry_ids))
        .group_by(UdhaarSettlement.entry_id)
    )
    return {entry_id: total for entry_id, total in rows}


async def add_payment(
    session: AsyncSession,
    shop_id: int,
    *,
    kind: EntryKind,
    party_id: int,
    amount: Decimal,
    payment_mode: str,
    paid_on: dt.date,
    note: str | None,
) -> int:
    payment_id: int = (
        await session.execute(
            insert(UdhaarPayment)
            .values(
                shop_id=shop_id,
                kind=kind,
                customer_id=party_id if kind == "sale" else None,
                vendor_id=party_id if kind == "purchase" else None,
                amount=amount,
                payment_mode=payment_mode,
                paid_on=paid_on,
                note=note,
            )
            .returning(UdhaarPayment.id)
        )
    ).scalar_one()
    return payment_id


def _statement_sql(kind: EntryKind) -> str:
    """Every credit, payment and reversal of one party with the running balance.

    Within a day, rows keep the order they were written in (created_at, then a rank that
    puts an entry before the reversals written with it).
    """
    party, _, bills, bill = _PARTY_OF[kind]
    bill_no = "b.bill_no" if kind == "sale" else "'P-' || b.id"
    return f"""
        WITH moves AS (
            SELECT e.entry_date AS day, e.created_at AS at, 0 AS rank, e.id AS row_id,
                   CASE WHEN e.{bill} IS NULL THEN 'opening' ELSE 'bill' END AS kind,
                   coalesce({bill_no}, 'opening:' || e.id) AS reference,
                   e.amount AS debit, 0::numeric AS credit
            FROM udhaar_entries e
            LEFT JOIN {bills} b ON b.shop_id = e.shop_id AND b.id = e.{bill}
            WHERE e.shop_id = :shop_id AND e.kind = '{kind}' AND e.{party} = :party_id
          UNION ALL
            SELECT p.paid_on, p.created_at, 1, p.id, 'payment', 'payment:' || p.id,
                   0, p.amount
            FROM udhaar_payments p
            WHERE p.shop_id = :shop_id AND p.kind = '{kind}' AND p.{party} = :party_id
          UNION ALL
            SELECT s.paid_on, s.created_at, 2, s.id, s.kind,
                   coalesce({bill_no}, 'opening:' || e.id), 0, s.amount
            FROM udhaar_settlements s
            JOIN udhaar_entries e ON e.shop_id = s.shop_id AND e.id = s.entry_id
            LEFT JOIN {bills} b ON b.shop_id = e.shop_id AND b.id = e.{bill}
            WHERE s.shop_id = :shop_id AND s.kind IN ('void', 'return')
              AND e.kind = '{kind}' AND e.{party} = :party_id
        )
        SELECT day, kind, reference, debit, credit,
               sum(debit - credit) OVER (ORDER BY day, at, rank, row_id) AS balance
        FROM moves
        ORDER BY day, at, rank, row_id
    """  # noqa: S608


async def statement_rows(
    session: AsyncSession, shop_id: int, kind: EntryKind, party_id: int
) -> list[Any]:
    rows = await session.execute(
        text(_statement_sql(kind)), {"shop_id": shop_id, "party_id": party_id}
    )
    return list(rows)


_SUMMARY = text(
    """
    SELECT e.kind,
           coalesce(sum(o.open), 0) AS outstanding,
           coalesce(sum(o.open) FILTER (WHERE e.due_date < :today), 0) AS overdue,
           count(DISTINCT coalesce(e.customer_id, e.vendor_id))
               FILTER (WHERE o.open > 0) AS parties,
           coalesce(sum(o.open) FILTER (WHERE :today - e.entry_date <= 30), 0) AS age_0_30,
           coalesce(sum(o.open) FILTER (WHERE :today - e.entry_date BETWEEN 31 AND 60), 0)
               AS age_31_60,
           coalesce(sum(o.open) FILTER (WHERE :today - e.entry_date BETWEEN 61 AND 90), 0)
               AS age_61_90,
           coalesce(sum(o.open) FILTER (WHERE :today - e.entry_date > 90), 0) AS age_90_plus
    FROM udhaar_entries e
    CROSS JOIN LATERAL (
        SELECT e.amount - coalesce(sum(s.amount), 0) AS open
        FROM udhaar_settlements s
        WHERE s.shop_id = e.shop_id AND s.entry_id = e.id
    ) o
    WHERE e.shop_id = :shop_id AND e.status = 'open'
    GROUP BY e.kind
    """
)


async def summary_rows(session: AsyncSession, shop_id: int, today: dt.date) -> dict[str, Any]:
    """Per kind (`sale`, `purchase`): outstanding, overdue, parties and ageing sums."""
    rows = await session.execute(_SUMMARY, {"shop_id": shop_id, "today": today})
    return {row.kind: row for row in rows}


_REMINDER_CANDIDATES = text(
    """
    SELECT e.shop_id, e.id AS entry_id, e.due_date, s.bill_no,
           e.amount - coalesce(st.settled, 0) AS balance,
           c.id AS customer_id, c.name, c.phone, c.opted_out, l.today
    FROM shops sh
    CROSS JOIN LATERAL (
        SELECT (now() AT TIME ZONE sh.timezone) AS local_now,
               (now() AT TIME ZONE sh.timezone)::date AS today
    ) l
    JOIN udhaar_entries e
      ON e.shop_id = sh.id AND e.kind = 'sale' AND e.status = 'open' AND e.due_date <= l.today
    JOIN customers c ON c.shop_id = e.shop_id AND c.id = e.customer_id AND NOT c.opted_out
    LEFT JOIN sales s ON s.shop_id = e.shop_id AND s.id = e.sale_id
    LEFT JOIN LATERAL (
        SELECT sum(x.amount) AS settled FROM udhaar_settlements x
        WHERE x.shop_id = e.shop_id AND x.entry_id = e.id
    ) st ON true
    WHERE sh.reminders_enabled
      AND extract(hour FROM l.local_now) >= sh.reminder_hour
      AND e.amount - coalesce(st.settled, 0) > 0
      AND NOT EXISTS (
          SELECT 1 FROM notifications n
          WHERE n.shop_id = e.shop_id AND n.reference = 'udhaar:' || e.id
            AND n.template = 'reminder'
            AND (n.created_at AT TIME ZONE sh.timezone)::date
                > l.today - sh.reminder_every_days
      )
    ORDER BY e.shop_id, e.id
    LIMIT :limit
    """
)


async def reminder_candidates(session: AsyncSession, limit: int) -> list[Any]:
    """Across all shops: open, due customer entries not reminded in the shop's interval.

    For the dispatcher's system session (no shop role); each row carries the shop's local
    date, so the reminder's once-a-day key is the shop's day, not the server's.
    """
    return list(await session.execute(_REMINDER_CANDIDATES, {"limit": limit}))
