"""Names in questions, over HTTP: words that name nothing in the shop's books are not taken
for a name, Hindi grocery words find the English catalogue name, a name's role (product or
party) follows what it matched, and a name matching nothing gives an honest nothing."""

from decimal import Decimal

from tests.ask.test_ask_http import _ask, _books

D = Decimal


async def test_a_hindi_grocery_word_finds_the_english_product(client, shop):
    await _books(client, shop)

    sugar = await _ask(client, shop, "चीनी कितनी बची है")
    salt = await _ask(client, shop, "namak ka stock")

    assert sugar["rows"] == [{"product": "Sugar 1kg", "stock": D("2")}]
    assert salt["rows"] == [{"product": "Tata Salt", "stock": D("106")}]


async def test_stray_words_are_not_names_when_the_question_ranks(client, shop):
    await _books(client, shop)

    profit = await _ask(client, shop, "which product gave the most profit this month")

    assert [row["product"] for row in profit["rows"]] == [
        "Aashirvaad Atta 5kg",
        "Tata Salt",
        "Sugar 1kg",
    ]
    assert profit["rows"][0]["profit"] == D("150.00")


async def test_a_customers_name_is_a_party_whatever_the_words_around_it(client, shop):
    await _books(client, shop)

    meena = await _ask(client, shop, "meena this month sales")

    assert meena["rows"] == [{"sales": D("129.00")}]
    assert "parties matching 'meena'" in meena["query_shown"]


async def test_a_name_in_nobodys_books_is_an_honest_nothing(client, shop):
    await _books(client, shop)

    nobody = await _ask(client, shop, "how much does Suresh owe")

    assert nobody["rows"] == [{"udhaar_due": D("0")}]
    assert "Suresh" in nobody["answer"]
