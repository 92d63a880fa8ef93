"""Day book and cash count queries. Reads the bills, returns, udhaar payments and expenses
(their owners write them); writes only `cash_counts`. No business rules here.

Every money movement is one row of the `moves` CTE, a UNION ALL over the tables, each branch
filtered by shop and by an indexed date (or, for voids, by an indexed time) range:

| kind | from | day | in / out |
| --- | --- | --- | --- |
| sale | sales | sale_date | in: amount_paid; udhaar_given: the rest |
| sale_void | sales (void) | voided_at, shop's day | out: amount_paid less what returns refunded |
| sale_refund | sale_returns (refund > 0) | return_date | out: refund_amount |
| customer_payment | udhaar_payments (sale) | paid_on | in; udhaar_received |
| purchase | purchases | purchase_date | out: amount_paid |
| purchase_void | purchases (void) | voided_at, shop's day | in: amount_paid |
| vendor_payment | udhaar_payments (purchase) | paid_on | out |
| expense | expenses (not reversals) | expense_date | out |
| expense_void | expenses (reversals) | created_at, shop's day | in |

A voided bill keeps its own row on its day (the money did come in then) and adds the void on
the day of the void, so a day already closed never changes when a bill is voided later.
The mode is the money mode an amount counts under (`app.core.payment_modes.COUNTED_AS`).
All sums are NUMERIC in PostgreSQL.

The net cash of many days (`cash_net`, the opening cash since the last count) does not read
every bill: the bills' cash comes from the `daily_sales` summary (`cash_paid` per day, kept
by triggers), which leaves void bills out, so the void bills dated in the span are added back
and the voids done in the span taken out, both found through the partial index on voided
bills; the other tables are few rows a day, summed on their (shop_id, date) indexes.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.cashbook.schemas import EntryKind
from app.core.payment_modes import COUNTED_AS, CREDIT, UDHAAR_PAYMENT_MODES, BillMode
from app.db.session import driver_connection
from app.db.sql import Sql
from app.models import CashCount


@dataclass(frozen=True, slots=True)
class Span:
    """The days a query covers, `first_day` to `day` inclusive, and the same as instants in
    the shop's time zone (voids are found by when they happened)."""

    first_day: dt.date
    day: dt.date
    first_start: dt.datetime
    day_start: dt.datetime
    day_end: dt.datetime

    def params(self) -> dict[str, Any]:
        return {
            "first_day": self.first_day,
            "day": self.day,
            "first_start": self.first_start,
            "day_start": self.day_start,
            "day_end": self.day_end,
        }


def _bill_mode(table: str) -> str:
    """A bill's mode; a `credit` bill's amount paid at the counter counts as cash."""
    return (
        f"CASE WHEN {table}.payment_mode = '{CREDIT}' AND {table}.amount_paid > 0 "
        f"THEN '{COUNTED_AS[CREDIT]}' ELSE {table}.payment_mode END"
    )


def _udhaar_mode(table: str) -> str:
    """An udhaar payment's mode; the legacy modes count under a money mode."""
    legacy = " ".join(
        f"WHEN '{mode}' THEN '{COUNTED_AS[mode]}'"
        for mode in UDHAAR_PAYMENT_MODES
        if mode in COUNTED_AS
    )
    return f"CASE {table}.payment_mode {legacy} ELSE {table}.payment_mode END"


_NO_AMOUNT = "CAST(NULL AS numeric)"


