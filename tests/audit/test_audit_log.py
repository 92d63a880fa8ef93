"""The audit log: every void, return, price or cost change, stock adjustment and settings
change of a shop is one row, written in the change's own transaction, that only its owner reads.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text

from app.audit import service as audit
from app.core.logging import request_id_var
from app.db.session import SHOP_SWITCH
from app.db.sql import Sql
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product, unique_phone


def shop_switch_sql(shop_id: int) -> str:
    """`SHOP_SWITCH` with the shop id written in, for a simple-query batch (no parameters)."""
    return Sql(SHOP_SWITCH).inline(shop_key=str(int(shop_id)))


@pytest.fixture
async def staff(client, shop) -> ShopSession:
    phone, password = unique_phone(), "counter-two-pass"
    added = await client.post(
        "/api/auth/users",
        json={"name": "Counter 2", "phone_no": phone, "password": password},
        headers=shop.headers,
    )
    assert added.status_code == 201, added.text
    token = await client.post("/api/auth/token", data={"username": phone, "password": password})
    assert token.status_code == 200, token.text
    return ShopSession(
        token=token.json()["access_token"],
        shop_id=shop.shop_id,
        user_id=added.json()["user_id"],
        phone=phone,
    )


def traced(who: ShopSession, request_id: str) -> dict[str, str]:
    return who.headers | {"X-Request-ID": request_id}


ACCOUNT_EVENTS = {"user", "session"}
"""Entities of the rows that adding and logging in a staff member write (tested elsewhere)."""


async def audit_rows(client, shop: ShopSession, **query: Any) -> list[dict[str, Any]]:
    """The shop's audit rows about its books (not its accounts), newest first."""
    response = await client.get("/api/audit", params=query, headers=shop.headers)
    assert response.status_code == 200, response.text
    return [row for row in exact(response) if row["entity"] not in ACCOUNT_EVENTS]


def without_time(row: dict[str, Any]) -> dict[str, Any]:
    assert dt.datetime.fromisoformat(row["at"]).tzinfo is not None
    return {key: value for key, value in row.items() if key != "at"}


async def test_a_voided_sale_is_one_row_naming_who_why_and_the_request(client, shop):
    product = await create_product(client, shop)
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
    sale_id = sold.json()["sale_id"]

    voided = await client.post(
        f"/api/sales/{sale_id}/void",
        json={"reason": "typed twice"},
        headers=traced(shop, "void-sale-1"),
    )

    assert voided.status_code == 200, voided.text
    assert [without_time(row) for row in await audit_rows(client, shop)] == [
        {
            "user_id": shop.user_id,
            "action": "sale_voided",
            "entity": "sale",
            "entity_id": sale_id,
            "before": {"status": "completed", "void_reason": None},
            "after": {"status": "void", "void_reason": "typed twice"},
            "request_id": "void-sale-1",
        }
    ]


async def test_voiding_a_void_sale_again_writes_no_second_row(client, shop):
    product = await create_product(client, shop)
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 1}])
    path = f"/api/sales/{sold.json()['sale_id']}/void"
    assert (await client.post(path, json={"reason": "x"}, headers=shop.headers)).status_code == 200

    again = await client.post(path, json={"reason": "again"}, headers=shop.headers)

    assert again.status_code == 409
    assert [row["action"] for row in await audit_rows(client, shop)] == ["sale_voided"]


async def test_a_voided_purchase_is_one_row(client, shop):
    product = await create_product(client, shop)
    bought = await purchase(
        client, shop, [{"product_id": product["product_id"], "quantity": 2, "price_purchase": 9}]
    )
    purchase_id = bought.json()["purchase_id"]

    voided = await client.post(
        f"/api/purchases/{purchase_id}/void",
        json={"reason": "wrong vendor"},
        headers=traced(shop, "void-purchase-1"),
    )
    again = await client.post(
        f"/api/purchases/{purchase_id}/void", json={"reason": "x"}, headers=shop.headers
    )

    assert (voided.status_code, again.status_code) == (200, 409)
    assert [without_time(row) for row in await audit_rows(client, shop)] == [
        {
            "user_id": shop.user_id,
            "action": "purchase_voided",
            "entity": "purchase",
            "entity_id": purchase_id,
            "before": {"status": "completed", "void_reason": None},
            "after": {"status": "void", "void_reason": "wrong vendor"},
            "request_id": "void-purchase-1",
        }
    ]


