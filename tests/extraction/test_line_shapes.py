"""Line shapes the corpus families do not draw, read over HTTP from a photo.

Each bill here is a few lines in one shape shops write or print: numbers named by labels
(`Qty: 2  Rate: 140.00  Amt: 280.00` under the name), the rupee sign on the rate before the
quantity (`Rs.44 x 5`), halves written as fractions (`1/2 kg`), a receipt's `@ rate x qty`, a
name cut at the receipt's width and carried onto the next row, a rate with `rs` after it, a
quantity in brackets, an HSN code before the name, and a tax invoice whose `Taxable` column is
quantity x rate. The
photo is clean on purpose: what is tested is how the lines are read, not OCR's eyesight.
"""

import io
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw

from tests.bill_corpus.fonts import available
from tests.bills import exact
from tests.conftest import create_product, make_settings
from tests.fakes.gemini import offline_settings

PRODUCTS = {
    "Toor Dal 1kg": "pcs",
    "Sugar": "kg",
    "Red Label Tea 250g": "pcs",
    "Ghee": "kg",
    "Besan": "kg",
    "Maggi Noodles 70g": "pcs",
    "Good Day Biscuit": "pcs",
    "Tata Sampann Toor Dal 1kg": "pcs",
    "Aashirvaad Atta 5kg": "pcs",
    "Parle-G Biscuit": "pcs",
    "Reynolds Pen": "pcs",
    "Atta": "kg",
    "Fortune Sunflower Oil 1l": "pcs",
    "Tata Salt 1kg": "pcs",
}

SHAPES: dict[str, tuple[list[str], dict[str, Decimal]]] = {
    "labelled numbers under the name": (
        [
            "SHREE BALAJI TRADERS",
            "Bill No: 231    Date: 03/12/2026",
            "Toor Dal 1kg",
            "Qty: 2   Rate: 140.00   Amt: 280.00",
            "Sugar",
            "Qty: 5   Rate: 44.00   Amt: 220.00",
            "Total 500.00",
        ],
        {"Toor Dal 1kg": Decimal(2), "Sugar": Decimal(5)},
    ),
    "the rupee sign on the rate, before the quantity": (
        [
            "Sharma General Store",
            "Sugar 1kg    Rs.44 x 5 = Rs.220",
            "Red Label Tea 250g    Rs.140 x 2 = Rs.280",
            "Total Rs.500",
        ],
        {"Sugar": Decimal(5), "Red Label Tea 250g": Decimal(2)},
    ),
    "halves written as fractions": (
        [
            "Gupta Kirana",
            "Ghee 1/2 kg = 280",
            "Besan 1 1/2 kg - 111",
            "Total 391",
        ],
        {"Ghee": Decimal("0.5"), "Besan": Decimal("1.5")},
    ),
    "a receipt's @ rate x quantity": (
        [
            "NEW FAMILY MART",
            "Maggi Noodles 70g",
            "    @14.00 x 2           28.00",
            "Good Day Biscuit",
            "    @30.00 x 3           90.00",
            "TOTAL                   118.00",
        ],
        {"Maggi Noodles 70g": Decimal(2), "Good Day Biscuit": Decimal(3)},
    ),
    "a name cut at the receipt's width": (
        [
            "D MART",
            "TATA SAMPANN TOOR D",
            "AL 1KG",
            "      2   165.00   330.00",
            "AASHIRVAAD ATTA 5KG",
            "      1   255.00   255.00",
            "TOTAL             585.00",
        ],
        {"Tata Sampann Toor Dal 1kg": Decimal(2), "Aashirvaad Atta 5kg": Decimal(1)},
    ),
    "a rate with rs after it": (
        [
            "Verma Stationery",
            "Parle G 5rs x 20 = 100",
            "Reynolds Pen 10rs x 3 = 30",
            "Total 130",
        ],
        {"Parle-G Biscuit": Decimal(20), "Reynolds Pen": Decimal(3)},
    ),
    "quantities in brackets, amounts closed with /- and rupees in words": (
        [
            "Yadav Provision",
            "Chini (5 kilo) 220/-",
            "Atta 380/- (10 kg)",
            "Total 600/-",
            "Rupees Six Hundred Only",
        ],
        {"Sugar": Decimal(5), "Atta": Decimal(10)},
    ),
    "HSN codes before the names, numbers on the next row": (
        [
            "Particulars          Qty   Rate     Value",
            "HSN:1701 SUGAR",
            "                     2     44.00    88.00",
            "HSN:0713 TOOR DAL 1KG",
            "                     1     165.00   165.00",
            "Total                               253.00",
        ],
        {"Sugar": Decimal(2), "Toor Dal 1kg": Decimal(1)},
    ),
    "a tax invoice's taxable value before its tax-inclusive total": (
        [
            "Item             Qty   Rate     Taxable   GST   Total",
            "Fortune Oil 1L   6     138.10   828.60    5%    870.03",
            "Tata Salt 1kg    20    21.43    428.60    5%    450.03",
            "Grand Total                                     1320.06",
        ],
        {"Fortune Sunflower Oil 1l": Decimal(6), "Tata Salt 1kg": Decimal(20)},
    ),
}


def _photo(lines: list[str]) -> bytes:
    font = available((("DejaVu Sans Mono", 1.0), ("Liberation Mono", 1.0)))[0].at(30)
    page = Image.new("RGB", (1000, 90 + 56 * len(lines)), "white")
    draw = ImageDraw.Draw(page)
    for row, text in enumerate(lines):
        draw.text((40, 40 + 56 * row), text, font=font, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def settings(database_url, tmp_path):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = offline_settings()
    return configured


@pytest.mark.parametrize("shape", SHAPES)
async def test_each_line_shape_is_read_into_its_products_and_quantities(client, shop, shape):
    for name, unit in PRODUCTS.items():
        await create_product(client, shop, product_name=name, unit=unit, quantity=0)
    lines, expected = SHAPES[shape]
    response = await client.post(
        "/api/extract-products?engine=ocr",
        files={"image": ("bill.png", _photo(lines), "image/png")},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    read = {
        line["product_name"]: line["quantity"]
        for line in exact(response)["products"]
        if line["matched_product_id"]
    }
    assert read == expected, exact(response)["products"]


@pytest.mark.parametrize(
    ("price", "quantity", "rate", "swapped"),
    [("54.00", 5, "53.00", True), ("5.50", 53, "5.00", False)],
)
async def test_the_products_price_decides_which_of_a_x_b_is_the_quantity(
    client, shop, price, quantity, rate, swapped
):
    """`53 x 5 = 265` adds up both ways (a rupee sign before 53 that OCR did not see): a
    product the shop buys at 54 makes it 5 at 53, and the line says so for review; bought at
    5.50, it stays 53 at 5."""
    await create_product(
        client, shop, product_name="Surf Excel 500g", price_purchase=price, quantity=0
    )
    response = await client.post(
        "/api/extract-products?engine=ocr",
        files={
            "image": (
                "bill.png",
                _photo(["Sharma Store", "Surf Excel 500g   53 x 5 = 265"]),
                "image/png",
            )
        },
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    [line] = exact(response)["products"]
    assert line["product_name"] == "Surf Excel 500g"
    assert (line["quantity"], line["rate"], line["amount"]) == (
        Decimal(quantity),
        Decimal(rate),
        Decimal("265.00"),
    )
    assert ("quantity_rate_swapped" in line["flags"]) is swapped
    assert line["needs_review"] is swapped
