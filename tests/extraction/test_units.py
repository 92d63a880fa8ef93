"""A bill's units, converted into the unit the shop keeps each product in.

Read by the fake Gemini (so the lines are exactly what a reader returned), matched to the shop's
products over HTTP, then confirmed as a purchase: the stock moves in the product's own unit.
"""

import io
from decimal import Decimal

import pytest
from PIL import Image

from tests.bills import exact
from tests.conftest import create_product, make_settings


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


PRODUCTS = {
    "Jeera": "kg",
    "Groundnut Oil": "l",
    "Eggs": "pcs",
    "Tata Salt 1kg": "pcs",
    "Harpic 500ml": "bottle",
    "Sugar": "kg",
    "Maggi Noodles 70g": "pack",
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _line(name: str, quantity: float, unit: str | None, amount: float) -> dict[str, object]:
    return {"name": name, "quantity": quantity, "unit": unit, "amount": amount}


async def test_quantities_and_rates_are_converted_to_the_products_unit(client, shop, gemini):
    for name, unit in PRODUCTS.items():
        await create_product(client, shop, product_name=name, unit=unit, quantity=0)
    gemini.answer = {
        "vendor_name": "Sharma Kirana Supply",
        "lines": [
            _line("Jeera", 500, "g", 150),
            _line("Groundnut Oil", 750, "ML", 135),
            _line("Eggs", 2, "dozen", 156),
            _line("Tata Salt 1kg", 3, "kg", 75),
            _line("Harpic 500ml", 1, "L", 190),
            _line("Sugar", 5, "pcs", 220),  # pieces of a product kept in kg: no conversion
            _line("Maggi Noodles 70g", 3, "pkt", 45),  # the same unit written another way
            _line("Jeera", 333, "g", 100),  # 0.333 kg is exact; kept
            _line("Sugar", 1234.5, "g", 55),  # 1.2345 kg is not exact to 3 places: as read
        ],
    }

    response = await client.post(
        "/api/extract-products",
        files={"image": ("bill.png", _png(), "image/png")},
        headers=shop.headers,
    )

    assert response.status_code == 200, response.text
    body = exact(response)
    got = [
        (
            p["product_name"],
            p["quantity"],
            p["unit"],
            p["rate"],
            p["read_quantity"],
            p["read_unit"],
            "unit_converted" in p["flags"],
        )
        for p in body["products"]
    ]
    assert got == [
        ("Jeera", Decimal("0.5"), "kg", Decimal("300.00"), 500, "g", True),
        ("Groundnut Oil", Decimal("0.75"), "l", Decimal("180.00"), 750, "ml", True),
        ("Eggs", 24, "pcs", Decimal("6.50"), 2, "dozen", True),
        ("Tata Salt 1kg", 3, "pcs", Decimal("25.00"), 3, "kg", True),
        ("Harpic 500ml", 2, "bottle", Decimal("95.00"), 1, "l", True),
        ("Sugar", 5, "pcs", Decimal("44.00"), 5, "pcs", False),
        ("Maggi Noodles 70g", 3, "pack", Decimal("15.00"), 3, "pack", False),
        ("Jeera", Decimal("0.333"), "kg", Decimal("300.30"), 333, "g", True),
        ("Sugar", Decimal("1234.5"), "g", Decimal("0.04"), Decimal("1234.5"), "g", False),
    ]
    assert body["lines_total"] == Decimal("1126.00")


async def test_a_draft_keeps_the_converted_quantity_and_the_purchase_moves_that_stock(
    client, shop, gemini
):
    jeera = await create_product(client, shop, product_name="Jeera", unit="kg", quantity=0)
    gemini.answer = {"lines": [_line("Jeera", 500, "g", 150)]}

    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", _png(), "image/png")},
        data={"vendor_phone": "9829012345", "vendor_name": "Sharma Kirana Supply"},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    draft = exact(response)
    assert [
        (line["quantity"], line["unit"], line["price_purchase"]) for line in draft["lines"]
    ] == [(Decimal("0.5"), "kg", Decimal("300.00"))]
    confirmed = await client.post(
        f"/api/purchases/drafts/{draft['draft_id']}/confirm", json={}, headers=shop.headers
    )
    assert confirmed.status_code == 201, confirmed.text

    product = exact(await client.get(f"/api/products/{jeera['product_id']}", headers=shop.headers))
    assert product["quantity"] == Decimal("0.5")
