"""The owner's daily summary message: a kirana's day, told to its owner once, at closing time.

The shop turns the summary on in its settings; after its closing hour the dispatcher's scan
queues one message to the owner's phone with the day's sales, profit, cash and UPI that came
in, udhaar given and received and the low-stock count, and the dispatcher sends it through
the real twilio SDK to the loopback fake. Every figure is checked against sums worked out
here from what the test recorded through the API. The scan is given its clock (`now`), so
the tests can stand before, at and after a closing hour, and on two days.
"""

import asyncio
import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from app.core.amounts import indian_money
from app.notifications.daily_summary import queue_due_summaries
from app.notifications.dispatcher import Dispatcher, build_channels
from tests.auth_helpers import add_staff
from tests.bills import sale
from tests.conftest import create_product, unique_phone
from tests.fakes.twilio import FakeTwilio
from tests.outbox import FROM, WHATSAPP_FROM, twilio_settings

KOLKATA = ZoneInfo("Asia/Kolkata")
PAISE = Decimal("0.01")


@pytest.fixture
def fake():
    with FakeTwilio() as server:
        yield server


@pytest.fixture
async def make_dispatcher(app, settings, fake):
    """Dispatchers on the app's database, sending to the fake; closed after the test."""
    made: list[Dispatcher] = []

    def make(**overrides: Any) -> Dispatcher:
        messaging = twilio_settings(fake, **overrides)
        dispatcher = Dispatcher(
            app.state.sessionmaker,
            build_channels(messaging),
            settings.model_copy(update={"messaging": messaging}),
            rng=random.Random(17),
        )
        made.append(dispatcher)
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.aclose()


def shop_today() -> dt.date:
    return dt.datetime.now(KOLKATA).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the shop's day (Asia/Kolkata), as the UTC clock the dispatcher reads."""
    return dt.datetime.combine(day, dt.time(hour, minute), KOLKATA).astimezone(dt.UTC)


def lakh(amount: Decimal) -> str:
    """`Decimal('122750.5')` -> `1,22,750.50`: the last three digits, then pairs."""
    sign = "-" if amount < 0 else ""
    rupees, paise = f"{abs(amount).quantize(PAISE):f}".split(".")
    head, tail = rupees[:-3], rupees[-3:]
    pairs = []
    while head:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return sign + ",".join([*pairs, tail]) + "." + paise


def money(value: Decimal) -> Decimal:
    return value.quantize(PAISE, rounding=ROUND_HALF_UP)


async def patch_shop(client, shop, **changes):
    return await client.patch("/api/auth/shop", json=changes, headers=shop.headers)


async def summary_on(client, shop, **changes) -> dict[str, Any]:
    response = await patch_shop(client, shop, daily_summary=True, **changes)
    assert response.status_code == 200, response.text
    return response.json()


async def scan(app, now: dt.datetime) -> int:
    """One scan of the dispatcher's housekeeping job, as a dispatcher runs it at `now`."""
    async with app.state.sessionmaker.begin() as session:
        return await queue_due_summaries(session, now)


async def summaries(app, shop_id: int) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT * FROM notifications WHERE shop_id = :s AND template = 'daily_summary' "
                "ORDER BY id"
            ),
            {"s": shop_id},
        )
        return [dict(row) for row in rows.mappings()]


def english(shop_name: str, day: dt.date, figures: dict[str, Any]) -> str:
    """The English summary as the owner should read it, written out here independently."""
    return (
        f"{shop_name} {day:%d-%m}, Rs: sales {lakh(figures['sales'])} (bills: "
        f"{figures['bills']}), profit {lakh(figures['profit'])}. "
        f"Cash in {lakh(figures['cash'])}, UPI in {lakh(figures['upi'])}. "
        f"Udhaar given {lakh(figures['udhaar_given'])}, got {lakh(figures['udhaar_received'])}. "
        f"Low stock: {figures['low_stock']}"
    )


async def sold(client, shop, lines, **fields) -> dict[str, Any]:
    response = await sale(client, shop, lines, **fields)
    assert response.status_code == 201, response.text
    return response.json()


def line(product: dict[str, Any], quantity: str) -> dict[str, Any]:
    return {"product_id": product["product_id"], "quantity": quantity}