def _moves(named: bool) -> str:
    """The CTE of the span's movements; `named`: with the parties' names (entries only)."""
    customer = "c.name" if named else "CAST(NULL AS text)"
    vendor = "v.name" if named else "CAST(NULL AS text)"
    payer = "coalesce(c.name, v.name)" if named else "CAST(NULL AS text)"
    customers = (
        "LEFT JOIN customers c ON c.shop_id = {t}.shop_id AND c.id = {t}.customer_id"
        if named
        else ""
    )
    vendors = (
        "LEFT JOIN vendors v ON v.shop_id = {t}.shop_id AND v.id = {t}.vendor_id" if named else ""
    )
    if named:
        sales = f"""
        SELECT s.created_at AS at, 'sale' AS kind, s.id, s.bill_no AS reference,
               {customer} AS party, {_bill_mode("s")} AS mode,
               s.amount_paid AS amount_in, 0.00 AS amount_out,
               s.total_amount - s.amount_paid AS udhaar_given,
               {_NO_AMOUNT} AS udhaar_received, s.sale_date = :day AS on_day
          FROM sales s {customers.format(t="s")}
         WHERE s.shop_id = :shop_id AND s.sale_date BETWEEN :first_day AND :day"""  # noqa: S608 - constants only
    else:
        # Summed at once: a busy day holds thousands of bills, and narrow sums beat carrying
        # every bill through the union.
        sales = f"""
        SELECT CAST(NULL AS timestamptz) AS at, 'sale' AS kind, CAST(0 AS bigint) AS id,
               CAST(NULL AS text) AS reference, CAST(NULL AS text) AS party,
               {_bill_mode("s")} AS mode, sum(s.amount_paid) AS amount_in, 0.00 AS amount_out,
               sum(s.total_amount - s.amount_paid) AS udhaar_given,
               {_NO_AMOUNT} AS udhaar_received, s.sale_date = :day AS on_day
          FROM sales s
         WHERE s.shop_id = :shop_id AND s.sale_date BETWEEN :first_day AND :day
         GROUP BY 6, 11"""  # noqa: S608 - constants only
    return f"""
    moves AS ({sales}
        UNION ALL
        SELECT s.voided_at, 'sale_void', s.id, s.bill_no, {customer}, {_bill_mode("s")},
               0.00,
               greatest(s.amount_paid - coalesce((
                   SELECT sum(r.refund_amount) FROM sale_returns r
                    WHERE r.shop_id = s.shop_id AND r.sale_id = s.id), 0), 0),
               {_NO_AMOUNT}, {_NO_AMOUNT}, s.voided_at >= :day_start
          FROM sales s {customers.format(t="s")}
         WHERE s.shop_id = :shop_id AND s.voided_at >= :first_start AND s.voided_at < :day_end
        UNION ALL
        SELECT r.created_at, 'sale_refund', r.id, coalesce(r.credit_note_no, rs.bill_no),
               {customer}, r.refund_mode, 0.00, r.refund_amount,
               {_NO_AMOUNT}, {_NO_AMOUNT}, r.return_date = :day
          FROM sale_returns r
          JOIN sales rs ON rs.shop_id = r.shop_id AND rs.id = r.sale_id
          {customers.format(t="rs")}
         WHERE r.shop_id = :shop_id AND r.return_date BETWEEN :first_day AND :day
           AND r.refund_amount > 0
        UNION ALL
        SELECT p.created_at,
               CASE p.kind WHEN 'sale' THEN 'customer_payment' ELSE 'vendor_payment' END,
               p.id, CAST(NULL AS text), {payer}, {_udhaar_mode("p")},
               CASE p.kind WHEN 'sale' THEN p.amount ELSE 0.00 END,
               CASE p.kind WHEN 'sale' THEN 0.00 ELSE p.amount END,
               {_NO_AMOUNT}, CASE p.kind WHEN 'sale' THEN p.amount END, p.paid_on = :day
          FROM udhaar_payments p {customers.format(t="p")} {vendors.format(t="p")}
         WHERE p.shop_id = :shop_id AND p.paid_on BETWEEN :first_day AND :day
        UNION ALL
        SELECT b.created_at, 'purchase', b.id, b.invoice_no, {vendor}, {_bill_mode("b")},
               0.00, b.amount_paid, {_NO_AMOUNT}, {_NO_AMOUNT}, b.purchase_date = :day
          FROM purchases b {vendors.format(t="b")}
         WHERE b.shop_id = :shop_id AND b.purchase_date BETWEEN :first_day AND :day
        UNION ALL
        SELECT b.voided_at, 'purchase_void', b.id, b.invoice_no, {vendor}, {_bill_mode("b")},
               b.amount_paid, 0.00, {_NO_AMOUNT}, {_NO_AMOUNT}, b.voided_at >= :day_start
          FROM purchases b {vendors.format(t="b")}
         WHERE b.shop_id = :shop_id AND b.voided_at >= :first_start AND b.voided_at < :day_end
        UNION ALL
        SELECT e.created_at, 'expense', e.id, e.category, CAST(NULL AS text), e.payment_mode,
               0.00, e.amount, {_NO_AMOUNT}, {_NO_AMOUNT}, e.expense_date = :day
          FROM expenses e
         WHERE e.shop_id = :shop_id AND e.reverses_id IS NULL
           AND e.expense_date BETWEEN :first_day AND :day
        UNION ALL
        SELECT e.created_at, 'expense_void', e.reverses_id, e.category, CAST(NULL AS text),
               e.payment_mode, -e.amount, 0.00, {_NO_AMOUNT}, {_NO_AMOUNT},
               e.created_at >= :day_start
          FROM expenses e
         WHERE e.shop_id = :shop_id AND e.reverses_id IS NOT NULL
           AND e.created_at >= :first_start AND e.created_at < :day_end
    )"""  # noqa: S608 - constants only; values are bound parameters


