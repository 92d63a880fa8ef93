"""Fault: the SMS provider is down for a while. Bills keep being recorded, their messages
wait in the outbox with growing backoff, and once the provider answers again every message
is sent, each exactly once."""

import random
import socket

from app.notifications.dispatcher import Dispatcher, build_channels
from tests.bills import sale
from tests.conftest import create_product, unique_phone
from tests.fakes.twilio import FakeTwilio
from tests.outbox import execute, outbox_rows, twilio_settings

BILLS = 12


def _dead_url() -> str:
    """A loopback address where nothing listens (connection refused), like a provider outage."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_messages_queued_during_a_provider_outage_are_all_sent_once_it_is_back(
    client, shop, app, settings
):
    product = await create_product(client, shop, quantity=100)
    with FakeTwilio() as fake:
        down = twilio_settings(fake, TWILIO_BASE_URL=_dead_url(), NOTIFY_BACKOFF_BASE_SECONDS=1)
        outage = Dispatcher(
            app.state.sessionmaker,
            build_channels(down),
            settings.model_copy(update={"messaging": down}),
            rng=random.Random(3),
        )
        for _ in range(BILLS):
            response = await sale(
                client,
                shop,
                [{"product_id": product["product_id"], "quantity": 1}],
                phone_no=unique_phone(),
                bill_paid=False,
            )
            assert response.status_code == 201  # bills do not wait for the provider
        for _ in range(3):
            await outage.run_once()
            await execute(
                app,
                "UPDATE notifications SET next_attempt_at = now() WHERE status = 'queued'",
            )
        await outage.aclose()
        waiting = await outbox_rows(app, shop.shop_id)
        assert {row["status"] for row in waiting} == {"queued"}
        assert all(row["attempts"] == 3 and row["last_error"] for row in waiting)
        assert fake.requests == []

        back = twilio_settings(fake)
        recovered = Dispatcher(
            app.state.sessionmaker,
            build_channels(back),
            settings.model_copy(update={"messaging": back}),
            rng=random.Random(4),
        )
        while await recovered.run_once():
            pass
        await recovered.aclose()

    sent = await outbox_rows(app, shop.shop_id)
    assert {row["status"] for row in sent} == {"sent"}
    assert len(fake.requests) == BILLS
    assert len({request.body for request in fake.requests}) == BILLS
