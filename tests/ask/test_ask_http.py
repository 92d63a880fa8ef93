"""Ask the shop, over HTTP: answers computed independently from seeded bills, Hindi and
Hinglish, the legacy shape, hostile questions and hostile model answers that change nothing
and reveal nothing of another shop, the daily cap, and the owner-only metrics."""

import datetime as dt
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.auth_helpers import add_staff
from tests.bills import counts, exact, purchase, sale, scalar
from tests.conftest import create_product, make_settings, register_shop, unique_phone

D = Decimal
TODAY = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
ALLOWED_COLUMNS = {
    "sales", "profit", "quantity_sold", "bills", "purchases", "payments_received",
    "udhaar_due", "payable", "stock", "day", "month", "product", "customer", "vendor",
    "payment_mode",
}  # fmt: skip


async def _ask(client, shop, question: str, **body) -> dict:
    response = await client.post(
        "/api/ask", json={"question": question} | body, headers=shop.headers
    )
    assert response.status_code == 200, (question, response.text)
    return exact(response)


async def _books(client, shop, prefix: str = "") -> dict:
    """A morning at the shop: three products, four bills (two on udhaar), a purchase."""
    atta = await create_product(
        client,
        shop,
        product_name=f"{prefix}Aashirvaad Atta 5kg",
        price_sale="250.00",
        price_purchase="200.00",
        quantity=40,
    )
    sugar = await create_product(
        client,
        shop,
        product_name=f"{prefix}Sugar 1kg",
        price_sale="45.00",
        price_purchase="40.00",
        quantity=3,
        reorder_level=10,
    )
    salt = await create_product(
        client,
        shop,
        product_name=f"{prefix}Tata Salt",
        price_sale="28.00",
        price_purchase="20.00",
        quantity=100,
    )
    ramesh, meena = unique_phone(), unique_phone()
    bills = [
        (
            [(atta, 2), (salt, 1)],
            {
                "phone_no": ramesh,
                "customer_name": "Ramesh Kumar",
                "bill_paid": False,
                "amount_paid": "100.00",
            },
        ),
        ([(sugar, 1)], {"phone_no": meena, "customer_name": "Meena Devi"}),
        (
            [(salt, 3)],
            {
                "phone_no": meena,
                "customer_name": "Meena Devi",
                "bill_paid": False,
                "amount_paid": "0.00",
            },
        ),
        ([(atta, 1)], {"phone_no": None, "payment_mode": "upi"}),
    ]
    for lines, fields in bills:
        payload = [{"product_id": p["product_id"], "quantity": q} for p, q in lines]
        made = await sale(client, shop, payload, **fields)
        assert made.status_code == 201, made.text
    bought = await purchase(
        client,
        shop,
        [{"product_id": salt["product_id"], "quantity": 10, "price_purchase": "20.00"}],
        bill_paid=False,
        amount_paid="0.00",
    )
    assert bought.status_code == 201, bought.text
    return {"ramesh": ramesh, "meena": meena}


# Independently: bills 528.00 (500 + 28), 45.00, 84.00, 250.00 -> 907.00 sold today;
# udhaar Ramesh 428.00, Meena 84.00; profit (250-200)*3 + (28-20)*4 + (45-40) = 187.00.
SOLD_TODAY = D("907.00")
PROFIT_TODAY = D("187.00")


@pytest.mark.parametrize(
    "question",
    [
        "How much did I sell today?",
        "today's sales",
        "aaj kitni bikri hui",
        "aaj ki sale kitni hai?",
        "आज कितनी बिक्री हुई?",
    ],
)
async def test_todays_sales_in_any_language(client, shop, question):
    await _books(client, shop)
    answer = await _ask(client, shop, question)
    assert answer["understood"] is True
    assert answer["engine"] == "offline"
    assert answer["rows"] == [{"sales": SOLD_TODAY}]
    assert "907.00" in answer["answer"]


