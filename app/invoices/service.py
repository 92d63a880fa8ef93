"""Documents of bills and accounts, rendered off the event loop; share links to them.

The routes ask for a document (a sale's bill, a credit note, a purchase bill, a party's
statement) in a format; this module loads it through the owning domains' services, turns it
into an `app.invoices.model` document (`documents`), and renders it in a worker thread
(a PDF takes tens of milliseconds of CPU, which must not stall other requests).
"""

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.service import ShopSettings
from app.core import share_links
from app.core.errors import NotFound
from app.core.message_templates import Language
from app.core.share_links import ShareGrant, ShareKind
from app.db.session import driver_connection
from app.invoices import documents, repository
from app.invoices.model import Document, InvoiceDocument, StatementDocument
from app.invoices.render import labels
from app.invoices.schemas import ShareOut
from app.parties import service as parties
from app.parties.sides import CUSTOMERS, VENDORS, PartySide
from app.purchases import service as purchases
from app.sales import service as sales
from app.udhaar import accounts

DocumentFormat = Literal["pdf", "html", "text58", "text80"]
FORMATS: tuple[DocumentFormat, ...] = ("pdf", "html", "text58", "text80")
MEDIA_TYPES: dict[DocumentFormat, str] = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "text58": "text/plain; charset=utf-8",
    "text80": "text/plain; charset=utf-8",
}
DEFAULT_SHARE_DAYS = 30
MAX_SHARE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str


def _filename(document: Document, fmt: DocumentFormat) -> str:
    if isinstance(document, InvoiceDocument):
        stem = f"{labels.title(document.kind, 'en')} {document.number}"
    else:
        stem = f"Statement {document.party.name} {document.generated_on:%Y-%m-%d}"
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", stem).strip("-") or "document"
    return f"{safe}.{'pdf' if fmt == 'pdf' else 'html' if fmt == 'html' else 'txt'}"


def render_now(document: Document, fmt: DocumentFormat, pdf_url: str | None = None) -> Rendered:
    """Render synchronously (in the calling thread).

    The renderers are imported on first use: the PDF's libraries (fpdf2, fontTools, HarfBuzz)
    and its parsed fonts take about 30 MB, which an API worker that never prints a bill
    should not carry.
    """
    if fmt == "pdf":
        from app.invoices.render.pdf import pdf_document

        content = pdf_document(document)
    elif fmt == "html":
        from app.invoices.render.html import html_document

        content = html_document(document, pdf_url=pdf_url).encode()
    else:
        from app.invoices.render.receipt import receipt_text

        content = receipt_text(document, 32 if fmt == "text58" else 48).encode()
    return Rendered(content, MEDIA_TYPES[fmt], _filename(document, fmt))


async def render(document: Document, fmt: DocumentFormat, pdf_url: str | None = None) -> Rendered:
    """Render in a worker thread, so the event loop keeps serving while a PDF is drawn."""
    return await asyncio.to_thread(render_now, document, fmt, pdf_url)


async def _context(
    session: AsyncSession, shop_id: int, language: Language | None
) -> tuple[ShopSettings, Language, str | None]:
    shop = await auth_service.shop_settings(session, shop_id)
    phone = await repository.shop_phone(session, shop_id)
    return shop, documents.language_of(shop, language), phone


async def sale_invoice(
    session: AsyncSession, shop_id: int, sale_id: int, language: Language | None = None
) -> InvoiceDocument:
    shop, lang, phone = await _context(session, shop_id, language)
    detail = await sales.sale_detail(await driver_connection(session), shop_id, sale_id)
    account = (
        await repository.bill_account(session, shop_id, "sale", sale_id)
        if detail.customer_id is not None
        else None
    )
    return documents.sale_document(detail, shop, language=lang, shop_phone=phone, account=account)


async def credit_note(
    session: AsyncSession,
    shop_id: int,
    sale_id: int,
    return_id: int,
    language: Language | None = None,
) -> InvoiceDocument:
    shop, lang, phone = await _context(session, shop_id, language)
    detail = await sales.sale_detail(await driver_connection(session), shop_id, sale_id)
    returned = await repository.sale_return(session, shop_id, sale_id, return_id)
    if returned is None:
        raise NotFound(f"Return {return_id} of sale {sale_id} not found")
    return documents.credit_note_document(detail, returned, shop, language=lang, shop_phone=phone)


