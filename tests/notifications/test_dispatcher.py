"""The outbox dispatcher, end to end: bills over HTTP, Twilio through the real SDK to the fake.

A shop's story: a credit sale's bill reaches the customer's phone exactly once; a provider
outage is ridden out with growing waits; a customer who replied STOP is never messaged
again; a dispatcher that dies mid-send loses nothing; the shop's daily cap holds.
"""

import asyncio
import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text

from app.main import create_app
from app.notifications import delivery
from app.notifications.dispatcher import Dispatcher, backoff_delay, build_channels
from tests.bills import sale, scalar
from tests.conftest import create_product, make_settings, register_shop, unique_phone
from tests.fakes.twilio import HANG, FakeTwilio, error
from tests.outbox import FROM, execute, outbox_rows, queue_messages, twilio_settings


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server


@pytest.fixture
async def make_dispatcher(app, settings, fake):
    """Dispatchers on the app's database, sending to the fake; closed after the test."""
    made: list[Dispatcher] = []

    def make(periodic_jobs=None, **overrides) -> Dispatcher:
        messaging = twilio_settings(fake, **overrides)
        dispatcher = Dispatcher(
            app.state.sessionmaker,
            build_channels(messaging),
            settings.model_copy(update={"messaging": messaging}),
            rng=random.Random(7),
            periodic_jobs=periodic_jobs,
        )
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.aclose()


async def credit_sale(client, shop, product, phone: str, quantity: int = 2):
    return await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": quantity}],
        bill_paid=False,
        amount_paid="0.00",
        payment_due_date="2026-12-31",
        customer_name="Meena",
        phone_no=phone,
    )


async def test_a_committed_credit_sale_sends_exactly_one_message_with_the_right_to_from_and_body(
    client, shop, app, fake, make_dispatcher
):
    product = await create_product(client, shop, price_sale="50.00", quantity=10)
    phone = unique_phone()
    response = await credit_sale(client, shop, product, phone)
    assert response.status_code == 201, response.text
    dispatcher = make_dispatcher()

    assert await dispatcher.run_once() == 1
    assert await dispatcher.run_once() == 0

    [sent] = fake.requests
    [row] = await outbox_rows(app, shop.shop_id)
    assert sent.to == f"+91{phone}"
    assert sent.from_ == FROM
    assert sent.body == row["body"]
    assert response.json()["bill_no"] in sent.body
    assert "Shop A" in sent.body
    assert "100.00" in sent.body
    assert sent.status_callback is None
    assert (row["status"], row["attempts"], row["provider_id"]) == ("sent", 1, sent.answered_sid)
    assert row["sent_at"] is not None


async def test_a_sale_that_fails_sends_nothing(client, shop, app, fake, make_dispatcher):
    product = await create_product(client, shop, quantity=1)
    response = await credit_sale(client, shop, product, unique_phone(), quantity=5)
    assert response.status_code == 409

    assert await make_dispatcher().run_once() == 0
    assert fake.requests == []
    assert await outbox_rows(app, shop.shop_id) == []


async def make_due(app, shop_id: int) -> None:
    await execute(
        app,
        "UPDATE notifications SET next_attempt_at = now() WHERE shop_id = :s AND status = 'queued'",
        s=shop_id,
    )


async def test_three_server_errors_then_success_send_once_after_four_attempts_with_growing_waits(
    client, shop, app, fake, make_dispatcher
):
    product = await create_product(client, shop, quantity=10)
    assert (await credit_sale(client, shop, product, unique_phone())).status_code == 201
    fake.script(error(500), error(500), error(500))
    dispatcher = make_dispatcher(NOTIFY_BACKOFF_BASE_SECONDS=10, NOTIFY_BACKOFF_MAX_SECONDS=600)

    waits = []
    for attempt in (1, 2, 3):
        await dispatcher.run_once()
        [row] = await outbox_rows(app, shop.shop_id)
        assert (row["status"], row["attempts"]) == ("queued", attempt)
        assert "500" in row["last_error"]
        waits.append((row["next_attempt_at"] - row["updated_at"]).total_seconds())
        assert await dispatcher.run_once() == 0  # not due yet
        await make_due(app, shop.shop_id)
    await dispatcher.run_once()

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["attempts"]) == ("sent", 4)
    assert len(fake.requests) == 4
    assert len({r.body for r in fake.requests}) == 1
    assert row["provider_id"] == fake.requests[-1].answered_sid
    # equal jitter: attempt n waits between 10 * 2^(n-1) / 2 and 10 * 2^(n-1) seconds
    assert 5 <= waits[0] <= 10 <= waits[1] <= 20 <= waits[2] <= 40
    assert waits[0] < waits[1] < waits[2]