async def test_a_return_taken_by_staff_is_one_row_with_exact_money(client, shop, staff):
    product = await create_product(client, shop, price_sale="33.35")
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 3}])
    sale_id = sold.json()["sale_id"]

    returned = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product["product_id"], "quantity": 2}]},
        headers=traced(staff, "return-1"),
    )
    too_many = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product["product_id"], "quantity": 5}]},
        headers=staff.headers,
    )

    assert (returned.status_code, too_many.status_code) == (201, 422)
    listed = await client.get(
        "/api/audit", params={"action": "sale_returned"}, headers=shop.headers
    )
    # 2 x 33.35 travels as the JSON number 66.70, from its decimal text
    assert '"amount":66.70' in listed.text
    assert [without_time(row) for row in exact(listed)] == [
        {
            "user_id": staff.user_id,
            "action": "sale_returned",
            "entity": "sale",
            "entity_id": sale_id,
            "before": None,
            "after": {
                "return_id": returned.json()["return_id"],
                "credit_note_no": None,  # a plain bill's return issues no credit note
                "amount": Decimal("66.70"),
                "udhaar_reduced": Decimal("0.00"),
                "refund_amount": Decimal("66.70"),
                "refund_mode": "cash",
                "products": [{"product_id": product["product_id"], "quantity": Decimal("2.000")}],
            },
            "request_id": "return-1",
        }
    ]