async def test_the_summary_is_off_by_default_and_nothing_is_sent(client, shop, app, fake):
    shown = (await client.get("/api/auth/me", headers=shop.headers)).json()["shop"]
    atta = await create_product(client, shop, price_sale="245.50", quantity=10)
    await sold(client, shop, [line(atta, "2")])

    assert await scan(app, at(shop_today(), 23, 59)) == 0
    assert (shown["daily_summary"], shown["closing_hour"], shown["summary_channel"]) == (
        False,
        21,
        None,
    )
    assert await summaries(app, shop.shop_id) == []


async def test_a_day_of_business_reaches_the_owner_once_with_its_own_figures(
    client, shop, other_shop, app, fake, make_dispatcher
):
    """Cash, UPI, card and part-paid credit sales, a return refunded in cash, a voided bill,
    a backdated bill, an udhaar payment and an expense; another shop's busy day beside it."""
    today = shop_today()
    yesterday = today - dt.timedelta(days=1)
    settings = await summary_on(client, shop, closing_hour=21)
    assert (settings["daily_summary"], settings["closing_hour"]) == (True, 21)
    atta = await create_product(
        client,
        shop,
        product_name="Aashirvaad Atta 5kg",
        price_purchase="210.00",
        price_sale="245.50",
        quantity=900,
        reorder_level=20,
    )
    salt = await create_product(
        client,
        shop,
        product_name="Tata Salt 1kg",
        price_purchase="22.00",
        price_sale="28.00",
        quantity=100,
        reorder_level=10,
    )
    dal = await create_product(
        client,
        shop,
        product_name="Toor Dal loose",
        unit="kg",
        price_purchase="98.40",
        price_sale="132.00",
        quantity="12.500",
        reorder_level=10,
    )
    await create_product(  # low already: 3 packs, reorder at 5
        client,
        shop,
        product_name="Amul Butter 100g",
        price_purchase="48.00",
        price_sale="56.00",
        quantity=3,
        reorder_level=5,
    )
    await create_product(  # at its level exactly: low too
        client, shop, product_name="Parle-G 250g", quantity=6, reorder_level=6
    )
    await create_product(client, shop, product_name="Surf Excel 1kg", quantity=40, reorder_level=5)

    # The day's bills.
    cash = await sold(
        client,
        shop,
        [line(atta, "480"), line(salt, "3")],
        payment_mode="cash",
        customer_name="Ramesh Gupta",
    )
    upi = await sold(client, shop, [line(dal, "2.750")], payment_mode="upi")
    card = await sold(client, shop, [line(atta, "2")], payment_mode="card")
    credit = await sold(
        client,
        shop,
        [line(atta, "4"), line(salt, "0.5")],
        bill_paid=False,
        amount_paid="300.00",
        payment_mode="upi",
        customer_name="Sunita Devi",
        phone_no=unique_phone(),
        payment_due_date=(today + dt.timedelta(days=7)).isoformat(),
    )
    voided = await sold(client, shop, [line(salt, "10")], payment_mode="card")
    void = await client.post(
        f"/api/sales/{voided['sale_id']}/void",
        json={"reason": "billed twice"},
        headers=shop.headers,
    )
    assert void.status_code == 200, void.text
    returned = await client.post(
        f"/api/sales/{cash['sale_id']}/returns",
        json={"products": [line(salt, "1")], "refund_mode": "cash"},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text
    # Yesterday's bill, entered today: not today's business.
    await sold(
        client, shop, [line(atta, "1")], payment_mode="cash", transaction_date=str(yesterday)
    )
    # Old udhaar (from yesterday) partly paid back today, in cash.
    old = await client.post(
        "/api/udhaar/sales/",
        json={"phone_no": unique_phone(), "amount": "640.00", "entry_date": str(yesterday)},
        headers=shop.headers,
    )
    assert old.status_code == 201, old.text
    paid = await client.post(
        f"/api/udhaar/sales/{old.json()['udhar_id']}/payments",
        json={"amount": "150.00", "payment_mode": "cash"},
        headers=shop.headers,
    )
    assert paid.status_code == 201, paid.text
    spent = await client.post(
        "/api/expenses/",
        json={"category": "Electricity", "amount": "1200.00", "payment_mode": "cash"},
        headers=shop.headers,
    )
    assert spent.status_code == 201, spent.text
    # The other shop's day, which must not show.
    other_atta = await create_product(client, other_shop, price_sale="999.00", quantity=50)
    await sold(client, other_shop, [line(other_atta, "7")], payment_mode="upi")

    # Worked out by hand from the bills above (no GST: an unregistered shop).
    cash_sale = money(Decimal("480") * Decimal("245.50")) + money(3 * Decimal("28.00"))
    upi_sale = money(Decimal("2.750") * Decimal("132.00"))
    card_sale = money(2 * Decimal("245.50"))
    credit_sale = money(4 * Decimal("245.50")) + money(Decimal("0.5") * Decimal("28.00"))
    returned_salt = Decimal("28.00")
    sales = cash_sale + upi_sale + card_sale + credit_sale - returned_salt
    cost = (
        Decimal("480") * Decimal("210.00")
        + 3 * Decimal("22.00")
        + Decimal("2.750") * Decimal("98.40")
        + 2 * Decimal("210.00")
        + 4 * Decimal("210.00")
        + Decimal("0.5") * Decimal("22.00")
        - Decimal("22.00")
    )
    expected = {
        "sales": sales,
        "bills": 4,
        "profit": sales - money(cost),
        "cash": cash_sale + Decimal("150.00"),
        "upi": upi_sale + Decimal("300.00"),
        "udhaar_given": credit_sale - Decimal("300.00"),
        "udhaar_received": Decimal("150.00"),
        # Dal 12.500 - 2.750 = 9.750 <= 10, butter 3 <= 5, Parle-G 6 <= 6.
        "low_stock": 3,
    }
    assert Decimal(cash["total_amount"]) == cash_sale
    assert Decimal(credit["total_amount"]) == credit_sale
    assert Decimal(upi["total_amount"]) == upi_sale
    assert Decimal(card["total_amount"]) == card_sale

    assert await scan(app, at(today, 21, 30)) == 1
    assert await scan(app, at(today, 22, 45)) == 0
    [row] = await summaries(app, shop.shop_id)
    assert await summaries(app, other_shop.shop_id) == []
    assert (row["to"], row["channel"], row["language"]) == (shop.phone, "sms", "en")
    assert row["dedupe_key"] == f"daily_summary:{today.isoformat()}"
    assert (row["customer_id"], row["vendor_id"]) == (None, None)
    assert row["body"] == english("Shop A", today, expected)
    assert "sales 1,19,746.00 (bills: 4)" in row["body"]  # lakhs, grouped the Indian way
    assert len(row["body"]) <= 160

    await make_dispatcher().run_once()  # the bills' own messages go too
    [sent] = [r for r in fake.requests if r.to == shop.phone]
    assert (sent.from_, sent.body) == (FROM, row["body"])
    [row] = await summaries(app, shop.shop_id)
    assert (row["status"], row["provider_id"]) == ("sent", sent.answered_sid)


async def test_three_dispatchers_started_together_send_one_summary(
    client, shop, app, fake, make_dispatcher
):
    # Closing hour 0: the hour has come, whatever the time of the run.
    await summary_on(client, shop, closing_hour=0, send_bill_messages=False)
    atta = await create_product(client, shop, price_sale="245.50", quantity=10)
    await sold(client, shop, [line(atta, "1.5")], payment_mode="upi", customer_name="Meena")
    dispatchers = [make_dispatcher(DISPATCH_POLL_SECONDS=0.05) for _ in range(3)]
    stop = asyncio.Event()

    tasks = [asyncio.create_task(d.run_forever(stop)) for d in dispatchers]
    # Every dispatcher scans as it starts, then polls every 50 ms: once the first summary is
    # out, a second one, had another dispatcher queued it, would follow within a few polls.
    for _ in range(400):
        if any(r.to == shop.phone for r in fake.requests):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)
    stop.set()
    await asyncio.gather(*tasks)

    to_owner = [r for r in fake.requests if r.to == shop.phone]
    assert len(to_owner) == 1
    assert f"sales {lakh(money(Decimal('1.5') * Decimal('245.50')))} (bills: 1)" in (
        to_owner[0].body
    )
    [row] = await summaries(app, shop.shop_id)
    assert row["status"] == "sent"


