"""The invoices domain's queries: what a printed document needs beyond the bill's own detail
(the party's balance around the bill, a credit note's lines), and share-link revocations.

Reads other domains' tables; writes only `share_revocations`, which it owns.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

ZERO = Decimal("0.00")

BillSide = Literal["sale", "purchase"]
_SIDES: dict[BillSide, tuple[str, str, str]] = {
    # bills table, party column, bill column of udhaar_entries
    "sale": ("sales", "customer_id", "sale_id"),
    "purchase": ("purchases", "vendor_id", "purchase_id"),
}


def _account_sql(side: BillSide) -> str:
    """The party's udhaar balance just before the bill was written (everything recorded in an
    earlier transaction), and what is still open on the bill itself now."""
    bills, party, bill = _SIDES[side]
    return f"""
        WITH bill AS (
            SELECT b.{party} AS party_id, b.created_at FROM {bills} b
            WHERE b.shop_id = :shop_id AND b.id = :bill_id
        )
        SELECT
            (SELECT coalesce(sum(e.amount), 0) FROM udhaar_entries e, bill
             WHERE e.shop_id = :shop_id AND e.kind = '{side}' AND e.{party} = bill.party_id
               AND e.created_at < bill.created_at)
          - (SELECT coalesce(sum(p.amount), 0) FROM udhaar_payments p, bill
             WHERE p.shop_id = :shop_id AND p.kind = '{side}' AND p.{party} = bill.party_id
               AND p.created_at < bill.created_at)
          - (SELECT coalesce(sum(s.amount), 0)
             FROM udhaar_settlements s
             JOIN udhaar_entries e ON e.shop_id = s.shop_id AND e.id = s.entry_id, bill
             WHERE s.shop_id = :shop_id AND s.kind IN ('void', 'return') AND e.kind = '{side}'
               AND e.{party} = bill.party_id AND s.created_at < bill.created_at) AS previous,
            (SELECT sum(e.amount - coalesce(
                        (SELECT sum(s.amount) FROM udhaar_settlements s
                         WHERE s.shop_id = e.shop_id AND s.entry_id = e.id), 0))
             FROM udhaar_entries e
             WHERE e.shop_id = :shop_id AND e.{bill} = :bill_id) AS open_now
    """  # noqa: S608 - table and column names from the fixed map above


@dataclass(frozen=True, slots=True)
class BillAccount:
    previous: Decimal
    """The party's balance before the bill."""
    open_now: Decimal
    """What is still unpaid on this bill today (0 when it was paid in full)."""


async def bill_account(
    session: AsyncSession, shop_id: int, side: BillSide, bill_id: int
) -> BillAccount:
    row = (
        await session.execute(text(_account_sql(side)), {"shop_id": shop_id, "bill_id": bill_id})
    ).one()
    return BillAccount(previous=row.previous or ZERO, open_now=row.open_now or ZERO)


_RETURN = text(
    """
    SELECT r.id, r.sale_id, r.return_date, r.amount, r.refund_amount, r.credit_note_no,
           r.taxable_value, r.cgst, r.sgst, r.igst, r.cess
    FROM sale_returns r
    WHERE r.shop_id = :shop_id AND r.id = :return_id AND r.sale_id = :sale_id
    """
)
_RETURN_LINES = text(
    """
    SELECT p.name, rl.quantity, sl.rate, rl.amount, sl.hsn_code, sl.gst_rate,
           rl.taxable_value, rl.cgst, rl.sgst, rl.igst, rl.cess
    FROM sale_return_lines rl
    JOIN sale_lines sl ON sl.shop_id = rl.shop_id AND sl.id = rl.sale_line_id
    JOIN products p ON p.shop_id = sl.shop_id AND p.id = sl.product_id
    WHERE rl.shop_id = :shop_id AND rl.return_id = :return_id
    ORDER BY rl.id
    """
)


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """A returned line: the product, the sale's rate, and the value and heads returned."""

    name: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    hsn_code: str | None
    gst_rate: Decimal
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal


@dataclass(frozen=True, slots=True)
class SaleReturn:
    id: int
    sale_id: int
    return_date: dt.date
    amount: Decimal
    refund_amount: Decimal
    credit_note_no: str | None
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal
    lines: list[ReturnLine]


async def sale_return(
    session: AsyncSession, shop_id: int, sale_id: int, return_id: int
) -> SaleReturn | None:
    """A return of the sale with its lines (product name, sale rate, value and heads)."""
    values = {"shop_id": shop_id, "sale_id": sale_id, "return_id": return_id}
    head = (await session.execute(_RETURN, values)).mappings().one_or_none()
    if head is None:
        return None
    lines = [ReturnLine(**row) for row in (await session.execute(_RETURN_LINES, values)).mappings()]
    return SaleReturn(**head, lines=lines)


_OWNER_PHONE = text(
    "SELECT phone FROM users WHERE shop_id = :shop_id AND role = 'owner' AND active "
    "ORDER BY id LIMIT 1"
)


async def shop_phone(session: AsyncSession, shop_id: int) -> str | None:
    """The owner's phone: the number a customer calls about a bill."""
    phone: str | None = await session.scalar(_OWNER_PHONE, {"shop_id": shop_id})
    return phone


_REVOKED_AT = text(
    "SELECT revoked_at FROM share_revocations "
    "WHERE shop_id = :shop_id AND kind = :kind AND document_id = :document_id"
)
_REVOKE = text(
    """
    INSERT INTO share_revocations (shop_id, kind, document_id, revoked_at, revoked_by)
    VALUES (:shop_id, :kind, :document_id, now(), :user_id)
    ON CONFLICT (shop_id, kind, document_id)
    DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by
    RETURNING revoked_at
    """
)


async def revoked_at(
    session: AsyncSession, shop_id: int, kind: str, document_id: int
) -> dt.datetime | None:
    values = {"shop_id": shop_id, "kind": kind, "document_id": document_id}
    at: dt.datetime | None = await session.scalar(_REVOKED_AT, values)
    return at


async def revoke(
    session: AsyncSession, shop_id: int, kind: str, document_id: int, user_id: int | None
) -> dt.datetime:
    values = {"shop_id": shop_id, "kind": kind, "document_id": document_id, "user_id": user_id}
    at: dt.datetime = (await session.execute(_REVOKE, values)).scalar_one()
    return at
