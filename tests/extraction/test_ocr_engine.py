"""Bill reading offline (RapidOCR): accuracy on drawn bills, safety, and a responsive API.

The accuracy test reads one bill per layout (see tests/bill_images.py) through the HTTP
endpoint and scores the lines against the known ones after matching to the shop's products:
item-level F1 on names and the share of lines whose quantity is exactly right. The figures are
printed per layout (`pytest -s`) and attached to the test report as user properties.
"""

import time
from decimal import Decimal

import pytest

from tests.bill_images import (
    CATALOGUE,
    INJECTION,
    LAYOUTS,
    Layout,
    create_catalogue,
    item,
    render,
)
from tests.bills import counts, exact
from tests.conftest import make_settings
from tests.fakes.gemini import offline_settings


@pytest.fixture
def settings(database_url, tmp_path):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = offline_settings()
    return configured


async def _extract(client, shop, data: bytes, name: str = "bill.jpg"):
    return await client.post(
        "/api/extract-products",
        files={"image": (name, data, "image/jpeg")},
        headers=shop.headers,
    )


def _score(layout: Layout, ids: dict[str, int], products: list[dict]) -> tuple[float, float]:
    """(F1 of matched products, share of known lines read with the exact quantity)."""
    expected = {ids[it.product]: it.quantity for it in layout.items}
    unmatched = dict(expected)
    hits = exact_quantities = 0
    for line in products:
        product_id = line["matched_product_id"]
        if product_id in unmatched:
            hits += 1
            exact_quantities += Decimal(str(line["quantity"])) == unmatched.pop(product_id)
    precision = hits / len(products) if products else 0.0
    recall = hits / len(expected)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return f1, exact_quantities / len(expected)


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.name for layout in LAYOUTS])
async def test_the_offline_reader_gets_names_and_quantities_right(
    client, shop, layout, record_property
):
    ids = await create_catalogue(client, shop)

    started = time.monotonic()
    response = await _extract(client, shop, render(layout))
    seconds = time.monotonic() - started

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "ocr"
    f1, quantities = _score(layout, ids, body["products"])
    figures = f"{layout.name}: F1 {f1:.2f}, exact quantities {quantities:.0%}, {seconds:.1f} s"
    print(f"\n[ocr accuracy] {figures}")
    record_property("ocr_accuracy", figures)
    assert f1 >= 0.9, body["products"]
    assert quantities >= 0.9, body["products"]


async def test_the_bill_header_vendor_date_and_printed_total_are_read(client, shop):
    layout = LAYOUTS[0]

    body = exact(await _extract(client, shop, render(layout)))

    subtotal = sum(it.amount for it in layout.items)
    assert body["vendor_name"] == "Agarwal Traders"
    assert body["bill_date"] == "2026-11-12"
    assert body["bill_total"] == subtotal + 2 * (subtotal * Decimal("0.025")).quantize(
        Decimal("0.01")
    )
    assert body["lines_total"] == subtotal


async def test_the_legacy_fields_stay_and_unmatched_lines_keep_the_text_as_read(client, shop):
    # No products in the shop: nothing can match, every line keeps its printed name.
    body = (await _extract(client, shop, render(LAYOUTS[0]))).json()

    first = body["products"][0]
    assert first["product_name"] == "Tata Salt 1kg"
    assert first["quantity"] == 20
    assert first["matched_product_id"] is None
    assert first["raw_text"]
    assert set(first) >= {"product_name", "quantity", "rate", "matched_product_id", "raw_text"}


async def test_a_printed_instruction_to_delete_products_changes_nothing(client, app, shop):
    await create_catalogue(client, shop)
    before = await counts(app, shop.shop_id)

    body = (await _extract(client, shop, render(LAYOUTS[0]))).json()

    read = " ".join(line["raw_text"].lower() for line in body["products"])
    assert "ignore" not in read
    assert "delete" not in read
    assert INJECTION.split()[0] not in [line["read_name"].lower() for line in body["products"]]
    assert await counts(app, shop.shop_id) == before
    listed = (await client.get("/api/products/", headers=shop.headers)).json()
    assert len(listed) == len(CATALOGUE)


async def test_misread_digits_are_fixed_or_flagged_by_quantity_times_rate(client, shop):
    layout = LAYOUTS[0]
    lines = (
        item("Tata Salt 1kg", "Tata Salt 1kg", "20", "22.50"),
        item("Amul Butter 100g", "Amul Butter 100g", "10", "56.00"),
    )
    extra = (
        ("Maggi Noodles 70g", "24", "14.00", "386.00"),  # 336.00 with one digit misprinted
        ("Toor Dal 1kg", "15", "", "1920.00"),  # rate left blank
        ("Lux Soap 100g", "7", "31.00", "999.00"),  # no single misread explains this
    )

    body = exact(await _extract(client, shop, render(layout, lines, extra_rows=extra)))

    by_name = {line["read_name"]: line for line in body["products"]}
    maggi, dal, lux = (
        by_name["Maggi Noodles 70g"],
        by_name["Toor Dal 1kg"],
        by_name["Lux Soap 100g"],
    )
    assert (maggi["amount"], maggi["flags"], maggi["needs_review"]) == (
        Decimal("336.00"),
        ["amount_corrected"],
        True,
    )
    assert (dal["rate"], dal["flags"], dal["needs_review"]) == (
        Decimal("128.00"),
        ["rate_computed"],
        False,
    )
    assert (lux["flags"], lux["needs_review"]) == (["arithmetic_mismatch"], True)
    assert by_name["Tata Salt 1kg"]["flags"] == []
