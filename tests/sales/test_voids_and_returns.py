"""Voids and returns reverse a bill with new ledger rows; nothing is deleted."""

from decimal import Decimal

from tests.bills import exact, ledger_mismatches, purchase, sale, scalar
from tests.conftest import create_product


async def customer_balance(client, shop, phone):
    response = await client.get(f"/api/customers/?customer_phone_no={phone}", headers=shop.headers)
    assert response.status_code == 200, response.text
    return exact(response)["balance"]


async def test_voiding_a_credit_sale_restores_stock_and_cancels_the_udhaar(client, shop, app):
    product = await create_product(client, shop, price_sale="25.00", quantity=10)
    pid = product["product_id"]
    sold = await sale(
        client, shop, [{"product_id": pid, "quantity": 4}], bill_paid=False, phone_no="9812300055"
    )
    sale_id = sold.json()["sale_id"]
    assert await customer_balance(client, shop, "9812300055") == Decimal("100.00")

    voided = await client.post(
        f"/api/sales/{sale_id}/void", json={"reason": "Wrong customer"}, headers=shop.headers
    )
    assert voided.status_code == 200, voided.text
    assert voided.json()["status"] == "void"
    assert voided.json()["void_reason"] == "Wrong customer"
    assert exact(await client.get(f"/api/products/{pid}", headers=shop.headers))["quantity"] == 10
    assert await customer_balance(client, shop, "9812300055") == 0
    movements = (await client.get(f"/api/products/{pid}/movements", headers=shop.headers)).json()
    assert [m["reason"] for m in movements] == ["void", "sale", "opening"]
    # the bill and its lines are still there
    assert await scalar(app, "SELECT count(*) FROM sale_lines WHERE sale_id = :s", s=sale_id) == 1
    again = await client.post(
        f"/api/sales/{sale_id}/void", json={"reason": "twice"}, headers=shop.headers
    )
    assert again.status_code == 409
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_a_void_needs_a_reason(client, shop):
    product = await create_product(client, shop)
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
    response = await client.post(
        f"/api/sales/{sold.json()['sale_id']}/void", json={}, headers=shop.headers
    )
    assert response.status_code == 422


async def test_a_partial_return_reduces_udhaar_first_then_refunds(client, shop, app):
    await purchase(
        client, shop, [{"product_name": "Ghee 500ml", "quantity": 10, "price_purchase": "200.00"}]
    )
    pid = (await client.get("/api/products/", headers=shop.headers)).json()[0]["product_id"]
    sold = await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 3, "rate": "250.00"}],
        bill_paid=False,
        amount_paid="600.00",
        phone_no="9812300066",
    )
    sale_id = sold.json()["sale_id"]
    assert await customer_balance(client, shop, "9812300066") == Decimal("150.00")

    returned = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}], "note": "leaking"},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    body = exact(returned)
    assert body["amount"] == Decimal("250.00")
    assert body["udhaar_reduced"] == Decimal("150.00")
    assert body["refund_amount"] == Decimal("100.00")
    assert await customer_balance(client, shop, "9812300066") == 0
    assert exact(await client.get(f"/api/products/{pid}", headers=shop.headers))["quantity"] == 8
    movement = (await client.get(f"/api/products/{pid}/movements", headers=shop.headers)).json()[0]
    assert (movement["reason"], movement["quantity"], movement["sale_id"]) == ("return", 1, sale_id)
    detail = exact(await client.get(f"/api/sales/{sale_id}", headers=shop.headers))
    assert detail["products"][0]["returned_quantity"] == 1

    too_many = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 3}]},
        headers=shop.headers,
    )
    assert too_many.status_code == 422
    assert "2" in too_many.json()["detail"]
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_a_returned_then_voided_sale_puts_back_only_what_is_left(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    pid = product["product_id"]
    sold = await sale(client, shop, [{"product_id": pid, "quantity": 5}])
    sale_id = sold.json()["sale_id"]
    await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 2}]},
        headers=shop.headers,
    )
    await client.post(f"/api/sales/{sale_id}/void", json={"reason": "x"}, headers=shop.headers)
    assert exact(await client.get(f"/api/products/{pid}", headers=shop.headers))["quantity"] == 10
    late = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": pid, "quantity": 1}]},
        headers=shop.headers,
    )
    assert late.status_code == 409


