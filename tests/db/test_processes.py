"""The service as `make run` starts it: real processes, real ports.

- `dukaan serve` with no DATABASE_URL starts the embedded PostgreSQL, and the data survives a
  restart.
- Two instances on different ports against one DATABASE_URL behave as one service: nothing
  (tokens, failed-login counts) lives in process memory.
- SIGTERM or SIGINT stops the embedded PostgreSQL that `dukaan serve` started.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET, unique_phone

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(env: dict[str, str], port: int, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    """`dukaan serve` in its own process, once `/api/health` answers: (process, base URL)."""
    base = f"http://127.0.0.1:{port}"
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    full_env |= {"PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return process, base
        if time.monotonic() > deadline:
            stop(process, signal.SIGKILL)
            raise AssertionError("server did not start in 60 s")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], signum: int = signal.SIGINT) -> int:
    """Send `signum` and wait for the process to end; its return code."""
    process.send_signal(signum)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"still running 30 s after signal {signum}") from None


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, *args: str) -> Iterator[str]:
    process, base = start(env, port, *args)
    try:
        yield base
    finally:
        if process.poll() is None:
            stop(process)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder for an embedded PostgreSQL, outside pytest's temp dirs.

    The server runs as another system user when we are root, so every folder above its data
    must stay traversable; pytest resets `/tmp/pytest-of-<user>` to mode 700 whenever a
    session starts (another run on the machine), which cut a running server off its files.
    """
    folder = Path(tempfile.mkdtemp(prefix="dukaan-serve-"))
    folder.chmod(0o755)
    try:
        yield folder / "data"
    finally:
        kill_leftover(folder / "data")
        shutil.rmtree(folder, ignore_errors=True)


def register(base: str, password: str = "restart-proof") -> tuple[str, dict[str, str]]:
    phone = unique_phone()
    response = httpx.post(
        f"{base}/api/auth/register",
        json={"shop_name": "P", "owner_name": "O", "phone_no": phone, "password": password},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return f"+91{phone}", {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_embedded_database_serves_docs_and_survives_a_restart(data_dir):
    env = {"DUKAAN_DATA_DIR": str(data_dir)}
    with serving(env, free_port()) as base:
        assert httpx.get(f"{base}/docs").status_code == 200
        phone, headers = register(base)
        created = httpx.post(
            f"{base}/api/products/",
            json={"product_name": "Kept", "price_purchase": 1, "price_sale": 2, "quantity": 3},
            headers=headers,
        )
        assert created.status_code == 201
    with serving(env, free_port()) as base:
        login = httpx.post(
            f"{base}/api/auth/token", data={"username": phone, "password": "restart-proof"}
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        products = httpx.get(
            f"{base}/api/products/", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert [p["product_name"] for p in products] == ["Kept"]
        # the secret was generated once and kept, so the first run's token still works
        assert httpx.get(f"{base}/api/auth/me", headers=headers).status_code == 200


def test_two_instances_on_one_database_act_as_one_service(database_url, tmp_path):
    env = {
        "DATABASE_URL": database_url,
        "DUKAAN_SECRET_KEY": TEST_SECRET,
        "DUKAAN_DATA_DIR": str(tmp_path),
    }
    with serving(env, free_port()) as first, serving(env, free_port()) as second:
        phone, headers = register(first)
        created = httpx.post(
            f"{first}/api/products/",
            json={"product_name": "Shared", "price_purchase": 1, "price_sale": 2},
            headers=headers,
        )
        assert created.status_code == 201
        seen = httpx.get(f"{second}/api/products/", headers=headers)
        assert [p["product_name"] for p in seen.json()] == ["Shared"]

        wrong = {"username": phone, "password": "wrong-password"}
        for base in (first, second, first, second, first):
            assert httpx.post(f"{base}/api/auth/token", data=wrong).status_code == 401
        limited = httpx.post(f"{second}/api/auth/token", data=wrong)
        assert limited.status_code == 429
        assert "retry-after" in limited.headers


# Stopping `dukaan serve` stops the embedded PostgreSQL it started (issue 12, item 5).


def postmaster_pid(data_dir: Path) -> int | None:
    """The running postmaster's pid from its pid file, or None when there is no live one."""
    pid_file = data_dir / "pg" / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def wait_until_stopped(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def kill_leftover(data_dir: Path) -> None:
    """A test that failed must not leave a PostgreSQL running on the machine."""
    pid = postmaster_pid(data_dir)
    if pid is not None:
        os.kill(pid, signal.SIGQUIT)
        wait_until_stopped(pid)


@pytest.mark.parametrize(
    ("signum", "workers"),
    [(signal.SIGTERM, "1"), (signal.SIGINT, "1"), (signal.SIGTERM, "2")],
    ids=["sigterm", "sigint", "sigterm-two-workers"],
)
def test_a_signal_stops_the_embedded_database_and_a_restart_serves(data_dir, signum, workers):
    env = {"DUKAAN_DATA_DIR": str(data_dir), "WORKERS": workers}
    process, _ = start(env, free_port())
    pid = postmaster_pid(data_dir)
    assert pid is not None, "the embedded PostgreSQL is running while serving"
    stop(process, signum)
    assert wait_until_stopped(pid), f"PostgreSQL {pid} still runs after signal {signum}"
    assert not (data_dir / "pg" / "postmaster.pid").exists()
    assert json.loads((data_dir / "pg" / ".handle_pids.json").read_text()) == []

    process, base = start(env, free_port())
    assert httpx.get(f"{base}/api/ready", timeout=10).json()["status"] == "ok"
    second_pid = postmaster_pid(data_dir)
    stop(process, signal.SIGTERM)
    assert second_pid is not None and wait_until_stopped(second_pid)


def test_a_server_left_behind_by_a_killed_process_is_stopped_by_the_next(data_dir):
    """SIGKILL cannot be handled: PostgreSQL outlives the process and its handle file keeps the
    dead pid. The next `dukaan serve` attaches to it, forgets the dead pid and, being the last
    user, stops it on SIGTERM."""
    env = {"DUKAAN_DATA_DIR": str(data_dir)}
    process, _ = start(env, free_port())
    pid = postmaster_pid(data_dir)
    stop(process, signal.SIGKILL)
    assert pid is not None and postmaster_pid(data_dir) == pid, "orphaned after SIGKILL"

    process, base = start(env, free_port())
    assert postmaster_pid(data_dir) == pid, "attached to the running server"
    assert httpx.get(f"{base}/api/ready", timeout=10).status_code == 200
    stop(process, signal.SIGTERM)
    assert wait_until_stopped(pid)
