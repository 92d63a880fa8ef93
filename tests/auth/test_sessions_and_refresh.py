"""A shop's phone app keeps its owner logged in with short access tokens and rotating refresh
tokens; a copied refresh token ends the session; logging out and changing the password end
sessions; every /api/auth reply is uncacheable."""

import datetime as dt

import jwt
from fastapi.routing import APIRoute, iter_route_contexts

from app.auth.dependencies import (
    get_account_session,
    get_principal,
    get_shop_caller,
    get_shop_connection,
    get_shop_session,
)
from app.web.docs import dependencies_of
from tests.auth_helpers import bearer, login
from tests.bills import scalar
from tests.conftest import TEST_SECRET, create_product, register_shop, unique_phone


async def test_register_and_login_return_an_access_and_a_refresh_token(client):
    phone = unique_phone()
    registered = await client.post(
        "/api/auth/register",
        json={"shop_name": "Shop", "owner_name": "O", "phone_no": phone, "password": "pass-word-1"},
    )
    logged_in = await login(client, phone, "pass-word-1")

    for response in (registered, logged_in):
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 30 * 60
        assert len(body["refresh_token"]) >= 40
        claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
        assert claims["exp"] - claims["iat"] == 30 * 60
        assert claims["role"] == "owner"
        assert isinstance(claims["sid"], int)
    # Each login is a session of its own.
    sids = {
        jwt.decode(r.json()["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"]
        for r in (registered, logged_in)
    }
    assert len(sids) == 2


async def test_refresh_tokens_are_stored_hashed(client, app):
    shop = await register_shop(client)
    response = await login(client, shop.phone, "chai-biscuit-1")
    refresh_token = response.json()["refresh_token"]
    stored = await scalar(app, "SELECT string_agg(token_hash, ',') FROM refresh_tokens")
    assert refresh_token not in stored
    assert all(len(digest) == 64 for digest in stored.split(","))


async def test_a_refresh_rotates_the_pair_and_the_new_access_token_works(client):
    shop = await register_shop(client)
    first = (await login(client, shop.phone, "chai-biscuit-1")).json()

    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )

    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["refresh_token"] != first["refresh_token"]
    assert (
        await client.get("/api/auth/me", headers=bearer(body["access_token"]))
    ).status_code == 200
    # The same session: the access token names it.
    sid = jwt.decode(first["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"]
    assert jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"] == sid
    # And the rotated pair refreshes again.
    again = await client.post("/api/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert again.status_code == 200


async def test_reusing_a_rotated_refresh_token_ends_the_whole_session(client):
    """OAuth 2.0 Security BCP: a used refresh token presented again was copied; the session it
    belongs to ends, for the thief and the owner alike, access tokens included."""
    shop = await register_shop(client)
    first = (await login(client, shop.phone, "chai-biscuit-1")).json()
    second = (
        await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    assert (
        await client.get("/api/products/", headers=bearer(second["access_token"]))
    ).status_code == 200

    replayed = await client.post(
        "/api/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )

    assert replayed.status_code == 401
    assert replayed.json()["code"] == "unauthorized"
    # The newest refresh token and every access token of the session are dead too.
    newest = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert newest.status_code == 401
    for token in (first["access_token"], second["access_token"]):
        response = await client.get("/api/products/", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    # Other sessions of the same user go on.
    assert (await client.get("/api/products/", headers=shop.headers)).status_code == 200


async def test_an_unknown_or_malformed_refresh_token_is_refused(client):
    unknown = await client.post("/api/auth/refresh", json={"refresh_token": "not-a-token"})
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "unauthorized"
    missing = await client.post("/api/auth/refresh", json={})
    assert missing.status_code == 422
    assert ["body", "refresh_token"] in [error["loc"] for error in missing.json()["errors"]]


async def test_an_access_token_of_an_ended_session_is_refused_on_every_kind_of_endpoint(client):
    """Driver endpoints (sale, product list), ORM endpoints and account endpoints all check."""
    shop = await register_shop(client)
    product = await create_product(client, shop, quantity=5)
    token = (await login(client, shop.phone, "chai-biscuit-1")).json()["access_token"]
    assert (await client.post("/api/auth/logout", headers=bearer(token))).status_code == 200

    requests = [
        client.post(
            "/api/sales/",
            json={
                "customer_name": "R",
                "phone_no": unique_phone(),
                "products": [{"product_id": product["product_id"], "quantity": 1}],
                "bill_paid": True,
            },
            headers=bearer(token),
        ),
        client.get("/api/products/", headers=bearer(token)),
        client.get("/api/sales/1", headers=bearer(token)),
        client.get("/api/customers/", headers=bearer(token)),
        client.get("/api/auth/me", headers=bearer(token)),
        client.get("/api/auth/users", headers=bearer(token)),
        client.patch("/api/auth/shop", json={"shop_name": "X"}, headers=bearer(token)),
        client.post("/api/auth/logout", headers=bearer(token)),
        # checked in each of its transactions (`CHECKED_BY_THE_SERVICE`)
        client.post("/api/ask", json={"question": "aaj kitni bikri hui?"}, headers=bearer(token)),
        client.post("/api/ai/sql/", params={"prompt": "today's sales"}, headers=bearer(token)),
    ]
    for request in requests:
        response = await request
        assert response.status_code == 401, (response.request.url, response.text)
        assert response.json()["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    assert (await client.get("/api/products/", headers=shop.headers)).status_code == 200
    listed = await client.get("/api/products/", headers=shop.headers)
    assert listed.json()[0]["quantity"] == 5  # the refused sale sold nothing


async def test_logout_ends_this_session_and_its_refresh_token(client):
    shop = await register_shop(client)
    tokens = (await login(client, shop.phone, "chai-biscuit-1")).json()

    response = await client.post("/api/auth/logout", headers=bearer(tokens["access_token"]))

    assert response.status_code == 200
    assert response.json() == {"msg": "Logged out"}
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await client.get("/api/auth/me", headers=shop.headers)).status_code == 200


async def test_changing_the_password_ends_the_other_sessions_only(client):
    shop = await register_shop(client, password="old-password-1")
    phone_app = (await login(client, shop.phone, "old-password-1")).json()

    changed = await client.post(
        "/api/auth/password",
        json={"current_password": "old-password-1", "new_password": "new-password-2"},
        headers=shop.headers,
    )

    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/auth/me", headers=shop.headers)).status_code == 200
    other = await client.get("/api/auth/me", headers=bearer(phone_app["access_token"]))
    assert other.status_code == 401
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": phone_app["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await login(client, shop.phone, "old-password-1")).status_code == 401
    assert (await login(client, shop.phone, "new-password-2")).status_code == 200


async def test_a_wrong_current_password_is_a_422_naming_it(client):
    shop = await register_shop(client, password="old-password-1")
    response = await client.post(
        "/api/auth/password",
        json={"current_password": "guess-guess", "new_password": "new-password-2"},
        headers=shop.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert ["body", "current_password"] in [e["loc"] for e in response.json()["errors"]]
    assert (await login(client, shop.phone, "old-password-1")).status_code == 200


async def test_an_expired_session_is_refused_even_with_a_fresh_access_token(client, app):
    shop = await register_shop(client)
    async with app.state.sessionmaker.begin() as session:
        from sqlalchemy import text

        await session.execute(text("UPDATE auth_sessions SET expires_at = now()"))
    response = await client.get("/api/products/", headers=shop.headers)
    assert response.status_code == 401


async def test_a_token_without_a_session_is_refused(client, shop):
    claims = jwt.decode(shop.token, TEST_SECRET, algorithms=["HS256"])
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    no_sid = jwt.encode(
        {k: v for k, v in claims.items() if k != "sid"} | {"exp": expires}, TEST_SECRET
    )
    other_sid = jwt.encode(claims | {"sid": claims["sid"] + 1000}, TEST_SECRET)
    for token in (no_sid, other_sid):
        response = await client.get("/api/products/", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


async def test_every_auth_reply_is_uncacheable_even_without_a_token(client):
    phone = unique_phone()
    replies = [
        await client.post(
            "/api/auth/register",
            json={
                "shop_name": "S",
                "owner_name": "O",
                "phone_no": phone,
                "password": "pass-word-1",
            },
        ),
        await login(client, phone, "pass-word-1"),
        await login(client, phone, "wrong-password"),
        await client.post("/api/auth/refresh", json={"refresh_token": "nope"}),
        await client.post("/api/auth/register", json={}),
    ]
    for reply in replies:
        assert reply.headers["cache-control"] == "no-store", reply.request.url
        assert reply.headers["pragma"] == "no-cache"
    # Unauthenticated replies elsewhere stay cacheable as before.
    assert "cache-control" not in (await client.get("/api/health")).headers


CHECKED_BY_THE_SERVICE = {"/api/ask", "/api/ai/sql/"}
"""Endpoints that open their own short transactions (no connection held while the model
answers), each of which enters the shop with the session check (`auth.service.enter_shop`);
`test_an_access_token_of_an_ended_session_is_refused_on_every_kind_of_endpoint` calls them."""


def test_every_endpoint_that_takes_a_token_checks_its_session(app):
    """Make it impossible to forget: an endpoint reading the principal must also take a
    session dependency that checks the login session (with the shop switch, or alone).

    Routes are walked as FastAPI serves them (`iter_route_contexts`): `app.routes` holds the
    included routers, not their routes, and a walk of it alone found nothing to check."""
    checking = {get_shop_session, get_shop_connection, get_shop_caller, get_account_session}
    assert {route.path for route in iter_route_contexts(app.routes)} >= CHECKED_BY_THE_SERVICE
    taking = [
        route
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
        and get_principal in dependencies_of(route.dependant)
    ]
    unchecked = [
        f"{sorted(route.methods)} {route.path}"
        for route in taking
        if not dependencies_of(route.dependant) & checking
        and route.path not in CHECKED_BY_THE_SERVICE
    ]
    assert unchecked == []
    assert len(taking) > 50  # the walk reaches the routers' routes
