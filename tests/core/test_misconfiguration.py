"""OWASP API8 (security misconfiguration): headers on every reply, and a production mode that
refuses development-only settings instead of starting with them."""

import os
import secrets
import subprocess
import sys

import httpx
import pytest

from app.config import AuthSettings, DatabaseSettings, ServerSettings, Settings
from app.core.production import UnsafeConfiguration, problems
from app.main import create_app
from tests.conftest import TEST_SECRET


async def test_every_reply_carries_the_security_headers(client, shop):
    for response in (
        await client.get("/api/health"),
        await client.get("/api/nowhere"),
        await client.get("/api/auth/me", headers=shop.headers),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_authenticated_replies_are_never_cached(client, shop):
    me = await client.get("/api/auth/me", headers=shop.headers)
    refused = await client.get("/api/products/", headers={"Authorization": "Bearer nonsense"})
    assert me.headers["Cache-Control"] == "no-store"
    assert refused.headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in (await client.get("/api/health")).headers


def _production(tmp_path, secret: str | None, **server) -> Settings:
    return Settings(
        db=DatabaseSettings(
            DATABASE_URL="postgresql://unused@127.0.0.1:1/x", DUKAAN_DATA_DIR=tmp_path
        ),
        auth=AuthSettings(DUKAAN_SECRET_KEY=secret),
        server=ServerSettings(DUKAAN_ENV="production", **server),
    )


@pytest.mark.parametrize(
    ("secret", "problem"),
    [(None, "not set"), ("short-secret", "32+"), ("changeme", "32+")],
    ids=["missing", "short", "default"],
)
def test_production_refuses_a_missing_or_weak_secret(tmp_path, secret, problem):
    with pytest.raises(UnsafeConfiguration, match=problem):
        create_app(_production(tmp_path, secret))


@pytest.mark.parametrize(
    "secret",
    ["a" * 32, "ab" * 32, "abcd" * 16, "0123456789abcdef" * 4, "Kirana2026!" * 5],
    ids=["one-char", "two-chars", "short-cycle", "hex-cycle", "repeated-word"],
)
def test_production_refuses_a_long_but_guessable_secret(tmp_path, secret):
    with pytest.raises(UnsafeConfiguration, match="guessable"):
        create_app(_production(tmp_path, secret))


def test_production_takes_a_random_secret(tmp_path):
    for secret in (secrets.token_urlsafe(32), secrets.token_hex(32), TEST_SECRET):
        settings = _production(tmp_path, secret)
        assert problems(settings) == []
        create_app(settings)  # does not raise


def test_cors_wildcard_is_refused_everywhere():
    with pytest.raises(ValueError, match="'\\*' is not allowed"):
        ServerSettings(CORS_ORIGINS="*")


def _paths(app) -> set[str]:
    return {getattr(route, "path", "") for route in app.routes}


def test_production_hides_the_docs_unless_asked(tmp_path):
    hidden = create_app(_production(tmp_path, TEST_SECRET))
    shown = create_app(_production(tmp_path, TEST_SECRET, DOCS_ENABLED=True))
    development = create_app(
        Settings(
            db=DatabaseSettings(DATABASE_URL="postgresql://unused@127.0.0.1:1/x"),
            auth=AuthSettings(DUKAAN_SECRET_KEY=TEST_SECRET),
            server=ServerSettings(DUKAAN_ENV="development"),
        )
    )

    for app in (hidden,):
        assert not {"/docs", "/redoc", "/openapi.json"} & _paths(app)
    for app in (shown, development):
        assert {"/docs", "/redoc", "/openapi.json"} <= _paths(app)


async def test_hidden_docs_answer_404_over_http(tmp_path, database_url):
    settings = _production(tmp_path, TEST_SECRET)
    settings.db.url = database_url
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            for path in ("/docs", "/redoc", "/openapi.json"):
                response = await http.get(path)
                assert response.status_code == 404, path
                assert response.json()["code"] == "not_found"
            assert (await http.get("/api/health")).status_code == 200


def test_the_cli_refuses_to_start_in_production_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DUKAAN_SECRET_KEY", "DATABASE_URL")}
    env |= {"DUKAAN_ENV": "production", "DUKAAN_DATA_DIR": str(tmp_path)}
    for command in ("serve", "worker"):
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", command],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert b"DUKAAN_SECRET_KEY" in done.stderr
    assert not (tmp_path / "pg").exists(), "no database was started"
