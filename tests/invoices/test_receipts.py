"""Thermal receipts: every line fits the paper, amounts end at the last column, nothing is lost."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from app.core.message_templates import Language
from app.invoices.model import Document, InvoiceDocument, StatementDocument
from app.invoices.render.amounts import money, quantity
from app.invoices.render.labels import label, statement_kind, title
from app.invoices.render.receipt import receipt_text, wrap
from tests.invoices import documents

DOCUMENTS = documents.all_documents()
INVOICES = [(name, doc) for name, doc in DOCUMENTS if isinstance(doc, InvoiceDocument)]
STATEMENTS = [(name, doc) for name, doc in DOCUMENTS if isinstance(doc, StatementDocument)]
WIDTHS = [32, 48]


def columns(line: str) -> int:
    """The brief's measure, counted both ways (code points and terminal cells)."""
    return max(len(line), wcswidth(line))


def squash(text: str) -> str:
    return "".join(text.split())


def right_aligned(lines: list[str], text: str, width: int) -> list[int]:
    """Indexes of the lines that end with `text` exactly at the last column."""
    return [
        index
        for index, line in enumerate(lines)
        if line.endswith(text)
        and columns(line) == width
        and (len(line) == len(text) or line[-len(text) - 1] == " ")
    ]


def params(cases: Sequence[tuple[str, Document]]) -> list[Any]:
    return [
        pytest.param(doc, width, id=f"{name}-{width}") for name, doc in cases for width in WIDTHS
    ]


@pytest.mark.parametrize(("doc", "width"), params(DOCUMENTS))
def test_every_line_fits_the_paper(doc, width):
    text = receipt_text(doc, width)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    for line in text.splitlines():
        assert wcswidth(line) >= 0, f"a control character in {line!r}"
        assert columns(line) <= width, f"{columns(line)} > {width}: {line!r}"
        assert line == line.rstrip(), f"trailing space in {line!r}"


@pytest.mark.parametrize(("doc", "width"), params(DOCUMENTS))
def test_words_are_broken_between_letters_never_inside_one(doc, width):
    """A vowel sign or a virama never starts a line; a line never ends in a virama."""
    for line in receipt_text(doc, width).splitlines():
        body = line.lstrip()
        if body:
            assert not unicodedata.category(body[0]).startswith("M"), line
            assert not body.endswith("\u094d"), line


@pytest.mark.parametrize(("doc", "width"), params(INVOICES))
def test_each_line_amount_ends_at_the_last_column_in_order(doc, width):
    lines = receipt_text(doc, width).splitlines()
    position = 0
    for number, item in enumerate(doc.lines, start=1):
        name_at = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
        assert name_at >= position
        amount_at = [i for i in right_aligned(lines, money(item.amount), width) if i > name_at]
        assert amount_at, f"no right-aligned {money(item.amount)} after line {number}"
        qty = f"{quantity(item.quantity)} x {money(item.rate)}"
        assert any(qty in line for line in lines[name_at : amount_at[0] + 1]), qty
        position = amount_at[0]


@pytest.mark.parametrize(("doc", "width"), params(INVOICES))
def test_total_and_words_are_printed(doc, width):
    text = receipt_text(doc, width)
    lines = text.splitlines()
    total = label("total", doc.language)
    assert any(lines[i].startswith(total) for i in right_aligned(lines, money(doc.total), width))
    assert squash(doc.total_in_words) in squash(text)
    assert right_aligned(lines, money(doc.paid), width)


@pytest.mark.parametrize(("doc", "width"), params(DOCUMENTS))
def test_nothing_is_lost_in_wrapping(doc, width):
    text = squash(receipt_text(doc, width))
    shop = doc.shop
    must = [shop.name, shop.legal_name or "", shop.phone or "", shop.gstin or ""]
    must += (shop.address or "").splitlines()
    must += [doc.party.name if doc.party else "", doc.party.gstin or "" if doc.party else ""]
    if isinstance(doc, InvoiceDocument):
        must += [line.name for line in doc.lines]
        must += [doc.number, doc.original or "", doc.declaration or ""]
    else:
        must += [f"{statement_kind(line.kind, doc.language)}{line.reference}" for line in doc.lines]
    if doc.upi:
        must.append(f"{label('pay_to', doc.language)}:{doc.upi.payee_vpa}")
    for expected in must:
        assert squash(expected) in text, expected


