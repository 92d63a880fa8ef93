"""A shop owner registers, logs in, and is kept out when the token or password is wrong."""

import asyncio
import datetime as dt

import jwt
import pytest
from sqlalchemy import text

from tests.conftest import TEST_SECRET, register_shop, unique_phone


async def login(client, phone, password, address=None):
    return await client.post("/api/auth/token", data={"username": phone, "password": password})


async def test_registration_opens_a_shop_with_its_owner_and_a_token(client):
    phone = unique_phone()
    response = await client.post(
        "/api/auth/register",
        json={
            "shop_name": "Gupta General Store",
            "owner_name": "Sunita Gupta",
            "phone_no": f"0{phone[:5]}-{phone[5:]}",
            "password": "a-long-password",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"] == {
        "user_id": body["user"]["user_id"],
        "name": "Sunita Gupta",
        "phone_no": f"+91{phone}",
        "role": "owner",
    }
    assert body["shop"]["shop_name"] == "Gupta General Store"
    assert body["shop"]["region"] == "IN"
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["shop"]["shop_id"] == body["shop"]["shop_id"]


async def test_passwords_are_stored_as_argon2_hashes(client, app):
    shop = await register_shop(client, password="my-secret-pass")
    async with app.state.sessionmaker() as session:
        stored = await session.scalar(
            text("SELECT password_hash FROM users WHERE id = :id"), {"id": shop.user_id}
        )
    assert stored.startswith("$argon2")
    assert "my-secret-pass" not in stored


async def test_a_phone_can_register_only_once(client):
    shop = await register_shop(client)
    response = await client.post(
        "/api/auth/register",
        json={"shop_name": "X", "owner_name": "Y", "phone_no": shop.phone, "password": "12345678"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response.json()["field"] == "phone_no"


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone_no", "12345"), ("phone_no", "not a phone"), ("password", "short"), ("shop_name", "")],
)
async def test_registration_rejects_bad_fields_by_name(client, field, value):
    payload = {
        "shop_name": "Shop",
        "owner_name": "Owner",
        "phone_no": unique_phone(),
        "password": "long-enough-password",
    } | {field: value}
    response = await client.post("/api/auth/register", json=payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert ["body", field] in [error["loc"] for error in body["errors"]]
    assert field in body["detail"]


async def test_login_with_the_password_returns_a_working_token(client):
    shop = await register_shop(client, password="correct-horse")
    response = await login(client, shop.phone, "correct-horse")
    assert response.status_code == 200
    token = response.json()["access_token"]
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user"]["user_id"] == shop.user_id


async def test_login_accepts_the_phone_as_people_type_it(client):
    shop = await register_shop(client, password="correct-horse")
    local = "0" + shop.phone.removeprefix("+91")
    assert (await login(client, local, "correct-horse")).status_code == 200


async def test_wrong_password_is_401_with_bearer_challenge(client):
    shop = await register_shop(client)
    response = await login(client, shop.phone, "wrong-password")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


async def test_sixth_failed_login_for_a_phone_is_rate_limited(client):
    shop = await register_shop(client, password="correct-horse")
    for _ in range(5):
        assert (await login(client, shop.phone, "nope-nope")).status_code == 401
    response = await login(client, shop.phone, "correct-horse")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= 900


async def test_failed_logins_are_counted_per_client_address_too(client):
    """One address trying many phones: LOGIN_MAX_FAILURES_PER_ADDRESS (20) failures in all."""
    for _ in range(20):
        assert (await login(client, unique_phone(), "whatever-1")).status_code == 401
    shop = await register_shop(client, password="correct-horse")
    assert (await login(client, shop.phone, "correct-horse")).status_code == 429


async def test_a_successful_login_clears_the_phone_counter(client):
    shop = await register_shop(client, password="correct-horse")
    for _ in range(3):
        await login(client, shop.phone, "nope-nope")
    assert (await login(client, shop.phone, "correct-horse")).status_code == 200
    # The address still carries its 3 failures; 2 more keep it under the limit of 5.
    for _ in range(2):
        assert (await login(client, shop.phone, "nope-nope")).status_code == 401


async def test_endpoints_need_a_token(client):
    response = await client.get("/api/products/")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        jwt.encode({"sub": "1", "shop": 1, "role": "owner"}, TEST_SECRET),  # no exp
        jwt.encode(
            {"sub": "1", "shop": 1, "role": "owner", "exp": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
            TEST_SECRET,
        ),
        jwt.encode(
            {"sub": "1", "shop": 1, "role": "owner", "exp": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)},
            "another-secret-another-secret-another-secret",
        ),
        jwt.encode(
            {"sub": "1", "shop": 1, "role": "admin", "exp": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)},
            TEST_SECRET,
        ),
        jwt.encode({"sub": "1", "shop": 1, "role": "owner"}, None, algorithm="none"),
    ],
    ids=["garbage", "no-exp", "expired", "wrong-secret", "unknown-role", "alg-none"],
)
async def test_bad_tokens_are_401(client, token):
    response = await client.get("/api/products/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "{token}", "Bearer{token}"],
    ids=["basic", "no-token", "blank-token", "other-scheme", "no-scheme", "no-space"],
)
async def test_an_authorization_header_without_a_bearer_token_is_401(client, shop, header):
    response = await client.get(
        "/api/products/", headers={"Authorization": header.format(token=shop.token)}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"].startswith("Not authenticated: send 'Authorization: Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer {token}", "bearer {token}", "BEARER {token}", " Bearer   {token} "]
)
async def test_the_bearer_scheme_is_read_in_any_case_and_spacing(client, shop, header):
    """As the per-user write limit reads it (`app.core.security.bearer_token`)."""
    response = await client.get(
        "/api/products/", headers={"Authorization": header.format(token=shop.token)}
    )
    assert response.status_code == 200, response.text


