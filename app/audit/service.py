"""The audit log's rules: what a row holds, and reading a shop's rows back.

`record` is called by other domains' services inside the change's own transaction (it
flushes, never commits), so a change that fails leaves no row and a row never outlives a
rolled-back change. `record_on_connection` does the same on a bare driver connection (the
hot paths of `app.db.session.shop_transaction`). The request id comes from the logging context.

Money inside `before`/`after` stays exact: `Decimal` values are written as JSON numbers from
their decimal text and read back as `Decimal`.
"""

from collections.abc import Mapping
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import repository
from app.audit.schemas import AuditFilters, AuditRow
from app.core import jsoncodec
from app.core.inputs import check_date_range
from app.core.logging import request_id_var
from app.core.pagination import Page

SALE_VOIDED = "sale_voided"
PURCHASE_VOIDED = "purchase_voided"
EXPENSE_VOIDED = "expense_voided"
SALE_RETURNED = "sale_returned"
PRODUCT_PRICE_CHANGED = "product_price_changed"
PRODUCT_TAX_CHANGED = "product_tax_changed"
STOCK_ADJUSTED = "stock_adjusted"
SHOP_SETTINGS_CHANGED = "shop_settings_changed"


def _to_json(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    return jsoncodec.dumps(dict(values)).decode()


def _from_json(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    parsed: dict[str, Any] = jsoncodec.loads(text)
    return parsed


def _values(
    *,
    shop_id: int,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "shop_id": shop_id,
        "user_id": user_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": _to_json(before),
        "after": _to_json(after),
        "request_id": request_id_var.get(),
    }


async def record(
    session: AsyncSession,
    *,
    shop_id: int,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Write one audit row in the session's transaction (flushed, never committed)."""
    await session.flush()
    await repository.insert(
        session,
        _values(
            shop_id=shop_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        ),
    )


async def record_on_connection(
    connection: asyncpg.Connection,
    *,
    shop_id: int,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """`record` for a change made on a bare driver connection inside its transaction."""
    await repository.insert_on_connection(
        connection,
        _values(
            shop_id=shop_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        ),
    )


def changes(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys of `new` whose value differs from `old`: (before, after) with those keys only."""
    changed = [key for key, value in new.items() if old.get(key) != value]
    return {key: old.get(key) for key in changed}, {key: new[key] for key in changed}


async def list_entries(
    session: AsyncSession, shop_id: int, filters: AuditFilters, page: Page
) -> tuple[list[AuditRow], int]:
    """One page of the shop's audit rows, newest first."""
    check_date_range(filters.date_from, filters.date_to)
    rows, total = await repository.list_entries(
        session,
        shop_id,
        page,
        date_from=filters.date_from,
        date_to=filters.date_to,
        action=filters.action,
        user_id=filters.user_id,
    )
    return [
        AuditRow(
            at=row.at,
            user_id=row.user_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            before=_from_json(row.before),
            after=_from_json(row.after),
            request_id=row.request_id,
        )
        for row in rows
    ], total