async def test_four_scans_at_the_same_moment_queue_one_summary(client, shop, app):
    """The unique key decides, not a check first: every scan sees no summary yet, computes the
    figures and inserts; one insert wins and the others do nothing."""
    await summary_on(client, shop, closing_hour=21)
    atta = await create_product(client, shop, price_sale="245.50", quantity=10)
    await sold(client, shop, [line(atta, "2")])

    scans = await asyncio.gather(*(scan(app, at(shop_today(), 21, 1)) for _ in range(4)))

    assert sum(scans) == 1
    assert len(await summaries(app, shop.shop_id)) == 1


async def test_the_next_day_brings_a_new_summary_with_that_days_figures(client, shop, app):
    today = shop_today()
    yesterday = today - dt.timedelta(days=1)
    await summary_on(client, shop, closing_hour=20)
    atta = await create_product(
        client, shop, price_purchase="210.00", price_sale="245.50", quantity=100
    )
    # Bills of two days: yesterday's entered as backdated bills, today's as they happen.
    await sold(
        client, shop, [line(atta, "3")], payment_mode="cash", transaction_date=str(yesterday)
    )
    await sold(client, shop, [line(atta, "1")], payment_mode="upi")
    await sold(client, shop, [line(atta, "2")], payment_mode="upi")
    nothing = {"udhaar_given": Decimal(0), "udhaar_received": Decimal(0), "low_stock": 0}

    assert await scan(app, at(yesterday, 20, 5)) == 1
    assert await scan(app, at(yesterday, 23, 59)) == 0
    assert await scan(app, at(today, 19, 59)) == 0
    assert await scan(app, at(today, 20, 0)) == 1
    first, second = await summaries(app, shop.shop_id)

    assert first["dedupe_key"] == f"daily_summary:{yesterday.isoformat()}"
    assert second["dedupe_key"] == f"daily_summary:{today.isoformat()}"
    assert first["body"] == english(
        "Shop A",
        yesterday,
        {
            "sales": Decimal("736.50"),
            "bills": 1,
            "profit": Decimal("106.50"),
            "cash": Decimal("736.50"),
            "upi": Decimal(0),
        }
        | nothing,
    )
    assert second["body"] == english(
        "Shop A",
        today,
        {
            "sales": Decimal("736.50"),
            "bills": 2,
            "profit": Decimal("106.50"),
            "cash": Decimal(0),
            "upi": Decimal("736.50"),
        }
        | nothing,
    )


