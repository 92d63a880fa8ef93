"""One line of a bill written freely, as OCR hands it over: which numbers are which.

The photos of these layouts are read end to end in test_bill_families.py; these are the line
shapes (and OCR slips) on their own, so a change to the scoring shows which one it breaks.
"""

from decimal import Decimal

import pytest

from app.extraction.free_text import read_free_line


def _read(text: str) -> tuple[str, Decimal | None, str | None, Decimal | None, Decimal | None]:
    reading = read_free_line(text)
    assert reading is not None, text
    return (
        reading.name,
        reading.quantity.value if reading.quantity else None,
        reading.unit,
        reading.rate.value if reading.rate else None,
        reading.amount.value if reading.amount else None,
    )


D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # kachha lines: x, @, =, a dash before the amount, units after the quantity
        ("Toor Dal 1kg   2 x 140 = 280", ("Toor Dal 1kg", D(2), None, D(140), D(280))),
        ("Toor Dal lkg 2 \u00d7 140 =280", ("Toor Dal 1kg", D(2), None, D(140), D(280))),
        ("Sugar 5 kg @ 44", ("Sugar", D(5), "kg", D(44), None)),
        ("Sugar 5 kg @ 44/kg = 220", ("Sugar", D(5), "kg", D(44), D(220))),
        ("3 pkt Maggi - 45", ("Maggi", D(3), "pack", None, D(45))),
        ("1) Sugar 5kg - 220/-", ("Sugar", D(5), "kg", None, D(220))),
        ("2. Atta 10 kg @ 38 = 380", ("Atta", D(10), "kg", D(38), D(380))),
        ("Eggs 2 dozen 150", ("Eggs", D(2), "dozen", None, D(150))),
        ("Jeera 500 g 150", ("Jeera", D(500), "g", None, D(150))),
        ("Jeera 250 g @ 400/kg = 100", ("Jeera", D("0.25"), "kg", D(400), D(100))),
        ("Milk 2 L 120", ("Milk", D(2), "l", None, D(120))),
        ("9-Mustard Oil 25ltr @ Rs.161 = Rs.4025/-", ("Mustard Oil", D(25), "l", D(161), D(4025))),
        ("Eggs Tray 2 Dozen 2 x 84 = 168", ("Eggs Tray", D(2), "dozen", D(84), D(168))),
        # labels, rupee signs, fractions, '@ rate x qty' (test_line_shapes.py reads them as photos)
        ("Qty: 2  Rate: 140.00  Amt: 280.00", ("", D(2), None, D(140), D(280))),
        ("Rate: 140.00 Qty: 2 Amt:280.00", ("", D(2), None, D(140), D(280))),
        ("Sugar 1kg  Rs.44 x 5 = Rs.220", ("Sugar 1kg", D(5), None, D(44), D(220))),
        ("Parle G 5rs x 20 = 100", ("Parle G", D(20), None, D(5), D(100))),
        ("Toor Dal 2 kg 280 Rs", ("Toor Dal", D(2), "kg", None, D(280))),
        ("Ghee 1/2 kg = 280", ("Ghee", D("0.5"), "kg", None, D(280))),
        ("Besan 1 1/2 kg - 111", ("Besan", D("1.5"), "kg", None, D(111))),
        ("Paneer \u00bd kg 180", ("Paneer", D("0.5"), "kg", None, D(180))),
        ("@14.00 x 2   28.00", ("", D(2), None, D(14), D(28))),
        ("Sugar (5kg) 220", ("Sugar", D(5), "kg", None, D(220))),
        ("Atta 10kg bag x 1 = 380", ("Atta 10kg bag", D(1), None, None, D(380))),
        ("Milk 1/2 ltr x 4 = 120", ("Milk 0.5 ltr", D(4), None, None, D(120))),
        ("Qty.:48btl Rate:128.00 Amt:6144.00", ("", D(48), "bottle", D(128), D(6144))),
        ("Qty: 2BagPrice:233.00Amt:466.00", ("", D(2), "bag", D(233), D(466))),
        ("20bt1 x121.00 2420.00", ("", D(20), "bottle", D(121), D(2420))),
        ("1 Itr x 192.00 192.00", ("", D(1), "l", D(192), D(192))),
        ("MUSTARD0IL1/2L=73/-", ("MUSTARDOIL", D("0.5"), "l", None, D(73))),
        ("GROUNDNUTOIL11/2Ltr=241.50/-", ("GROUNDNUTOIL", D("1.5"), "l", None, D("241.50"))),
        ("VimBar200gRs.19x2=Rs.38", ("Vim Bar 200g", D(2), None, D(19), D(38))),
        ("Harpic 500 ml 77.50\u00d730=2325", ("Harpic 500 ml", D(30), None, D("77.50"), D(2325))),
        ("Sugar 220/- (5 kg)", ("Sugar", D(5), "kg", None, D(220))),
        ("Chini 5 kilo @ 44 rupees = 220 rupees", ("Chini", D(5), "kg", D(44), D(220))),
        ("Agarbathi 36Box Rs.33/B0X Rs.1,188/-", ("Agarbathi", D(36), "box", D(33), D(1188))),
        # printed rows without a header: the trailing numbers
        ("Tata Salt 1kg 20 22.50 450.00", ("Tata Salt 1kg", D(20), None, D("22.50"), D(450))),
        ("Tata Salt 1kg 20 450.00", ("Tata Salt 1kg", D(20), None, None, D(450))),
        ("Britannia Bread 4 2 35.00 70.00", ("Britannia Bread 4", D(2), None, D(35), D(70))),
        # a receipt's numbers row, with no name
        ("2 x 22.50              45.00", ("", D(2), None, D("22.50"), D(45))),
        ("1.000 X 140.00 = 140.00", ("", D(1), None, D(140), D(140))),
        # OCR slips: 'x' lost or read as 0, letters for digits, split decimals, rupee as 't'
        ("1030.00 300.00", ("", D(10), None, D(30), D(300))),
        ("6056.00 336.00", ("", D(6), None, D(56), D(336))),
        ("TOORDALIKGIPCS@I43=I43", ("TOORDALIKGIPCS", None, None, D(143), D(143))),
        (
            "MAGGI N00DLE 70G 6 PKT 6 x 14. 50 = 87",
            ("MAGGI NOODLE 70G", D(6), "pack", D("14.5"), D(87)),
        ),
        ("Maggi 70g 20 Pkt t260", ("Maggi 70g", D(20), "pack", None, D(260))),
        ("18 PCSBANANA ROBUSTA-90", ("BANANA ROBUSTA", D(18), "pcs", None, D(90))),
    ],
)
def test_a_free_line_is_read_into_name_quantity_rate_and_amount(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize("text", ["TATA SALT IODISED 1KG", "Atta 5kg", "Thank you", "----"])
def test_a_line_without_an_item_reading_is_none(text):
    assert read_free_line(text) is None
