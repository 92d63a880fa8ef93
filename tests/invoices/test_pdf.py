"""The A4 PDF of a bill or statement: the text a reader gets out of it (Hindi in logical
order), the shapes HarfBuzz draws, the UPI QR code a phone scans, every kind of document in
both languages, long bills over several pages, and a small file."""

import re
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from fpdf import FPDF
from PIL import Image, ImageChops

from app.core.message_templates import LANGUAGES, Language
from app.invoices.model import Document, InvoiceDocument, StatementDocument, UpiRequest
from app.invoices.render import labels
from app.invoices.render.amounts import money
from app.invoices.render.pdf import pdf_document
from app.invoices.render.pdf_fonts import FAMILY, DocumentFont, install_fonts, text_per_glyph
from tests.invoices import documents
from tests.invoices.documents import BUYERS, D, Item
from tests.pdfs import page_count, pdf_qr_codes, pdf_text

BRIEF_URI = (
    "upi://pay?pa=sharma.kirana%40okaxis&pn=Sharma%20Kirana%20%26%20Sons&am=1234.50&cu=INR"
    "&tn=Bill%20SK2026-27%2F000042"
)
UPI = UpiRequest(
    uri=BRIEF_URI,
    payee_vpa="sharma.kirana@okaxis",
    payee_name="Sharma Kirana & Sons",
    amount=D("1234.50"),
)

HARD_HINDI = [
    "क्षमा किताब",  # a conjunct; ि drawn before its consonant
    "शिक्षा",
    "हिन्दी",
    "शर्मा कर्म",  # reph: र् drawn over the next consonant
    "श्री ट्रक प्रीमियम",  # conjuncts with र
    "पढ़ाई ज़्यादा",  # nukta
    "मूँगफली हूँ",  # candrabindu over a vowel sign
    "लड्डू रुपये",  # a vowel sign set below a stacked conjunct (a y offset)
    "शुद्ध घी द्वारा",
    "ऐप ई",  # each vowel is two glyphs
]


def no_spaces(text: str) -> str:
    """Wrapped lines break at spaces or inside long words: compare without whitespace."""
    return "".join(text.split())


def hindi_bill(names: list[str]) -> InvoiceDocument:
    items = [Item(name, D("1"), D("10.00")) for name in names]
    return documents.invoice("bill", "hi", items, party=BUYERS["hi"])


# --- Hindi text comes back out in logical order ------------------------------------------


@pytest.mark.parametrize("name", HARD_HINDI)
def test_hindi_words_are_extracted_in_logical_order(name: str) -> None:
    text = pdf_text(pdf_document(hindi_bill([name])))

    assert f"1 {name} 1 10.00 10.00" in text.splitlines()


def test_a_reordered_syllable_is_read_back_as_typed() -> None:
    text = pdf_text(pdf_document(hindi_bill(["क्षमा किताब", "शिक्षा", "हिन्दी"])))

    assert "किताब" in text
    assert "शिक्षा" in text
    assert "हिन्दी" in text
    assert "ाकित" not in text  # not the glyphs' drawing order


