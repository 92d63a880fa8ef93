"""Share links: a signed, expiring link opens one bill (or statement) of one shop without a
login; a changed, expired, revoked or foreign token is a 404 that reveals nothing; the bill SMS
carries the link and a WhatsApp bill attaches the PDF; reminders carry a way to pay."""

import datetime as dt
import random
from urllib.parse import urlsplit

import pytest

from app.config import MessagingSettings
from app.core import share_links
from app.notifications.dispatcher import Dispatcher, build_channels
from tests.auth_helpers import add_staff
from tests.bills import exact, sale
from tests.conftest import TEST_SECRET, create_product, make_settings, register_shop, unique_phone
from tests.fakes.twilio import FakeTwilio
from tests.outbox import outbox_rows, twilio_settings
from tests.pdfs import flat, pdf_text

PUBLIC = "https://dukaan.example.in"


@pytest.fixture
def settings(database_url, tmp_path):
    return make_settings(
        database_url,
        tmp_path,
        messaging=MessagingSettings(PUBLIC_BASE_URL=PUBLIC, DISPATCHER="off"),
    )


async def _bill(client, shop, name: str = "Parle-G Biscuit", **fields) -> dict:
    product = await create_product(client, shop, product_name=name, price_sale="10.00")
    response = await sale(
        client, shop, [{"product_id": product["product_id"], "quantity": 3}], **fields
    )
    assert response.status_code == 201, response.text
    return exact(response)


async def _share(client, shop, sale_id: int, **body) -> dict:
    response = await client.post(
        f"/api/sales/{sale_id}/share", json=body or None, headers=shop.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def test_a_share_link_opens_the_bill_without_a_login_as_a_page_and_a_pdf(client, shop):
    sold = await _bill(client, shop)

    link = await _share(client, shop, sold["sale_id"])

    assert link["url"].startswith(f"{PUBLIC}/b/")
    assert link["url"] == f"{PUBLIC}/b/{link['token']}"
    expires = dt.datetime.fromisoformat(link["expires_at"])
    assert (
        dt.timedelta(days=29, hours=23) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    )
    page = await client.get(_path(link["url"]))  # no Authorization header
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert sold["bill_no"] in page.text and "Parle-G Biscuit" in page.text
    assert page.headers["x-robots-tag"].startswith("noindex")
    pdf = await client.get(_path(link["pdf_url"]))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert sold["bill_no"] in flat(pdf_text(pdf.content))


async def test_the_link_lives_as_many_days_as_asked(client, shop):
    sold = await _bill(client, shop)
    link = await _share(client, shop, sold["sale_id"], days=7)
    expires = dt.datetime.fromisoformat(link["expires_at"])
    assert expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)
    for days in (0, 366, "x"):
        response = await client.post(
            f"/api/sales/{sold['sale_id']}/share", json={"days": days}, headers=shop.headers
        )
        assert response.status_code == 422, response.text
        assert "days" in response.text


