"""The test harness: real PostgreSQL, migrated by Alembic, a fresh database per test.

- The server is `TEST_DATABASE_URL` when set, else an embedded PostgreSQL shared by the xdist
  workers of this run (a throwaway data folder under pytest's temp dir).
- Each xdist worker migrates one template database with Alembic (the production path).
- Each test gets its own database cloned from that template, so tests commit for real, run
  concurrent requests on separate connections, and never see each other's rows.
- The app is the real ASGI app (lifespan and all), called over HTTP with httpx.
"""

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from app.config import AuthSettings, DatabaseSettings, MessagingSettings, ServerSettings, Settings
from app.db import migrate
from app.db.embedded import start_server
from app.main import create_app
from tests.fakes.gemini import FakeGemini

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _plain(url: str) -> str:
    """asyncpg wants `postgresql://`, without a SQLAlchemy driver suffix."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(_plain(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def server_url(testrun_uid: str) -> str:
    """A maintenance URL (database `postgres`) of the server the tests run against.

    The embedded server's folder is named by the run's id (shared by its xdist workers) and
    lives outside pytest's temp dirs, which pytest prunes while other runs may be using them;
    the last worker to finish stops the server and deletes the folder.
    """
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return _with_database(configured, "postgres")
    folder = Path(tempfile.gettempdir()) / f"dukaan-tests-{testrun_uid}"
    server = start_server(folder, delete_on_exit=True)
    return str(server.get_uri(database="postgres"))


@pytest.fixture(scope="session")
def template_db(server_url: str, worker_id: str) -> Iterator[str]:
    """This worker's template database, migrated once with Alembic."""
    name = f"dk_tmpl_{worker_id}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    migrate.upgrade(_with_database(server_url, name))
    yield name
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def database_url(server_url: str, template_db: str) -> AsyncIterator[str]:
    name = f"dk_{uuid.uuid4().hex[:16]}"
    await _admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield _with_database(server_url, name)
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_settings(
    database_url: str,
    data_dir: Path,
    *,
    messaging: MessagingSettings | None = None,
    **server: Any,
) -> Settings:
    """Test settings; no dispatcher runs unless a test passes `messaging` that asks for one."""
    return Settings(
        db=DatabaseSettings(DATABASE_URL=database_url, DUKAAN_DATA_DIR=data_dir),
        auth=AuthSettings(DUKAAN_SECRET_KEY=TEST_SECRET),
        server=ServerSettings(DUKAAN_ENV="test", **server),
        messaging=messaging or MessagingSettings(DISPATCHER="off"),
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@contextlib.asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with these settings, started, and a client of it."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://shop.test", timeout=30
        ) as client,
    ):
        yield app, client


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
        yield http


@dataclass
class ShopSession:
    """A registered shop as a client sees it: its token and ids."""

    token: str
    shop_id: int
    user_id: int
    phone: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


_phone_counter = iter(range(10_000_000))


def unique_phone() -> str:
    """A valid Indian mobile number, different on every call (within a run and a worker)."""
    return f"98{os.getpid() % 1000:03d}{next(_phone_counter):05d}"


async def register_shop(
    client: httpx.AsyncClient, name: str = "Sharma Kirana", password: str = "chai-biscuit-1"
) -> ShopSession:
    phone = unique_phone()
    response = await client.post(
        "/api/auth/register",
        json={"shop_name": name, "owner_name": "Owner", "phone_no": phone, "password": password},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return ShopSession(
        token=body["access_token"],
        shop_id=body["shop"]["shop_id"],
        user_id=body["user"]["user_id"],
        phone=body["user"]["phone_no"],
    )


async def create_product(
    client: httpx.AsyncClient, shop: ShopSession, **fields: Any
) -> dict[str, Any]:
    payload = {
        "product_name": f"Product {uuid.uuid4().hex[:6]}",
        "price_purchase": "10.00",
        "price_sale": "12.00",
        "quantity": 10,
    } | fields
    response = await client.post("/api/products/", json=payload, headers=shop.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def gemini() -> Iterator[FakeGemini]:
    """A loopback fake of the Gemini API; a test's `settings` points the app at it."""
    fake = FakeGemini().start()
    yield fake
    fake.stop()


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> ShopSession:
    return await register_shop(client, "Shop A")


@pytest.fixture
async def other_shop(client: httpx.AsyncClient) -> ShopSession:
    return await register_shop(client, "Shop B")
