"""The outbox dispatcher: sends what committed, retries what may still work, gives up clearly.

docs/architecture.md rule 6. A round (`run_once`) claims a batch of due rows in one short
transaction (`delivery.claim_due`: `FOR UPDATE SKIP LOCKED`, a lease, the attempt counted),
charges the shops' daily quotas (rows over a shop's cap wait for its next midnight), sends
the rest concurrently (bounded by `DISPATCH_CONCURRENCY`), and records each outcome as soon
as it is known, in its own transaction (sends that finish while one is being written are
written together in the next: `grouped_writes`), so a crash loses at most the sends in
flight, and those are claimed again once their lease runs out. Any number of dispatchers
can run: the inline one under `make run` and any number of `dukaan worker` processes.

Outcomes:
- sent: the provider's id, `sent_at`;
- retryable failure (network, timeout, 429/5xx, Twilio 20429/30001/30003/30500): `queued`
  again after an exponential backoff with jitter, until `NOTIFY_MAX_ATTEMPTS`, then `failed`;
- permanent failure (21211, 21608, 21614, 21635, other 4xx): `failed` with the reason;
- 21610 (the recipient replied STOP): `failed`, and the customer or vendor is opted out, so
  the bill code queues nothing more for them.

A message is delivered at least once: a dispatcher that dies after the provider accepted a
message but before recording it leaves the row `sending`, and it is sent again after the
lease. Leases are longer than the provider timeout (checked in settings), and a row whose
lease would run out before its send could finish is handed back unsent.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import MessagingSettings, Settings
from app.core.security import load_or_create_secret
from app.core.share_links import BILL_LINK_MARK, STATEMENT_LINK_MARK, link_key
from app.db.session import create_engine, create_sessionmaker
from app.integrations.console import ConsoleChannel
from app.integrations.messaging import MessageChannel, SendFailed
from app.integrations.twilio import TwilioConnection, TwilioSMS, TwilioWhatsApp
from app.integrations.twilio.webhooks import status_callback_url
from app.notifications import delivery
from app.notifications.delivery import ClaimedMessage
from app.notifications.grouped_writes import GroupedWrites
from app.notifications.housekeeping import PeriodicJob, run_housekeeping
from app.notifications.links import LinkMinter, Outgoing

_log = logging.getLogger("dukaan.dispatcher")

OPTED_OUT_CODE = 21610
"""Twilio: the recipient replied STOP; nothing more may be sent to them."""
CHANNEL_KINDS = ("sms", "whatsapp")
"""The values of `notifications.channel` (the shop's `message_channel`)."""


def backoff_delay(attempt: int, *, base_s: float, max_s: float, rng: random.Random) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): "equal jitter".

    With ceiling d = min(max_s, base_s * 2^(attempt-1)) the delay is uniform in [d/2, d]:
    random enough that dispatchers retrying through one provider outage spread out, yet
    growing attempt over attempt, since the next floor is this ceiling. Past the cap every
    wait is in [max_s/2, max_s].
    """
    ceiling = min(max_s, base_s * 2.0 ** min(attempt - 1, 60))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def build_channels(settings: MessagingSettings) -> dict[str, MessageChannel]:
    """The channel for each `notifications.channel` value, from settings.

    Without Twilio credentials both go to the console. With them, SMS needs a number or a
    Messaging Service and WhatsApp a WhatsApp sender; a kind without its sender falls back to
    the other, so a shop that picked WhatsApp on a deployment without it still gets SMS.
    Call inside the running event loop (the Twilio client opens an aiohttp session).
    """
    if not settings.twilio_configured:
        console = ConsoleChannel()
        return dict.fromkeys(CHANNEL_KINDS, console)
    connection = TwilioConnection(settings)
    sms: MessageChannel | None = None
    whatsapp: MessageChannel | None = None
    if settings.twilio_from_number or settings.twilio_messaging_service_sid:
        sms = TwilioSMS(
            connection,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
        )
    if settings.twilio_whatsapp_from:
        whatsapp = TwilioWhatsApp(connection, from_number=settings.twilio_whatsapp_from)
    chosen_sms = sms or whatsapp
    chosen_whatsapp = whatsapp or sms
    if chosen_sms is None or chosen_whatsapp is None:  # settings refuse this; be explicit
        raise ValueError("Twilio is configured without any sender number")
    return {"sms": chosen_sms, "whatsapp": chosen_whatsapp}


@dataclass(frozen=True, slots=True)
class _Ready:
    """A claimed row cleared to send: the quota day it was charged to, and its deadline."""

    message: ClaimedMessage
    quota_day: dt.date
    start_by: float
    """`time.monotonic()` after which its lease could run out mid-send: hand it back."""


class Dispatcher:
    """Sends the outbox through `channels` (keyed by `notifications.channel`)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        channels: Mapping[str, MessageChannel],
        settings: Settings,
        *,
        rng: random.Random | None = None,
        periodic_jobs: Mapping[str, PeriodicJob] | None = None,
    ) -> None:
        """`periodic_jobs`: other domains' housekeeping (udhaar reminders), from the caller."""
        self._maker = sessionmaker
        self._periodic_jobs = dict(periodic_jobs or {})
        self._channels = dict(channels)
        self._settings = settings
        self._config = settings.messaging
        self._rng = rng or random.SystemRandom()
        self._callback_url = (
            status_callback_url(self._config.public_base_url)
            if self._config.public_base_url
            else None
        )
        self._links: LinkMinter | None = None
        self._send_slots = asyncio.Semaphore(self._config.dispatch_concurrency)
        self._sent: GroupedWrites[tuple[ClaimedMessage, str], tuple[int, int]] = GroupedWrites(
            self._write_sent, lambda sent: (sent[0].shop_id, sent[0].id)
        )
        # Outcomes are short transactions; leave the rest of the pool to the API (inline).
        self._db_slots = asyncio.Semaphore(
            max(1, min(self._config.dispatch_concurrency, settings.db.pool_size // 2))
        )

    @property
    def channel_names(self) -> dict[str, str]:
        return {kind: channel.name for kind, channel in self._channels.items()}

    async def run_once(self) -> int:
        """One round: claim a batch, send it, record every outcome; returns how many claimed."""
        claimed, ready = await self._claim()
        if ready:
            results = await asyncio.gather(
                *(self._deliver(item) for item in ready), return_exceptions=True
            )
            for result in results:
                if isinstance(result, BaseException):
                    # The row stays `sending` and is retried once its lease runs out.
                    _log.error("recording a send failed", exc_info=result)
        return claimed

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; housekeeping every `REMINDER_SCAN_SECONDS`.

        A full batch is followed at once by the next, so a backlog drains at full speed; an
        error (the database restarting) is logged and the loop carries on after a poll.
        """
        _log.info(
            "dispatcher started",
            extra={"channels": self.channel_names, "batch": self._config.dispatch_batch},
        )
        next_housekeeping = time.monotonic()
        try:
            while not stop.is_set():
                if time.monotonic() >= next_housekeeping:
                    next_housekeeping = time.monotonic() + self._config.reminder_scan_s
                    await self.housekeep()
                try:
                    claimed = await self.run_once()
                except Exception:
                    _log.exception("dispatch round failed")
                    claimed = 0
                if claimed < self._config.dispatch_batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self._config.dispatch_poll_s)
        finally:
            _log.info("dispatcher stopped")

    async def housekeep(self) -> dict[str, int]:
        return await run_housekeeping(
            self._maker, self._settings, dt.datetime.now(dt.UTC), self._periodic_jobs
        )

    async def aclose(self) -> None:
        for channel in {id(c): c for c in self._channels.values()}.values():
            await channel.aclose()

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._db_slots, self._maker() as session, session.begin():
            yield session

    async def _claim(self) -> tuple[int, list[_Ready]]:
        """Claim due rows; settle those that must not be sent; charge quota for the rest."""
        lease_s = self._config.dispatch_lease_s
        # Read before the claim, so the row's lease (from the claim's now()) ends after it.
        start_by = time.monotonic() + lease_s - self._config.twilio_timeout_s
        async with self._transaction() as session:
            claimed = await delivery.claim_due(
                session, limit=self._config.dispatch_batch, lease_s=lease_s
            )
            by_shop: dict[int, list[ClaimedMessage]] = defaultdict(list)
            for message in claimed:
                if message.attempts > self._config.notify_max_attempts:
                    # Claimed again after its dispatcher died on the last allowed attempt.
                    await delivery.record_failed(
                        session,
                        message,
                        error=f"gave up after {message.attempts - 1} attempts: the last "
                        "send did not finish (its dispatcher stopped)",
                    )
                elif message.opted_out:
                    await delivery.record_failed(
                        session, message, error="the recipient opted out of messages"
                    )
                else:
                    by_shop[message.shop_id].append(message)
            ready: list[_Ready] = []
            # Quota rows are locked in shop-id order, so two dispatchers whose batches
            # share shops wait for each other instead of deadlocking.
            for shop_id, messages in sorted(by_shop.items()):
                day, granted = await self._reserve(session, shop_id, len(messages))
                if day is not None:
                    ready += [_Ready(m, day, start_by) for m in messages[:granted]]
                waiting = messages[granted:]
                if waiting:
                    until = await delivery.defer_to_next_day(
                        session,
                        shop_id,
                        [m.id for m in waiting],
                        "waiting for tomorrow: the shop's daily message limit is used up",
                    )
                    _log.info(
                        "daily message limit reached",
                        extra={"shop_id": shop_id, "deferred": len(waiting), "until": until},
                    )
        return len(claimed), ready

    @staticmethod
    async def _reserve(
        session: AsyncSession, shop_id: int, count: int
    ) -> tuple[dt.date | None, int]:
        """Charge `count` messages to the shop's quota, or as many as still fit."""
        day = await delivery.reserve_quota(session, shop_id, count)
        if day is not None:
            return day, count
        granted = 0
        while granted < count:
            one = await delivery.reserve_quota(session, shop_id, 1)
            if one is None:
                break
            day, granted = one, granted + 1
        return day, granted

    def _outgoing(self, message: ClaimedMessage, channel: MessageChannel) -> Outgoing:
        """The text to send, its share-link marks filled (see `app.notifications.links`)."""
        if BILL_LINK_MARK not in message.body and STATEMENT_LINK_MARK not in message.body:
            return Outgoing(message.body)
        if self._links is None:
            secret = load_or_create_secret(
                self._settings.auth.secret_key, self._settings.db.data_dir
            )
            self._links = LinkMinter(link_key(secret), self._config.public_base_url)
        return self._links.fill(
            message.body,
            shop_id=message.shop_id,
            reference=message.reference,
            customer_id=message.customer_id,
            attach_pdf=channel.name == TwilioWhatsApp.name,
        )

    async def _deliver(self, item: _Ready) -> None:
        message = item.message
        async with self._send_slots:
            if time.monotonic() > item.start_by:
                await self._give_back(item)
                return
            channel = self._channels.get(message.channel)
            failure: SendFailed | None = None
            provider_id = ""
            if channel is None:
                failure = SendFailed(f"no channel for '{message.channel}'", retryable=False)
            else:
                try:
                    outgoing = self._outgoing(message, channel)
                    media = {"media_url": outgoing.media_url} if outgoing.media_url else {}
                    provider_id = await channel.send(
                        message.to, outgoing.body, status_callback=self._callback_url, **media
                    )
                except SendFailed as exc:
                    failure = exc
                except Exception as exc:
                    _log.exception("channel raised", extra={"channel": channel.name})
                    failure = SendFailed(
                        f"unexpected error in {channel.name}: {type(exc).__name__}",
                        retryable=True,
                    )
        if failure is None:
            await self._record_sent(item, provider_id)
        else:
            await self._record_failure(item, failure)

    async def _give_back(self, item: _Ready) -> None:
        async with self._transaction() as session:
            await delivery.release(session, item.message)
            await delivery.refund_quota(session, item.message.shop_id, item.quota_day)
        _log.warning(
            "lease too short to send, handed back",
            extra={"shop_id": item.message.shop_id, "notification_id": item.message.id},
        )

    async def _write_sent(self, sent: Sequence[tuple[ClaimedMessage, str]]) -> set[tuple[int, int]]:
        async with self._transaction() as session:
            return await delivery.record_sent(session, sent)

    async def _record_sent(self, item: _Ready, provider_id: str) -> None:
        """Recorded with the other sends that finish meanwhile (`GroupedWrites`)."""
        message = item.message
        recorded = await self._sent.add((message, provider_id))
        _log.info(
            "message sent",
            extra={
                "shop_id": message.shop_id,
                "notification_id": message.id,
                "channel": message.channel,
                "attempt": message.attempts,
                "provider_id": provider_id,
                "recorded": recorded,
            },
        )

    async def _record_failure(self, item: _Ready, failure: SendFailed) -> None:
        message = item.message
        config = self._config
        outcome = "failed"
        delay_s: float | None = None
        # Locks in the order the claim takes them (message row, then the shop's quota row),
        # so a claim and this write never deadlock.
        async with self._transaction() as session:
            if failure.code == OPTED_OUT_CODE:
                await delivery.record_failed(session, message, error=failure.reason)
                await delivery.opt_out(
                    session,
                    message.shop_id,
                    customer_id=message.customer_id,
                    vendor_id=message.vendor_id,
                )
                outcome = "opted_out"
            elif failure.retryable and message.attempts < config.notify_max_attempts:
                delay_s = backoff_delay(
                    message.attempts,
                    base_s=config.notify_backoff_base_s,
                    max_s=config.notify_backoff_max_s,
                    rng=self._rng,
                )
                await delivery.record_retry(session, message, delay_s=delay_s, error=failure.reason)
                outcome = "retry"
            else:
                error = (
                    f"gave up after {message.attempts} attempts: {failure.reason}"
                    if failure.retryable
                    else failure.reason
                )
                await delivery.record_failed(session, message, error=error)
            if failure.code is not None:
                # The provider answered and refused: nothing went out, so it does not count.
                await delivery.refund_quota(session, message.shop_id, item.quota_day)
        _log.warning(
            "message not sent",
            extra={
                "shop_id": message.shop_id,
                "notification_id": message.id,
                "attempt": message.attempts,
                "outcome": outcome,
                "retry_in_s": round(delay_s, 1) if delay_s is not None else None,
                "reason": failure.reason,
                "error_code": failure.code,
            },
        )


@contextlib.asynccontextmanager
async def inline_dispatcher(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    periodic_jobs: Mapping[str, PeriodicJob],
) -> AsyncIterator[Dispatcher | None]:
    """The dispatcher inside the API process (`DISPATCHER=inline`), stopped on exit.

    On exit it finishes the round in flight (sends are bounded by the provider timeout);
    if that takes too long it is cancelled, and its rows are recovered after their lease.
    """
    if settings.messaging.dispatcher != "inline":
        yield None
        return
    dispatcher = Dispatcher(
        sessionmaker,
        build_channels(settings.messaging),
        settings,
        periodic_jobs=periodic_jobs,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop), name="dukaan-dispatcher")
    try:
        yield dispatcher
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, settings.messaging.twilio_timeout_s + 5)
        except TimeoutError:
            _log.warning("dispatcher did not stop in time; its rows return after their lease")
        finally:
            await dispatcher.aclose()


async def work(
    settings: Settings,
    database_url: str,
    stop: asyncio.Event,
    periodic_jobs: Mapping[str, PeriodicJob],
) -> None:
    """`dukaan worker`: a dispatcher with its own connection pool, until `stop` is set."""
    engine = create_engine(database_url, settings.db)
    try:
        dispatcher = Dispatcher(
            create_sessionmaker(engine),
            build_channels(settings.messaging),
            settings,
            periodic_jobs=periodic_jobs,
        )
        try:
            await dispatcher.run_forever(stop)
        finally:
            await dispatcher.aclose()
    finally:
        await engine.dispose()
