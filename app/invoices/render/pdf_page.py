"""The page a PDF document is drawn on: A4 with the document's fonts, and the few steps
every part of a document uses (`Page`): text measured, wrapped and placed, tables whose rows
move whole to the next page, label-value pairs, the UPI block.

Text is measured, wrapped and placed here and drawn with `FPDF.text()`, whose font
(`pdf_fonts.DocumentFont`) shapes it with HarfBuzz: fpdf2's shaped `cell`/`multi_cell` run
the bidi algorithm and shape character by character to break lines, 0.2-2.4 ms a call
(a bill took ~170 ms that way). Words wrap at spaces; a word wider than its column breaks
between syllables (a virama, a vowel sign or a mark stays with its letter). Amounts never
wrap: their font shrinks to fit the column.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF

from app.core.message_templates import Language
from app.invoices.model import UpiRequest
from app.invoices.render import labels
from app.invoices.render.amounts import money
from app.invoices.render.pdf_fonts import FAMILY, DocumentFont, install_fonts
from app.invoices.render.pdf_qr import draw_qr

Align = Literal["L", "R", "C"]
Colour = tuple[int, int, int]

MARGIN = 12.0
WIDTH = 210.0 - 2 * MARGIN
RIGHT = MARGIN + WIDTH
_BOTTOM = 16.0
"""Room under the last row of a page for the footer line."""
_PAD = 1.0
"""Space between a table cell's edge and its text."""
_INK: Colour = (25, 25, 25)
GREY: Colour = (105, 105, 105)
_RULE: Colour = (170, 170, 170)
_SHADE: Colour = (236, 236, 236)
_QR_SIZE = 34.0
"""The QR code with its 4-module quiet zone, in mm: comfortably above what phones need."""
RUPEE = "₹"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    align: Align


class Page(FPDF):
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
        self.repeat_header: tuple[Sequence[Column], float] | None = None
        self.set_margins(MARGIN, MARGIN, MARGIN)
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
            self.paragraph(self.running_head, size=7.5, colour=GREY)
            self.ln(1)
            if self.repeat_header:
                self.table_header(*self.repeat_header)

    def footer(self) -> None:
        top = self.h - _BOTTOM + 4
        self.set_draw_color(*_RULE)
        self.line(MARGIN, top, RIGHT, top)
        self.font(6.5)
        with self.local_context(text_color=GREY):
            self.put(self.label("computer_generated"), x=MARGIN, top=top, width=WIDTH, height=5)
            self.set_xy(RIGHT - 20, top)
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
        x: float = MARGIN,
        width: float = WIDTH,
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
        self.line(MARGIN, self.y, RIGHT, self.y)
        self.y += gap

    # --- tables ---------------------------------------------------------------------------

    def table_header(self, columns: Sequence[Column], size: float = 7.5) -> None:
        self.font(size, bold=True)
        line = size * 0.45
        heads = [self.wrap(column.header, column.width - 2 * _PAD) for column in columns]
        height = max(len(head) for head in heads) * line + 2
        self.keep_together(height + 8)
        top = self.y
        with self.local_context(fill_color=_SHADE):
            self.rect(MARGIN, top, sum(c.width for c in columns), height, style="F")
        x = MARGIN
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
        columns: Sequence[Column],
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
        x = MARGIN
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
        self.line(MARGIN, top + height, x, top + height)
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
        x = MARGIN + _QR_SIZE + 4
        width = RIGHT - x
        beside = [  # text, size, bold, colour
            (self.label("scan_to_pay"), 10.0, True, _INK),
            (f"{self.label('pay_to')}: {upi.payee_name}", 9.0, False, _INK),
            (upi.payee_vpa, 9.0, False, _INK),
            (f"{RUPEE} {money(upi.amount)}", 12.0, True, _INK),
            (upi.uri, 6.5, False, GREY),
        ]
        text_height = 4.0
        for text, size, bold, _ in beside:
            self.font(size, bold=bold)
            text_height += len(self.wrap(text, width)) * size * 0.48
        self.keep_together(max(_QR_SIZE, text_height) + 2)
        self.y += 2
        top = self.y
        draw_qr(self, upi.uri, x=MARGIN, y=top, size=_QR_SIZE)
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
