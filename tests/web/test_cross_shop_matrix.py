"""OWASP API1 (broken object-level authorisation): every route of the OpenAPI schema that
takes an object id, called with another shop's token, answers 404 and changes nothing.

The routes come from the schema itself, so a new route with an id is in the matrix as soon
as it exists; if the test does not know how to make its object or a valid body for it, it
fails and says what to add here.
"""

from typing import Any

import pytest

from tests.bill_images import LAYOUTS, render
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product, make_settings, unique_phone


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    """Drafts are read by the fake Gemini: the matrix is about ownership, not OCR speed."""
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


NOT_IDS = {"date", "token"}
"""Path parameters that are not object ids (a date is the same for every shop)."""

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("put", "/api/products/{product_id}"): {"price_sale": "99.00"},
    ("put", "/api/customers/{customer_id}"): {"customer_name": "Renamed"},
    ("put", "/api/vendors/{vendor_id}"): {"vendor_name": "Renamed"},
    ("post", "/api/sales/{sale_id}/void"): {"reason": "cross-shop"},
    ("post", "/api/sales/{sale_id}/returns"): {
        "products": [{"product_id": "{product}", "quantity": 1}]
    },
    ("post", "/api/purchases/{purchase_id}/void"): {"reason": "cross-shop"},
    ("post", "/api/udhaar/sales/{udhar_id}/payments"): {"amount": 1},
    ("post", "/api/udhaar/purchases/{udhar_id}/payments"): {"amount": 1},
    ("post", "/api/customers/{party_id}/payments"): {"amount": 1},
    ("post", "/api/vendors/{party_id}/payments"): {"amount": 1},
    ("put", "/api/purchases/drafts/{draft_id}"): {"vendor_name": "Cross-shop"},
    ("post", "/api/purchases/drafts/{draft_id}/confirm"): {},
    ("post", "/api/udhaar/sales/{udhar_id}/send_sms/"): {},
    ("post", "/api/udhaar/purchases/{udhar_id}/send_sms/"): {},
    ("patch", "/api/auth/users/{user_id}"): {"active": False},
    ("post", "/api/auth/users/{user_id}/password"): {"new_password": "taken-over-1"},
    ("post", "/api/sales/{sale_id}/share"): {},
    ("post", "/api/purchases/{purchase_id}/share"): {},
    ("post", "/api/customers/{party_id}/statement/share"): {},
    ("post", "/api/vendors/{party_id}/statement/share"): {},
    ("post", "/api/expenses/{expense_id}/void"): {"reason": "cross-shop"},
}
"""A valid body per writing route, so a refusal is the 404 of ownership, not a 422."""


