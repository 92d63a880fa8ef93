"""The role table: what a staff login (a counter hand) may and may not do.

| action                                                        | owner | staff        |
| ------------------------------------------------------------- | ----- | ------------ |
| sell, take returns, record purchases, add products/parties,   | yes   | yes          |
| record udhaar payments, send reminders, read stock and udhaar |       |              |
| void a bill, delete a product, change shop settings, add staff | yes   | 403          |
| read purchase bills and drafts, profit-loss and reports       | yes   | 403          |
| upload, correct and confirm a purchase draft                  | yes   | yes, costs null |
| change a product's cost (`price_purchase`)                     | yes   | 403          |
| cost and profit fields on products and sales                  | shown | null         |

Every operation's row for owner, staff and a deactivated login is in tests/auth/test_role_table.py.
"""

from decimal import Decimal
from typing import Any

import pytest

from tests.bill_images import LAYOUTS, render
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product, make_settings, unique_phone


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    """Drafts are read by the fake Gemini."""
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


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


async def _bills(client, shop) -> tuple[dict[str, Any], int, int]:
    product = await create_product(client, shop, price_purchase="40.00", price_sale="50.00")
    sold = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 2}])
    bought = await purchase(
        client, shop, [{"product_id": product["product_id"], "quantity": 1, "price_purchase": 41}]
    )
    assert sold.status_code == bought.status_code == 201
    return product, sold.json()["sale_id"], bought.json()["purchase_id"]


async def test_staff_may_not_void_delete_or_manage(client, shop, staff):
    product, sale_id, purchase_id = await _bills(client, shop)
    refused = [
        await client.post(
            f"/api/sales/{sale_id}/void", json={"reason": "x"}, headers=staff.headers
        ),
        await client.post(
            f"/api/purchases/{purchase_id}/void", json={"reason": "x"}, headers=staff.headers
        ),
        await client.delete(f"/api/products/{product['product_id']}", headers=staff.headers),
        await client.patch("/api/auth/shop", json={"language": "hi"}, headers=staff.headers),
        await client.post(
            "/api/auth/users",
            json={"name": "Another", "phone_no": unique_phone(), "password": "another-pass"},
            headers=staff.headers,
        ),
    ]
    for response in refused:
        assert response.status_code == 403, response.request.url
        assert response.json()["code"] == "forbidden"
    detail = exact(await client.get(f"/api/sales/{sale_id}", headers=shop.headers))
    assert detail["status"] == "completed"
    still_there = await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert still_there.status_code == 200


async def test_staff_may_not_read_purchase_costs_or_profit(client, shop, staff):
    _, sale_id, purchase_id = await _bills(client, shop)
    for path in (
        "/api/purchases/",
        f"/api/purchases/{purchase_id}",
        "/api/profit-loss/",
        f"/api/profit-loss/{sale_id}",
        "/api/profit-loss/by-date/2026-11-25",
        "/api/reports/profit-loss",
    ):
        as_staff = await client.get(path, headers=staff.headers)
        assert as_staff.status_code == 403, path
        assert (await client.get(path, headers=shop.headers)).status_code == 200, path


async def test_staff_see_products_and_sales_without_cost_or_profit(client, shop, staff):
    product, sale_id, _ = await _bills(client, shop)

    listed = exact(await client.get("/api/products/", headers=staff.headers))
    one = exact(await client.get(f"/api/products/{product['product_id']}", headers=staff.headers))
    detail = exact(await client.get(f"/api/sales/{sale_id}", headers=staff.headers))

    assert [p["price_purchase"] for p in listed] == [None]
    assert one["price_purchase"] is None and one["price_sale"] == Decimal("50.00")
    assert detail["profit"] is None and detail["total_amount"] == Decimal("100.00")
    assert detail["products"][0]["cost_price"] is None and detail["products"][0]["profit"] is None
    owner_view = exact(await client.get(f"/api/sales/{sale_id}", headers=shop.headers))
    assert owner_view["products"][0]["cost_price"] == Decimal("40.00")
    assert owner_view["profit"] == Decimal("20.00")