@pytest.mark.parametrize(("doc", "width"), params(DOCUMENTS))
def test_header_is_centred_and_labels_follow_the_language(doc, width):
    lines = receipt_text(doc, width).splitlines()
    first = lines[0]
    left = len(first) - len(first.lstrip())
    assert abs((width - columns(first.strip())) - 2 * left) <= 1, first
    assert "-" * width in lines
    kind = doc.kind if isinstance(doc, InvoiceDocument) else "statement"
    assert title(kind, doc.language) in [line.strip() for line in lines]
    assert label("thank_you", doc.language) == lines[-1].strip()
    other: Language = "hi" if doc.language == "en" else "en"
    text = "\n".join(lines)
    assert label("in_words", doc.language) in text
    assert label("in_words", other) not in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_tax_invoice_shows_hsn_rates_and_the_heads(language, width):
    intra = receipt_text(documents.tax_invoice(language, inter_state=False), width)
    inter = receipt_text(documents.tax_invoice(language, inter_state=True), width)
    for text, heads, absent in ((intra, ["CGST", "SGST"], "IGST"), (inter, ["IGST"], "CGST")):
        for head in [*heads, label("cess", language), label("round_off", language)]:
            assert re.search(rf"^{re.escape(head)} +-?[\d,]+\.\d\d$", text, re.M), head
        assert absent not in text
        assert "HSN 1006, GST 5%" in text
        assert "HSN 8528, GST 18%" in text
        assert f"{label('taxable_value', language)} " in text
        assert label("discount", language) + " 1,456.50" in text  # the TV line's discount
        assert "0.001 x 3,50,000.00" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_plain_bill_shows_no_tax_and_the_udhaar(width):
    doc = documents.plain_bill("en")
    text = receipt_text(doc, width)
    lines = text.splitlines()
    assert "HSN" not in text and "GST " not in text and "CGST" not in text
    assert right_aligned(lines, "-260.00", width)  # the discounts together
    assert doc.previous_balance is not None and doc.balance_due is not None
    for key, value in (
        ("previous_balance", doc.previous_balance),
        ("balance_due", doc.balance_due),
    ):
        assert any(
            lines[i].startswith(label(key, "en")) for i in right_aligned(lines, money(value), width)
        )
    assert "Discount 30.00" in text
    assert "0.001 x 160.00" in text


@pytest.mark.parametrize("width", WIDTHS)
def test_walk_in_bill_without_udhaar(width):
    text = receipt_text(documents.walk_in_bill("en"), width)
    assert "Walk-in customer" in text
    assert "Previous balance" not in text and "Balance due" not in text
    assert "Pay to" not in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_void_credit_note_and_bill_of_supply_marks(language, width):
    void = receipt_text(documents.void_bill(language), width)
    assert f"*** {label('void', language)} ***" in void
    assert label("void", language) not in receipt_text(documents.plain_bill(language), width)
    note = receipt_text(documents.credit_note(language), width)
    assert label("note_no", language) + ": CN2026-27/000003" in note
    assert squash("SK2026-27/000042 dated 03-12-2026") in squash(note)
    supply = documents.bill_of_supply(language)
    assert squash(supply.declaration or "x") in squash(receipt_text(supply, width))
    purchase = receipt_text(documents.purchase_bill(language), width)
    assert label("vendor", language) + ": Hindustan" in purchase


@pytest.mark.parametrize("width", WIDTHS)
def test_dates_are_day_month_year(width):
    text = receipt_text(documents.tax_invoice("en", inter_state=False), width)
    assert "Date: 03-12-2026" in text


