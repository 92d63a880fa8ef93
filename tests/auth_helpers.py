"""Helpers for the auth tests: logins from chosen devices and addresses, staff, apps with
their own auth settings."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from app.config import AuthSettings, Settings
from app.main import create_app
from tests.conftest import TEST_SECRET, ShopSession, make_settings, unique_phone


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: httpx.AsyncClient, phone: str, password: str, device: str | None = None
) -> httpx.Response:
    headers = {"X-Device-ID": device} if device else {}
    return await client.post(
        "/api/auth/token", data={"username": phone, "password": password}, headers=headers
    )


async def add_staff(
    client: httpx.AsyncClient, owner: ShopSession, password: str = "counter-two-pass"
) -> ShopSession:
    """A staff login added by the owner, logged in once."""
    phone = unique_phone()
    added = await client.post(
        "/api/auth/users",
        json={"name": "Counter 2", "phone_no": phone, "password": password},
        headers=owner.headers,
    )
    assert added.status_code == 201, added.text
    token = await login(client, phone, password)
    assert token.status_code == 200, token.text
    return ShopSession(
        token=token.json()["access_token"],
        shop_id=owner.shop_id,
        user_id=added.json()["user_id"],
        phone=added.json()["phone_no"],
    )


def auth_settings(database_url: str, data_dir: Path, **auth: Any) -> Settings:
    """Test settings with some auth settings changed (their environment names as keys)."""
    settings = make_settings(database_url, data_dir)
    return settings.model_copy(update={"auth": AuthSettings(DUKAAN_SECRET_KEY=TEST_SECRET, **auth)})


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def client_at(app: FastAPI, address: str) -> httpx.AsyncClient:
    """A client of `app` whose requests come from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://shop.test")
