"""HTTP endpoints of "ask the shop": `POST /api/ask`, and the legacy `POST /api/ai/sql/`."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.ask import service
from app.ask.schemas import AskIn, AskOut, LegacySqlOut, Question
from app.auth.dependencies import PrincipalDep
from app.core.openapi import BODY, WRITE, error_responses
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.db.session import get_sessionmaker

router = APIRouter(tags=["ask"], route_class=DecimalRoute)
Sessions = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


@router.post("/api/ask", response_model=AskOut, responses=error_responses(*BODY, 403))
async def ask(
    data: AskIn, request: Request, principal: PrincipalDep, sessions: Sessions
) -> DecimalJSONResponse:
    """A question about the shop's books in plain English, Hindi or Hinglish ("aaj kitni
    bikri hui?", "who owes me the most?"): a sentence, the table behind it and what was
    computed. Counted against the shop's daily cap (429). The model (when configured) never
    writes SQL: it picks from fixed metrics and filters that our code compiles. Profit,
    purchases and what the shop owes vendors are the owner's (403 for staff)."""
    settings = request.app.state.settings.extraction
    return respond(await service.ask(sessions, principal, data.question, data.language, settings))


@router.post("/api/ai/sql/", response_model=LegacySqlOut, responses=error_responses(*WRITE, 403))
async def legacy_ask(
    request: Request,
    principal: PrincipalDep,
    sessions: Sessions,
    prompt: Annotated[Question, Query(description="The question")],
) -> DecimalJSONResponse:
    """For old clients of the "Sahaayak AI" tab: the same answer in their shape. `query` is
    the description of what was computed; no SQL is written by the model or shown."""
    settings = request.app.state.settings.extraction
    answer = await service.ask(sessions, principal, prompt, None, settings)
    return respond(
        LegacySqlOut(
            answer=answer.answer,
            query=answer.query_shown,
            columns=answer.columns,
            data=answer.rows,
            error=None if answer.understood else "not understood",
        )
    )
