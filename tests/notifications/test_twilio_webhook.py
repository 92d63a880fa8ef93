"""Twilio's delivery reports at `POST /api/webhooks/twilio/status`.

Signed by Twilio (HMAC-SHA1 of the public URL and the form fields under the auth token):
the signature is computed here independently of the SDK, as Twilio documents it. Unsigned,
mis-signed or altered reports are 403 and change nothing; signed ones only move a message
forward.
"""

import base64
import hashlib
import hmac

import httpx
import pytest

from app.config import MessagingSettings
from app.main import create_app
from tests.bills import sale, scalar
from tests.conftest import create_product, make_settings, unique_phone
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.outbox import FROM, execute

PUBLIC = "https://dukaan.example"
PATH = "/api/webhooks/twilio/status"
URL = PUBLIC + PATH


def messaging(**overrides) -> MessagingSettings:
    values = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM,
        "PUBLIC_BASE_URL": PUBLIC,
        "DISPATCHER": "off",
    }
    return MessagingSettings(**(values | overrides))


@pytest.fixture
def settings(database_url, tmp_path):
    return make_settings(database_url, tmp_path, messaging=messaging())


def twilio_signature(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """Twilio's scheme: the URL, then each field name and value sorted by name, HMAC-SHA1."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def report(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": ACCOUNT_SID,
        "From": FROM,
        "To": "+919812345678",
        "ApiVersion": "2010-04-01",
    } | extra


async def post_report(client, params: dict[str, str], signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        headers["X-Twilio-Signature"] = twilio_signature(URL, params)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return await client.post(PATH, data=params, headers=headers)


async def sent_bill(client, shop, app, provider_id: str) -> int:
    """A credit sale whose bill SMS Twilio accepted as `provider_id`; returns the customer."""
    product = await create_product(client, shop, quantity=10)
    response = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        bill_paid=False,
        amount_paid="0.00",
        payment_due_date="2026-12-31",
        phone_no=unique_phone(),
    )
    assert response.status_code == 201, response.text
    await execute(
        app,
        "UPDATE notifications SET status = 'sent', provider_id = :p, sent_at = now(), "
        "attempts = 1 WHERE shop_id = :s",
        p=provider_id,
        s=shop.shop_id,
    )
    return await scalar(
        app, "SELECT customer_id FROM notifications WHERE provider_id = :p", p=provider_id
    )


async def status_of(app, provider_id: str) -> str:
    return await scalar(
        app, "SELECT status FROM notifications WHERE provider_id = :p", p=provider_id
    )


async def test_a_signed_delivered_report_marks_the_message_delivered(client, shop, app):
    await sent_bill(client, shop, app, "SM0001")

    response = await post_report(client, report("SM0001", "delivered"))

    assert response.status_code == 204
    assert await status_of(app, "SM0001") == "delivered"


async def test_reports_only_move_a_message_forward(client, shop, app):
    await sent_bill(client, shop, app, "SM0002")

    for status in ("queued", "sending"):
        assert (await post_report(client, report("SM0002", status))).status_code == 204
        assert await status_of(app, "SM0002") == "sent"
    assert (await post_report(client, report("SM0002", "delivered"))).status_code == 204
    for late in ("sent", "sending", "failed", "undelivered"):
        assert (await post_report(client, report("SM0002", late))).status_code == 204
        assert await status_of(app, "SM0002") == "delivered"


async def test_a_whatsapp_read_receipt_counts_as_delivered(client, shop, app):
    await sent_bill(client, shop, app, "SM0003")

    assert (await post_report(client, report("SM0003", "read"))).status_code == 204

    assert await status_of(app, "SM0003") == "delivered"


async def test_undelivered_becomes_undeliverable_with_the_error_code(client, shop, app):
    await sent_bill(client, shop, app, "SM0004")

    params = report("SM0004", "undelivered", ErrorCode="30003")
    assert (await post_report(client, params)).status_code == 204

    assert await status_of(app, "SM0004") == "undeliverable"
    error = await scalar(app, "SELECT last_error FROM notifications WHERE provider_id = 'SM0004'")
    assert "30003" in error
    opted_out = "SELECT opted_out FROM customers WHERE shop_id = :s"
    assert await scalar(app, opted_out, s=shop.shop_id) is False


async def test_a_failed_report_with_21610_opts_the_customer_out(client, shop, app):
    customer_id = await sent_bill(client, shop, app, "SM0005")

    params = report("SM0005", "failed", ErrorCode="21610")
    assert (await post_report(client, params)).status_code == 204

    assert await status_of(app, "SM0005") == "failed"
    opted_out = "SELECT opted_out FROM customers WHERE id = :c"
    assert await scalar(app, opted_out, c=customer_id) is True


async def test_a_report_about_an_unknown_message_is_acknowledged_and_changes_nothing(
    client, shop, app
):
    await sent_bill(client, shop, app, "SM0006")

    assert (await post_report(client, report("SM9999", "delivered"))).status_code == 204

    assert await status_of(app, "SM0006") == "sent"


@pytest.mark.parametrize(
    "how",
    ["missing", "garbage", "wrong token", "other url", "tampered body", "added field"],
)
async def test_an_unsigned_or_altered_report_is_403_and_changes_nothing(client, shop, app, how):
    await sent_bill(client, shop, app, "SM0007")
    signed = report("SM0007", "delivered")
    params, signature = dict(signed), twilio_signature(URL, signed)
    if how == "missing":
        signature = None
    elif how == "garbage":
        signature = "bm90IGEgc2lnbmF0dXJl"
    elif how == "wrong token":
        signature = twilio_signature(URL, signed, token="some-other-token")
    elif how == "other url":
        signature = twilio_signature("http://shop.test" + PATH, signed)
    elif how == "tampered body":
        params["MessageStatus"] = params["SmsStatus"] = "failed"
    elif how == "added field":
        params["ErrorCode"] = "21610"

    response = await post_report(client, params, signature=signature)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert set(response.json()) == {"detail", "code"}
    assert await status_of(app, "SM0007") == "sent"
    assert await scalar(app, "SELECT bool_or(opted_out) FROM customers") is False


async def test_without_a_public_url_no_report_is_accepted(database_url, tmp_path):
    application = create_app(
        make_settings(database_url, tmp_path, messaging=messaging(PUBLIC_BASE_URL=None))
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            response = await post_report(client, report("SM0008", "delivered"))
    assert response.status_code == 403


async def test_the_webhook_is_documented_with_its_form_body_and_403(client):
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][PATH]["post"]
    assert {"204", "403"} <= set(operation["responses"])
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert {"MessageSid", "MessageStatus"} <= set(form["required"])
    assert any(p["name"] == "X-Twilio-Signature" for p in operation["parameters"])
    assert "security" not in operation
