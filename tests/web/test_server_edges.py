"""What only a real `dukaan serve` decides: whose X-Forwarded-For to believe, and how long a
client may take to send its request head. Uvicorn runs here as in production (a real port),
against the suite's PostgreSQL."""

import socket
import time

import httpx
import pytest

from tests.conftest import TEST_SECRET, unique_phone
from tests.db.test_processes import free_port, serving

HEADER_TIMEOUT = 1.5


@pytest.fixture
def env(database_url, tmp_path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DUKAAN_SECRET_KEY": TEST_SECRET,
        "DUKAAN_DATA_DIR": str(tmp_path),
        "DISPATCHER": "off",
        "LOGIN_MAX_FAILURES": "5",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "5",
        "HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
    }


def _wrong_logins(base: str, count: int) -> list[int]:
    """`count` failed logins, each for another phone and claiming another client address."""
    statuses = []
    for index in range(count):
        response = httpx.post(
            f"{base}/api/auth/token",
            data={"username": unique_phone(), "password": "not-the-password"},
            headers={"X-Forwarded-For": f"198.51.100.{index + 1}"},
            timeout=10,
        )
        statuses.append(response.status_code)
    return statuses


def test_a_spoofed_forwarded_for_does_not_escape_the_login_limit(env):
    """No proxy configured (the default): the peer's own address is counted, whatever the
    client claims, so the sixth failure from it is refused."""
    with serving(env, free_port()) as base:
        assert _wrong_logins(base, 6) == [401] * 5 + [429]


def test_a_configured_proxy_is_believed(env):
    """Behind a proxy (FORWARDED_ALLOW_IPS lists it) the forwarded address is the client's:
    six different clients, one failure each, none of them limited."""
    with serving(env | {"FORWARDED_ALLOW_IPS": "127.0.0.1"}, free_port()) as base:
        assert _wrong_logins(base, 6) == [401] * 6


def _closed_within(connection: socket.socket, seconds: float, dribble: bytes | None) -> bytes:
    """Read until the server closes the connection (returns what it sent) or `seconds` pass
    (fails), sending `dribble` every 0.3 s meanwhile."""
    connection.settimeout(0.3)
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if dribble:
                connection.sendall(dribble)
            chunk = connection.recv(4096)
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"connection still open after {seconds} s")


def test_a_client_that_dribbles_its_headers_is_cut_off(env):
    with serving(env, free_port()) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as slow:
            started = time.monotonic()
            slow.sendall(b"GET /api/health HTTP/1.1\r\nHost: shop.test\r\n")
            reply = _closed_within(slow, HEADER_TIMEOUT + 3, dribble=b"X-Slow: 1\r\n")
            assert time.monotonic() - started < HEADER_TIMEOUT + 3
        assert reply.startswith(b"HTTP/1.1 408 ")
        assert b'"code": "request_timeout"' in reply
        # everyone else is served as before
        assert httpx.get(f"{base}/api/health", timeout=5).status_code == 200


def test_a_client_that_connects_and_says_nothing_is_cut_off(env):
    with serving(env, free_port()) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as silent:
            _closed_within(silent, HEADER_TIMEOUT + 3, dribble=None)
