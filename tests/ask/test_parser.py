"""The offline parser alone: questions as owners type them, to the intent they mean."""

import datetime as dt

import pytest

from app.ask.intent import Dimension, Metric, Sort
from app.ask.parser import EXAMPLES, Known, name_words, parse

TODAY = dt.date(2026, 12, 4)  # a Friday
MONDAY = dt.date(2026, 11, 30)
DAY = dt.timedelta(days=1)


def _read(question: str, today: dt.date = TODAY):
    intent = parse(question, today)
    assert intent is not None, question
    return intent


@pytest.mark.parametrize("question", [q for lang in EXAMPLES for q in EXAMPLES[lang]])
def test_every_example_shown_to_owners_is_understood(question):
    _read(question)


@pytest.mark.parametrize(
    ("question", "metric", "start", "end"),
    [
        ("How much did I sell today?", Metric.SALES, TODAY, TODAY),
        ("todays slae", Metric.SALES, TODAY, TODAY),
        ("aaj ki sale kitni hai", Metric.SALES, TODAY, TODAY),
        ("आज कितनी बिक्री हुई?", Metric.SALES, TODAY, TODAY),
        ("kal ka munafa", Metric.PROFIT, TODAY - DAY, TODAY - DAY),
        ("कल का मुनाफ़ा", Metric.PROFIT, TODAY - DAY, TODAY - DAY),
        ("parso kitna becha", Metric.SALES, TODAY - 2 * DAY, TODAY - 2 * DAY),
        ("profitt this week", Metric.PROFIT, MONDAY, TODAY),
        ("pichhle hafte ki bikri", Metric.SALES, MONDAY - 7 * DAY, MONDAY - DAY),
        ("इस महीने का लाभ", Metric.PROFIT, dt.date(2026, 12, 1), TODAY),
        ("last month sales", Metric.SALES, dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("sales in the last 7 days", Metric.SALES, TODAY - 6 * DAY, TODAY),
        ("pichhle saat din ka munafa", Metric.PROFIT, TODAY - 6 * DAY, TODAY),
        ("sales on 25/11", Metric.SALES, dt.date(2026, 11, 25), dt.date(2026, 11, 25)),
        ("sales on 3rd november", Metric.SALES, dt.date(2026, 11, 3), dt.date(2026, 11, 3)),
        ("kitne bill bane kal", Metric.BILLS, TODAY - DAY, TODAY - DAY),
        ("how many bills today", Metric.BILLS, TODAY, TODAY),
        ("payments received this month", Metric.PAYMENTS_RECEIVED, dt.date(2026, 12, 1), TODAY),
        ("purchases this year", Metric.PURCHASES, dt.date(2026, 1, 1), TODAY),
        ("monday ki sale", Metric.SALES, MONDAY, MONDAY),
    ],
)
def test_metric_and_period(question, metric, start, end):
    intent = _read(question)
    assert (intent.metric, intent.date_from, intent.date_to) == (metric, start, end)


def test_december_in_january_is_last_year():
    intent = _read("sales in december", dt.date(2027, 1, 10))
    assert (intent.date_from, intent.date_to) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_may_as_a_verb_is_not_the_month():
    intent = _read("may I know today's sales")
    assert intent.date_from == TODAY


def test_rankings():
    top = _read("top 5 products this week")
    slow = _read("sabse kam bikne wala saman")
    owes = _read("sabse zyada udhaar kiska hai")
    best = _read("best customers this year")
    low = _read("which items are low in stock?")
    assert (top.dimensions, top.sort, top.limit) == ((Dimension.PRODUCT,), Sort.DESC, 5)
    assert (slow.dimensions, slow.sort) == ((Dimension.PRODUCT,), Sort.ASC)
    assert (owes.metric, owes.dimensions) == (Metric.UDHAAR_DUE, (Dimension.CUSTOMER,))
    assert (best.metric, best.dimensions) == (Metric.SALES, (Dimension.CUSTOMER,))
    assert (low.metric, low.low_stock, low.sort) == (Metric.STOCK, True, Sort.ASC)


def test_who_owes_whom():
    mine = _read("vendors ko kitna dena hai")
    theirs = _read("how much does Ramesh Kumar owe?")
    by_phone = _read("+91 98765 43210 ka baki")
    overdue = _read("overdue udhaar")
    assert (mine.metric, mine.dimensions) == (Metric.PAYABLE, ())
    assert (theirs.metric, theirs.party) == (Metric.UDHAAR_DUE, "Ramesh Kumar")
    assert by_phone.party == "9876543210"
    assert overdue.overdue and overdue.dimensions == (Dimension.CUSTOMER,)


def test_names_are_products_or_parties_by_the_words_around_them():
    sugar = _read("how much sugar sold this week")
    ramesh = _read("ramesh ne kitna kharida")
    stock = _read("stock of Tata Salt")
    assert (sugar.metric, sugar.product, sugar.party) == (Metric.QUANTITY_SOLD, "sugar", None)
    assert (ramesh.metric, ramesh.party) == (Metric.SALES, "ramesh")
    assert (stock.metric, stock.product) == (Metric.STOCK, "Tata Salt")


def test_series_by_day_are_in_date_order():
    intent = _read("sales by day this week")
    assert (intent.dimensions, intent.sort) == ((Dimension.DAY,), Sort.TIME)


@pytest.mark.parametrize(
    "question", ["what is the meaning of life", "जीवन का अर्थ क्या है", "hello", "?"]
)
def test_questions_about_nothing_in_the_books_are_not_understood(question):
    assert parse(question, TODAY) is None


def test_known_words_decide_names_and_their_roles():
    known = Known(products=frozenset({"sugar", "tata", "salt"}), parties=frozenset({"meena"}))

    stray = parse("which product gave most profit", TODAY, known)
    meena = parse("meena sales this month", TODAY, known)
    sugar = parse("चीनी कितनी बची है", TODAY, known)

    assert stray is not None and stray.product is None and stray.party is None
    assert meena is not None and (meena.party, meena.product) == ("meena", None)
    assert sugar is not None and sugar.product == "sugar"
    assert name_words("चीनी कितनी बची है", TODAY) == ["चीनी", "sugar"]


KNOWN = Known(
    products=frozenset({"sugar", "maggi", "tata", "salt"}),
    parties=frozenset({"ramesh", "meena", "agarwal"}),
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("kal aur aaj ki sale", {"metric": "sales", "date_from": TODAY - DAY, "date_to": TODAY}),
        ("aaj kitne customer aaye", {"metric": "bills", "dimensions": ()}),
        ("purchase from agarwal this month", {"metric": "purchases", "party": "agarwal"}),
        ("what did meena buy this week", {"metric": "sales", "party": "meena"}),
        ("Suresh ka udhaar", {"metric": "udhaar_due", "party": "Suresh", "dimensions": ()}),
        ("Gimme sales today", {"metric": "sales", "product": None, "party": None}),
        ("sales for the month of november", {"product": None, "date_from": dt.date(2026, 11, 1)}),
        ("sales by customer this week", {"dimensions": (Dimension.CUSTOMER,)}),
        ("mujhe kitne paise lene hain", {"metric": "udhaar_due", "dimensions": ()}),
        ("kitne paise dene hain suppliers ko", {"metric": "payable"}),
        ("which day had the most sales", {"dimensions": (Dimension.DAY,), "sort": Sort.DESC}),
        ("top selling item today", {"metric": "quantity_sold", "dimensions": (Dimension.PRODUCT,)}),
        ("how much udhaar did i recover this week", {"metric": "payments_received"}),
    ],
)
def test_phrasings_seen_in_the_wild(question, expected):
    intent = parse(question, TODAY, KNOWN)
    assert intent is not None, question
    assert {key: getattr(intent, key) for key in expected} == expected


@pytest.mark.parametrize(
    "question",
    ["0" * 500, "ramesh" + "x" * 400 + " ka udhaar", "sales of " + "maggi " * 90, "9" * 40],
)
def test_overlong_names_and_digits_are_cut_to_the_intents_bounds(question):
    parse(question, TODAY)  # an Intent out of bounds would raise here


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which products should I order?", {"metric": "stock", "low_stock": True}),
        ("kal kitna maal becha", {"metric": "sales", "dimensions": ()}),
        ("how many items sold today", {"metric": "quantity_sold", "dimensions": ()}),
        ("profit per product this month", {"dimensions": (Dimension.PRODUCT,), "product": None}),
        (
            "किस ग्राहक पर सबसे ज्यादा उधार है",
            {"metric": "udhaar_due", "dimensions": (Dimension.CUSTOMER,)},
        ),
    ],
)
def test_more_phrasings(question, expected):
    intent = parse(question, TODAY)
    assert intent is not None, question
    assert {key: getattr(intent, key) for key in expected} == expected
