"""Cells as shops type them -> exact values, and the rejects with their reasons."""

import datetime as dt
from decimal import Decimal

import pytest

from app.imports.values import (
    UNITS,
    CellError,
    NegativeNumber,
    parse_barcode,
    parse_date,
    parse_gst_rate,
    parse_hsn,
    parse_money,
    parse_quantity,
    parse_unit,
)
from app.products.schemas import Unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45", "45.00"),
        ("1,00,000.50", "100000.50"),  # Indian grouping
        ("12,34,56,789", "123456789.00"),
        ("1,250.00", "1250.00"),  # Western grouping
        ("1,000,000", "1000000.00"),
        ("₹ 45", "45.00"),
        ("₹45.5", "45.50"),
        ("45/-", "45.00"),
        ("45 /-", "45.00"),
        ("Rs. 45.00", "45.00"),
        ("rs 45", "45.00"),
        ("RS.1,200/-", "1200.00"),
        ("INR 99.99", "99.99"),
        ("रु. 30", "30.00"),
        ("45 ₹", "45.00"),
        ("  28.50  ", "28.50"),
        ("45.500", "45.50"),  # trailing zeros are not paise
        ("४५", "45.00"),  # Devanagari digits
        ("१,२५०.५०", "1250.50"),
        (".5", "0.50"),
        ("0", "0.00"),
        ("1\u00a0250", "1250.00"),  # a non-breaking space inside, as some exports write
    ],
)
def test_money_as_shops_write_it(text: str, expected: str) -> None:
    value = parse_money(text)
    assert value == Decimal(expected)
    assert str(value) == expected  # exactly two places, no float on the way


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.2.3", "more than one decimal point"),
        ("-45", "cannot be negative"),
        ("\u221245", "cannot be negative"),  # a real minus sign
        ("(45)", "cannot be negative"),
        ("45.555", "more than 2 decimal places"),
        ("1,2,3", "commas in the wrong places"),
        ("12,34", "commas in the wrong places"),
        ("abc", "is not a number"),
        ("45 rupees", "is not a number"),
        ("4 5.5x", "is not a number"),
        ("1e5", "is not a number"),
        ("9999999999999", "too large"),
    ],
)
def test_money_rejects_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_money(text, "Selling price")


def test_money_reasons_name_what_was_read() -> None:
    with pytest.raises(CellError, match=r"Selling price cannot be negative \('-12'\)"):
        parse_money("-12", "Selling price")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", "10.000"), ("2.5", "2.500"), ("0.125", "0.125"), ("1,200", "1200.000"), ("४", "4.000")],
)
def test_quantities_take_three_places(text: str, expected: str) -> None:
    assert str(parse_quantity(text)) == expected


@pytest.mark.parametrize(("text", "reason"), [("1.2345", "more than 3"), ("-2", "negative")])
def test_quantity_rejects(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18", "18.00"),
        ("18%", "18.00"),
        ("18 %", "18.00"),
        ("18.0", "18.00"),
        ("GST 5%", "5.00"),
        ("gst@12", "12.00"),
        ("0", "0.00"),
        ("0.25", "0.25"),
        ("२८", "28.00"),
    ],
)
def test_gst_rates(text: str, expected: str) -> None:
    assert str(parse_gst_rate(text)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("101", "above 100"), ("-5", "negative"), ("eighteen", "not a GST rate"), ("5.125", "2 dec")],
)
def test_gst_rate_rejects(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_gst_rate(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("kg", "kg"),
        ("KG", "kg"),
        ("Kg.", "kg"),
        (" kgs ", "kg"),
        ("Kilo", "kg"),
        ("किलो", "kg"),
        ("pcs", "pcs"),
        ("PC", "pcs"),
        ("Nos", "pcs"),
        ("Nos.", "pcs"),
        ("piece", "pcs"),
        ("नग", "pcs"),
        ("pkt", "pack"),
        ("Packet", "pack"),
        ("पैकेट", "pack"),
        ("ltr", "l"),
        ("Litre", "l"),
        ("L", "l"),
        ("liters", "l"),
        ("लीटर", "l"),
        ("ml", "ml"),
        ("g", "g"),
        ("gm", "g"),
        ("GMS", "g"),
        ("ग्राम", "g"),
        ("dozen", "dozen"),
        ("Dzn", "dozen"),
        ("दर्जन", "dozen"),
        ("box", "box"),
        ("Mtr", "m"),
        ("btl", "bottle"),
        ("Bori", "bag"),
    ],
)
def test_units_map_onto_the_apps_units(text: str, unit: str) -> None:
    assert parse_unit(text) == unit


