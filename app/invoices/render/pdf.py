"""A document (`app.invoices.model`) as an A4 PDF, laid out with fpdf2; HarfBuzz shapes Hindi.

Only layout: every amount and word is already in the document (`money` formats it, `labels`
names it). No I/O besides the bundled fonts, which `pdf_fonts` parses once per process; each
call builds its own `FPDF`, so renders may run at once on worker threads.

This module places the parts of a bill or a statement (the shop and title, the party, the
lines, the totals and tax summary, the statement's ledger); `pdf_page` measures, wraps and
draws text and tables on the page, and `pdf_qr` draws the UPI QR code.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from app.invoices.model import (
    ZERO,
    Document,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    StatementDocument,
)
from app.invoices.render import labels
from app.invoices.render.amounts import money, quantity, rate_percent
from app.invoices.render.pdf_page import GREY, MARGIN, RIGHT, RUPEE, WIDTH, Colour, Column, Page

_VOID: Colour = (200, 30, 30)
_TOTALS_WIDTH = 76.0


def pdf_document(document: Document) -> bytes:
    """The document as PDF bytes: an invoice-like bill or a party's statement."""
    if isinstance(document, StatementDocument):
        page = Page(document.language, labels.title("statement", document.language))
        page.set_title(f"{page.title_text} {document.party.name}")
        page.set_creation_date(_midnight(document.generated_on))
        _statement(page, document)
    else:
        page = Page(document.language, labels.title(document.kind, document.language))
        page.void_mark = labels.label("void", document.language) if document.void else None
        page.set_title(f"{page.title_text} {document.number}")
        page.set_creation_date(_midnight(document.date))
        _invoice(page, document)
    return bytes(page.output())