_CASH = "cash"

_CASH_NET = text(
    f"""
    WITH voided AS MATERIALIZED (
        SELECT s.id, s.sale_date, s.status, s.voided_at, s.amount_paid
          FROM sales s
         WHERE s.shop_id = :shop_id AND s.voided_at IS NOT NULL AND {_bill_mode("s")} = '{_CASH}'
    )
    SELECT
        (SELECT coalesce(sum(d.cash_paid), 0) FROM daily_sales d
          WHERE d.shop_id = :shop_id AND d.day BETWEEN :first_day AND :day)
      + (SELECT coalesce(sum(v.amount_paid), 0) FROM voided v
          WHERE v.status = 'void' AND v.sale_date BETWEEN :first_day AND :day)
      - (SELECT coalesce(sum(greatest(v.amount_paid - coalesce((
                    SELECT sum(r.refund_amount) FROM sale_returns r
                     WHERE r.shop_id = :shop_id AND r.sale_id = v.id), 0), 0)), 0)
           FROM voided v
          WHERE v.voided_at >= :first_start AND v.voided_at < :day_end)
      - (SELECT coalesce(sum(r.refund_amount), 0) FROM sale_returns r
          WHERE r.shop_id = :shop_id AND r.return_date BETWEEN :first_day AND :day
            AND r.refund_amount > 0 AND r.refund_mode = '{_CASH}')
      + (SELECT coalesce(sum(CASE p.kind WHEN 'sale' THEN p.amount ELSE -p.amount END), 0)
           FROM udhaar_payments p
          WHERE p.shop_id = :shop_id AND p.paid_on BETWEEN :first_day AND :day
            AND {_udhaar_mode("p")} = '{_CASH}')
      - (SELECT coalesce(sum(b.amount_paid), 0) FROM purchases b
          WHERE b.shop_id = :shop_id AND b.purchase_date BETWEEN :first_day AND :day
            AND {_bill_mode("b")} = '{_CASH}')
      + (SELECT coalesce(sum(b.amount_paid), 0) FROM purchases b
          WHERE b.shop_id = :shop_id AND b.voided_at >= :first_start AND b.voided_at < :day_end
            AND {_bill_mode("b")} = '{_CASH}')
      - (SELECT coalesce(sum(e.amount), 0) FROM expenses e
          WHERE e.shop_id = :shop_id AND e.reverses_id IS NULL
            AND e.expense_date BETWEEN :first_day AND :day AND e.payment_mode = '{_CASH}')
      - (SELECT coalesce(sum(e.amount), 0) FROM expenses e
          WHERE e.shop_id = :shop_id AND e.reverses_id IS NOT NULL
            AND e.created_at >= :first_start AND e.created_at < :day_end
            AND e.payment_mode = '{_CASH}')
      AS net
    """  # noqa: S608 - constants only; values are bound parameters
)
"""The span's net cash, the same movements as `moves` restricted to cash, without reading
every bill: `daily_sales.cash_paid` holds the live bills' cash by bill date (the same rule as
`_bill_mode`: a `cash` bill's amount paid, and a `credit` bill's part paid at the counter);
the void bills dated in the span, which the summary leaves out but the day book counts on
their day, are added back; the voids done in the span go out. Both come from one read of
the shop's voided cash bills (`voided`), which only the partial index on `voided_at` matches,
whatever plan the span's dates would get (a date range on every bill would read them all).
A void bill always has its `voided_at` (the API and the seed set both)."""


