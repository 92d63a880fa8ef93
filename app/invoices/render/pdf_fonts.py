"""Noto Sans Devanagari for fpdf2: parsed once per process, shaped and mapped to Unicode here.

Why a cache: with text shaping on, most of a bill's render time went to the font, not the
layout. fpdf2's `add_font` parses the TTF with fontTools for every document (~5 ms a
style here), and at `output()` fontTools subsets it, closing the glyph set over the GSUB
table and decoding and re-encoding every kept glyph to recompute its bounding box (~20 ms
a style). So, once per process (`_parse`):

- fpdf2 parses the file into a template `TTFFont` (metrics, character map, widths);
- a copy of the file without `GSUB`, `GPOS`, `GDEF` (and without the character map's
  duplicate Unicode-platform subtables) is kept as bytes: fontTools never needs the layout
  tables, since HarfBuzz shapes with its own `hb.Face` of the full file (shared here), and
  fpdf2 drops them from the embedded subset anyway;
- glyph names and advance widths by glyph id, for shaping without touching fontTools.

Each document gets its own `DocumentFont` (`install_fonts`, instead of `add_font`): the
template's read-only parts shared, and fresh per-document state: the `SubsetMap` of the
glyphs used, `missing_glyphs`, copies of the widths (`cw` is a defaultdict that grows on
lookups) and of the font descriptor (output writes into it), its own `hb.Font` (shaping
sets `ptem` on it), and a lazily parsed fontTools `TTFont` of the cached bytes, which
output subsets in place and closes. That one is opened with `recalcBBoxes=False`, as
fontTools' own subsetter opens fonts: outlines are kept as they are, so their boxes stay
right without decoding every glyph. Renders on several threads share immutable objects only.

Why the shaping here: `DocumentFont.encode_text` lets `FPDF.text()` draw shaped text (see
`pdf_page.py` for why not `cell`), and the ToUnicode map must give each glyph its share of the
text (`text_per_glyph`). fpdf2 gives all the characters of a HarfBuzz cluster to its first
glyph and none to the others, so a reordered syllable (`कि` is drawn as the ि matra, then
क) has a glyph with no text, and a reader falls back to its raw code: pdfium extracts
`कि\nताब` when the क glyph happens to be code 10. Latin, digits and ₹ are drawn unshaped,
one glyph per character (`is_plain`).

fpdf2 internals relied on (fpdf2 2.8.x, pinned <2.9; `tests/invoices/test_pdf.py` covers
them): `TTFFont`'s slots and what its `__init__` sets, `SubsetMap(font)` and its
`pick_glyph`, the `Glyph` dataclass (a code per glyph, text and width), the PDF widths and
ToUnicode map written from it, `TTFFont.perform_harfbuzz_shaping`, the dicts `shape_text`
returns, `TTFFont.encode_text` as `FPDF.text()` calls it, `FPDF.fonts` keyed by family +
style, and `HarfBuzzFont`. `SubsetMap`'s methods are memoised by a class-wide
`functools.cache` that output clears; a clear while another thread renders only costs a
recomputation (each document maps glyphs to codes in its own dict).
"""

import copy
import itertools
import logging
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

import uharfbuzz as hb  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import Glyph, HarfBuzzFont, SubsetMap, TTFFont

FAMILY = "noto"
"""The family name documents pass to `set_font`; style "" is regular, "B" bold."""

_FOLDER = Path(__file__).parent / "fonts"
_FILES = {
    "": _FOLDER / "NotoSansDevanagari-Regular.ttf",
    "B": _FOLDER / "NotoSansDevanagari-Bold.ttf",
}
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")

# fontTools' subsetter logs each of its steps at INFO, ~30 records a font for every PDF;
# its warnings still come through.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class _ParsedFont:
    """One style of the font, parsed once; never changed after `_parse`."""

    template: TTFFont
    """Parsed by fpdf2 itself; documents copy its attributes, it never joins a document."""
    embeddable: bytes
    """The font file without its layout tables: what each document subsets and embeds."""
    glyph_names: tuple[str, ...]
    glyph_widths: tuple[int, ...]
    """Advance widths by glyph id, in PDF glyph space (1/1000 of the font size)."""
    harfbuzz_face: Any
    """An `hb.Face` of the full file: immutable, shared by the documents' `hb.Font`s."""
    plain_widths: dict[str, int]
    """Widths of the characters drawn one glyph each, with no shaping: Latin, digits, ₹.
    Devanagari, combining marks, joiners and characters the font lacks are not here."""


_lock = threading.Lock()
_parsed: dict[str, _ParsedFont] = {}


