"""HTTP endpoints of printed documents: invoices, credit notes, purchase bills, statements
(PDF, HTML, thermal text, or the statement as JSON), share links, and the public `/b/<token>`
page a share link opens."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.core.inputs import IsoDate
from app.core.message_templates import Language
from app.core.openapi import AUTHED, BODY, WRITE, error_responses
from app.core.pagination import IdPath
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.core.security import Principal
from app.core.share_links import ShareKind, link_key
from app.db.session import SessionDep, enter_shop
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.invoices import service
from app.invoices.model import Document
from app.invoices.schemas import ShareIn, ShareOut, ShareRevoked
from app.invoices.service import DocumentFormat
from app.parties.sides import CUSTOMERS, VENDORS, PartySide
from app.udhaar import accounts
from app.udhaar.schemas import Statement

router = APIRouter(tags=["documents"], route_class=DecimalRoute)
public_router = APIRouter(tags=["documents"])

Format = Annotated[
    DocumentFormat,
    Query(
        alias="format",
        description="`pdf` (A4), `html` (a web page), `text58` / `text80` (thermal receipts "
        "of 32 / 48 characters a line)",
    ),
]
StatementFormat = Annotated[
    Literal["json", "pdf", "html", "text58", "text80"],
    Query(alias="format", description="`json` (default) or a document format, as for invoices"),
]
Lang = Annotated[
    Language | None,
    Query(alias="lang", description="`en` or `hi`; the shop's language when omitted"),
]
DateFrom = Annotated[IsoDate | None, Query(alias="from", description="From this date (incl.)")]
DateTo = Annotated[IsoDate | None, Query(alias="to", description="Up to this date (incl.)")]

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_TEXT = {"schema": {"type": "string"}}
_DOCUMENT_CONTENT: dict[str, Any] = {
    "application/pdf": _BINARY,
    "text/html": _TEXT,
    "text/plain": _TEXT,
}
_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {"description": "The document in the format asked for", "content": _DOCUMENT_CONTENT}
}


def _reply(rendered: service.Rendered) -> Response:
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f'inline; filename="{rendered.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


async def _document(
    document: Document, fmt: DocumentFormat, pdf_url: str | None = None
) -> Response:
    return _reply(await service.render(document, fmt, pdf_url))


def _key(request: Request) -> bytes:
    return link_key(request.app.state.secret_key)


def _base_url(request: Request) -> str:
    configured: str | None = request.app.state.settings.messaging.public_base_url
    return configured or str(request.base_url)


@router.get(
    "/api/sales/{sale_id}/invoice",
    response_class=Response,
    responses=error_responses(*AUTHED, 404) | _DOCUMENT,
    operation_id="sale_invoice",
)
async def sale_invoice(
    sale_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    fmt: Format = "pdf",
    lang: Lang = None,
) -> Response:
    """The sale's bill to hand over or send: tax invoice, bill of supply or plain bill, with
    the customer's previous balance and what is due, and a UPI QR code for what is unpaid."""
    document = await service.sale_invoice(session, principal.shop_id, sale_id, lang)
    return await _document(document, fmt)


@router.get(
    "/api/sales/{sale_id}/returns/{return_id}/credit-note",
    response_class=Response,
    responses=error_responses(*AUTHED, 404) | _DOCUMENT,
    operation_id="sale_credit_note",
)
async def credit_note(
    sale_id: IdPath,
    return_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    fmt: Format = "pdf",
    lang: Lang = None,
) -> Response:
    """The credit note of a return, naming the original invoice."""
    document = await service.credit_note(session, principal.shop_id, sale_id, return_id, lang)
    return await _document(document, fmt)


@router.get(
    "/api/purchases/{purchase_id}/invoice",
    response_class=Response,
    responses=error_responses(*AUTHED, 404) | _DOCUMENT,
    operation_id="purchase_invoice",
)
async def purchase_invoice(
    purchase_id: IdPath,
    session: ShopSessionDep,
    principal: OwnerDep,
    fmt: Format = "pdf",
    lang: Lang = None,
) -> Response:
    """Owners only, as purchases are: a purchase bill as the shop recorded it, with what the
    shop owed the vendor."""
    document = await service.purchase_bill(session, principal.shop_id, purchase_id, lang)
    return await _document(document, fmt)


async def _statement(
    side: PartySide,
    session: ShopSessionDep,
    principal: PrincipalDep,
    party_id: int,
    fmt: str,
    date_from: Any,
    date_to: Any,
    lang: Language | None,
) -> Response:
    if fmt == "json":
        return respond(
            await accounts.statement(
                session, principal.shop_id, side, party_id, date_from=date_from, date_to=date_to
            )
        )
    document = await service.statement(
        session,
        principal.shop_id,
        side,
        party_id,
        date_from=date_from,
        date_to=date_to,
        language=lang,
    )
    return await _document(document, fmt)  # type: ignore[arg-type]


def _statement_route(side: PartySide) -> dict[str, Any]:
    return {
        "response_model": Statement,
        "responses": error_responses(*AUTHED, 404)
        | {200: {"content": {"application/json": {}, **_DOCUMENT_CONTENT}}},
        "summary": f"A {side.key}'s udhaar statement",
        "description": "Bills on credit, opening balances, payments, voids and returns with the "
        "running balance, oldest first; `from`/`to` filter by date. `format=pdf|html|text58|"
        "text80` gives it as a document"
        + (" with a UPI QR code for what the customer owes today." if side is CUSTOMERS else "."),
        "operation_id": f"{side.key}_statement",
        "tags": ["udhaar"],
    }


