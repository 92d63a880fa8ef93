"""Draft rules: store what was read, let the owner fix it, confirm it into one purchase.

Confirming goes through `purchases.record_purchase`, the same path as `POST /api/purchases/`, so
stock, moving-average cost, the vendor, udhaar and the bill message follow exactly as for a
typed-in purchase. The draft row is locked while it is confirmed, so two confirms at once record
one purchase and the second gets a 409.
"""

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.bills.pricing import price_line
from app.config import ExtractionSettings
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import Page
from app.core.phone import phone_in_region
from app.core.security import Principal
from app.drafts import repository
from app.drafts.schemas import (
    DraftConfirm,
    DraftConfirmed,
    DraftLineIn,
    DraftLineRead,
    DraftRead,
    DraftSummary,
    DraftUpdate,
)
from app.extraction import service as extraction
from app.extraction.reading import REVIEW_FLAGS
from app.extraction.schemas import ExtractedProduct, Suggestion
from app.extraction.service import BillPhoto
from app.models import PurchaseDraft, PurchaseDraftLine
from app.products import service as products
from app.purchases import service as purchases
from app.purchases.schemas import PurchaseCreate


def image_url(draft_id: int) -> str:
    return f"/api/purchases/drafts/{draft_id}/image"


def _line_total(line: PurchaseDraftLine) -> Decimal | None:
    """The line's net total once it has a rate; until then the amount read off the photo."""
    if line.price_purchase is None:
        return line.line_total
    return price_line(line.quantity, line.price_purchase, discount=line.discount).net


def _line_read(line: PurchaseDraftLine) -> DraftLineRead:
    return DraftLineRead(
        line_no=line.line_no,
        product_id=line.product_id,
        product_name=line.product_name,
        read_name=line.read_name,
        quantity=line.quantity,
        unit=line.unit,
        price_purchase=line.price_purchase,
        price_sale=line.price_sale,
        line_total=_line_total(line),
        discount=line.discount,
        match_score=line.match_score,
        suggestions=[Suggestion.model_validate(item) for item in line.suggestions],
        raw_text=line.raw_text,
        confidence=line.confidence,
        flags=list(line.flags),
        needs_review=any(flag in REVIEW_FLAGS for flag in line.flags),
    )


def _summary(draft: PurchaseDraft) -> DraftSummary:
    return DraftSummary(
        draft_id=draft.id,
        status="confirmed" if draft.status == "confirmed" else "open",
        engine="gemini" if draft.engine == "gemini" else "ocr",
        vendor_name=draft.vendor_name,
        phone_no=draft.vendor_phone,
        bill_date=draft.bill_date,
        bill_total=draft.bill_total,
        purchase_id=draft.purchase_id,
        created_at=draft.created_at,
    )


async def _get(
    session: AsyncSession, shop_id: int, draft_id: int, *, lock: bool = False
) -> PurchaseDraft:
    draft = await repository.get(session, shop_id, draft_id, lock=lock)
    if draft is None:
        raise NotFound(f"Purchase draft {draft_id} not found")
    return draft


async def draft_detail(session: AsyncSession, shop_id: int, draft_id: int) -> DraftRead:
    session.expire_all()
    draft: PurchaseDraft = await _get(session, shop_id, draft_id)
    lines = [_line_read(line) for line in await repository.lines(session, shop_id, draft_id)]
    return DraftRead(
        **_summary(draft).model_dump(exclude={"created_at"}),
        lines_total=sum((line.line_total or Decimal(0) for line in lines), Decimal("0.00")),
        warnings=list(draft.warnings),
        image_url=image_url(draft.id),
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        confirmed_at=draft.confirmed_at,
        lines=lines,
    )


def _stored_line(line: ExtractedProduct) -> dict[str, Any]:
    return {
        "product_id": line.matched_product_id,
        "product_name": line.product_name[:200],
        "read_name": line.read_name[:300],
        "quantity": line.quantity,
        "unit": line.unit,
        "price_purchase": line.rate,
        "line_total": line.amount,
        "match_score": line.match_score,
        "confidence": line.confidence,
        "raw_text": line.raw_text[:500],
        "flags": line.flags,
        "suggestions": [suggestion.model_dump() for suggestion in line.suggestions],
    }


async def _vendor_phone(
    session: AsyncSession, shop_id: int, raw: str | None, loc: tuple[str, ...]
) -> str | None:
    if raw is None or not raw.strip():
        return None
    shop = await auth_service.shop_settings(session, shop_id)
    return phone_in_region(raw, shop.region, loc=loc)


async def create_draft(
    session: AsyncSession,
    principal: Principal,
    photo: BillPhoto,
    settings: ExtractionSettings,
    *,
    vendor_phone: str | None,
    vendor_name: str | None,
) -> DraftRead:
    """Store the photo and its matched lines as an open draft (no stock, no udhaar yet)."""
    shop_id = principal.shop_id
    phone = await _vendor_phone(session, shop_id, vendor_phone, ("body", "vendor_phone"))
    extracted = await extraction.match_reading(session, shop_id, photo, settings)
    draft = await repository.add(
        session,
        PurchaseDraft(
            shop_id=shop_id,
            status="open",
            engine=extracted.engine,
            vendor_name=(vendor_name or extracted.vendor_name or "")[:120] or None,
            vendor_phone=phone,
            bill_date=extracted.bill_date,
            bill_total=extracted.bill_total,
            warnings=extracted.warnings,
            image=photo.prepared.original,
            image_type=photo.prepared.original_type,
            created_by=principal.user_id,
        ),
        [_stored_line(line) for line in extracted.products],
    )
    return await draft_detail(session, shop_id, draft.id)


