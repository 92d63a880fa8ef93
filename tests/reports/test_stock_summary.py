"""The stock summary as of a day: each live product's quantity and moving-average cost, valued
at cost and at its sale price, with totals; past days come from the stock ledger by the
movements' business dates (a backdated bill counts from its own date, a void on no day).

The shop's story runs over the last ten days, but the bills are entered today, in an order
that is not their date order. The test keeps its own book of what it did (`Book`): each
product's changes in the order they were entered, with their dates and the moving-average
cost each purchase left, computed here with exact decimals. Expected figures come from that
book, and the quantities are checked a second time by SQL over the bills themselves.
"""

import datetime as dt
import importlib.util
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.auth_helpers import add_staff
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product

PAISE = Decimal("0.01")
MIGRATION = (
    Path(__file__).parents[2] / "migrations/versions/2026_12_04_1700_stock_movement_dates.py"
)


@dataclass
class Event:
    day: dt.date
    change: Decimal
    cost_after: Decimal | None
    """The moving-average cost the movement set (purchases and opening stock), else None."""


@dataclass
class Stocked:
    """One product as the test changed it, in the order the changes were entered."""

    product_id: int
    name: str
    unit: str
    sale_price: Decimal
    cost: Decimal
    created: dt.date
    events: list[Event] = field(default_factory=list)

    @property
    def quantity_now(self) -> Decimal:
        return sum((e.change for e in self.events), Decimal(0))

    def buy(self, day: dt.date, quantity: Decimal, rate: Decimal) -> None:
        """The documented moving average: (old qty x old cost + value) / new qty, to paise;
        the value over the quantity when there was no stock."""
        old = self.quantity_now
        value = quantity * rate
        if old <= 0:
            self.cost = (value / quantity).quantize(PAISE, rounding=ROUND_HALF_UP)
        else:
            self.cost = ((old * self.cost + value) / (old + quantity)).quantize(
                PAISE, rounding=ROUND_HALF_UP
            )
        self.events.append(Event(day, quantity, self.cost))

    def move(self, day: dt.date, change: Decimal) -> None:
        self.events.append(Event(day, change, None))

    def as_of(self, day: dt.date) -> dict[str, Any] | None:
        """The product's row as of `day` (None when it is not listed then)."""
        quantity = sum((e.change for e in self.events if e.day <= day), Decimal(0))
        if quantity == 0 and self.created > day:
            return None
        costs = [e.cost_after for e in self.events if e.day <= day and e.cost_after is not None]
        cost = costs[-1] if costs else self.cost
        return {
            "product_id": self.product_id,
            "name": self.name,
            "unit": self.unit,
            "quantity": quantity,
            "average_cost": cost,
            "value_at_cost": (quantity * cost).quantize(PAISE, rounding=ROUND_HALF_UP),
            "sale_price": self.sale_price,
            "value_at_sale_price": (quantity * self.sale_price).quantize(
                PAISE, rounding=ROUND_HALF_UP
            ),
        }


def expected(products: list[Stocked], day: dt.date) -> dict[str, Any]:
    rows = [row for p in products if (row := p.as_of(day)) is not None]
    rows.sort(key=lambda row: (row["name"].lower(), row["product_id"]))
    return {
        "as_of": day.isoformat(),
        "products": rows,
        "totals": {
            "products": len(rows),
            "value_at_cost": sum((r["value_at_cost"] for r in rows), Decimal("0.00")),
            "value_at_sale_price": sum((r["value_at_sale_price"] for r in rows), Decimal("0.00")),
        },
    }