def install_fonts(pdf: FPDF) -> None:
    """Give `pdf` the regular and bold styles of `FAMILY` (instead of `add_font`)."""
    for style, parsed in _parsed_fonts().items():
        font = DocumentFont.for_document(pdf, parsed)
        pdf.fonts[f"{FAMILY}{style}"] = font


def _parsed_fonts() -> dict[str, _ParsedFont]:
    with _lock:
        if not _parsed:
            _parsed.update({style: _parse(style, path) for style, path in _FILES.items()})
        return _parsed


def _parse(style: str, path: Path) -> _ParsedFont:
    template = TTFFont(FPDF(), path, f"{FAMILY}{style}", style)
    ttfont = template.ttfont
    names = tuple(ttfont.getGlyphOrder())
    metrics = ttfont["hmtx"].metrics
    widths = tuple(round(template.scale * metrics[name][0]) for name in names)
    plain_widths = {
        chr(codepoint): round(template.cw[codepoint])
        for codepoint in template.cmap
        if _is_simple(codepoint)
    }
    template.close()

    full = TTFont(path, recalcTimestamp=False)
    for tag in _LAYOUT_TABLES:
        if tag in full:
            del full[tag]
    # the Unicode-platform subtables repeat the Windows ones: half the character map to
    # parse and subset for every document
    cmap = full["cmap"]
    cmap.tables = [table for table in cmap.tables if table.platformID == 3] or cmap.tables
    buffer = BytesIO()
    full.save(buffer)
    full.close()
    return _ParsedFont(
        template=template,
        embeddable=buffer.getvalue(),
        glyph_names=names,
        glyph_widths=widths,
        harfbuzz_face=hb.Face(hb.Blob.from_file_path(path)),
        plain_widths=plain_widths,
    )


def _is_simple(codepoint: int) -> bool:
    """A character whose glyph never depends on its neighbours (outside the Indic blocks,
    not a combining mark or a joiner)."""
    char = chr(codepoint)
    return not (
        0x0900 <= codepoint <= 0x0DFF
        or 0xA8E0 <= codepoint <= 0xA8FF
        or 0x1CD0 <= codepoint <= 0x1CFF
        or codepoint in (0x200C, 0x200D, 0x25CC)
        or unicodedata.combining(char)
        or unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf")
    )


