"""Draft queries. Every query filters by shop too: RLS is the second lock, not the only one."""

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_page
from app.models import PurchaseDraft, PurchaseDraftLine


async def add(
    session: AsyncSession, draft: PurchaseDraft, lines: list[dict[str, Any]]
) -> PurchaseDraft:
    session.add(draft)
    await session.flush()
    await add_lines(session, draft.shop_id, draft.id, lines)
    return draft


async def add_lines(
    session: AsyncSession, shop_id: int, draft_id: int, lines: list[dict[str, Any]]
) -> None:
    session.add_all(
        PurchaseDraftLine(shop_id=shop_id, draft_id=draft_id, line_no=number, **line)
        for number, line in enumerate(lines, start=1)
    )
    await session.flush()


async def get(
    session: AsyncSession, shop_id: int, draft_id: int, *, lock: bool = False
) -> PurchaseDraft | None:
    query = select(PurchaseDraft).where(
        PurchaseDraft.shop_id == shop_id, PurchaseDraft.id == draft_id
    )
    if lock:
        query = query.with_for_update()
    result: PurchaseDraft | None = await session.scalar(query)
    return result


async def lines(session: AsyncSession, shop_id: int, draft_id: int) -> list[PurchaseDraftLine]:
    rows = await session.scalars(
        select(PurchaseDraftLine)
        .where(PurchaseDraftLine.shop_id == shop_id, PurchaseDraftLine.draft_id == draft_id)
        .order_by(PurchaseDraftLine.line_no)
    )
    return list(rows)


async def replace_lines(
    session: AsyncSession, shop_id: int, draft_id: int, new_lines: list[dict[str, Any]]
) -> None:
    await session.execute(
        delete(PurchaseDraftLine).where(
            PurchaseDraftLine.shop_id == shop_id, PurchaseDraftLine.draft_id == draft_id
        )
    )
    await add_lines(session, shop_id, draft_id, new_lines)


async def update_fields(
    session: AsyncSession, shop_id: int, draft_id: int, values: dict[str, Any]
) -> None:
    await session.execute(
        update(PurchaseDraft)
        .where(PurchaseDraft.shop_id == shop_id, PurchaseDraft.id == draft_id)
        .values(**values, updated_at=func.now())
    )


async def mark_confirmed(
    session: AsyncSession, shop_id: int, draft_id: int, purchase_id: int
) -> None:
    await update_fields(
        session,
        shop_id,
        draft_id,
        {
            "status": "confirmed",
            "purchase_id": purchase_id,
            "confirmed_at": dt.datetime.now(dt.UTC),
        },
    )


async def image(session: AsyncSession, shop_id: int, draft_id: int) -> tuple[bytes, str] | None:
    row = (
        await session.execute(
            select(PurchaseDraft.image, PurchaseDraft.image_type).where(
                PurchaseDraft.shop_id == shop_id, PurchaseDraft.id == draft_id
            )
        )
    ).one_or_none()
    return None if row is None else (bytes(row[0]), str(row[1]))


async def list_drafts(
    session: AsyncSession, shop_id: int, page: Page, *, status: str | None
) -> tuple[list[PurchaseDraft], int]:
    query = select(PurchaseDraft).where(PurchaseDraft.shop_id == shop_id)
    if status is not None:
        query = query.where(PurchaseDraft.status == status)
    return await fetch_page(
        session, query.order_by(PurchaseDraft.created_at.desc(), PurchaseDraft.id.desc()), page
    )