async def summary(client, shop: ShopSession, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/reports/stock", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def today_of(client, shop: ShopSession) -> dt.date:
    return dt.date.fromisoformat((await summary(client, shop))["as_of"])


async def new_product(
    client, shop: ShopSession, today: dt.date, name: str, unit: str, cost: str, price: str,
    quantity: str = "0",
) -> Stocked:  # fmt: skip
    created = await create_product(
        client,
        shop,
        product_name=name,
        unit=unit,
        price_purchase=cost,
        price_sale=price,
        quantity=quantity,
    )
    product = Stocked(created["product_id"], name, unit, Decimal(price), Decimal(cost), today)
    if Decimal(quantity):
        product.events.append(Event(today, Decimal(quantity), Decimal(cost)))
    return product


async def buy(
    client, shop: ShopSession, product: Stocked, day: dt.date, quantity: str, rate: str
) -> int:
    response = await purchase(
        client,
        shop,
        [{"product_id": product.product_id, "quantity": quantity, "price_purchase": rate}],
        vendor_name="Gupta Wholesale",
        phone_no="9876500011",
        transaction_date=day.isoformat(),
    )
    assert response.status_code == 201, response.text
    product.buy(day, Decimal(quantity), Decimal(rate))
    purchase_id: int = response.json()["purchase_id"]
    return purchase_id


async def sell(client, shop: ShopSession, product: Stocked, day: dt.date, quantity: str) -> int:
    response = await sale(
        client,
        shop,
        [{"product_id": product.product_id, "quantity": quantity, "rate": str(product.sale_price)}],
        transaction_date=day.isoformat(),
    )
    assert response.status_code == 201, response.text
    product.move(day, -Decimal(quantity))
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def void(client, shop: ShopSession, path: str) -> None:
    response = await client.post(path, json={"reason": "Entered twice"}, headers=shop.headers)
    assert response.status_code == 200, response.text


@dataclass
class Story:
    today: dt.date
    atta: Stocked
    dal: Stocked
    butter: Stocked
    parle: Stocked

    @property
    def products(self) -> list[Stocked]:
        return [self.atta, self.dal, self.butter, self.parle]

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)


