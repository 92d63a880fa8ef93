"""OpenAPI documentation of the error bodies (and their headers) every endpoint can return."""

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    detail: str = Field(examples=["Product 42 not found"])
    code: str = Field(examples=["not_found"])


class ValidationErrorBody(ErrorBody):
    errors: list[dict[str, Any]] = Field(
        description="FastAPI's field errors: each has `loc` (where), `msg` and `type`"
    )


_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that cannot be parsed)",
    401: "Missing, invalid or expired bearer token",
    403: "Your role may not do this",
    404: "Not found (or belongs to another shop)",
    409: "Conflicts with existing data",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input: `errors` lists the fields",
    429: "Too many requests; see Retry-After",
    503: "A dependency (database or provider) is unavailable; see Retry-After",
}

_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"detail": "The body is not valid JSON", "code": "bad_request"},
    401: {"detail": "Invalid or expired token", "code": "unauthorized"},
    403: {"detail": "Only the shop's owner may do this", "code": "forbidden"},
    404: {"detail": "Product 42 not found", "code": "not_found"},
    409: {"detail": "Not enough stock for Tata Salt 1kg: 2 left", "code": "conflict"},
    413: {"detail": "Request body too large", "code": "payload_too_large"},
    415: {"detail": "Send JSON as application/json", "code": "unsupported_media_type"},
    422: {
        "detail": "quantity: must be greater than 0",
        "code": "validation_error",
        "errors": [{"loc": ["body", "lines", 0, "quantity"], "msg": "must be greater than 0"}],
    },
    429: {"detail": "Too many requests; try again in 30 s", "code": "rate_limited"},
    503: {"detail": "The database is unavailable", "code": "database_unavailable"},
}
"""What each status's body looks like in the docs (one shared example read as if every
error were a missing product)."""

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    responses: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        responses[code] = {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": _DESCRIPTIONS[code],
            "content": {"application/json": {"example": _EXAMPLES[code]}},
        }
        if code in (429, 503):
            responses[code]["headers"] = _RETRY_AFTER
    return responses


AUTHED = (401, 422, 503)
"""Errors any authenticated endpoint can return."""

WRITE = (*AUTHED, 429)
"""Errors of an authenticated write (POST, PUT, PATCH, DELETE): also the per-token rate limit."""

BODY = (*WRITE, 400, 413, 415)
"""Errors of an authenticated write with a request body: also unparseable, too large, and
not declared as JSON (415)."""

PHONE: dict[str, Any] = {"format": "phone"}
"""`json_schema_extra` of a phone number as people type it (`98123 45678`, `+91 98123 45678`)."""


def link(method: str, path: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI link to the operation `method path`, its parameters read from this response.

    `link("GET", "/api/products/{product_id}", product_id="$response.body#/product_id")`
    """
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method.lower()}", "parameters": parameters}


def linked(status: int, **links: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """`responses=` entry adding `links` (named after what they do) to a success response."""
    return {status: {"links": links}}