async def test_an_unsubscribed_recipient_fails_opts_the_customer_out_and_gets_no_next_bill(
    client, shop, app, fake, make_dispatcher
):
    product = await create_product(client, shop, quantity=10)
    phone = unique_phone()
    assert (await credit_sale(client, shop, product, phone)).status_code == 201
    fake.script(error(400, 21610, "Attempt to send to unsubscribed recipient"))
    dispatcher = make_dispatcher()

    await dispatcher.run_once()

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "21610" in row["last_error"]
    assert "unsubscribed" in row["last_error"]
    opted_out = "SELECT opted_out FROM customers WHERE id = :c"
    assert await scalar(app, opted_out, c=row["customer_id"]) is True

    again = await credit_sale(client, shop, product, phone, quantity=1)
    assert again.status_code == 201
    assert len(await outbox_rows(app, shop.shop_id)) == 1
    assert await dispatcher.run_once() == 0
    assert len(fake.requests) == 1


async def test_an_invalid_number_fails_at_once_and_the_customer_stays_opted_in(
    client, shop, app, fake, make_dispatcher
):
    product = await create_product(client, shop, quantity=10)
    assert (await credit_sale(client, shop, product, unique_phone())).status_code == 201
    fake.script(error(400, 21211, "Invalid 'To' Phone Number"))

    await make_dispatcher().run_once()

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "21211" in row["last_error"]
    opted_out = "SELECT opted_out FROM customers WHERE id = :c"
    assert await scalar(app, opted_out, c=row["customer_id"]) is False


async def test_a_retryable_failure_gives_up_after_the_max_attempts(
    shop, app, fake, make_dispatcher
):
    await queue_messages(app, shop.shop_id, 1)
    fake.answer_by_default(error(503, 30500, "Service unavailable"))
    dispatcher = make_dispatcher(NOTIFY_MAX_ATTEMPTS=3)

    for _ in range(3):
        await dispatcher.run_once()
        await make_due(app, shop.shop_id)

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["last_error"].startswith("gave up after 3 attempts")
    assert len(fake.requests) == 3


async def test_a_send_that_times_out_is_retried(shop, app, fake, make_dispatcher):
    await queue_messages(app, shop.shop_id, 1)
    fake.script(HANG)
    dispatcher = make_dispatcher(TWILIO_TIMEOUT_SECONDS=0.3)

    await dispatcher.run_once()
    fake.release()

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "did not answer within 0.3s" in row["last_error"]


async def test_sends_that_finish_together_are_recorded_together(shop, app, fake, make_dispatcher):
    # Ten answers held back by the provider, then let go at once: recorded one transaction
    # each, the ten rows would carry ten different `sent_at` (a transaction's now()).
    await queue_messages(app, shop.shop_id, 10)
    fake.answer_by_default(HANG)
    dispatcher = make_dispatcher(DISPATCH_CONCURRENCY=10)

    round_ = asyncio.create_task(dispatcher.run_once())
    await asyncio.to_thread(fake.wait_for_requests, 10)
    fake.release()
    assert await round_ == 10

    rows = await outbox_rows(app, shop.shop_id)
    answered = {request.answered_sid for request in fake.requests}
    assert [row["status"] for row in rows] == ["sent"] * 10
    assert {row["provider_id"] for row in rows} == answered
    assert len({row["sent_at"] for row in rows}) <= 3


async def test_a_message_whose_dispatcher_died_mid_send_is_sent_after_its_lease(
    shop, app, fake, make_dispatcher
):
    await queue_messages(app, shop.shop_id, 1)
    async with app.state.sessionmaker() as session, session.begin():
        [claimed] = await delivery.claim_due(session, limit=10, lease_s=0.2)
    # ... and that dispatcher never comes back.
    dispatcher = make_dispatcher()
    assert await dispatcher.run_once() == 0  # the lease still holds
    await asyncio.sleep(0.3)

    assert await dispatcher.run_once() == 1

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["id"], row["status"], row["attempts"]) == (claimed.id, "sent", 2)
    assert len(fake.requests) == 1


