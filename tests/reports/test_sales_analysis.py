"""The sales analysis: what sold, to whom, when and how it was paid, the best and slowest
products, and the customers who stopped buying.

A GST shop that rounds its bills to the rupee sells taxed and untaxed goods by the kilo and by
the piece, to regulars and to walk-ins, for cash, UPI, card and on credit; one bill is voided,
some goods come back, one bill is backdated, another is older than the range. Every figure is
checked against profit and loss and against sums computed here, in Python, from the raw rows
of sales, sale_lines and sale_return_lines (no aggregation in SQL), with the documented
rule for the round-off (carried by the bill's largest line).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy import text

from app.reports.sales_schemas import SalesReport
from tests.auth_helpers import add_staff
from tests.bills import exact, sale
from tests.conftest import ShopSession, create_product, unique_phone
from tests.gst import register_for_gst

D = Decimal
ZERO = D("0.00")


async def analysis(client, shop: ShopSession, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/reports/sales", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def today_of(client, shop: ShopSession) -> dt.date:
    return dt.date.fromisoformat((await analysis(client, shop))["date_to"])


async def sell(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any) -> int:
    response = await sale(client, shop, lines, **fields)
    assert response.status_code == 201, response.text
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def give_back(client, shop: ShopSession, sale_id: int, product_id: int, quantity: str):
    response = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product_id, "quantity": quantity}]},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text


@dataclass
class Story:
    today: dt.date
    products: dict[str, int]
    customers: dict[str, str]
    """name -> phone"""


async def a_month_of_sales(client, shop: ShopSession) -> Story:
    await register_for_gst(client, shop, round_to_rupee=True)
    today = await today_of(client, shop)

    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    async def product(name: str, unit: str, price: str, cost: str, **fields: Any) -> int:
        created = await create_product(
            client,
            shop,
            product_name=name,
            unit=unit,
            price_sale=price,
            price_purchase=cost,
            quantity=200,
            **fields,
        )
        return int(created["product_id"])

    rice = await product("Basmati Rice", "kg", "96.50", "71.25")
    dal = await product("Toor Dal", "kg", "142.00", "118.40")
    butter = await product(
        "Amul Butter 500g", "pcs", "285.00", "251.10", gst_rate="5", hsn_code="0405"
    )
    soap = await product(
        "Lux Soap 100g",
        "pcs",
        "38.00",
        "27.35",
        gst_rate="18",
        hsn_code="3401",
        price_includes_tax=False,
    )
    jeera = await product("Jeera 100g", "pcs", "45.00", "36.00")
    hing = await product("Hing 50g", "pcs", "72.00", "60.00")
    customers = {
        "Sunita Devi": unique_phone(),
        "Ramesh Kumar": unique_phone(),
        "Meena Iyer": unique_phone(),
        "Vikram Singh": unique_phone(),
        "Kavita Joshi": unique_phone(),
    }

    def to(name: str) -> dict[str, str]:
        return {"customer_name": name, "phone_no": customers[name]}

    # Sunita, cash, two days ago: a quarter kilo of rice and two butters; half the rice
    # comes back.
    sunita = await sell(
        client,
        shop,
        [
            {"product_id": rice, "quantity": "0.250"},
            {"product_id": butter, "quantity": 2},
        ],
        payment_mode="cash",
        transaction_date=ago(2),
        **to("Sunita Devi"),
    )
    await give_back(client, shop, sunita, rice, "0.125")
    # Ramesh, UPI, backdated five days: dal by weight, soap at 5% off (tax on top).
    await sell(
        client,
        shop,
        [
            {"product_id": dal, "quantity": "1.750"},
            {"product_id": soap, "quantity": 3, "discount_percent": "5"},
        ],
        payment_mode="upi",
        transaction_date=ago(5),
        **to("Ramesh Kumar"),
    )
    # Ramesh again yesterday, on credit: one soap of two comes back.
    on_credit = await sell(
        client,
        shop,
        [{"product_id": butter, "quantity": 1}, {"product_id": soap, "quantity": 2}],
        bill_paid=False,
        amount_paid="0",
        payment_mode="credit",
        transaction_date=ago(1),
        **to("Ramesh Kumar"),
    )
    await give_back(client, shop, on_credit, soap, "1")
    # A walk-in today, cash: loose rice and dal.
    await sell(
        client,
        shop,
        [{"product_id": rice, "quantity": "2.500"}, {"product_id": dal, "quantity": "0.500"}],
        customer_name=None,
        phone_no=None,
        payment_mode="cash",
    )
    # Sunita's UPI bill three days ago was entered twice: voided.
    twice = await sell(
        client,
        shop,
        [{"product_id": soap, "quantity": 4}],
        payment_mode="upi",
        transaction_date=ago(3),
        **to("Sunita Devi"),
    )
    voided = await client.post(
        f"/api/sales/{twice}/void", json={"reason": "Entered twice"}, headers=shop.headers
    )
    assert voided.status_code == 200, voided.text
    # Meena paid by card fifteen days ago (a backdated bill inside the range).
    await sell(
        client,
        shop,
        [{"product_id": rice, "quantity": "1.000"}, {"product_id": jeera, "quantity": 2}],
        payment_mode="card",
        transaction_date=ago(15),
        **to("Meena Iyer"),
    )
    # Before the range: Vikram's last bill sixty days ago; Kavita's only bill was voided.
    await sell(
        client,
        shop,
        [{"product_id": dal, "quantity": "5.000"}, {"product_id": butter, "quantity": 4}],
        payment_mode="cash",
        transaction_date=ago(60),
        **to("Vikram Singh"),
    )
    kavita = await sell(
        client,
        shop,
        [{"product_id": dal, "quantity": 2}],
        payment_mode="cash",
        transaction_date=ago(40),
        **to("Kavita Joshi"),
    )
    voided = await client.post(
        f"/api/sales/{kavita}/void", json={"reason": "Wrong customer"}, headers=shop.headers
    )
    assert voided.status_code == 200, voided.text
    products = {
        "rice": rice,
        "dal": dal,
        "butter": butter,
        "soap": soap,
        "jeera": jeera,
        "hing": hing,
    }
    return Story(today=today, products=products, customers=customers)


# --- the independent computation, from the raw rows ---------------------------------------


async def raw_rows(app, shop_id: int) -> dict[str, list[Any]]:
    """The shop's bills, lines and return lines as stored, unsummed."""
    queries = {
        "sales": "SELECT id, sale_date, customer_id, payment_mode, status, round_off, "
        "total_amount FROM sales WHERE shop_id = :s",
        "lines": "SELECT id, sale_id, product_id, quantity, line_total, profit "
        "FROM sale_lines WHERE shop_id = :s",
        "returned": "SELECT r.sale_id, rl.sale_line_id, rl.quantity, rl.amount, rl.cost, "
        "rl.cgst + rl.sgst + rl.igst + rl.cess AS tax FROM sale_returns r "
        "JOIN sale_return_lines rl ON rl.shop_id = r.shop_id AND rl.return_id = r.id "
        "WHERE r.shop_id = :s",
        "products": "SELECT id, name, unit, quantity, archived_at FROM products WHERE shop_id = :s",
        "customers": "SELECT id, name, phone FROM customers WHERE shop_id = :s",
    }
    async with app.state.sessionmaker() as session:
        return {
            name: list((await session.execute(text(sql), {"s": shop_id})).all())
            for name, sql in queries.items()
        }