def _altered(token: str) -> list[str]:
    """Tokens one character away from `token`, at the start, middle and end."""
    out = []
    for index in (0, len(token) // 2, len(token) - 1):
        swap = "A" if token[index] != "A" else "B"
        out.append(token[:index] + swap + token[index + 1 :])
    return out


async def test_a_changed_expired_or_made_up_token_is_a_404_that_says_nothing(client, shop):
    sold = await _bill(client, shop)
    token = (await _share(client, shop, sold["sale_id"]))["token"]
    key = share_links.link_key(TEST_SECRET)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    expired = share_links.issue(
        key,
        "sale",
        shop.shop_id,
        sold["sale_id"],
        issued_at=past,
        expires_at=past + dt.timedelta(days=30),
    )
    forged = share_links.issue(
        share_links.link_key("another secret"),
        "sale",
        shop.shop_id,
        sold["sale_id"],
        issued_at=dt.datetime.now(dt.UTC),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(1),
    )

    bodies = set()
    for bad in [*_altered(token), expired, forged, "A" * 30, token + "AA", "not-a-token-at-all"]:
        response = await client.get(f"/b/{bad}")
        assert response.status_code in (404, 422), (bad, response.text)
        if response.status_code == 404:
            bodies.add(response.text)
    assert len(bodies) == 1  # every refusal reads the same
    assert (await client.get(f"/b/{token}")).status_code == 200


async def test_a_token_never_opens_another_bill_or_another_shops_bill(client, shop):
    mine = await _bill(client, shop, "Mine")
    theirs_shop = await register_shop(client, "Neighbour")
    theirs = await _bill(client, theirs_shop, "Theirs")
    key = share_links.link_key(TEST_SECRET)
    now = dt.datetime.now(dt.UTC)
    # A correctly signed token for a bill number that this shop does not have:
    foreign = share_links.issue(
        key,
        "sale",
        shop.shop_id,
        theirs["sale_id"],
        issued_at=now,
        expires_at=now + dt.timedelta(days=1),
    )

    page = await client.get(f"/b/{(await _share(client, shop, mine['sale_id']))['token']}")
    assert "Mine" in page.text and "Theirs" not in page.text
    assert (await client.get(f"/b/{foreign}")).status_code == 404
    refused = await client.post(f"/api/sales/{theirs['sale_id']}/share", headers=shop.headers)
    assert refused.status_code == 404


async def test_the_owner_revokes_a_bills_links_and_a_new_link_works(client, shop):
    sold = await _bill(client, shop)
    old = await _share(client, shop, sold["sale_id"])
    staff = await add_staff(client, shop)

    by_staff = await client.delete(f"/api/sales/{sold['sale_id']}/share", headers=staff.headers)
    assert by_staff.status_code == 403
    assert (await client.get(_path(old["url"]))).status_code == 200

    revoked = await client.delete(f"/api/sales/{sold['sale_id']}/share", headers=shop.headers)
    assert revoked.status_code == 200, revoked.text
    assert (await client.get(_path(old["url"]))).status_code == 404
    assert (await client.get(_path(old["pdf_url"]))).status_code == 404
    new = await _share(client, shop, sold["sale_id"])
    assert (await client.get(_path(new["url"]))).status_code == 200
    assert (await client.get(_path(old["url"]))).status_code == 404


async def test_a_statement_link_opens_the_customers_account(client, shop):
    phone = unique_phone()
    sold = await _bill(
        client, shop, bill_paid=False, amount_paid="0.00", phone_no=phone, customer_name="Kamla"
    )
    detail = exact(await client.get(f"/api/sales/{sold['sale_id']}", headers=shop.headers))
    response = await client.post(
        f"/api/customers/{detail['customer_id']}/statement/share", headers=shop.headers
    )
    assert response.status_code == 201, response.text

    page = await client.get(_path(response.json()["url"]))

    assert page.status_code == 200
    assert "Kamla" in page.text and "30.00" in page.text


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server


async def _dispatch(app, settings, fake, **overrides) -> None:
    messaging = twilio_settings(fake, PUBLIC_BASE_URL=PUBLIC, **overrides)
    dispatcher = Dispatcher(
        app.state.sessionmaker,
        build_channels(messaging),
        settings.model_copy(update={"messaging": messaging}),
        rng=random.Random(3),
    )
    try:
        await dispatcher.run_once()
    finally:
        await dispatcher.aclose()


async def test_the_bill_sms_carries_the_link_to_the_bill(client, shop, app, settings, fake):
    sold = await _bill(client, shop, bill_paid=False, amount_paid="0.00")

    (queued,) = await outbox_rows(app, shop.shop_id)
    assert share_links.BILL_LINK_MARK in queued["body"]
    await _dispatch(app, settings, fake)

    (sent,) = fake.requests
    assert share_links.BILL_LINK_MARK not in sent.body
    (url,) = [word for word in sent.body.split() if word.startswith(f"{PUBLIC}/b/")]
    assert "MediaUrl" not in sent.form  # SMS carries no attachment
    page = await client.get(_path(url))
    assert page.status_code == 200 and sold["bill_no"] in page.text


async def test_a_whatsapp_bill_attaches_the_pdf(client, shop, app, settings, fake):
    switched = await client.patch(
        "/api/auth/shop", json={"message_channel": "whatsapp"}, headers=shop.headers
    )
    assert switched.status_code == 200
    sold = await _bill(client, shop)

    await _dispatch(app, settings, fake)

    (sent,) = fake.requests
    media = sent.form["MediaUrl"]
    assert media.startswith(f"{PUBLIC}/b/") and media.endswith("?format=pdf")
    assert media.removesuffix("?format=pdf") in sent.body
    pdf = await client.get(_path(media))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert sold["bill_no"] in flat(pdf_text(pdf.content))


async def test_a_reminder_carries_the_upi_link_and_the_statement_link(
    client, shop, app, settings, fake
):
    updated = await client.patch(
        "/api/auth/shop", json={"upi_id": "kirana@ybl"}, headers=shop.headers
    )
    assert updated.status_code == 200
    await _bill(client, shop, bill_paid=False, amount_paid="5.00")
    entries = (await client.get("/api/udhaar/sales/", headers=shop.headers)).json()
    (entry,) = entries

    response = await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/", headers=shop.headers
    )
    assert response.status_code == 200, response.text
    await _dispatch(app, settings, fake)

    reminder = next(r for r in fake.requests if "due to" in (r.body or ""))
    assert "upi://pay?pa=kirana@ybl&" in reminder.body and "am=25.00" in reminder.body
    (url,) = [word for word in reminder.body.split() if word.startswith(f"{PUBLIC}/b/")]
    page = await client.get(_path(url))
    assert page.status_code == 200 and "25.00" in page.text
