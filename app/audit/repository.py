"""Audit log queries: insert a row (on the session or on a bare driver connection) and list
a shop's rows. No rules here.

`before`/`after` travel as JSON text in both directions, so decimals never pass through a
binary float: they are written from their decimal text, PostgreSQL's `jsonb` keeps them as
`numeric`, and `list_entries` reads them back as text for the service to parse.
"""

import datetime as dt
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, DateTime, Row, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

from app.core.pagination import Page
from app.db.paging import fetch_rows
from app.db.sql import Sql
from app.models import Shop
from app.models.audit import AuditEntry

_INSERT_DRIVER = Sql(
    "INSERT INTO audit_log "
    "(shop_id, user_id, action, entity, entity_id, before, after, request_id) "
    "VALUES (:shop_id, :user_id, :action, :entity, :entity_id, :before::text::jsonb, "
    ":after::text::jsonb, :request_id)"
)


async def insert(session: AsyncSession, values: dict[str, Any]) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql(_INSERT_DRIVER.text, _INSERT_DRIVER.bind(values))


async def insert_on_connection(connection: asyncpg.Connection, values: dict[str, Any]) -> None:
    await connection.execute(_INSERT_DRIVER.text, *_INSERT_DRIVER.bind(values))


def _shop_midnight(shop_id: int, day: dt.date) -> ColumnElement[dt.datetime]:
    """The instant `day` begins in the shop's time zone (a constant, so the index serves)."""
    timezone = select(Shop.timezone).where(Shop.id == shop_id).scalar_subquery()
    return func.timezone(timezone, literal(dt.datetime.combine(day, dt.time()), DateTime()))


async def list_entries(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    action: str | None,
    user_id: int | None,
) -> tuple[list[Row[Any]], int]:
    """One page of the shop's rows, newest first, with `before`/`after` as JSON text.

    `date_from`/`date_to` are days in the shop's time zone, both included.
    """
    columns: list[Any] = [
        AuditEntry.at,
        AuditEntry.user_id,
        AuditEntry.action,
        AuditEntry.entity,
        AuditEntry.entity_id,
        cast(AuditEntry.before, Text).label("before"),
        cast(AuditEntry.after, Text).label("after"),
        AuditEntry.request_id,
    ]
    query = select(*columns).where(AuditEntry.shop_id == shop_id)
    if date_from is not None:
        query = query.where(AuditEntry.at >= _shop_midnight(shop_id, date_from))
    if date_to is not None:
        query = query.where(AuditEntry.at < _shop_midnight(shop_id, date_to + dt.timedelta(days=1)))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return await fetch_rows(session, query, page)