def page_operators(content: bytes) -> bytes:
    """The pages' content streams, decompressed (fpdf2 deflates them)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    return b"".join(zlib.decompress(stream) for stream in streams if stream[:1] == b"x")


def actual_texts(content: bytes) -> list[str]:
    """The ActualText strings of the pages (UTF-16BE PDF strings, backslash-escaped)."""
    found = []
    operators = page_operators(content)
    for match in re.finditer(rb"/ActualText \(\xfe\xff", operators):
        raw, index = bytearray(), match.end()
        while operators[index : index + 1] != b")":
            if operators[index : index + 1] == b"\\":
                index += 1
            raw += operators[index : index + 1]
            index += 1
        found.append(raw.decode("utf-16-be"))
    return found


def test_reordered_syllables_read_back_from_the_tounicode_map_alone() -> None:
    """Every glyph maps to its share of the text: no ActualText needed, so readers that
    ignore it (pdf.js) read the words too."""
    names = ["क्षमा किताब", "शिक्षा", "हिन्दी", "शर्मा"]
    content = pdf_document(hindi_bill(names))
    text = pdf_text(content)

    spelled = " ".join(actual_texts(content))
    assert not any(word in spelled for name in names for word in name.split())
    assert "1 क्षमा किताब 1 10.00 10.00" in text
    assert "4 शर्मा 1 10.00 10.00" in text


def test_words_readers_would_misread_carry_actual_text() -> None:
    content = pdf_document(hindi_bill(["लड्डू रुपये", "ऐप"]))

    assert {"लड्डू", "ऐप"} <= {spelled.strip() for spelled in actual_texts(content)}


def test_no_glyph_leaks_a_raw_code_into_the_text() -> None:
    """A glyph without ToUnicode text is read as its code: `कि\\nताब` when the code is 10."""
    names = [*HARD_HINDI, "ई", "ऐ", "ई ई"]
    text = pdf_text(pdf_document(hindi_bill(names)))

    control = {char for char in text if ord(char) < 32 and char not in "\r\n\f"}
    assert control == set()
    assert "\ufffe" not in text


def test_every_label_of_a_hindi_statement_reads_back() -> None:
    statement = documents.statement("hi")
    text = pdf_text(pdf_document(statement))

    for key in ("opening_balance", "closing_balance", "debit", "credit", "balance", "date"):
        assert labels.label(key, "hi") in text
    for line in statement.lines:
        assert no_spaces(labels.statement_kind(line.kind, "hi")) in no_spaces(text)


def test_each_glyph_takes_a_share_of_its_cluster_in_drawing_order() -> None:
    assert text_per_glyph("कि", [0, 0]) == ["क", "ि"]  # drawn as [ि, क]
    assert text_per_glyph("क्ष", [0]) == ["क्ष"]
    assert text_per_glyph("क्षि", [0, 0]) == ["क", "्षि"]
    # ई is two glyphs: its cluster borrows a character from a conjunct nearby
    assert text_per_glyph("ईक्ष", [0, 0, 1]) == ["ई", "क", "्ष"]
    assert text_per_glyph("aईक्षb", [0, 1, 1, 2, 5]) == ["a", "ई", "क", "्ष", "b"]
    # nothing to borrow in the word: the extra glyph gets no text (the PDF adds ActualText)
    assert text_per_glyph("पई", [0, 1, 1]) == ["प", "ई", ""]
    assert text_per_glyph("क्ष ई", [0, 3, 4, 4]) == ["क्ष", " ", "ई", ""]
    # right-to-left clusters keep fpdf2's mapping
    assert text_per_glyph("ab", [1, 0]) == ["b", "a"]


# --- HarfBuzz shapes what is drawn ---------------------------------------------------------


def draw(text: str, *, shaped: bool, size: float = 60) -> Image.Image:
    """`text` drawn alone as the documents draw it (`FPDF.text` with a `DocumentFont`), or
    with no shaping: one glyph per character from the character map."""
    page = FPDF(unit="pt", format=(320, 100))
    page.set_auto_page_break(False)
    install_fonts(page)
    page.add_page()
    page.set_font(FAMILY, size=size)
    font = page.current_font
    assert isinstance(font, DocumentFont)
    font.text_size_pt = size if shaped else 0
    page.text(20, 75, text)
    return render(bytes(page.output()), scale=1)


def render(content: bytes, *, scale: float, page: int = 0) -> Image.Image:
    """A page in grey levels (0 is black)."""
    document = pdfium.PdfDocument(content)
    try:
        image: Image.Image = document[page].render(scale=scale).to_pil().convert("L")
        return image
    finally:
        document.close()


def ink_per_column(image: Image.Image) -> list[int]:
    width, height = image.size
    grey = image.tobytes()
    return [sum(1 for y in range(height) if grey[y * width + x] < 128) for x in range(width)]


def tallest_stroke(image: Image.Image) -> int:
    """The x of the leftmost column of the tallest vertical stroke: the ि matra's stem,
    which rises above the headline, is taller than the stem of क."""
    columns = ink_per_column(image)
    tallest = max(columns)
    return next(x for x, ink in enumerate(columns) if ink >= 0.9 * tallest)


def ink_width(image: Image.Image) -> int:
    columns = [x for x, ink in enumerate(ink_per_column(image)) if ink]
    return columns[-1] - columns[0]


def test_the_i_matra_is_drawn_before_its_consonant() -> None:
    ka_stem = tallest_stroke(draw("क", shaped=True))

    assert tallest_stroke(draw("कि", shaped=True)) < ka_stem - 5
    # the same measure on the characters in typed order finds the matra after क
    assert tallest_stroke(draw("कि", shaped=False)) > ka_stem + 5


def test_a_conjunct_is_one_glyph_not_three() -> None:
    shaped = draw("क्ष", shaped=True)
    unshaped = draw("क्ष", shaped=False)

    assert ImageChops.difference(shaped, unshaped).getbbox() is not None
    assert ink_width(shaped) < 0.7 * ink_width(unshaped)


@pytest.mark.parametrize("text", ["स्कैन कुल लड्डू हूँ", "शर्मा किराना क्षमा", "ज़्यादा ऐप ई", "अङ्कुर शुद्ध"])
def test_shaped_text_is_placed_exactly_as_fpdf2_places_it(text: str) -> None:
    """The glyph positions written as widths (`DocumentFont.encode_text`) draw the same
    pixels as fpdf2's own shaped `cell`, which moves the text matrix glyph by glyph."""

    def page_with(write: Callable[[FPDF], None]) -> bytes:
        page = FPDF(unit="pt", format=(700, 100))
        page.set_auto_page_break(False)
        install_fonts(page)
        page.add_page()
        page.set_text_shaping(True)
        page.set_font(FAMILY, size=40)
        write(page)
        return bytes(page.output())

    def with_cell(page: FPDF) -> None:
        page.set_xy(20, 20)
        page.cell(600, 50, text)

    def with_text(page: FPDF) -> None:
        font = page.current_font
        assert isinstance(font, DocumentFont)
        font.text_size_pt = 40
        page.text(20 + page.c_margin, 20 + 25 + 0.3 * 40, text)

    cell = render(page_with(with_cell), scale=2)
    ours = render(page_with(with_text), scale=2)

    # fpdf2 rounds each moved glyph's position to 0.01 pt: antialiasing may differ a little
    assert max(ImageChops.difference(cell, ours).tobytes()) <= 32


