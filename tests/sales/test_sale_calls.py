"""A new sale is priced from a quote and written whole by one database call (issue 20).

Between the two, a product may change or sell out: the write checks what the bill was priced
from and the stock again, under the products' locks. The first tests hold a product's row
lock from another connection so the sale's write waits on it, change the product meanwhile,
and check what the API answers; the last ones change what a worker remembers from earlier
quotes (`app.sales.quotes`).
"""

import asyncio
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text

from tests.bills import exact, sale, scalar
from tests.conftest import (
    _plain,
    create_product,
    make_settings,
    register_shop,
    served,
    unique_phone,
)


async def _waiting_on_a_lock(url: str, timeout_s: float = 10.0) -> None:
    """Return once a `sales_record` call waits on a row lock."""
    watcher = await asyncpg.connect(url)
    try:
        for _ in range(int(timeout_s / 0.02)):
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE '%sales_record%'"
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
    finally:
        await watcher.close()
    raise AssertionError("the sale's write never waited on the product's lock")


async def _while_locked(url: str, product_id: int, change: str, post: Any) -> Any:
    """Lock the product, start the sale, change the product once the sale waits, commit;
    the sale's response."""
    holder = await asyncpg.connect(url)
    try:
        async with holder.transaction():
            await holder.execute("SELECT 1 FROM products WHERE id = $1 FOR UPDATE", product_id)
            posted = asyncio.ensure_future(post())
            await _waiting_on_a_lock(url)
            await holder.execute(f"UPDATE products SET {change} WHERE id = $1", product_id)
        return await asyncio.wait_for(posted, 30)
    finally:
        await holder.close()


async def test_a_price_changed_while_the_bill_is_written_is_priced_again(
    client, shop, database_url
):
    product = await create_product(client, shop, price_sale="12.00", quantity=10)
    pid = product["product_id"]

    response = await _while_locked(
        _plain(database_url),
        pid,
        "price_sale = 15.00, price_purchase = 11.00",
        lambda: sale(client, shop, [{"product_id": pid, "quantity": 2}]),
    )

    assert response.status_code == 201, response.text
    body = exact(response)
    assert body["total_amount"] == Decimal("30.00")  # the new price, not the quoted 12.00
    assert body["profit"] == Decimal("8.00")  # at the cost in force when it was written
    detail = exact(await client.get(f"/api/sales/{body['sale_id']}", headers=shop.headers))
    assert detail["products"][0]["cost_price"] == Decimal("11.00")


async def test_stock_gone_while_the_bill_is_written_is_a_409_naming_the_product(
    client, shop, app, database_url
):
    product = await create_product(client, shop, product_name="Toor Dal 1kg", quantity=5)
    pid = product["product_id"]

    response = await _while_locked(
        _plain(database_url),
        pid,
        "quantity = 2",
        lambda: sale(client, shop, [{"product_id": pid, "quantity": 5}]),
    )

    assert response.status_code == 409, response.text
    body = exact(response)
    assert body["code"] == "insufficient_stock"
    assert (body["product_id"], body["available"], body["requested"]) == (
        pid,
        Decimal("2.000"),
        Decimal("5.000"),
    )
    assert "Toor Dal 1kg" in body["detail"]
    assert await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id) == 0
    assert await scalar(app, "SELECT quantity FROM products WHERE id = :p", p=pid) == 2


async def test_a_retried_sale_replays_after_its_stock_ran_out(client, shop):
    product = await create_product(client, shop, quantity=3)
    body = {
        "customer_name": "Ramesh",
        "phone_no": unique_phone(),
        "bill_paid": True,
        "products": [{"product_id": product["product_id"], "quantity": 3}],
    }
    headers = shop.headers | {"Idempotency-Key": "sale-all-of-it"}
    first = await client.post("/api/sales/", json=body, headers=headers)
    assert first.status_code == 201, first.text

    again = await client.post("/api/sales/", json=body, headers=headers)

    assert again.status_code == 201  # a new sale would be a 409: no stock is left
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"


