"""The profit-and-loss report reads `daily_sales`; it must agree with the raw bills, exactly.

The summary is kept by triggers on `sales` and `sale_returns`, so these tests write through
every path that can change it (API sales in cash and on credit, voids, returns, the
benchmark's bulk INSERT ... SELECT, arbitrary SQL) and compare what the endpoint answers
with an aggregate computed directly over `sales` and `sale_returns`.
"""

import asyncio
import datetime as dt
import random
from decimal import Decimal
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from benchmarks import seed
from tests.bills import exact, sale
from tests.conftest import ShopSession, create_product

OCT_30 = "2026-10-30"
NOV_01 = "2026-11-01"
NOV_24 = "2026-11-24"
NOV_25 = "2026-11-25"  # today: no bill may be dated later

_FORMATS = {"day": "YYYY-MM-DD", "month": "YYYY-MM"}

# The report as the bills alone say it: non-void bills by date, each net of its returns.
_RAW_REPORT = text(
    """
    SELECT to_char(s.sale_date, :format) AS period,
           sum(s.total_amount - coalesce(r.amount, 0)) AS sales,
           sum(s.total_cost - coalesce(r.cost, 0)) AS cost,
           count(*) AS bills
    FROM sales s
    LEFT JOIN (
        SELECT sale_id, sum(amount) AS amount, sum(cost) AS cost
        FROM sale_returns WHERE shop_id = :shop GROUP BY sale_id
    ) r ON r.sale_id = s.id
    WHERE s.shop_id = :shop AND s.status <> 'void'
      AND (CAST(:since AS date) IS NULL OR s.sale_date >= CAST(:since AS date))
      AND (CAST(:until AS date) IS NULL OR s.sale_date <= CAST(:until AS date))
    GROUP BY 1
    ORDER BY 1
    """
)

# The same per day, column for column with `daily_sales` (gross and returned kept apart),
# with the cash the bills took at the counter (a cash bill's payment, a credit bill's part
# paid then; UPI, card and bank bills none).
_RAW_DAYS = text(
    """
    SELECT s.sale_date AS day, count(*) AS bills, sum(s.total_amount) AS total_amount,
           sum(s.total_cost) AS total_cost, coalesce(sum(r.amount), 0) AS returned_amount,
           coalesce(sum(r.cost), 0) AS returned_cost,
           coalesce(sum(s.amount_paid) FILTER (WHERE s.payment_mode = 'cash'), 0)
             + coalesce(sum(s.amount_paid) FILTER (WHERE s.payment_mode = 'credit'), 0)
             AS cash_paid
    FROM sales s
    LEFT JOIN (
        SELECT sale_id, sum(amount) AS amount, sum(cost) AS cost
        FROM sale_returns WHERE shop_id = :shop GROUP BY sale_id
    ) r ON r.sale_id = s.id
    WHERE s.shop_id = :shop AND s.status <> 'void'
    GROUP BY s.sale_date
    ORDER BY s.sale_date
    """
)
# A day is the sum of its slot rows (one per concurrent writer).
_SUMMARY_DAYS = text(
    """
    SELECT day, sum(bills) AS bills, sum(total_amount) AS total_amount,
           sum(total_cost) AS total_cost, sum(returned_amount) AS returned_amount,
           sum(returned_cost) AS returned_cost, sum(cash_paid) AS cash_paid
    FROM daily_sales WHERE shop_id = :shop
    GROUP BY day HAVING sum(bills) > 0 ORDER BY day
    """
)
_EMPTY_DAYS_WITH_MONEY = text(
    """
    SELECT day FROM daily_sales WHERE shop_id = :shop GROUP BY day
    HAVING sum(bills) = 0
       AND (sum(total_amount), sum(total_cost), sum(returned_amount), sum(returned_cost),
            sum(cash_paid))
           <> (0, 0, 0, 0, 0)
    """
)

Figures = tuple[str, str, str, str, int]


def _figures(row: dict[str, Any]) -> Figures:
    """A period (or the totals) as text, so that a lost paisa or a lost scale both show."""
    period = row.get("period", "totals")
    return (period, str(row["sales"]), str(row["cost"]), str(row["profit"]), row["bills"])


