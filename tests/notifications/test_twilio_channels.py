"""The Twilio channels through the real `twilio` SDK against the loopback fake.

What a message looks like on the wire (To, From, Messaging Service, WhatsApp addresses,
status callback, credentials), how each kind of failure is classified, and that the auth
token never reaches a log line.
"""

import json
import logging

import pytest

from app.config import MessagingSettings
from app.core.logging import JSONFormatter
from app.integrations.console import ConsoleChannel
from app.integrations.messaging import MessageChannel, SendFailed
from app.integrations.twilio import TwilioConnection, TwilioSMS, TwilioWhatsApp, is_retryable
from app.notifications.dispatcher import build_channels
from tests.fakes.twilio import HANG, FakeTwilio, error
from tests.outbox import FROM, twilio_settings

TO = "+919812345678"


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server


async def test_an_sms_goes_from_our_number_with_our_credentials(fake):
    channels = build_channels(twilio_settings(fake))
    try:
        sid = await channels["sms"].send(TO, "Namaste", status_callback=None)
    finally:
        await channels["sms"].aclose()
    [sent] = fake.requests
    assert (sent.to, sent.from_, sent.body) == (TO, FROM, "Namaste")
    assert sent.messaging_service_sid is None
    assert sent.status_callback is None
    assert (sent.username, sent.password) == (fake.account_sid, fake.auth_token)
    assert sent.account_sid == fake.account_sid
    assert sid == sent.answered_sid


async def test_a_messaging_service_sends_instead_of_a_number_and_carries_the_callback(fake):
    settings = twilio_settings(
        fake, TWILIO_FROM_NUMBER=None, TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32
    )
    channels = build_channels(settings)
    callback = "https://dukaan.example/api/webhooks/twilio/status"
    try:
        await channels["sms"].send(TO, "Namaste", status_callback=callback)
    finally:
        await channels["sms"].aclose()
    [sent] = fake.requests
    assert sent.from_ is None
    assert sent.messaging_service_sid == "MG" + "1" * 32
    assert sent.status_callback == callback


async def test_whatsapp_uses_the_whatsapp_address_form_on_both_ends(fake):
    channels = build_channels(twilio_settings(fake, TWILIO_WHATSAPP_FROM="+14155238886"))
    try:
        assert isinstance(channels["whatsapp"], TwilioWhatsApp)
        assert isinstance(channels["sms"], TwilioSMS)
        await channels["whatsapp"].send(TO, "Namaste", status_callback=None)
    finally:
        await channels["whatsapp"].aclose()
    [sent] = fake.requests
    assert (sent.to, sent.from_) == (f"whatsapp:{TO}", "whatsapp:+14155238886")


async def test_without_a_whatsapp_sender_whatsapp_messages_go_by_sms(fake):
    channels = build_channels(twilio_settings(fake, TWILIO_WHATSAPP_FROM=None))
    try:
        assert channels["whatsapp"] is channels["sms"]
    finally:
        await channels["sms"].aclose()


def test_without_twilio_credentials_both_kinds_go_to_the_console():
    settings = MessagingSettings(TWILIO_ACCOUNT_SID="", TWILIO_AUTH_TOKEN="", DISPATCHER="off")
    channels = build_channels(settings)
    assert isinstance(channels["sms"], ConsoleChannel)
    assert channels["whatsapp"] is channels["sms"]
    assert isinstance(channels["sms"], MessageChannel)


async def test_the_console_channel_logs_the_text_and_makes_up_an_id(caplog):
    caplog.set_level(logging.INFO, logger="dukaan.messages.console")
    provider_id = await ConsoleChannel().send(TO, "Namaste ji", status_callback=None)
    assert provider_id.startswith("console-")
    [record] = [r for r in caplog.records if r.name == "dukaan.messages.console"]
    assert (record.to, record.body, record.provider_id) == (TO, "Namaste ji", provider_id)


