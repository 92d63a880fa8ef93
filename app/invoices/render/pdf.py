"""A document (`app.invoices.model`) as an A4 PDF, laid out with fpdf2; HarfBuzz shapes Hindi.

Only layout: every amount and word is already in the document (`money` formats it, `labels`
names it). No I/O besides the bundled fonts, which `pdf_fonts` parses once per process; each
call builds its own `FPDF`, so renders may run at once on worker threads.

Text is measured, wrapped and placed here and drawn with `FPDF.text()`, whose font
(`pdf_fonts.DocumentFont`) shapes it with HarfBuzz: fpdf2's shaped `cell`/`multi_cell` run
the bidi algorithm and shape character by character to break lines, 0.2-2.4 ms a call
(a bill took ~170 ms that way). Words wrap at spaces; a word wider than its column breaks
between syllables (a virama, a vowel sign or a mark stays with its letter). Amounts never
wrap: their font shrinks to fit the column.
"""

import datetime as dt
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import segno
from fpdf import FPDF

from app.core.message_templates import Language
from app.invoices.model import (
    ZERO,
    Document,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    StatementDocument,
    UpiRequest,
)
from app.invoices.render import labels
from app.invoices.render.amounts import money, quantity, rate_percent
from app.invoices.render.pdf_fonts import FAMILY, DocumentFont, install_fonts

Align = Literal["L", "R", "C"]
Colour = tuple[int, int, int]

_MARGIN = 12.0
_WIDTH = 210.0 - 2 * _MARGIN
_RIGHT = _MARGIN + _WIDTH
_BOTTOM = 16.0
"""Room under the last row of a page for the footer line."""
_PAD = 1.0
"""Space between a table cell's edge and its text."""
_INK: Colour = (25, 25, 25)
_GREY: Colour = (105, 105, 105)
_RULE: Colour = (170, 170, 170)
_SHADE: Colour = (236, 236, 236)
_VOID: Colour = (200, 30, 30)
_QR_SIZE = 34.0
"""The QR code with its 4-module quiet zone, in mm: comfortably above what phones need."""
_RUPEE = "₹"
_TOTALS_WIDTH = 76.0


def pdf_document(document: Document) -> bytes:
    """The document as PDF bytes: an invoice-like bill or a party's statement."""
    if isinstance(document, StatementDocument):
        page = _Page(document.language, labels.title("statement", document.language))
        page.set_title(f"{page.title_text} {document.party.name}")
        page.set_creation_date(_midnight(document.generated_on))
        _statement(page, document)
    else:
        page = _Page(document.language, labels.title(document.kind, document.language))
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


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    width: float
    align: Align