async def test_nothing_before_the_closing_hour_and_a_missed_evening_is_not_sent_next_morning(
    client, shop, app
):
    today = shop_today()
    yesterday = today - dt.timedelta(days=1)
    await summary_on(client, shop, closing_hour=21)
    atta = await create_product(client, shop, price_sale="245.50", quantity=100)
    await sold(client, shop, [line(atta, "2")], transaction_date=str(yesterday))
    await sold(client, shop, [line(atta, "1")])

    # No dispatcher ran yesterday evening; this morning's scan does not send yesterday's.
    assert await scan(app, at(today, 9, 15)) == 0
    assert await scan(app, at(today, 20, 59)) == 0
    assert await summaries(app, shop.shop_id) == []
    # A dispatcher that starts late, after closing, still sends today's.
    assert await scan(app, at(today, 23, 40)) == 1
    [row] = await summaries(app, shop.shop_id)
    assert row["dedupe_key"] == f"daily_summary:{today.isoformat()}"
    assert "sales 245.50 (bills: 1)" in row["body"]


async def test_in_hindi_by_whatsapp_when_the_shop_says_so(client, shop, app, fake, make_dispatcher):
    today = shop_today()
    changed = await summary_on(
        client, shop, closing_hour=18, summary_channel="whatsapp", language="hi"
    )
    assert (changed["summary_channel"], changed["message_channel"]) == ("whatsapp", "sms")
    atta = await create_product(
        client, shop, price_purchase="2100.00", price_sale="2455.00", quantity=100
    )
    await patch_shop(client, shop, send_bill_messages=False)
    await sold(client, shop, [line(atta, "50")], payment_mode="cash")

    assert await scan(app, at(today, 18, 0)) == 1
    assert await make_dispatcher().run_once() == 1

    [sent] = fake.requests
    assert (sent.to, sent.from_) == (f"whatsapp:{shop.phone}", f"whatsapp:{WHATSAPP_FROM}")
    assert sent.body == (
        f"Shop A {today:%d-%m}: बिक्री ₹1,22,750.00 (1 बिल), मुनाफ़ा ₹17,750.00। नकद "
        "₹1,22,750.00, UPI ₹0.00 मिले। उधार दिया ₹0.00, वसूला ₹0.00। कम स्टॉक: 0"
    )


