"""Rankings over HTTP: the slowest products include those that sold nothing, and rankings of
customers leave walk-in bills out."""

from decimal import Decimal

from tests.ask.test_ask_http import _ask, _books
from tests.conftest import create_product

D = Decimal


async def test_the_slowest_products_start_with_those_that_sold_nothing(client, shop):
    """Slowest is by units off the shelf; a product with no sale at all comes first."""
    await _books(client, shop)
    await create_product(client, shop, product_name="Maggi Noodles", price_sale="14.00",
                         quantity=12)  # fmt: skip

    slow = await _ask(client, shop, "slowest products this month")

    assert slow["rows"] == [
        {"product": "Maggi Noodles", "quantity_sold": D("0")},
        {"product": "Sugar 1kg", "quantity_sold": D("1")},
        {"product": "Aashirvaad Atta 5kg", "quantity_sold": D("3")},
        {"product": "Tata Salt", "quantity_sold": D("4")},
    ]


async def test_best_customers_leave_walk_in_bills_out(client, shop):
    await _books(client, shop)

    best = await _ask(client, shop, "best customers this month")

    assert best["rows"] == [
        {"customer": "Ramesh Kumar", "sales": D("528.00")},
        {"customer": "Meena Devi", "sales": D("129.00")},
    ]