async def tell_the_story(client, shop: ShopSession) -> Story:
    """Ten days of a kirana's stock, entered today and not in date order."""
    today = await today_of(client, shop)
    story = Story(
        today,
        await new_product(client, shop, today, "Aashirvaad Atta 5kg", "pcs", "220.00", "265.00"),
        await new_product(client, shop, today, "Toor Dal (loose)", "kg", "110.00", "140.00"),
        await new_product(
            client, shop, today, "Amul Butter 500g", "pcs", "48.00", "56.00", quantity="30"
        ),
        await new_product(client, shop, today, "Parle-G 800g", "pack", "8.50", "10.00"),
    )
    atta, dal, butter, parle = story.products
    ago = story.ago

    await buy(client, shop, atta, ago(10), "40", "210.00")
    await sell(client, shop, atta, ago(9), "12")
    await buy(client, shop, atta, ago(5), "20", "231.00")  # (28 x 210 + 4620) / 48 = 218.75
    assert atta.cost == Decimal("218.75")
    with_return = await sell(client, shop, atta, ago(3), "7")
    # A sale voided: counts on no day.
    voided = await sell(client, shop, atta, ago(6), "6")
    await void(client, shop, f"/api/sales/{voided}/void")
    atta.events.pop()
    # A backdated sale, entered after later bills.
    await sell(client, shop, atta, ago(8), "5")
    # Two come back today from the sale of three days ago.
    returned = await client.post(
        f"/api/sales/{with_return}/returns",
        json={"products": [{"product_id": atta.product_id, "quantity": 2}], "note": "Torn bags"},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    atta.move(today, Decimal(2))

    await buy(client, shop, dal, ago(7), "25.500", "112.40")
    await sell(client, shop, dal, ago(4), "3.250")
    # A purchase voided: its goods count on no day; the cost it averaged in stays (app rule).
    voided_purchase = await buy(client, shop, dal, ago(2), "5", "120.00")
    await void(client, shop, f"/api/purchases/{voided_purchase}/void")
    dal.events.append(Event(ago(2), Decimal(-5), None))
    # A backdated purchase, entered last: averaged with the stock on hand today.
    await buy(client, shop, dal, ago(6), "10.000", "118.00")

    # Counted stock: a manual adjustment today, then a sale.
    counted = await client.put(
        f"/api/products/{butter.product_id}", json={"quantity": 27}, headers=shop.headers
    )
    assert counted.status_code == 200, counted.text
    butter.move(today, Decimal(-3))
    await sell(client, shop, butter, today, "4")

    # Negative stock, where the shop allows it.
    allowed = await client.patch(
        "/api/auth/shop", json={"allow_negative_stock": True}, headers=shop.headers
    )
    assert allowed.status_code == 200, allowed.text
    await sell(client, shop, parle, ago(2), "3")
    return story


async def quantities_from_bills(app, shop_id: int, day: dt.date) -> dict[int, Decimal]:
    """Each product's quantity at the end of `day`, from the bills themselves (live sales and
    purchases by their dates, returns by theirs) plus opening stock and adjustments by the day
    they were entered: no use of `movement_date`."""
    sql = """
    SELECT product_id, sum(change) AS quantity FROM (
        SELECT l.product_id, -l.quantity AS change
        FROM sale_lines l JOIN sales s ON s.shop_id = l.shop_id AND s.id = l.sale_id
        WHERE s.shop_id = :shop AND s.status <> 'void' AND s.sale_date <= :day
        UNION ALL
        SELECT l.product_id, l.quantity
        FROM purchase_lines l JOIN purchases p ON p.shop_id = l.shop_id AND p.id = l.purchase_id
        WHERE p.shop_id = :shop AND p.status <> 'void' AND p.purchase_date <= :day
        UNION ALL
        SELECT sl.product_id, rl.quantity
        FROM sale_return_lines rl
        JOIN sale_returns r ON r.shop_id = rl.shop_id AND r.id = rl.return_id
        JOIN sale_lines sl ON sl.shop_id = rl.shop_id AND sl.id = rl.sale_line_id
        JOIN sales s ON s.shop_id = r.shop_id AND s.id = r.sale_id
        WHERE r.shop_id = :shop AND s.status <> 'void' AND r.return_date <= :day
        UNION ALL
        SELECT m.product_id, m.quantity
        FROM stock_movements m JOIN shops sh ON sh.id = m.shop_id
        WHERE m.shop_id = :shop AND m.reason IN ('opening', 'adjustment')
          AND (m.created_at AT TIME ZONE sh.timezone)::date <= :day
    ) moved GROUP BY product_id
    """
    async with app.state.sessionmaker() as session:
        rows = await session.execute(text(sql), {"shop": shop_id, "day": day})
        return {row.product_id: row.quantity for row in rows}


async def test_today_is_the_stock_on_the_shelf_now(client, shop, app):
    story = await tell_the_story(client, shop)
    report = await summary(client, shop)
    assert report == expected(story.products, story.today)
    # Today's quantities are the products' own, which the catalogue shows too.
    listed = exact(await client.get("/api/products/", headers=shop.headers))
    shelf = {p["product_id"]: p["quantity"] for p in listed}
    assert {r["product_id"]: r["quantity"] for r in report["products"]} == shelf
    assert shelf[story.atta.product_id] == 40 - 12 + 20 - 7 - 5 + 2
    assert shelf[story.parle.product_id] == -3
    parle = next(r for r in report["products"] if r["product_id"] == story.parle.product_id)
    assert parle["value_at_cost"] == Decimal("-25.50")


async def test_past_days_follow_the_bills_dates(client, shop, app):
    story = await tell_the_story(client, shop)
    for days in range(12):
        day = story.ago(days)
        report = await summary(client, shop, as_of=day.isoformat())
        assert report == expected(story.products, day), day
        from_bills = await quantities_from_bills(app, shop.shop_id, day)
        listed = {r["product_id"]: r["quantity"] for r in report["products"]}
        assert {pid: q for pid, q in listed.items() if q} == {
            pid: q for pid, q in from_bills.items() if q
        }, day


async def test_the_figures_of_named_days(client, shop):
    """The same story, its key numbers spelled out."""
    story = await tell_the_story(client, shop)
    atta, dal = story.atta.product_id, story.dal.product_id

    def row(report: dict[str, Any], product_id: int) -> dict[str, Any]:
        return next(r for r in report["products"] if r["product_id"] == product_id)

    # Eight days ago: 40 bought at 210, 12 sold, 5 sold on the backdated bill.
    eight = await summary(client, shop, as_of=story.ago(8).isoformat())
    assert [r["product_id"] for r in eight["products"]] == [atta]
    assert (row(eight, atta)["quantity"], row(eight, atta)["average_cost"]) == (23, 210)
    assert row(eight, atta)["value_at_cost"] == Decimal("4830.00")
    # Six days ago: the sale voided later never happened; the dal bought that day (entered
    # last, averaged with today's 22.250 kg at 113.79) is in.
    six = await summary(client, shop, as_of=story.ago(6).isoformat())
    assert row(six, atta)["quantity"] == 23
    assert row(six, dal)["quantity"] == Decimal("35.500")
    assert row(six, dal)["average_cost"] == Decimal("115.10")
    assert row(six, dal)["value_at_cost"] == Decimal("4086.05")  # 35.5 x 115.10
    # Seven days ago: only the first dal purchase.
    seven = await summary(client, shop, as_of=story.ago(7).isoformat())
    assert (row(seven, dal)["quantity"], row(seven, dal)["average_cost"]) == (
        Decimal("25.500"),
        Decimal("112.40"),
    )
    assert seven["totals"] == {
        "products": 2,
        "value_at_cost": Decimal("4830.00") + Decimal("2866.20"),
        "value_at_sale_price": 23 * Decimal("265.00") + Decimal("3570.00"),
    }
    # Eleven days ago nothing had come in yet: every product was created today.
    eleven = await summary(client, shop, as_of=story.ago(11).isoformat())
    assert eleven["products"] == []
    assert eleven["totals"] == {"products": 0, "value_at_cost": 0, "value_at_sale_price": 0}


async def test_a_sale_returned_in_part_then_voided_counts_on_no_day(client, shop, app):
    today = await today_of(client, shop)
    ago = [today - dt.timedelta(days=n) for n in range(6)]
    surf = await new_product(client, shop, today, "Surf Excel 1kg", "pcs", "95.00", "120.00")
    await buy(client, shop, surf, ago[5], "20", "96.50")
    sold = await sell(client, shop, surf, ago[4], "6")
    returned = await client.post(
        f"/api/sales/{sold}/returns",
        json={"products": [{"product_id": surf.product_id, "quantity": 2}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    await void(client, shop, f"/api/sales/{sold}/void")
    surf.events.pop()  # the sale, its return and its void: nothing, on any day
    for day in ago:
        report = await summary(client, shop, as_of=day.isoformat())
        assert report == expected([surf], day), day
        assert report["products"][0]["quantity"] == 20
        from_bills = await quantities_from_bills(app, shop.shop_id, day)
        assert from_bills == {surf.product_id: 20}
    movements = exact(
        await client.get(f"/api/products/{surf.product_id}/movements", headers=shop.headers)
    )
    assert [(m["reason"], m["quantity"], m["movement_date"]) for m in movements] == [
        ("void", -2, today.isoformat()),
        ("void", 6, ago[4].isoformat()),
        ("return", 2, today.isoformat()),
        ("sale", -6, ago[4].isoformat()),
        ("purchase", 20, ago[5].isoformat()),
    ]
    assert {m["cost_after"] for m in movements} == {Decimal("96.50")}


async def test_a_page_of_products_carries_the_totals_of_all(client, shop):
    story = await tell_the_story(client, shop)
    whole = expected(story.products, story.today)
    response = await client.get(
        "/api/reports/stock", params={"limit": 2, "offset": 1}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Total-Count"] == "4"
    page = exact(response)
    assert page["products"] == whole["products"][1:3]
    assert page["totals"] == whole["totals"]
    beyond = await summary(client, shop, offset=10)
    assert (beyond["products"], beyond["totals"]) == ([], whole["totals"])


async def test_archived_products_are_left_out(client, shop):
    today = await today_of(client, shop)
    kept = await new_product(client, shop, today, "Tata Salt 1kg", "pcs", "22.00", "28.00", "50")
    gone = await new_product(client, shop, today, "Old Soap", "pcs", "15.00", "20.00", "4")
    await sell(client, shop, gone, today, "1")  # on a bill, so it is archived, not deleted
    deleted = await client.delete(f"/api/products/{gone.product_id}", headers=shop.headers)
    assert deleted.status_code == 200, deleted.text
    assert await summary(client, shop) == expected([kept], today)


async def test_another_shops_products_never_appear(client, shop, other_shop):
    story = await tell_the_story(client, shop)
    other_today = await today_of(client, other_shop)
    theirs = await new_product(
        client, other_shop, other_today, "Aashirvaad Atta 5kg", "pcs", "200.00", "260.00", "99"
    )
    await buy(client, other_shop, theirs, story.ago(4), "10", "205.00")
    assert await summary(client, shop, as_of=story.ago(4).isoformat()) == expected(
        story.products, story.ago(4)
    )
    assert await summary(client, other_shop, as_of=story.ago(4).isoformat()) == expected(
        [theirs], story.ago(4)
    )
    assert await summary(client, other_shop) == expected([theirs], other_today)


@pytest.mark.parametrize(
    "as_of", ["2026-13-01", "2026-02-30", "yesterday", "2026-12-04T00:00:00", "04-12-2026", ""]
)
async def test_a_malformed_day_is_a_422(client, shop, as_of):
    response = await client.get("/api/reports/stock", params={"as_of": as_of}, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert "as_of" in response.text


async def test_a_day_still_to_come_is_a_422(client, shop):
    tomorrow = await today_of(client, shop) + dt.timedelta(days=1)
    response = await client.get(
        "/api/reports/stock", params={"as_of": tomorrow.isoformat()}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"][0]["loc"] == ["query", "as_of"]
    assert "future" in body["detail"]


async def test_staff_may_not_see_it(client, shop):
    staff = await add_staff(client, shop)
    response = await client.get("/api/reports/stock", headers=staff.headers)
    assert response.status_code == 403


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("stock_movement_dates", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_backfill_dates_movements_as_the_app_does(client, shop, app):
    """Migration 0020's backfill, run over the story's ledger, gives every movement the date
    the app wrote, and every sale movement the cost the app wrote."""
    await tell_the_story(client, shop)
    read = "SELECT id, movement_date, cost_after, reason FROM stock_movements WHERE shop_id = :s"
    migration = _migration()
    async with app.state.sessionmaker() as session:
        written = {r.id: r for r in await session.execute(text(read), {"s": shop.shop_id})}
        await session.execute(
            text("UPDATE stock_movements SET movement_date = DATE '2000-01-01', cost_after = 0")
        )
        await session.execute(text(migration._BACKFILL_DATES))
        await session.execute(text(migration._BACKFILL_COSTS))
        backfilled = {r.id: r for r in await session.execute(text(read), {"s": shop.shop_id})}
        await session.rollback()
    assert len(written) == 17
    assert {i: r.movement_date for i, r in backfilled.items()} == {
        i: r.movement_date for i, r in written.items()
    }
    sales = [i for i, r in written.items() if r.reason == "sale"]
    assert {i: backfilled[i].cost_after for i in sales} == {i: written[i].cost_after for i in sales}