@dataclass
class Piece:
    """One signed contribution of a line, a round-off or a return line."""

    sale_id: int
    sale_date: dt.date
    customer_id: int | None
    mode: str
    product_id: int
    quantity: Decimal
    revenue: Decimal
    profit: Decimal


def pieces(raw: dict[str, list[Any]], first: dt.date, last: dt.date) -> list[Piece]:
    """Every contribution of the live bills dated first..last."""
    bills = {s.id: s for s in raw["sales"] if s.status != "void" and first <= s.sale_date <= last}
    lines = {line.id: line for line in raw["lines"] if line.sale_id in bills}
    out: list[Piece] = []

    def piece(sale_id: int, product_id: int, quantity: Decimal, revenue: Decimal, profit: Decimal):
        bill = bills[sale_id]
        out.append(
            Piece(
                sale_id,
                bill.sale_date,
                bill.customer_id,
                bill.payment_mode,
                product_id,
                quantity,
                revenue,
                profit,
            )
        )

    for line in lines.values():
        piece(line.sale_id, line.product_id, line.quantity, line.line_total, line.profit)
    for r in raw["returned"]:
        if r.sale_id in bills:
            line = lines[r.sale_line_id]
            piece(r.sale_id, line.product_id, -r.quantity, -r.amount, -(r.amount - r.tax - r.cost))
    for bill in bills.values():
        if bill.round_off:
            own = [line for line in lines.values() if line.sale_id == bill.id]
            carrier = min(own, key=lambda line: (-line.line_total, line.id))
            piece(bill.id, carrier.product_id, D("0.000"), bill.round_off, bill.round_off)
    return out


