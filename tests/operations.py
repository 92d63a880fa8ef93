"""A valid request for every operation of the OpenAPI schema, for the tests generated from it
(the role table, the Idempotency-Key coverage).

`make_objects()` builds one of each object a shop can have (some twice, where one call uses
it up: a bill to void, a product to delete); `build()` fills an operation's path ids and
gives it a valid body, so a refusal means a rule, not a 422 or a missing object. An
operation without a recipe here fails its test with a message saying what to add.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.jobs.runner import JobRunner
from tests.bill_images import LAYOUTS, render
from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product, unique_phone

Operation = tuple[str, str]
"""(method, path template), as the OpenAPI schema names an operation."""

VENDOR_PHONE = "9876543210"


def operations(client: httpx.AsyncClient) -> list[Operation]:
    spec = client._transport.app.openapi()  # type: ignore[attr-defined]
    return [(method, path) for path, item in spec["paths"].items() for method in item]


def operation_spec(client: httpx.AsyncClient, operation: Operation) -> dict[str, Any]:
    method, path = operation
    spec: dict[str, Any] = client._transport.app.openapi()["paths"][path][method]  # type: ignore[attr-defined]
    return spec


@dataclass
class Caller:
    """Who sends a request: a login's access token and password (for self-service bodies)."""

    token: str | None
    password: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


@dataclass
class Request:
    method: str
    url: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    async def send(
        self, client: httpx.AsyncClient, caller: Caller, **headers: str
    ) -> httpx.Response:
        merged = caller.headers | headers
        return await client.request(self.method.upper(), self.url, headers=merged, **self.kwargs)


