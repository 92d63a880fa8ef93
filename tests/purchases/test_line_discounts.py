"""Per-line discounts on a purchase: the bill, vendor udhaar, detail and the stock's cost."""

from decimal import Decimal

from tests.bills import bill_total_mismatches, exact, purchase

D = Decimal
VENDOR = "9876500011"


async def _product(client, shop, name: str) -> dict:
    listed = exact(await client.get(f"/api/products/?q={name}", headers=shop.headers))
    (product,) = [p for p in listed if p["product_name"] == name]
    return product


async def test_a_discounted_purchase_line_lowers_the_bill_and_the_vendors_udhaar(client, shop, app):
    bought = await purchase(
        client,
        shop,
        [
            {"product_name": "Tata Salt 1kg", "quantity": 20, "price_purchase": "22.50"},
            {
                "product_name": "Fortune Oil 1l",
                "quantity": 5,
                "price_purchase": "140.00",
                "discount_percent": "12.5",
            },
        ],
        phone_no=VENDOR,
        bill_paid=False,
    )

    assert bought.status_code == 201, bought.text
    created = exact(bought)
    # 450.00 + (700.00 - 87.50)
    assert created["total_amount"] == D("1062.50")
    detail = exact(
        await client.get(f"/api/purchases/{created['purchase_id']}", headers=shop.headers)
    )
    assert [(p["line_total"], p["discount"]) for p in detail["products"]] == [
        (D("450.00"), D("0.00")),
        (D("612.50"), D("87.50")),
    ]
    assert detail["discount_total"] == D("87.50")
    vendor = exact(
        await client.get(f"/api/vendors/?vendor_phone_no={VENDOR}", headers=shop.headers)
    )
    assert vendor["balance"] == D("1062.50")
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_the_moving_average_cost_takes_the_net_unit_cost(client, shop):
    await purchase(
        client, shop, [{"product_name": "Basmati 5kg", "quantity": 10, "price_purchase": "500.00"}]
    )
    # Ten more at 500.00 with 1000.00 off the line: 400.00 each, so the average is 450.00.
    again = await purchase(
        client,
        shop,
        [
            {
                "product_name": "Basmati 5kg",
                "quantity": 10,
                "price_purchase": "500.00",
                "discount": "1000.00",
            }
        ],
    )

    assert again.status_code == 201, again.text
    product = await _product(client, shop, "Basmati 5kg")
    assert (product["quantity"], product["price_purchase"]) == (D(20), D("450.00"))


async def test_a_purchase_discount_above_the_line_is_a_422(client, shop):
    response = await purchase(
        client,
        shop,
        [{"product_name": "Sugar 1kg", "quantity": 2, "price_purchase": "40.00", "discount": 81}],
    )

    assert response.status_code == 422, response.text
    assert exact(response)["errors"][0]["loc"] == ["body", "products", 0, "discount"]
