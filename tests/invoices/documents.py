"""Documents for the renderer tests, built straight from the model with realistic, messy data.

Totals are worked out here the way a bill works them (line amount = quantity x rate - discount
+ tax, total rounded to the rupee), so a document adds up; the renderers compute nothing, but
a sample that adds up is easier to read when a test fails.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote

from app.core.message_templates import LANGUAGES, Language
from app.invoices.model import (
    ZERO,
    Document,
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    StatementDocument,
    StatementLine,
    TaxRow,
    UpiRequest,
)
from app.invoices.render.words import amount_in_words

D = Decimal
PAISA = D("0.01")
RUPEE = D("1")
MAX_AMOUNT = D("999999999999.99")

NO_SPACES = "SuperSaverFamilyPackRefinedSunflowerOilWithVitaminADandE15Ltr"
assert len(NO_SPACES) == 61 and " " not in NO_SPACES

HINDI_RICE = "बासमती चावल प्रीमियम क्वालिटी 25 किलो"

SHOPS: dict[Language, ShopBlock] = {
    "en": ShopBlock(
        name="Sharma Kirana & General Store",
        legal_name="Sharma Traders Private Limited",
        address=(
            "Shop No. 4, Ground Floor, Laxmi Niwas Building,\n"
            "Opp. Hanuman Mandir, Station Road, Andheri (East), Mumbai 400069"
        ),
        phone="+91 98200 12345",
        gstin="27AAPFS1234K1Z5",
        state="27-Maharashtra",
    ),
    "hi": ShopBlock(
        name="शर्मा किराना एवं जनरल स्टोर",
        legal_name="Sharma Traders Private Limited",
        address="दुकान नं. 4, लक्ष्मी निवास, स्टेशन रोड, अंधेरी (पूर्व), मुंबई 400069",
        phone="+91 98200 12345",
        gstin="27AAPFS1234K1Z5",
        state="27-महाराष्ट्र",
    ),
}

BUYERS: dict[Language, PartyBlock] = {
    "en": PartyBlock(
        name="Venkataramanan Subramaniam Iyer & Sons Wholesale Provisions",
        phone="+91 80 2345 6789",
        gstin="29ABCDE1234F1Z5",
        address="No. 12, 3rd Cross, Malleshwaram, Bengaluru",
        place_of_supply="29-Karnataka",
    ),
    "hi": PartyBlock(
        name="रामेश्वर प्रसाद गुप्ता",
        phone="+91 94150 00000",
        gstin="09ABCDE1234F1Z5",
        address="चौक बाज़ार, लखनऊ",
        place_of_supply="09-उत्तर प्रदेश",
    ),
}

LOCAL_BUYER = PartyBlock(
    name="Anita D'Souza", phone="+91 98765 43210", gstin="27AAACD1234E1Z9", place_of_supply=None
)


@dataclass(frozen=True)
class Item:
    name: str
    quantity: Decimal
    rate: Decimal
    discount: Decimal = ZERO
    hsn: str | None = None
    gst: Decimal = ZERO
    cess: Decimal = ZERO


TEN_ITEMS = (
    Item(
        "Basmati Rice Premium Quality Extra Long Grain Aged 2 Years 25 kg Bag",
        D("2"),
        D("2450.00"),
        D("100.00"),
        "1006",
        D("5"),
    ),
    Item(HINDI_RICE, D("1"), D("2399.00"), hsn="1006", gst=D("5")),
    Item(NO_SPACES, D("1"), D("2150.00"), hsn="1512", gst=D("5")),
    Item("Kesar (Saffron) Kashmiri Mongra", D("0.001"), D("350000.00"), hsn="0910", gst=D("5")),
    Item("Tata Salt 1 kg", D("10"), D("28.00"), hsn="2501"),
    Item("Amul Butter 500 g", D("3"), D("285.00"), hsn="0405", gst=D("12")),
    Item("Coca-Cola 2 L PET", D("6"), D("95.00"), hsn="2202", gst=D("28"), cess=D("12")),
    Item("हल्दी पाउडर (Turmeric)  200 ग्राम", D("5"), D("64.50"), hsn="0910", gst=D("5")),
    Item(
        'Samsung 43" Crystal 4K Smart LED TV <UA43> & wall-mount kit',
        D("1"),
        D("123456.50"),
        D("1456.50"),
        "8528",
        D("18"),
    ),
    Item("绿茶 Green Tea 乌龙 100 g", D("2"), D("199.99"), hsn="0902", gst=D("5")),
)

PLAIN_ITEMS = (
    Item("Aashirvaad Shudh Chakki Atta 10 kg", D("2"), D("455.00"), D("30.00")),
    Item(HINDI_RICE, D("1.5"), D("96.00")),
    Item("Loose Toor Dal (Arhar) Unpolished", D("0.001"), D("160.00")),
    Item(NO_SPACES, D("1"), D("2150.00"), D("150.00")),
    Item("Parle-G Biscuit 800 g Family Pack", D("12"), D("90.00"), D("80.00")),
)


def q(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


def upi_request(amount: Decimal, note: str, vpa: str = "sharma.kirana@okaxis") -> UpiRequest:
    uri = (
        f"upi://pay?pa={quote(vpa, safe='')}&pn={quote('Sharma Kirana & Sons', safe='')}"
        f"&am={amount}&cu=INR&tn={quote(note, safe='')}"
    )
    return UpiRequest(uri=uri, payee_vpa=vpa, payee_name="Sharma Kirana & Sons", amount=amount)


@dataclass(frozen=True)
class Totals:
    lines: list[DocumentLine]
    subtotal: Decimal
    discount: Decimal
    taxable: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal
    round_off: Decimal
    total: Decimal
    rows: list[TaxRow]


def work_out(items: Sequence[Item], *, taxed: bool, inter_state: bool, round_total: bool) -> Totals:
    lines: list[DocumentLine] = []
    rows: dict[Decimal, list[Decimal]] = {}
    cgst = sgst = igst = cess = ZERO
    for item in items:
        gross = q(item.quantity * item.rate)
        taxable = gross - item.discount
        gst = q(taxable * item.gst / 100) if taxed else ZERO
        line_cess = q(taxable * item.cess / 100) if taxed else ZERO
        half = q(gst / 2)
        c, s, i = (ZERO, ZERO, gst) if inter_state else (half, gst - half, ZERO)
        cgst, sgst, igst, cess = cgst + c, sgst + s, igst + i, cess + line_cess
        if taxed:
            row = rows.setdefault(item.gst, [ZERO] * 5)
            for index, value in enumerate((taxable, c, s, i, line_cess)):
                row[index] += value
        lines.append(
            DocumentLine(
                name=item.name,
                quantity=item.quantity,
                rate=item.rate,
                amount=taxable + gst + line_cess,
                discount=item.discount,
                hsn_code=item.hsn if taxed else None,
                gst_rate=item.gst if taxed else None,
                taxable_value=taxable if taxed else ZERO,
                tax=gst + line_cess,
            )
        )
    exact = sum((line.amount for line in lines), ZERO)
    total = exact.quantize(RUPEE, rounding=ROUND_HALF_UP) if round_total else exact
    total = q(total)
    return Totals(
        lines=lines,
        subtotal=sum((q(item.quantity * item.rate) for item in items), ZERO),
        discount=sum((item.discount for item in items), ZERO),
        taxable=sum((line.taxable_value for line in lines), ZERO),
        cgst=cgst,
        sgst=sgst,
        igst=igst,
        cess=cess,
        round_off=total - exact,
        total=total,
        rows=[TaxRow(rate, *values) for rate, values in sorted(rows.items())],
    )


def invoice(
    kind: DocumentKind,
    language: Language,
    items: Sequence[Item],
    *,
    number: str = "SK2026-27/000042",
    party: PartyBlock | None = None,
    taxed: bool = False,
    inter_state: bool = False,
    round_total: bool = True,
    paid: Decimal | None = None,
    previous_balance: Decimal | None = None,
    with_upi: bool = False,
    void: bool = False,
    original: str | None = None,
    declaration: str | None = None,
) -> InvoiceDocument:
    totals = work_out(items, taxed=taxed, inter_state=inter_state, round_total=round_total)
    paid = totals.total if paid is None else paid
    due = None if previous_balance is None else previous_balance + totals.total - paid
    owed = due if due is not None else totals.total - paid
    upi = upi_request(owed, f"Bill {number}") if with_upi and owed > 0 else None
    return InvoiceDocument(
        kind=kind,
        language=language,
        shop=SHOPS[language],
        party=party,
        number=number,
        date=dt.date(2026, 12, 3),
        lines=totals.lines,
        subtotal=totals.subtotal,
        discount_total=totals.discount,
        total=totals.total,
        total_in_words=amount_in_words(totals.total, language),
        paid=paid,
        taxed=taxed,
        inter_state=inter_state,
        taxable_value=totals.taxable,
        cgst=totals.cgst,
        sgst=totals.sgst,
        igst=totals.igst,
        cess=totals.cess,
        round_off=totals.round_off,
        tax_rows=totals.rows,
        previous_balance=previous_balance,
        balance_due=due,
        upi=upi,
        void=void,
        original=original,
        declaration=declaration,
    )


def tax_invoice(language: Language, *, inter_state: bool) -> InvoiceDocument:
    """Ten lines, every head of tax, a cess, round off, udhaar and a UPI request."""
    party = BUYERS[language] if inter_state else LOCAL_BUYER
    return invoice(
        "tax_invoice",
        language,
        TEN_ITEMS,
        party=party,
        taxed=True,
        inter_state=inter_state,
        paid=D("50000.00"),
        previous_balance=D("1520.50"),
        with_upi=True,
    )


def plain_bill(language: Language) -> InvoiceDocument:
    """Discounts, a 0.001 quantity, previous balance, part paid, a long UPI id."""
    doc = invoice(
        "bill",
        language,
        PLAIN_ITEMS,
        party=BUYERS[language],
        paid=D("500.00"),
        previous_balance=D("12345.67"),
    )
    owed = doc.balance_due or ZERO
    upi = upi_request(owed, "Bill SK/42", vpa="sharma.kirana.general.store.andheri@okhdfcbank")
    return replace(doc, upi=upi)


def huge_bill(language: Language) -> InvoiceDocument:
    """The largest amount a bill can hold, 9,99,99,99,99,999.99, on one line."""
    return invoice(
        "bill",
        language,
        [Item(NO_SPACES + " " + HINDI_RICE, D("1"), MAX_AMOUNT)],
        party=BUYERS[language],
        round_total=False,
        paid=ZERO,
        previous_balance=ZERO,
        with_upi=True,
    )


def walk_in_bill(language: Language) -> InvoiceDocument:
    return invoice("bill", language, PLAIN_ITEMS[:2], number="SK/7")


def void_bill(language: Language) -> InvoiceDocument:
    return invoice("bill", language, PLAIN_ITEMS, party=BUYERS[language], void=True)


def credit_note(language: Language) -> InvoiceDocument:
    return invoice(
        "credit_note",
        language,
        TEN_ITEMS[:3],
        number="CN2026-27/000003",
        party=LOCAL_BUYER,
        taxed=True,
        paid=ZERO,
        original="SK2026-27/000042 dated 03-12-2026",
    )


def bill_of_supply(language: Language) -> InvoiceDocument:
    declaration = (
        "Composition taxable person, not eligible to collect tax on supplies."
        if language == "en"
        else "कंपोज़िशन करदाता, आपूर्ति पर कर वसूलने के पात्र नहीं।"
    )
    return invoice(
        "bill_of_supply",
        language,
        PLAIN_ITEMS,
        party=BUYERS[language],
        declaration=declaration,
        with_upi=True,
        paid=D("1000.00"),
    )


def purchase_bill(language: Language) -> InvoiceDocument:
    vendor = PartyBlock(
        name="Hindustan Unilever Distributor — Shree Ganesh Agencies Pvt. Ltd.",
        phone="+91 22 4000 1234",
        gstin="27AAACS9999Q1Z2",
    )
    return invoice(
        "purchase_bill", language, TEN_ITEMS[4:], number="INV/HUL/2026/88812", party=vendor
    )


def statement(language: Language, side: str = "customer") -> StatementDocument:
    day = dt.date(2026, 11, 1)
    rows = [
        ("opening", "", D("1520.50"), ZERO),
        ("bill", "SK2026-27/000042", D("123456.50"), ZERO),
        ("payment", "UPI ref 6023 4567 8901 2345 from sharma.kirana@okaxis", ZERO, D("50000.00")),
        ("return", "CN2026-27/000003", ZERO, D("2450.00")),
        ("void", "SK2026-27/000040", ZERO, D("999.00")),
        ("bill", "SK2026-27/000051", MAX_AMOUNT, ZERO),
        ("adjustment", "रोकड़ समायोजन (cash adjustment)", ZERO, D("0.50")),
    ]
    balance = D("1000.00")
    lines = []
    for offset, (kind, reference, debit, credit) in enumerate(rows):
        balance += debit - credit
        lines.append(
            StatementLine(day + dt.timedelta(days=offset), kind, reference, debit, credit, balance)
        )
    party = BUYERS[language]
    return StatementDocument(
        language=language,
        shop=SHOPS[language],
        party=party,
        side="customer" if side == "customer" else "vendor",
        date_from=None if side == "customer" else day,
        date_to=dt.date(2026, 11, 30),
        generated_on=dt.date(2026, 12, 3),
        opening_balance=D("1000.00"),
        lines=lines,
        closing_balance=balance,
        closing_in_words=amount_in_words(balance, language),
        upi=upi_request(balance, "Statement") if side == "customer" else None,
    )


def all_documents() -> list[tuple[str, Document]]:
    """Every kind of document in English and Hindi, named for test ids."""
    out: list[tuple[str, Document]] = []
    for lang in LANGUAGES:
        out += [
            (f"tax-intra-{lang}", tax_invoice(lang, inter_state=False)),
            (f"tax-inter-{lang}", tax_invoice(lang, inter_state=True)),
            (f"plain-{lang}", plain_bill(lang)),
            (f"huge-{lang}", huge_bill(lang)),
            (f"walk-in-{lang}", walk_in_bill(lang)),
            (f"void-{lang}", void_bill(lang)),
            (f"credit-note-{lang}", credit_note(lang)),
            (f"bill-of-supply-{lang}", bill_of_supply(lang)),
            (f"purchase-{lang}", purchase_bill(lang)),
            (f"statement-customer-{lang}", statement(lang)),
            (f"statement-vendor-{lang}", statement(lang, "vendor")),
        ]
    return out
