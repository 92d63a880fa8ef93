"""Headings as shops and other apps write them -> product fields; the refusals."""

import pytest

from app.imports.headers import HeaderError, field_for, map_headings, normalise


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Item Name", "product_name"),
        ("ITEM NAME", "product_name"),
        ("  item   name ", "product_name"),
        ("Item_Name", "product_name"),
        ("ItemName", "product_name"),
        ("Product", "product_name"),
        ("Product Name:", "product_name"),
        ("Particulars", "product_name"),
        ("नाम", "product_name"),
        ("वस्तु का नाम", "product_name"),
        ("सामान", "product_name"),
        ("MRP", "price_sale"),
        ("M.R.P.", "price_sale"),
        ("Sale Price", "price_sale"),
        ("Selling Price (₹)", "price_sale"),
        ("Rate", "price_sale"),
        ("बिक्री मूल्य", "price_sale"),
        ("दाम", "price_sale"),
        ("Cost", "price_purchase"),
        ("Purchase Price", "price_purchase"),
        ("खरीद मूल्य", "price_purchase"),
        ("Qty", "quantity"),
        ("Qty.", "quantity"),
        ("Stock", "quantity"),
        ("Opening Stock", "quantity"),
        ("मात्रा", "quantity"),
        ("स्टॉक", "quantity"),
        ("Unit", "unit"),
        ("UOM", "unit"),
        ("इकाई", "unit"),
        ("Barcode", "barcode"),
        ("Bar Code", "barcode"),
        ("EAN", "barcode"),
        ("EAN-13", "barcode"),
        ("HSN", "hsn_code"),
        ("HSN/SAC", "hsn_code"),
        ("HSN Code", "hsn_code"),
        ("GST %", "gst_rate"),
        ("GST Rate", "gst_rate"),
        ("Tax %", "gst_rate"),
        ("जीएसटी", "gst_rate"),
        ("Reorder Level", "reorder_level"),
        ("Re-order Level", "reorder_level"),
        ("Min Stock", "reorder_level"),
        ("Min. Qty", "reorder_level"),
        ("न्यूनतम स्टॉक", "reorder_level"),
    ],
)
def test_spellings_map_exactly(heading: str, field: str) -> None:
    assert field_for(heading) == (field, False)


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Prodcut Name", "product_name"),
        ("Quantitiy", "quantity"),
        ("Purchse Price", "price_purchase"),
        ("Sellling Price", "price_sale"),
        ("Reorder Levl", "reorder_level"),
        ("Barcod", "barcode"),
    ],
)
def test_typos_of_longer_headings_are_guessed(heading: str, field: str) -> None:
    assert field_for(heading) == (field, True)


@pytest.mark.parametrize(
    "heading", ["Cess", "Remarks", "Category", "Brand", "Expiry", "Sr No", "", "   ", "Cst", "Rat"]
)
def test_other_headings_name_no_field(heading: str) -> None:
    assert field_for(heading) == (None, False)


def test_normalise_keeps_devanagari_vowel_signs_and_drops_punctuation() -> None:
    assert normalise("  Item-Name: ") == "item name"
    assert normalise("GST %") == "gst percent"
    assert normalise("बिक्री  मूल्य।") == "बिक्री मूल्य"  # the danda is punctuation
    assert normalise("\uff2d\uff32\uff30") == "mrp"  # full-width letters


def test_a_mapping_lists_what_it_used_ignored_and_guessed() -> None:
    mapping = map_headings(["Sr No", "नाम", "MRP", "Qty", "Prodcut Code", "Cess", "Purchse Price"])
    assert mapping.columns == {
        "product_name": "नाम",
        "price_sale": "MRP",
        "quantity": "Qty",
        "price_purchase": "Purchse Price",
    }
    assert mapping.ignored == ["Sr No", "Prodcut Code", "Cess"]
    assert mapping.guessed == ["Purchse Price"]


def test_blank_headings_are_skipped() -> None:
    assert map_headings(["Item", "", "Rate"]).columns == {
        "product_name": "Item",
        "price_sale": "Rate",
    }


@pytest.mark.parametrize(
    ("headings", "both"),
    [
        (["Item Name", "MRP", "Sale Price"], ("MRP", "Sale Price")),
        (["Product", "Qty", "Stock"], ("Qty", "Stock")),
        (["नाम", "Product Name"], ("नाम", "Product Name")),
    ],
)
def test_two_columns_for_one_field_name_both(headings: list[str], both: tuple[str, str]) -> None:
    with pytest.raises(HeaderError, match=f"'{both[0]}' and '{both[1]}' both look like"):
        map_headings(headings)


def test_no_name_column_is_an_error() -> None:
    with pytest.raises(HeaderError, match=r"No column with the product's name.*found: MRP, Qty"):
        map_headings(["MRP", "Qty"])