def summed(group: list[Piece]) -> dict[str, Any]:
    bills = len({p.sale_id for p in group})
    revenue = sum((p.revenue for p in group), ZERO)
    return {
        "quantity": sum((p.quantity for p in group), D("0.000")),
        "revenue": revenue,
        "profit": sum((p.profit for p in group), ZERO),
        "bills": bills,
        "average_bill": (revenue / bills).quantize(D("0.01"), ROUND_HALF_UP) if bills else ZERO,
    }


def grouped(parts: list[Piece], key: Any) -> dict[Any, dict[str, Any]]:
    groups: dict[Any, list[Piece]] = defaultdict(list)
    for p in parts:
        groups[key(p)].append(p)
    return {k: summed(v) for k, v in groups.items()}


FIGURES = ("quantity", "revenue", "profit", "bills", "average_bill")


def figures_of(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in FIGURES}


# --- tests ------------------------------------------------------------------------------


async def test_totals_equal_profit_and_loss_for_the_same_range(client, shop, app):
    story = await a_month_of_sales(client, shop)
    first = story.today - dt.timedelta(days=20)
    params = {"from": first.isoformat(), "to": story.today.isoformat()}

    report = await analysis(client, shop, **params)
    pl = await client.get("/api/reports/profit-loss", params=params, headers=shop.headers)

    assert pl.status_code == 200, pl.text
    pl_totals = exact(pl)["totals"]
    assert report["totals"]["revenue"] == pl_totals["sales"]
    assert report["totals"]["profit"] == pl_totals["profit"]
    assert report["totals"]["bills"] == pl_totals["bills"] == 5
    # And the same over the whole history, the voided bills and the old bill included.
    everything = {"from": (story.today - dt.timedelta(days=90)).isoformat(), "to": params["to"]}
    report = await analysis(client, shop, **everything)
    pl = await client.get("/api/reports/profit-loss", params=everything, headers=shop.headers)
    assert report["totals"]["revenue"] == exact(pl)["totals"]["sales"]
    assert report["totals"]["profit"] == exact(pl)["totals"]["profit"]
    assert report["totals"]["bills"] == exact(pl)["totals"]["bills"] == 6


@pytest.mark.parametrize("by", ["product", "customer", "day", "month", "payment_mode"])
async def test_every_row_and_the_totals_match_the_raw_rows(client, shop, app, by):
    story = await a_month_of_sales(client, shop)
    first = story.today - dt.timedelta(days=20)
    report = await analysis(
        client, shop, **{"from": first.isoformat(), "to": story.today.isoformat(), "by": by}
    )
    raw = await raw_rows(app, shop.shop_id)
    parts = pieces(raw, first, story.today)
    keys = {
        "product": lambda p: p.product_id,
        "customer": lambda p: p.customer_id,
        "day": lambda p: p.sale_date.isoformat(),
        "month": lambda p: p.sale_date.isoformat()[:7],
        "payment_mode": lambda p: p.mode,
    }
    expected = grouped(parts, keys[by])

    assert report["by"] == by
    SalesReport.model_validate(report)  # the reply is built as a mapping: it keeps the shape
    assert {row["key"]: figures_of(row) for row in report["rows"]} == expected
    assert figures_of(report["totals"]) == summed(parts)
    # The rows add up to the totals (each bill in exactly one row except by product).
    for name in ("quantity", "revenue", "profit"):
        assert sum((row[name] for row in report["rows"]), ZERO) == report["totals"][name]
    keys_in_order = [row["key"] for row in report["rows"]]
    if by in ("day", "month"):
        assert keys_in_order == sorted(expected)
    else:
        assert keys_in_order == sorted(
            expected, key=lambda k: (-expected[k]["revenue"], k is None, k or 0)
        )


