"""Automatic udhaar reminders, queued by the dispatcher's periodic scan (all shops).

A customer entry is reminded on its due date, then every `reminder_every_days` days while
it stays open and overdue, once the shop-local `reminder_hour` has passed. A manual reminder
counts too: the next automatic one waits a full interval after it. The scan is safe to run
from any number of dispatchers at once: each reminder carries the key
`reminder:<entry>:<shop-local day>`, unique per shop, so a second insert is a no-op.

The dispatcher (notifications) runs it among its housekeeping jobs, handed to it by the
process that starts it (`PERIODIC_JOBS`): the outbox knows nothing of udhaar.
"""

import datetime as dt
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.service import ShopSettings
from app.notifications.housekeeping import PeriodicJob
from app.notifications.service import queue_reminder, recipient
from app.parties.schemas import PartyRef
from app.parties.sides import CUSTOMERS
from app.udhaar import service as udhaar

SCAN_LIMIT = 2000


async def queue_due_reminders(
    session: AsyncSession, now: dt.datetime, *, statement_link: bool = False
) -> int:
    """Queue today's reminders for every shop whose reminder hour has come; returns how many.

    Runs in a system session (no shop role). `now` is accepted for the caller's logging;
    the shop-local dates come from the database clock, the same one the dedupe key and the
    interval check read. `statement_link`: reminders carry the statement's share link.
    """
    del now
    shops: dict[int, ShopSettings] = {}
    queued = 0
    for due in await udhaar.reminder_candidates(session, SCAN_LIMIT):
        shop = shops.get(due.shop_id)
        if shop is None:
            shop = shops[due.shop_id] = await auth_service.shop_settings(session, due.shop_id)
        notification_id = await queue_reminder(
            session,
            shop,
            recipient(CUSTOMERS, PartyRef(due.customer_id, due.name, due.phone, due.opted_out)),
            entry_id=due.entry_id,
            bill_no=due.bill_no,
            balance=due.balance,
            due_date=due.due_date,
            manual=False,
            on=due.today,
            statement_link=statement_link,
        )
        queued += notification_id is not None
    return queued


PERIODIC_JOBS: dict[str, PeriodicJob] = {"reminders_queued": queue_due_reminders}
"""The udhaar jobs the dispatcher's housekeeping runs, by the name its log counts them under."""


def periodic_jobs(*, public_links: bool) -> dict[str, PeriodicJob]:
    """`PERIODIC_JOBS` for a deployment: with `public_links` (PUBLIC_BASE_URL is set)
    reminders carry the customer's statement link."""
    if not public_links:
        return dict(PERIODIC_JOBS)
    return {"reminders_queued": partial(queue_due_reminders, statement_link=True)}