async def test_a_lost_dispatcher_cannot_overwrite_what_the_next_one_recorded(shop, app):
    await queue_messages(app, shop.shop_id, 1)
    async with app.state.sessionmaker() as session, session.begin():
        [first] = await delivery.claim_due(session, limit=1, lease_s=0.01)
    await asyncio.sleep(0.05)
    async with app.state.sessionmaker() as session, session.begin():
        [second] = await delivery.claim_due(session, limit=1, lease_s=30)
        assert await delivery.record_sent(session, [(second, "SM-second")]) == {
            (second.shop_id, second.id)
        }
    async with app.state.sessionmaker() as session, session.begin():
        assert not await delivery.record_failed(session, first, error="late news")

    [row] = await outbox_rows(app, shop.shop_id)
    assert (row["status"], row["provider_id"], row["attempts"]) == ("sent", "SM-second", 2)


async def test_a_message_recovered_after_its_last_attempt_fails_without_sending(
    shop, app, fake, make_dispatcher
):
    await queue_messages(app, shop.shop_id, 1)
    await execute(
        app,
        "UPDATE notifications SET status = 'sending', attempts = 3, "
        "next_attempt_at = now() - interval '1 second' WHERE shop_id = :s",
        s=shop.shop_id,
    )

    await make_dispatcher(NOTIFY_MAX_ATTEMPTS=3).run_once()

    [row] = await outbox_rows(app, shop.shop_id)
    assert row["status"] == "failed"
    assert row["last_error"].startswith("gave up after 3 attempts")
    assert fake.requests == []


async def test_a_customer_who_opted_out_after_the_bill_was_queued_is_not_messaged(
    client, shop, app, fake, make_dispatcher
):
    product = await create_product(client, shop, quantity=10)
    assert (await credit_sale(client, shop, product, unique_phone())).status_code == 201
    await execute(app, "UPDATE customers SET opted_out = true WHERE shop_id = :s", s=shop.shop_id)

    await make_dispatcher().run_once()

    [row] = await outbox_rows(app, shop.shop_id)
    assert row["status"] == "failed"
    assert "opted out" in row["last_error"]
    assert fake.requests == []


def next_midnight(timezone: str, at: dt.datetime) -> dt.datetime:
    local = at.astimezone(ZoneInfo(timezone))
    return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), ZoneInfo(timezone))


async def test_the_daily_cap_sends_n_today_and_defers_the_rest_to_the_shops_next_midnight(
    shop, app, fake, make_dispatcher
):
    timezone = "Pacific/Auckland"
    await execute(
        app,
        "UPDATE shops SET daily_message_cap = 3, timezone = :tz WHERE id = :s",
        s=shop.shop_id,
        tz=timezone,
    )
    await queue_messages(app, shop.shop_id, 5)
    dispatcher = make_dispatcher()

    before = dt.datetime.now(dt.UTC)
    assert await dispatcher.run_once() == 5
    after = dt.datetime.now(dt.UTC)

    rows = await outbox_rows(app, shop.shop_id)
    assert [r["status"] for r in rows] == ["sent"] * 3 + ["queued"] * 2
    assert len(fake.requests) == 3
    waiting = rows[3:]
    assert all(r["attempts"] == 0 for r in waiting)
    midnights = {next_midnight(timezone, before), next_midnight(timezone, after)}
    assert all(r["next_attempt_at"] in midnights for r in waiting)
    assert all("daily message limit" in r["last_error"] for r in waiting)
    quota = "SELECT day, used FROM message_quota WHERE shop_id = :s"
    async with app.state.sessionmaker() as session:
        [(day, used)] = (await session.execute(text(quota), {"s": shop.shop_id})).all()
    assert used == 3
    assert day in {m.date() - dt.timedelta(days=1) for m in midnights}
    assert await dispatcher.run_once() == 0

    # The next day: a fresh quota, and the two waiting messages go out.
    await execute(app, "UPDATE message_quota SET day = day - 1 WHERE shop_id = :s", s=shop.shop_id)
    await make_due(app, shop.shop_id)
    assert await dispatcher.run_once() == 2
    assert [r["status"] for r in await outbox_rows(app, shop.shop_id)] == ["sent"] * 5
    assert len(fake.requests) == 5


async def test_a_send_the_provider_refused_gives_its_quota_back(shop, app, fake, make_dispatcher):
    await execute(app, "UPDATE shops SET daily_message_cap = 1 WHERE id = :s", s=shop.shop_id)
    await queue_messages(app, shop.shop_id, 1)
    fake.script(error(500))
    dispatcher = make_dispatcher()
    used = "SELECT used FROM message_quota WHERE shop_id = :s"

    await dispatcher.run_once()
    assert await scalar(app, used, s=shop.shop_id) == 0
    await make_due(app, shop.shop_id)
    await dispatcher.run_once()

    assert await scalar(app, used, s=shop.shop_id) == 1
    assert [r["status"] for r in await outbox_rows(app, shop.shop_id)] == ["sent"]