class DocumentFont(TTFFont):
    """A `TTFFont` of one document, made from a `_ParsedFont` without parsing the file.

    Besides fpdf2's own text paths (`cell`, `multi_cell`, through `shape_text`), it draws
    shaped text through `FPDF.text()` (`encode_text`). Set `text_size_pt` to the size being
    drawn at first: the rise of a raised or lowered mark (`Ts`) is in points.
    """

    __slots__ = ("_parsed", "text_size_pt")
    _parsed: _ParsedFont
    text_size_pt: float

    @classmethod
    def for_document(cls, pdf: FPDF, parsed: _ParsedFont) -> "DocumentFont":
        template = parsed.template
        font = cls.__new__(cls)
        font._parsed = parsed
        font.text_size_pt = 0.0
        for name in _SHARED_SLOTS:
            setattr(font, name, getattr(template, name))
        font.i = len(pdf.fonts) + 1
        font.cw = template.cw.copy()
        font.desc = copy.copy(template.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.color_font = None
        font.ttfont = TTFont(
            BytesIO(parsed.embeddable), lazy=True, recalcTimestamp=False, recalcBBoxes=False
        )
        font._hbfont = HarfBuzzFont(parsed.harfbuzz_face)
        font.subset = SubsetMap(font)
        return font

    # --- measuring and drawing through FPDF.text() ------------------------------------

    def is_plain(self, text: str) -> bool:
        """Whether `text` is drawn glyph by glyph from the character map, with no shaping."""
        return all(char in self._parsed.plain_widths for char in text)

    def width(self, text: str) -> float:
        """The advance of `text` in thousandths of the font size (shaped when needed)."""
        widths = self._parsed.plain_widths
        try:
            return float(sum(widths[char] for char in text))
        except KeyError:  # not plain: shape it
            pass
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(self._hbfont, buffer, {})
        return float(sum(position.x_advance for position in buffer.glyph_positions) * self.scale)

    def encode_text(self, text: str) -> str:
        """The content-stream operators that show `text` (for `FPDF.text()`, which puts them
        between `BT x y Td` and `ET`).

        HarfBuzz's positions go into the glyph widths, not into pen moves: each code's
        width in the PDF is the distance to where the next glyph is drawn (its advance plus
        the next glyph's x offset, minus its own), so the run is one `Tj` of glyphs that
        follow each other, split only where a mark is raised or lowered (`Ts`). Text
        extraction then reads it like any other run: pdfium reads a pen move to the right
        (a `TJ` number) as a space (`कु ल`), and reorders glyphs placed by `Td`/`Tm`, as
        fpdf2's shaped `cell` places them, by their x (`मुंब ई`).

        A word that readers would still get wrong carries its text as ActualText: one with
        a glyph that has no text of its own (more glyphs than characters: a lone `ई` is two)
        or with a raised or lowered mark (`लड्डू`), which pdfium takes for the start of a
        new line when a narrow glyph or a space follows it.
        """
        if self.is_plain(text) or not self.text_size_pt:
            return super().encode_text(text)
        glyphs = self._shape(text)
        names = self._parsed.glyph_names
        points = self.text_size_pt / 1000
        operators: list[str] = []
        if glyphs and glyphs[0].x_offset:
            operators.append(f"{_number(glyphs[0].x_offset * points)} 0 Td")
        codes = ""
        rise = 0.0

        def show() -> None:
            nonlocal codes
            if codes:
                operators.append(f"({self.escape_text(codes)}) Tj")
                codes = ""

        start = 0
        for word in _words(glyphs):
            spelled = any(not glyph.text or glyph.y_offset for glyph in word)
            if spelled:
                show()
                actual = "".join(chr(code) for glyph in word for code in glyph.text)
                operators.append(f"/Span <</ActualText (\xfe\xff{self.escape_text(actual)})>> BDC")
            for index, glyph in enumerate(word, start=start):
                after = glyphs[index + 1].x_offset if index + 1 < len(glyphs) else 0.0
                width = round(glyph.advance + after - glyph.x_offset)
                code = self.subset.pick_glyph(Glyph(glyph.gid, glyph.text, names[glyph.gid], width))
                assert code is not None  # a Glyph always gets a code
                if glyph.y_offset != rise:
                    show()
                    rise = glyph.y_offset
                    operators.append(f"{_number(rise * points)} Ts")
                codes += chr(code)
            start += len(word)
            if spelled:
                show()
                operators.append("EMC")
        show()
        if rise:
            operators.append("0 Ts")
        return " ".join(operators)

    def _shape(self, text: str) -> list["_ShapedGlyph"]:
        """HarfBuzz's glyphs for `text`, each with its share of the text (`text_per_glyph`)
        and its position in thousandths of the font size."""
        # the size only sets HarfBuzz's ptem (optical size, tracking): positions are in
        # font units whatever it is
        infos, positions = self.perform_harfbuzz_shaping(text, self.text_size_pt or 10.0, None)
        pieces = text_per_glyph(text, [info.cluster for info in infos])
        scale = self.scale
        glyphs = []
        for info, position, piece in zip(infos, positions, pieces, strict=True):
            codepoints = tuple(ord(char) for char in piece)
            if info.codepoint == 0:
                self._note_missing(codepoints)
            glyphs.append(
                _ShapedGlyph(
                    info.codepoint,
                    codepoints,
                    position.x_advance * scale,
                    position.x_offset * scale,
                    position.y_offset * scale,
                )
            )
        return glyphs

    def shape_text(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> Sequence[dict[str, Any]]:
        """fpdf2's `TTFFont.shape_text` (for `cell` and `multi_cell`), with each glyph's
        Unicode text from `text_per_glyph` and .notdef kept."""
        names, widths = self._parsed.glyph_names, self._parsed.glyph_widths
        shaped = []
        for glyph in self._shape(text) if text else []:
            width = widths[glyph.gid]
            code = self.subset.pick_glyph(Glyph(glyph.gid, glyph.text, names[glyph.gid], width))
            shaped.append(
                {
                    "mapped_char": code,
                    "x_advance": glyph.advance / self.scale,
                    "y_advance": 0,
                    "x_offset": glyph.x_offset / self.scale,
                    "y_offset": glyph.y_offset / self.scale,
                    "force_positioning": round(glyph.advance) != width
                    or glyph.x_offset != 0
                    or glyph.y_offset != 0,
                }
            )
        return shaped

    def _note_missing(self, codepoints: Sequence[int]) -> None:
        """A character the font lacks (Chinese, emoji) is drawn as the .notdef box, not
        dropped as fpdf2 would: the bill shows something is there, and its text still
        copies out. fpdf2 logs these at output."""
        for codepoint in codepoints:
            if codepoint not in self.missing_glyphs:
                self.missing_glyphs.append(codepoint)


class _ShapedGlyph(NamedTuple):
    gid: int
    text: tuple[int, ...]
    """The code points this glyph stands for in ToUnicode (`text_per_glyph`)."""
    advance: float
    x_offset: float
    y_offset: float


_SHARED_SLOTS = (
    "type",
    "name",
    "glyph_ids",
    "sp",
    "ss",
    "up",
    "ut",
    "ttffile",
    "fontkey",
    "emphasis",
    "scale",
    "cmap",
    "palette_index",
    "is_compressed",
    "is_cff",
    "is_cid_keyed",
    "is_symbol",
    "cff_ros",
    "collection_font_number",
)
"""`TTFFont` attributes documents share: set once by `TTFFont.__init__`, only read after."""


def _words(glyphs: list[_ShapedGlyph]) -> list[list[_ShapedGlyph]]:
    """The glyphs cut after each run of spaces: a word with the spaces that follow it (a
    word's ActualText span then ends on a space drawn on the line)."""
    words: list[list[_ShapedGlyph]] = []
    previous_space = True
    for glyph in glyphs:
        space = glyph.text == (0x20,)
        if not words or (previous_space and not space):
            words.append([])
        words[-1].append(glyph)
        previous_space = space
    return words


def _number(value: float) -> str:
    """A number for the content stream: `-120`, `3.5`."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def text_per_glyph(text: str, clusters: Sequence[int]) -> list[str]:
    """The part of `text` each shaped glyph stands for: the parts, in glyph (drawing) order,
    join back into `text`, and as few glyphs as possible get an empty part.

    `clusters[i]` is the index in `text` where glyph i's cluster starts (HarfBuzz, cluster
    level 1: non-decreasing for left-to-right text). Within a cluster the glyphs take one
    character each and the last glyph the rest: `कि` drawn as [ि, क] maps to ["क", "ि"],
    which a reader joins to `कि`. A cluster with more glyphs than characters (`ई` is two
    glyphs) is merged with the nearest clusters of its word that have characters to spare
    (a conjunct is one glyph for three); when none has, its last glyphs get nothing (the
    caller then adds ActualText). Right-to-left input keeps fpdf2's mapping.
    """
    if not clusters:
        return []
    if any(later < earlier for earlier, later in itertools.pairwise(clusters)):
        return _first_glyph_takes_cluster(text, clusters)
    starts: list[int] = []
    glyphs: list[int] = []
    for cluster in clusters:
        if starts and starts[-1] == cluster:
            glyphs[-1] += 1
        else:
            starts.append(cluster)
            glyphs.append(1)
    starts, glyphs = _cover_short_clusters(starts, glyphs, text)
    pieces: list[str] = []
    for index, (start, count) in enumerate(zip(starts, glyphs, strict=True)):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chars = text[start:end]
        pieces.extend(chars[i] if i < len(chars) else "" for i in range(count - 1))
        pieces.append(chars[count - 1 :])
    return pieces


def _cover_short_clusters(
    starts: list[int], glyphs: list[int], text: str
) -> tuple[list[int], list[int]]:
    """Merge each cluster that has fewer characters than glyphs with the fewest neighbours
    in its word whose spare characters make up for it (never across a space, so a space
    glyph keeps its space)."""
    ends = [*starts[1:], len(text)]
    spare = [end - start - count for start, end, count in zip(starts, ends, glyphs, strict=True)]
    blank = [text[start:end].isspace() for start, end in zip(starts, ends, strict=True)]
    index = 0
    while index < len(starts):
        if spare[index] >= 0:
            index += 1
            continue
        low = high = index
        while sum(spare[low : high + 1]) < 0:
            if high + 1 < len(starts) and not blank[high + 1]:
                high += 1
            elif low > 0 and not blank[low - 1]:
                low -= 1
            else:
                break
        if sum(spare[low : high + 1]) < 0:  # the word is short of characters: leave it
            index += 1
            continue
        starts[low : high + 1] = [starts[low]]
        glyphs[low : high + 1] = [sum(glyphs[low : high + 1])]
        spare[low : high + 1] = [sum(spare[low : high + 1])]
        blank[low : high + 1] = [False]
        index = low + 1
    return starts, glyphs


def _first_glyph_takes_cluster(text: str, clusters: Sequence[int]) -> list[str]:
    starts = sorted(set(clusters))
    ends = {start: end for start, end in zip(starts, [*starts[1:], len(text)], strict=True)}
    pieces: list[str] = []
    seen: set[int] = set()
    for cluster in clusters:
        pieces.append("" if cluster in seen else text[cluster : ends[cluster]])
        seen.add(cluster)
    return pieces
