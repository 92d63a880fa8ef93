"""The role x operation table: what an owner, a staff login and a deactivated login get from
every operation of the API (README "Roles"; issue 12 acceptance).

The operations come from the OpenAPI schema: a new operation without a row here fails the
test, and so does a row for an operation that no longer exists. Each operation is sent as a
valid request (`tests.operations`), first by staff, then by the owner, then by a deactivated
login, so a 403 is the role rule and not a bad body or a missing object.

Outcomes: "ok" is allowed (2xx; a 409 only where the other role's call used the object up:
a draft is confirmed once); "403" is refused for the role; "401" is not authenticated;
"409" is refused for the shop as it is (GSTR-1 of a shop not registered for GST).
"public" operations take no bearer token (login, registration, refresh, health, provider
callbacks) and are not sent here; the test checks that the schema agrees they are public.
"""

from typing import Literal

import pytest

from tests.conftest import make_settings
from tests.operations import Caller, Operation, add_login, build, make_objects, operations

Outcome = Literal["ok", "403", "401", "409"]
Row = tuple[Outcome, Outcome, Outcome] | Literal["public"]

OK: Row = ("ok", "ok", "401")
"""The counter's work: owner and staff alike; a deactivated login is out."""
OWNER: Row = ("ok", "403", "401")
"""The owner's alone: costs, profit, voids, deletes, settings, staff, the audit log."""
PUBLIC: Row = "public"
GST_REGULAR: Row = ("409", "403", "401")
"""The owner's, and only for a regular GST shop: the table's shop is unregistered, so the
owner gets the 409 that says so (tests/reports/test_gstr1.py has the 200s)."""