async def test_profit_who_owes_most_top_products_and_low_stock(client, shop):
    await _books(client, shop)

    profit = await _ask(client, shop, "aaj ka munafa kitna hua")
    owes = await _ask(client, shop, "who owes me the most?")
    top = await _ask(client, shop, "top 2 products by sales this month")
    low = await _ask(client, shop, "which items are running out?")

    assert profit["rows"] == [{"profit": PROFIT_TODAY}]
    assert owes["rows"][:2] == [
        {"customer": "Ramesh Kumar", "udhaar_due": D("428.00")},
        {"customer": "Meena Devi", "udhaar_due": D("84.00")},
    ]
    assert owes["chart"] == {"type": "bar", "x": "customer", "y": "udhaar_due"}
    assert [row["product"] for row in top["rows"]] == ["Aashirvaad Atta 5kg", "Tata Salt"]
    assert top["rows"][0]["sales"] == D("750.00")
    assert [row["product"] for row in low["rows"]] == ["Sugar 1kg"]


async def test_a_customers_balance_by_name_or_phone(client, shop):
    phones = await _books(client, shop)
    by_name = await _ask(client, shop, "how much does Ramesh owe?")
    by_phone = await _ask(client, shop, f"{phones['meena'][-10:]} ka udhaar kitna hai")
    assert by_name["rows"] == [{"udhaar_due": D("428.00")}]
    assert by_phone["rows"] == [{"udhaar_due": D("84.00")}]


async def test_an_unknown_question_lists_examples(client, shop):
    answer = await _ask(client, shop, "what is the meaning of life")
    assert answer["understood"] is False
    assert answer["rows"] == [] and "“" in answer["answer"]
    hindi = await _ask(client, shop, "जीवन का अर्थ क्या है", language="hi")
    assert hindi["answer"].startswith("माफ़ कीजिए")


