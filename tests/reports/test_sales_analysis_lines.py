"""The sales analysis by product when one bill sells a product on two lines and part of it
comes back: the bill counts once for the product, and the quantity sold is the lines'
quantity less the return lines' (the report reads the return lines, not the sale line's
cached `returned_quantity`). Checked against the raw rows of sale_lines and
sale_return_lines, summed here in Python.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from tests.bills import exact, sale
from tests.conftest import ShopSession, create_product

D = Decimal


async def report(client, shop: ShopSession, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/reports/sales", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def raw(app, shop_id: int) -> tuple[list[Any], list[Any]]:
    async with app.state.sessionmaker() as session:
        lines = (
            await session.execute(
                text(
                    "SELECT l.sale_id, l.product_id, l.quantity, l.line_total "
                    "FROM sale_lines l JOIN sales s ON s.shop_id = l.shop_id AND s.id = l.sale_id "
                    "WHERE l.shop_id = :s AND s.status <> 'void'"
                ),
                {"s": shop_id},
            )
        ).all()
        returned = (
            await session.execute(
                text(
                    "SELECT l.product_id, rl.quantity, rl.amount FROM sale_return_lines rl "
                    "JOIN sale_lines l ON l.shop_id = rl.shop_id AND l.id = rl.sale_line_id "
                    "WHERE rl.shop_id = :s"
                ),
                {"s": shop_id},
            )
        ).all()
    return list(lines), list(returned)


async def test_a_product_on_two_lines_of_a_bill_counts_the_bill_once(client, shop, app):
    chana = int(
        (
            await create_product(
                client,
                shop,
                product_name="Kabuli Chana",
                unit="kg",
                price_sale="118.00",
                price_purchase="96.40",
                quantity=50,
            )
        )["product_id"]
    )
    ghee = int(
        (
            await create_product(
                client,
                shop,
                product_name="Desi Ghee 1L",
                price_sale="640.00",
                price_purchase="575.00",
                quantity=12,
            )
        )["product_id"]
    )
    # Anjali Sharma's bill: chana twice (the second lot at 10% off) and a ghee.
    twice = await sale(
        client,
        shop,
        [
            {"product_id": chana, "quantity": "0.750"},
            {"product_id": chana, "quantity": "1.250", "discount_percent": "10"},
            {"product_id": ghee, "quantity": 1},
        ],
        customer_name="Anjali Sharma",
    )
    assert twice.status_code == 201, twice.text
    once = await sale(client, shop, [{"product_id": chana, "quantity": "0.375"}])
    assert once.status_code == 201, once.text
    # Half a kilo of Anjali's chana comes back.
    back = await client.post(
        f"/api/sales/{twice.json()['sale_id']}/returns",
        json={"products": [{"product_id": chana, "quantity": "0.500"}]},
        headers=shop.headers,
    )
    assert back.status_code == 201, back.text

    by_product = await report(client, shop)
    by_day = await report(client, shop, by="day")

    lines, returned = await raw(app, shop.shop_id)
    rows = {row["key"]: row for row in by_product["rows"]}
    chana_lines = [line for line in lines if line.product_id == chana]
    chana_back = [r for r in returned if r.product_id == chana]
    assert len(chana_lines) == 3
    assert rows[chana]["bills"] == len({line.sale_id for line in chana_lines}) == 2
    assert rows[ghee]["bills"] == 1
    sold = sum((line.quantity for line in chana_lines), D("0.000"))
    came_back = sum((r.quantity for r in chana_back), D("0.000"))
    assert came_back == D("0.500")
    assert rows[chana]["quantity"] == sold - came_back == D("1.875")
    assert rows[chana]["revenue"] == sum(
        (line.line_total for line in chana_lines), D("0.00")
    ) - sum((r.amount for r in chana_back), D("0.00"))
    # Every line and return line counted once, whichever way the rows are cut.
    all_quantity = sum((line.quantity for line in lines), D("0.000")) - sum(
        (r.quantity for r in returned), D("0.000")
    )
    assert by_product["totals"]["quantity"] == by_day["totals"]["quantity"] == all_quantity
    assert sum((row["quantity"] for row in by_product["rows"]), D("0.000")) == all_quantity
    assert by_day["rows"][0]["key"] == dt.date.fromisoformat(by_day["date_to"]).isoformat()
    assert by_day["totals"]["bills"] == by_product["totals"]["bills"] == 2