async def test_a_purchase_creates_unknown_products_and_a_vendor_udhaar(client, shop, app):
    response = await purchase(
        client,
        shop,
        [
            {
                "product_name": "Fortune Oil 1l",
                "quantity": 5,
                "price_purchase": "140.00",
                "price_sale": "165.00",
            },
            {"product_name": "Sugar 1kg", "quantity": "2.5", "price_purchase": "42.00"},
        ],
        bill_paid=False,
        amount_paid="200.00",
        payment_mode="upi",
    )
    assert response.status_code == 201, response.text
    body = exact(response)
    assert body["msg"] == "Purchase recorded"
    assert body["total_amount"] == Decimal("805.00")
    products = {
        p["product_name"]: p
        for p in exact(await client.get("/api/products/", headers=shop.headers))
    }
    assert products["Fortune Oil 1l"]["price_sale"] == Decimal("165.00")
    assert products["Sugar 1kg"]["price_sale"] == Decimal("42.00")
    assert products["Sugar 1kg"]["quantity"] == Decimal("2.5")
    vendor = exact(
        await client.get("/api/vendors/?vendor_phone_no=9876543210", headers=shop.headers)
    )
    assert vendor["balance"] == Decimal("605.00")
    detail = exact(await client.get(f"/api/purchases/{body['purchase_id']}", headers=shop.headers))
    assert detail["vendor"]["vendor_name"] == "Agarwal Traders"
    assert [(l["product_name"], l["line_total"]) for l in detail["products"]] == [
        ("Fortune Oil 1l", Decimal("700.00")),
        ("Sugar 1kg", Decimal("105.00")),
    ]
    listed = await client.get("/api/purchases/", headers=shop.headers)
    assert [p["purch_id"] for p in listed.json()] == [body["purchase_id"]]


async def test_a_purchase_updates_the_sale_price_only_when_given(client, shop):
    product = await create_product(
        client, shop, product_name="Soap", price_sale="30.00", quantity=0
    )
    await purchase(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 10, "price_purchase": "20.00"}],
    )
    after = exact(await client.get(f"/api/products/{product['product_id']}", headers=shop.headers))
    assert after["price_sale"] == Decimal("30.00")
    assert after["price_purchase"] == Decimal("20.00")  # old stock was 0: the new price is the cost


async def test_voiding_a_purchase_takes_its_stock_back_out(client, shop, app):
    response = await purchase(
        client,
        shop,
        [{"product_name": "Rice", "quantity": 10, "price_purchase": "50.00"}],
        bill_paid=False,
    )
    purchase_id = response.json()["purchase_id"]
    voided = await client.post(
        f"/api/purchases/{purchase_id}/void",
        json={"reason": "returned to vendor"},
        headers=shop.headers,
    )
    assert voided.status_code == 200, voided.text
    assert voided.json()["status"] == "void"
    products = exact(await client.get("/api/products/", headers=shop.headers))
    assert products[0]["quantity"] == 0
    vendor = exact(
        await client.get("/api/vendors/?vendor_phone_no=9876543210", headers=shop.headers)
    )
    assert vendor["balance"] == 0
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_a_purchase_whose_goods_were_sold_cannot_be_voided(client, shop, app):
    response = await purchase(
        client, shop, [{"product_name": "Dal", "quantity": 5, "price_purchase": "90.00"}]
    )
    pid = (await client.get("/api/products/", headers=shop.headers)).json()[0]["product_id"]
    await sale(client, shop, [{"product_id": pid, "quantity": 3}])
    voided = await client.post(
        f"/api/purchases/{response.json()['purchase_id']}/void",
        json={"reason": "x"},
        headers=shop.headers,
    )
    assert voided.status_code == 409
    assert voided.json()["code"] == "insufficient_stock"


async def test_a_product_on_a_bill_is_archived_not_deleted(client, shop):
    product = await create_product(client, shop)
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
    deleted = await client.delete(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert deleted.status_code == 200
    assert deleted.json()["archived"] is True
    assert (await client.get("/api/products/", headers=shop.headers)).json() == []
    detail = await client.get(f"/api/sales/{sold.json()['sale_id']}", headers=shop.headers)
    assert detail.json()["products"][0]["product_name"] == product["product_name"]
