"""The service as `make run` starts it: real processes, real ports.

- `dukaan serve` with no DATABASE_URL starts the embedded PostgreSQL, and the data survives a
  restart.
- Two instances on different ports against one DATABASE_URL behave as one service: nothing
  (tokens, failed-login counts) lives in process memory.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET, unique_phone

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], port: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    full_env |= {"PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("server did not start in 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def register(base: str, password: str = "restart-proof") -> tuple[str, dict[str, str]]:
    phone = unique_phone()
    response = httpx.post(
        f"{base}/api/auth/register",
        json={"shop_name": "P", "owner_name": "O", "phone_no": phone, "password": password},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return f"+91{phone}", {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_embedded_database_serves_docs_and_survives_a_restart(tmp_path):
    env = {"DUKAAN_DATA_DIR": str(tmp_path / "data")}
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
