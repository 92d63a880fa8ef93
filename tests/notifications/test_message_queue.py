"""What bills, payments and reminders write into the outbox, in the shop's words and limits.

Sending is the dispatcher's job (tests/notifications/test_dispatcher.py); here the rows are
read back through GET /api/notifications/outbox, as a shop owner's app would.
"""

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import text

from app.notifications.templates import sms_segments
from app.udhaar.reminders import queue_due_reminders
from tests.bills import purchase, sale, scalar
from tests.conftest import create_product, unique_phone


def shop_today() -> dt.date:
    """The test shops' date (Asia/Kolkata), which is not the machine's near midnight UTC."""
    return dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()


async def outbox(client, shop, **params):
    response = await client.get("/api/notifications/outbox", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def settings(client, shop, **changes):
    response = await client.patch("/api/auth/shop", json=changes, headers=shop.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def credit_sale(client, shop, phone, amount="500.00", **fields):
    name = f"Aashirvaad Atta 5kg {unique_phone()[-4:]}"
    product = await create_product(client, shop, product_name=name, price_sale=amount, quantity=50)
    response = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        phone_no=phone,
        customer_name="Meena",
        bill_paid=False,
        **fields,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def entry_of(client, shop, sale_id):
    entries = (await client.get("/api/udhaar/sales/", headers=shop.headers)).json()
    (entry,) = [e for e in entries if e["sales_id"] == sale_id]
    return entry


async def test_a_sale_queues_its_bill_with_lines_and_balance(client, shop):
    phone = unique_phone()
    sold = await credit_sale(client, shop, phone, payment_due_date="2026-12-31")

    (message,) = await outbox(client, shop)

    assert message["template"] == "sale_bill" and message["status"] == "queued"
    assert message["to"] == "+91" + phone and message["channel"] == "sms"
    assert message["reference"] == f"sale:{sold['sale_id']}"
    body = message["body"]
    for part in ("Meena", "Shop A", sold["bill_no"], "Aashirvaad Atta 5k x1=500.00", "500.00"):
        assert part in body, (part, body)
    assert "due by 2026-12-31" in body
    assert message["attempts"] == 0 and message["next_attempt_at"] is not None


async def test_bills_stay_within_a_few_sms_segments(client, shop):
    lines = []
    for name in ("Fortune Sunflower Oil 1L", "Tata Salt Iodised 1kg", "Parle-G Gold 1kg", "Eno"):
        product = await create_product(client, shop, product_name=name, price_sale="99.50")
        lines.append({"product_id": product["product_id"], "quantity": "2.5"})
    for language in ("en", "hi"):
        await settings(client, shop, language=language)
        response = await sale(client, shop, lines, phone_no=unique_phone(), bill_paid=False)
        assert response.status_code == 201, response.text
    en, hi = reversed([m["body"] for m in await outbox(client, shop)])
    assert "+1 more" in en and sms_segments(en) <= 2, en
    assert "कुल" in hi and sms_segments(hi) <= 4, hi


async def test_the_shop_language_and_channel_shape_the_message(client, shop):
    changed = await settings(client, shop, language="hi", message_channel="whatsapp")
    assert (changed["language"], changed["message_channel"]) == ("hi", "whatsapp")

    await credit_sale(client, shop, unique_phone())

    (message,) = await outbox(client, shop)
    assert (message["language"], message["channel"]) == ("hi", "whatsapp")
    assert "नमस्ते Meena" in message["body"] and "बकाया ₹500.00" in message["body"]


async def test_a_shop_that_does_not_send_bills_queues_none(client, shop):
    await settings(client, shop, send_bill_messages=False)
    await credit_sale(client, shop, unique_phone())
    assert await outbox(client, shop) == []


async def test_a_purchase_sends_the_vendor_its_bill(client, shop):
    response = await purchase(
        client,
        shop,
        [{"product_name": "Toor Dal 1kg", "quantity": 10, "price_purchase": "120.00"}],
        amount_paid="200.00",
        bill_paid=False,
    )
    assert response.status_code == 201, response.text

    (message,) = await outbox(client, shop)

    assert message["template"] == "purchase_bill" and message["to"] == "+919876543210"
    assert message["vendor_id"] is not None and message["customer_id"] is None
    assert f"P-{response.json()['purchase_id']}" in message["body"]
    assert "Toor Dal 1kg x10=1200.00" in message["body"] and "1000.00" in message["body"]


async def test_a_customer_payment_queues_a_receipt_with_the_balance(client, shop):
    phone = unique_phone()
    sold = await credit_sale(client, shop, phone)
    entry = await entry_of(client, shop, sold["sale_id"])
    paid = await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/payments",
        json={"amount": 200, "paid_on": "2026-11-24"},
        headers=shop.headers,
    )
    assert paid.status_code == 201, paid.text

    receipt, _bill = await outbox(client, shop)

    assert receipt["template"] == "payment_receipt"
    assert receipt["reference"] == f"payment:{paid.json()['payment_id']}"
    assert "Rs 200.00" in receipt["body"] and "Balance Rs 300.00" in receipt["body"]
    assert "2026-11-24" in receipt["body"]

    await settings(client, shop, send_payment_receipts=False)
    await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/payments",
        json={"amount": 1},
        headers=shop.headers,
    )
    assert len(await outbox(client, shop)) == 2