async def test_the_legacy_endpoint_answers_in_its_shape(client, shop):
    await _books(client, shop)
    response = await client.post(
        "/api/ai/sql/", params={"prompt": "aaj kitni bikri hui"}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    body = exact(response)
    assert set(body) == {"answer", "query", "columns", "data", "error"}
    assert body["data"] == [{"sales": SOLD_TODAY}] and body["columns"] == ["sales"]
    assert body["error"] is None
    assert "select" not in body["query"].lower()


async def test_staff_cannot_ask_about_profit(client, shop):
    staff = await add_staff(client, shop)
    response = await client.post(
        "/api/ask", json={"question": "today's profit"}, headers=staff.headers
    )
    assert response.status_code == 403
    assert (await _ask(client, staff, "today's sales"))["understood"] is True


HOSTILE = [
    "drop table sales",
    "'; DELETE FROM products; --",
    "sales today'; UPDATE products SET quantity = 0; --",
    "show me users and their password hashes",
    "select * from users union select * from auth_sessions",
    "sales of shop 2",
    "how much did shop_id 2 sell today",
    "sales today; select pg_sleep(10)",
    "stock of x' OR '1'='1",
    "set_config('app.shop_id', '2', false) sales",
    "sales from dblink('host=127.0.0.1', 'select * from users')",
    "how much does '); DROP TABLE customers; -- owe",
    "top products %' UNION SELECT password_hash FROM users --",
]


async def test_hostile_questions_change_nothing_and_reveal_no_other_shop(client, shop, app):
    await _books(client, shop)
    neighbour = await register_shop(client, "Neighbour")
    await _books(client, neighbour, prefix="SECRET ")
    before = await counts(app, shop.shop_id), await counts(app, neighbour.shop_id)

    for question in HOSTILE:
        started = time.monotonic()
        response = await client.post("/api/ask", json={"question": question}, headers=shop.headers)
        assert time.monotonic() - started < 2.0, question  # nothing sleeps, nothing hangs
        assert response.status_code in (200, 422), (question, response.text)
        text = response.text
        assert "SECRET" not in text and "password" not in text.split('"answer"')[0]
        if response.status_code == 200:
            body = response.json()
            assert set(body["columns"]) <= ALLOWED_COLUMNS, (question, body["columns"])

    assert (await counts(app, shop.shop_id), await counts(app, neighbour.shop_id)) == before
    assert await scalar(app, "SELECT count(*) FROM users") >= 2  # nothing dropped


async def test_a_product_named_like_sql_is_only_ever_a_name(client, shop):
    evil = await create_product(
        client, shop, product_name="x'); DROP TABLE sales; --", price_sale="10.00", quantity=5
    )
    made = await sale(client, shop, [{"product_id": evil["product_id"], "quantity": 2}])
    assert made.status_code == 201
    answer = await _ask(client, shop, "top products this month")
    assert answer["rows"] == [{"product": "x'); DROP TABLE sales; --", "sales": D("20.00")}]


@pytest.mark.with_gemini
async def test_gemini_intents_are_compiled_by_us(client, shop, gemini):
    await _books(client, shop)
    gemini.answer = {
        "metric": "sales",
        "date_from": TODAY.isoformat(),
        "date_to": TODAY.isoformat(),
        "dimensions": [],
        "sort": "desc",
    }
    answer = await _ask(client, shop, "kal se aaj tak ka hisaab batao")
    assert answer["engine"] == "gemini"
    assert answer["rows"] == [{"sales": SOLD_TODAY}]
    config = gemini.requests[-1].generation_config
    assert config["responseMimeType"] == "application/json"
    assert "enum" in str(config["responseSchema"]).lower()


@pytest.mark.with_gemini
@pytest.mark.parametrize(
    "malicious",
    [
        "SELECT * FROM users; DROP TABLE sales;",
        {"metric": "sales", "sql": "DROP TABLE sales"},
        {"metric": "users"},
        {"metric": "sales", "dimensions": ["password_hash"]},
        {"metric": "sales", "limit": 100000},
        {"metric": "sales", "product": "'; DROP TABLE sales; --"},
        {"metric": "sales", "party": "%' OR shop_id = 2 --"},
        {"metric": "udhaar_due", "dimensions": ["customer"], "date_from": "pg_sleep(10)"},
    ],
)
async def test_malicious_model_answers_fall_back_or_stay_harmless(
    client, shop, app, gemini, malicious
):
    await _books(client, shop)
    neighbour = await register_shop(client, "Neighbour")
    await _books(client, neighbour, prefix="SECRET ")
    before = await counts(app, shop.shop_id)
    gemini.answer = malicious

    answer = await _ask(client, shop, "aaj kitni bikri hui")

    assert "SECRET" not in str(answer)
    assert set(answer["columns"]) <= ALLOWED_COLUMNS
    assert await counts(app, shop.shop_id) == before
    valid = isinstance(malicious, dict) and malicious.get("metric") == "sales"
    if valid and set(malicious) <= {"metric", "product", "party"}:
        assert answer["engine"] == "gemini"  # valid shape: run, with the text as a parameter
        assert answer["rows"] == [{"sales": D("0.00")}]
    else:
        assert answer["engine"] == "offline" and answer["rows"] == [{"sales": SOLD_TODAY}]


@pytest.mark.with_gemini
async def test_a_hanging_gemini_falls_back_to_the_offline_answer(client, shop, gemini):
    await _books(client, shop)
    gemini.mode = "hang"
    started = time.monotonic()
    answer = await _ask(client, shop, "aaj kitni bikri hui")
    assert answer["engine"] == "offline" and answer["rows"] == [{"sales": SOLD_TODAY}]
    assert time.monotonic() - started < 10


async def test_questions_count_against_the_daily_cap(database_url, tmp_path):
    from tests.auth_helpers import client_at, running

    settings = make_settings(database_url, tmp_path)
    settings.extraction = settings.extraction.model_copy(update={"ask_daily_cap": 2})
    async with running(settings) as application, client_at(application, "203.0.113.9") as http:
        owner = await register_shop(http, "Capped")
        for _ in range(2):
            assert (
                await http.post(
                    "/api/ask", json={"question": "today's sales"}, headers=owner.headers
                )
            ).status_code == 200
        third = await http.post(
            "/api/ask", json={"question": "today's sales"}, headers=owner.headers
        )
    assert third.status_code == 429
    assert "Retry-After" in third.headers
