"""A question answered: counted against the shop's daily cap, understood (Gemini when
configured, else or on failure the offline parser), compiled, run read-only, put in words.

The Gemini call is made with no transaction open (a slow provider must not hold a database
connection): the question is counted in one short transaction and answered in another, both
confined to the caller's shop. The count commits on its own even offline, on purpose: a
question that then fails (a 403, a query cut by the timeout) still counts against the cap.
"""

import datetime as dt
import functools
import logging
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.ask import answers, parser, repository
from app.ask.compiler import Unanswerable, compile_intent
from app.ask.intent import Dimension, Intent, Metric, Sort
from app.ask.schemas import AskOut, Chart
from app.auth import service as auth_service
from app.config import ExtractionSettings
from app.core.errors import Forbidden, RateLimited
from app.core.message_templates import Language
from app.core.security import Principal
from app.extraction import service as extraction
from app.integrations.gemini.client import GeminiError
from app.integrations.gemini.intent import GeminiIntentReader, response_schema

if TYPE_CHECKING:
    from google.genai import types

_log = logging.getLogger("dukaan.ask")
Engine = Literal["offline", "gemini"]


@functools.cache
def _schema() -> "types.Schema":
    """The intent's response schema, made at the first question sent to Gemini (the SDK is
    not loaded before)."""
    return response_schema(
        [m.value for m in Metric], [d.value for d in Dimension], [s.value for s in Sort]
    )


_OWNERS_ONLY = {Metric.PROFIT, Metric.PURCHASES, Metric.PAYABLE}
"""As in the rest of the API: profit and purchases are the owner's."""
_NOT_UNDERSTOOD: dict[Language, str] = {
    "en": "Sorry, I did not understand that. You can ask, for example: ",
    "hi": "माफ़ कीजिए, सवाल समझ नहीं आया। आप ऐसे पूछ सकते हैं: ",
}


async def _gemini_intent(
    question: str, today: dt.date, settings: ExtractionSettings
) -> Intent | None:
    """Gemini's reading of the question, checked; None on any failure or refusal."""
    try:
        raw = await GeminiIntentReader(settings, _schema()).read(question, today.isoformat())
    except GeminiError as exc:
        _log.info("gemini gave no intent, answering offline", extra={"reason": exc.reason})
        return None
    if raw.get("metric") is None:
        return None
    try:
        return Intent.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError:
        _log.warning("gemini intent refused: outside the intent schema")
        return None


def _not_understood(language: Language, engine: Engine, reason: str | None = None) -> AskOut:
    examples = "; ".join(f"“{q}”" for q in parser.EXAMPLES[language][:6])
    lead = f"{reason}. " if reason else ""
    return AskOut(
        answer=lead + _NOT_UNDERSTOOD[language] + examples,
        columns=[],
        rows=[],
        query_shown="Nothing was computed.",
        chart=None,
        understood=False,
        engine=engine,
    )


def _chart(intent: Intent) -> Chart | None:
    if len(intent.dimensions) != 1:
        return None
    (dimension,) = intent.dimensions
    timed = dimension in (Dimension.DAY, Dimension.MONTH)
    return Chart(type="line" if timed else "bar", x=dimension.value, y=intent.metric.value)


async def ask(
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    question: str,
    language: Language | None,
    settings: ExtractionSettings,
) -> AskOut:
    async with sessions() as session, session.begin():
        await auth_service.enter_shop(session, principal)
        shop = await auth_service.shop_settings(session, principal.shop_id)
        counted = await extraction.count_question(
            session, principal.shop_id, settings.ask_daily_cap
        )
    if not counted:
        raise RateLimited(
            f"The shop's {settings.ask_daily_cap} questions for today are used up",
            retry_after_s=shop.seconds_to_midnight(),
        )
    lang: Language = language or ("hi" if shop.language == "hi" else "en")
    today = shop.today()
    intent: Intent | None = None
    engine: Engine = "offline"
    if settings.gemini_enabled:
        intent = await _gemini_intent(question, today, settings)
        engine = "gemini" if intent is not None else "offline"
    async with sessions() as session, session.begin():
        await auth_service.enter_shop(session, principal)
        if intent is None:
            words = parser.name_words(question, today)
            known = await repository.known(session, principal.shop_id, words)
            intent = parser.parse(question, today, known)
        if intent is None:
            return _not_understood(lang, engine)
        if principal.role != "owner" and intent.metric in _OWNERS_ONLY:
            raise Forbidden(f"Only the shop owner can ask about {intent.metric.value}")
        try:
            query = compile_intent(intent, principal.shop_id, today)
        except Unanswerable as exc:
            return _not_understood(lang, engine, str(exc).capitalize())
        rows = await repository.run(session, query)
    return AskOut(
        answer=answers.sentence(intent, rows, lang),
        columns=list(query.columns),
        rows=rows,
        query_shown=answers.described(intent),
        chart=_chart(intent),
        understood=True,
        engine=engine,
    )