async def test_a_known_customer_is_not_rewritten_by_each_bill(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    phone = unique_phone()
    lines = [{"product_id": product["product_id"], "quantity": 1}]
    assert (await sale(client, shop, lines, phone_no=phone)).status_code == 201
    version = await scalar(
        app, "SELECT xmin::text FROM customers WHERE shop_id = :s", s=shop.shop_id
    )

    assert (await sale(client, shop, lines, phone_no=phone)).status_code == 201

    assert (
        await scalar(app, "SELECT xmin::text FROM customers WHERE shop_id = :s", s=shop.shop_id)
        == version
    )


async def test_the_bill_sms_names_the_customer_as_stored(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    lines = [{"product_id": product["product_id"], "quantity": 1}]
    nameless, named = unique_phone(), unique_phone()
    assert (await sale(client, shop, lines, phone_no=nameless, customer_name="")).status_code == 201
    assert (
        await sale(client, shop, lines, phone_no=named, customer_name="Sunita")
    ).status_code == 201
    # A known customer keeps the name the shop has for them, whatever a later bill says.
    third = await sale(client, shop, lines, phone_no=named, customer_name="Someone Else")
    assert third.status_code == 201

    bodies = [
        await scalar(
            app,
            "SELECT body FROM notifications WHERE shop_id = :s AND reference = :r",
            s=shop.shop_id,
            r=f"sale:{sale_id}",
        )
        for sale_id in await _sale_ids(app, shop.shop_id)
    ]
    assert [body.split(",")[0] for body in bodies] == [
        "Namaste ji",
        "Namaste Sunita",
        "Namaste Sunita",
    ]
    bill_no = exact(third)["bill_no"]
    assert bill_no in bodies[2]
    assert "\ue000" not in "".join(bodies) and "\ue002" not in "".join(bodies)


async def _sale_ids(app: Any, shop_id: int) -> list[int]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT id FROM sales WHERE shop_id = :s ORDER BY id"), {"s": shop_id}
        )
        return [row[0] for row in rows]


# A worker prices a bill from what it read for earlier bills (app.sales.quotes) and sends it
# in one call; the database checks it was right. These change what the worker remembers.


async def test_a_price_changed_since_the_last_bill_is_the_price_charged(client, shop):
    product = await create_product(client, shop, price_sale="12.00", price_purchase="10.00")
    line = [{"product_id": product["product_id"], "quantity": 2}]
    assert exact(await sale(client, shop, line))["total_amount"] == Decimal("24.00")
    changed = await client.put(
        f"/api/products/{product['product_id']}",
        json={"price_sale": "13.50"},
        headers=shop.headers,
    )
    assert changed.status_code == 200, changed.text

    assert exact(await sale(client, shop, line))["total_amount"] == Decimal("27.00")


async def test_a_shop_setting_changed_since_the_last_bill_applies_to_the_next(client, shop):
    product = await create_product(client, shop, price_sale="10.40")
    line = [{"product_id": product["product_id"], "quantity": 1}]
    first = exact(await sale(client, shop, line))
    assert first["bill_no"].startswith("20") and first["total_amount"] == Decimal("10.40")
    changed = await client.patch(
        "/api/auth/shop",
        json={"invoice_prefix": "KS", "round_to_rupee": True},
        headers=shop.headers,
    )
    assert changed.status_code == 200, changed.text

    second = exact(await sale(client, shop, line))

    assert second["bill_no"].startswith("KS2")
    assert second["total_amount"] == Decimal("10.00")


async def test_an_ended_login_is_refused_even_for_a_bill_priced_from_memory(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    line = [{"product_id": product["product_id"], "quantity": 1}]
    assert (await sale(client, shop, line)).status_code == 201
    assert (await client.post("/api/auth/logout", headers=shop.headers)).status_code == 200

    refused = await sale(client, shop, line)

    assert refused.status_code == 401
    assert await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id) == 1


async def test_a_workers_first_quote_of_a_shop_reads_its_catalogue(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    settings.db.pool_size = 1  # every call on the one connection whose statements are logged
    async with served(settings) as (app, client):
        shop = await register_shop(client)
        stocked = [await create_product(client, shop, quantity=20) for _ in range(4)]
        sent: list[str] = []
        async with app.state.engine.connect() as connection:
            pooled = await connection.get_raw_connection()
            pooled.driver_connection.add_query_logger(lambda logged: sent.append(logged.query))

        def calls(function: str) -> int:
            return sum(function in query for query in sent)

        async def sell(product: dict[str, Any]) -> None:
            line = [{"product_id": product["product_id"], "quantity": 1}]
            assert (await sale(client, shop, line)).status_code == 201

        await sell(stocked[0])
        assert (calls("sales_quote"), calls("sales_record")) == (1, 1)
        for product in stocked[1:]:
            await sell(product)
        # Read with the first quote: each later bill is the one call that writes it.
        assert (calls("sales_quote"), calls("sales_record")) == (1, 4)

        added = await create_product(client, shop, quantity=5)
        await sell(added)  # added since: quoted the first time a bill names it
        assert (calls("sales_quote"), calls("sales_record")) == (2, 5)


async def test_a_product_changed_or_deleted_after_its_catalogue_was_read_is_sold_as_it_is_now(
    client, shop
):
    first, second, third = [await create_product(client, shop, price_sale="20.00") for _ in "abc"]
    assert (
        await sale(client, shop, [{"product_id": first["product_id"], "quantity": 1}])
    ).status_code == 201
    changed = await client.put(
        f"/api/products/{second['product_id']}", json={"price_sale": "25.00"}, headers=shop.headers
    )
    assert changed.status_code == 200, changed.text
    deleted = await client.delete(f"/api/products/{third['product_id']}", headers=shop.headers)
    assert deleted.status_code == 200, deleted.text

    repriced = await sale(client, shop, [{"product_id": second["product_id"], "quantity": 2}])
    gone = await sale(client, shop, [{"product_id": third["product_id"], "quantity": 1}])

    assert exact(repriced)["total_amount"] == Decimal("50.00")
    assert gone.status_code == 422, gone.text
    assert gone.json()["errors"][0]["loc"] == ["body", "products", 0]