async def _edited_lines(
    session: AsyncSession, shop_id: int, lines: list[DraftLineIn]
) -> list[dict[str, Any]]:
    """The owner's lines; a chosen `product_id` must be one of the shop's live products."""
    edited: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        name = line.product_name
        if line.product_id is not None:
            try:
                name = (await products.get_live(session, shop_id, line.product_id)).name
            except NotFound as exc:
                raise InvalidInput(
                    f"Unknown product {line.product_id} on line {index + 1}",
                    loc=("body", "lines", index, "product_id"),
                ) from exc
        if line.price_purchase is not None:  # a discount is checked against its line's amount
            price_line(
                line.quantity,
                line.price_purchase,
                discount=line.discount,
                loc=("body", "lines", index),
            )
        edited.append(
            {
                "product_id": line.product_id,
                "product_name": name or "",
                "read_name": None,
                "quantity": line.quantity,
                "unit": line.unit,
                "price_purchase": line.price_purchase,
                "price_sale": line.price_sale,
                "line_total": None,
                "discount": line.discount or Decimal("0.00"),
                "match_score": None,
                "confidence": None,
                "raw_text": None,
                "flags": [],
                "suggestions": [],
            }
        )
    return edited


def _require_open(draft: PurchaseDraft) -> None:
    if draft.status == "confirmed":
        raise Conflict(
            f"Purchase draft {draft.id} is already confirmed as purchase {draft.purchase_id}"
        )


async def update_draft(
    session: AsyncSession, shop_id: int, draft_id: int, data: DraftUpdate
) -> DraftRead:
    """Change the vendor, date or lines of an open draft; `lines` replaces all lines."""
    draft: PurchaseDraft = await _get(session, shop_id, draft_id, lock=True)
    _require_open(draft)
    values: dict[str, Any] = {}
    fields = data.model_fields_set
    if "vendor_name" in fields:
        values["vendor_name"] = data.vendor_name or None
    if "phone_no" in fields:
        values["vendor_phone"] = await _vendor_phone(
            session, shop_id, data.phone_no, ("body", "phone_no")
        )
    if "bill_date" in fields:
        values["bill_date"] = data.bill_date
    if data.lines is not None:
        await repository.replace_lines(
            session, shop_id, draft_id, await _edited_lines(session, shop_id, data.lines)
        )
    await repository.update_fields(session, shop_id, draft_id, values)
    return await draft_detail(session, shop_id, draft_id)


def _purchase(
    draft: PurchaseDraft, lines: list[PurchaseDraftLine], data: DraftConfirm
) -> PurchaseCreate:
    """The purchase the draft describes, or a 422 saying what to fix in the draft first."""
    if not draft.vendor_phone:
        raise InvalidInput(
            "The draft has no vendor phone; set phone_no with PUT before confirming",
            loc=("body", "phone_no"),
        )
    if not lines:
        raise InvalidInput("The draft has no lines", loc=("body", "lines"))
    for index, line in enumerate(lines):
        if line.price_purchase is None:
            raise InvalidInput(
                f"Line {line.line_no} ('{line.product_name}') has no rate; set price_purchase",
                loc=("body", "lines", index, "price_purchase"),
            )
    try:
        return PurchaseCreate.model_validate(
            {
                "vendor_name": draft.vendor_name,
                "phone_no": draft.vendor_phone,
                "products": [
                    {
                        "product_id": line.product_id,
                        "product_name": None if line.product_id else line.product_name,
                        "quantity": line.quantity,
                        "price_purchase": line.price_purchase,
                        "price_sale": line.price_sale,
                        "discount": line.discount or None,
                    }
                    for line in lines
                ],
                "transaction_date": data.transaction_date or draft.bill_date,
                "bill_paid": data.bill_paid,
                "amount_paid": data.amount_paid,
                "payment_mode": data.payment_mode,
                "payment_due_date": data.payment_due_date,
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(
            f"The draft cannot become a purchase: {first['msg']}",
            loc=("body", *(str(part) for part in first["loc"])),
        ) from exc


async def confirm_draft(
    session: AsyncSession, principal: Principal, draft_id: int, data: DraftConfirm
) -> DraftConfirmed:
    """Record the purchase and mark the draft confirmed, in one transaction; only once."""
    shop_id = principal.shop_id
    draft: PurchaseDraft = await _get(session, shop_id, draft_id, lock=True)
    _require_open(draft)
    lines = await repository.lines(session, shop_id, draft_id)
    created = await purchases.record_purchase(session, principal, _purchase(draft, lines, data))
    await repository.mark_confirmed(session, shop_id, draft_id, created.purchase_id)
    return DraftConfirmed(
        draft_id=draft_id, purchase_id=created.purchase_id, total_amount=created.total_amount
    )


async def list_drafts(
    session: AsyncSession, shop_id: int, page: Page, *, status: str | None
) -> tuple[list[DraftSummary], int]:
    rows, total = await repository.list_drafts(session, shop_id, page, status=status)
    return [_summary(row) for row in rows], total


async def draft_image(session: AsyncSession, shop_id: int, draft_id: int) -> tuple[bytes, str]:
    found = await repository.image(session, shop_id, draft_id)
    if found is None:
        raise NotFound(f"Purchase draft {draft_id} not found")
    return found
