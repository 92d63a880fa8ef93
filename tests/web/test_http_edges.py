"""The edges every client meets: errors, request ids, body limits, slashes, CORS, probes,
media types and the links in replies."""

import httpx
import pytest
from pydantic import ValidationError

from app.config import MessagingSettings, ServerSettings
from app.main import create_app
from tests.conftest import create_product, make_settings, register_shop, unique_phone


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


async def test_each_documented_error_shows_an_example_of_its_own_status(client):
    """The docs show a 401 as a bad token and a 403 as a role refusal, not every error as a
    missing product."""
    responses = (await client.get("/openapi.json")).json()["paths"]["/api/products/"]["post"][
        "responses"
    ]
    examples = {
        status: responses[status]["content"]["application/json"]["example"]
        for status in ("401", "422", "429")
    }
    assert examples["401"]["code"] == "unauthorized"
    assert examples["422"]["code"] == "validation_error" and examples["422"]["errors"]
    assert examples["429"]["code"] == "rate_limited"
    assert len({example["detail"] for example in examples.values()}) == 3


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


# A JSON endpoint told the body is something else answers 415, not a 422 about the fields.

_NOT_JSON = [
    ("text/plain", b'{"product_name": "Salt", "price_purchase": 1, "price_sale": 2}'),
    ("application/x-www-form-urlencoded", b"product_name=Salt&price_purchase=1&price_sale=2"),
    ("multipart/form-data; boundary=x", b"--x--\r\n"),
    (None, b'{"product_name": "Salt", "price_purchase": 1, "price_sale": 2}'),
]


@pytest.mark.parametrize(("content_type", "body"), _NOT_JSON, ids=lambda v: str(v)[:20])
async def test_a_json_body_sent_as_something_else_is_415(client, shop, content_type, body):
    headers = dict(shop.headers)
    if content_type:
        headers["Content-Type"] = content_type
    response = await client.post("/api/products/", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["code"] == "unsupported_media_type"
    assert "application/json" in response.json()["detail"]
    assert (await client.get("/api/products/", headers=shop.headers)).json() == []


async def test_json_with_a_charset_or_a_json_suffix_is_accepted(client, shop):
    for content_type in ("application/json; charset=utf-8", "application/vnd.dukaan+json"):
        response = await client.post(
            "/api/products/",
            content=f'{{"product_name": "{content_type}", "price_purchase": 1, "price_sale": 2}}',
            headers=shop.headers | {"Content-Type": content_type},
        )
        assert response.status_code == 201, response.text


async def test_every_json_operation_refuses_a_body_that_is_not_json(client, shop):
    schema = (await client.get("/openapi.json")).json()
    checked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            url = "".join(part if not part.startswith("{") else "1" for part in _split(path))
            response = await client.request(
                method,
                url,
                content=b"{}",
                headers=shop.headers | {"Content-Type": "text/plain"},
            )
            assert response.status_code == 415, (method, path, response.text)
            checked.append((method, path))
    assert ("post", "/api/sales/") in checked and ("post", "/api/auth/register") in checked


def _split(path: str) -> list[str]:
    """`/api/x/{id}/y` -> ['/api/x/', '{id}', '/y']."""
    parts, rest = [], path
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        parts += [before, "{" + name + "}"]
    return [*parts, rest]


async def test_a_form_endpoint_still_takes_its_form(client, shop):
    response = await client.post(
        "/api/auth/token", data={"username": shop.phone, "password": "chai-biscuit-1"}
    )
    assert response.status_code == 200, response.text


# Links in replies never come from the request's Host header.


async def test_the_next_page_link_ignores_a_forged_host(client, shop):
    for index in range(3):
        await create_product(client, shop, product_name=f"Item {index}")
    response = await client.get(
        "/api/products/?limit=2&q=item",
        headers=shop.headers | {"Host": "evil.example:666"},
    )
    assert response.headers["link"] == '</api/products/?limit=2&q=item&offset=2>; rel="next"'


async def test_the_next_page_link_uses_the_public_base_url(database_url, tmp_path):
    settings = make_settings(
        database_url,
        tmp_path,
        messaging=MessagingSettings(PUBLIC_BASE_URL="https://books.example.in/", DISPATCHER="off"),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            shop = await register_shop(http)
            for index in range(3):
                await http.post(
                    "/api/customers/",
                    json={"customer_name": f"C{index}", "phone_no": unique_phone()},
                    headers=shop.headers,
                )
            response = await http.get(
                "/api/customers/?limit=1", headers=shop.headers | {"Host": "evil.example"}
            )
    assert response.headers["link"] == (
        '<https://books.example.in/api/customers/?limit=1&offset=1>; rel="next"'
    )


async def test_ready_hides_the_migration_in_production(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    settings.server.env = "production"
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/api/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migration": None,
        "expected_migration": None,
    }