async def test_the_payment_mode_rows_read_as_the_story(client, shop, app):
    story = await a_month_of_sales(client, shop)
    report = await analysis(
        client,
        shop,
        **{
            "from": (story.today - dt.timedelta(days=20)).isoformat(),
            "to": story.today.isoformat(),
            "by": "payment_mode",
        },
    )
    rows = {row["key"]: row for row in report["rows"]}
    # Voided UPI bill left out: one UPI bill. Cash: Sunita's and the walk-in's.
    assert {mode: row["bills"] for mode, row in rows.items()} == {
        "cash": 2,
        "upi": 1,
        "credit": 1,
        "card": 1,
    }
    assert all(row["label"] == row["key"] for row in report["rows"])
    # Meena's card bill: 1 kg rice at 96.50 + 2 jeera at 45.00 = 186.50, rounded to 187.
    assert rows["card"]["revenue"] == D("187.00")
    assert rows["card"]["profit"] == D("187.00") - D("71.25") - D("72.00")
    assert rows["card"]["quantity"] == D("3.000")


async def test_customers_by_name_with_walk_in_bills_apart(client, shop, app):
    story = await a_month_of_sales(client, shop)
    report = await analysis(
        client,
        shop,
        **{
            "from": (story.today - dt.timedelta(days=20)).isoformat(),
            "to": story.today.isoformat(),
            "by": "customer",
        },
    )
    labels = {row["label"]: row for row in report["rows"]}
    assert set(labels) == {"Sunita Devi", "Ramesh Kumar", "Meena Iyer", "Walk-in"}
    assert labels["Walk-in"]["key"] is None
    assert labels["Ramesh Kumar"]["bills"] == 2
    # The walk-in: 2.5 kg rice = 241.25, 0.5 kg dal = 71.00; 312.25 rounds to 312.
    assert labels["Walk-in"]["revenue"] == D("312.00")
    assert labels["Walk-in"]["quantity"] == D("3.000")
    assert labels["Walk-in"]["average_bill"] == D("312.00")


async def test_top_and_slowest_products(client, shop, app):
    story = await a_month_of_sales(client, shop)
    first = story.today - dt.timedelta(days=20)
    report = await analysis(
        client, shop, **{"from": first.isoformat(), "to": story.today.isoformat(), "limit": 3}
    )
    raw = await raw_rows(app, shop.shop_id)
    per_product = grouped(pieces(raw, first, story.today), lambda p: p.product_id)
    catalogue = {p.id: p for p in raw["products"]}

    ranked = sorted(per_product, key=lambda pid: (-per_product[pid]["revenue"], pid))
    assert [row["product_id"] for row in report["top"]] == ranked[:3]
    sold = ("quantity", "revenue", "profit")
    for row in report["top"]:
        assert {k: row[k] for k in sold} == {k: per_product[row["product_id"]][k] for k in sold}
        assert row["name"] == catalogue[row["product_id"]].name
        assert row["stock"] == catalogue[row["product_id"]].quantity

    zero = {name: ZERO for name in ("revenue", "profit", "average_bill")}
    zero |= {"quantity": D("0.000"), "bills": 0}
    slow = sorted(
        (p for p in raw["products"] if p.archived_at is None),
        key=lambda p: (per_product.get(p.id, zero)["quantity"], p.name.casefold(), p.id),
    )
    assert [row["product_id"] for row in report["slowest"]] == [p.id for p in slow[:3]]
    # Hing never sold: first, with its stock on hand; jeera sold 2.
    hing = report["slowest"][0]
    assert (hing["name"], hing["quantity"], hing["revenue"], hing["stock"]) == (
        "Hing 50g",
        D("0.000"),
        ZERO,
        D("200.000"),
    )
    for row in report["slowest"][1:]:
        assert {k: row[k] for k in sold} == {k: per_product[row["product_id"]][k] for k in sold}
    assert report["slowest"][1]["name"] == "Jeera 100g"
    assert report["slowest"][1]["quantity"] == D("2.000")
    assert report["slowest"][1]["unit"] == "pcs"