async def cash_net(session: AsyncSession, shop_id: int, span: Span) -> Decimal:
    """The net cash (in less out) of the span's days, all of them: the opening cash's part
    since the last count."""
    net: Decimal = (
        await session.execute(_CASH_NET, {"shop_id": shop_id, **span.params()})
    ).scalar_one()
    return net


_ENTRIES = Sql(
    f"""
    WITH {_moves(named=True)}
    SELECT at, kind, id, reference, party, mode, amount_in, amount_out, udhaar_given,
           udhaar_received
      FROM moves
     ORDER BY at, id, kind
    """  # noqa: S608 - the CTE above
)
"""Sent straight to the driver (`driver_connection`), as the sale path does: a busy day has
thousands of entries, and SQLAlchemy's row objects cost more than the query."""

_SUMS = text(
    f"""
    WITH {_moves(named=False)}
    SELECT mode,
           coalesce(sum(amount_in) FILTER (WHERE on_day), 0.00) AS amount_in,
           coalesce(sum(amount_out) FILTER (WHERE on_day), 0.00) AS amount_out,
           coalesce(sum(udhaar_given) FILTER (WHERE on_day), 0.00) AS udhaar_given,
           coalesce(sum(udhaar_received) FILTER (WHERE on_day), 0.00) AS udhaar_received
      FROM moves
     GROUP BY mode
    """  # noqa: S608 - the CTE above
)


@dataclass(frozen=True, slots=True)
class ModeSums:
    """One mode's sums on the span's last day."""

    mode: str
    amount_in: Decimal
    amount_out: Decimal
    udhaar_given: Decimal
    udhaar_received: Decimal


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One movement, as the query gives it (its kinds and modes are the schema's)."""

    at: dt.datetime
    kind: EntryKind
    id: int
    reference: str | None
    party: str | None
    mode: BillMode
    amount_in: Decimal
    amount_out: Decimal
    udhaar_given: Decimal | None
    udhaar_received: Decimal | None


async def mode_sums(session: AsyncSession, shop_id: int, span: Span) -> list[ModeSums]:
    """Per mode: the span's last day's in, out and udhaar (asked for one day: the earlier
    days' cash comes from `cash_net`, which does not read every bill)."""
    rows = await session.execute(_SUMS, {"shop_id": shop_id, **span.params()})
    return [ModeSums(**row._asdict()) for row in rows]


async def entries(session: AsyncSession, shop_id: int, span: Span) -> list[EntryRow]:
    """The movements of the span (one day: `first_day == day`) in the order they happened.
    Built by position (the SELECT lists `EntryRow`'s fields in order): a busy day has
    thousands of rows, and naming each one's fields cost more than the query."""
    values = {"shop_id": shop_id, **span.params()}
    driver = await driver_connection(session)
    records = await driver.fetch(
        _ENTRIES.text, *_ENTRIES.bind({name: values[name] for name in _ENTRIES.names})
    )
    return [EntryRow(*record) for record in records]


_COUNTS = text(
    """
    (SELECT 'before' AS which, id, count_date, counted, note, created_by, created_at
       FROM cash_counts
      WHERE shop_id = :shop_id AND count_date < :day
      ORDER BY count_date DESC, id DESC
      LIMIT 1)
    UNION ALL
    (SELECT 'on_day', id, count_date, counted, note, created_by, created_at
       FROM cash_counts
      WHERE shop_id = :shop_id AND count_date = :day
      ORDER BY id DESC
      LIMIT 1)
    """
)


@dataclass(frozen=True, slots=True)
class CountRow:
    id: int
    count_date: dt.date
    counted: Decimal
    note: str | None
    created_by: int | None
    created_at: dt.datetime


async def counts_around(
    session: AsyncSession, shop_id: int, day: dt.date
) -> tuple[CountRow | None, CountRow | None]:
    """The latest cash count before `day`, and `day`'s own (its latest row); None if none."""
    found: dict[str, CountRow] = {}
    for row in await session.execute(_COUNTS, {"shop_id": shop_id, "day": day}):
        values = row._asdict()
        which = values.pop("which")
        found[which] = CountRow(**values)
    return found.get("before"), found.get("on_day")


async def add_count(session: AsyncSession, values: dict[str, Any]) -> int:
    count_id: int = (
        await session.execute(insert(CashCount).values(**values).returning(CashCount.id))
    ).scalar_one()
    return count_id
