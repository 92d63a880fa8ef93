"""A bill or statement as plain text for a 58 mm (32 columns) or 80 mm (48 columns) printer.

The one rule every line keeps: its width, `max(len(line), wcswidth(line))`, is at most the
printer's columns. Both counts matter: a Devanagari vowel sign takes no column of its own on
a terminal but is still a code point that a printer driver or a chat app may count, and a
CJK character is one code point but two columns. Amounts end exactly at the last column by
that same measure.

Text from the shop (names, addresses, UPI ids) is cleaned first: runs of whitespace become one
space and control characters are dropped, so a product name cannot carry an ESC/POS command to
the printer or break the layout with a tab. Words too long for a line are broken between
grapheme clusters (never between a consonant and its vowel sign).
"""

import datetime as dt
import unicodedata
from decimal import Decimal

from wcwidth import iter_graphemes, wcswidth

from app.core.message_templates import Language
from app.invoices.model import (
    Document,
    DocumentLine,
    InvoiceDocument,
    ReceiptWidth,
    ShopBlock,
    StatementDocument,
    StatementLine,
    UpiRequest,
)
from app.invoices.render.amounts import money, quantity, rate_percent
from app.invoices.render.labels import label, statement_kind, title

_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZWNJ and ZWJ choose Devanagari half forms: kept
_INDENT = "  "


def text_width(text: str) -> int:
    """Columns a line takes, counted both ways: code points and terminal cells."""
    if text.isascii():
        return len(text)
    return max(len(text), wcswidth(text))


