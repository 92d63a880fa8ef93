"""Periodic jobs the dispatcher runs between sends, each in its own system transaction.

- queue today's automatic udhaar reminders (`reminders.queue_due_reminders`, all shops);
- delete idempotency keys long expired;
- delete failed-login rows older than the login window (they no longer count).

Every job is safe to run from several dispatchers at once: reminders are de-duplicated by a
unique key, and deleting what another dispatcher already deleted deletes nothing. One job
failing is logged and does not stop the others, nor the sending.
"""

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.core import idempotency
from app.notifications import reminders

_log = logging.getLogger("dukaan.dispatcher")

_PURGE_LOGIN_FAILURES = text(
    "DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures "
    "WHERE failed_at < now() - make_interval(secs => :window_s) LIMIT :limit)"
)
PURGE_LIMIT = 10_000


async def purge_login_failures(session: AsyncSession, window_s: float) -> int:
    result = await session.execute(
        _PURGE_LOGIN_FAILURES, {"window_s": window_s, "limit": PURGE_LIMIT}
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_housekeeping(
    maker: async_sessionmaker[AsyncSession], settings: Settings, now: dt.datetime
) -> dict[str, int]:
    """Run every job once; returns how many rows each touched (a failed job is absent)."""
    done: dict[str, int] = {}
    jobs: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
        "reminders_queued": lambda s: reminders.queue_due_reminders(s, now),
        "idempotency_keys_purged": lambda s: idempotency.purge_expired(s, limit=PURGE_LIMIT),
        "login_failures_purged": lambda s: purge_login_failures(s, settings.auth.login_window_s),
    }
    for name, job in jobs.items():
        try:
            async with maker() as session, session.begin():
                done[name] = await job(session)
        except Exception:
            _log.exception("housekeeping job failed", extra={"job": name})
    if any(done.values()):
        _log.info("housekeeping", extra=done)
    return done