@pytest.mark.parametrize(
    ("answer", "retryable", "code"),
    [
        (error(500), True, 500),
        (error(503, 30500, "Service unavailable"), True, 30500),
        (error(429, 20429, "Too Many Requests"), True, 20429),
        (error(400, 30003, "Unreachable destination handset"), True, 30003),
        (error(400, 21211, "Invalid 'To' Phone Number"), False, 21211),
        (error(400, 21610, "Attempt to send to unsubscribed recipient"), False, 21610),
        (error(400, 21614, "'To' number is not a valid mobile number"), False, 21614),
        (error(400, 21608, "Unverified number on a trial account"), False, 21608),
        (error(400, 21635, "'To' number cannot be a landline"), False, 21635),
        (error(404, 20404, "Not found"), False, 20404),
    ],
)
async def test_twilio_errors_are_retryable_or_permanent_by_code_and_status(
    fake, answer, retryable, code
):
    fake.script(answer)
    connection = TwilioConnection(twilio_settings(fake))
    try:
        with pytest.raises(SendFailed) as failed:
            await TwilioSMS(connection, from_number=FROM).send(TO, "x", status_callback=None)
    finally:
        await connection.aclose()
    assert (failed.value.retryable, failed.value.code) == (retryable, code)
    assert str(code) in failed.value.reason


def test_the_classification_table():
    assert is_retryable(503, None)
    assert is_retryable(429, None)
    assert not is_retryable(400, None)
    assert not is_retryable(401, 20003)
    assert is_retryable(400, 30001)
    assert not is_retryable(500, 21610)


async def test_a_provider_that_does_not_answer_times_out_as_retryable(fake):
    fake.script(HANG)
    connection = TwilioConnection(twilio_settings(fake, TWILIO_TIMEOUT_SECONDS=0.3))
    try:
        with pytest.raises(SendFailed) as failed:
            await TwilioSMS(connection, from_number=FROM).send(TO, "x", status_callback=None)
    finally:
        await connection.aclose()
        fake.release()
    assert failed.value.retryable
    assert failed.value.code is None
    assert "did not answer" in failed.value.reason


async def test_a_provider_that_is_down_is_a_retryable_network_error():
    with FakeTwilio() as gone:
        settings = twilio_settings(gone)
    connection = TwilioConnection(settings)  # the port is closed now
    try:
        with pytest.raises(SendFailed) as failed:
            await TwilioSMS(connection, from_number=FROM).send(TO, "x", status_callback=None)
    finally:
        await connection.aclose()
    assert failed.value.retryable
    assert "network error" in failed.value.reason


async def test_wrong_credentials_are_a_permanent_failure(fake):
    connection = TwilioConnection(twilio_settings(fake, TWILIO_AUTH_TOKEN="not-the-token"))
    try:
        with pytest.raises(SendFailed) as failed:
            await TwilioSMS(connection, from_number=FROM).send(TO, "x", status_callback=None)
    finally:
        await connection.aclose()
    assert (failed.value.retryable, failed.value.code) == (False, 20003)


async def test_logs_never_contain_the_auth_token(fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.script(
        error(500),
        error(400, 21610, "Attempt to send to unsubscribed recipient"),
        error(429, 20429, "Too Many Requests"),
        HANG,
    )
    settings = twilio_settings(fake, TWILIO_TIMEOUT_SECONDS=0.3)
    channels = build_channels(settings)
    try:
        for _ in range(5):
            try:
                await channels["sms"].send(TO, "Namaste", status_callback=None)
            except SendFailed:
                logging.getLogger("dukaan.test").exception("send failed")
    finally:
        await channels["sms"].aclose()
        fake.release()
    assert len(fake.requests) == 5
    assert all(r.password == fake.auth_token for r in fake.requests)
    formatter = JSONFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert lines, "nothing was logged, so nothing was checked"
    everything = (
        "\n".join(lines)
        + caplog.text
        + repr(settings)
        + json.dumps(settings.model_dump(mode="json"))
    )
    assert fake.auth_token not in everything