async def test_a_manual_reminder_is_queued_and_answers_like_the_old_api(client, shop):
    phone = unique_phone()
    sold = await credit_sale(client, shop, phone)
    entry = await entry_of(client, shop, sold["sale_id"])

    response = await client.post(
        f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/", headers=shop.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "SMS sent successfully" and body["phone"] == "+91" + phone
    reminder = (await outbox(client, shop, status="queued", party=phone))[0]
    assert reminder["notification_id"] == body["notification_id"]
    assert reminder["template"] == "reminder" and "Rs 500.00" in reminder["body"]
    assert reminder["reference"] == f"udhaar:{entry['udhar_id']}"


async def test_reminders_refuse_settled_entries_and_opted_out_customers(client, shop):
    phone = unique_phone()
    sold = await credit_sale(client, shop, phone)
    entry = await entry_of(client, shop, sold["sale_id"])
    url = f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/"
    app = client._transport.app
    async with app.state.sessionmaker.begin() as session:
        await session.execute(
            text("UPDATE customers SET opted_out = true WHERE phone = :p"),
            {"p": "+91" + phone},
        )
    opted_out = await client.post(url, headers=shop.headers)
    assert opted_out.status_code == 409 and opted_out.json()["code"] == "opted_out"

    await client.delete(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers)
    settled = await client.post(url, headers=shop.headers)
    assert settled.status_code == 409 and "settled" in settled.json()["detail"]


async def test_manual_sends_over_the_daily_cap_are_429(client, shop):
    await settings(client, shop, daily_message_cap=2, send_bill_messages=False)
    sold = await credit_sale(client, shop, unique_phone())
    entry = await entry_of(client, shop, sold["sale_id"])
    url = f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/"

    assert (await client.post(url, headers=shop.headers)).status_code == 200
    assert (await client.post(url, headers=shop.headers)).status_code == 200
    over = await client.post(url, headers=shop.headers)

    assert over.status_code == 429 and over.json()["code"] == "rate_limited"
    assert 0 < int(over.headers["Retry-After"]) <= 86_401
    assert len(await outbox(client, shop)) == 2


async def test_shop_templates_replace_the_default_wording(client, shop):
    custom = "{shop}: Rs {balance} baki, bill {bill_no}, {due_date} tak. -DLT"
    changed = await settings(client, shop, message_templates={"reminder": {"en": custom}})
    assert changed["message_templates"] == {"reminder": {"en": custom}}
    sold = await credit_sale(client, shop, unique_phone(), payment_due_date="2026-12-20")
    entry = await entry_of(client, shop, sold["sale_id"])

    await client.post(f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/", headers=shop.headers)

    reminder = (await outbox(client, shop))[0]
    assert (
        reminder["body"] == f"Shop A: Rs 500.00 baki, bill {sold['bill_no']}, 2026-12-20 tak. -DLT"
    )


async def test_a_template_with_an_unknown_field_is_refused(client, shop):
    for wording in ("Pay {amount_due} now", "Bad {brace", "{shop!r} owes", " "):
        response = await client.patch(
            "/api/auth/shop",
            json={"message_templates": {"reminder": {"en": wording}}},
            headers=shop.headers,
        )
        assert response.status_code == 422, wording
        assert response.json()["errors"][0]["loc"][:2] == ["body", "message_templates"]
    wrong_name = await client.patch(
        "/api/auth/shop", json={"message_templates": {"invoice": {"en": "x"}}}, headers=shop.headers
    )
    assert wrong_name.status_code == 422


async def test_outbox_filters_by_status_and_party(client, shop, other_shop):
    first, second = unique_phone(), unique_phone()
    await credit_sale(client, shop, first)
    await credit_sale(client, shop, second)

    assert len(await outbox(client, shop)) == 2
    (only,) = await outbox(client, shop, party=f"0{second}")
    assert only["to"] == "+91" + second
    assert await outbox(client, shop, status="sent") == []
    assert await outbox(client, other_shop) == []
    bad = await client.get(
        "/api/notifications/outbox", params={"status": "lost"}, headers=shop.headers
    )
    assert bad.status_code == 422


async def _scan(app) -> int:
    async with app.state.sessionmaker.begin() as session:
        return await queue_due_reminders(session, dt.datetime.now(dt.UTC))


async def _reminders(app, shop_id) -> int:
    return await scalar(
        app,
        "SELECT count(*) FROM notifications WHERE shop_id = :s AND template = 'reminder'",
        s=shop_id,
    )


async def test_automatic_reminders_come_once_a_day_however_many_scans_run(client, shop):
    app = client._transport.app
    await settings(client, shop, reminder_hour=0, send_bill_messages=False)
    today = shop_today()
    due_today = await client.post(
        "/api/udhaar/sales/",
        json={
            "phone_no": unique_phone(),
            "amount": 75,
            "due_date": today.isoformat(),
            "entry_date": (today - dt.timedelta(days=3)).isoformat(),
        },
        headers=shop.headers,
    )
    not_due = await client.post(
        "/api/udhaar/sales/",
        json={
            "phone_no": unique_phone(),
            "amount": 75,
            "due_date": (today + dt.timedelta(days=1)).isoformat(),
        },
        headers=shop.headers,
    )
    assert due_today.status_code == not_due.status_code == 201

    scans = await asyncio.gather(*(_scan(app) for _ in range(4)))

    assert sum(scans) == 1 and await _reminders(app, shop.shop_id) == 1
    (reminder,) = await outbox(client, shop)
    assert reminder["reference"] == f"udhaar:{due_today.json()['udhar_id']}"
    assert "Rs 75.00" in reminder["body"]
    assert await _scan(app) == 0


async def test_overdue_entries_are_reminded_again_every_n_days(client, shop):
    app = client._transport.app
    await settings(client, shop, reminder_hour=0, reminder_every_days=3)
    today = shop_today()
    created = await client.post(
        "/api/udhaar/sales/",
        json={
            "phone_no": unique_phone(),
            "amount": 40,
            "entry_date": (today - dt.timedelta(days=20)).isoformat(),
            "due_date": (today - dt.timedelta(days=10)).isoformat(),
        },
        headers=shop.headers,
    )
    assert created.status_code == 201
    assert await _scan(app) == 1

    async def age_reminders(days: int) -> None:
        async with app.state.sessionmaker.begin() as session:
            await session.execute(
                text(
                    "UPDATE notifications SET created_at = created_at - make_interval(days => :d),"
                    " dedupe_key = dedupe_key || '-aged' WHERE template = 'reminder'"
                ),
                {"d": days},
            )

    await age_reminders(2)  # reminded two days ago: not yet
    assert await _scan(app) == 0
    await age_reminders(1)  # three days ago: again
    assert await _scan(app) == 1
    assert await _reminders(app, shop.shop_id) == 2


async def test_no_automatic_reminders_before_the_shop_hour_or_when_disabled(client, shop):
    app = client._transport.app
    now_local = dt.datetime.now(ZoneInfo("Asia/Kolkata"))
    today = now_local.date()
    await client.post(
        "/api/udhaar/sales/",
        json={"phone_no": unique_phone(), "amount": 40, "due_date": today.isoformat()},
        headers=shop.headers,
    )
    await settings(client, shop, reminders_enabled=False, reminder_hour=0)
    assert await _scan(app) == 0
    if now_local.hour < 23:
        await settings(client, shop, reminders_enabled=True, reminder_hour=now_local.hour + 1)
        assert await _scan(app) == 0
    await settings(client, shop, reminders_enabled=True, reminder_hour=0)
    assert await _scan(app) == 1


async def test_opted_out_customers_get_no_bills_or_reminders(client, shop):
    phone = unique_phone()
    await credit_sale(client, shop, phone)
    app = client._transport.app
    async with app.state.sessionmaker.begin() as session:
        await session.execute(
            text("UPDATE customers SET opted_out = true WHERE phone = :p"),
            {"p": "+91" + phone},
        )
    await credit_sale(client, shop, phone)
    await settings(client, shop, reminder_hour=0)
    await client.post(
        "/api/udhaar/sales/",
        json={
            "phone_no": phone,
            "amount": 5,
            "due_date": shop_today().isoformat(),
            "entry_date": (shop_today() - dt.timedelta(days=1)).isoformat(),
        },
        headers=shop.headers,
    )
    await _scan(app)
    assert len(await outbox(client, shop)) == 1  # only the first bill, from before
