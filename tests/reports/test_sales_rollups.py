"""The sales analysis over past periods reads rollups, and a rollup never outlives a change to
its bills: a backdated bill, a void, a return against an old bill, a bill voided and billed
again for the same amount with another product. After each change, every row of every `by`
over ranges that cut months whole and in part is checked against the raw rows again
(`test_sales_analysis`'s independent computation). Two reports building the same periods at
once build each of them once.
"""

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from app.reports.sales_rollups import RANGES_KEPT
from tests.conftest import ShopSession, create_product
from tests.reports.test_sales_analysis import (
    Story,
    a_month_of_sales,
    analysis,
    figures_of,
    give_back,
    grouped,
    pieces,
    raw_rows,
    sell,
    summed,
)

BY_KEY = {
    "product": lambda p: p.product_id,
    "customer": lambda p: p.customer_id,
    "day": lambda p: p.sale_date.isoformat(),
    "month": lambda p: p.sale_date.isoformat()[:7],
    "payment_mode": lambda p: p.mode,
}


def ranges(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Ranges of every shape: a past month whole, past days in part of a month, whole months
    and partial ones up to today, and today alone."""
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    return [
        (last_month, this_month - dt.timedelta(days=1)),
        (today - dt.timedelta(days=20), today - dt.timedelta(days=2)),
        (today - dt.timedelta(days=90), today),
        (this_month, today),
        (today, today),
    ]


async def check_everything(client, app, shop: ShopSession, story: Story) -> None:
    raw = await raw_rows(app, shop.shop_id)
    for first, last in ranges(story.today):
        parts = pieces(raw, first, last)
        for by, key in BY_KEY.items():
            report = await analysis(
                client, shop, **{"from": first.isoformat(), "to": last.isoformat(), "by": by}
            )
            where = f"by {by}, {first}..{last}"
            assert {row["key"]: figures_of(row) for row in report["rows"]} == grouped(parts, key), (
                where
            )
            assert figures_of(report["totals"]) == summed(parts), where


async def periods(app, shop_id: int) -> list[Any]:
    async with app.state.sessionmaker() as session:
        return list(
            (
                await session.execute(
                    text(
                        "SELECT grain, period_start, period_end, changes"
                        " FROM sales_rollup_periods"
                        " WHERE shop_id = :s ORDER BY period_start, period_end"
                    ),
                    {"s": shop_id},
                )
            ).all()
        )


async def test_past_periods_are_rolled_up_and_read_exactly(client, shop, app):
    story = await a_month_of_sales(client, shop)

    await check_everything(client, app, shop, story)

    built = await periods(app, shop.shop_id)
    assert {row.grain for row in built} == {"day", "month", "range"}
    # Today is never rolled up: its bills are read live.
    assert all(row.period_end < story.today for row in built)
    # The past part of the 90 days is one range, composed of its whole months and its days
    # (the shop's first live bill is Vikram's, 60 days ago: the past period starts there).
    first_bill = story.today - dt.timedelta(days=60)
    assert [(row.grain, row.period_end) for row in built if row.period_start == first_bill] == [
        ("day", first_bill),
        ("range", story.today - dt.timedelta(days=1)),
    ]


async def test_a_backdated_bill_a_void_and_a_return_reach_the_rollups(client, shop, app):
    story = await a_month_of_sales(client, shop)
    await check_everything(client, app, shop, story)
    before = {
        (row.grain, row.period_start): row.changes for row in await periods(app, shop.shop_id)
    }

    # A bill backdated into last month and another into a past day of this range.
    last_month_day = story.today.replace(day=1) - dt.timedelta(days=3)
    late = await sell(
        client,
        shop,
        [{"product_id": story.products["jeera"], "quantity": 3}],
        payment_mode="upi",
        transaction_date=last_month_day.isoformat(),
    )
    await sell(
        client,
        shop,
        [{"product_id": story.products["rice"], "quantity": "0.750"}],
        payment_mode="card",
        transaction_date=(story.today - dt.timedelta(days=4)).isoformat(),
    )
    await check_everything(client, app, shop, story)

    # Part of the late bill comes back, then it is voided.
    await give_back(client, shop, late, story.products["jeera"], "1")
    await check_everything(client, app, shop, story)
    voided = await client.post(
        f"/api/sales/{late}/void", json={"reason": "Billed to the wrong day"}, headers=shop.headers
    )
    assert voided.status_code == 200, voided.text
    await check_everything(client, app, shop, story)

    after = {
        (row.period_start, row.period_end): row.changes for row in await periods(app, shop.shop_id)
    }
    moved = {period for period in before if after.get(period) != before[period]}
    assert moved, "the changed periods were rebuilt with a new fingerprint"


async def test_a_swap_with_equal_totals_is_not_missed(client, shop, app):
    """A bill voided and billed again on its day for the same amount with another product:
    the day's totals are what they were, the products are not."""
    story = await a_month_of_sales(client, shop)
    day = (story.today - dt.timedelta(days=7)).isoformat()
    wrong = await sell(
        client,
        shop,
        [{"product_id": story.products["jeera"], "quantity": 2}],
        payment_mode="cash",
        transaction_date=day,
    )
    await check_everything(client, app, shop, story)
    voided = await client.post(
        f"/api/sales/{wrong}/void", json={"reason": "Wrong item"}, headers=shop.headers
    )
    assert voided.status_code == 200, voided.text
    await sell(
        client,
        shop,
        [{"product_id": story.products["hing"], "quantity": 1, "rate": "90.00"}],
        payment_mode="cash",
        transaction_date=day,
    )
    await check_everything(client, app, shop, story)


async def test_a_rollup_whose_fingerprint_moved_is_rebuilt(client, shop, app):
    """A rollup is read as stored while fresh, and rebuilt from the bills once its period
    changes: an edit of the stored figures shows until a bill lands in the period."""
    story = await a_month_of_sales(client, shop)
    first = story.today - dt.timedelta(days=20)
    params = {"from": first.isoformat(), "to": (story.today - dt.timedelta(days=1)).isoformat()}
    honest = await analysis(client, shop, **params, by="payment_mode")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "UPDATE sales_rollups SET revenue = revenue + 1000 "
                "WHERE shop_id = :s AND dimension = 'payment_mode' AND key = 'card'"
            ),
            {"s": shop.shop_id},
        )
    tampered = await analysis(client, shop, **params, by="payment_mode")
    card = {row["key"]: row["revenue"] for row in tampered["rows"]}["card"]
    assert card == {row["key"]: row["revenue"] for row in honest["rows"]}["card"] + 1000

    # Meena's card bill was fifteen days ago: a bill on that day rebuilds it.
    await sell(
        client,
        shop,
        [{"product_id": story.products["dal"], "quantity": 1}],
        payment_mode="cash",
        transaction_date=(story.today - dt.timedelta(days=15)).isoformat(),
    )
    await check_everything(client, app, shop, story)