def clean(text: str) -> str:
    """One line of shop-entered text: whitespace runs to one space, control characters gone."""
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    kept = (
        " " if char.isspace() else char
        for char in text
        if char.isspace()
        or char in _KEEP_FORMAT
        or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return " ".join("".join(kept).split())


def _fill(head: str, word: str, first: int, rest: int) -> list[str]:
    """`head` then `word`, cut between grapheme clusters into lines of `first`, then `rest`
    columns: a word too long for any line starts where the line has got to."""
    pieces: list[str] = []
    current, room = head, first
    for grapheme in iter_graphemes(word):
        # A cluster wider than a line (a letter under a pile of combining marks) is cut up.
        for unit in [grapheme] if text_width(grapheme) <= rest else list(grapheme):
            if current.strip() and text_width(current + unit) > room:
                pieces.append(current.rstrip())
                current, room = "", rest
            current += unit
    pieces.append(current)
    return pieces


def _hang(text: str, lines: list[str], indent: str) -> str:
    return f"{indent}{text}" if lines else text


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` cleaned and filled greedily into lines of at most `width` columns.

    Lines after the first start with `indent` (a hanging indent). A word that fits on a line
    of its own is never broken; a longer one is broken between grapheme clusters.
    """
    lines: list[str] = []
    current = ""
    rest = width - len(indent)
    for word in clean(text).split():
        room = rest if lines else width
        candidate = f"{current} {word}" if current else word
        if text_width(candidate) <= room:
            current = candidate
        elif text_width(word) <= rest:
            lines.append(_hang(current, lines, indent))
            current = word
        else:
            *full, current = _fill(f"{current} " if current else "", word, room, rest)
            for piece in full:
                lines.append(_hang(piece, lines, indent))
    if current:
        lines.append(_hang(current, lines, indent))
    return lines


class _Receipt:
    """Lines of one receipt being laid out; `text()` joins them."""

    def __init__(self, width: int, language: Language) -> None:
        self.width = width
        self.language = language
        self.lines: list[str] = []

    def label(self, key: str) -> str:
        return label(key, self.language)

    def para(self, text: str, indent: str = "") -> None:
        self.lines.extend(wrap(text, self.width, indent))

    def detail(self, text: str) -> None:
        """An indented line under an item (HSN, discount), wrapped within the indent."""
        self.lines.extend(_INDENT + line for line in wrap(text, self.width - len(_INDENT)))

    def centre(self, text: str) -> None:
        for line in wrap(text, self.width):
            self.lines.append(" " * ((self.width - text_width(line)) // 2) + line)

    def rule(self) -> None:
        self.lines.append("-" * self.width)

    def pair(self, left: str, right: str, indent: str = "") -> None:
        """`indent` + `left` and `right` on one line, `right` ending at the last column.

        When both do not fit, `left` wraps and `right` goes at the end of its last line if it
        fits there, else on a line of its own.
        """
        right = clean(right)
        lines = [indent + line for line in wrap(left, self.width - len(indent))] or [""]
        last = lines.pop()
        joined = f"{last} {right}" if last else right
        if text_width(joined) <= self.width:
            self.lines.extend(lines)
            gap = self.width - text_width(joined)
            self.lines.append(f"{last} {' ' * gap}{right}" if last else " " * gap + right)
            return
        self.lines.extend([*lines, last])
        for piece in wrap(right, self.width):
            self.lines.append(" " * (self.width - text_width(piece)) + piece)

    def field(self, key: str, value: str | None) -> None:
        if value:
            self.para(f"{self.label(key)}: {value}", _INDENT)

    def amount(self, key: str, value: Decimal) -> None:
        self.pair(self.label(key), money(value))

    def text(self) -> str:
        return "".join(f"{line.rstrip()}\n" for line in self.lines)


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


def _shop(out: _Receipt, shop: ShopBlock) -> None:
    out.centre(shop.name)
    if shop.legal_name and clean(shop.legal_name) != clean(shop.name):
        out.centre(shop.legal_name)
    for address_line in (shop.address or "").splitlines():
        out.centre(address_line)
    if shop.phone:
        out.centre(f"{out.label('phone')}: {shop.phone}")
    if shop.gstin:
        out.centre(f"{out.label('gstin')}: {shop.gstin}")
    out.rule()


def _upi(out: _Receipt, upi: UpiRequest | None) -> None:
    if upi is not None:
        out.rule()
        out.pair(f"{out.label('pay_to')}: {upi.payee_vpa}", money(upi.amount))


def _item(out: _Receipt, number: int, line: DocumentLine, taxed: bool) -> None:
    out.para(f"{number}. {line.name}", "   ")
    if taxed:
        parts = [f"{out.label('hsn')} {line.hsn_code}"] if line.hsn_code else []
        if line.gst_rate is not None:
            parts.append(f"{out.label('gst')} {rate_percent(line.gst_rate)}")
        if parts:
            out.detail(", ".join(parts))
    if line.discount:
        out.detail(f"{out.label('discount')} {money(line.discount)}")
    out.pair(f"{quantity(line.quantity)} x {money(line.rate)}", money(line.amount), _INDENT)


def _invoice(out: _Receipt, doc: InvoiceDocument) -> None:
    _shop(out, doc.shop)
    out.centre(title(doc.kind, doc.language))
    if doc.void:
        out.centre(f"*** {out.label('void')} ***")
    number_key = "note_no" if doc.kind == "credit_note" else "bill_no"
    out.field(number_key, doc.number)
    out.field("date", _date(doc.date))
    out.field("original_invoice", doc.original)
    party = doc.party
    if party is None:
        if doc.kind != "purchase_bill":
            out.para(out.label("walk_in"))
    else:
        out.field("vendor" if doc.kind == "purchase_bill" else "bill_to", party.name)
        out.field("phone", party.phone)
        out.field("gstin", party.gstin)
        out.field("place_of_supply", party.place_of_supply)
    out.rule()
    for number, line in enumerate(doc.lines, start=1):
        _item(out, number, line, doc.taxed)
    out.rule()
    out.amount("subtotal", doc.subtotal)
    if doc.discount_total:
        out.amount("discount", -doc.discount_total)
    if doc.taxed:
        out.amount("taxable_value", doc.taxable_value)
        heads = (
            [("igst", doc.igst)] if doc.inter_state else [("cgst", doc.cgst), ("sgst", doc.sgst)]
        )
        for head, value in heads:
            out.amount(head, value)
    if doc.cess:
        out.amount("cess", doc.cess)
    if doc.round_off:
        out.amount("round_off", doc.round_off)
    out.rule()
    out.amount("total", doc.total)
    out.para(f"{out.label('in_words')}: {doc.total_in_words}")
    out.amount("paid", doc.paid)
    if doc.previous_balance is not None:
        out.amount("previous_balance", doc.previous_balance)
    if doc.balance_due is not None:
        out.amount("balance_due", doc.balance_due)
    if doc.declaration:
        out.rule()
        out.para(doc.declaration)
    _upi(out, doc.upi)


def _movement(out: _Receipt, line: StatementLine) -> None:
    out.para(f"{_date(line.date)} {statement_kind(line.kind, out.language)} {line.reference}")
    moves = (("debit", line.debit), ("credit", line.credit))
    left = "  ".join(f"{out.label(key)} {money(value)}" for key, value in moves if value)
    out.pair(left, money(line.balance), _INDENT)


def _period(language: Language, start: dt.date | None, end: dt.date | None) -> str:
    first = _date(start) if start else label("from_start", language)
    last = _date(end) if end else label("to_today", language)
    return f"{first} - {last}"


def _statement(out: _Receipt, doc: StatementDocument) -> None:
    _shop(out, doc.shop)
    out.centre(title("statement", doc.language))
    out.field(doc.side, doc.party.name)
    out.field("phone", doc.party.phone)
    out.field("gstin", doc.party.gstin)
    out.field("period", _period(doc.language, doc.date_from, doc.date_to))
    out.field("generated_on", _date(doc.generated_on))
    out.rule()
    out.amount("opening_balance", doc.opening_balance)
    out.rule()
    for line in doc.lines:
        _movement(out, line)
    out.rule()
    out.amount("closing_balance", doc.closing_balance)
    out.para(f"{out.label('in_words')}: {doc.closing_in_words}")
    _upi(out, doc.upi)


def receipt_text(document: Document, width: ReceiptWidth) -> str:
    """The document as receipt text: lines of at most `width` columns, ending with a newline."""
    out = _Receipt(width, document.language)
    if isinstance(document, StatementDocument):
        _statement(out, document)
    else:
        _invoice(out, document)
    out.centre(out.label("thank_you"))
    return out.text()