PATH_OBJECTS: dict[str, str] = {
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
"""Which object a path parameter names (`udhar_id` and `party_id` depend on the path)."""

USED_UP: dict[Operation, dict[str, str]] = {
    ("post", "/api/sales/{sale_id}/void"): {"sale_id": "sale_to_void"},
    ("post", "/api/purchases/{purchase_id}/void"): {"purchase_id": "purchase_to_void"},
    ("delete", "/api/products/{product_id}"): {"product_id": "product_to_delete"},
    ("post", "/api/expenses/{expense_id}/void"): {"expense_id": "expense_to_void"},
}
"""Operations that use their object up get one of their own, so the others keep theirs."""

NOT_OBJECTS = {"date": "2026-11-25"}

JSON_BODIES: dict[Operation, Any] = {
    ("post", "/api/auth/register"): {
        "shop_name": "{new_name}",
        "owner_name": "Owner",
        "phone_no": "{new_phone}",
        "password": "chai-biscuit-1",
    },
    ("post", "/api/auth/users"): {
        "name": "{new_name}",
        "phone_no": "{new_phone}",
        "password": "counter-pass-1",
    },
    ("patch", "/api/auth/shop"): {"language": "hi"},
    ("patch", "/api/auth/users/{user_id}"): {"active": True},
    ("post", "/api/auth/users/{user_id}/password"): {"new_password": "a-new-counter-pass"},
    ("post", "/api/auth/password"): {
        "current_password": "{password}",
        "new_password": "{password}-2",
    },
    ("post", "/api/products/"): {
        "product_name": "{new_name}",
        "price_purchase": "10.00",
        "price_sale": "12.00",
        "quantity": 5,
    },
    ("put", "/api/products/{product_id}"): {"price_sale": "13.00"},
    ("post", "/api/customers/"): {"customer_name": "{new_name}", "phone_no": "{new_phone}"},
    ("put", "/api/customers/{customer_id}"): {"customer_name": "Renamed"},
    ("post", "/api/vendors/"): {"vendor_name": "{new_name}", "phone_no": "{new_phone}"},
    ("put", "/api/vendors/{vendor_id}"): {"vendor_name": "Renamed"},
    ("post", "/api/sales/"): {
        "customer_name": "Ramesh",
        "phone_no": "{new_phone}",
        "products": [{"product_id": "{product}", "quantity": 1}],
        "bill_paid": True,
    },
    ("post", "/api/sales/{sale_id}/void"): {"reason": "wrong bill"},
    ("post", "/api/sales/{sale_id}/returns"): {
        "products": [{"product_id": "{product}", "quantity": 1}]
    },
    ("put", "/api/purchases/drafts/{draft_id}"): {"vendor_name": "Agarwal Traders"},
    ("post", "/api/purchases/drafts/{draft_id}/confirm"): {},
    ("post", "/api/purchases/"): {
        "vendor_name": "Agarwal Traders",
        "phone_no": VENDOR_PHONE,
        "products": [{"product_id": "{product}", "quantity": 1, "price_purchase": "10.00"}],
    },
    ("post", "/api/purchases/{purchase_id}/void"): {"reason": "wrong bill"},
    ("post", "/api/udhaar/sales/"): {
        "phone_no": "{new_phone}",
        "customer_name": "Notebook",
        "amount": "100.00",
    },
    ("post", "/api/udhaar/purchases/"): {
        "phone_no": "{new_phone}",
        "vendor_name": "Notebook",
        "amount": "100.00",
    },
    ("post", "/api/udhaar/sales/{udhar_id}/payments"): {"amount": "1.00"},
    ("post", "/api/udhaar/purchases/{udhar_id}/payments"): {"amount": "1.00"},
    ("post", "/api/customers/{party_id}/payments"): {"amount": "1.00"},
    ("post", "/api/vendors/{party_id}/payments"): {"amount": "1.00"},
    ("post", "/api/sales/{sale_id}/share"): {"days": 7},
    ("post", "/api/purchases/{purchase_id}/share"): {"days": 7},
    ("post", "/api/customers/{party_id}/statement/share"): {},
    ("post", "/api/vendors/{party_id}/statement/share"): {"days": 365},
    ("post", "/api/ask"): {"question": "aaj kitni bikri hui"},
    ("post", "/api/expenses/"): {"category": "rent", "amount": "500.00", "payment_mode": "bank"},
    ("post", "/api/expenses/{expense_id}/void"): {"reason": "entered twice"},
    ("post", "/api/expenses/categories"): {"name": "{new_name}"},
    ("post", "/api/reports/day-book/cash-count"): {"counted": "1250.50", "note": "Evening"},
}
"""A valid JSON body per writing operation; `"{product}"` is an object's id, `"{new_name}"`
and `"{new_phone}"` are fresh on every request, `"{password}"` is the caller's."""

QUERIES: dict[Operation, str] = {("post", "/api/ai/sql/"): "?prompt=today%27s%20sales"}
"""Operations whose request is a query string."""

NO_BODY = {
    ("post", "/api/ai/sql/"),
    ("post", "/api/udhaar/sales/{udhar_id}/send_sms/"),
    ("post", "/api/udhaar/purchases/{udhar_id}/send_sms/"),
    ("post", "/api/auth/logout"),
    ("post", "/api/exports"),
}
UPLOADS = {("post", "/api/purchases/drafts"), ("post", "/api/extract-products")}
CATALOGUE = b"Item Name,MRP,Qty\nChai Patti 250g,120,5\n"
"""A product catalogue as `POST /api/imports` takes it."""
FILE_UPLOADS = {("post", "/api/imports"): {"file": ("catalogue.csv", CATALOGUE, "text/csv")}}
"""Multipart uploads of a file (not a bill photo)."""


def _filled(body: Any, ids: dict[str, int], caller: Caller) -> Any:
    if isinstance(body, dict):
        return {key: _filled(value, ids, caller) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(item, ids, caller) for item in body]
    if isinstance(body, str) and body.startswith("{") and "}" in body:
        marker, rest = body[1:].split("}", 1)
        if marker == "new_name":
            return f"Made {uuid.uuid4().hex[:8]}"
        if marker == "new_phone":
            return unique_phone()
        if marker == "password":
            return caller.password + rest
        return ids[marker]
    return body


def _object_for(operation: Operation, param: str) -> str:
    method, path = operation
    if param in USED_UP.get(operation, {}):
        return USED_UP[operation][param]
    if param == "udhar_id":
        return "sale_udhaar" if path.startswith("/api/udhaar/sales") else "purchase_udhaar"
    if param == "party_id":
        return "customer" if path.startswith("/api/customers") else "vendor"
    if param not in PATH_OBJECTS:
        pytest.fail(
            f"{method.upper()} {path}: say which object '{param}' names in tests/operations.py"
        )
    return PATH_OBJECTS[param]


def build(operation: Operation, ids: dict[str, int], caller: Caller) -> Request:
    """A valid request for `operation` on the shop whose objects are `ids` (operations that
    take no bearer token, such as login, are not built here)."""
    method, path = operation
    url = path
    for param in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        value = NOT_OBJECTS.get(param) or str(ids[_object_for(operation, param)])
        url = url.replace(f"{{{param}}}", value)
    request = Request(method, url + QUERIES.get(operation, ""))
    if method in ("get", "delete") or operation in NO_BODY:
        return request
    if operation in FILE_UPLOADS:
        request.kwargs["files"] = FILE_UPLOADS[operation]
    elif operation in UPLOADS:
        request.kwargs["files"] = {"image": ("bill.png", render(LAYOUTS[0]), "image/png")}
        if operation == ("post", "/api/purchases/drafts"):
            request.kwargs["data"] = {"vendor_phone": VENDOR_PHONE}
    elif operation in JSON_BODIES:
        request.kwargs["json"] = _filled(JSON_BODIES[operation], ids, caller)
    else:
        pytest.fail(f"{method.upper()} {path}: add a valid body to tests/operations.py")
    return request


async def add_login(
    client: httpx.AsyncClient, shop: ShopSession, password: str = "counter-two-pass"
) -> tuple[ShopSession, str]:
    """A staff login added by the shop's owner, logged in; and its password."""
    phone = unique_phone()
    added = await client.post(
        "/api/auth/users",
        json={"name": f"Counter {phone[-3:]}", "phone_no": phone, "password": password},
        headers=shop.headers,
    )
    assert added.status_code == 201, added.text
    token = await client.post("/api/auth/token", data={"username": phone, "password": password})
    assert token.status_code == 200, token.text
    session = ShopSession(
        token=token.json()["access_token"],
        shop_id=shop.shop_id,
        user_id=added.json()["user_id"],
        phone=phone,
    )
    return session, password


async def make_objects(client: httpx.AsyncClient, shop: ShopSession) -> dict[str, int]:
    """One of each object the API has ids for, in `shop` (udhaar both ways)."""
    product = await create_product(client, shop, quantity=100)
    to_delete = await create_product(client, shop, quantity=0)
    line = [{"product_id": product["product_id"], "quantity": 5}]
    sold = await sale(client, shop, line, phone_no=unique_phone(), bill_paid=False)
    to_void = await sale(client, shop, line)
    bought_line = [{**line[0], "price_purchase": "10.00"}]
    bought = await purchase(client, shop, bought_line, bill_paid=False)
    purchase_to_void = await purchase(client, shop, bought_line)
    for made in (sold, to_void, bought, purchase_to_void):
        assert made.status_code == 201, made.text
    returned = await client.post(
        f"/api/sales/{sold.json()['sale_id']}/returns",
        json={"products": [{"product_id": product["product_id"], "quantity": 1}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    draft = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"vendor_phone": VENDOR_PHONE},
        headers=shop.headers,
    )
    assert draft.status_code == 201, draft.text
    (sale_udhaar,) = exact(await client.get("/api/udhaar/sales/", headers=shop.headers))
    (purchase_udhaar,) = exact(await client.get("/api/udhaar/purchases/", headers=shop.headers))
    expenses = [
        await client.post(
            "/api/expenses/", json={"category": "wages", "amount": "300.00"}, headers=shop.headers
        )
        for _ in range(2)
    ]
    for made in expenses:
        assert made.status_code == 201, made.text
    user, _ = await add_login(client, shop)
    imported = await client.post(
        "/api/imports", files=FILE_UPLOADS[("post", "/api/imports")], headers=shop.headers
    )
    exported = await client.post("/api/exports", headers=shop.headers)
    for made in (imported, exported):
        assert made.status_code == 202, made.text
    # A worker's round, so the export has its zip to download.
    app = client._transport.app  # type: ignore[attr-defined]
    await JobRunner(app.state.engine, app.state.settings).run_until_idle()
    return {
        "product": product["product_id"],
        "product_to_delete": to_delete["product_id"],
        "sale": sold.json()["sale_id"],
        "sale_to_void": to_void.json()["sale_id"],
        "purchase": bought.json()["purchase_id"],
        "purchase_to_void": purchase_to_void.json()["purchase_id"],
        "customer": sale_udhaar["customer"]["cust_id"],
        "vendor": purchase_udhaar["vendor"]["vend_id"],
        "sale_udhaar": sale_udhaar["udhar_id"],
        "purchase_udhaar": purchase_udhaar["udhar_id"],
        "draft": draft.json()["draft_id"],
        "user": user.user_id,
        "return": returned.json()["return_id"],
        "expense": expenses[0].json()["expense_id"],
        "expense_to_void": expenses[1].json()["expense_id"],
        "import": imported.json()["import_id"],
        "export": exported.json()["export_id"],
    }
