"""`/api/health` (the process is up) and `/api/ready` (database reachable, migrations current)."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.core.errors import DatabaseUnavailable
from app.core.openapi import ErrorBody
from app.core.responses import DecimalJSONResponse, respond
from app.db.migrate import current_revision, head_revision

router = APIRouter(prefix="/api", tags=["system"])


class Health(BaseModel):
    status: str = "ok"


class Ready(BaseModel):
    status: str
    database: str
    migration: str | None = Field(description="The database's migration; null in production")
    expected_migration: str | None = Field(description="This code's migration; null in production")


@router.get("/health", response_model=Health)
async def health() -> DecimalJSONResponse:
    return respond(Health())


_NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Ready | ErrorBody,
        "description": "Not ready: the database is unreachable (`database_unavailable`, with "
        "Retry-After), or migrations are pending (`status: migrations_pending`)",
    }
}


@router.get("/ready", response_model=Ready, responses=_NOT_READY)
async def ready(request: Request) -> DecimalJSONResponse:
    expected = head_revision()
    try:
        current = await current_revision(request.app.state.engine)
    except (SQLAlchemyError, DBAPIError, OSError) as exc:
        raise DatabaseUnavailable() from exc
    # The migration id dates the code that runs here; in production that is nobody's business.
    reveal = request.app.state.settings.server.env != "production"
    body = Ready(
        status="ok" if current == expected else "migrations_pending",
        database="ok",
        migration=current if reveal else None,
        expected_migration=expected if reveal else None,
    )
    return respond(body, status_code=200 if current == expected else 503)