async def test_messages_carry_the_status_callback_when_a_public_url_is_set(
    shop, app, fake, make_dispatcher
):
    await queue_messages(app, shop.shop_id, 1)

    await make_dispatcher(PUBLIC_BASE_URL="https://dukaan.example/").run_once()

    [sent] = fake.requests
    assert sent.status_callback == "https://dukaan.example/api/webhooks/twilio/status"


async def test_a_shop_on_whatsapp_sends_its_bills_by_whatsapp(
    client, shop, app, fake, make_dispatcher
):
    await execute(
        app, "UPDATE shops SET message_channel = 'whatsapp' WHERE id = :s", s=shop.shop_id
    )
    product = await create_product(client, shop, quantity=10)
    phone = unique_phone()
    assert (await credit_sale(client, shop, product, phone)).status_code == 201

    await make_dispatcher().run_once()

    [sent] = fake.requests
    assert (sent.to, sent.from_) == (f"whatsapp:+91{phone}", "whatsapp:+14155238886")


def test_backoff_grows_attempt_over_attempt_with_jitter_up_to_the_cap():
    rng = random.Random(1)
    for _ in range(200):
        # 30 s doubling stays under the 3600 s cap through attempt 7 (ceiling 1920 s)
        growing = [backoff_delay(n, base_s=30, max_s=3600, rng=rng) for n in range(1, 8)]
        assert all(later >= earlier for earlier, later in itertools.pairwise(growing))
        for n, delay in enumerate(growing, start=1):
            assert 30 * 2 ** (n - 1) / 2 <= delay <= 30 * 2 ** (n - 1)
        capped = [backoff_delay(n, base_s=30, max_s=3600, rng=rng) for n in (8, 20, 500)]
        assert all(1800 <= delay <= 3600 for delay in capped)
    spread = {round(backoff_delay(3, base_s=30, max_s=3600, rng=rng), 3) for _ in range(50)}
    assert len(spread) > 40


async def test_the_inline_dispatcher_sends_from_the_api_process(database_url, tmp_path, fake):
    messaging = twilio_settings(fake, DISPATCHER="inline", DISPATCH_POLL_SECONDS=0.05)
    application = create_app(make_settings(database_url, tmp_path, messaging=messaging))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            shop = await register_shop(client)
            product = await create_product(client, shop, quantity=10)
            phone = unique_phone()
            assert (await credit_sale(client, shop, product, phone)).status_code == 201
            for _ in range(200):
                if fake.requests:
                    break
                await asyncio.sleep(0.05)
    [sent] = fake.requests
    assert sent.to == f"+91{phone}"


async def test_housekeeping_purges_old_keys_and_login_counters_and_scans_reminders(
    shop, app, make_dispatcher
):
    scans: list[dt.datetime] = []

    async def fake_scan(session, now):
        scans.append(now)
        return 0

    await execute(
        app,
        "INSERT INTO idempotency_keys (shop_id, user_id, key, fingerprint, expires_at) VALUES "
        "(:s, :u, 'old', 'f', now() - interval '2 hours'), "
        "(:s, :u, 'new', 'f', now() + interval '1 hour')",
        s=shop.shop_id,
        u=shop.user_id,
    )
    await execute(
        app,
        "INSERT INTO auth_counters (key, hits, window_ends) VALUES "
        "('login:+911', 3, now() - interval '1 second'), "
        "('login:+912', 3, now() + interval '1 hour')",
    )
    dispatcher = make_dispatcher(
        {"reminders_queued": fake_scan}, REMINDER_SCAN_SECONDS=0.05, DISPATCH_POLL_SECONDS=0.02
    )

    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run_forever(stop))
    for _ in range(100):
        if len(scans) >= 2:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(running, 5)

    assert len(scans) >= 2
    keys = "SELECT string_agg(key, ',') FROM idempotency_keys WHERE shop_id = :s"
    assert await scalar(app, keys, s=shop.shop_id) == "new"
    counters = "SELECT string_agg(key, ',') FROM auth_counters WHERE key LIKE 'login:%'"
    assert await scalar(app, counters) == "login:+912"
