"""HTTP endpoints of /api/purchases/drafts.

Included in the app *before* the purchases router: `/api/purchases/{purchase_id}` would
otherwise claim `/api/purchases/drafts` (and answer a 422 for a non-numeric id).

Roles, as for purchase bills: staff may record purchases, so they may upload, correct and
confirm a draft (replies with the costs blanked), but reading drafts (their lines' costs and
the vendor's bill photo) is the owner's: 403 for staff.
"""

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Form, Query, Request, Response, status

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.auth.visibility import for_role, shown
from app.core.openapi import AUTHED, BODY, PHONE, error_responses
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.drafts import service
from app.drafts.schemas import (
    DraftConfirm,
    DraftConfirmed,
    DraftFingerprint,
    DraftRead,
    DraftSummary,
    DraftUpdate,
)
from app.extraction.dependencies import BillPhotoDep, ExtractionSettingsDep
from app.idempotency.service import IdempotencyKeyDep, idempotent

router = APIRouter(
    prefix="/api/purchases/drafts", tags=["purchase drafts"], route_class=DecimalRoute
)

_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DraftRead,
    responses=error_responses(*BODY, 409, 415),
)
async def create_draft(
    photo: BillPhotoDep,
    session: ShopSessionDep,
    principal: PrincipalDep,
    settings: ExtractionSettingsDep,
    idempotency_key: IdempotencyKeyDep,
    vendor_phone: Annotated[
        str | None,
        Form(
            max_length=32,
            description="The vendor's phone, any usual form",
            json_schema_extra=PHONE,
        ),
    ] = None,
    vendor_name: Annotated[str | None, Form(max_length=120)] = None,
) -> Response:
    """Read a bill photo into an editable draft (lines matched to your products, photo kept).

    Nothing moves yet: no stock, no udhaar. Fix lines with PUT, then confirm. The reading engine
    down (and no fallback) -> 503 `provider_unavailable`.
    """
    fingerprint = DraftFingerprint(
        image_sha256=hashlib.sha256(photo.prepared.original).hexdigest(),
        vendor_phone=vendor_phone,
        vendor_name=vendor_name,
        engine=photo.engine,
    )
    return await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/purchases/drafts",
        fingerprint,
        lambda: shown(
            principal,
            service.create_draft(
                session,
                principal,
                photo,
                settings,
                vendor_phone=vendor_phone,
                vendor_name=vendor_name,
            ),
        ),
    )


@router.get("", response_model=list[DraftSummary], responses=error_responses(*AUTHED, 403))
async def list_drafts(
    session: ShopSessionDep,
    principal: OwnerDep,
    page: PageDep,
    request: Request,
    draft_status: Annotated[Literal["open", "confirmed"] | None, Query(alias="status")] = None,
) -> DecimalJSONResponse:
    """The shop's drafts, newest first. Owners only."""
    rows, total = await service.list_drafts(session, principal.shop_id, page, status=draft_status)
    return respond(rows, headers=page_headers(request, page, total))


@router.get("/{draft_id}", response_model=DraftRead, responses=error_responses(*AUTHED, 403, 404))
async def get_draft(
    draft_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    """One draft with its lines. Owners only."""
    return respond(await service.draft_detail(session, principal.shop_id, draft_id))


@router.put("/{draft_id}", response_model=DraftRead, responses=error_responses(*BODY, 404, 409))
async def update_draft(
    draft_id: IdPath, data: DraftUpdate, session: ShopSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """Correct an open draft: vendor, phone, date, and (all of) its lines. Confirmed -> 409.

    Staff may correct a draft; their reply has the costs blanked."""
    draft = await service.update_draft(session, principal.shop_id, draft_id, data)
    return respond(for_role(principal, draft))


@router.get(
    "/{draft_id}/image",
    response_class=Response,
    responses={
        200: {"content": {kind: {} for kind in _IMAGE_TYPES}, "description": "The bill photo"},
        **error_responses(*AUTHED, 403, 404),
    },
)
async def get_draft_image(
    draft_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> Response:
    """The photo the draft was read from, as uploaded. Owners only."""
    data, media_type = await service.draft_image(session, principal.shop_id, draft_id)
    return Response(content=data, media_type=media_type)


@router.post(
    "/{draft_id}/confirm",
    status_code=status.HTTP_201_CREATED,
    response_model=DraftConfirmed,
    responses=error_responses(*BODY, 404, 409),
)
async def confirm_draft(
    draft_id: IdPath,
    session: ShopSessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyDep,
    data: Annotated[DraftConfirm | None, Body()] = None,
) -> Response:
    """Record the draft as a purchase (stock in, moving-average cost, vendor udhaar), once.

    A second confirm is a 409 (a retry with the same Idempotency-Key replays the first reply).
    """
    payment = data or DraftConfirm()
    return await idempotent(
        session,
        principal,
        idempotency_key,
        f"/api/purchases/drafts/{draft_id}/confirm",
        payment,
        lambda: shown(principal, service.confirm_draft(session, principal, draft_id, payment)),
    )
