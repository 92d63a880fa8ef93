"""The sales analysis' rollups of past periods: built when a report first needs them, rebuilt
when the period's bills have changed since, never trusted otherwise.

A period (`RollupPeriod`: a past calendar month or day) is stored as the rows of
`sales_repository.live_groups` over its days, the very statement the report runs over the
bills, so reading a rollup gives what reading the bills would. Its fingerprint is the sum of
`daily_sales.changes` over its days, which the summary's triggers raise in the same statement
as every insert, void or delete of a bill and every return: a period is fresh while the sum
stored with it equals the sum now.

The fingerprint is read before the rows are built (each statement has its own snapshot): a
bill committed in between is then in the rows but not in the fingerprint, which only makes
the next report rebuild the period again; the other order could keep a stale rollup for
good. Two reports building the same period queue on an advisory lock and the second finds
it fresh. The rows are written in the report's own transaction, so a failed request leaves
nothing half-built.
"""

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, insert, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date, String

from app.models import SalesRollup, SalesRollupPeriod
from app.reports.sales_periods import RollupDimension, RollupPeriod
from app.reports.sales_repository import live_groups

ALL_DIMENSIONS: tuple[RollupDimension, ...] = ("product", "customer", "payment_mode", "day")

_STALE = text(
    """
    SELECT p.grain, p.period_start, now.changes
    FROM unnest(CAST(:grains AS text[]), CAST(:starts AS date[]), CAST(:ends AS date[]))
         AS p(grain, period_start, period_end)
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(d.changes), 0) AS changes
        FROM daily_sales AS d
        WHERE d.shop_id = :shop_id AND d.day BETWEEN p.period_start AND p.period_end
    ) AS now
    LEFT JOIN sales_rollup_periods AS r
      ON r.shop_id = :shop_id AND r.grain = p.grain AND r.period_start = p.period_start
    WHERE r.changes IS DISTINCT FROM now.changes
    ORDER BY p.period_start, p.grain
    """
).bindparams(
    bindparam("grains", type_=ARRAY(String)),
    bindparam("starts", type_=ARRAY(Date)),
    bindparam("ends", type_=ARRAY(Date)),
)
"""The periods whose rollup is missing or older than their bills, with the fingerprint now."""

_LOCK_PERIOD = text("SELECT pg_advisory_xact_lock(:shop_key, :period_key)")


async def _stale(
    session: AsyncSession, shop_id: int, periods: Sequence[RollupPeriod]
) -> dict[RollupPeriod, int]:
    rows = await session.execute(
        _STALE,
        {
            "shop_id": shop_id,
            "grains": [period.grain for period in periods],
            "starts": [period.start for period in periods],
            "ends": [period.end for period in periods],
        },
    )
    return {RollupPeriod(row.period_start, row.grain): int(row.changes) for row in rows}


def _lock_keys(shop_id: int, period: RollupPeriod) -> dict[str, int]:
    """Advisory lock keys of a period: the shop (as `daily_sales_slot` keys it) and the
    period's day number, negative (the slots' keys are positive), even for days and odd for
    months."""
    return {
        "shop_key": shop_id % 2147483647,
        "period_key": -(period.start.toordinal() * 2 + (period.grain == "month")),
    }


async def _build(session: AsyncSession, shop_id: int, period: RollupPeriod, changes: int) -> None:
    """Replace the period's rows with its groups computed from the bills now, and record the
    fingerprint read before (`changes`)."""
    await session.execute(
        delete(SalesRollup).where(
            SalesRollup.shop_id == shop_id,
            SalesRollup.grain == period.grain,
            SalesRollup.period_start == period.start,
        )
    )
    groups = live_groups(shop_id, period.start, period.end, ALL_DIMENSIONS).subquery("groups")
    await session.execute(
        insert(SalesRollup).from_select(
            [
                "shop_id",
                "grain",
                "period_start",
                "dimension",
                "key",
                "quantity",
                "revenue",
                "profit",
                "bills",
            ],
            select(
                literal(shop_id),
                literal(period.grain, String),
                literal(period.start, Date),
                groups.c.dimension,
                groups.c.key,
                groups.c.quantity,
                groups.c.revenue,
                groups.c.profit,
                groups.c.bills,
            ),
        )
    )
    record = pg_insert(SalesRollupPeriod).values(
        shop_id=shop_id, grain=period.grain, period_start=period.start, changes=changes
    )
    await session.execute(
        record.on_conflict_do_update(
            index_elements=["shop_id", "grain", "period_start"],
            set_={"changes": record.excluded.changes, "built_at": func.now()},
        )
    )


async def make_fresh(session: AsyncSession, shop_id: int, periods: Sequence[RollupPeriod]) -> int:
    """Build or rebuild every period of `periods` whose rollup is missing or stale, in date
    order (so two reports lock in the same order); returns how many were built.

    One statement finds the stale ones; each is then locked, checked again (another report
    may have built it while this one waited) and built."""
    if not periods:
        return 0
    built = 0
    for period in sorted(await _stale(session, shop_id, periods)):
        await session.execute(_LOCK_PERIOD, _lock_keys(shop_id, period))
        still = await _stale(session, shop_id, [period])
        if period in still:
            await _build(session, shop_id, period, still[period])
            built += 1
    return built
