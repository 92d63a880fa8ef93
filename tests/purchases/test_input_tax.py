"""Input tax on purchases (issue 14, item 5): a registered shop buying from a registered vendor
records GST per head from the vendor's bill; everyone else's purchases stay untaxed."""

from decimal import Decimal
from typing import Any

import pytest

from tests.bills import bill_total_mismatches, counts, exact, purchase
from tests.conftest import ShopSession, unique_phone
from tests.gst import register_for_gst

D = Decimal
VENDOR_SAME_STATE = "27AABCU9603R1ZN"  # Maharashtra
VENDOR_OTHER_STATE = "29AAFCC9980M1ZR"  # Karnataka
HEADS = ("taxable_value", "cgst", "sgst", "igst", "cess")


@pytest.fixture
async def regular(client, shop: ShopSession) -> ShopSession:
    await register_for_gst(client, shop)
    return shop


async def _bought(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any) -> dict:
    """Record a purchase and return its detail."""
    response = await purchase(client, shop, lines, **fields)
    assert response.status_code == 201, response.text
    purchase_id = exact(response)["purchase_id"]
    detail = await client.get(f"/api/purchases/{purchase_id}", headers=shop.headers)
    assert detail.status_code == 200, detail.text
    return dict(exact(detail))


def _heads(row: dict) -> tuple[Decimal, ...]:
    return tuple(row[head] for head in HEADS)


async def _product(client, shop: ShopSession, name: str) -> dict:
    listed = exact(await client.get(f"/api/products/?q={name}", headers=shop.headers))
    (product,) = [p for p in listed if p["product_name"] == name]
    return dict(product)


async def _vendor_balance(client, shop: ShopSession, phone: str) -> Decimal:
    vendor = exact(await client.get(f"/api/vendors/?vendor_phone_no={phone}", headers=shop.headers))
    return Decimal(vendor["balance"])


async def test_an_intra_state_vendor_bill_at_a_price_including_tax_splits_cgst_and_sgst(
    client, regular, app
):
    detail = await _bought(
        client,
        regular,
        [
            {
                "product_name": "Surf Excel 1kg",
                "quantity": 1,
                "price_purchase": "100.00",
                "gst_rate": 18,
                "hsn_code": "3402",
            }
        ],
        vendor_gstin=" 27aabcu9603r1zn ",
        invoice_no="INV/2026/0457",
    )

    # Rule 35: each head is round(100 x 9 / 118) = 7.63; the taxable value is what is left.
    assert _heads(detail) == (D("84.74"), D("7.63"), D("7.63"), D("0.00"), D("0.00"))
    assert detail["total_amount"] == D("100.00")
    assert (detail["vendor_gstin"], detail["reverse_charge"], detail["invoice_no"]) == (
        VENDOR_SAME_STATE,
        False,
        "INV/2026/0457",
    )
    (line,) = detail["products"]
    assert _heads(line) == (D("84.74"), D("7.63"), D("7.63"), D("0.00"), D("0.00"))
    assert (line["hsn_code"], line["gst_rate"], line["cess_rate"], line["line_total"]) == (
        "3402",
        D("18.00"),
        D("0.00"),
        D("100.00"),
    )
    listed = exact(await client.get("/api/purchases/", headers=regular.headers))
    (summary,) = listed
    assert _heads(summary) == _heads(detail)
    assert (summary["vendor_gstin"], summary["reverse_charge"], summary["invoice_no"]) == (
        VENDOR_SAME_STATE,
        False,
        "INV/2026/0457",
    )
    assert await bill_total_mismatches(app, regular.shop_id) == []


