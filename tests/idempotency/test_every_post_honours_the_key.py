"""Every POST of the API documents and honours `Idempotency-Key` (issue 12 item 7).

The operations come from the OpenAPI schema, so a new POST is checked as soon as it exists:
the header must be a documented parameter, and sending the same request twice with the same
key must replay the first reply (`Idempotent-Replayed: true`, same status and body) and
create nothing. The few exceptions are listed with their reason.
"""

import uuid

import pytest
from sqlalchemy import text

from app.models import Base
from tests.bills import exact, sale, scalar
from tests.conftest import create_product, make_settings, unique_phone
from tests.operations import Caller, build, make_objects, operation_spec, operations

EXEMPT: dict[tuple[str, str], str] = {
    ("post", "/api/auth/token"): "login form (OAuth2 password flow): an auth action, "
    "each login is a session of its own",
    ("post", "/api/auth/refresh"): "auth action: a refresh token is single-use by design",
    ("post", "/api/auth/logout"): "auth action: revoking the session twice changes nothing",
    ("post", "/api/auth/password"): "auth action, not a creation",
    ("post", "/api/auth/users/{user_id}/password"): "auth action, not a creation",
    ("post", "/api/webhooks/twilio/status"): "provider callback: Twilio retries by its own "
    "rules and sends no key; the status update is idempotent by itself",
    ("post", "/api/extract-products"): "stores nothing: reading a photo twice is harmless",
    ("post", "/api/ask"): "a question changes nothing in the books: asking twice is harmless",
    ("post", "/api/ai/sql/"): "the legacy form of /api/ask",
}


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    """Drafts are read by the fake Gemini (the offline OCR is slow and beside the point)."""
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


def _posts(client) -> list[tuple[str, str]]:
    return [operation for operation in operations(client) if operation[0] == "post"]


NEW_SESSION_ON_REPLAY = {("post", "/api/auth/register")}
"""A replayed registration answers the same shop and owner with a new session's tokens
(tokens are never stored with a key), so its reply differs in the tokens and a session row."""
_TOKENS = ("access_token", "refresh_token")
_SESSION_TABLES = ("auth_sessions", "refresh_tokens", "auth_counters")


def _same_reply(operation, first, again) -> bool:
    if operation not in NEW_SESSION_ON_REPLAY:
        return (again.status_code, again.content) == (first.status_code, first.content)
    made, replayed = first.json(), again.json()
    for name in _TOKENS:
        made.pop(name), replayed.pop(name)
    return (again.status_code, replayed) == (first.status_code, made)


async def _rows(app) -> dict[str, int]:
    """Rows in every table, all shops: what a replay must leave as it was."""
    async with app.state.sessionmaker() as session:
        return {
            name: await session.scalar(text(f'SELECT count(*) FROM "{name}"'))
            for name in sorted(Base.metadata.tables)
        }


async def test_every_post_documents_the_idempotency_key_header(client):
    posts = _posts(client)
    assert len(posts) >= 20, posts
    missing = [
        path
        for method, path in posts
        if (method, path) not in EXEMPT
        and not any(
            param["in"] == "header" and param["name"] == "Idempotency-Key"
            for param in operation_spec(client, (method, path)).get("parameters", [])
        )
    ]
    assert missing == []


async def test_every_exemption_is_a_post_of_the_api(client):
    assert set(EXEMPT) - set(_posts(client)) == set()


async def test_every_post_honours_the_idempotency_key(client, app, shop):
    ids = await make_objects(client, shop)
    owner = Caller(shop.token, "chai-biscuit-1")

    wrong = []
    for operation in _posts(client):
        if operation in EXEMPT:
            continue
        request = build(operation, ids, owner)
        key = {"Idempotency-Key": f"coverage-{uuid.uuid4().hex}"}

        first = await request.send(client, owner, **key)
        assert first.status_code < 300, (operation, first.status_code, first.text)
        assert "idempotent-replayed" not in first.headers, operation
        before = await _rows(app)
        again = await request.send(client, owner, **key)

        if again.headers.get("idempotent-replayed") != "true":
            wrong.append((*operation, "not replayed", again.status_code, again.text))
        elif not _same_reply(operation, first, again):
            wrong.append((*operation, "another reply", first.text, again.text))
        elif (after := await _rows(app)) != before:
            changed = {
                name: (before[name], after[name])
                for name in after
                if after[name] != before[name]
                and not (operation in NEW_SESSION_ON_REPLAY and name in _SESSION_TABLES)
            }
            if changed:
                wrong.append((*operation, "created", changed))
    assert wrong == []


async def test_a_retried_reminder_queues_one_sms(client, app, shop):
    product = await create_product(client, shop)
    sold = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        phone_no=unique_phone(),
        bill_paid=False,
    )
    assert sold.status_code == 201
    (entry,) = exact(await client.get("/api/udhaar/sales/", headers=shop.headers))
    url = f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/"
    headers = shop.headers | {"Idempotency-Key": "remind-ramesh-1"}
    reminders = "SELECT count(*) FROM notifications WHERE shop_id = :s AND template <> 'sale_bill'"

    first = await client.post(url, headers=headers)
    again = await client.post(url, headers=headers)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["idempotent-replayed"] == "true" and again.text == first.text
    assert await scalar(app, reminders, s=shop.shop_id) == 1
    without_key = await client.post(url, headers=shop.headers)
    assert without_key.status_code == 200
    assert await scalar(app, reminders, s=shop.shop_id) == 2
