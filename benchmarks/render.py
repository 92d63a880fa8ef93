"""Document rendering, measured in process: `python -m benchmarks.render` (also part of
`make bench`).

Renders a 10-line tax invoice with a UPI QR code (English and Hindi) as an A4 PDF, an HTML
page and 58 mm / 80 mm thermal receipts, RUNS times each after a warm-up render (fonts parsed
once per process), and prints p50 / p90 / max milliseconds. The API renders in a worker
thread (`app.invoices.service.render`), so these milliseconds are CPU time taken off the event
loop, not time the loop stands still. Asserts nothing.
"""

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.core.message_templates import Language
from app.core.upi import payment_uri
from app.invoices.model import (
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    TaxRow,
    UpiRequest,
)
from app.invoices.render.html import html_document
from app.invoices.render.pdf import pdf_document
from app.invoices.render.receipt import receipt_text
from app.invoices.render.words import amount_in_words

RUNS = int(os.environ.get("BENCH_RENDER_RUNS", "200"))
D = Decimal

_NAMES = {
    "en": [
        "Aashirvaad Atta 10kg",
        "Fortune Sunflower Oil 1L",
        "Tata Salt 1kg",
        "Parle-G 800g",
        "Surf Excel Easy Wash 1kg",
        "Colgate Strong Teeth 200g",
        "Maggi Noodles 12 pack",
        "Red Label Tea 500g",
        "Toor Dal 1kg",
        "Basmati Rice Premium 5kg",
    ],
    "hi": [
        "आशीर्वाद आटा 10 किलो",
        "फॉर्च्यून सूरजमुखी तेल 1 लीटर",
        "टाटा नमक 1 किलो",
        "पारले-जी बिस्कुट",
        "सर्फ़ एक्सेल 1 किलो",
        "कोलगेट टूथपेस्ट",
        "मैगी नूडल्स 12 पैक",
        "रेड लेबल चाय 500 ग्राम",
        "तुअर दाल 1 किलो",
        "बासमती चावल प्रीमियम क्वालिटी 5 किलो",
    ],
}


def ten_line_invoice(language: Language) -> InvoiceDocument:
    """A 10-line intra-state tax invoice at 18% with a discount and a UPI request."""
    lines = []
    for index, name in enumerate(_NAMES[language]):
        quantity, rate = D(index % 3 + 1), D(45) + D(index) * D("37.25")
        discount = D("5.00") if index % 4 == 0 else D("0.00")
        amount = quantity * rate - discount
        tax = (amount * D(18) / D(118)).quantize(D("0.01"))
        lines.append(
            DocumentLine(
                name=name, quantity=quantity, rate=rate, amount=amount, discount=discount,
                hsn_code="1101", gst_rate=D(18), taxable_value=amount - tax, tax=tax,
            )
        )  # fmt: skip
    total = sum((line.amount for line in lines), D(0))
    taxable = sum((line.taxable_value for line in lines), D(0))
    tax = total - taxable
    half = (tax / 2).quantize(D("0.01"))
    uri = payment_uri(
        vpa="sharma.kirana@okaxis", payee_name="Sharma Kirana", amount=total, note="Bill 42"
    )
    return InvoiceDocument(
        kind="tax_invoice",
        language=language,
        shop=ShopBlock(
            name="Sharma Kirana", legal_name="Sharma Kirana Stores LLP",
            address="Shop 4, Sector 15, Vashi, Navi Mumbai 400703", phone="+919812345678",
            gstin="27AAPFU0939F1ZV", state="27-Maharashtra",
        ),
        party=PartyBlock(name="Meena Devi", phone="+919876543210"),
        number="SK2026-27/000042",
        date=dt.date(2026, 12, 4),
        lines=lines,
        subtotal=total + D("15.00"),
        discount_total=D("15.00"),
        total=total,
        total_in_words=amount_in_words(total, language),
        paid=D("0.00"),
        taxed=True,
        taxable_value=taxable,
        cgst=half,
        sgst=tax - half,
        tax_rows=[TaxRow(D(18), taxable, half, tax - half, D(0), D(0))],
        previous_balance=D("1250.00"),
        balance_due=D("1250.00") + total,
        upi=UpiRequest(uri, "sharma.kirana@okaxis", "Sharma Kirana", total),
    )  # fmt: skip


def _time(render: Callable[[], object], runs: int) -> dict[str, float]:
    render()  # warm: fonts parsed, templates compiled
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 3),
        "max_ms": round(samples[-1], 3),
        "runs": runs,
    }


def figures(runs: int = RUNS) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for language in ("en", "hi"):
        document = ten_line_invoice(language)
        out[f"pdf_{language}"] = _time(lambda d=document: pdf_document(d), runs)
        out[f"pdf_{language}"]["bytes"] = len(pdf_document(document))
        out[f"html_{language}"] = _time(lambda d=document: html_document(d), runs)
        out[f"text58_{language}"] = _time(lambda d=document: receipt_text(d, 32), runs * 5)
        out[f"text80_{language}"] = _time(lambda d=document: receipt_text(d, 48), runs * 5)
    return out


def table(result: dict[str, Any]) -> str:
    lines = [f"  {'10-line tax invoice':34} {'p50 ms':>9} {'p90 ms':>9} {'max ms':>9}"]
    for name, row in result.items():
        lines.append(
            f"  {name:34} {row['p50_ms']:>9} {row['p90_ms']:>9} {row['max_ms']:>9}"
            + (f"   {row['bytes']:,} bytes" if "bytes" in row else "")
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(figures()))
