"""Outbox queries."""

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Notification


async def add(session: AsyncSession, values: dict[str, object]) -> None:
    await session.execute(insert(Notification).values(**values))