async def test_a_price_change_shows_only_the_prices_that_changed(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", price_sale="12.00")
    path = f"/api/products/{product['product_id']}"

    changed = await client.put(
        path,
        json={"price_sale": "12.5", "price_purchase": 10, "reorder_level": 3},
        headers=traced(shop, "price-1"),
    )

    assert changed.status_code == 200, changed.text
    listed = await client.get("/api/audit", headers=shop.headers)
    assert '"before":{"price_sale":12.00},"after":{"price_sale":12.50}' in listed.text
    assert [without_time(row) for row in exact(listed)] == [
        {
            "user_id": shop.user_id,
            "action": "product_price_changed",
            "entity": "product",
            "entity_id": product["product_id"],
            "before": {"price_sale": Decimal("12.00")},
            "after": {"price_sale": Decimal("12.50")},
            "request_id": "price-1",
        }
    ]


async def test_a_gst_rate_change_is_a_tax_change_row_of_its_own(client, shop):
    product = await create_product(client, shop, price_sale="12.00")

    changed = await client.put(
        f"/api/products/{product['product_id']}",
        json={"gst_rate": "18", "hsn_code": "3401", "price_sale": "12.00"},
        headers=shop.headers,
    )

    assert changed.status_code == 200, changed.text
    (row,) = await audit_rows(client, shop)
    assert (row["action"], row["before"], row["after"]) == (
        "product_tax_changed",
        {"hsn_code": None, "gst_rate": Decimal("0.00")},
        {"hsn_code": "3401", "gst_rate": Decimal("18.00")},
    )


async def test_a_cost_change_is_a_price_change_row(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", price_sale="12.00")

    changed = await client.put(
        f"/api/products/{product['product_id']}",
        json={"price_purchase": "9.75", "price_sale": "11.99"},
        headers=shop.headers,
    )

    assert changed.status_code == 200, changed.text
    (row,) = await audit_rows(client, shop)
    assert (row["action"], row["before"], row["after"]) == (
        "product_price_changed",
        {"price_sale": Decimal("12.00"), "price_purchase": Decimal("10.00")},
        {"price_sale": Decimal("11.99"), "price_purchase": Decimal("9.75")},
    )


async def test_edits_that_change_no_price_or_stock_write_no_row(client, shop):
    product = await create_product(client, shop, price_sale="12.00", quantity=10)

    same = await client.put(
        f"/api/products/{product['product_id']}",
        json={"product_name": "Renamed", "price_sale": 12, "quantity": 10},
        headers=shop.headers,
    )

    assert same.status_code == 200, same.text
    assert await audit_rows(client, shop) == []


async def test_a_refused_product_update_writes_no_row_and_changes_nothing(client, shop):
    taken = await create_product(client, shop, product_name="Tata Salt")
    product = await create_product(client, shop, price_sale="12.00", quantity=10)

    refused = await client.put(
        f"/api/products/{product['product_id']}",
        json={"product_name": "tata  salt", "price_sale": "15.00", "quantity": 4},
        headers=shop.headers,
    )
    invalid = await client.put(
        f"/api/products/{product['product_id']}",
        json={"price_sale": "-1", "quantity": 4},
        headers=shop.headers,
    )

    assert taken["product_id"] != product["product_id"]
    assert (refused.status_code, invalid.status_code) == (409, 422)
    assert await audit_rows(client, shop) == []
    now = exact(await client.get(f"/api/products/{product['product_id']}", headers=shop.headers))
    assert (now["price_sale"], now["quantity"]) == (Decimal("12.00"), Decimal("10.000"))


async def test_a_counted_stock_is_one_adjustment_row(client, shop, staff):
    product = await create_product(client, shop, quantity="10.5")

    counted = await client.put(
        f"/api/products/{product['product_id']}",
        json={"quantity": "7.25"},
        headers=traced(staff, "count-1"),
    )

    assert counted.status_code == 200, counted.text
    listed = await client.get(
        "/api/audit", params={"action": "stock_adjusted"}, headers=shop.headers
    )
    assert '"before":{"quantity":10.500},"after":{"quantity":7.250}' in listed.text
    assert [without_time(row) for row in exact(listed)] == [
        {
            "user_id": staff.user_id,
            "action": "stock_adjusted",
            "entity": "product",
            "entity_id": product["product_id"],
            "before": {"quantity": Decimal("10.500")},
            "after": {"quantity": Decimal("7.250")},
            "request_id": "count-1",
        }
    ]


async def test_a_settings_change_shows_only_the_changed_keys(client, shop):
    changed = await client.patch(
        "/api/auth/shop",
        json={"language": "hi", "reminder_hour": 10, "allow_negative_stock": True},
        headers=traced(shop, "settings-1"),
    )
    unchanged = await client.patch("/api/auth/shop", json={"language": "hi"}, headers=shop.headers)
    invalid = await client.patch(
        "/api/auth/shop", json={"reminder_hour": 30, "language": "en"}, headers=shop.headers
    )

    assert (changed.status_code, unchanged.status_code, invalid.status_code) == (200, 200, 422)
    assert [without_time(row) for row in await audit_rows(client, shop)] == [
        {
            "user_id": shop.user_id,
            "action": "shop_settings_changed",
            "entity": "shop",
            "entity_id": shop.shop_id,
            "before": {"language": "en", "allow_negative_stock": False},
            "after": {"language": "hi", "allow_negative_stock": True},
            "request_id": "settings-1",
        }
    ]


async def test_a_change_whose_audit_row_fails_is_rolled_back(app, shop):
    """The other half of "same transaction": no audit row, no change."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
        product = await create_product(http, shop, price_sale="12.00")
        product_id = product["product_id"]
        async with app.state.engine.begin() as connection:
            await connection.execute(
                text(
                    "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$"
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                )
            )

        failed = await http.put(
            f"/api/products/{product_id}",
            json={"price_sale": "15.00", "quantity": 3},
            headers=shop.headers,
        )

        assert failed.status_code == 500
        now = exact(await http.get(f"/api/products/{product_id}", headers=shop.headers))
        assert (now["price_sale"], now["quantity"]) == (Decimal("12.00"), Decimal("10.000"))
        ledger = await http.get(f"/api/products/{product_id}/movements", headers=shop.headers)
        assert [movement["reason"] for movement in exact(ledger)] == ["opening"]


async def test_staff_may_not_read_the_audit_log(client, shop, staff):
    refused = await client.get("/api/audit", headers=staff.headers)

    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert (await client.get("/api/audit")).status_code == 401


async def test_another_shop_sees_none_of_the_rows(app, client, shop, other_shop):
    await client.patch("/api/auth/shop", json={"language": "hi"}, headers=shop.headers)
    product = await create_product(client, shop)
    await client.put(
        f"/api/products/{product['product_id']}", json={"quantity": 1}, headers=shop.headers
    )
    assert len(await audit_rows(client, shop)) == 2

    assert await audit_rows(client, other_shop) == []
    # and the database itself hides them: the app role confined to the other shop sees nothing
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "SELECT set_config('role', 'dukaan_app', true), set_config('app.shop_id', :s, true)"
            ),
            {"s": str(other_shop.shop_id)},
        )
        assert await session.scalar(text("SELECT count(*) FROM audit_log")) == 0


async def test_filters_by_action_user_and_day(client, shop, staff):
    product = await create_product(client, shop, price_sale="12.00")
    path = f"/api/products/{product['product_id']}"
    await client.put(path, json={"quantity": 4}, headers=staff.headers)
    await client.put(path, json={"price_sale": "13.00"}, headers=shop.headers)
    await client.put(path, json={"quantity": 2}, headers=shop.headers)
    today = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)

    def actions(rows: list[dict[str, Any]]) -> list[str]:
        return [row["action"] for row in rows]

    assert actions(await audit_rows(client, shop)) == [
        "stock_adjusted",
        "product_price_changed",
        "stock_adjusted",
    ]
    by_action = await audit_rows(client, shop, action="stock_adjusted")
    assert [row["after"] for row in by_action] == [
        {"quantity": Decimal("2.000")},
        {"quantity": Decimal("4.000")},
    ]
    assert actions(await audit_rows(client, shop, user_id=staff.user_id)) == ["stock_adjusted"]
    assert len(await audit_rows(client, shop, **{"from": str(today), "to": str(today)})) == 3
    assert await audit_rows(client, shop, **{"from": str(tomorrow)}) == []
    assert await audit_rows(client, shop, to=str(yesterday)) == []

    backwards = await client.get(
        "/api/audit", params={"from": str(today), "to": str(yesterday)}, headers=shop.headers
    )
    bad_action = await client.get("/api/audit", params={"action": "Drop;"}, headers=shop.headers)
    bad_day = await client.get("/api/audit", params={"from": "yesterday"}, headers=shop.headers)
    assert [r.status_code for r in (backwards, bad_action, bad_day)] == [422, 422, 422]
    assert "from" in backwards.json()["detail"]


async def test_pages_like_every_other_list(client, shop):
    product = await create_product(client, shop, quantity=0)
    for quantity in (1, 2, 3):
        await client.put(
            f"/api/products/{product['product_id']}",
            json={"quantity": quantity},
            headers=shop.headers,
        )

    query = {"action": "stock_adjusted", "limit": 2}
    first = await client.get("/api/audit", params=query, headers=shop.headers)
    last = await client.get("/api/audit", params=query | {"offset": 2}, headers=shop.headers)

    assert first.headers["X-Total-Count"] == last.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in first.headers["Link"] and "offset=2" in first.headers["Link"]
    assert "Link" not in last.headers
    assert [row["after"]["quantity"] for row in exact(first) + exact(last)] == [
        Decimal("3.000"),
        Decimal("2.000"),
        Decimal("1.000"),
    ]


async def test_the_audit_list_is_documented_with_its_errors(app):
    operation = app.openapi()["paths"]["/api/audit/"]["get"]

    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {
        "from",
        "to",
        "action",
        "user_id",
        "limit",
        "offset",
    }


async def test_a_row_recorded_on_a_driver_connection_reads_back_exactly(app, client, shop):
    """For changes made on the bare driver connection of the hot paths, in its transaction."""
    token = request_id_var.set("driver-1")
    try:
        async with app.state.engine.connect() as pooled:
            connection = (await pooled.get_raw_connection()).driver_connection
            await connection.execute(f"BEGIN; SELECT {shop_switch_sql(shop.shop_id)}")
            await audit.record_on_connection(
                connection,
                shop_id=shop.shop_id,
                user_id=shop.user_id,
                action="login_new_device",
                entity="user",
                entity_id=shop.user_id,
                after={"limit": Decimal("999999999999.99"), "day": dt.date(2026, 12, 3)},
            )
            await connection.execute("COMMIT")
    finally:
        request_id_var.reset(token)

    listed = await client.get(
        "/api/audit", params={"action": "login_new_device"}, headers=shop.headers
    )
    (row,) = exact(listed)
    assert without_time(row) == {
        "user_id": shop.user_id,
        "action": "login_new_device",
        "entity": "user",
        "entity_id": shop.user_id,
        "before": None,
        "after": {"limit": Decimal("999999999999.99"), "day": "2026-12-03"},
        "request_id": "driver-1",
    }
