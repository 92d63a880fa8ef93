"""Periodic jobs the dispatcher runs between sends, each in its own system transaction.

- the jobs of other domains handed in by the process that starts the dispatcher (today's
  automatic udhaar reminders, `app.udhaar.reminders`, all shops);
- the owners' daily summaries whose closing hour has come (`app.notifications.daily_summary`);
- delete idempotency keys long expired;
- delete login/registration counters whose window has passed (they no longer count), and
  refresh tokens past their expiry (they can no longer be used, nor replayed).

Every job is safe to run from several dispatchers at once: reminders and summaries are
de-duplicated by a unique key, and deleting what another dispatcher already deleted deletes
nothing. One job failing is logged and does not stop the others, nor the sending.
"""

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import service as auth
from app.config import Settings
from app.idempotency import service as idempotency
from app.notifications import daily_summary

_log = logging.getLogger("dukaan.dispatcher")

PURGE_LIMIT = 10_000

PeriodicJob = Callable[[AsyncSession, dt.datetime], Awaitable[int]]
"""A housekeeping job of another domain: (system session, now) -> rows touched."""


async def run_housekeeping(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: dt.datetime,
    periodic_jobs: Mapping[str, PeriodicJob] | None = None,
) -> dict[str, int]:
    """Run every job once; returns how many rows each touched (a failed job is absent)."""
    done: dict[str, int] = {}
    jobs: dict[str, Callable[[AsyncSession], Awaitable[int]]] = {
        name: _at(job, now) for name, job in (periodic_jobs or {}).items()
    } | {
        "daily_summaries_queued": lambda s: daily_summary.queue_due_summaries(s, now),
        "idempotency_keys_purged": lambda s: idempotency.purge_expired(s, limit=PURGE_LIMIT),
        "auth_counters_purged": lambda s: auth.purge_expired_counters(s, limit=PURGE_LIMIT),
        "refresh_tokens_purged": lambda s: auth.purge_expired_refresh_tokens(s, limit=PURGE_LIMIT),
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


def _at(job: PeriodicJob, now: dt.datetime) -> Callable[[AsyncSession], Awaitable[int]]:
    return lambda session: job(session, now)
