"""Periodic jobs the dispatcher runs between sends, each in its own system transaction.

- queue today's automatic udhaar reminders (`reminders.queue_due_reminders`, all shops);
- delete idempotency keys long expired;
- delete login/registration counters whose window has passed (they no longer count), and
  refresh tokens past their expiry (they can no longer be used, nor replayed).

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
from app.idempotency import service as idempotency
from app.notifications import reminders

_log = logging.getLogger("dukaan.dispatcher")

_PURGE_AUTH_COUNTERS = text(
    "DELETE FROM auth_counters WHERE key IN (SELECT key FROM auth_counters "
    "WHERE window_ends < now() LIMIT :limit)"
)
_PURGE_REFRESH_TOKENS = text(
    "DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens "
    "WHERE expires_at < now() LIMIT :limit)"
)
PURGE_LIMIT = 10_000


async def purge_auth_counters(session: AsyncSession) -> int:
    result = await session.execute(_PURGE_AUTH_COUNTERS, {"limit": PURGE_LIMIT})
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_refresh_tokens(session: AsyncSession) -> int:
    result = await session.execute(_PURGE_REFRESH_TOKENS, {"limit": PURGE_LIMIT})
    return int(getattr(result, "rowcount", 0) or 0)


async def run_housekeeping(
    maker: async_sessionmaker[AsyncSession], settings: Settings, now: dt.datetime
) -> dict[str, int]:
    """Run every job once; returns how many rows each touched (a failed job is absent)."""
    done: dict[str, int] = {}
    jobs: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
        "reminders_queued": lambda s: reminders.queue_due_reminders(s, now),
        "idempotency_keys_purged": lambda s: idempotency.purge_expired(s, limit=PURGE_LIMIT),
        "auth_counters_purged": purge_auth_counters,
        "refresh_tokens_purged": purge_refresh_tokens,
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
