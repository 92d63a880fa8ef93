"""Gemini turns a shop owner's question into an intent: JSON under a response schema whose
fields are enums (metric, dimensions, sort) or bounded values. It never writes SQL; what it
returns is checked again by `app.ask` (an unknown key or value makes it unusable)."""

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.config import ExtractionSettings
from app.integrations.gemini.client import GeminiError, async_client, failure_reason

if TYPE_CHECKING:  # the SDK (about 15 MB) is loaded by the first call to Gemini
    from google.genai import types

_log = logging.getLogger("dukaan.gemini")

INSTRUCTION = (
    "You turn a small Indian shop owner's question (English, Hindi or Hinglish) about their "
    "own shop's books into one JSON intent in the given schema. Use only the enum values. "
    "Dates are ISO (YYYY-MM-DD), computed from today's date given with the question; a week "
    "starts on Monday. `product` and `party` are names or phone digits from the question, "
    "verbatim. `sort`: desc for the largest first (top, most), asc for the smallest first "
    "(slowest, least, low stock), time for a series by day or month in date order. Without a "
    "period in the question leave the dates null (all time). If the question is not about "
    "the shop's sales, profit, quantity sold, bills, purchases, payments received, udhaar "
    "(credit) owed by customers or to vendors, or stock, "
    'answer {"metric": null}. Never answer with SQL or anything else.'
)


def _nullable(schema: "types.Schema") -> "types.Schema":
    schema.nullable = True
    return schema


def response_schema(
    metrics: Sequence[str], dimensions: Sequence[str], sorts: Sequence[str]
) -> "types.Schema":
    from google.genai import types

    text = types.Type.STRING
    return types.Schema(
        type=types.Type.OBJECT,
        properties={
            "metric": _nullable(types.Schema(type=text, enum=list(metrics))),
            "dimensions": types.Schema(
                type=types.Type.ARRAY,
                items=types.Schema(type=text, enum=list(dimensions)),
                max_items="2",
            ),
            "date_from": _nullable(types.Schema(type=text, format="date")),
            "date_to": _nullable(types.Schema(type=text, format="date")),
            "product": _nullable(types.Schema(type=text)),
            "party": _nullable(types.Schema(type=text)),
            "overdue": types.Schema(type=types.Type.BOOLEAN),
            "low_stock": types.Schema(type=types.Type.BOOLEAN),
            "sort": types.Schema(type=text, enum=list(sorts)),
            "limit": types.Schema(type=types.Type.INTEGER, minimum=1, maximum=100),
        },
        required=["metric"],
    )


class GeminiIntentReader:
    """One question per call; a new SDK client per call, closed after it."""

    def __init__(self, settings: ExtractionSettings, schema: "types.Schema") -> None:
        if settings.gemini_api_key is None:
            raise ValueError("GEMINI_API_KEY is not set")
        self._settings = settings
        self._api_key = settings.gemini_api_key.get_secret_value()
        self._schema = schema

    async def read(self, question: str, today: str) -> dict[str, Any]:
        """The model's intent as a JSON object (unchecked); `GeminiError` on any failure."""
        from google.genai import types

        settings = self._settings
        client = async_client(settings, self._api_key)
        try:
            async with asyncio.timeout(settings.ask_timeout_s):
                response = await client.models.generate_content(
                    model=settings.gemini_model,
                    contents=f"Today is {today}. Question: {question}",
                    config=types.GenerateContentConfig(
                        system_instruction=INSTRUCTION,
                        response_mime_type="application/json",
                        response_schema=self._schema,
                        temperature=0,
                        candidate_count=1,
                        automatic_continuation=False,
                    ),
                )
        except TimeoutError as exc:
            raise GeminiError("timed out") from exc
        except Exception as exc:  # the SDK's and transports' errors are not enumerable
            _log.warning("gemini call failed", extra={"error": type(exc).__name__})
            raise GeminiError(failure_reason(exc)) from exc
        finally:
            await client.aclose()
        try:
            answer = json.loads(response.text or "")
        except ValueError as exc:
            raise GeminiError("answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise GeminiError("answer is not a JSON object")
        return answer
