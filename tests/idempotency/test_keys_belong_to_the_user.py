"""Idempotency keys belong to the user who sent them (issue 12 item 6).

A staff login that replays the owner's `Idempotency-Key` with the owner's body is a request
of its own: it never receives the owner's stored reply (cost and profit included). Keys sent
before a shop exists (registration) share one key space, fingerprinted under the app's secret.
"""

import hashlib
import json
from decimal import Decimal

from tests.bills import exact, scalar
from tests.conftest import create_product, unique_phone
from tests.operations import add_login


async def test_staff_replaying_the_owners_sale_key_records_their_own_sale(client, app, shop):
    staff, _ = await add_login(client, shop)
    product = await create_product(client, shop, price_purchase="40.00", price_sale="50.00")
    payload = {
        "customer_name": "Ramesh",
        "phone_no": "9812300022",
        "products": [{"product_id": product["product_id"], "quantity": 2}],
        "bill_paid": True,
    }
    key = {"Idempotency-Key": "bill-2026-11-25-0001"}

    owners = await client.post("/api/sales/", json=payload, headers=shop.headers | key)
    staffs = await client.post("/api/sales/", json=payload, headers=staff.headers | key)

    assert (owners.status_code, staffs.status_code) == (201, 201)
    assert exact(owners)["profit"] == Decimal("20.00")
    assert "idempotent-replayed" not in staffs.headers
    assert staffs.json()["profit"] is None
    assert staffs.json()["sale_id"] != owners.json()["sale_id"]
    assert await scalar(app, "SELECT count(*) FROM sales WHERE shop_id = :s", s=shop.shop_id) == 2
    again = await client.post("/api/sales/", json=payload, headers=staff.headers | key)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.text == staffs.text


async def test_staff_replaying_the_owners_product_key_is_their_own_request(client, app, shop):
    staff, _ = await add_login(client, shop)
    payload = {"product_name": "Maggi 70g", "price_purchase": "11.00", "price_sale": "14.00"}
    key = {"Idempotency-Key": "new-product-maggi"}

    owners = await client.post("/api/products/", json=payload, headers=shop.headers | key)
    staffs = await client.post("/api/products/", json=payload, headers=staff.headers | key)

    assert owners.status_code == 201 and exact(owners)["price_purchase"] == Decimal("11.00")
    # The staff request ran for real: the name is taken, and no owner's reply came back.
    assert staffs.status_code == 409 and staffs.json()["code"] == "duplicate"
    assert "idempotent-replayed" not in staffs.headers


async def test_a_retried_registration_opens_one_shop_and_replays_its_reply(client, app):
    body = {
        "shop_name": "Gupta General Store",
        "owner_name": "Gupta",
        "phone_no": unique_phone(),
        "password": "chai-biscuit-1",
    }
    key = {"Idempotency-Key": "register-gupta-1"}

    first = await client.post("/api/auth/register", json=body, headers=key)
    again = await client.post("/api/auth/register", json=body, headers=key)
    other = await client.post(
        "/api/auth/register", json=body | {"phone_no": unique_phone()}, headers=key
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    made, replayed = first.json(), again.json()
    assert (replayed["shop"], replayed["user"]) == (made["shop"], made["user"])
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert await scalar(app, "SELECT count(*) FROM shops WHERE name = 'Gupta General Store'") == 1
    # The stored fingerprint is keyed by the app's secret: not a plain hash of the password.
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    plain = hashlib.sha256(f"POST /api/auth/register\n{canonical}".encode()).hexdigest()
    stored = await scalar(
        app, "SELECT fingerprint FROM idempotency_keys WHERE key = 'register-gupta-1'"
    )
    assert stored is not None and stored != plain


async def test_a_replayed_registration_gets_a_session_of_its_own_and_no_token_is_stored(
    client, app
):
    body = {
        "shop_name": "Verma Provision",
        "owner_name": "Anil",
        "phone_no": unique_phone(),
        "password": "dal-chawal-22",
    }
    key = {"Idempotency-Key": "register-verma-1"}

    first = (await client.post("/api/auth/register", json=body, headers=key)).json()
    again = (await client.post("/api/auth/register", json=body, headers=key)).json()

    assert again["access_token"] != first["access_token"]
    assert again["refresh_token"] != first["refresh_token"]
    for token in (first["access_token"], again["access_token"]):
        me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["user"] == first["user"]
    stored = await scalar(
        app, "SELECT response FROM idempotency_keys WHERE key = 'register-verma-1'"
    )
    for token in (first["access_token"], first["refresh_token"], again["refresh_token"]):
        assert token not in stored
