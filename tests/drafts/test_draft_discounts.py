"""A purchase draft's line carries a discount, and confirming passes it on to the purchase."""

from decimal import Decimal

import pytest

from tests.bill_images import LAYOUTS, render
from tests.bills import exact
from tests.conftest import make_settings

D = Decimal


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


async def test_a_draft_line_discount_reaches_the_purchase(client, shop):
    created = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"vendor_phone": "98765 43210"},
        headers=shop.headers,
    )
    assert created.status_code == 201, created.text
    draft = exact(created)
    lines = [
        {"product_name": "Tata Salt 1kg", "quantity": 20, "price_purchase": "22.50"},
        {
            "product_name": "Fortune Oil 1l",
            "quantity": 5,
            "price_purchase": "140.00",
            "discount": 50,
        },
    ]

    put = await client.put(
        f"/api/purchases/drafts/{draft['draft_id']}", json={"lines": lines}, headers=shop.headers
    )

    assert put.status_code == 200, put.text
    edited = exact(put)
    assert [(line["line_total"], line["discount"]) for line in edited["lines"]] == [
        (D("450.00"), D("0.00")),
        (D("650.00"), D("50.00")),
    ]
    assert edited["lines_total"] == D("1100.00")
    confirm = await client.post(
        f"/api/purchases/drafts/{draft['draft_id']}/confirm", headers=shop.headers
    )
    assert confirm.status_code == 201, confirm.text
    assert exact(confirm)["total_amount"] == D("1100.00")
    bought = exact(
        await client.get(f"/api/purchases/{exact(confirm)['purchase_id']}", headers=shop.headers)
    )
    assert [p["discount"] for p in bought["products"]] == [D("0.00"), D("50.00")]


async def test_a_draft_discount_above_its_line_is_a_422(client, shop):
    created = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"vendor_phone": "98765 43210"},
        headers=shop.headers,
    )
    draft = exact(created)
    lines = [{"product_name": "Sugar", "quantity": 1, "price_purchase": "40.00", "discount": 41}]

    put = await client.put(
        f"/api/purchases/drafts/{draft['draft_id']}", json={"lines": lines}, headers=shop.headers
    )

    assert put.status_code == 422, put.text
    assert exact(put)["errors"][0]["loc"] == ["body", "lines", 0, "discount"]