async def add_staff(client, owner, password="counter-two"):
    phone = unique_phone()
    response = await client.post(
        "/api/auth/users",
        json={"name": "Counter 2", "phone_no": phone, "password": password},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "staff"
    login_response = await login(client, phone, password)
    return {"Authorization": f"Bearer {login_response.json()['access_token']}"}


async def test_an_owner_adds_staff_who_work_in_the_same_shop_but_cannot_delete(client, shop):
    staff = await add_staff(client, shop)
    me = (await client.get("/api/auth/me", headers=staff)).json()
    assert me["shop"]["shop_id"] == shop.shop_id
    assert me["user"]["role"] == "staff"
    created = await client.post(
        "/api/products/",
        json={"product_name": "Staff Added", "price_purchase": 1, "price_sale": 2},
        headers=staff,
    )
    assert created.status_code == 201
    path = f"/api/products/{created.json()['product_id']}"
    denied = await client.delete(path, headers=staff)
    assert denied.status_code == 403
    assert denied.json()["code"] == "forbidden"
    assert (await client.get(path, headers=shop.headers)).status_code == 200
    assert (await client.delete(path, headers=shop.headers)).status_code == 200


async def test_staff_cannot_add_staff(client, shop):
    staff = await add_staff(client, shop)
    response = await client.post(
        "/api/auth/users",
        json={"name": "X", "phone_no": unique_phone(), "password": "12345678"},
        headers=staff,
    )
    assert response.status_code == 403


async def test_a_token_that_worked_is_refused_once_it_expires(client, shop):
    """Good tokens are remembered by each worker; their expiry is still checked every time."""
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    claims = jwt.decode(shop.token, TEST_SECRET, algorithms=["HS256"])
    token = jwt.encode(claims | {"exp": expires}, TEST_SECRET)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/products/", headers=headers)).status_code == 200
    await asyncio.sleep((expires - dt.datetime.now(dt.UTC)).total_seconds() + 1.1)
    assert (await client.get("/api/products/", headers=headers)).status_code == 401
