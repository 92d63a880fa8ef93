"""The edges every client meets: errors, request ids, body limits, slashes, CORS, probes."""

import httpx
import pytest
from pydantic import ValidationError

from app.config import ServerSettings
from app.main import create_app
from tests.conftest import make_settings


async def test_unknown_route_is_a_json_404(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint", "code": "not_found"}


async def test_wrong_method_is_a_json_405(client):
    response = await client.patch("/api/health")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_malformed_json_is_422_with_a_location(client, shop):
    response = await client.post(
        "/api/products/",
        content=b'{"product_name": ',
        headers=shop.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "body"


async def test_a_json_body_over_one_megabyte_is_413(client, shop):
    big = b'{"product_name": "' + b"x" * (1_100_000) + b'"}'
    response = await client.post(
        "/api/products/", content=big, headers=shop.headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_request_id_is_echoed_or_minted(client):
    echoed = await client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    minted = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(minted.headers["x-request-id"]) == 32


async def test_paths_work_with_and_without_the_trailing_slash(client, shop):
    created = await client.post(
        "/api/products",
        json={"product_name": "Slashless", "price_purchase": 1, "price_sale": 2},
        headers=shop.headers,
    )
    assert created.status_code == 201, created.text
    listed = await client.get("/api/products", headers=shop.headers)
    assert listed.status_code == 200 and len(listed.json()) == 1
    one = await client.get(f"/api/products/{created.json()['product_id']}/", headers=shop.headers)
    assert one.status_code == 200


async def test_ready_reports_database_and_migrations(client):
    response = await client.get("/api/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["migration"] == response.json()["expected_migration"]


async def test_docs_and_schema_are_served(client):
    assert (await client.get("/docs")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert "/api/products/" in schema["paths"]
    assert "422" in schema["paths"]["/api/products/"]["post"]["responses"]


async def test_cors_allows_only_configured_origins(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path, CORS_ORIGINS="https://app.example.in")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            preflight = {"Access-Control-Request-Method": "POST"}
            allowed = await http.options(
                "/api/products/", headers=preflight | {"Origin": "https://app.example.in"}
            )
            denied = await http.options(
                "/api/products/", headers=preflight | {"Origin": "https://evil.example"}
            )
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.in"
    assert "access-control-allow-origin" not in denied.headers


def test_a_wildcard_cors_origin_is_refused():
    with pytest.raises(ValidationError):
        ServerSettings(CORS_ORIGINS="*")


async def test_a_chunked_body_is_cut_off_at_the_limit(client, shop):
    async def chunks():
        for _ in range(20):
            yield b"x" * 100_000

    response = await client.post(
        "/api/products/",
        content=chunks(),
        headers=shop.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
