"""Limits on logins and registrations: a stranger cannot lock the owner out, concurrent
guesses get no more tries than the limit, registrations are throttled per address, and
hashing passwords never stalls the other requests of the worker."""

import asyncio
import statistics
import time

import pytest

from tests.auth_helpers import auth_settings, client_at, login, running
from tests.conftest import register_shop, unique_phone

STRANGER, OWNER_HOME = "198.51.100.66", "203.0.113.10"


@pytest.fixture
async def app(database_url, tmp_path):
    async with running(auth_settings(database_url, tmp_path, REGISTER_MAX_PER_HOUR=3)) as app:
        yield app


async def test_a_strangers_failures_do_not_lock_the_owner_out(app):
    async with client_at(app, STRANGER) as stranger, client_at(app, OWNER_HOME) as owner:
        shop = await register_shop(owner, password="correct-horse")
        for _ in range(5):
            assert (await login(stranger, shop.phone, "guess-guess")).status_code == 401
        blocked = await login(stranger, shop.phone, "correct-horse")
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "rate_limited"
        assert 1 <= int(blocked.headers["retry-after"]) <= 900

        assert (await login(owner, shop.phone, "correct-horse")).status_code == 200


async def test_concurrent_guesses_get_no_more_tries_than_the_limit(app):
    """The attempt is counted (one atomic upsert) before the password is checked: of 24 guesses
    sent at once, 5 are checked (401) and the rest refused unchecked (429)."""
    async with client_at(app, OWNER_HOME) as owner, client_at(app, STRANGER) as stranger:
        shop = await register_shop(owner, password="correct-horse")
        replies = await asyncio.gather(
            *(login(stranger, shop.phone, f"guess-{n:04d}") for n in range(24))
        )
    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [401] * 5 + [429] * 19


async def test_concurrent_guesses_at_many_phones_from_one_address_are_capped_too(app):
    async with client_at(app, STRANGER) as stranger:
        replies = await asyncio.gather(
            *(login(stranger, unique_phone(), "guess-guess") for _ in range(24))
        )
    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [401] * 20 + [429] * 4  # LOGIN_MAX_FAILURES_PER_ADDRESS


async def test_a_good_login_takes_its_attempt_back(app):
    async with client_at(app, OWNER_HOME) as owner:
        shop = await register_shop(owner, password="correct-horse")
        for _ in range(10):
            assert (await login(owner, shop.phone, "correct-horse")).status_code == 200
        for _ in range(5):
            assert (await login(owner, shop.phone, "typo-typo")).status_code == 401
        assert (await login(owner, shop.phone, "correct-horse")).status_code == 429


async def _register(client):
    return await client.post(
        "/api/auth/register",
        json={
            "shop_name": "Shop",
            "owner_name": "Owner",
            "phone_no": unique_phone(),
            "password": "long-enough-1",
        },
    )


async def test_registrations_are_limited_per_client_address(app):
    async with client_at(app, STRANGER) as stranger, client_at(app, OWNER_HOME) as owner:
        statuses = [(await _register(stranger)).status_code for _ in range(3)]
        refused = await _register(stranger)

        assert statuses == [201, 201, 201]
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert 3500 <= int(refused.headers["retry-after"]) <= 3601
        assert (await _register(owner)).status_code == 201


def _time_health_calls(http, loop: asyncio.AbstractEventLoop) -> list[float]:
    """20 `/api/health` calls served by the app's event loop, timed from another thread: as
    a client's clock would (a coroutine timing itself runs only when the loop is free)."""
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        response = asyncio.run_coroutine_threadsafe(http.get("/api/health"), loop).result(30)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        time.sleep(0.05)
    return timings


async def test_health_stays_fast_while_four_clients_register_in_a_loop(database_url, tmp_path):
    """Issue 12: argon2 on the event loop pushed /api/health from 2 ms to over 1 s."""
    settings = auth_settings(database_url, tmp_path, REGISTER_MAX_PER_HOUR=0)
    async with running(settings) as app, client_at(app, STRANGER) as http:
        stop, warmed_up = asyncio.Event(), asyncio.Event()
        registered: list[int] = []

        async def register_in_a_loop() -> None:
            while not stop.is_set():
                response = await _register(http)
                assert response.status_code == 201, response.text
                registered.append(response.status_code)
                if len(registered) >= 4:
                    warmed_up.set()

        loops = [asyncio.create_task(register_in_a_loop()) for _ in range(4)]
        await warmed_up.wait()  # hashing is under way
        before = len(registered)
        timings = await asyncio.to_thread(_time_health_calls, http, asyncio.get_running_loop())
        during = len(registered) - before
        stop.set()
        await asyncio.gather(*loops)

    assert during >= 2, "the register loops kept registering while /api/health was measured"
    assert statistics.median(timings) < 0.05, sorted(timings)
