"""Render the sample documents shown in the docs: a 10-line tax invoice in English and in
Hindi (page 1 of the PDF as a PNG) and the English one as a 58 mm thermal receipt.

    .venv/bin/python scripts/render_samples.py [output folder, default docs/samples]

Writes invoice-en.png, invoice-hi.png, receipt-58mm.txt and receipt-58mm.png. The bill is
made up here, worked out the way a sale works it (line amount = quantity x rate - discount +
GST, total rounded to the rupee), so the samples add up.
"""

import datetime as dt
import importlib.util
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from app.core.message_templates import Language
from app.core.upi import payment_uri
from app.invoices.model import (
    ZERO,
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    TaxRow,
    UpiRequest,
)
from app.invoices.render.pdf import pdf_document
from app.invoices.render.words import amount_in_words

ROOT = Path(__file__).resolve().parent.parent
DPI = 100
MONOSPACE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
PAISA = Decimal("0.01")

SHOP = {
    "en": ShopBlock(
        name="Sharma Kirana Stores",
        legal_name="Sharma Traders",
        address="Shop 4, Laxmi Niwas, Station Road, Andheri (East), Mumbai 400069",
        phone="+91 98200 12345",
        gstin="27AAPFS1234K1Z5",
        state="27-Maharashtra",
    ),
    "hi": ShopBlock(
        name="शर्मा किराना स्टोर्स",
        legal_name="Sharma Traders",
        address="दुकान 4, लक्ष्मी निवास, स्टेशन रोड, अंधेरी (पूर्व), मुंबई 400069",
        phone="+91 98200 12345",
        gstin="27AAPFS1234K1Z5",
        state="27-महाराष्ट्र",
    ),
}
BUYER = {
    "en": PartyBlock(
        name="Gupta Tiffin Services",
        phone="+91 98765 43210",
        gstin="27AAACG4321M1Z2",
        address="12, Sai Darshan, J. B. Nagar, Andheri (East), Mumbai",
        place_of_supply="27-Maharashtra",
    ),
    "hi": PartyBlock(
        name="गुप्ता टिफ़िन सर्विसेज़",
        phone="+91 98765 43210",
        gstin="27AAACG4321M1Z2",
        address="12, साई दर्शन, जे. बी. नगर, अंधेरी (पूर्व), मुंबई",
        place_of_supply="27-महाराष्ट्र",
    ),
}
# English name, Hindi name, HSN, GST %, quantity, rate, discount
ITEMS = [
    (
        "India Gate Basmati Rice 5 kg",
        "इंडिया गेट बासमती चावल 5 किलो",
        "1006",
        5,
        "2",
        "545.00",
        "40.00",
    ),
    ("Fortune Sunflower Oil 1 L", "फ़ॉर्च्यून सूरजमुखी तेल 1 लीटर", "1512", 5, "6", "155.00", "0"),
    ("Tata Salt 1 kg", "टाटा नमक 1 किलो", "2501", 0, "4", "28.00", "0"),
    ("Toor Dal (Arhar) Unpolished 1 kg", "तूर दाल (अरहर) 1 किलो", "0713", 0, "3", "168.00", "15.00"),
    (
        "Aashirvaad Shudh Chakki Atta 10 kg",
        "आशीर्वाद शुद्ध चक्की आटा 10 किलो",
        "1101",
        5,
        "1",
        "489.00",
        "0",
    ),
    ("Amul Butter 500 g", "अमूल मक्खन 500 ग्राम", "0405", 12, "2", "285.00", "0"),
    ("Everest Turmeric Powder 200 g", "एवरेस्ट हल्दी पाउडर 200 ग्राम", "0910", 5, "2", "64.50", "0"),
    (
        "Surf Excel Easy Wash 1.5 kg",
        "सर्फ़ एक्सेल ईज़ी वॉश 1.5 किलो",
        "3402",
        18,
        "1",
        "230.00",
        "10.00",
    ),
    ("Parle-G Biscuits 800 g", "पारले-जी बिस्किट 800 ग्राम", "1905", 18, "3", "90.00", "0"),
    (
        "Brooke Bond Red Label Tea 500 g",
        "ब्रुक बॉन्ड रेड लेबल चाय 500 ग्राम",
        "0902",
        5,
        "1",
        "270.00",
        "0",
    ),
]
PREVIOUS_BALANCE = Decimal("1250.00")
PAID = Decimal("2000.00")


