"""`dukaan worker` as production runs it: real processes on one database, one fake Twilio.

- Two workers drain 1,000 queued messages: exactly 1,000 sends, each message once.
- A worker killed (SIGKILL) in the middle of a send leaves its row `sending`; another
  worker picks it up once the lease runs out and sends it: nothing is lost.
"""

import asyncio
import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fakes.twilio import HANG, FakeTwilio
from tests.outbox import pg

ROOT = Path(__file__).resolve().parents[2]
_OURS = ("TWILIO_", "DISPATCH", "NOTIFY_", "PUBLIC_BASE_URL", "REMINDER_SCAN", "DATABASE_URL")


@dataclass
class Worker:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def logged(self, message: str) -> bool:
        return any(json.loads(line).get("msg") == message for line in self._json_lines())

    def _json_lines(self) -> list[str]:
        return [line for line in list(self.lines) if line.startswith("{")]

    def wait_for_log(self, message: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.logged(message):
            if self.process.poll() is not None:
                raise AssertionError("worker exited:\n" + "".join(self.lines[-30:]))
            if time.monotonic() > deadline:
                raise AssertionError(f"no '{message}' in:\n" + "".join(self.lines[-30:]))
            time.sleep(0.05)


@contextlib.contextmanager
def worker(env: dict[str, str]) -> Iterator[Worker]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=ROOT,
        env=base | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Worker(process)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            running.lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=5)


def worker_env(database_url: str, tmp_path: Path, fake: FakeTwilio, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DUKAAN_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "INFO",
        "TWILIO_ACCOUNT_SID": fake.account_sid,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_BASE_URL": fake.url,
        "PUBLIC_BASE_URL": "",
        "DISPATCH_POLL_SECONDS": "0.1",
    } | extra


async def new_shop(database_url: str) -> int:
    [row] = await pg(
        database_url,
        "INSERT INTO shops (name, region, timezone, daily_message_cap) "
        "VALUES ('Bulk Kirana', 'IN', 'Asia/Kolkata', 100000) RETURNING id",
    )
    return int(row["id"])


async def queue(database_url: str, shop_id: int, count: int) -> None:
    await pg(
        database_url,
        'INSERT INTO notifications (shop_id, channel, "to", template, language, body) '
        "SELECT $1, 'sms', '+919812345678', 'reminder', 'en', 'Message ' || g "
        "FROM generate_series(1, $2) g",
        shop_id,
        count,
    )


async def statuses(database_url: str, shop_id: int) -> collections.Counter[str]:
    rows = await pg(
        database_url,
        "SELECT status, count(*) AS n FROM notifications WHERE shop_id = $1 GROUP BY status",
        shop_id,
    )
    return collections.Counter({row["status"]: row["n"] for row in rows})


async def wait_until_sent(database_url: str, shop_id: int, count: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while (seen := await statuses(database_url, shop_id))["sent"] < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {dict(seen)} after {timeout_s}s")
        await asyncio.sleep(0.2)


@pytest.fixture
def fake():
    with FakeTwilio(latency_s=0.005) as server:
        yield server


async def test_two_workers_send_a_thousand_messages_exactly_once_each(database_url, tmp_path, fake):
    shop_id = await new_shop(database_url)
    first_env = worker_env(database_url, tmp_path, fake, TWILIO_FROM_NUMBER="+15005550001")
    second_env = worker_env(database_url, tmp_path, fake, TWILIO_FROM_NUMBER="+15005550002")
    with worker(first_env) as first, worker(second_env) as second:
        first.wait_for_log("dispatcher started")
        second.wait_for_log("dispatcher started")
        await queue(database_url, shop_id, 1000)

        await wait_until_sent(database_url, shop_id, 1000, timeout_s=180)

        for running in (first, second):
            running.process.send_signal(signal.SIGTERM)
            assert running.process.wait(timeout=30) == 0
    assert first.logged("worker stopped")
    assert second.logged("worker stopped")
    logs = "".join(first.lines + second.lines)
    assert logs.count('"msg": "message sent"') == 1000
    assert fake.auth_token not in logs

    requests = fake.requests
    assert len(requests) == 1000
    bodies = collections.Counter(r.body for r in requests)
    assert set(bodies) == {f"Message {n}" for n in range(1, 1001)}
    assert set(bodies.values()) == {1}
    assert {r.from_ for r in requests} == {"+15005550001", "+15005550002"}
    rows = await pg(
        database_url,
        "SELECT provider_id, attempts FROM notifications WHERE shop_id = $1",
        shop_id,
    )
    assert {row["provider_id"] for row in rows} == {r.answered_sid for r in requests}
    assert {row["attempts"] for row in rows} == {1}
    assert await statuses(database_url, shop_id) == {"sent": 1000}


async def test_a_killed_worker_loses_no_message(database_url, tmp_path, fake):
    shop_id = await new_shop(database_url)
    fake.script(HANG)  # the first send never gets an answer
    short_lease = {"DISPATCH_LEASE_SECONDS": "4", "TWILIO_TIMEOUT_SECONDS": "3"}
    await queue(database_url, shop_id, 3)

    with worker(worker_env(database_url, tmp_path, fake, **short_lease)) as doomed:
        fake.wait_for_requests(3, timeout_s=60)
        hung = fake.requests[0]
        # the other two were answered: kill once they are recorded, mid-way through the third
        await wait_until_sent(database_url, shop_id, 2, timeout_s=2)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=10)
    left = await pg(
        database_url,
        "SELECT body, status, attempts FROM notifications WHERE shop_id = $1 AND status <> 'sent'",
        shop_id,
    )
    assert [(r["body"], r["status"], r["attempts"]) for r in left] == [(hung.body, "sending", 1)]

    with worker(worker_env(database_url, tmp_path, fake, **short_lease)) as rescuer:
        await wait_until_sent(database_url, shop_id, 3, timeout_s=60)
        rescuer.process.send_signal(signal.SIGTERM)
        assert rescuer.process.wait(timeout=30) == 0

    assert await statuses(database_url, shop_id) == {"sent": 3}
    bodies = collections.Counter(r.body for r in fake.requests)
    assert bodies[hung.body] == 2
    assert sorted(bodies.values()) == [1, 1, 2]
    [recovered] = await pg(
        database_url,
        "SELECT attempts, provider_id FROM notifications WHERE shop_id = $1 AND body = $2",
        shop_id,
        hung.body,
    )
    assert recovered["attempts"] == 2
    assert recovered["provider_id"] == fake.requests[-1].answered_sid