async def test_an_empty_channel_follows_the_bills_channel_again(client, shop):
    await summary_on(client, shop, summary_channel="whatsapp")
    response = await patch_shop(client, shop, summary_channel="", message_channel="whatsapp")

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["summary_channel"], body["message_channel"]) == (None, "whatsapp")


async def test_the_owner_sees_the_summary_in_the_outbox_and_staff_do_not(client, shop, app):
    """It states the day's profit, which staff are not shown anywhere."""
    staff = await add_staff(client, shop)
    await summary_on(client, shop, closing_hour=21, send_bill_messages=False)
    await sold(client, shop, [line(await create_product(client, shop, quantity=5), "1")])
    assert await scan(app, at(shop_today(), 21, 0)) == 1

    owners = await client.get("/api/notifications/outbox", headers=shop.headers)
    staffs = await client.get("/api/notifications/outbox", headers=staff.headers)

    assert (owners.status_code, staffs.status_code) == (200, 200)
    assert [m["template"] for m in owners.json()] == ["daily_summary"]
    assert owners.json()[0]["to"] == shop.phone
    assert staffs.json() == []
    assert staffs.headers["X-Total-Count"] == "0"


async def test_the_shops_own_wording_is_used(client, shop, app):
    wording = {"daily_summary": {"en": "{shop} hisaab {date}: bikri {sales}, nakad {cash}"}}
    await summary_on(client, shop, closing_hour=21, message_templates=wording)
    atta = await create_product(client, shop, price_sale="245.50", quantity=10)
    await sold(client, shop, [line(atta, "4")])

    assert await scan(app, at(shop_today(), 21, 0)) == 1

    [row] = await summaries(app, shop.shop_id)
    assert row["body"] == f"Shop A hisaab {shop_today():%d-%m}: bikri 982.00, nakad 982.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("closing_hour", 24),
        ("closing_hour", -1),
        ("closing_hour", 20.5),
        ("closing_hour", "9 pm"),
        ("daily_summary", "yes"),
        ("daily_summary", 1),
        ("summary_channel", "email"),
    ],
)
async def test_bad_settings_are_422s_naming_the_field(client, shop, field, value):
    response = await patch_shop(client, shop, **{field: value})

    assert response.status_code == 422, response.text
    assert ["body", field] in [error["loc"][:2] for error in response.json()["errors"]]
    shown = (await client.get("/api/auth/me", headers=shop.headers)).json()["shop"]
    assert (shown["daily_summary"], shown["closing_hour"]) == (False, 21)


async def test_staff_cannot_turn_the_summary_on(client, shop, app):
    staff = await add_staff(client, shop)

    response = await patch_shop(client, staff, daily_summary=True, closing_hour=0)

    assert response.status_code == 403, response.text
    shown = (await client.get("/api/auth/me", headers=shop.headers)).json()["shop"]
    assert (shown["daily_summary"], shown["closing_hour"]) == (False, 21)
    assert await scan(app, at(shop_today(), 23, 59)) == 0


@pytest.mark.parametrize(
    "amount",
    ["0", "7.5", "999.99", "1000", "120050.5", "1234567.89", "99999999.00", "-4850.50"],
)
def test_amounts_are_grouped_in_thousands_lakhs_and_crores(amount):
    assert indian_money(Decimal(amount)) == lakh(Decimal(amount))