async def raw_report(app, shop_id: int, group: str, since: str | None, until: str | None):
    """The expected periods and totals, computed from `sales` and `sale_returns` only."""
    async with app.state.sessionmaker() as session:
        rows = (
            await session.execute(
                _RAW_REPORT,
                {
                    "format": _FORMATS[group],
                    "shop": shop_id,
                    "since": dt.date.fromisoformat(since) if since else None,
                    "until": dt.date.fromisoformat(until) if until else None,
                },
            )
        ).all()
    periods = [
        (r.period, str(r.sales), str(r.cost), str(r.sales - r.cost), int(r.bills)) for r in rows
    ]
    sales = sum((r.sales for r in rows), Decimal("0.00"))
    cost = sum((r.cost for r in rows), Decimal("0.00"))
    totals = ("totals", str(sales), str(cost), str(sales - cost), sum(p[4] for p in periods))
    return periods, totals


async def served_report(
    client, shop: ShopSession, group: str, since: str | None, until: str | None
):
    params = (
        {"group": group} | ({"from": since} if since else {}) | ({"to": until} if until else {})
    )
    response = await client.get("/api/reports/profit-loss", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    body = exact(response)
    return [_figures(p) for p in body["periods"]], _figures(body["totals"])


RANGES = [(None, None), (NOV_01, None), (None, NOV_24), (OCT_30, NOV_24), (NOV_25, NOV_25)]


async def assert_report_matches_raw(client, app, shop: ShopSession) -> None:
    for group in ("day", "month"):
        for since, until in RANGES:
            expected = await raw_report(app, shop.shop_id, group, since, until)
            served = await served_report(client, shop, group, since, until)
            assert served == expected, (group, since, until)


async def assert_summary_matches_raw(app, shop_id: int) -> None:
    async with app.state.sessionmaker() as session:
        raw = (await session.execute(_RAW_DAYS, {"shop": shop_id})).all()
        summary = (await session.execute(_SUMMARY_DAYS, {"shop": shop_id})).all()
        leftovers = (await session.execute(_EMPTY_DAYS_WITH_MONEY, {"shop": shop_id})).all()
    assert [tuple(r) for r in summary] == [tuple(r) for r in raw]
    assert leftovers == []


async def sell(
    client, shop: ShopSession, lines: list[tuple[int, Any, str]], day: str, **fields: Any
) -> int:
    """A bill of (product, quantity, rate) lines dated `day`; cash unless `fields` say not."""
    response = await sale(
        client,
        shop,
        [{"product_id": p, "quantity": q, "rate": rate} for p, q, rate in lines],
        transaction_date=day,
        **fields,
    )
    assert response.status_code == 201, response.text
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def give_back(client, shop: ShopSession, sale_id: int, product_id: int, quantity: Any):
    response = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product_id, "quantity": quantity}]},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text


async def void(client, shop: ShopSession, sale_id: int) -> None:
    response = await client.post(
        f"/api/sales/{sale_id}/void", json={"reason": "Entered twice"}, headers=shop.headers
    )
    assert response.status_code == 200, response.text