TABLE: dict[Operation, Row] = {
    ("get", "/api/health"): PUBLIC,
    ("get", "/api/ready"): PUBLIC,
    ("post", "/api/auth/register"): PUBLIC,
    ("post", "/api/auth/token"): PUBLIC,
    ("post", "/api/auth/refresh"): PUBLIC,
    ("post", "/api/webhooks/twilio/status"): PUBLIC,
    # auth: who am I, self-service; managing staff and the shop is the owner's
    ("get", "/api/auth/me"): OK,
    ("post", "/api/auth/password"): OK,
    ("post", "/api/auth/logout"): OK,
    ("post", "/api/auth/users"): OWNER,
    ("get", "/api/auth/users"): OWNER,
    ("patch", "/api/auth/users/{user_id}"): OWNER,
    ("post", "/api/auth/users/{user_id}/password"): OWNER,
    ("patch", "/api/auth/shop"): OWNER,
    ("get", "/api/audit/"): OWNER,
    # products: staff add, edit (not the cost: tests/auth/test_staff_role_rules.py) and
    # count; delete is owner's
    ("get", "/api/products/"): OK,
    ("post", "/api/products/"): OK,
    ("get", "/api/products/{product_id}"): OK,
    ("put", "/api/products/{product_id}"): OK,
    ("delete", "/api/products/{product_id}"): OWNER,
    ("get", "/api/products/{product_id}/movements"): OK,
    # customers and vendors
    ("get", "/api/customers/"): OK,
    ("post", "/api/customers/"): OK,
    ("get", "/api/customers/{customer_id}"): OK,
    ("put", "/api/customers/{customer_id}"): OK,
    ("get", "/api/vendors/"): OK,
    ("post", "/api/vendors/"): OK,
    ("get", "/api/vendors/{vendor_id}"): OK,
    ("put", "/api/vendors/{vendor_id}"): OK,
    # sales: staff sell and take returns; voiding is the owner's
    ("post", "/api/sales/"): OK,
    ("get", "/api/sales/"): OK,
    ("get", "/api/sales/{sale_id}"): OK,
    ("post", "/api/sales/{sale_id}/void"): OWNER,
    ("post", "/api/sales/{sale_id}/returns"): OK,
    # purchases: staff record them (by hand or from a photo) but cannot read them back
    ("post", "/api/purchases/"): OK,
    ("get", "/api/purchases/"): OWNER,
    ("get", "/api/purchases/{purchase_id}"): OWNER,
    ("post", "/api/purchases/{purchase_id}/void"): OWNER,
    ("post", "/api/purchases/drafts"): OK,
    ("get", "/api/purchases/drafts"): OWNER,
    ("get", "/api/purchases/drafts/{draft_id}"): OWNER,
    ("put", "/api/purchases/drafts/{draft_id}"): OK,
    ("get", "/api/purchases/drafts/{draft_id}/image"): OWNER,
    ("post", "/api/purchases/drafts/{draft_id}/confirm"): OK,
    ("post", "/api/extract-products"): OK,
    # profit is the owner's
    ("get", "/api/profit-loss/"): OWNER,
    ("get", "/api/profit-loss/by-date/{date}"): OWNER,
    ("get", "/api/profit-loss/{sales_id}"): OWNER,
    ("get", "/api/reports/profit-loss"): OWNER,
    ("get", "/api/reports/gst-summary"): OWNER,
    ("get", "/api/reports/reorder"): OWNER,
    ("get", "/api/reports/sales"): OWNER,
    ("get", "/api/reports/stock"): OWNER,
    ("get", "/api/reports/gstr1"): GST_REGULAR,
    ("get", "/api/reports/day-book"): OWNER,
    ("post", "/api/reports/day-book/cash-count"): OWNER,
    # udhaar both ways: staff record payments, settle and remind
    ("get", "/api/udhaar/summary"): OK,
    ("get", "/api/udhaar/notifications/"): OK,
    ("get", "/api/notifications/"): OK,
    ("get", "/api/notifications/outbox"): OK,
    ("get", "/api/udhaar/sales/"): OK,
    ("post", "/api/udhaar/sales/"): OK,
    ("get", "/api/udhaar/sales/{udhar_id}"): OK,
    ("delete", "/api/udhaar/sales/{udhar_id}"): OK,
    ("post", "/api/udhaar/sales/{udhar_id}/payments"): OK,
    ("post", "/api/udhaar/sales/{udhar_id}/send_sms/"): OK,
    ("get", "/api/udhaar/purchases/"): OK,
    ("post", "/api/udhaar/purchases/"): OK,
    ("get", "/api/udhaar/purchases/{udhar_id}"): OK,
    ("delete", "/api/udhaar/purchases/{udhar_id}"): OK,
    ("post", "/api/udhaar/purchases/{udhar_id}/payments"): OK,
    ("post", "/api/udhaar/purchases/{udhar_id}/send_sms/"): OK,
    ("post", "/api/customers/{party_id}/payments"): OK,
    ("get", "/api/customers/{party_id}/statement"): OK,
    ("post", "/api/vendors/{party_id}/payments"): OK,
    ("get", "/api/vendors/{party_id}/statement"): OK,
    # documents: the counter prints and shares bills and statements; purchases stay the
    # owner's; only the owner revokes a share link
    ("get", "/api/sales/{sale_id}/invoice"): OK,
    ("get", "/api/sales/{sale_id}/returns/{return_id}/credit-note"): OK,
    ("get", "/api/purchases/{purchase_id}/invoice"): OWNER,
    ("post", "/api/sales/{sale_id}/share"): OK,
    ("delete", "/api/sales/{sale_id}/share"): OWNER,
    ("post", "/api/purchases/{purchase_id}/share"): OWNER,
    ("delete", "/api/purchases/{purchase_id}/share"): OWNER,
    ("post", "/api/customers/{party_id}/statement/share"): OK,
    ("delete", "/api/customers/{party_id}/statement/share"): OWNER,
    ("post", "/api/vendors/{party_id}/statement/share"): OK,
    ("delete", "/api/vendors/{party_id}/statement/share"): OWNER,
    ("get", "/b/{token}"): PUBLIC,
    # expenses: the counter records and reads them; voids and new categories are the owner's
    ("get", "/api/expenses/"): OK,
    ("post", "/api/expenses/"): OK,
    ("get", "/api/expenses/{expense_id}"): OK,
    ("post", "/api/expenses/{expense_id}/void"): OWNER,
    ("get", "/api/expenses/categories"): OK,
    ("post", "/api/expenses/categories"): OWNER,
    # questions: both roles ask (profit is the owner's: tests/ask/test_ask_http.py)
    ("post", "/api/ask"): OK,
    ("post", "/api/ai/sql/"): OK,
    # imports and exports: everything the shop has, in and out, is the owner's
    ("post", "/api/imports"): OWNER,
    ("get", "/api/imports"): OWNER,
    ("get", "/api/imports/{import_id}"): OWNER,
    ("post", "/api/exports"): OWNER,
    ("get", "/api/exports"): OWNER,
    ("get", "/api/exports/{export_id}"): OWNER,
    ("get", "/api/exports/{export_id}/download"): OWNER,
}