@pytest.mark.parametrize(("doc", "width"), params(DOCUMENTS))
def test_upi_payee_and_amount(doc, width):
    text = receipt_text(doc, width)
    if doc.upi is None:
        assert label("pay_to", doc.language) not in text
        return
    lines = text.splitlines()
    at = right_aligned(lines, money(doc.upi.amount), width)
    assert at
    pay = squash(f"{label('pay_to', doc.language)}: {doc.upi.payee_vpa}")
    assert any(pay in squash("".join(lines[max(0, i - 3) : i + 1])) for i in at)


def test_upi_line_is_one_line_when_it_fits():
    text = receipt_text(documents.tax_invoice("en", inter_state=False), 48)
    assert re.search(r"^Pay to: sharma\.kirana@okaxis +1,08,458\.50$", text, re.M)


@pytest.mark.parametrize(("doc", "width"), params(STATEMENTS))
def test_statement_lines_and_balances(doc, width):
    text = receipt_text(doc, width)
    lines = text.splitlines()
    language = doc.language
    for key, value in (
        ("opening_balance", doc.opening_balance),
        ("closing_balance", doc.closing_balance),
    ):
        assert right_aligned(lines, money(value), width), key
        assert label(key, language) in text
    position = 0
    for item in doc.lines:
        head = next(
            i
            for i, line in enumerate(lines)
            if i >= position and line.startswith(item.date.strftime("%d-%m-%Y"))
        )
        balance_at = [i for i in right_aligned(lines, money(item.balance), width) if i > head]
        assert balance_at, item
        block = "".join(lines[head : balance_at[0] + 1])
        moved = item.debit or item.credit
        key = "debit" if item.debit else "credit"
        assert squash(f"{label(key, language)} {money(moved)}") in squash(block)
        position = balance_at[0]
    assert squash(doc.closing_in_words) in squash(text)
    period = label("from_start", language) if doc.date_from is None else "01-11-2026"
    assert squash(f"{label('period', language)}: {period} - 30-11-2026") in squash(text)


def test_shop_text_cannot_send_printer_commands():
    doc = documents.walk_in_bill("en")
    evil = replace(doc.lines[0], name="Atta\x1b@\x1bd\x05\x07 10\tkg\u202e\r\nfree")
    text = receipt_text(replace(doc, lines=[evil]), 32)
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text.replace("\n", ""))
    assert "1. Atta@d 10 kg free" in text


def test_long_word_fills_the_line_it_starts_on():
    lines = wrap("3. " + documents.NO_SPACES, 32, "   ")
    assert lines[0] == "3. " + documents.NO_SPACES[:29]
    assert all(columns(line) <= 32 for line in lines)
    assert squash("".join(lines)) == "3." + documents.NO_SPACES


def test_wide_characters_count_two_columns():
    lines = wrap("绿茶" * 20, 32)
    assert [columns(line) for line in lines] == [32, 32, 16]


def test_devanagari_clusters_stay_whole():
    word = "क्षत्रिय" * 8
    for width in (5, 7, 11):
        for line in wrap(word, width):
            assert columns(line) <= width
            assert not unicodedata.category(line[0]).startswith("M")
            assert not line.endswith("\u094d")


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc XYZ 0123456789.,-/@&  ")),
        st.sampled_from(list("कखगक्षािीुूेैोौंःँ़् ")),
        st.sampled_from(list("绿茶乌龙")),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=120,
)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from([8, 12, 32, 48]), st.sampled_from(["", "  ", "   "]))
def test_wrap_keeps_every_character_in_order_within_the_width(text, width, indent):
    lines = wrap(text, width, indent)
    for line in lines:
        assert columns(line) <= width, (line, width)
        assert line == line.strip(" ") or line.startswith(indent)
    kept = "".join(
        c
        for c in text
        if not c.isspace()
        and (c in "\u200c\u200d" or unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cn"))
    )
    assert squash("".join(lines)) == kept


def test_ten_line_bill_has_a_line_per_item_within_reason():
    doc = documents.tax_invoice("en", inter_state=False)
    assert len(doc.lines) == 10
    lines = receipt_text(doc, 48).splitlines()
    assert len(lines) < 80
    assert Decimal(0) not in (doc.total, doc.paid)
