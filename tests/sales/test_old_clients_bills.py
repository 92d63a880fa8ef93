"""Old clients' bills go through (issue 13, item 11).

The seed project's web client sums `quantity x rate` in floating point and sends the bill's
`total_amount` as the float it got; it labels a purchase's phone optional. Both everyday bills
must be recorded, while a total that is really wrong, or a purchase on udhaar without a
phone, is still refused. (Phone lookups with a partial number: `tests/parties/test_parties.py`.)
"""

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from tests.bills import counts, exact, purchase
from tests.conftest import ShopSession, create_product


async def post_raw(client, shop: ShopSession, path: str, body: str) -> Any:
    """POST the JSON text exactly as a browser's `JSON.stringify` wrote it."""
    headers = shop.headers | {"Content-Type": "application/json"}
    return await client.post(path, content=body.encode(), headers=headers)


@pytest.mark.parametrize(
    ("quantity", "rate", "client_total", "total"),
    [
        ("3", "19.90", "59.699999999999996", Decimal("59.70")),  # 3 * 19.90 in a browser
        ("1.25", "37.90", "47.375", Decimal("47.38")),  # 1.25 kg * 37.90, half-up to paise
        ("2", "10.05", "20.1", Decimal("20.10")),
    ],
)
async def test_a_sale_with_the_clients_float_total_is_recorded(
    client, shop, quantity, rate, client_total, total
):
    product = await create_product(client, shop, price_sale=rate, quantity=10)
    body = (
        f'{{"customer_name": "Ramesh", "phone_no": "", "bill_paid": true, '
        f'"products": [{{"product_id": {product["product_id"]}, "quantity": {quantity}, '
        f'"rate": {rate}}}], "total_amount": {client_total}}}'
    )

    response = await post_raw(client, shop, "/api/sales/", body)

    assert response.status_code == 201, response.text
    assert exact(response)["total_amount"] == total


async def test_a_purchase_with_the_clients_float_total_is_recorded(client, shop):
    body = {
        "vendor_name": "Agarwal Traders",
        "phone_no": "9876543210",
        "products": [{"product_name": "Parle-G", "quantity": 3, "price_purchase": "19.90"}],
    }
    text_body = json.dumps(body)[:-1] + ', "total_amount": 59.699999999999996}'

    response = await post_raw(client, shop, "/api/purchases/", text_body)

    assert response.status_code == 201, response.text
    assert exact(response)["total_amount"] == Decimal("59.70")


@pytest.mark.parametrize(
    ("client_total", "problem"),
    [
        ("59.6849", "does not match"),  # 59.68 after rounding: 2 paise off
        ("-59.70", "greater than or equal to 0"),
        ('"59.70 "', "expected a number"),
        ("true", "expected a number"),
        ("1e400", "at most 999999999999.99"),
    ],
)
async def test_a_wrong_total_is_still_a_422_naming_total_amount(
    client, shop, app, client_total, problem
):
    product = await create_product(client, shop, price_sale="19.90", quantity=10)
    before = await counts(app, shop.shop_id)
    body = (
        f'{{"products": [{{"product_id": {product["product_id"]}, "quantity": 3}}], '
        f'"total_amount": {client_total}}}'
    )

    response = await post_raw(client, shop, "/api/sales/", body)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "total_amount"]
    assert problem in response.json()["detail"]
    assert await counts(app, shop.shop_id) == before


async def test_a_cash_purchase_without_a_phone_is_recorded_against_the_walk_in_vendor(
    client, shop, app
):
    product = await create_product(client, shop, quantity=10)
    line = {"product_id": product["product_id"], "quantity": 5, "price_purchase": "8.00"}

    first = await purchase(client, shop, [line], phone_no="", vendor_name=None)
    second = await purchase(client, shop, [line], phone_no=None, vendor_name="Mandi")

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    detail = exact(
        await client.get(f"/api/purchases/{first.json()['purchase_id']}", headers=shop.headers)
    )
    assert detail["vendor"]["vendor_name"] == "Walk-in"
    assert detail["vendor"]["phone_no"] is None
    assert detail["total_amount"] == Decimal("40.00")
    again = exact(
        await client.get(f"/api/purchases/{second.json()['purchase_id']}", headers=shop.headers)
    )
    assert again["vendor_id"] == detail["vendor_id"]  # one walk-in vendor per shop
    vendors = exact(await client.get("/api/vendors/", headers=shop.headers))
    assert [(v["vendor_name"], v["phone_no"], v["balance"]) for v in vendors] == [
        ("Walk-in", None, Decimal("0.00"))
    ]
    statement = exact(
        await client.get(f"/api/vendors/{detail['vendor_id']}/statement", headers=shop.headers)
    )
    assert statement["party"]["phone_no"] is None
    stocked = exact(
        await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    )
    assert stocked["quantity"] == Decimal("20")
    async with app.state.sessionmaker() as session:
        messages = await session.scalar(
            text("SELECT count(*) FROM notifications WHERE shop_id = :s"), {"s": shop.shop_id}
        )
    assert messages == 0  # no phone, no bill sent


@pytest.mark.parametrize(
    "unpaid", [{"bill_paid": False}, {"bill_paid": False, "amount_paid": "10.00"}]
)
async def test_a_purchase_on_udhaar_still_needs_the_vendors_phone(client, shop, app, unpaid):
    product = await create_product(client, shop, quantity=10)
    line = {"product_id": product["product_id"], "quantity": 5, "price_purchase": "8.00"}
    before = await counts(app, shop.shop_id)

    response = await purchase(client, shop, [line], phone_no="", **unpaid)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "phone_no"]
    assert "phone_no" in response.json()["detail"]
    assert await counts(app, shop.shop_id) == before