LAST: list[Operation] = [
    ("post", "/api/purchases/drafts/{draft_id}/confirm"),
    ("delete", "/api/udhaar/sales/{udhar_id}"),
    ("delete", "/api/udhaar/purchases/{udhar_id}"),
    ("post", "/api/auth/password"),
    ("post", "/api/auth/logout"),
]
"""Sent after the rest, in this order: they use up the draft, the udhaar or the session."""

PASSWORD = "counter-two-pass"
OWNER_PASSWORD = "chai-biscuit-1"  # tests.conftest.register_shop's


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


def _in_order(all_operations: list[Operation]) -> list[Operation]:
    reads = [op for op in all_operations if op[0] == "get"]
    writes = [op for op in all_operations if op[0] != "get" and op not in LAST]
    return reads + writes + [op for op in LAST if op in all_operations]


ONCE = {("post", "/api/purchases/drafts/{draft_id}/confirm")}
"""Operations that succeed once per object: the second role's call is a 409."""


def _seen(operation: Operation, outcome: Outcome, status: int) -> bool:
    if outcome == "ok":
        return 200 <= status < 300 or (status == 409 and operation in ONCE)
    return status == int(outcome)


async def test_every_operation_has_a_row(client):
    missing = [op for op in operations(client) if op not in TABLE]
    assert missing == [], "add these operations to TABLE in tests/auth/test_role_table.py"


async def test_every_row_is_an_operation(client):
    assert [op for op in TABLE if op not in operations(client)] == []


async def test_public_rows_are_the_operations_without_a_bearer_token(client):
    spec = client._transport.app.openapi()
    for (method, path), row in TABLE.items():
        if (method, path) not in operations(client):
            continue
        security = spec["paths"][path][method].get("security")
        assert bool(security) == (row != PUBLIC), (method, path)
        if security:  # either scheme is enough: the same bearer token
            assert security == [{"OAuth2PasswordBearer": []}, {"HTTPBearer": []}], (method, path)
    schemes = spec["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/api/auth/token"
    assert schemes["HTTPBearer"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "",
    }


async def test_owner_and_staff_get_what_the_table_says(client, shop):
    ids = await make_objects(client, shop)
    staff_login, _ = await add_login(client, shop, PASSWORD)
    staff = Caller(staff_login.token, PASSWORD)
    owner = Caller(shop.token, OWNER_PASSWORD)

    wrong = []
    for operation in _in_order(operations(client)):
        row = TABLE.get(operation)
        if row is None or row == PUBLIC:
            continue
        for caller, expected in ((staff, row[1]), (owner, row[0])):
            response = await build(operation, ids, caller).send(client, caller)
            if not _seen(operation, expected, response.status_code):
                who = "staff" if caller is staff else "owner"
                wrong.append((*operation, who, expected, response.status_code, response.text))
    assert wrong == []


async def test_a_deactivated_login_gets_401_everywhere(client, shop):
    ids = await make_objects(client, shop)
    gone_login, _ = await add_login(client, shop, PASSWORD)
    gone = Caller(gone_login.token, PASSWORD)
    deactivated = await client.patch(
        f"/api/auth/users/{gone_login.user_id}", json={"active": False}, headers=shop.headers
    )
    assert deactivated.status_code == 200, deactivated.text

    wrong = []
    for operation in _in_order(operations(client)):
        row = TABLE.get(operation)
        if row is None or row == PUBLIC:
            continue
        response = await build(operation, ids, gone).send(client, gone)
        if not _seen(operation, row[2], response.status_code):
            wrong.append((*operation, row[2], response.status_code, response.text))
    assert wrong == []