def test_every_unit_the_app_accepts_is_reachable_and_the_lists_agree() -> None:
    assert set(UNITS) == set(Unit.__args__)
    assert {parse_unit(unit) for unit in UNITS} == set(UNITS)


@pytest.mark.parametrize("text", ["crate", "tola", "kgg", "sq ft"])
def test_an_unknown_unit_is_named(text: str) -> None:
    with pytest.raises(CellError, match=f"unknown unit '{text}'"):
        parse_unit(text)


@pytest.mark.parametrize(
    ("text", "barcode"),
    [
        ("8901234567890", "8901234567890"),
        ("8901234567890.0", "8901234567890"),  # an XLSX number cell, as text
        (" 8901 2345 67890 ", "8901234567890"),
        ("0012345678905", "0012345678905"),  # leading zeros kept
        ("ABC-123", "ABC-123"),
        ("८९०१२३", "890123"),
    ],
)
def test_barcodes_stay_text(text: str, barcode: str) -> None:
    assert parse_barcode(text) == barcode


@pytest.mark.parametrize(
    ("text", "reason"),
    [("8.90123E+12", "scientific notation"), ("89/01", "not a barcode"), ("x" * 65, "not a bar")],
)
def test_barcode_rejects(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_barcode(text)


@pytest.mark.parametrize(
    ("text", "hsn"),
    [("3401", "3401"), ("3401.0", "3401"), ("0401", "0401"), ("19053100", "19053100")],
)
def test_hsn_codes(text: str, hsn: str) -> None:
    assert parse_hsn(text) == hsn


@pytest.mark.parametrize("text", ["34", "123456789", "34O1"])
def test_hsn_rejects(text: str) -> None:
    with pytest.raises(CellError, match="not an HSN code"):
        parse_hsn(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("03-04-2026", dt.date(2026, 4, 3)),  # 3 April: the day comes first in India
        ("03/04/2026", dt.date(2026, 4, 3)),
        ("3.4.2026", dt.date(2026, 4, 3)),
        ("31-12-2025", dt.date(2025, 12, 31)),
        ("2026-04-03", dt.date(2026, 4, 3)),  # an XLSX date cell
        ("2026-04-03T18:30:00", dt.date(2026, 4, 3)),  # a date cell with a time
        ("03/04/26", dt.date(2026, 4, 3)),  # a two-digit year is this century's
        ("3-4-26", dt.date(2026, 4, 3)),
        ("5-Apr-2026", dt.date(2026, 4, 5)),  # as Tally prints it
        ("05 April 2026", dt.date(2026, 4, 5)),
        ("5-apr-26", dt.date(2026, 4, 5)),
        ("12 Sept 2025", dt.date(2025, 9, 12)),
        ("४-१-२०२६", dt.date(2026, 1, 4)),  # Devanagari digits
        ("46115", dt.date(2026, 4, 3)),  # a date cell's serial number, its format lost
        ("36526", dt.date(2000, 1, 1)),
    ],
)
def test_dates_day_first(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31-02-2026", "not a date on the calendar"),
        ("2026/13/01", "not a date"),
        ("kal", "dd-mm"),
        ("5-Foo-2026", "not a date"),
        ("29-Feb-2025", "not a date on the calendar"),
        ("12345", "not a date"),  # a serial number before 2000: no shop's date
        ("1/2/202", "not a date"),
    ],
)
def test_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_date(text)


@pytest.mark.parametrize("text", ["-275", "\u2212 10", "(45)", "₹ -1,000"])
def test_a_negative_number_is_its_own_kind_of_error(text: str) -> None:
    """So a column can say why it refuses one (an advance in a list of udhaar)."""
    with pytest.raises(NegativeNumber, match="Balance cannot be negative"):
        parse_money(text, "Balance")