async def test_customers_who_stopped_buying(client, shop, app):
    story = await a_month_of_sales(client, shop)

    default = await analysis(client, shop)
    week = await analysis(client, shop, inactive_days=7)

    raw = await raw_rows(app, shop.shop_id)
    vikram = next(c for c in raw["customers"] if c.name == "Vikram Singh")
    # Vikram: 5 kg dal at 142 = 710.00 + 4 butter at 285 = 1140.00, one bill 60 days ago.
    assert default["stopped_buying"] == [
        {
            "customer_id": vikram.id,
            "name": "Vikram Singh",
            "phone": vikram.phone,
            "last_bill_date": (story.today - dt.timedelta(days=60)).isoformat(),
            "days_since": 60,
            "bills": 1,
            "revenue": D("1850.00"),
        }
    ]
    # In a week's view Meena (15 days ago) has stopped too; Kavita's only bill was voided,
    # Sunita (2 days ago, her voided bill aside) and Ramesh (yesterday) have not.
    assert [c["name"] for c in week["stopped_buying"]] == ["Vikram Singh", "Meena Iyer"]
    meena = week["stopped_buying"][1]
    assert (meena["days_since"], meena["bills"], meena["revenue"]) == (15, 1, D("187.00"))


async def test_the_stopped_window_counts_today(client, shop):
    today = await today_of(client, shop)
    pid = int((await create_product(client, shop, product_name="Poha 1kg"))["product_id"])
    for days in (7, 6):
        await sell(
            client,
            shop,
            [{"product_id": pid, "quantity": 1}],
            customer_name=f"Customer {days}",
            transaction_date=(today - dt.timedelta(days=days)).isoformat(),
        )
    report = await analysis(client, shop, inactive_days=7)
    # Seven days today included are today-6..today: the bill of today-7 is outside.
    assert [(c["name"], c["days_since"]) for c in report["stopped_buying"]] == [("Customer 7", 7)]


async def test_the_default_range_is_this_month_to_today(client, shop):
    report = await analysis(client, shop)
    today = dt.date.fromisoformat(report["date_to"])
    assert report["date_from"] == today.replace(day=1).isoformat()
    assert report["by"] == "product"
    assert report["rows"] == [] and report["top"] == [] and report["stopped_buying"] == []
    assert report["totals"] == {
        "quantity": D("0.000"),
        "revenue": ZERO,
        "profit": ZERO,
        "bills": 0,
        "average_bill": ZERO,
    }
    only_to = await analysis(client, shop, to="2026-02-14")
    assert (only_to["date_from"], only_to["date_to"]) == ("2026-02-01", "2026-02-14")


async def test_another_shops_sales_do_not_show(client, shop, other_shop):
    pid = int((await create_product(client, other_shop, product_name="Sugar 1kg"))["product_id"])
    await sell(client, other_shop, [{"product_id": pid, "quantity": 3}])
    mine = await create_product(client, shop, product_name="Sugar 1kg")

    report = await analysis(client, shop)

    assert report["rows"] == [] and report["totals"]["bills"] == 0
    assert [row["product_id"] for row in report["slowest"]] == [mine["product_id"]]


async def test_staff_may_not_read_it(client, shop):
    staff = await add_staff(client, shop)
    response = await client.get("/api/reports/sales", headers=staff.headers)
    assert response.status_code == 403, response.text


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"from": "2026-11-31"}, "from"),
        ({"to": "2026-11-01T00:00:00"}, "to"),
        ({"by": "vendor"}, "by"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"inactive_days": 6}, "inactive_days"),
        ({"inactive_days": 366}, "inactive_days"),
    ],
)
async def test_bad_queries_are_422_naming_the_parameter(client, shop, params, where):
    response = await client.get("/api/reports/sales", params=params, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert where in response.text