async def test_a_months_trading_in_two_shops_reports_what_the_bills_say(
    client, app, shop, other_shop
):
    rice = (await create_product(client, shop, price_purchase="41.35", quantity=100))["product_id"]
    oil = (await create_product(client, shop, price_purchase="132.10", quantity=50))["product_id"]
    soap = (await create_product(client, other_shop, price_purchase="18.05", quantity=60))[
        "product_id"
    ]

    october = await sell(client, shop, [(rice, 2, "52.50"), (oil, 1, "150.00")], OCT_30)
    await sell(client, shop, [(rice, "1.5", "52.50")], NOV_01, bill_paid=False)
    credit = await sell(
        client, shop, [(oil, 3, "149.99")], NOV_24, bill_paid=False, amount_paid="100.00"
    )
    twice_returned = await sell(client, shop, [(rice, 4, "51.00"), (oil, 2, "155.25")], NOV_24)
    # By UPI (no cash), and a credit bill part paid in cash at the counter.
    await sell(client, shop, [(rice, "0.750", "52.00")], NOV_24, payment_mode="upi")
    await sell(
        client,
        shop,
        [(oil, 2, "151.00")],
        NOV_24,
        bill_paid=False,
        amount_paid="120.50",
        payment_mode="credit",
    )
    returned_then_voided = await sell(client, shop, [(oil, 2, "160.00")], NOV_25)
    voided = await sell(client, shop, [(rice, 5, "50.00")], NOV_25)
    await sell(client, shop, [(rice, 1, "39.99")], NOV_25)  # below cost: a loss
    theirs = await sell(client, other_shop, [(soap, 6, "22.00")], NOV_24)
    await sell(client, other_shop, [(soap, 2, "21.50")], NOV_25, bill_paid=False)

    # Returns come back today but count on their bill's day (October for the first one).
    await give_back(client, shop, october, rice, 1)
    await give_back(client, shop, credit, oil, 1)
    await give_back(client, shop, twice_returned, rice, "1.5")
    await give_back(client, shop, twice_returned, oil, 1)
    await give_back(client, shop, returned_then_voided, oil, 1)
    await void(client, shop, returned_then_voided)  # takes its return out with it
    await void(client, shop, voided)
    await void(client, other_shop, theirs)

    for one in (shop, other_shop):
        await assert_summary_matches_raw(app, one.shop_id)
        await assert_report_matches_raw(client, app, one)

    # November 24th's cash at the counter: the bill part paid without a mode (cash), the cash
    # bill and the credit one's 120.50; the UPI bill none.
    async with app.state.sessionmaker() as session:
        days = {r.day: r for r in await session.execute(_SUMMARY_DAYS, {"shop": shop.shop_id})}
    nov_24 = days[dt.date.fromisoformat(NOV_24)]
    assert nov_24.cash_paid == Decimal("100.00") + Decimal("514.50") + Decimal("120.50")

    # The October bill, net of the packet that came back in November:
    # sales 2 x 52.50 + 150.00 - 52.50 = 202.50; cost 2 x 41.35 + 132.10 - 41.35 = 173.45.
    monthly = await served_report(client, shop, "month", None, "2026-10-31")
    assert monthly[0] == [("2026-10", "202.50", "173.45", "29.05", 1)]
    # The other shop's only live bill is the credit one of 2 x 21.50 at a cost of 18.05.
    assert (await served_report(client, other_shop, "day", None, None))[0] == [
        (NOV_25, "43.00", "36.10", "6.90", 1)
    ]


async def test_a_day_whose_bills_were_all_voided_is_not_reported(client, app, shop):
    product = (await create_product(client, shop, price_purchase="10.00"))["product_id"]
    await sell(client, shop, [(product, 1, "12.00")], NOV_24)
    gone = await sell(client, shop, [(product, 1, "12.00")], NOV_25)
    await void(client, shop, gone)

    periods, totals = await served_report(client, shop, "day", None, None)
    assert periods == [(NOV_24, "12.00", "10.00", "2.00", 1)]
    assert totals == ("totals", "12.00", "10.00", "2.00", 1)
    await assert_report_matches_raw(client, app, shop)


async def test_a_bulk_insert_select_history_is_in_the_report(client, app, shop, database_url):
    """The benchmark's seed writes bills, voids and returns with set-based SQL, no API."""
    connection = await asyncpg.connect(
        database_url.replace("postgresql+asyncpg://", "postgresql://")
    )
    try:
        history_shop = seed.Shop(shop.shop_id, shop.user_id, shop.token, "History")
        await seed.add_products(connection, shop.shop_id, 40, 100_000, random.Random(7))
        seeded = await seed.add_history(
            connection,
            history_shop,
            lines=3_000,
            customers=20,
            days=60,
            today=dt.date(2026, 11, 25),
        )
    finally:
        await connection.close()
    # The history has what the summary must survive: voids and returns among the bills.
    assert seeded["lines"] == 3_000
    assert seeded["bills"] > 0 and seeded["voids"] > 0 and seeded["returns"] > 0

    await assert_summary_matches_raw(app, shop.shop_id)
    await assert_report_matches_raw(client, app, shop)

    # The API's writes land on the same summary rows as the bulk ones.
    async with app.state.sessionmaker() as session:
        old_bill = await session.scalar(
            text(
                "SELECT id FROM sales WHERE shop_id = :s AND status = 'completed' "
                "AND sale_date = :d ORDER BY id LIMIT 1"
            ),
            {"s": shop.shop_id, "d": dt.date(2026, 11, 24)},
        )
    product = (await create_product(client, shop, price_purchase="7.77"))["product_id"]
    await sell(client, shop, [(product, 3, "9.99")], NOV_24)
    await void(client, shop, old_bill)
    await assert_summary_matches_raw(app, shop.shop_id)
    await assert_report_matches_raw(client, app, shop)


