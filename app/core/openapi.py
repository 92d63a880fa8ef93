"""OpenAPI documentation of the error bodies every endpoint can return."""

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
    400: "Malformed request",
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


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "model": ValidationErrorBody if code == 422 else ErrorBody,
            "description": _DESCRIPTIONS[code],
        }
        for code in codes
    }


AUTHED = (401, 422, 503)
"""Errors any authenticated endpoint can return."""