@pytest.mark.parametrize("by", ["product", "month"])
async def test_reports_at_once_build_each_period_once(client, shop, app, by):
    story = await a_month_of_sales(client, shop)
    params = {
        "from": (story.today - dt.timedelta(days=90)).isoformat(),
        "to": story.today.isoformat(),
        "by": by,
    }
    replies = await asyncio.gather(*(analysis(client, shop, **params) for _ in range(4)))

    assert all(reply == replies[0] for reply in replies[1:])
    async with app.state.sessionmaker() as session:
        duplicated = (
            await session.execute(
                text(
                    "SELECT count(*) FROM ("
                    " SELECT period_start, period_end, dimension, key FROM sales_rollups"
                    " WHERE shop_id = :s GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) AS d"
                ),
                {"s": shop.shop_id},
            )
        ).scalar_one()
    assert duplicated == 0
    await check_everything(client, app, shop, story)


async def test_only_the_latest_ranges_are_kept(client, shop, app):
    """A range ending yesterday is a new one every day: the oldest built go, and a range
    asked again after it went is composed again, exactly."""
    story = await a_month_of_sales(client, shop)
    yesterday = story.today - dt.timedelta(days=1)
    starts = [story.today - dt.timedelta(days=days) for days in range(30, 30 + 2 * RANGES_KEPT)]
    for first in starts:
        await analysis(client, shop, **{"from": first.isoformat(), "to": yesterday.isoformat()})

    kept = [row for row in await periods(app, shop.shop_id) if row.grain == "range"]
    assert len(kept) == RANGES_KEPT
    # Each report also reads the stopped-buying window (its own range), so the latest
    # asked-for ranges are kept beside it, the oldest gone.
    asked = sorted(row.period_start for row in kept if row.period_start in starts)
    assert len(asked) >= RANGES_KEPT - 1
    assert asked == sorted(starts[-len(asked) :])
    async with app.state.sessionmaker() as session:
        orphans = (
            await session.execute(
                text(
                    "SELECT count(*) FROM sales_rollups r WHERE shop_id = :s AND NOT EXISTS ("
                    " SELECT 1 FROM sales_rollup_periods p WHERE p.shop_id = r.shop_id"
                    " AND p.period_start = r.period_start AND p.period_end = r.period_end)"
                ),
                {"s": shop.shop_id},
            )
        ).scalar_one()
    assert orphans == 0
    raw = await raw_rows(app, shop.shop_id)
    report = await analysis(
        client, shop, **{"from": starts[0].isoformat(), "to": yesterday.isoformat()}
    )
    assert figures_of(report["totals"]) == summed(pieces(raw, starts[0], yesterday))