async def test_concurrent_sales_voids_and_returns_of_one_shop_add_up(client, app, shop):
    """Same shop, same days, at once: the first upserts of a day race, the rest queue."""
    products = [
        (await create_product(client, shop, price_purchase="3.30", quantity=500))["product_id"]
        for _ in range(4)
    ]
    first = [await sell(client, shop, [(products[i % 4], 2, "4.40")], NOV_24) for i in range(4)]

    async def sell_one(i: int) -> None:
        day = (NOV_24, NOV_25)[i % 2]
        await sell(client, shop, [(products[i % 4], 1 + i % 3, "4.45"), (products[3], 1, "5")], day)

    await asyncio.gather(
        *(sell_one(i) for i in range(16)),
        void(client, shop, first[0]),
        give_back(client, shop, first[1], products[1], 1),
        give_back(client, shop, first[2], products[2], 2),
    )
    await assert_summary_matches_raw(app, shop.shop_id)
    await assert_report_matches_raw(client, app, shop)
    totals = (await served_report(client, shop, "day", None, None))[1]
    assert totals[4] == 4 - 1 + 16


_INSERT_BILL = """
    INSERT INTO sales (shop_id, sale_date, total_amount, total_cost, profit, total_quantity,
                       amount_paid, payment_mode)
    VALUES ($1, $2, 100.00, 80.00, 20.00, 1, 100.00, 'cash')
"""


async def test_open_bills_of_one_shop_and_day_do_not_wait_for_each_other(app, shop, database_url):
    """The sale path keeps its transaction open after writing the bill; others go on."""
    url = database_url.replace("postgresql+asyncpg://", "postgresql://")
    connections = [await asyncpg.connect(url) for _ in range(3)]
    try:
        transactions = [connection.transaction() for connection in connections]
        for connection, transaction in zip(connections, transactions, strict=True):
            await transaction.start()
            # would wait for the first transaction's row lock if they shared a summary row
            await asyncio.wait_for(
                connection.execute(_INSERT_BILL, shop.shop_id, dt.date(2026, 11, 25)), 10
            )
        await transactions[1].rollback()
        await transactions[0].commit()
        await transactions[2].commit()
        slots = [
            await connections[0].fetch(
                "SELECT slot, bills FROM daily_sales WHERE shop_id = $1 ORDER BY slot",
                shop.shop_id,
            )
        ]
    finally:
        for connection in connections:
            await connection.close()
    assert [tuple(r) for r in slots[0]] == [(0, 1), (2, 1)]
    await assert_summary_matches_raw(app, shop.shop_id)


# Any sequence of raw SQL writes, single-row and multi-row, keeps the summary exact.
money = st.integers(min_value=0, max_value=999_999).map(lambda paise: Decimal(paise) / 100)
days = st.integers(min_value=0, max_value=2)
picks = st.integers(min_value=0, max_value=5)  # the n-th bill or return, modulo
writes = st.lists(
    st.one_of(
        st.tuples(st.just("bills"), days, st.integers(1, 4), money, money, st.booleans()),
        st.tuples(st.just("void"), picks),
        st.tuples(st.just("unvoid"), picks),
        st.tuples(st.just("void_day"), days),
        st.tuples(st.just("redate"), picks, days),
        st.tuples(st.just("reprice"), picks, money, money),
        st.tuples(st.just("repay"), picks, money),
        st.tuples(st.just("bill_no"), picks),
        st.tuples(st.just("return"), picks, money, money),
        st.tuples(st.just("return_all"), days, money),
        st.tuples(st.just("change_return"), picks, money),
        st.tuples(st.just("drop_return"), picks),
    ),
    min_size=1,
    max_size=12,
)