async def test_an_inter_state_vendor_bill_at_a_price_before_tax_is_igst_added_to_the_total(
    client, regular, app
):
    phone = unique_phone()
    detail = await _bought(
        client,
        regular,
        [
            {
                "product_name": "Nescafe 200g",
                "quantity": 1,
                "price_purchase": "84.75",
                "gst_rate": 18,
                "price_includes_tax": False,
            }
        ],
        vendor_gstin=VENDOR_OTHER_STATE,
        phone_no=phone,
        bill_paid=False,
    )

    # round(84.75 x 18 / 100) = round(15.255) = 15.26, on top of the price.
    assert _heads(detail) == (D("84.75"), D("0.00"), D("0.00"), D("15.26"), D("0.00"))
    assert detail["total_amount"] == D("100.01")
    assert detail["products"][0]["line_total"] == D("100.01")
    # The vendor's udhaar follows the bill's total, tax included.
    assert await _vendor_balance(client, regular, phone) == D("100.01")
    assert await bill_total_mismatches(app, regular.shop_id) == []


async def test_cess_is_its_own_head_and_every_head_adds_up_to_the_bill(client, regular, app):
    detail = await _bought(
        client,
        regular,
        [
            # 28% + 12% cess before the slabs changed: 140 x 14 / 140 = 14.00 each, cess 12.00.
            {"product_name": "Pan Masala", "quantity": 1, "price_purchase": "140.00",
             "gst_rate": 28, "cess_rate": 12},
            # Inter-state would be IGST; the same vendor makes every line intra-state.
            {"product_name": "Ghee 1l", "quantity": 2, "price_purchase": "50.00",
             "gst_rate": 5, "price_includes_tax": False, "discount": "10.00"},
        ],
        vendor_gstin=VENDOR_SAME_STATE,
        transaction_date="2025-09-01",
    )  # fmt: skip

    pan, ghee = detail["products"]
    assert _heads(pan) == (D("100.00"), D("14.00"), D("14.00"), D("0.00"), D("12.00"))
    # 90.00 after the discount, 2.5% each way: 2.25 + 2.25.
    assert _heads(ghee) == (D("90.00"), D("2.25"), D("2.25"), D("0.00"), D("0.00"))
    assert ghee["line_total"] == D("94.50")
    assert _heads(detail) == (D("190.00"), D("16.25"), D("16.25"), D("0.00"), D("12.00"))
    assert detail["total_amount"] == D("234.50") == sum(_heads(detail), D(0))
    assert await bill_total_mismatches(app, regular.shop_id) == []


async def test_an_invalid_vendor_gstin_is_a_422_naming_the_field_and_writes_nothing(
    client, regular, app
):
    before = await counts(app, regular.shop_id)

    response = await purchase(
        client,
        regular,
        [{"product_name": "Sugar 1kg", "quantity": 1, "price_purchase": "40.00"}],
        vendor_gstin="27AAPFU0939F1ZO",  # the check character should be V
    )

    assert response.status_code == 422, response.text
    (error,) = exact(response)["errors"]
    assert error["loc"] == ["body", "vendor_gstin"]
    assert "check character" in error["msg"]
    assert await counts(app, regular.shop_id) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hsn_code", "12"),
        ("hsn_code", 1006),
        ("cess_rate", "400.01"),
        ("cess_rate", -1),
        ("gst_rate", "100.5"),
        ("price_includes_tax", "yes"),
        ("price_includes_tax", 1),
    ],
)
async def test_a_bad_line_tax_field_is_a_422_naming_it(client, regular, field, value):
    line = {"product_name": "Sugar 1kg", "quantity": 1, "price_purchase": "40.00", field: value}

    response = await purchase(client, regular, [line], vendor_gstin=VENDOR_SAME_STATE)

    assert response.status_code == 422, response.text
    assert exact(response)["errors"][0]["loc"] == ["body", "products", 0, field]


@pytest.mark.parametrize(("field", "value"), [("invoice_no", "X" * 17), ("reverse_charge", "true")])
async def test_a_bad_bill_tax_field_is_a_422_naming_it(client, regular, field, value):
    response = await purchase(
        client,
        regular,
        [{"product_name": "Sugar 1kg", "quantity": 1, "price_purchase": "40.00"}],
        vendor_gstin=VENDOR_SAME_STATE,
        **{field: value},
    )

    assert response.status_code == 422, response.text
    assert exact(response)["errors"][0]["loc"] == ["body", field]