async def test_another_shops_rollups_stay_its_own(client, shop, other_shop, app):
    story = await a_month_of_sales(client, shop)
    params = {
        "from": (story.today - dt.timedelta(days=90)).isoformat(),
        "to": story.today.isoformat(),
    }
    await analysis(client, shop, **params)
    other = await analysis(client, other_shop, **params)

    assert other["rows"] == []
    assert other["totals"]["bills"] == 0
    # Without a bill there is nothing past to roll up; with one, only its own.
    assert await periods(app, other_shop.shop_id) == []
    await sell(
        client,
        other_shop,
        [{"product_id": (await create_product(client, other_shop))["product_id"], "quantity": 1}],
        transaction_date=(story.today - dt.timedelta(days=3)).isoformat(),
    )
    other = await analysis(client, other_shop, **params)
    assert other["totals"]["bills"] == 1
    assert [row["label"] for row in other["rows"]] == [other["top"][0]["name"]]
    async with app.state.sessionmaker() as session:
        products = (
            await session.execute(
                text(
                    "SELECT DISTINCT key FROM sales_rollups"
                    " WHERE shop_id = :s AND dimension = 'product'"
                ),
                {"s": other_shop.shop_id},
            )
        ).scalars()
        assert [int(key) for key in products] == [other["rows"][0]["key"]]


async def test_a_range_from_the_year_one_starts_at_the_first_bill(client, shop, other_shop, app):
    """Days before the shop's first bill hold nothing: a range from 0001-01-01 builds the
    months of the shop's own history, not two thousand years of them, and is exact."""
    story = await a_month_of_sales(client, shop)
    everything = {"from": "0001-01-01", "to": "9999-12-31", "by": "month"}

    report = await analysis(client, shop, **everything)
    empty = await analysis(client, other_shop, **everything)

    raw = await raw_rows(app, shop.shop_id)
    parts = pieces(raw, dt.date(1, 1, 1), dt.date(9999, 12, 31))
    assert {row["key"]: figures_of(row) for row in report["rows"]} == grouped(
        parts, BY_KEY["month"]
    )
    assert figures_of(report["totals"]) == summed(parts)
    assert empty["rows"] == [] and empty["totals"]["bills"] == 0
    built = await periods(app, shop.shop_id)
    first_bill = story.today - dt.timedelta(days=60)  # Vikram's, the oldest live bill
    assert min(row.period_start for row in built) == first_bill
    assert len(built) < 100
    assert await periods(app, other_shop.shop_id) == []