async def purchase_bill(
    session: AsyncSession, shop_id: int, purchase_id: int, language: Language | None = None
) -> InvoiceDocument:
    shop, lang, phone = await _context(session, shop_id, language)
    detail = await purchases.purchase_detail(session, shop_id, purchase_id)
    account = await repository.bill_account(session, shop_id, "purchase", purchase_id)
    return documents.purchase_document(
        detail,
        shop,
        number=detail.invoice_no or purchases.purchase_bill_no(purchase_id),
        language=lang,
        shop_phone=phone,
        account=account,
    )


async def statement(
    session: AsyncSession,
    shop_id: int,
    side: PartySide,
    party_id: int,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    language: Language | None = None,
) -> StatementDocument:
    shop, lang, phone = await _context(session, shop_id, language)
    shown = await accounts.statement(
        session, shop_id, side, party_id, date_from=date_from, date_to=date_to
    )
    everything = (
        shown
        if date_to is None
        else await accounts.statement(
            session, shop_id, side, party_id, date_from=None, date_to=None
        )
    )
    return documents.statement_document(
        shown,
        shop,
        language=lang,
        shop_phone=phone,
        today=shop.today(),
        balance_now=everything.closing_balance,
    )


# Share links -------------------------------------------------------------------------------

_SIDES: dict[ShareKind, PartySide] = {
    "customer_statement": CUSTOMERS,
    "vendor_statement": VENDORS,
}


def share_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/b/{token}"


async def _check_exists(session: AsyncSession, shop_id: int, kind: ShareKind, doc: int) -> None:
    """404 unless the document exists in this shop (a link to nothing is never issued)."""
    if kind == "sale":
        await sales.get_sale(session, shop_id, doc)
    elif kind == "purchase":
        await purchases.get_purchase(session, shop_id, doc)
    elif kind in _SIDES:
        await parties.ref(session, _SIDES[kind], shop_id, doc)
    else:  # returns are shared through their sale
        raise NotFound(f"Nothing to share for {kind} {doc}")


async def share(
    session: AsyncSession,
    shop_id: int,
    kind: ShareKind,
    document_id: int,
    *,
    key: bytes,
    base_url: str,
    days: int,
) -> ShareOut:
    """A link that opens the document without a login until it expires or is revoked."""
    await _check_exists(session, shop_id, kind, document_id)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    # A link issued in the same second as a revocation would be refused: start it a second on.
    revoked = await repository.revoked_at(session, shop_id, kind, document_id)
    if revoked is not None and revoked >= now:
        now = revoked.replace(microsecond=0) + dt.timedelta(seconds=1)
    expires = now + dt.timedelta(days=days)
    token = share_links.issue(key, kind, shop_id, document_id, issued_at=now, expires_at=expires)
    url = share_url(base_url, token)
    return ShareOut(
        kind=kind,
        document_id=document_id,
        token=token,
        url=url,
        pdf_url=f"{url}?format=pdf",
        expires_at=expires,
    )


async def revoke(
    session: AsyncSession, shop_id: int, kind: ShareKind, document_id: int, user_id: int
) -> dt.datetime:
    """Every link to the document issued until now stops working; later ones work."""
    await _check_exists(session, shop_id, kind, document_id)
    return await repository.revoke(session, shop_id, kind, document_id, user_id)


_GONE = "This link has expired or does not exist"


async def shared_document(
    session: AsyncSession, grant: ShareGrant, enter_shop: Callable[[int], Awaitable[None]]
) -> Document:
    """The document a valid token opens, or a 404 that says nothing about why."""
    await enter_shop(grant.shop_id)
    revoked = await repository.revoked_at(session, grant.shop_id, grant.kind, grant.document_id)
    if revoked is not None and grant.issued_at <= revoked:
        raise NotFound(_GONE)
    try:
        if grant.kind == "sale":
            return await sale_invoice(session, grant.shop_id, grant.document_id)
        if grant.kind == "purchase":
            return await purchase_bill(session, grant.shop_id, grant.document_id)
        if grant.kind in _SIDES:
            return await statement(
                session,
                grant.shop_id,
                _SIDES[grant.kind],
                grant.document_id,
                date_from=None,
                date_to=None,
            )
    except NotFound:
        raise NotFound(_GONE) from None
    raise NotFound(_GONE)


def read_grant(key: bytes, token: str) -> ShareGrant:
    grant = share_links.read(key, token, now=dt.datetime.now(dt.UTC))
    if grant is None:
        raise NotFound(_GONE)
    return grant
