"""A bill or statement as one self-contained HTML page: readable on a phone, prints on A4.

Shared by link (WhatsApp, SMS), so the page carries everything inline: CSS in a `<style>`,
the UPI QR code as an inline SVG, no fonts, scripts or images fetched from anywhere. Every
value from the shop or its customers is escaped by Jinja's autoescape; the only markup not
escaped is the QR code's SVG, which segno builds from the URI (as path data, never text).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from app.core.message_templates import Language
from app.invoices.model import (
    Document,
    DocumentKind,
    InvoiceDocument,
    StatementDocument,
    UpiRequest,
)
from app.invoices.render.amounts import money, quantity, rate_percent
from app.invoices.render.labels import label, statement_kind, title

_TEMPLATES = Path(__file__).parent / "templates"


def _date(value: dt.date) -> str:
    return value.strftime("%d-%m-%Y")


_ENV: Final = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
_ENV.filters.update(money=money, quantity=quantity, percent=rate_percent, date=_date)


@dataclass(frozen=True, slots=True)
class _Upi:
    """What the page shows to ask for a UPI payment."""

    request: UpiRequest
    qr_svg: Markup
    href: str | None
    """The `upi:` link; None if the URI has any other scheme (never a `javascript:` link)."""
    button: str


@lru_cache(maxsize=256)
def _qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG (sized by CSS), at least error level M.

    Cached: choosing the best of the eight masks takes segno ~8 ms, most of a page's render,
    and a shared bill's page is opened again and again with the same URI.
    """
    qr = segno.make_qr(uri, error="m")  # never a Micro QR: UPI apps do not read those
    return qr.svg_inline(scale=1, omitsize=True, svgclass="upi-qr")


def _upi(upi: UpiRequest | None, language: Language) -> _Upi | None:
    if upi is None:
        return None
    svg = _qr_svg(upi.uri)
    href = upi.uri if upi.uri.lower().startswith("upi:") else None
    button = label("pay_with_upi", language).format(amount=f"₹{money(upi.amount)}")
    return _Upi(upi, Markup(svg), href, button)  # noqa: S704 - segno SVG: path data only


def _kind(document: Document) -> DocumentKind:
    return document.kind if isinstance(document, InvoiceDocument) else "statement"


def _page_title(document: Document) -> str:
    name = title(_kind(document), document.language)
    if isinstance(document, InvoiceDocument):
        return f"{name} {document.number} - {document.shop.name}"
    return f"{name} - {document.party.name} - {document.shop.name}"


def _has_discount(document: Document) -> bool:
    return isinstance(document, InvoiceDocument) and any(
        line.discount != Decimal(0) for line in document.lines
    )


def html_document(document: Document, *, pdf_url: str | None = None) -> str:
    """The document as an HTML page (`<html lang="en|hi">`), with a QR and pay link for UPI."""
    language = document.language
    template = "statement" if isinstance(document, StatementDocument) else "invoice"
    return _ENV.get_template(f"{template}.html.j2").render(
        doc=document,
        lang=language,
        title=title(_kind(document), language),
        page_title=_page_title(document),
        t=lambda key: label(key, language),
        kind_label=lambda kind: statement_kind(kind, language),
        has_discount=_has_discount(document),
        upi=_upi(document.upi, language),
        pdf_url=pdf_url,
    )