_FIRST_DAY = dt.date(2026, 11, 20)
# `:n`-th bill (or return) of the shop, counted modulo how many there are.
_NTH = (
    "(SELECT id FROM {table} WHERE shop_id = :shop ORDER BY id OFFSET :n % greatest(1, "
    "(SELECT count(*) FROM {table} WHERE shop_id = :shop)) LIMIT 1)"
)
_SALES_NTH = _NTH.format(table="sales")
_RETURNS_NTH = _NTH.format(table="sale_returns")
_WRITES: dict[str, str] = {
    "bills": """
        INSERT INTO sales (shop_id, sale_date, total_amount, total_cost, profit, total_quantity,
                           amount_paid, payment_mode, status)
        SELECT :shop, CAST(:day AS date), a + g, c, a + g - c, g * 0.250,
               CASE g % 3 WHEN 1 THEN least(c, a + g) ELSE a + g END,
               CASE g % 3 WHEN 0 THEN 'cash' WHEN 1 THEN 'credit' ELSE 'upi' END,
               CASE WHEN CAST(:voided AS boolean) AND g = 1 THEN 'void' ELSE 'completed' END
        FROM generate_series(1, CAST(:count AS int)) g,
             CAST(:amount AS numeric) a, CAST(:cost AS numeric) c
    """,
    "repay": f"""
        UPDATE sales SET amount_paid = CAST(:amount AS numeric),
               payment_mode = (ARRAY['cash', 'credit', 'upi', 'card'])[1 + :n % 4],
               total_quantity = total_quantity + 1
        WHERE id = {_SALES_NTH}
    """,
    "void": f"UPDATE sales SET status = 'void' WHERE id = {_SALES_NTH}",
    "unvoid": f"UPDATE sales SET status = 'completed' WHERE id = {_SALES_NTH}",
    "void_day": """
        UPDATE sales SET status = 'void' WHERE shop_id = :shop AND sale_date = CAST(:day AS date)
    """,
    "redate": f"UPDATE sales SET sale_date = CAST(:day AS date) WHERE id = {_SALES_NTH}",
    "reprice": f"""
        UPDATE sales
        SET total_amount = CAST(:amount AS numeric), total_cost = CAST(:cost AS numeric)
        WHERE id = {_SALES_NTH}
    """,
    "bill_no": f"UPDATE sales SET bill_no = 'B' || id WHERE id = {_SALES_NTH}",
    "return": f"""
        INSERT INTO sale_returns (shop_id, sale_id, return_date, amount, cost, refund_amount)
        SELECT :shop, {_SALES_NTH}, CAST(:day AS date), CAST(:amount AS numeric),
               CAST(:cost AS numeric), 0
        WHERE EXISTS (SELECT FROM sales WHERE shop_id = :shop)
    """,
    "return_all": """
        INSERT INTO sale_returns (shop_id, sale_id, return_date, amount, cost, refund_amount)
        SELECT shop_id, id, sale_date, CAST(:amount AS numeric), CAST(:amount AS numeric), 0
        FROM sales WHERE shop_id = :shop AND sale_date = CAST(:day AS date)
    """,
    "change_return": f"""
        UPDATE sale_returns SET amount = CAST(:amount AS numeric) WHERE id = {_RETURNS_NTH}
    """,
    "drop_return": f"DELETE FROM sale_returns WHERE id = {_RETURNS_NTH}",
}


def _day(offset: int) -> dt.date:
    return _FIRST_DAY + dt.timedelta(days=offset)


def _parameters(write: tuple[Any, ...], shop_id: int) -> dict[str, Any]:
    kind, *values = write
    params: dict[str, Any] = {"shop": shop_id, "day": _FIRST_DAY, "amount": 0, "cost": 0, "n": 0}
    if kind == "bills":
        offset, count, amount, cost, voided = values
        params |= {"day": _day(offset), "count": count, "amount": amount, "cost": cost}
        params["voided"] = voided
    elif kind in ("void", "unvoid", "bill_no", "drop_return"):
        params["n"] = values[0]
    elif kind == "void_day":
        params["day"] = _day(values[0])
    elif kind == "redate":
        params |= {"n": values[0], "day": _day(values[1])}
    elif kind in ("reprice", "return"):
        params |= {"n": values[0], "amount": values[1], "cost": values[2]}
    elif kind == "return_all":
        params |= {"day": _day(values[0]), "amount": values[1]}
    elif kind in ("change_return", "repay"):
        params |= {"n": values[0], "amount": values[1]}
    return params


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=writes)
async def test_any_sequence_of_sql_writes_keeps_the_summary_exact(app, sequence):
    async with app.state.sessionmaker() as session:
        shop_id = await session.scalar(
            text(
                "INSERT INTO shops (name, region, timezone) "
                "VALUES ('Property', 'IN', 'Asia/Kolkata') RETURNING id"
            )
        )
        await session.commit()
        for write in sequence:
            statement = text(_WRITES[write[0]])
            names = statement.compile().params
            params = _parameters(write, shop_id)
            await session.execute(statement, {k: v for k, v in params.items() if k in names})
            await session.commit()
    await assert_summary_matches_raw(app, shop_id)