def _filled(body: Any, ids: dict[str, int]) -> Any:
    """The body with `"{object}"` placeholders replaced by shop A's ids."""
    if isinstance(body, dict):
        return {key: _filled(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(item, ids) for item in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return ids[body[1:-1]]
    return body


def _object_for(path: str, param: str) -> str:
    """Which of the shop's objects a path parameter names."""
    if param == "udhar_id":
        return "sale_udhaar" if path.startswith("/api/udhaar/sales") else "purchase_udhaar"
    if param == "party_id":
        return "customer" if path.startswith("/api/customers") else "vendor"
    known = {
        "product_id": "product",
        "customer_id": "customer",
        "vendor_id": "vendor",
        "sale_id": "sale",
        "sales_id": "sale",
        "purchase_id": "purchase",
        "draft_id": "draft",
        "user_id": "user",
        "return_id": "return",
        "expense_id": "expense",
        "import_id": "import",
        "export_id": "export",
    }
    if param not in known:
        pytest.fail(f"{path}: add a factory for '{param}' to tests/web/test_cross_shop_matrix.py")
    return known[param]


async def _objects(client, shop: ShopSession) -> dict[str, int]:
    """One of each object the API has ids for, in `shop`, with udhaar both ways."""
    product = await create_product(client, shop, quantity=50)
    sold = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 2}],
        phone_no=unique_phone(),
        bill_paid=False,
    )
    bought = await purchase(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1, "price_purchase": "10.00"}],
        bill_paid=False,
    )
    assert sold.status_code == bought.status_code == 201
    sale_id, purchase_id = sold.json()["sale_id"], bought.json()["purchase_id"]
    returned = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product["product_id"], "quantity": 1}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    draft = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"phone_no": "9876543210"},
        headers=shop.headers,
    )
    assert draft.status_code == 201, draft.text
    (sale_udhaar,) = exact(await client.get("/api/udhaar/sales/", headers=shop.headers))
    (purchase_udhaar,) = exact(await client.get("/api/udhaar/purchases/", headers=shop.headers))
    spent = await client.post(
        "/api/expenses/", json={"category": "rent", "amount": "900.00"}, headers=shop.headers
    )
    assert spent.status_code == 201, spent.text
    imported = await client.post(
        "/api/imports",
        files={"file": ("list.csv", b"Item Name,MRP\nChai,10\n", "text/csv")},
        headers=shop.headers,
    )
    exported = await client.post("/api/exports", headers=shop.headers)
    assert imported.status_code == exported.status_code == 202, imported.text
    return {
        "import": imported.json()["import_id"],
        "export": exported.json()["export_id"],
        "expense": spent.json()["expense_id"],
        "product": product["product_id"],
        "sale": sale_id,
        "purchase": purchase_id,
        "customer": sale_udhaar["customer"]["cust_id"],
        "vendor": purchase_udhaar["vendor"]["vend_id"],
        "sale_udhaar": sale_udhaar["udhar_id"],
        "purchase_udhaar": purchase_udhaar["udhar_id"],
        "draft": draft.json()["draft_id"],
        "user": shop.user_id,
        "return": returned.json()["return_id"],
    }


async def _snapshot(client, shop: ShopSession, ids: dict[str, int]) -> list[Any]:
    """Everything the owner can read about the objects: must not move."""
    paths = [
        f"/api/products/{ids['product']}",
        f"/api/products/{ids['product']}/movements",
        f"/api/sales/{ids['sale']}",
        f"/api/purchases/{ids['purchase']}",
        f"/api/customers/{ids['customer']}",
        f"/api/vendors/{ids['vendor']}",
        f"/api/udhaar/sales/{ids['sale_udhaar']}",
        f"/api/udhaar/purchases/{ids['purchase_udhaar']}",
        f"/api/customers/{ids['customer']}/statement",
        f"/api/vendors/{ids['vendor']}/statement",
        f"/api/purchases/drafts/{ids['draft']}",
        "/api/notifications/outbox",
        "/api/auth/users",
        f"/api/expenses/{ids['expense']}",
        "/api/expenses/",
    ]
    return [exact(await client.get(path, headers=shop.headers)) for path in paths]


def _id_routes(client) -> list[tuple[str, str, list[str]]]:
    spec = client._transport.app.openapi()
    routes = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            params = [
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["name"] not in NOT_IDS
            ]
            if params:
                routes.append((method, path, params))
    return routes


async def test_every_route_with_an_id_hides_other_shops_objects(client, shop, other_shop):
    ids = await _objects(client, shop)
    await _objects(client, other_shop)  # B has objects of its own, with other ids
    before = await _snapshot(client, shop, ids)
    routes = _id_routes(client)
    assert len(routes) >= 20, routes

    for method, template, params in routes:
        path = template
        for param in params:
            path = path.replace(f"{{{param}}}", str(ids[_object_for(template, param)]))
        kwargs: dict[str, Any] = {"headers": other_shop.headers}
        if method in ("post", "put", "patch"):
            if (method, template) not in BODIES:
                pytest.fail(f"{method.upper()} {template}: add a valid body to BODIES")
            kwargs["json"] = _filled(BODIES[(method, template)], ids)
        response = await client.request(method.upper(), path, **kwargs)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()["code"] == "not_found"

    assert await _snapshot(client, shop, ids) == before
