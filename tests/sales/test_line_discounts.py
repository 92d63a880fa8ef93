"""Per-line discounts on a sale: the bill, udhaar, profit, detail, SMS and returns agree.

The shop's story: 3 packets at 19.90 with 10% off is 59.70 less 5.97, a bill of 53.73.
"""

from decimal import Decimal

from tests.bills import bill_total_mismatches, exact, sale, scalar
from tests.conftest import create_product

D = Decimal
PHONE = "9812300077"


async def _biscuits(client, shop) -> int:
    product = await create_product(
        client, shop, price_sale="19.90", price_purchase="15.00", quantity=10
    )
    return int(product["product_id"])


async def test_ten_percent_off_three_at_19_90_is_a_bill_of_53_73(client, shop, app):
    pid = await _biscuits(client, shop)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 3, "discount_percent": 10}])

    assert sold.status_code == 201, sold.text
    created = exact(sold)
    # Profit after discount: 53.73 - 3 x 15.00.
    assert (created["total_amount"], created["profit"]) == (D("53.73"), D("8.73"))
    detail = exact(await client.get(f"/api/sales/{created['sale_id']}", headers=shop.headers))
    (line,) = detail["products"]
    assert (line["rate"], line["discount"], line["sale_price"], line["profit"]) == (
        D("19.90"),
        D("5.97"),
        D("53.73"),
        D("8.73"),
    )
    assert (detail["total_amount"], detail["discount_total"]) == (D("53.73"), D("5.97"))
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_a_discount_amount_lowers_the_udhaar_the_bill_opens(client, shop):
    pid = await _biscuits(client, shop)

    sold = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 2, "rate": "50.00", "discount": "10.00"}],
        bill_paid=False,
        amount_paid="30.00",
        phone_no=PHONE,
    )

    assert sold.status_code == 201, sold.text
    customer = exact(
        await client.get(f"/api/customers/?customer_phone_no={PHONE}", headers=shop.headers)
    )
    assert customer["balance"] == D("60.00")  # 100.00 - 10.00 - 30.00


async def test_the_client_total_is_checked_against_the_discounted_total(client, shop):
    pid = await _biscuits(client, shop)
    line = {"product_id": pid, "quantity": 3, "discount_percent": 10}

    gross = await sale(client, shop, [line], total_amount=59.699999999999996)
    net = await sale(client, shop, [line], total_amount="53.73")

    assert gross.status_code == 422, gross.text
    assert exact(gross)["computed_total"] == D("53.73")
    assert net.status_code == 201, net.text


async def test_the_bill_sms_shows_the_line_discount(client, shop, app):
    pid = await _biscuits(client, shop)

    sold = await sale(
        client, shop, [{"product_id": pid, "quantity": 3, "discount_percent": 10}], phone_no=PHONE
    )

    body = await scalar(
        app,
        "SELECT body FROM notifications WHERE reference = :r",
        r=f"sale:{sold.json()['sale_id']}",
    )
    assert "x3=53.73 (-5.97)" in body


async def test_a_line_without_discount_reads_as_before(client, shop, app):
    pid = await _biscuits(client, shop)

    sold = await sale(client, shop, [{"product_id": pid, "quantity": 3}], phone_no=PHONE)

    sale_id = sold.json()["sale_id"]
    detail = exact(await client.get(f"/api/sales/{sale_id}", headers=shop.headers))
    assert detail["products"][0]["sale_price"] == D("59.70")
    assert (detail["products"][0]["discount"], detail["discount_total"]) == (0, 0)
    body = await scalar(
        app, "SELECT body FROM notifications WHERE reference = :r", r=f"sale:{sale_id}"
    )
    assert "x3=59.70." in body and "(-" not in body


async def test_a_discount_and_a_percent_on_one_line_are_a_422(client, shop):
    pid = await _biscuits(client, shop)

    response = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1, "discount": 1, "discount_percent": 5}],
    )

    assert response.status_code == 422, response.text


async def test_a_discount_above_the_line_amount_is_a_422_naming_the_line(client, shop, app):
    pid = await _biscuits(client, shop)
    before = await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id)

    response = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}, {"product_id": pid, "quantity": 1, "discount": 20}],
    )

    assert response.status_code == 422, response.text
    assert exact(response)["errors"][0]["loc"] == ["body", "products", 1, "discount"]
    after = await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id)
    assert after == before


async def test_a_percent_above_100_or_with_three_places_is_a_422(client, shop):
    pid = await _biscuits(client, shop)

    for percent in (101, "10.125", -1):
        response = await sale(
            client, shop, [{"product_id": pid, "quantity": 1, "discount_percent": percent}]
        )
        assert response.status_code == 422, (percent, response.text)


async def test_returns_refund_at_the_net_rate_and_the_last_unit_takes_the_remainder(client, shop):
    pid = await _biscuits(client, shop)
    # 3 x 10.00 less 1.00 = 29.00: a third is 9.666..., so 9.67, 9.66, 9.67.
    sold = await sale(
        client, shop, [{"product_id": pid, "quantity": 3, "rate": "10.00", "discount": "1.00"}]
    )
    sale_id = sold.json()["sale_id"]

    refunds = []
    for _ in range(3):
        returned = await client.post(
            f"/api/sales/{sale_id}/returns",
            json={"products": [{"product_id": pid, "quantity": 1}]},
            headers=shop.headers,
        )
        assert returned.status_code == 201, returned.text
        refunds.append(exact(returned)["amount"])

    assert refunds == [D("9.67"), D("9.66"), D("9.67")]
    assert sum(refunds) == D("29.00")


async def test_one_of_three_discounted_units_back_refunds_17_91(client, shop):
    pid = await _biscuits(client, shop)
    sold = await sale(client, shop, [{"product_id": pid, "quantity": 3, "discount_percent": 10}])

    returned = await client.post(
        f"/api/sales/{sold.json()['sale_id']}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}]},
        headers=shop.headers,
    )

    assert returned.status_code == 201, returned.text
    assert (exact(returned)["amount"], exact(returned)["refund_amount"]) == (
        D("17.91"),
        D("17.91"),
    )