class _Page(FPDF):
    """A4 pages with the document's fonts and the few drawing steps every part uses.

    Page breaks are taken here, before a row or block that would not fit (fpdf2's automatic
    break is off): a table row moves whole to the next page under a repeated header.
    """

    def __init__(self, language: Language, title_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language: Language = language
        self.title_text = title_text
        self.void_mark: str | None = None
        self.running_head = ""
        self.repeat_header: tuple[Sequence[_Column], float] | None = None
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(False, margin=_BOTTOM)
        install_fonts(self)
        self.set_text_shaping(True)  # for fpdf2's own text paths too (the footer's `cell`)
        self.set_font(FAMILY, size=9)
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.2)
        self.set_creator("Dukaan Sahaayak")
        self.set_lang(language)
        self.alias_nb_pages()

    def label(self, key: str) -> str:
        return labels.label(key, self.language)

    # --- fpdf2 hooks: run on every page -------------------------------------------------

    def header(self) -> None:
        if self.void_mark:
            self._void_watermark(self.void_mark)
        if self.page > 1 and self.running_head:
            self.paragraph(self.running_head, size=7.5, colour=_GREY)
            self.ln(1)
            if self.repeat_header:
                self.table_header(*self.repeat_header)

    def footer(self) -> None:
        top = self.h - _BOTTOM + 4
        self.set_draw_color(*_RULE)
        self.line(_MARGIN, top, _RIGHT, top)
        self.font(6.5)
        with self.local_context(text_color=_GREY):
            self.put(self.label("computer_generated"), x=_MARGIN, top=top, width=_WIDTH, height=5)
            self.set_xy(_RIGHT - 20, top)
            self.cell(20, 5, f"{self.page_no()}/{{nb}}", align="R")  # fpdf2 fills in {nb}

    def _void_watermark(self, mark: str) -> None:
        self.font(64, bold=True)
        width = self.measure(mark)
        with self.local_context(text_color=(245, 200, 200)), self.rotation(40, x=105, y=150):
            self.put(mark, x=105 - width / 2, top=140, width=width, height=20)

    # --- text ---------------------------------------------------------------------------

    def font(self, size: float, *, bold: bool = False) -> None:
        style = "B" if bold else ""
        if self.font_style != style or self.font_size_pt != size:
            self.set_font(FAMILY, style, size)

    @property
    def face(self) -> DocumentFont:
        font = self.current_font
        assert isinstance(font, DocumentFont)
        return font

    def measure(self, text: str) -> float:
        """The width of `text` in mm at the current font."""
        return self.face.width(text) * self.font_size_pt / 1000 / self.k

    def put(
        self,
        text: str,
        *,
        x: float,
        top: float,
        width: float,
        height: float,
        align: Align = "L",
        pad: float = 0.0,
        measured: float | None = None,
    ) -> None:
        """One line of `text` in the box (x, top, width, height), vertically centred
        (`measured`: its width, when the caller has it already)."""
        if not text:
            return
        if align == "L":
            left = x + pad
        else:
            free = width - (self.measure(text) if measured is None else measured)
            left = x + (free - pad if align == "R" else free / 2)
        face = self.face
        face.text_size_pt = self.font_size_pt
        self.text(left, top + height / 2 + 0.3 * self.font_size, text)

    def put_fitted(
        self,
        text: str,
        *,
        x: float,
        top: float,
        width: float,
        height: float,
        size: float,
        bold: bool = False,
        align: Align = "R",
    ) -> None:
        """One line whose font shrinks until `text` fits in `width`: amounts never wrap."""
        self.font(size, bold=bold)
        room = width - 2 * _PAD
        natural = self.measure(text)
        if natural <= room:
            self.put(
                text,
                x=x,
                top=top,
                width=width,
                height=height,
                align=align,
                pad=_PAD,
                measured=natural,
            )
            return
        self.font(max(4.0, size * room / natural), bold=bold)
        self.put(text, x=x, top=top, width=width, height=height, align=align, pad=_PAD)
        self.font(size, bold=bold)

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` as lines no wider than `width` mm at the current font."""
        space = self.measure(" ")
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line, line_width = "", 0.0
            for word in paragraph.split():
                word_width = self.measure(word)
                if line and line_width + space + word_width <= width:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                    continue
                if line:
                    lines.append(line)
                if word_width <= width:
                    line, line_width = word, word_width
                    continue
                pieces = self._break_word(word, width)
                lines += pieces[:-1]
                line, line_width = pieces[-1], self.measure(pieces[-1])
            lines.append(line)
        return lines

    def _break_word(self, word: str, width: float) -> list[str]:
        pieces: list[str] = []
        piece, piece_width = "", 0.0
        for syllable in _syllables(word):
            syllable_width = self.measure(syllable)
            if piece and piece_width + syllable_width > width:
                pieces.append(piece)
                piece, piece_width = "", 0.0
            piece, piece_width = piece + syllable, piece_width + syllable_width
        return [*pieces, piece]

    def paragraph(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        x: float = _MARGIN,
        width: float = _WIDTH,
        align: Align = "L",
        colour: Colour = _INK,
        leading: float | None = None,
    ) -> None:
        """`text` wrapped to `width` from the current y, onto the next page if need be."""
        self.font(size, bold=bold)
        height = leading or size * 0.48
        with self.local_context(text_color=colour):
            for line in self.wrap(text, width):
                if height > self.room_left():
                    self.add_page()
                    self.font(size, bold=bold)
                self.put(line, x=x, top=self.y, width=width, height=height, align=align)
                self.y += height

    def room_left(self) -> float:
        return self.h - _BOTTOM - self.y

    def keep_together(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if height > self.room_left():
            self.add_page()

    def rule(self, gap: float = 1.5) -> None:
        self.y += gap
        self.set_draw_color(*_RULE)
        self.line(_MARGIN, self.y, _RIGHT, self.y)
        self.y += gap

    # --- tables ---------------------------------------------------------------------------

    def table_header(self, columns: Sequence[_Column], size: float = 7.5) -> None:
        self.font(size, bold=True)
        line = size * 0.45
        heads = [self.wrap(column.header, column.width - 2 * _PAD) for column in columns]
        height = max(len(head) for head in heads) * line + 2
        self.keep_together(height + 8)
        top = self.y
        with self.local_context(fill_color=_SHADE):
            self.rect(_MARGIN, top, sum(c.width for c in columns), height, style="F")
        x = _MARGIN
        for column, head in zip(columns, heads, strict=True):
            for index, text in enumerate(head):
                self.put(
                    text,
                    x=x,
                    top=top + 1 + index * line,
                    width=column.width,
                    height=line,
                    align=column.align,
                    pad=_PAD,
                )
            x += column.width
        self.y = top + height

    def table_row(
        self,
        columns: Sequence[_Column],
        cells: Sequence[str],
        *,
        wrap: int = 1,
        size: float = 8,
    ) -> None:
        """A row of `cells`: the one at index `wrap` may take several lines, the others
        (numbers) stay on one and shrink to fit. A row that does not fit moves whole to the
        next page, where `header()` repeats the table's header (`repeat_header`)."""
        self.font(size)
        line = size * 0.46
        lines = self.wrap(cells[wrap], columns[wrap].width - 2 * _PAD)
        height = len(lines) * line + 1.8
        if height > self.room_left():
            self.add_page()
        top = self.y
        x = _MARGIN
        for index, (column, text) in enumerate(zip(columns, cells, strict=True)):
            if index == wrap:
                self.font(size)
                for number, part in enumerate(lines):
                    self.put(
                        part,
                        x=x,
                        top=top + 0.9 + number * line,
                        width=column.width,
                        height=line,
                        align=column.align,
                        pad=_PAD,
                    )
            else:
                self.put_fitted(
                    text,
                    x=x,
                    top=top + 0.9,
                    width=column.width,
                    height=line,
                    size=size,
                    align=column.align,
                )
            x += column.width
        self.set_draw_color(*_RULE)
        self.line(_MARGIN, top + height, x, top + height)
        self.y = top + height

    def pairs(self, rows: Sequence[tuple[str, str, bool]], *, x: float, width: float) -> None:
        """Label-value rows (`bold`: a total, larger and ruled above), values right-aligned."""
        label_width = width * 0.58
        for text, value, bold in rows:
            size = 11.0 if bold else 9.0
            height = size * 0.55
            if bold:
                self.set_draw_color(*_INK)
                self.line(x, self.y, x + width, self.y)
            self.font(size, bold=bold)
            self.put(text, x=x, top=self.y, width=label_width, height=height)
            self.put_fitted(
                value,
                x=x + label_width,
                top=self.y,
                width=width - label_width,
                height=height,
                size=size,
                bold=bold,
            )
            self.y += height

    # --- UPI ---------------------------------------------------------------------------

    def upi_block(self, upi: UpiRequest) -> None:
        """The QR code of `upi.uri` and, beside it, who is paid, how much, and the link."""
        x = _MARGIN + _QR_SIZE + 4
        width = _RIGHT - x
        beside = [  # text, size, bold, colour
            (self.label("scan_to_pay"), 10.0, True, _INK),
            (f"{self.label('pay_to')}: {upi.payee_name}", 9.0, False, _INK),
            (upi.payee_vpa, 9.0, False, _INK),
            (f"{_RUPEE} {money(upi.amount)}", 12.0, True, _INK),
            (upi.uri, 6.5, False, _GREY),
        ]
        text_height = 4.0
        for text, size, bold, _ in beside:
            self.font(size, bold=bold)
            text_height += len(self.wrap(text, width)) * size * 0.48
        self.keep_together(max(_QR_SIZE, text_height) + 2)
        self.y += 2
        top = self.y
        draw_qr(self, upi.uri, x=_MARGIN, y=top, size=_QR_SIZE)
        self.y = top + 3
        for text, size, bold, colour in beside:
            if size < 9:
                self.y += 1
            self.paragraph(text, size=size, bold=bold, x=x, width=width, colour=colour)
        self.y = max(self.y, top + _QR_SIZE)


def _syllables(word: str) -> list[str]:
    """`word` cut where a line may break inside it: never before a combining mark or a
    joiner, nor after a virama (a conjunct stays whole)."""
    syllables: list[str] = []
    for char in word:
        joins = unicodedata.category(char) in ("Mn", "Mc", "Me") or char in "\u200c\u200d"
        if syllables and (joins or syllables[-1][-1] in "\u094d\u200d"):
            syllables[-1] += char
        else:
            syllables.append(char)
    return syllables


def draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code (error level M) of `data` as filled rectangles, `size` mm square including
    the 4-module white quiet zone."""
    modules, boxes = _qr_boxes(data)
    unit = size / (modules + 8)
    with pdf.local_context(fill_color=(255, 255, 255)):
        pdf.rect(x, y, size, size, style="F")
    with pdf.local_context(fill_color=(0, 0, 0)):
        for column, row, width, height in boxes:
            pdf.rect(
                x + (column + 4) * unit,
                y + (row + 4) * unit,
                width * unit,
                height * unit,
                style="F",
            )


@functools.lru_cache(maxsize=256)
def _qr_boxes(data: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    """The QR code of `data`: its width in modules and the rectangles of its dark modules.

    Kept for the last few hundred links: segno spends ~8 ms choosing the mask, and a bill
    is often drawn more than once (the PDF, then again when its share link is opened)."""
    code = segno.make(data, error="m", micro=False, boost_error=False)
    return len(code.matrix), tuple(_dark_boxes(code.matrix))


def _dark_boxes(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles (column, row, width, height in modules) covering the dark modules: runs
    of dark modules in a row, a run repeated on the rows below it merged into one taller
    rectangle. Fewer shapes, and no seams inside a block when anti-aliased."""
    boxes: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, end column) -> first row
    for row_index, row in enumerate([*matrix, ()]):
        runs = set(_dark_runs(row))
        for run, first_row in list(open_runs.items()):
            if run not in runs:
                boxes.append((run[0], first_row, run[1] - run[0], row_index - first_row))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, row_index)
    return boxes


def _dark_runs(row: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for column, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column))
            start = None
    return runs


# --- the parts of a document ---------------------------------------------------------------


def _shop_and_title(page: _Page, shop: ShopBlock, facts: Sequence[str]) -> None:
    """The first page: the shop on the left; the title, number and date on the right."""
    page.add_page()
    left_width = _WIDTH * 0.58
    right_x = _MARGIN + left_width + 4
    right_width = _RIGHT - right_x
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
        page.paragraph(detail, size=8.5, width=left_width, colour=_GREY)
    left_bottom = page.y

    page.y = top
    page.paragraph(page.title_text, size=15, bold=True, x=right_x, width=right_width, align="R")
    page.y += 1
    for fact in facts:
        page.paragraph(fact, x=right_x, width=right_width, align="R")
    if page.void_mark:
        _void_box(page, page.void_mark, right=_RIGHT, top=page.y + 1.5)
    page.y = max(left_bottom, page.y)
    page.rule()


def _void_box(page: _Page, mark: str, *, right: float, top: float) -> None:
    page.font(14, bold=True)
    width = page.measure(mark) + 6
    with page.local_context(draw_color=_VOID, text_color=_VOID, line_width=0.6):
        page.rect(right - width, top, width, 8)
        page.put(mark, x=right - width, top=top, width=width, height=8, align="C")
    page.y = top + 9


def _party(page: _Page, heading: str, party: PartyBlock | None, extra: Sequence[str]) -> None:
    page.paragraph(heading, size=7.5, bold=True, colour=_GREY)
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


def _invoice(page: _Page, bill: InvoiceDocument) -> None:
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
        page.paragraph(bill.declaration, size=8, colour=_GREY)
    if bill.upi:
        page.upi_block(bill.upi)
    if bill.kind in ("tax_invoice", "bill_of_supply", "bill"):
        page.y += 3
        page.keep_together(5)
        page.paragraph(page.label("thank_you"), align="C")


def _invoice_columns(page: _Page, bill: InvoiceDocument) -> list[_Column]:
    """#, item, [HSN, GST %], qty, rate, [discount], [taxable value, tax], amount: the item
    column takes the width the others leave."""
    discounted = any(line.discount != ZERO for line in bill.lines)
    fixed = [_Column(page.label("sr"), 7, "R")]
    if bill.taxed:
        fixed += [_Column(page.label("hsn"), 15, "L"), _Column(page.label("gst_rate"), 11, "R")]
    fixed += [_Column(page.label("qty"), 14, "R"), _Column(page.label("rate"), 20, "R")]
    if discounted:
        fixed.append(_Column(page.label("discount"), 17, "R"))
    if bill.taxed:
        fixed += [
            _Column(page.label("taxable_value"), 21, "R"),
            _Column(page.label("tax"), 18, "R"),
        ]
    fixed.append(_Column(page.label("amount"), 23, "R"))
    item = _Column(page.label("item"), _WIDTH - sum(c.width for c in fixed), "L")
    return [fixed[0], item, *fixed[1:]]


def _invoice_lines(page: _Page, bill: InvoiceDocument) -> None:
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


def _invoice_totals(page: _Page, bill: InvoiceDocument) -> None:
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
    rows.append((page.label("total"), f"{_RUPEE} {money(bill.total)}", True))
    after = [(page.label("paid"), money(bill.paid), False)]
    if bill.previous_balance is not None:
        after.append((page.label("previous_balance"), money(bill.previous_balance), False))
    if bill.balance_due is not None:
        after.append((page.label("balance_due"), money(bill.balance_due), True))

    left_width = _WIDTH - _TOTALS_WIDTH - 6
    words = f"{page.label('in_words')}: {bill.total_in_words}"
    page.font(8.5)
    left_height = len(page.wrap(words, left_width)) * 4.1 + 2
    if bill.taxed and bill.tax_rows:
        left_height += (len(bill.tax_rows) + 2) * 4.6
    right_height = sum(6.1 if bold else 5.0 for *_, bold in [*rows, *after]) + 2
    page.y += 2
    page.keep_together(max(left_height, right_height))
    top = page.y

    right_x = _RIGHT - _TOTALS_WIDTH
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


def _tax_summary(page: _Page, bill: InvoiceDocument, width: float) -> None:
    """The tax per GST rate (rule 46 asks for rate-wise tax): CGST + SGST or IGST, cess."""
    heads = ["igst"] if bill.inter_state else ["cgst", "sgst"]
    if any(row.cess != ZERO for row in bill.tax_rows):
        heads.append("cess")
    names = ["gst_rate", "taxable_value", *heads, "tax"]
    share = width / (len(names) + 0.5)
    columns = [
        _Column(page.label(name), share * (1.5 if name == "taxable_value" else 1), "R")
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


def _statement(page: _Page, statement: StatementDocument) -> None:
    page.running_head = f"{statement.shop.name} · {page.title_text} · {statement.party.name}"
    generated = f"{page.label('generated_on')}: {_date(statement.generated_on)}"
    _shop_and_title(page, statement.shop, [generated])
    start = _date(statement.date_from) if statement.date_from else page.label("from_start")
    end = _date(statement.date_to) if statement.date_to else page.label("to_today")
    period = f"{page.label('period')}: {start} \N{EN DASH} {end}"
    _party(page, page.label(statement.side), statement.party, [period])

    totals_x = _RIGHT - _TOTALS_WIDTH
    opening = [(page.label("opening_balance"), money(statement.opening_balance), False)]
    page.pairs(opening, x=totals_x, width=_TOTALS_WIDTH)
    page.y += 1.5
    columns = [
        _Column(page.label("date"), 22, "L"),
        _Column(page.label("reference"), _WIDTH - 22 - 3 * 27, "L"),
        _Column(page.label("debit"), 27, "R"),
        _Column(page.label("credit"), 27, "R"),
        _Column(page.label("balance"), 27, "R"),
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
    page.keep_together(14 + len(page.wrap(words, _WIDTH)) * 4.1)
    closing = f"{_RUPEE} {money(statement.closing_balance)}"
    page.pairs([(page.label("closing_balance"), closing, True)], x=totals_x, width=_TOTALS_WIDTH)
    owes = _who_owes(statement)
    if owes:
        page.paragraph(owes, size=8.5, x=totals_x, width=_TOTALS_WIDTH, align="R", colour=_GREY)
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
