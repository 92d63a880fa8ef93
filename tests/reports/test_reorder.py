"""The reorder list: products at or below their reorder level and products that run out soon
at their recent rate of sale, with a suggested quantity and the vendor last bought from.

Bills are dated relative to the shop's today (the report's `as_of`); every expected figure is
computed here from the quantities the test sold and bought, not read back from the server.
"""

import datetime as dt
import math
import random
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests.auth_helpers import add_staff
from tests.bills import exact, purchase, sale, scalar
from tests.conftest import ShopSession, create_product

VENDOR_A = ("Agarwal Traders", "9876500001")
VENDOR_B = ("Bansal Wholesale", "9876500002")
VENDOR_C = ("Chawla Stores", "9876500003")


async def reorder(client, shop: ShopSession, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/reports/reorder", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def sell(client, shop: ShopSession, product_id: int, quantity: int, day: dt.date) -> int:
    response = await sale(
        client,
        shop,
        [{"product_id": product_id, "quantity": quantity, "rate": "50.00"}],
        transaction_date=day.isoformat(),
    )
    assert response.status_code == 201, response.text
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def buy(
    client,
    shop: ShopSession,
    product_id: int,
    quantity: int,
    price: str,
    day: dt.date,
    vendor: tuple[str, str],
) -> int:
    response = await purchase(
        client,
        shop,
        [{"product_id": product_id, "quantity": quantity, "price_purchase": price}],
        vendor_name=vendor[0],
        phone_no=vendor[1],
        transaction_date=day.isoformat(),
    )
    assert response.status_code == 201, response.text
    purchase_id: int = response.json()["purchase_id"]
    return purchase_id


async def void(client, shop: ShopSession, path: str) -> None:
    response = await client.post(path, json={"reason": "Entered twice"}, headers=shop.headers)
    assert response.status_code == 200, response.text


def expected_item(
    product_id: int,
    name: str,
    *,
    quantity: int,
    level: int,
    sold: int,
    days: int,
    window: int,
    vendor: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The item as docs/api.md defines it, computed with exact decimals."""
    rate = Decimal(sold) / window
    days_left = None
    if sold:
        days_left = max(
            Decimal("0.0"),
            (Decimal(quantity) * window / sold).quantize(Decimal("0.1"), rounding=ROUND_DOWN),
        )
    suggested = max(
        0,
        math.ceil(rate * days + level - quantity),
        math.floor(level - quantity) + 1,
    )
    return {
        "product_id": product_id,
        "name": name,
        "unit": "pcs",
        "quantity": quantity,
        "reorder_level": level,
        "sold_in_window": sold,
        "daily_rate": rate.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        "days_left": days_left,
        "reason": "at_or_below_reorder_level" if quantity <= level else "runs_out_soon",
        "suggested_quantity": suggested,
        "last_vendor": vendor,
    }


async def test_the_list_holds_low_and_fast_selling_products_in_order(client, shop):
    today = dt.date.fromisoformat((await reorder(client, shop))["as_of"])

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    # At its level, never sold: listed with no rate and the least that lifts it above.
    atta = await create_product(
        client, shop, product_name="Atta 5kg", quantity=10, reorder_level=10
    )
    # Level 0 counts as low only at 0 or less.
    fennel = await create_product(client, shop, product_name="Fennel", quantity=0)
    # Below its level after sales; bought from A (older) and then B (newer, entered first);
    # a newer purchase from C is voided and does not count.
    besan = await create_product(client, shop, product_name="Besan", quantity=20, reorder_level=10)
    await buy(client, shop, besan["product_id"], 5, "42.00", ago(5), VENDOR_B)
    await buy(client, shop, besan["product_id"], 5, "40.00", ago(10), VENDOR_A)
    voided_purchase = await buy(client, shop, besan["product_id"], 5, "39.00", ago(1), VENDOR_C)
    await void(client, shop, f"/api/purchases/{voided_purchase}/void")
    await sell(client, shop, besan["product_id"], 22, ago(3))
    # Above its level, but selling fast: 30 + 30 in the window, 30 before it, 5 on a voided
    # bill, and 6 of yesterday's bill came back.
    chai = await create_product(client, shop, product_name="Chai", quantity=100, reorder_level=5)
    await sell(client, shop, chai["product_id"], 30, ago(40))
    await sell(client, shop, chai["product_id"], 30, ago(20))
    yesterday = await sell(client, shop, chai["product_id"], 30, ago(1))
    voided_sale = await sell(client, shop, chai["product_id"], 5, ago(2))
    await void(client, shop, f"/api/sales/{voided_sale}/void")
    returned = await client.post(
        f"/api/sales/{yesterday}/returns",
        json={"products": [{"product_id": chai["product_id"], "quantity": 6}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    # Sells, but slowly: 90 left at 1/3 a day is 270 days.
    dal = await create_product(client, shop, product_name="Dal", quantity=100, reorder_level=5)
    await sell(client, shop, dal["product_id"], 10, ago(1))
    # Below its level but archived (it was on a bill, so deleting archives it).
    elaichi = await create_product(
        client, shop, product_name="Elaichi", quantity=10, reorder_level=5
    )
    await sell(client, shop, elaichi["product_id"], 8, ago(1))
    deleted = await client.delete(f"/api/products/{elaichi['product_id']}", headers=shop.headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["archived"] is True

    report = await reorder(client, shop)
    vendor_b = {
        "name": VENDOR_B[0],
        "phone": "+91" + VENDOR_B[1],  # stored in E.164
        "last_purchase_date": ago(5).isoformat(),
        "last_price": Decimal("42.00"),
    }
    besan_vendor = report["items"][3]["last_vendor"]
    assert besan_vendor is not None
    vendor_b["vendor_id"] = besan_vendor["vendor_id"]
    chai_sold = 30 + 30 - 6
    expected = [
        expected_item(
            atta["product_id"], "Atta 5kg", quantity=10, level=10, sold=0, days=14, window=30
        ),
        expected_item(
            fennel["product_id"], "Fennel", quantity=0, level=0, sold=0, days=14, window=30
        ),
        expected_item(
            chai["product_id"],
            "Chai",
            quantity=100 - 90 + 6,
            level=5,
            sold=chai_sold,
            days=14,
            window=30,
        ),
        expected_item(
            besan["product_id"],
            "Besan",
            quantity=20 + 10 - 22,
            level=10,
            sold=22,
            days=14,
            window=30,
            vendor=vendor_b,
        ),
    ]
    assert report == {"as_of": today.isoformat(), "days": 14, "window": 30, "items": expected}
    # The figures this test stands on, spelled out once.
    assert [item["days_left"] for item in report["items"]] == [
        None,
        None,
        Decimal("8.8"),
        Decimal("10.9"),
    ]
    assert [item["suggested_quantity"] for item in report["items"]] == [1, 1, 15, 13]
    assert report["items"][2]["reason"] == "runs_out_soon"

    # A shorter horizon drops the product that only runs out soon; the low ones stay.
    short = await reorder(client, shop, days=5)
    assert [item["name"] for item in short["items"]] == ["Atta 5kg", "Fennel", "Besan"]

    # A longer window takes in the sale 40 days ago.
    longer = await reorder(client, shop, window=60)
    (chai_item,) = [item for item in longer["items"] if item["name"] == "Chai"]
    assert chai_item == expected_item(
        chai["product_id"], "Chai", quantity=16, level=5, sold=chai_sold + 30, days=14, window=60
    )


async def test_money_and_quantities_go_out_as_json_numbers(client, shop):
    product = await create_product(client, shop, product_name="Sugar", quantity=2, reorder_level=5)
    await buy(client, shop, product["product_id"], 1, "38.50", dt.date(2026, 11, 1), VENDOR_A)
    response = await client.get("/api/reports/reorder", headers=shop.headers)
    assert response.status_code == 200, response.text
    assert '"last_price":38.50' in response.text
    assert '"days_left":null' in response.text


async def test_another_shops_products_are_not_listed(client, shop, other_shop):
    ours = await create_product(client, shop, product_name="Atta", quantity=1, reorder_level=5)
    theirs = await create_product(
        client, other_shop, product_name="Atta", quantity=1, reorder_level=5
    )
    # The other shop bought ours' product name from the same vendor phone: not ours to see.
    await buy(client, other_shop, theirs["product_id"], 1, "30.00", dt.date(2026, 11, 1), VENDOR_A)
    listed = await reorder(client, shop)
    assert [item["product_id"] for item in listed["items"]] == [ours["product_id"]]
    assert listed["items"][0]["last_vendor"] is None
    other = await reorder(client, other_shop)
    assert [item["product_id"] for item in other["items"]] == [theirs["product_id"]]


async def test_staff_cannot_read_the_reorder_list(client, shop):
    staff = await add_staff(client, shop)
    response = await client.get("/api/reports/reorder", headers=staff.headers)
    assert response.status_code == 403, response.text


@pytest.mark.parametrize(
    ("name", "value"),
    [("days", "0"), ("days", "91"), ("days", "two"), ("window", "6"), ("window", "181")],
)
async def test_a_parameter_out_of_range_is_a_422_naming_it(client, shop, name, value):
    response = await client.get("/api/reports/reorder", params={name: value}, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", name]


async def test_the_edges_of_the_ranges_are_accepted(client, shop):
    for params in ({"days": 1, "window": 7}, {"days": 90, "window": 180}):
        report = await reorder(client, shop, **params)
        assert (report["days"], report["window"], report["items"]) == (
            params["days"],
            params["window"],
            [],
        )


async def test_sold_counts_the_windows_live_bills_net_of_their_returns_and_nothing_else(
    client, app, shop
):
    """The edges where the stock ledger and the bills differ: a return today of a bill from
    before the window, a bill returned and then voided, a bill voided long after its date,
    a backdated bill on the window's first day and one a day before it, a voided purchase."""
    today = dt.date.fromisoformat((await reorder(client, shop))["as_of"])

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    async def sell_kg(product_id: int, quantity: str, day: dt.date) -> int:
        response = await sale(
            client,
            shop,
            [{"product_id": product_id, "quantity": quantity, "rate": "320.00"}],
            transaction_date=day.isoformat(),
        )
        assert response.status_code == 201, response.text
        sale_id: int = response.json()["sale_id"]
        return sale_id

    async def give_back(sale_id: int, product_id: int, quantity: str) -> None:
        response = await client.post(
            f"/api/sales/{sale_id}/returns",
            json={"products": [{"product_id": product_id, "quantity": quantity}]},
            headers=shop.headers,
        )
        assert response.status_code == 201, response.text

    # Both products sit at or below their level, so both are listed whatever they sold.
    jeera = await create_product(
        client, shop, product_name="Jeera", unit="kg", quantity="50.000", reorder_level=60
    )
    hing = await create_product(
        client, shop, product_name="Hing", unit="kg", quantity="2.500", reorder_level=5
    )
    jid, hid = jeera["product_id"], hing["product_id"]
    bought = await buy(client, shop, jid, 5, "280.00", ago(2), VENDOR_A)
    await void(client, shop, f"/api/purchases/{bought}/void")
    before_window = await sell_kg(jid, "4.250", ago(45))
    await give_back(before_window, jid, "1.250")
    returned_then_voided = await sell_kg(jid, "6.750", ago(10))
    await give_back(returned_then_voided, jid, "0.500")
    await void(client, shop, f"/api/sales/{returned_then_voided}/void")
    partly_returned = await sell_kg(jid, "12.500", ago(3))
    await give_back(partly_returned, jid, "2.250")
    voided_late = await sell_kg(jid, "3.000", ago(35))
    await void(client, shop, f"/api/sales/{voided_late}/void")
    await sell_kg(jid, "0.250", ago(29))  # the window's first day
    await sell_kg(jid, "1.000", ago(30))  # the day before it
    hing_voided = await sell_kg(hid, "0.100", ago(1))
    await void(client, shop, f"/api/sales/{hing_voided}/void")

    # Python arithmetic over what was entered: the live bills dated in the last 30 days,
    # less what came back of them.
    jeera_sold = (Decimal("12.500") - Decimal("2.250")) + Decimal("0.250")
    jeera_left = (
        Decimal("50.000")
        + 5
        - 5
        - Decimal("4.250")
        + Decimal("1.250")
        - Decimal("12.500")
        + Decimal("2.250")
        - Decimal("0.250")
        - Decimal("1.000")
    )
    # The same figure straight from the bills' rows.
    from_rows = await scalar(
        app,
        "SELECT sum(l.quantity - l.returned_quantity) FROM sale_lines l"
        " JOIN sales s ON s.shop_id = l.shop_id AND s.id = l.sale_id"
        " WHERE s.shop_id = :shop AND l.product_id = :product AND s.status <> 'void'"
        " AND s.sale_date BETWEEN :since AND :today",
        shop=shop.shop_id,
        product=jid,
        since=ago(29),
        today=today,
    )
    assert from_rows == jeera_sold == Decimal("10.500")

    report = await reorder(client, shop)
    by_name = {item["name"]: item for item in report["items"]}
    assert sorted(by_name) == ["Hing", "Jeera"]
    jeera_item = by_name["Jeera"]
    assert jeera_item["quantity"] == jeera_left == Decimal("35.500")
    assert jeera_item["sold_in_window"] == jeera_sold
    assert jeera_item["daily_rate"] == (jeera_sold / 30).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )
    assert jeera_item["days_left"] == (jeera_left * 30 / jeera_sold).quantize(
        Decimal("0.1"), rounding=ROUND_DOWN
    )
    assert jeera_item["suggested_quantity"] == max(
        math.ceil(jeera_sold / 30 * 14 + 60 - jeera_left), math.floor(60 - jeera_left) + 1
    )
    assert jeera_item["last_vendor"] is None  # its only purchase was voided
    # Sold only on a voided bill: as if never sold.
    hing_item = by_name["Hing"]
    assert (hing_item["sold_in_window"], hing_item["daily_rate"], hing_item["days_left"]) == (
        0,
        0,
        None,
    )
    assert hing_item["quantity"] == Decimal("2.500")
    # Unsold first, then by days left.
    assert [item["name"] for item in report["items"]] == ["Hing", "Jeera"]


async def test_sold_matches_the_bills_after_random_sales_returns_and_voids(client, app, shop):
    """Bills over the last 40 days, some partly returned, some voided (after a return or
    not), in a fixed pseudo-random mix: each product's `sold_in_window` equals what the test
    kept count of, and the same sum read straight from the bills' rows."""
    today = dt.date.fromisoformat((await reorder(client, shop))["as_of"])
    rng = random.Random(1708)
    names = ["Toor Dal", "Moong Dal", "Poha", "Sooji"]
    ids = [
        (
            await create_product(
                client, shop, product_name=name, unit="kg", quantity=500, reorder_level=1000
            )
        )["product_id"]
        for name in names
    ]
    sizes = [Decimal("0.250"), Decimal("0.750"), Decimal("1.500"), Decimal("3.000")]
    bills: list[tuple[int, dt.date, dict[int, Decimal]]] = []
    for _ in range(18):
        day = today - dt.timedelta(days=rng.randint(0, 40))
        lines = {pid: rng.choice(sizes) for pid in rng.sample(ids, rng.randint(1, 3))}
        response = await sale(
            client,
            shop,
            [{"product_id": p, "quantity": str(q), "rate": "95.00"} for p, q in lines.items()],
            transaction_date=day.isoformat(),
        )
        assert response.status_code == 201, response.text
        bills.append((response.json()["sale_id"], day, lines))
    returned: dict[int, dict[int, Decimal]] = {}
    for sale_id, _, lines in rng.sample(bills, 7):
        pid = rng.choice(list(lines))
        back = lines[pid] / 2 if rng.random() < 0.5 else lines[pid]
        response = await client.post(
            f"/api/sales/{sale_id}/returns",
            json={"products": [{"product_id": pid, "quantity": str(back)}]},
            headers=shop.headers,
        )
        assert response.status_code == 201, response.text
        returned.setdefault(sale_id, {})[pid] = back
    voided = {sale_id for sale_id, _, _ in rng.sample(bills, 5)}
    for sale_id in voided:
        await void(client, shop, f"/api/sales/{sale_id}/void")

    since = today - dt.timedelta(days=29)
    kept: dict[int, Decimal] = dict.fromkeys(ids, Decimal("0.000"))
    for sale_id, day, lines in bills:
        if sale_id in voided or not since <= day <= today:
            continue
        for pid, quantity in lines.items():
            kept[pid] += quantity - returned.get(sale_id, {}).get(pid, Decimal(0))
    report = await reorder(client, shop)
    got = {item["product_id"]: item["sold_in_window"] for item in report["items"]}
    assert got == kept
    for pid in ids:
        from_rows = await scalar(
            app,
            "SELECT coalesce(sum(l.quantity - l.returned_quantity), 0) FROM sale_lines l"
            " JOIN sales s ON s.shop_id = l.shop_id AND s.id = l.sale_id"
            " WHERE s.shop_id = :shop AND l.product_id = :product AND s.status <> 'void'"
            " AND s.sale_date BETWEEN :since AND :today",
            shop=shop.shop_id,
            product=pid,
            since=since,
            today=today,
        )
        assert from_rows == kept[pid]
    # The mix did exercise every correction.
    assert any(since <= day for sale_id, day, _ in bills if sale_id in voided)
    assert any(since <= day for sale_id, day, _ in bills if sale_id in returned)
    assert any(day < since for sale_id, day, _ in bills if sale_id in returned)