def _midnight(day: dt.date) -> dt.datetime:
    """The document's own date as the PDF's: the same document always gives the same bytes."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


# --- the parts of a document ---------------------------------------------------------------


def _shop_and_title(page: Page, shop: ShopBlock, facts: Sequence[str]) -> None:
    """The first page: the shop on the left; the title, number and date on the right."""
    page.add_page()
    left_width = WIDTH * 0.58
    right_x = MARGIN + left_width + 4
    right_width = RIGHT - right_x
    top = page.y
    page.paragraph(shop.name, size=15, bold=True, width=left_width)
    if shop.legal_name and shop.legal_name != shop.name:
        page.paragraph(shop.legal_name, width=left_width)
    details = [
        shop.address or "",
        f"{page.label('phone')}: {shop.phone}" if shop.phone else "",
        f"{page.label('gstin')}: {shop.gstin}" if shop.gstin else "",
        f"{page.label('state')}: {shop.state}" if shop.state else "",
    ]
    for detail in filter(None, details):
        page.paragraph(detail, size=8.5, width=left_width, colour=GREY)
    left_bottom = page.y

    page.y = top
    page.paragraph(page.title_text, size=15, bold=True, x=right_x, width=right_width, align="R")
    page.y += 1
    for fact in facts:
        page.paragraph(fact, x=right_x, width=right_width, align="R")
    if page.void_mark:
        _void_box(page, page.void_mark, right=RIGHT, top=page.y + 1.5)
    page.y = max(left_bottom, page.y)
    page.rule()


def _void_box(page: Page, mark: str, *, right: float, top: float) -> None:
    page.font(14, bold=True)
    width = page.measure(mark) + 6
    with page.local_context(draw_color=_VOID, text_color=_VOID, line_width=0.6):
        page.rect(right - width, top, width, 8)
        page.put(mark, x=right - width, top=top, width=width, height=8, align="C")
    page.y = top + 9


def _party(page: Page, heading: str, party: PartyBlock | None, extra: Sequence[str]) -> None:
    page.paragraph(heading, size=7.5, bold=True, colour=GREY)
    if party is None:
        page.paragraph(page.label("walk_in"), size=10, bold=True)
    else:
        page.paragraph(party.name, size=10, bold=True)
        details = [
            f"{page.label('phone')}: {party.phone}" if party.phone else "",
            f"{page.label('gstin')}: {party.gstin}" if party.gstin else "",
            party.address or "",
            f"{page.label('place_of_supply')}: {party.place_of_supply}"
            if party.place_of_supply
            else "",
        ]
        for detail in filter(None, details):
            page.paragraph(detail, size=8.5)
    for line in extra:
        page.paragraph(line, size=8.5)
    page.y += 2


def _invoice(page: Page, bill: InvoiceDocument) -> None:
    number_label = "note_no" if bill.kind == "credit_note" else "bill_no"
    page.running_head = f"{bill.shop.name} · {page.title_text} {bill.number}"
    facts = [
        f"{page.label(number_label)}: {bill.number}",
        f"{page.label('date')}: {_date(bill.date)}",
    ]
    _shop_and_title(page, bill.shop, facts)
    heading = page.label("vendor" if bill.kind == "purchase_bill" else "bill_to")
    original = [f"{page.label('original_invoice')}: {bill.original}"] if bill.original else []
    _party(page, heading, bill.party, original)
    _invoice_lines(page, bill)
    _invoice_totals(page, bill)
    if bill.declaration:
        page.y += 2
        page.paragraph(bill.declaration, size=8, colour=GREY)
    if bill.upi:
        page.upi_block(bill.upi)
    if bill.kind in ("tax_invoice", "bill_of_supply", "bill"):
        page.y += 3
        page.keep_together(5)
        page.paragraph(page.label("thank_you"), align="C")


def _invoice_columns(page: Page, bill: InvoiceDocument) -> list[Column]:
    """#, item, [HSN, GST %], qty, rate, [discount], [taxable value, tax], amount: the item
    column takes the width the others leave."""
    discounted = any(line.discount != ZERO for line in bill.lines)
    fixed = [Column(page.label("sr"), 7, "R")]
    if bill.taxed:
        fixed += [Column(page.label("hsn"), 15, "L"), Column(page.label("gst_rate"), 11, "R")]
    fixed += [Column(page.label("qty"), 14, "R"), Column(page.label("rate"), 20, "R")]
    if discounted:
        fixed.append(Column(page.label("discount"), 17, "R"))
    if bill.taxed:
        fixed += [
            Column(page.label("taxable_value"), 21, "R"),
            Column(page.label("tax"), 18, "R"),
        ]
    fixed.append(Column(page.label("amount"), 23, "R"))
    item = Column(page.label("item"), WIDTH - sum(c.width for c in fixed), "L")
    return [fixed[0], item, *fixed[1:]]


def _invoice_lines(page: Page, bill: InvoiceDocument) -> None:
    columns = _invoice_columns(page, bill)
    discounted = any(line.discount != ZERO for line in bill.lines)
    page.table_header(columns)
    page.repeat_header = (columns, 7.5)
    for number, line in enumerate(bill.lines, start=1):
        cells = [str(number), line.name]
        if bill.taxed:
            rate = rate_percent(line.gst_rate) if line.gst_rate is not None else ""
            cells += [line.hsn_code or "", rate]
        cells += [quantity(line.quantity), money(line.rate)]
        if discounted:
            cells.append(money(line.discount) if line.discount != ZERO else "")
        if bill.taxed:
            cells += [money(line.taxable_value), money(line.tax)]
        cells.append(money(line.amount))
        page.table_row(columns, cells)
    page.repeat_header = None


def _invoice_totals(page: Page, bill: InvoiceDocument) -> None:
    """The totals on the right; the amount in words and the tax per rate on the left."""
    rows: list[tuple[str, str, bool]] = [(page.label("subtotal"), money(bill.subtotal), False)]
    if bill.discount_total != ZERO:
        rows.append((page.label("discount"), money(-bill.discount_total), False))
    if bill.taxed:
        rows.append((page.label("taxable_value"), money(bill.taxable_value), False))
        if bill.inter_state:
            rows.append((page.label("igst"), money(bill.igst), False))
        else:
            rows.append((page.label("cgst"), money(bill.cgst), False))
            rows.append((page.label("sgst"), money(bill.sgst), False))
    if bill.cess != ZERO:
        rows.append((page.label("cess"), money(bill.cess), False))
    if bill.round_off != ZERO:
        sign = "+" if bill.round_off > 0 else ""
        rows.append((page.label("round_off"), f"{sign}{money(bill.round_off)}", False))
    rows.append((page.label("total"), f"{RUPEE} {money(bill.total)}", True))
    after = [(page.label("paid"), money(bill.paid), False)]
    if bill.previous_balance is not None:
        after.append((page.label("previous_balance"), money(bill.previous_balance), False))
    if bill.balance_due is not None:
        after.append((page.label("balance_due"), money(bill.balance_due), True))

    left_width = WIDTH - _TOTALS_WIDTH - 6
    words = f"{page.label('in_words')}: {bill.total_in_words}"
    page.font(8.5)
    left_height = len(page.wrap(words, left_width)) * 4.1 + 2
    if bill.taxed and bill.tax_rows:
        left_height += (len(bill.tax_rows) + 2) * 4.6
    right_height = sum(6.1 if bold else 5.0 for *_, bold in [*rows, *after]) + 2
    page.y += 2
    page.keep_together(max(left_height, right_height))
    top = page.y

    right_x = RIGHT - _TOTALS_WIDTH
    page.pairs(rows, x=right_x, width=_TOTALS_WIDTH)
    page.y += 1.5
    page.pairs(after, x=right_x, width=_TOTALS_WIDTH)
    right_bottom = page.y

    page.y = top
    page.paragraph(words, size=8.5, width=left_width)
    if bill.taxed and bill.tax_rows:
        page.y += 2
        _tax_summary(page, bill, left_width)
    page.y = max(right_bottom, page.y)


def _tax_summary(page: Page, bill: InvoiceDocument, width: float) -> None:
    """The tax per GST rate (rule 46 asks for rate-wise tax): CGST + SGST or IGST, cess."""
    heads = ["igst"] if bill.inter_state else ["cgst", "sgst"]
    if any(row.cess != ZERO for row in bill.tax_rows):
        heads.append("cess")
    names = ["gst_rate", "taxable_value", *heads, "tax"]
    share = width / (len(names) + 0.5)
    columns = [
        Column(page.label(name), share * (1.5 if name == "taxable_value" else 1), "R")
        for name in names
    ]
    page.table_header(columns, size=7)
    for row in bill.tax_rows:
        heads_of_row = {"cgst": row.cgst, "sgst": row.sgst, "igst": row.igst, "cess": row.cess}
        tax = row.cgst + row.sgst + row.igst + row.cess
        cells = [
            rate_percent(row.gst_rate),
            money(row.taxable_value),
            *(money(heads_of_row[head]) for head in heads),
            money(tax),
        ]
        page.table_row(columns, cells, wrap=0, size=7.5)


def _statement(page: Page, statement: StatementDocument) -> None:
    page.running_head = f"{statement.shop.name} · {page.title_text} · {statement.party.name}"
    generated = f"{page.label('generated_on')}: {_date(statement.generated_on)}"
    _shop_and_title(page, statement.shop, [generated])
    start = _date(statement.date_from) if statement.date_from else page.label("from_start")
    end = _date(statement.date_to) if statement.date_to else page.label("to_today")
    period = f"{page.label('period')}: {start} \N{EN DASH} {end}"
    _party(page, page.label(statement.side), statement.party, [period])

    totals_x = RIGHT - _TOTALS_WIDTH
    opening = [(page.label("opening_balance"), money(statement.opening_balance), False)]
    page.pairs(opening, x=totals_x, width=_TOTALS_WIDTH)
    page.y += 1.5
    columns = [
        Column(page.label("date"), 22, "L"),
        Column(page.label("reference"), WIDTH - 22 - 3 * 27, "L"),
        Column(page.label("debit"), 27, "R"),
        Column(page.label("credit"), 27, "R"),
        Column(page.label("balance"), 27, "R"),
    ]
    page.table_header(columns)
    page.repeat_header = (columns, 7.5)
    for line in statement.lines:
        particulars = f"{labels.statement_kind(line.kind, page.language)} {line.reference}"
        cells = [
            _date(line.date),
            particulars.strip(),
            money(line.debit) if line.debit != ZERO else "",
            money(line.credit) if line.credit != ZERO else "",
            money(line.balance),
        ]
        page.table_row(columns, cells)
    page.repeat_header = None

    page.y += 2
    words = f"{page.label('in_words')}: {statement.closing_in_words}"
    page.font(8.5)
    page.keep_together(14 + len(page.wrap(words, WIDTH)) * 4.1)
    closing = f"{RUPEE} {money(statement.closing_balance)}"
    page.pairs([(page.label("closing_balance"), closing, True)], x=totals_x, width=_TOTALS_WIDTH)
    owes = _who_owes(statement)
    if owes:
        page.paragraph(owes, size=8.5, x=totals_x, width=_TOTALS_WIDTH, align="R", colour=GREY)
    page.y += 1
    page.paragraph(words, size=8.5)
    if statement.upi:
        page.upi_block(statement.upi)


def _who_owes(statement: StatementDocument) -> str:
    """Under a positive closing balance: the customer owes the shop, or the shop the vendor."""
    if statement.closing_balance <= Decimal(0):
        return ""
    key = "you_owe" if statement.side == "customer" else "we_owe"
    return labels.label(key, statement.language)
