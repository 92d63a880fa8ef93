"""The HTML page of a bill or statement: well formed, self-contained, escaped, with a UPI QR."""

import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from app.core.message_templates import Language
from app.invoices.model import (
    Document,
    DocumentKind,
    InvoiceDocument,
    StatementDocument,
    UpiRequest,
)
from app.invoices.render.amounts import money
from app.invoices.render.html import html_document
from app.invoices.render.labels import label, statement_kind, title
from tests.invoices import documents

DOCUMENTS = documents.all_documents()
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class Page(HTMLParser):
    """What a test needs from a page: tags in order, text, tables by class, nesting errors."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str]] = []  # (innermost open tag, text)
        self.tables: dict[str, dict[str, list[Any]]] = {}
        self._table: dict[str, list[Any]] | None = None
        self._cell: list[str] | None = None
        self._head = False
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"never closed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)
        if tag == "table":
            self._table = self.tables.setdefault(
                attributes.get("class") or "", {"head": [], "rows": []}
            )
        elif tag == "thead":
            self._head = True
        elif tag == "tr" and self._table is not None and not self._head:
            self._table["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            if tag in self.stack:
                del self.stack[self.stack.index(tag) :]
            return
        self.stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            cell = " ".join("".join(self._cell).split())
            (self._table["head"] if self._head else self._table["rows"][-1]).append(cell)
            self._cell = None
        elif tag == "thead":
            self._head = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.texts.append((self.stack[-1] if self.stack else "", data))
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(text for tag, text in self.texts if tag != "style").split())

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attributes for name, attributes in self.tags if name == tag]

    def texts_in(self, tag: str) -> list[str]:
        return [" ".join(text.split()) for name, text in self.texts if name == tag and text.strip()]


def kind_of(doc: Document) -> DocumentKind:
    return doc.kind if isinstance(doc, InvoiceDocument) else "statement"


@pytest.fixture(scope="module")
def pages():
    return {name: (doc, html_document(doc)) for name, doc in DOCUMENTS}


@pytest.mark.parametrize("name", [name for name, _ in DOCUMENTS])
def test_page_is_well_formed_and_self_contained(pages, name):
    doc, html = pages[name]
    page = Page(html)
    assert page.errors == []
    assert html.startswith("<!DOCTYPE html>")
    assert page.tags[0] == ("html", {"lang": doc.language})
    assert {"charset": "utf-8"} in page.find("meta")
    viewport = [m for m in page.find("meta") if m.get("name") == "viewport"]
    assert viewport and "width=device-width" in (viewport[0]["content"] or "")
    assert "@page { size: A4;" in html
    assert "@media (max-width: 640px)" in html
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert page.find(tag) == [], tag
    for fetch in ("http://", "https://", "url(", "@import", "@font-face", "src="):
        assert fetch not in html, fetch


@pytest.mark.parametrize("name", [name for name, _ in DOCUMENTS])
def test_title_and_labels_follow_the_language(pages, name):
    doc, html = pages[name]
    page = Page(html)
    assert page.texts_in("h1") == [title(kind_of(doc), doc.language)]
    assert page.texts_in("title")[0].startswith(title(kind_of(doc), doc.language))
    other: Language = "hi" if doc.language == "en" else "en"
    for key in ("in_words", "thank_you", "computer_generated"):
        assert label(key, doc.language) in page.text
        assert label(key, other) not in page.text


def test_hindi_page_uses_hindi_column_headings():
    page = Page(html_document(documents.tax_invoice("hi", inter_state=False)))
    head = page.tables["lines"]["head"]
    assert head == [
        "क्र.",
        "सामान",
        "HSN",
        "GST %",
        "मात्रा",
        "दर",
        "छूट",
        "कर योग्य मूल्य",
        "कर",
        "राशि",
    ]
    totals = [row[0] for row in page.tables["totals"]["rows"]]
    assert totals[0] == "उप-योग" and "कुल" in totals and "कुल बकाया" in totals


@pytest.mark.parametrize("inter_state", [False, True])
def test_tax_invoice_table_and_tax_summary(inter_state):
    doc = documents.tax_invoice("en", inter_state=inter_state)
    page = Page(html_document(doc))
    lines = page.tables["lines"]
    assert lines["head"] == [
        "#", "Item", "HSN", "GST %", "Qty", "Rate", "Discount", "Taxable value", "Tax", "Amount",
    ]  # fmt: skip
    assert len(lines["rows"]) == 10
    for row, line in zip(lines["rows"], doc.lines, strict=True):
        assert row[1] == " ".join(line.name.split())
        assert row[-1] == money(line.amount)
        assert row[-3] == money(line.taxable_value)
    assert lines["rows"][8][5] == "1,23,456.50"  # the TV's rate, lakh grouping
    assert lines["rows"][3][4] == "0.001"
    summary = page.tables["tax-summary"]
    heads = ["IGST"] if inter_state else ["CGST", "SGST"]
    assert summary["head"] == ["GST %", "Taxable value", *heads, "Cess"]
    assert [row[0] for row in summary["rows"]] == ["0%", "5%", "12%", "18%", "28%"]
    assert len(summary["rows"]) == len(doc.tax_rows)
    totals = dict(row for row in page.tables["totals"]["rows"])
    assert totals["Total"] == f"₹{money(doc.total)}"
    assert totals["Round off"] == "-0.16"
    assert totals["Cess"] == money(doc.cess)
    assert ("IGST" in totals) == inter_state and ("CGST" in totals) != inter_state
    assert totals["Previous balance"] == "1,520.50"
    assert totals["Balance due"] == "₹1,08,458.50"
    assert totals["Paid"] == "50,000.00"
    assert doc.total_in_words in page.text


def test_plain_bill_has_no_tax_columns_and_discount_only_when_any():
    doc = documents.plain_bill("en")
    page = Page(html_document(doc))
    assert page.tables["lines"]["head"] == ["#", "Item", "Qty", "Rate", "Discount", "Amount"]
    assert "tax-summary" not in page.tables
    totals = dict(row for row in page.tables["totals"]["rows"])
    assert "Taxable value" not in totals and "CGST" not in totals
    assert totals["Discount"] == "-260.00"
    plain = replace(doc, lines=[replace(line, discount=Decimal(0)) for line in doc.lines])
    assert Page(html_document(plain)).tables["lines"]["head"] == [
        "#", "Item", "Qty", "Rate", "Amount",
    ]  # fmt: skip


def test_walk_in_void_credit_note_and_declaration():
    walk_in = Page(html_document(documents.walk_in_bill("en")))
    assert "Walk-in customer" in walk_in.text
    totals = dict(row for row in walk_in.tables["totals"]["rows"])
    assert "Previous balance" not in totals and "Balance due" not in totals
    void = Page(html_document(documents.void_bill("hi")))
    assert [a for a in void.find("div") if a.get("class") == "void"]
    assert "रद्द (VOID)" in void.texts_in("div")
    assert not [a for a in walk_in.find("div") if a.get("class") == "void"]
    note = Page(html_document(documents.credit_note("en")))
    assert "Note No." in note.texts_in("dt") and "CN2026-27/000003" in note.texts_in("dd")
    assert "SK2026-27/000042 dated 03-12-2026" in note.texts_in("dd")
    supply = documents.bill_of_supply("en")
    assert supply.declaration in Page(html_document(supply)).texts_in("p")


def test_statement_lines():
    doc = documents.statement("hi")
    page = Page(html_document(doc))
    rows = page.tables["lines"]["rows"]
    assert rows[0] == ["", "प्रारंभिक बकाया", "", "", money(doc.opening_balance)]
    for row, line in zip(rows[1:], doc.lines, strict=True):
        assert row[0] == line.date.strftime("%d-%m-%Y")
        assert row[1].startswith(statement_kind(line.kind, "hi"))
        assert row[2] == (money(line.debit) if line.debit else "")
        assert row[3] == (money(line.credit) if line.credit else "")
        assert row[4] == money(line.balance)
    assert rows[6][2] == "9,99,99,99,99,999.99"
    assert "शुरुआत से \u2013 30-11-2026" in page.texts_in("dd")
    closing = dict(row for row in page.tables["totals"]["rows"])
    assert closing["अंतिम बकाया"] == f"₹{money(doc.closing_balance)}"


def evil(doc: InvoiceDocument) -> InvoiceDocument:
    line = replace(doc.lines[0], name="<script>alert('x')</script>")
    party = replace(documents.LOCAL_BUYER, name='"><img src=x onerror=alert(1)>')
    shop = replace(doc.shop, name="A & B <b>Stores</b>")
    return replace(doc, lines=[line, *doc.lines[1:]], party=party, shop=shop)


def test_everything_is_escaped():
    doc = evil(documents.tax_invoice("en", inter_state=False))
    html = html_document(doc, pdf_url='/s/x"><script>alert(2)</script>')
    page = Page(html)
    assert page.errors == []
    assert page.find("script") == [] and page.find("img") == [] and page.find("b") == []
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert page.tables["lines"]["rows"][0][1] == "<script>alert('x')</script>"
    assert '"><img src=x onerror=alert(1)>' in page.texts_in("strong")
    assert page.texts_in("h2") == ["A & B <b>Stores</b>"]
    download = [a for a in page.find("a") if "download" in a]
    assert download[0]["href"] == '/s/x"><script>alert(2)</script>'


def found(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match


def rasterise(svg: str) -> Image.Image:
    """Draw segno's SVG path (`M x y`, `h n`, `m dx dy`, one module per unit) to an image."""
    size = int(found(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = found(r' d="([^"]+)"', svg).group(1)
    image = Image.new("L", (size, size), 255)
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            for column in range(int(x), int(x + float(first))):
                image.putpixel((column, int(y)), 0)
            x += float(first)
    return image.resize((size * 8, size * 8), Image.Resampling.NEAREST)


@pytest.mark.parametrize("name", [name for name, _ in DOCUMENTS])
def test_upi_qr_and_link_only_when_upi(pages, name):
    doc, html = pages[name]
    page = Page(html)
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    pay_links = [a for a in page.find("a") if (a.get("href") or "").startswith("upi:")]
    if doc.upi is None:
        assert svgs == [] and pay_links == []
        assert label("scan_to_pay", doc.language) not in page.text
        return
    assert len(svgs) == 1 and len(pay_links) == 1
    assert pay_links[0]["href"] == doc.upi.uri  # entity-decoded by the parser
    decoded = zxingcpp.read_barcodes(rasterise(svgs[0]))
    assert [barcode.text for barcode in decoded] == [doc.upi.uri]
    assert decoded[0].format == zxingcpp.BarcodeFormat.QRCode
    assert doc.upi.payee_vpa in page.texts_in("p")
    assert f"₹{money(doc.upi.amount)}" in page.texts_in("strong")
    button = label("pay_with_upi", doc.language).format(amount=f"₹{money(doc.upi.amount)}")
    assert page.texts_in("a") == [button]


def test_upi_link_with_another_scheme_is_not_a_link():
    doc = documents.tax_invoice("en", inter_state=False)
    assert doc.upi is not None
    bad = UpiRequest("javascript:alert(1)", "x@y", "X", doc.upi.amount)
    page = Page(html_document(replace(doc, upi=bad)))
    assert all(not (a.get("href") or "").startswith("javascript") for a in page.find("a"))
    assert "x@y" in page.texts_in("p")


def test_short_upi_uri_is_a_full_qr_code_not_a_micro_qr():
    doc = documents.walk_in_bill("en")
    upi = UpiRequest("upi://pay?pa=a@b", "a@b", "A", doc.total)
    html = html_document(replace(doc, upi=upi))
    decoded = zxingcpp.read_barcodes(rasterise(found(r"<svg.*?</svg>", html).group(0)))
    assert [(b.text, b.format) for b in decoded] == [(upi.uri, zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_download_pdf_link_only_with_a_pdf_url(language):
    doc = documents.statement(language)
    url = "/d/abc.def/pdf?lang=hi&v=2"
    page = Page(html_document(doc, pdf_url=url))
    links = [a for a in page.find("a") if "download" in a]
    assert [a["href"] for a in links] == [url]
    assert label("download_pdf", language) in page.texts_in("a")
    without = Page(html_document(doc))
    assert [a for a in without.find("a") if "download" in a] == []
    assert label("download_pdf", language) not in without.text


def test_statement_is_rendered_with_the_statement_template():
    doc = documents.statement("en", "vendor")
    assert isinstance(doc, StatementDocument)
    page = Page(html_document(doc))
    assert "Vendor" in page.texts_in("h3")
    assert "01-11-2026 \u2013 30-11-2026" in page.texts_in("dd")
    assert doc.closing_in_words in page.text
    assert page.find("svg") == []
