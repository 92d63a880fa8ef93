"""Whole bills as OCR hands them over (text boxes where the text was), read into items.

The boxes are made from text laid out in a fixed-width grid - a run of words separated by single
spaces is one box, as OCR returns it - so the rows and columns are exactly what is written
here, and what is tested is how rows become items: headers, totals, name rows and their numbers.
"""

import re
from decimal import Decimal

import pytest

from app.extraction.layout import read_bill
from app.integrations.ocr.reader import TextBox

_CHAR, _LINE = 12, 32


def _boxes(text: str) -> list[TextBox]:
    boxes = []
    for row, line in enumerate(text.strip("\n").splitlines()):
        for run in re.finditer(r"\S+(?: \S+)*", line):
            left, right, top = run.start() * _CHAR, run.end() * _CHAR, 20 + row * _LINE
            corners = ((left, top), (right, top), (right, top + 22), (left, top + 22))
            boxes.append(TextBox(run.group(), Decimal("0.95"), corners))
    return boxes


BILLS = {
    "a tax invoice's taxable value, not its tax-inclusive total, is quantity x rate": (
        """
Item                 HSN      Qty   Rate     Taxable   GST   Total
Fortune Oil 1L       1507     6     138.10   828.60    5%    870.03
Tata Salt 1kg        2501     20    21.43    428.60    5%    450.03
Grand Total 1320.06
""",
        [("Fortune Oil 1L", "6"), ("Tata Salt 1kg", "20")],
    ),
    "labelled numbers under each name, the labels not a header": (
        """
SHREE BALAJI TRADERS
Toor Dal
Qty: 2  Rate: 140.00  Amt: 280.00
Sugar
Rate: 44.00  Qty: 5  Amt: 220.00
Total 500.00
""",
        [("Toor Dal", "2"), ("Sugar", "5")],
    ),
    "a receipt name cut at its width goes on on the next row": (
        """
D-MART
ITEM                QTY   RATE    AMT
TATA SAMPANN TOOR D
AL 1KG
                    2     165.00  330.00
AASHIRVAAD ATTA 5KG
                    1     255.00  255.00
TOTAL               3             585.00
""",
        [("TATA SAMPANN TOOR D AL 1KG", "2"), ("AASHIRVAAD ATTA 5KG", "1")],
    ),
    "an HSN code before the name is not part of it, nor a reason to skip the row": (
        """
Particulars         Qty   Rate    Value
HSN:1701 SUGAR 1KG
                    2     44.00   88.00
HSN 0713 TOOR DAL 1KG
                    1     165.00  165.00
Total                             253.00
""",
        [("SUGAR 1KG", "2"), ("TOOR DAL 1KG", "1")],
    ),
    "a memo row with a whole date, a bill number and a total OCR misspelt": (
        """
Patel Supermart
Mem094490 Date 24/10/2026
Bi11 No:38199 12-06-26
Sugar 5 kg @ 44 = 220
Tea 2 pkt @ 140 = 280
Tota1 500.00
Cash 500.00
""",
        [("Sugar", "5"), ("Tea", "2")],
    ),
}


@pytest.mark.parametrize("case", BILLS)
def test_rows_become_items_with_their_names_and_quantities(case):
    text, expected = BILLS[case]
    reading = read_bill(_boxes(text))
    assert [(line.name, line.quantity) for line in reading.lines] == [
        (name, Decimal(quantity)) for name, quantity in expected
    ]