# --- the UPI QR code -----------------------------------------------------------------------


def test_the_qr_code_of_a_bill_decodes_to_its_exact_upi_link() -> None:
    bill = replace(documents.tax_invoice("en", inter_state=False), upi=UPI)

    assert pdf_qr_codes(pdf_document(bill), scale=3) == [BRIEF_URI]


def test_the_qr_code_of_a_hindi_statement_decodes_to_its_exact_upi_link() -> None:
    statement = replace(documents.statement("hi"), upi=UPI)

    assert pdf_qr_codes(pdf_document(statement), scale=3) == [BRIEF_URI]


@pytest.mark.parametrize(
    "document",
    [
        replace(documents.tax_invoice("en", inter_state=False), upi=None),
        documents.statement("en", "vendor"),
    ],
    ids=["bill", "vendor-statement"],
)
def test_a_document_without_upi_has_no_qr_code(document: Document) -> None:
    assert document.upi is None
    assert pdf_qr_codes(pdf_document(document), scale=3) == []


def test_the_qr_code_is_big_enough_to_scan_with_a_white_quiet_zone() -> None:
    scale = 4.0
    image = render(pdf_document(replace(documents.plain_bill("en"), upi=UPI)), scale=scale)
    (result,) = zxingcpp.read_barcodes(image)
    corners = result.position
    left, right = corners.top_left.x, corners.top_right.x
    top, bottom = corners.top_left.y, corners.bottom_left.y
    modules = segno.make(BRIEF_URI, error="m", boost_error=False).symbol_size(border=0)[0]
    module = (right - left) / modules
    mm_per_pixel = 25.4 / (72 * scale)

    assert (right - left + 8 * module) * mm_per_pixel >= 30
    quiet = int(4 * module) - 2  # the 4 modules around the symbol, less antialiasing
    grey, width = image.tobytes(), image.size[0]
    around = [
        grey[y * width + x]
        for x in range(left - quiet, right + quiet)
        for y in range(top - quiet, bottom + quiet)
        if not (left - 2 <= x <= right + 2 and top - 2 <= y <= bottom + 2)
    ]
    assert min(around) > 200


# --- every kind of document, in English and Hindi ----------------------------------------


def expected_words(document: Document) -> list[str]:
    if isinstance(document, StatementDocument):
        return [
            labels.title("statement", document.language),
            document.party.name,
            money(document.closing_balance),
            money(document.opening_balance),
            *(line.reference for line in document.lines if line.reference),
        ]
    return [
        labels.title(document.kind, document.language),
        document.number,
        money(document.total),
        document.total_in_words,
        *(line.name for line in document.lines),
    ]


@pytest.mark.parametrize(("name", "document"), documents.all_documents())
def test_every_document_opens_and_shows_its_title_number_total_and_lines(
    name: str, document: Document
) -> None:
    content = pdf_document(document)
    text = no_spaces(pdf_text(content))

    assert content.startswith(b"%PDF-")
    assert page_count(content) >= 1
    for words in expected_words(document):
        assert no_spaces(words) in text, f"{name}: {words!r} missing"


