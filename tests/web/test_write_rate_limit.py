"""OWASP API4: a token that writes too fast is slowed down with a 429, others are not."""

import asyncio
import time

import httpx
import pytest

from app.main import create_app
from tests.conftest import make_settings, register_shop


@pytest.fixture
async def limited(database_url, tmp_path):
    app = create_app(make_settings(database_url, tmp_path, WRITE_RATE_LIMIT=3))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            yield http


async def _early_in_a_window() -> None:
    """The limit counts per fixed minute of `time.monotonic()` (app/web/ratelimit.py): writes
    that straddle a minute's end start a fresh count. Start the counted writes with at least
    15 s of the minute left, so a slow machine cannot split them."""
    into_minute = time.monotonic() % 60
    if into_minute > 45:
        await asyncio.sleep(60 - into_minute + 0.1)


async def _customer(client, shop, n):
    return await client.post(
        "/api/customers/",
        json={"customer_name": f"C{n}", "phone_no": f"98765{n:05d}"},
        headers=shop.headers,
    )


async def test_writes_past_the_limit_get_429_with_retry_after(limited):
    shop, other = await register_shop(limited), await register_shop(limited)
    await _early_in_a_window()

    statuses = [(await _customer(limited, shop, n)).status_code for n in range(5)]
    refused = await _customer(limited, shop, 9)

    assert statuses == [201, 201, 201, 429, 429]
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # Reads are not writes, and another shop's token has its own allowance.
    assert (await limited.get("/api/customers/", headers=shop.headers)).status_code == 200
    assert (await _customer(limited, other, 1)).status_code == 201
    listed = (await limited.get("/api/customers/", headers=shop.headers)).json()
    assert len(listed) == 3


async def test_the_default_limit_does_not_get_in_a_shops_way(client, shop):
    statuses = {(await _customer(client, shop, n)).status_code for n in range(30)}
    assert statuses == {201}


async def test_the_allowance_is_the_users_however_the_header_is_spelled(limited):
    """Issue 12: `bearer`, `BEARER` and double spaces each got a fresh allowance."""
    shop = await register_shop(limited)
    second_login = await limited.post(
        "/api/auth/token", data={"username": shop.phone, "password": "chai-biscuit-1"}
    )
    spellings = [
        f"Bearer {shop.token}",
        f"bearer {shop.token}",
        f"BEARER  {shop.token}",
        f"Bearer {second_login.json()['access_token']}",  # another session of the same user
    ]
    statuses = []
    await _early_in_a_window()
    for n, header in enumerate(spellings):
        response = await limited.post(
            "/api/customers/",
            json={"customer_name": f"C{n}", "phone_no": f"98765{n:05d}"},
            headers={"Authorization": header},
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 201, 429]


async def test_an_unverifiable_token_is_left_to_the_endpoint(limited):
    statuses = [
        (
            await limited.post(
                "/api/customers/",
                json={"customer_name": "C", "phone_no": "9876500001"},
                headers={"Authorization": f"Bearer forged-{n}"},
            )
        ).status_code
        for n in range(5)
    ]
    assert statuses == [401] * 5
