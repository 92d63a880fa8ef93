"""The sales analysis' rollups of past periods: built when a report first needs them, rebuilt
when the period's bills have changed since, never trusted otherwise.

A day or a calendar month (`RollupPeriod`) is stored as the rows of
`sales_repository.live_groups` over its days, the very statement the report runs over the
bills, so reading a rollup gives what reading the bills would. Any other range of past days
(the past part of a report's range: "the year" is the last 364 days) is composed by summing
the rollups of the months and days it covers, made fresh first; only the most recently built
`RANGES_KEPT` such ranges of a shop are kept, since a range ending yesterday is a new one
every day. Its fingerprint is the sum of
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
from typing import Any, get_args

from sqlalchemy import (
    ColumnElement,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Date, String

from app.models import SalesRollup, SalesRollupPeriod
from app.reports.sales_periods import RollupDimension, RollupPeriod
from app.reports.sales_repository import live_groups

ALL_DIMENSIONS: tuple[RollupDimension, ...] = get_args(RollupDimension)
"""A day or month is stored in every dimension; a report reads the ones it needs."""

RANGES_KEPT = 8
"""Composed ranges kept per shop (the most recently built); days and months are all kept."""

_STALE = text(
    """
    SELECT p.period_start, p.period_end, now.changes
    FROM unnest(CAST(:starts AS date[]), CAST(:ends AS date[])) AS p(period_start, period_end)
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(d.changes), 0) AS changes
        FROM daily_sales AS d
        WHERE d.shop_id = :shop_id AND d.day BETWEEN p.period_start AND p.period_end
    ) AS now
    LEFT JOIN sales_rollup_periods AS r
      ON r.shop_id = :shop_id AND r.period_start = p.period_start
     AND r.period_end = p.period_end
    WHERE r.changes IS DISTINCT FROM now.changes
    """
).bindparams(bindparam("starts", type_=ARRAY(Date)), bindparam("ends", type_=ARRAY(Date)))
"""The periods whose rollup is missing or older than their bills, with the fingerprint now."""

_LOCK_PERIOD = text("SELECT pg_advisory_xact_lock(:shop_key, hashtext(:period))")
"""One period of one shop at a time (the shop keyed as `daily_sales_slot` keys it; a hash
collision only makes two periods wait for each other)."""

_OLD_RANGES = text(
    """
    SELECT period_start, period_end FROM sales_rollup_periods
    WHERE shop_id = :shop_id AND grain = 'range'
    ORDER BY built_at DESC, id DESC OFFSET :kept
    """
)


async def _stale(
    session: AsyncSession, shop_id: int, periods: Sequence[RollupPeriod]
) -> dict[RollupPeriod, int]:
    rows = await session.execute(
        _STALE,
        {
            "shop_id": shop_id,
            "starts": [period.start for period in periods],
            "ends": [period.end for period in periods],
        },
    )
    return {RollupPeriod(row.period_start, row.period_end): int(row.changes) for row in rows}


def _of(shop_id: int, periods: Sequence[RollupPeriod]) -> list[ColumnElement[bool]]:
    """The rollup rows of `periods`."""
    return [
        SalesRollup.shop_id == shop_id,
        tuple_(SalesRollup.period_start, SalesRollup.period_end).in_(
            [(period.start, period.end) for period in periods]
        ),
    ]


_COLUMNS = ["dimension", "key", "quantity", "revenue", "profit", "bills"]


def _composed(shop_id: int, period: RollupPeriod) -> Any:
    """A range's groups: the sums of the groups of the months and days it covers."""
    return (
        select(
            SalesRollup.dimension,
            SalesRollup.key,
            func.sum(SalesRollup.quantity),
            func.sum(SalesRollup.revenue),
            func.sum(SalesRollup.profit),
            func.sum(SalesRollup.bills),
        )
        .where(*_of(shop_id, period.parts()))
        .group_by(SalesRollup.dimension, SalesRollup.key)
    )


async def _store(
    session: AsyncSession, shop_id: int, period: RollupPeriod, changes: int, groups: Any
) -> None:
    """Replace the period's rows with `groups` (rows of `_COLUMNS`) and record the
    fingerprint read before they were computed (`changes`)."""
    await session.execute(delete(SalesRollup).where(*_of(shop_id, [period])))
    source = groups.subquery("groups")
    await session.execute(
        insert(SalesRollup).from_select(
            ["shop_id", "grain", "period_start", "period_end", *_COLUMNS],
            select(
                literal(shop_id),
                literal(period.grain, String),
                literal(period.start, Date),
                literal(period.end, Date),
                *(source.c[i] for i in range(len(_COLUMNS))),
            ),
        )
    )
    record = pg_insert(SalesRollupPeriod).values(
        shop_id=shop_id,
        grain=period.grain,
        period_start=period.start,
        period_end=period.end,
        changes=changes,
    )
    await session.execute(
        record.on_conflict_do_update(
            index_elements=["shop_id", "period_start", "period_end"],
            set_={"changes": record.excluded.changes, "built_at": func.now()},
        )
    )


async def _forget_old_ranges(session: AsyncSession, shop_id: int) -> None:
    """Keep the shop's `RANGES_KEPT` most recently built ranges; drop the others' rows."""
    old = [
        RollupPeriod(row.period_start, row.period_end)
        for row in await session.execute(_OLD_RANGES, {"shop_id": shop_id, "kept": RANGES_KEPT})
    ]
    if old:
        await session.execute(delete(SalesRollup).where(*_of(shop_id, old)))
        await session.execute(
            delete(SalesRollupPeriod).where(
                SalesRollupPeriod.shop_id == shop_id,
                tuple_(SalesRollupPeriod.period_start, SalesRollupPeriod.period_end).in_(
                    [(period.start, period.end) for period in old]
                ),
            )
        )


async def make_fresh(session: AsyncSession, shop_id: int, periods: Sequence[RollupPeriod]) -> int:
    """Build or rebuild every period of `periods` whose rollup is missing or stale, in date
    order (so two reports lock in the same order); returns how many were built, the months
    and days under a range included.

    One statement finds the stale ones; each is then locked, checked again (another report
    may have built it while this one waited) and built: a day or a month from the bills, a
    range from its parts, made fresh first (a range's lock is always taken before its
    parts', so two reports never wait for each other in a circle)."""
    if not periods:
        return 0
    built = 0
    for period in sorted(await _stale(session, shop_id, periods)):
        await session.execute(
            _LOCK_PERIOD,
            {
                "shop_key": shop_id % 2147483647,
                "period": f"{period.start.isoformat()}/{period.end.isoformat()}",
            },
        )
        still = await _stale(session, shop_id, [period])
        if period not in still:
            continue
        if period.grain == "range":
            built += await make_fresh(session, shop_id, period.parts())
            await _store(session, shop_id, period, still[period], _composed(shop_id, period))
            await _forget_old_ranges(session, shop_id)
        else:
            groups = live_groups(shop_id, period.start, period.end, ALL_DIMENSIONS)
            await _store(session, shop_id, period, still[period], groups)
        built += 1
    return built