async def test_12_percent_is_refused_on_a_bill_dated_today_but_taken_before_the_slabs_changed(
    client, regular
):
    line = {
        "product_name": "Butter 500g",
        "quantity": 1,
        "price_purchase": "112.00",
        "gst_rate": 12,
    }

    today = await purchase(client, regular, [line], vendor_gstin=VENDOR_SAME_STATE)
    before = await _bought(
        client, regular, [line], vendor_gstin=VENDOR_SAME_STATE, transaction_date="2025-09-01"
    )

    assert today.status_code == 422, today.text
    (error,) = exact(today)["errors"]
    assert error["loc"] == ["body", "products", 0, "gst_rate"]
    assert "12% is not a GST rate" in error["msg"]
    # 112 x 6 / 112 = 6.00 each way.
    assert _heads(before) == (D("100.00"), D("6.00"), D("6.00"), D("0.00"), D("0.00"))
    assert before["products"][0]["gst_rate"] == D("12.00")


TAXED_LINES = [
    {"product_name": "Atta 10kg", "quantity": 2, "price_purchase": "100.00", "gst_rate": 18},
    {
        "product_name": "Dal 1kg",
        "quantity": 3,
        "price_purchase": "84.75",
        "gst_rate": 18,
        "cess_rate": 1,
        "hsn_code": "0713",
        "price_includes_tax": False,
        "discount_percent": 10,
    },
]
UNTAXED_TOTAL = D("200.00") + D("254.25") - D("25.43")


