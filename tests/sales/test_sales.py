"""A shop buys and sells: cost, profit, stock and udhaar agree to the paisa."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.bills import (
    bill_total_mismatches,
    counts,
    exact,
    ledger_mismatches,
    purchase,
    sale,
    scalar,
)
from tests.conftest import create_product


async def test_moving_average_cost_and_profit_agree_everywhere(client, shop, app):
    first = await purchase(
        client, shop, [{"product_name": "Basmati 1kg", "quantity": 3, "price_purchase": "10.10"}]
    )
    assert first.status_code == 201, first.text
    second = await purchase(
        client, shop, [{"product_name": "basmati  1KG", "quantity": 2, "price_purchase": "12.35"}]
    )
    assert second.status_code == 201
    products = exact(await client.get("/api/products/", headers=shop.headers))
    assert len(products) == 1
    product = products[0]
    assert product["price_purchase"] == Decimal("11.00")
    assert product["quantity"] == 5

    sold = await sale(
        client, shop, [{"product_id": product["product_id"], "quantity": 2, "rate": 15}]
    )
    assert sold.status_code == 201, sold.text
    body = exact(sold)
    assert body["msg"] == "Sale recorded"
    assert body["total_amount"] == Decimal("30.00")
    assert body["profit"] == Decimal("8.00")

    detail = exact(await client.get(f"/api/sales/{body['sale_id']}", headers=shop.headers))
    assert detail["bill_no"] == body["bill_no"]
    assert [
        (l["quantity"], l["rate"], l["sale_price"], l["cost_price"], l["profit"])
        for l in detail["products"]
    ] == [(2, 15, Decimal("30.00"), Decimal("11.00"), Decimal("8.00"))]
    assert detail["customer"]["customer_name"] == "Ramesh"
    after = exact(await client.get(f"/api/products/{product['product_id']}", headers=shop.headers))
    assert after["quantity"] == 3
    movements = exact(
        await client.get(f"/api/products/{product['product_id']}/movements", headers=shop.headers)
    )
    assert [(m["reason"], m["quantity"], m["balance_after"]) for m in movements] == [
        ("sale", -2, 3),
        ("purchase", 2, 5),
        ("purchase", 3, 3),
    ]
    assert movements[0]["sale_id"] == body["sale_id"]
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_paise_add_up_exactly(client, shop):
    a = await create_product(client, shop, product_name="A", price_sale="0.10")
    b = await create_product(client, shop, product_name="B", price_sale="0.20")
    sold = await sale(
        client,
        shop,
        [
            {"product_id": a["product_id"], "quantity": 1},
            {"product_id": b["product_id"], "quantity": 1},
        ],
    )
    assert sold.json()["total_amount"] == 0.3
    assert '"total_amount":0.30' in sold.text


async def test_bill_numbers_are_gapless_per_shop_and_financial_year(client, shop, other_shop):
    product = await create_product(client, shop, quantity=100)
    theirs = await create_product(client, other_shop, quantity=100)
    numbers = []
    for day in ["2025-05-01", "2025-05-02", "2026-03-31", "2026-04-01"]:
        response = await sale(
            client,
            shop,
            [{"product_id": product["product_id"], "quantity": 1}],
            transaction_date=day,
        )
        numbers.append(response.json()["bill_no"])
    assert numbers == ["2025-26/000001", "2025-26/000002", "2025-26/000003", "2026-27/000001"]
    failed = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1000}],
        transaction_date="2025-05-03",
    )
    assert failed.status_code == 409
    after_failure = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        transaction_date="2025-05-03",
    )
    assert after_failure.json()["bill_no"] == "2025-26/000004"
    other = await sale(
        client,
        other_shop,
        [{"product_id": theirs["product_id"], "quantity": 1}],
        transaction_date="2025-05-03",
    )
    assert other.json()["bill_no"] == "2025-26/000001"


async def test_existing_client_payload_is_accepted(client, shop):
    await create_product(client, shop, product_name="Parle-G", price_sale="10.00", quantity=50)
    response = await client.post(
        "/api/sales/",
        json={
            "customer_name": "Sita",
            "phone_no": "+91 98123 45678",
            "products": [
                {
                    "product_name": "parle-g",
                    "quantity": 3,
                    "rate": 10,
                    "sale_price": 30,
                    "total_amount": 30,
                }
            ],
            "transaction_date": "2026-11-20",
            "bill_paid": True,
            "total_amount": 30,
        },
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["total_amount"] == 30


async def test_a_walk_in_sale_needs_no_phone_and_sends_nothing(client, shop, app):
    product = await create_product(client, shop)
    response = await client.post(
        "/api/sales/",
        json={
            "products": [{"product_id": product["product_id"], "quantity": 1}],
            "bill_paid": True,
        },
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    detail = (
        await client.get(f"/api/sales/{response.json()['sale_id']}", headers=shop.headers)
    ).json()
    assert detail["customer"] == {"cust_id": None, "customer_name": "Walk-in", "phone_no": None}
    assert (await counts(app, shop.shop_id))["notifications"] == 0


async def test_a_credit_sale_opens_udhaar_and_queues_the_bill_sms(client, shop, app):
    product = await create_product(client, shop, price_sale="50.00", quantity=10)
    response = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 2}],
        bill_paid=False,
        amount_paid="30.00",
        payment_mode="upi",
        payment_due_date="2026-12-31",
        transaction_date="2026-11-25",
        customer_name="Meena",
        phone_no="9812300011",
    )
    assert response.status_code == 201, response.text
    sale_id = response.json()["sale_id"]
    assert await scalar(
        app, "SELECT amount FROM udhaar_entries WHERE sale_id = :s", s=sale_id
    ) == Decimal("70.00")
    assert (
        await scalar(app, "SELECT due_date::text FROM udhaar_entries WHERE sale_id = :s", s=sale_id)
        == "2026-12-31"
    )
    body = await scalar(
        app, "SELECT body FROM notifications WHERE reference = :r", r=f"sale:{sale_id}"
    )
    assert "Meena" in body
    assert response.json()["bill_no"] in body
    assert "100.00" in body and "70.00" in body
    customer = await client.get(
        "/api/customers/?customer_phone_no=9812300011", headers=shop.headers
    )
    if customer.status_code == 200:
        assert exact(customer)["balance"] == Decimal("70.00")


async def test_unpaid_sale_without_phone_is_refused(client, shop, app):
    product = await create_product(client, shop)
    response = await client.post(
        "/api/sales/",
        json={
            "products": [{"product_id": product["product_id"], "quantity": 1}],
            "bill_paid": False,
        },
        headers=shop.headers,
    )
    assert response.status_code == 422
    assert "phone" in response.json()["detail"]


async def test_a_failure_mid_bill_leaves_nothing_behind(client, shop, app):
    a = await create_product(client, shop, product_name="A", quantity=5)
    b = await create_product(client, shop, product_name="B", quantity=5)
    before = await counts(app, shop.shop_id)
    unknown = await sale(
        client,
        shop,
        [
            {"product_id": a["product_id"], "quantity": 1},
            {"product_id": b["product_id"], "quantity": 1},
            {"product_name": "Nonexistent", "quantity": 1},
        ],
        bill_paid=False,
    )
    assert unknown.status_code == 422
    assert "Nonexistent" in unknown.json()["detail"]
    assert unknown.json()["errors"][0]["loc"] == ["body", "products", 2]
    short = await sale(
        client,
        shop,
        [
            {"product_id": a["product_id"], "quantity": 1},
            {"product_id": b["product_id"], "quantity": 1},
            {"product_id": b["product_id"], "quantity": 9},
        ],
        bill_paid=False,
    )
    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_stock"
    assert short.json()["product_name"] == "B"
    assert short.json()["available"] == 5
    assert short.json()["requested"] == 10
    assert await counts(app, shop.shop_id) == before


@pytest.mark.parametrize(
    ("line", "extra", "where"),
    [
        ({"quantity": 0}, {}, "quantity"),
        ({"quantity": -1}, {}, "quantity"),
        ({"quantity": "1.2345"}, {}, "quantity"),
        ({"quantity": 1, "rate": -5}, {}, "rate"),
        ({"quantity": 1, "rate": "1.001"}, {}, "rate"),
        ({"quantity": 1}, {"phone_no": "12345"}, "phone_no"),
        ({"quantity": 1}, {"total_amount": 999}, "total_amount"),
        ({"quantity": 1}, {"transaction_date": "2099-01-01"}, "transaction_date"),
        ({"quantity": 1}, {"amount_paid": 1000}, "amount_paid"),
        ({"quantity": 1}, {"payment_mode": "barter"}, "payment_mode"),
    ],
)
async def test_bad_sale_input_is_4xx_naming_the_field_and_writes_nothing(
    client, shop, app, line, extra, where
):
    product = await create_product(client, shop, price_sale="10.00")
    before = await counts(app, shop.shop_id)
    response = await sale(client, shop, [{"product_id": product["product_id"]} | line], **extra)
    assert response.status_code == 422, response.text
    assert where in response.json()["detail"] or where in str(response.json()["errors"])
    assert await counts(app, shop.shop_id) == before


async def test_a_thousand_and_one_lines_is_too_many(client, shop, app):
    product = await create_product(client, shop)
    response = await sale(
        client, shop, [{"product_id": product["product_id"], "quantity": 1}] * 1001
    )
    assert response.status_code == 422
    assert "products" in response.json()["detail"]


async def test_another_shops_sale_is_404(client, shop, other_shop):
    product = await create_product(client, other_shop)
    theirs = (
        await sale(client, other_shop, [{"product_id": product["product_id"], "quantity": 1}])
    ).json()
    assert (
        await client.get(f"/api/sales/{theirs['sale_id']}", headers=shop.headers)
    ).status_code == 404
    void = await client.post(
        f"/api/sales/{theirs['sale_id']}/void", json={"reason": "x"}, headers=shop.headers
    )
    assert void.status_code == 404
    # and their product cannot be sold by us
    mine = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
    assert mine.status_code == 422


async def test_concurrent_sales_never_oversell(client, shop, app):
    product = await create_product(client, shop, quantity=20)
    responses = await asyncio.gather(
        *(
            sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
            for _ in range(50)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 20
    assert statuses.count(409) == 30
    assert (
        await scalar(app, "SELECT quantity FROM products WHERE id = :p", p=product["product_id"])
        == 0
    )
    assert (
        await scalar(
            app,
            "SELECT count(*) FROM stock_movements WHERE product_id = :p AND reason = 'sale'",
            p=product["product_id"],
        )
        == 20
    )
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_bills_listing_products_in_opposite_orders_do_not_deadlock(client, shop, app):
    a = await create_product(client, shop, product_name="A", quantity=20)
    b = await create_product(client, shop, product_name="B", quantity=20)
    forward = [
        {"product_id": a["product_id"], "quantity": 1},
        {"product_id": b["product_id"], "quantity": 1},
    ]
    responses = await asyncio.gather(
        *(sale(client, shop, forward if i % 2 else forward[::-1]) for i in range(40))
    )
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 20
    assert statuses.count(409) == 20
    assert all("deadlock" not in r.text for r in responses)
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_one_idempotency_key_creates_one_sale(client, shop, other_shop, app):
    product = await create_product(client, shop, quantity=100)
    line = [{"product_id": product["product_id"], "quantity": 1}]
    payload = {"customer_name": "R", "phone_no": "9812300022", "products": line, "bill_paid": True}
    headers = shop.headers | {"Idempotency-Key": "counter-1-bill-77"}
    responses = await asyncio.gather(
        *(client.post("/api/sales/", json=payload, headers=headers) for _ in range(20))
    )
    created = [r for r in responses if r.status_code == 201]
    assert {r.status_code for r in responses} <= {201, 409}
    assert len({r.text for r in created}) == 1
    assert (
        sum(1 for r in created if r.headers.get("idempotent-replayed") == "true")
        == len(created) - 1
    )
    assert await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id) == 1
    replay = await client.post("/api/sales/", json=payload, headers=headers)
    assert replay.status_code == 201
    assert replay.text == created[0].text
    assert replay.headers["idempotent-replayed"] == "true"

    changed = payload | {"products": [{"product_id": product["product_id"], "quantity": 2}]}
    reused = await client.post("/api/sales/", json=changed, headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"

    theirs = await create_product(client, other_shop)
    other = await client.post(
        "/api/sales/",
        json=payload | {"products": [{"product_id": theirs["product_id"], "quantity": 1}]},
        headers=other_shop.headers | {"Idempotency-Key": "counter-1-bill-77"},
    )
    assert other.status_code == 201
    assert "idempotent-replayed" not in other.headers


async def test_a_failed_request_does_not_burn_its_idempotency_key(client, shop):
    product = await create_product(client, shop, quantity=1)
    headers = shop.headers | {"Idempotency-Key": "retry-me"}
    payload = {
        "products": [{"product_id": product["product_id"], "quantity": 1}],
        "bill_paid": True,
    }
    await client.put(
        f"/api/products/{product['product_id']}", json={"quantity": 0}, headers=shop.headers
    )
    assert (await client.post("/api/sales/", json=payload, headers=headers)).status_code == 409
    await client.put(
        f"/api/products/{product['product_id']}", json={"quantity": 1}, headers=shop.headers
    )
    assert (await client.post("/api/sales/", json=payload, headers=headers)).status_code == 201


async def test_sales_list_filters_by_date_and_customer(client, shop):
    product = await create_product(client, shop, quantity=10)
    pid = product["product_id"]
    await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        transaction_date="2026-10-01",
        phone_no="9812300033",
    )
    await sale(client, shop, [{"product_id": pid, "quantity": 1}], transaction_date="2026-11-01")
    october = await client.get("/api/sales/?from=2026-10-01&to=2026-10-31", headers=shop.headers)
    assert len(october.json()) == 1
    assert october.headers["x-total-count"] == "1"
    customer_id = october.json()[0]["customer_id"]
    by_customer = await client.get(f"/api/sales/?customer_id={customer_id}", headers=shop.headers)
    assert [s["transaction_date"] for s in by_customer.json()] == ["2026-10-01"]
    assert by_customer.json()[0]["status"] == "completed"


async def test_a_known_phone_reuses_the_customer(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    pid = product["product_id"]
    await sale(
        client, shop, [{"product_id": pid, "quantity": 1}], phone_no="09812300044", customer_name=""
    )
    await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        phone_no="+91 98123 00044",
        customer_name="Kiran",
    )
    await sale(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        phone_no="9812300044",
        customer_name="Someone Else",
    )
    assert (
        await scalar(app, "SELECT count(*) FROM customers WHERE shop_id = :s", s=shop.shop_id) == 1
    )
    assert (
        await scalar(app, "SELECT name FROM customers WHERE shop_id = :s", s=shop.shop_id)
        == "Kiran"
    )
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_a_shop_that_allows_negative_stock_can_sell_beyond_it(client, shop, app):
    product = await create_product(client, shop, quantity=1)
    setting = await client.patch(
        "/api/auth/shop", json={"allow_negative_stock": True}, headers=shop.headers
    )
    assert setting.status_code == 200, setting.text
    assert setting.json()["allow_negative_stock"] is True
    response = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 3}])
    assert response.status_code == 201, response.text
    after = await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert after.json()["quantity"] == -2
    assert await ledger_mismatches(app, shop.shop_id) == []


async def test_an_expired_idempotency_key_records_a_new_sale(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    line = {"product_id": product["product_id"], "quantity": 1}
    headers = shop.headers | {"Idempotency-Key": "day-old"}
    payload = {"products": [line], "bill_paid": True}
    first = await client.post("/api/sales/", json=payload, headers=headers)
    assert first.status_code == 201
    async with app.state.sessionmaker.begin() as session:
        await session.execute(
            text("UPDATE idempotency_keys SET expires_at = now() - interval '1 minute'")
        )

    changed = payload | {"products": [line | {"quantity": 2}]}
    second = await client.post("/api/sales/", json=changed, headers=headers)
    assert second.status_code == 201, second.text
    assert "idempotent-replayed" not in second.headers
    assert second.json()["sale_id"] != first.json()["sale_id"]
    replay = await client.post("/api/sales/", json=changed, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.text == second.text
    assert (
        await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    ).json()["quantity"] == 7


async def test_a_product_on_two_lines_is_short_by_what_both_ask(client, shop, app):
    product = await create_product(client, shop, product_name="Dal", quantity=5)
    before = await counts(app, shop.shop_id)
    lines = [
        {"product_id": product["product_id"], "quantity": 3},
        {"product_name": " dal ", "quantity": 3},
    ]
    short = await sale(client, shop, lines)
    assert short.status_code == 409
    assert short.json() | {"detail": ""} == {
        "detail": "",
        "code": "insufficient_stock",
        "product_id": product["product_id"],
        "product_name": "Dal",
        "available": 5,
        "requested": 6,
    }
    assert await counts(app, shop.shop_id) == before

    sold = await sale(client, shop, [lines[0], lines[1] | {"quantity": 2}])
    assert sold.status_code == 201
    movements = (
        await client.get(f"/api/products/{product['product_id']}/movements", headers=shop.headers)
    ).json()
    assert [(m["quantity"], m["balance_after"]) for m in movements[:2]] == [(-2, 0), (-3, 2)]


async def test_parallel_bills_of_one_shop_get_every_number_once(client, shop, app):
    """Numbered in the commit's round trip: under load, still gapless, in the SMS and reply."""
    product = await create_product(client, shop, quantity=30)
    line = [{"product_id": product["product_id"], "quantity": 1}]

    async def bill(n: int):
        headers = shop.headers | {"Idempotency-Key": f"par-{n}"}
        payload = {"phone_no": f"98123{n:05d}", "products": line, "bill_paid": True}
        return await client.post("/api/sales/", json=payload, headers=headers)

    responses = await asyncio.gather(*(bill(n) for n in range(40)))
    created = [r.json() for r in responses if r.status_code == 201]
    assert sorted(r.status_code for r in responses) == [201] * 30 + [409] * 10
    numbers = sorted(int(body["bill_no"].split("/")[1]) for body in created)
    assert numbers == list(range(1, 31))
    in_sms = await scalar(
        app,
        "SELECT count(*) FROM sales s JOIN notifications n ON n.shop_id = s.shop_id "
        "AND n.reference = 'sale:' || s.id AND strpos(n.body, s.bill_no) > 0 "
        "WHERE s.shop_id = :s",
        s=shop.shop_id,
    )
    assert in_sms == 30
    # Each stored reply replays with its own bill's number (filled in from the bill).
    replays = await asyncio.gather(*(bill(n) for n in range(40)))
    firsts = {n: r for n, r in enumerate(responses) if r.status_code == 201}
    assert {n: r.content for n, r in enumerate(replays) if n in firsts} == {
        n: r.content for n, r in firsts.items()
    }
    assert all(replays[n].headers.get("idempotent-replayed") == "true" for n in firsts)
    assert (
        await scalar(
            app, "SELECT count(*) FROM notifications WHERE body LIKE '%' || U&'\\E000' || '%'"
        )
        == 0
    )