@pytest.mark.parametrize("language", ["en", "hi"])
def test_tax_columns_and_heads_only_on_tax_invoices(language: Language) -> None:
    tax = pdf_text(pdf_document(documents.tax_invoice(language, inter_state=False)))
    inter = pdf_text(pdf_document(documents.tax_invoice(language, inter_state=True)))
    plain = pdf_text(pdf_document(documents.plain_bill(language)))

    assert "HSN" in tax and "CGST" in tax and "SGST" in tax and "IGST" not in tax
    assert "IGST" in inter and "CGST" not in inter
    assert "HSN" not in plain and "GST %" not in plain and "CGST" not in plain
    assert labels.label("previous_balance", language) in plain
    assert labels.label("balance_due", language) in plain


def test_the_discount_column_only_when_a_line_has_a_discount() -> None:
    no_discounts = [Item("Tata Salt 1 kg", D("2"), D("28.00")), Item("Sugar", D("1"), D("44"))]
    plain = documents.invoice("bill", "en", no_discounts)
    discounted = documents.plain_bill("en")

    assert "Discount" not in pdf_text(pdf_document(plain))
    assert "Discount" in pdf_text(pdf_document(discounted))


def test_a_walk_in_sale_a_credit_note_and_a_void_bill_say_so() -> None:
    walk_in = pdf_text(pdf_document(documents.walk_in_bill("en")))
    credit = pdf_text(pdf_document(documents.credit_note("hi")))
    void = pdf_text(pdf_document(documents.void_bill("en")))

    assert "Walk-in customer" in walk_in
    assert "मूल बीजक: SK2026-27/000042 dated 03-12-2026" in credit
    assert void.count("VOID") >= 2  # the boxed mark and the diagonal one


def test_the_metadata_names_the_document_and_the_app() -> None:
    content = pdf_document(documents.tax_invoice("en", inter_state=False))
    document = pdfium.PdfDocument(content)
    try:
        metadata = document.get_metadata_dict()
    finally:
        document.close()

    assert metadata["Title"] == "Tax Invoice SK2026-27/000042"
    assert metadata["Creator"] == "Dukaan Sahaayak"


# --- long bills, small files, threads -------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_120_line_bill_runs_over_pages_and_loses_no_line(language: Language) -> None:
    names = [
        f"Item {n:03d} " + ("बासमती चावल प्रीमियम" if n % 3 == 0 else "Toor Dal Unpolished")
        for n in range(1, 121)
    ]
    bill = documents.invoice(
        "bill", language, [Item(name, D("1"), D("10.00")) for name in names], with_upi=True
    )
    content = pdf_document(bill)
    text = pdf_text(content)
    pages = page_count(content)

    assert pages >= 3
    for name in names:
        assert no_spaces(name) in no_spaces(text)
    item_header = labels.label("item", language)
    assert all(item_header in page for page in text.split("\f")[: pages - 1])
    assert f"{pages}/{pages}" in text


def test_a_ten_line_bill_embeds_font_subsets_in_a_small_file() -> None:
    for language in LANGUAGES:
        content = pdf_document(documents.tax_invoice(language, inter_state=False))

        assert len(content) < 200_000
        assert b"/FontFile2" in content


def test_the_same_document_gives_the_same_bytes() -> None:
    bill = documents.tax_invoice("hi", inter_state=True)

    assert pdf_document(bill) == pdf_document(bill)


def test_renders_on_several_threads_at_once_give_the_same_bytes() -> None:
    bills: list[Document] = [
        documents.tax_invoice("hi", inter_state=False),
        documents.tax_invoice("en", inter_state=True),
        documents.statement("hi"),
        documents.plain_bill("en"),
    ]
    expected = [pdf_document(bill) for bill in bills]
    start = threading.Barrier(4)

    def render_all(offset: int) -> list[bytes]:
        start.wait()
        order = bills[offset:] + bills[:offset]
        return [pdf_document(bill) for bill in order * 3]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render_all, range(4)))

    for offset, rendered in enumerate(results):
        order = expected[offset:] + expected[:offset]
        assert rendered == order * 3


def test_a_character_the_font_lacks_is_drawn_as_a_box_and_still_reads_back() -> None:
    bill = documents.invoice("bill", "en", [Item("绿茶 Green Tea", D("1"), D("99.00"))])

    assert "绿茶 Green Tea" in pdf_text(pdf_document(bill))


def test_amounts_too_wide_for_their_column_shrink_instead_of_wrapping() -> None:
    text = pdf_text(pdf_document(documents.huge_bill("en")))

    assert money(Decimal("999999999999.99")) in text.replace("\r\n", " ")
