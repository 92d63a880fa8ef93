"""Reading what a PDF shows, for tests: its text (pypdfium2) and the QR codes on its pages
(rendered to an image, decoded with zxing-cpp)."""

import pypdfium2 as pdfium
import zxingcpp


def pdf_text(content: bytes) -> str:
    """The text of every page, in reading order, pages joined by a form feed."""
    document = pdfium.PdfDocument(content)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
        return "\f".join(pages)
    finally:
        document.close()


def flat(text: str) -> str:
    """The text with every run of whitespace as one space (table cells end lines in PDFs)."""
    return " ".join(text.split())


def pdf_qr_codes(content: bytes, scale: float = 3.0) -> list[str]:
    """The text of every QR code drawn on any page."""
    document = pdfium.PdfDocument(content)
    try:
        found: list[str] = []
        for page in document:
            image = page.render(scale=scale).to_pil()
            found += [
                result.text
                for result in zxingcpp.read_barcodes(image)
                if result.format == zxingcpp.BarcodeFormat.QRCode
            ]
        return found
    finally:
        document.close()


def page_count(content: bytes) -> int:
    document = pdfium.PdfDocument(content)
    try:
        return len(document)
    finally:
        document.close()
