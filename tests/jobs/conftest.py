"""Jobs over HTTP: the app with a small upload limit, a runner on its database, and helpers
to upload a file and to run the queued jobs as a worker would."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import JobSettings, Settings
from app.jobs.runner import JobRunner
from tests.conftest import ShopSession, make_settings

UPLOAD_LIMIT = 64 * 1024
"""`IMPORT_MAX_BYTES` of these tests: the catalogues here are a few KB."""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    configured = make_settings(database_url, tmp_path)
    configured.jobs = JobSettings(IMPORT_MAX_BYTES=UPLOAD_LIMIT, JOB_LEASE_SECONDS=30)
    return configured


def new_runner(app: FastAPI) -> JobRunner:
    """A worker's runner on the app's database (a second one is a second worker)."""
    return JobRunner(app.state.engine, app.state.settings)


@pytest.fixture
def runner(app: FastAPI) -> JobRunner:
    return new_runner(app)


async def upload(
    client: httpx.AsyncClient,
    shop: ShopSession,
    path: Path | None = None,
    *,
    content: bytes | None = None,
    name: str | None = None,
    **form: Any,
) -> httpx.Response:
    """`POST /api/imports` with the file at `path` (or `content` named `name`) and options."""
    if content is None:
        content = await asyncio.to_thread(path.read_bytes) if path else b""
    filename = name or (path.name if path else "upload.csv")
    fields = {key: str(value).lower() for key, value in form.items()}
    return await client.post(
        "/api/imports",
        files={"file": (filename, content, "application/octet-stream")},
        data=fields,
        headers=shop.headers,
    )


async def job(client: httpx.AsyncClient, shop: ShopSession, location: str) -> dict[str, Any]:
    response = await client.get(location, headers=shop.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