@router.get("/api/customers/{party_id}/statement", **_statement_route(CUSTOMERS))
async def customer_statement(
    party_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    fmt: StatementFormat = "json",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    lang: Lang = None,
) -> Response:
    return await _statement(CUSTOMERS, session, principal, party_id, fmt, date_from, date_to, lang)


@router.get("/api/vendors/{party_id}/statement", **_statement_route(VENDORS))
async def vendor_statement(
    party_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    fmt: StatementFormat = "json",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    lang: Lang = None,
) -> Response:
    return await _statement(VENDORS, session, principal, party_id, fmt, date_from, date_to, lang)


# Share links ---------------------------------------------------------------------------------


def _share_routes(path: str, kind: ShareKind, what: str) -> tuple[dict[str, Any], ...]:
    """The `router.post` and `router.delete` arguments of a document's share links."""
    create = {
        "path": path,
        "status_code": status.HTTP_201_CREATED,
        "response_model": ShareOut,
        "responses": error_responses(*BODY, 404),
        "summary": f"Share {what} by a link",
        "description": "A signed link that opens the document (a web page; the PDF with "
        "`?format=pdf`) without a login, for `days` days (default 30). Whoever holds it can "
        "read this one document and nothing else. Takes `Idempotency-Key`: a retry gets the "
        "same link.",
        "operation_id": f"share_{kind}",
    }
    revoke = {
        "path": path,
        "response_model": ShareRevoked,
        "responses": error_responses(*WRITE, 403, 404),
        "summary": f"Revoke the share links of {what}",
        "description": "Owners only: every link issued so far opens nothing (404); links made "
        "afterwards work.",
        "operation_id": f"revoke_{kind}_links",
    }
    return create, revoke


async def _share(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    key: str | None,
    kind: ShareKind,
    document_id: int,
    data: ShareIn | None,
) -> Response:
    """Once per `Idempotency-Key`: a retry gets the same link back."""

    async def create() -> ShareOut:
        return await service.share(
            session,
            principal.shop_id,
            kind,
            document_id,
            key=_key(request),
            base_url=_base_url(request),
            days=(data or ShareIn()).days,
        )

    return await idempotent(session, principal, key, request.url.path, data, create)


async def _revoke(
    session: AsyncSession, principal: Principal, kind: ShareKind, document_id: int
) -> DecimalJSONResponse:
    at = await service.revoke(session, principal.shop_id, kind, document_id, principal.user_id)
    return respond(ShareRevoked(kind=kind, document_id=document_id, revoked_at=at))


_SALE_SHARE = _share_routes("/api/sales/{sale_id}/share", "sale", "a sale's bill")
_PURCHASE_SHARE = _share_routes("/api/purchases/{purchase_id}/share", "purchase", "a purchase")
_CUSTOMER_SHARE = _share_routes(
    "/api/customers/{party_id}/statement/share", "customer_statement", "a customer's statement"
)
_VENDOR_SHARE = _share_routes(
    "/api/vendors/{party_id}/statement/share", "vendor_statement", "a vendor's statement"
)
ShareBody = Annotated[ShareIn | None, Body()]


@router.post(**_SALE_SHARE[0])
async def share_sale(
    sale_id: IdPath,
    request: Request,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
    data: ShareBody = None,
) -> Response:
    return await _share(request, session, principal, idempotency_key, "sale", sale_id, data)


@router.delete(**_SALE_SHARE[1])
async def revoke_sale_links(
    sale_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    return await _revoke(session, principal, "sale", sale_id)


@router.post(**_PURCHASE_SHARE[0])
async def share_purchase(
    purchase_id: IdPath,
    request: Request,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
    data: ShareBody = None,
) -> Response:
    return await _share(request, session, principal, idempotency_key, "purchase", purchase_id, data)


@router.delete(**_PURCHASE_SHARE[1])
async def revoke_purchase_links(
    purchase_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    return await _revoke(session, principal, "purchase", purchase_id)


@router.post(**_CUSTOMER_SHARE[0])
async def share_customer_statement(
    party_id: IdPath,
    request: Request,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
    data: ShareBody = None,
) -> Response:
    return await _share(
        request, session, principal, idempotency_key, "customer_statement", party_id, data
    )


@router.delete(**_CUSTOMER_SHARE[1])
async def revoke_customer_statement_links(
    party_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    return await _revoke(session, principal, "customer_statement", party_id)


@router.post(**_VENDOR_SHARE[0])
async def share_vendor_statement(
    party_id: IdPath,
    request: Request,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
    data: ShareBody = None,
) -> Response:
    return await _share(
        request, session, principal, idempotency_key, "vendor_statement", party_id, data
    )


@router.delete(**_VENDOR_SHARE[1])
async def revoke_vendor_statement_links(
    party_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    return await _revoke(session, principal, "vendor_statement", party_id)


@public_router.get(
    "/b/{token}",
    response_class=Response,
    responses=error_responses(404, 422) | _DOCUMENT,
    operation_id="open_shared_document",
)
async def open_shared(
    token: Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
    request: Request,
    session: SessionDep,
    fmt: Annotated[
        DocumentFormat, Query(alias="format", description="`html` (default), `pdf`, ...")
    ] = "html",
) -> Response:
    """A shared document, no login: what a share link opens."""
    grant = service.read_grant(_key(request), token)

    async def switch(shop_id: int) -> None:
        await enter_shop(session, shop_id)

    document = await service.shared_document(session, grant, switch)
    pdf_url = f"{service.share_url(_base_url(request), token)}?format=pdf"
    response = await _document(document, fmt, pdf_url)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