async def _untaxed(client, shop: ShopSession, **fields: Any) -> dict:
    detail = await _bought(client, shop, TAXED_LINES, **fields)
    assert detail["total_amount"] == UNTAXED_TOTAL
    assert _heads(detail) == (UNTAXED_TOTAL, D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert [line["line_total"] for line in detail["products"]] == [D("200.00"), D("228.82")]
    assert [line["gst_rate"] for line in detail["products"]] == [D("0.00"), D("0.00")]
    return detail


async def test_an_unregistered_shop_ignores_the_tax_fields(client, shop, app):
    phone = unique_phone()
    detail = await _untaxed(
        client, shop, vendor_gstin=VENDOR_SAME_STATE, phone_no=phone, bill_paid=False
    )

    assert detail["vendor_gstin"] == VENDOR_SAME_STATE  # recorded all the same
    assert detail["products"][1]["hsn_code"] == "0713"
    assert await _vendor_balance(client, shop, phone) == UNTAXED_TOTAL
    # The stock's cost is the plain net unit price: 228.82 / 3.
    assert (await _product(client, shop, "Dal 1kg"))["price_purchase"] == D("76.27")
    assert await bill_total_mismatches(app, shop.shop_id) == []


async def test_a_registered_shop_buying_from_a_vendor_without_gstin_records_no_tax(client, regular):
    detail = await _untaxed(client, regular)

    assert detail["vendor_gstin"] is None


async def test_an_old_clients_purchase_is_priced_as_before(client, regular):
    """A body without any of the new fields, from a registered shop: the totals of old."""
    plain = [{k: v for k, v in line.items() if k not in {"gst_rate", "cess_rate", "hsn_code",
              "price_includes_tax"}} for line in TAXED_LINES]  # fmt: skip

    response = await purchase(client, regular, plain)

    assert response.status_code == 201, response.text
    assert exact(response)["total_amount"] == UNTAXED_TOTAL


async def test_under_reverse_charge_the_vendor_is_owed_the_value_before_tax(client, regular, app):
    phone = unique_phone()
    detail = await _bought(
        client,
        regular,
        [
            {
                "product_name": "Cashew 1kg",
                "quantity": 1,
                "price_purchase": "84.75",
                "gst_rate": 5,
                "price_includes_tax": False,
            }
        ],
        vendor_gstin=VENDOR_OTHER_STATE,
        reverse_charge=True,
        phone_no=phone,
        bill_paid=False,
    )

    # The shop pays the IGST (round(84.75 x 5 / 100) = 4.24) itself; the vendor's bill has none.
    assert _heads(detail) == (D("84.75"), D("0.00"), D("0.00"), D("4.24"), D("0.00"))
    assert detail["reverse_charge"] is True
    assert detail["total_amount"] == D("84.75")
    assert detail["products"][0]["line_total"] == D("84.75")
    assert await _vendor_balance(client, regular, phone) == D("84.75")
    assert await bill_total_mismatches(app, regular.shop_id) == []


async def test_a_regular_shop_values_its_stock_before_the_tax_it_claims_back(client, regular):
    await _bought(
        client,
        regular,
        [{"product_name": "Tea 1kg", "quantity": 10, "price_purchase": "118.00", "gst_rate": 18}],
        vendor_gstin=VENDOR_SAME_STATE,
    )

    # 1180.00 including 180.00 of GST the shop claims back: 1000.00 for ten.
    assert (await _product(client, regular, "Tea 1kg"))["price_purchase"] == D("100.00")


async def test_a_composition_shop_values_its_stock_with_the_tax_it_cannot_claim(client, shop):
    await register_for_gst(client, shop, "composition")

    detail = await _bought(
        client,
        shop,
        [
            {
                "product_name": "Tea 1kg",
                "quantity": 10,
                "price_purchase": "100.00",
                "gst_rate": 18,
                "price_includes_tax": False,
            }
        ],
        vendor_gstin=VENDOR_SAME_STATE,
    )

    # The heads are recorded; the tax is part of what the goods cost: 1180.00 for ten.
    assert _heads(detail) == (D("1000.00"), D("90.00"), D("90.00"), D("0.00"), D("0.00"))
    assert (await _product(client, shop, "Tea 1kg"))["price_purchase"] == D("118.00")


async def test_a_new_product_takes_the_lines_tax_fields_and_later_bills_default_to_them(
    client, regular
):
    await _bought(
        client,
        regular,
        [
            {
                "product_name": "Biscuits Box",
                "quantity": 1,
                "price_purchase": "100.00",
                "gst_rate": 5,
                "cess_rate": "1.5",
                "hsn_code": "19053100",
                "price_includes_tax": False,
            }
        ],
        vendor_gstin=VENDOR_SAME_STATE,
    )
    product = await _product(client, regular, "Biscuits Box")
    assert (
        product["hsn_code"],
        product["gst_rate"],
        product["cess_rate"],
        product["price_includes_tax"],
    ) == ("19053100", D("5.00"), D("1.50"), False)

    again = await _bought(
        client,
        regular,
        [{"product_id": product["product_id"], "quantity": 1, "price_purchase": "100.00"}],
        vendor_gstin=VENDOR_OTHER_STATE,
    )

    # The product's rates and exclusive price: IGST 5.00, cess 1.50 on top.
    (line,) = again["products"]
    assert _heads(line) == (D("100.00"), D("0.00"), D("0.00"), D("5.00"), D("1.50"))
    assert (line["hsn_code"], line["gst_rate"], line["cess_rate"]) == (
        "19053100",
        D("5.00"),
        D("1.50"),
    )
    assert again["total_amount"] == D("106.50")


async def test_a_line_states_its_own_pricing_over_the_products(client, regular):
    await _bought(
        client,
        regular,
        [{"product_name": "Soap", "quantity": 1, "price_purchase": "100.00", "gst_rate": 18,
          "price_includes_tax": False}],
        vendor_gstin=VENDOR_SAME_STATE,
    )  # fmt: skip
    product = await _product(client, regular, "Soap")

    again = await _bought(
        client,
        regular,
        [{"product_id": product["product_id"], "quantity": 1, "price_purchase": "105.00",
          "gst_rate": 5, "price_includes_tax": True}],
        vendor_gstin=VENDOR_SAME_STATE,
    )  # fmt: skip

    # 105 x 2.5 / 105 = 2.50 each way, inside the price.
    assert _heads(again) == (D("100.00"), D("2.50"), D("2.50"), D("0.00"), D("0.00"))
    assert again["total_amount"] == D("105.00")
