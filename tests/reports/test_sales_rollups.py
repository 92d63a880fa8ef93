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

from tests.conftest import ShopSession
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
                        "SELECT grain, period_start, changes FROM sales_rollup_periods "
                        "WHERE shop_id = :s ORDER BY period_start, grain"
                    ),
                    {"s": shop_id},
                )
            ).all()
        )


async def test_past_periods_are_rolled_up_and_read_exactly(client, shop, app):
    story = await a_month_of_sales(client, shop)

    await check_everything(client, app, shop, story)

    built = await periods(app, shop.shop_id)
    grains = {row.grain for row in built}
    assert grains == {"day", "month"}
    assert all(row.period_start < story.today for row in built)
    # Today is never rolled up: its bills are read live.
    assert story.today not in {row.period_start for row in built}


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

    after = {(row.grain, row.period_start): row.changes for row in await periods(app, shop.shop_id)}
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
                    " SELECT grain, period_start, dimension, key FROM sales_rollups"
                    " WHERE shop_id = :s GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) AS d"
                ),
                {"s": shop.shop_id},
            )
        ).scalar_one()
    assert duplicated == 0
    await check_everything(client, app, shop, story)


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
    assert await periods(app, other_shop.shop_id) != []
    async with app.state.sessionmaker() as session:
        foreign = (
            await session.execute(
                text("SELECT count(*) FROM sales_rollups WHERE shop_id = :s AND bills > 0"),
                {"s": other_shop.shop_id},
            )
        ).scalar_one()
    assert foreign == 0