def q(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


def tax_invoice(language: Language) -> InvoiceDocument:
    lines: list[DocumentLine] = []
    rows: dict[Decimal, list[Decimal]] = {}
    subtotal = discount_total = taxable_total = half_total = ZERO
    for english, hindi, hsn, rate_percent, quantity, rate, discount in ITEMS:
        gross = q(Decimal(quantity) * Decimal(rate))
        taxable = gross - Decimal(discount)
        gst_rate = Decimal(rate_percent)
        half = q(taxable * gst_rate / 200)
        row = rows.setdefault(gst_rate, [ZERO, ZERO])
        row[0] += taxable
        row[1] += half
        subtotal += gross
        discount_total += Decimal(discount)
        taxable_total += taxable
        half_total += half
        lines.append(
            DocumentLine(
                name=english if language == "en" else hindi,
                quantity=Decimal(quantity),
                rate=Decimal(rate),
                amount=taxable + 2 * half,
                discount=Decimal(discount),
                hsn_code=hsn,
                gst_rate=gst_rate,
                taxable_value=taxable,
                tax=2 * half,
            )
        )
    exact = taxable_total + 2 * half_total
    total = q(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    number = "SK2026-27/000042"
    due = PREVIOUS_BALANCE + total - PAID
    uri = payment_uri(
        vpa="sharma.kirana@okaxis", payee_name="Sharma Kirana Stores", amount=due,
        note=f"Bill {number}",
    )  # fmt: skip
    return InvoiceDocument(
        kind="tax_invoice",
        language=language,
        shop=SHOP[language],
        party=BUYER[language],
        number=number,
        date=dt.date(2026, 12, 3),
        lines=lines,
        subtotal=subtotal,
        discount_total=discount_total,
        total=total,
        total_in_words=amount_in_words(total, language),
        paid=PAID,
        taxed=True,
        taxable_value=taxable_total,
        cgst=half_total,
        sgst=half_total,
        round_off=total - exact,
        tax_rows=[
            TaxRow(rate, taxable, half, half, ZERO, ZERO)
            for rate, (taxable, half) in sorted(rows.items())
        ],
        previous_balance=PREVIOUS_BALANCE,
        balance_due=due,
        upi=UpiRequest(
            uri=uri, payee_vpa="sharma.kirana@okaxis", payee_name="Sharma Kirana Stores", amount=due
        ),
    )


def first_page_png(content: bytes, target: Path) -> None:
    document = pdfium.PdfDocument(content)
    try:
        image = document[0].render(scale=DPI / 72).to_pil()
    finally:
        document.close()
    save_small(image, target)


def save_small(image: Image.Image, target: Path) -> None:
    """A PNG of few colours: text on white needs no more, and the file stays small."""
    image.convert("RGB").quantize(colors=64).save(target, optimize=True)


def receipt_png(text: str, target: Path) -> None:
    """The receipt drawn as a thermal printer would: a narrow slip in a monospace font."""
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    if MONOSPACE.exists():
        font = ImageFont.truetype(str(MONOSPACE), 15)
    else:
        font = ImageFont.load_default()
    lines = text.splitlines()
    left, top, right, bottom = font.getbbox("M" * max(len(line) for line in lines))
    line_height = int((bottom - top) * 1.5) or 18
    margin = 16
    image = Image.new(
        "L", (int(right - left) + 2 * margin, line_height * len(lines) + 2 * margin), 255
    )
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * line_height), line, font=font, fill=0)
    save_small(image, target)


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for language in ("en", "hi"):
        target = folder / f"invoice-{language}.png"
        first_page_png(pdf_document(tax_invoice(language)), target)
        print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    if importlib.util.find_spec("app.invoices.render.receipt") is None:
        print("no app.invoices.render.receipt: the receipt sample is skipped")
        return 0
    from app.invoices.render.receipt import receipt_text

    text = receipt_text(tax_invoice("en"), 32)
    (folder / "receipt-58mm.txt").write_text(text, encoding="utf-8")
    receipt_png(text, folder / "receipt-58mm.png")
    print(f"wrote {folder / 'receipt-58mm.txt'} and {folder / 'receipt-58mm.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "samples"))