async def test_staff_run_the_counter(client, shop, staff):
    made = await client.post(
        "/api/products/",
        json={"product_name": "Maggi 70g", "price_purchase": 11, "price_sale": 14, "quantity": 20},
        headers=staff.headers,
    )
    assert made.status_code == 201 and made.json()["price_purchase"] is None
    sold = await sale(
        client,
        staff,
        [{"product_id": made.json()["product_id"], "quantity": 3}],
        bill_paid=False,
    )
    assert sold.status_code == 201 and sold.json()["profit"] is None
    bought = await purchase(
        client, staff, [{"product_name": "Maggi 70g", "quantity": 10, "price_purchase": 11}]
    )
    assert bought.status_code == 201
    (entry,) = exact(await client.get("/api/udhaar/sales/", headers=staff.headers))
    paid = await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/payments",
        json={"amount": 10},
        headers=staff.headers,
    )
    assert paid.status_code == 201
    reminded = await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/", headers=staff.headers
    )
    assert reminded.status_code == 200


async def test_staff_may_not_change_a_products_cost(client, shop, staff):
    product, _, _ = await _bills(client, shop)
    url = f"/api/products/{product['product_id']}"
    cost_before = exact(await client.get(url, headers=shop.headers))["price_purchase"]

    refused = await client.put(url, json={"price_purchase": "1.00"}, headers=staff.headers)
    mixed = await client.put(
        url, json={"price_sale": "55.00", "price_purchase": "1.00"}, headers=staff.headers
    )

    for response in (refused, mixed):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert response.json()["field"] == "price_purchase"
        assert "price_purchase" in response.json()["detail"]
    after = exact(await client.get(url, headers=shop.headers))
    assert after["price_purchase"] == cost_before != Decimal("1.00")
    assert after["price_sale"] == Decimal("50.00")  # the refused request changed nothing


async def test_staff_may_change_a_products_price_name_and_count(client, shop, staff):
    product, _, _ = await _bills(client, shop)
    url = f"/api/products/{product['product_id']}"
    cost = exact(await client.get(url, headers=shop.headers))["price_purchase"]

    changed = await client.put(
        url,
        json={"product_name": "Tata Salt 1kg", "price_sale": "52.00", "quantity": 5},
        headers=staff.headers,
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["price_purchase"] is None
    owner_view = exact(await client.get(url, headers=shop.headers))
    assert (owner_view["price_sale"], owner_view["quantity"]) == (Decimal("52.00"), 5)
    assert owner_view["price_purchase"] == cost
    owner_change = await client.put(url, json={"price_purchase": "41.00"}, headers=shop.headers)
    assert owner_change.status_code == 200
    assert exact(owner_change)["price_purchase"] == Decimal("41.00")


async def _draft(client, session: ShopSession) -> Any:
    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"vendor_phone": "9876543210"},
        headers=session.headers,
    )
    assert response.status_code == 201, response.text
    return response


async def test_staff_may_not_read_purchase_drafts(client, shop, staff):
    draft_id = (await _draft(client, shop)).json()["draft_id"]
    for path in (
        "/api/purchases/drafts",
        f"/api/purchases/drafts/{draft_id}",
        f"/api/purchases/drafts/{draft_id}/image",
    ):
        as_staff = await client.get(path, headers=staff.headers)
        assert as_staff.status_code == 403, path
        assert as_staff.json()["code"] == "forbidden"
        assert (await client.get(path, headers=shop.headers)).status_code == 200, path


async def test_staff_record_a_purchase_from_a_draft_without_seeing_its_costs(client, shop, staff):
    uploaded = await _draft(client, staff)
    draft = uploaded.json()
    assert draft["lines"] and draft["bill_total"] is None and draft["lines_total"] is None
    for line in draft["lines"]:
        assert (line["price_purchase"], line["line_total"], line["raw_text"]) == (None,) * 3
    url = f"/api/purchases/drafts/{draft['draft_id']}"
    corrected = await client.put(url, json={"vendor_name": "Agarwal"}, headers=staff.headers)
    assert corrected.status_code == 200 and corrected.json()["lines_total"] is None

    confirmed = await client.post(f"{url}/confirm", headers=staff.headers)

    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["total_amount"] is None
    owner_view = exact(await client.get(url, headers=shop.headers))
    assert owner_view["status"] == "confirmed" and owner_view["lines_total"] > 0
    assert all(line["price_purchase"] is not None for line in owner_view["lines"])
