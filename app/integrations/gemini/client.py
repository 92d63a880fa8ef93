"""The Gemini client: built from settings, with an overall deadline and bounded retries.

Every failure the SDK or the network can produce (timeouts, 429, 5xx, a blocked or empty answer,
text that is not JSON, JSON outside the schema) leaves this module as one `GeminiError`, so the
caller decides between the offline fallback and a 503 without knowing the SDK's exceptions.
"""

import asyncio
import json
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import ValidationError

from app.config import ExtractionSettings
from app.integrations.gemini.schema import INSTRUCTION, GeminiBill, response_schema

if TYPE_CHECKING:  # the SDK (about 15 MB) is loaded by the first call to Gemini, not by
    # every API worker
    from google.genai import types
    from google.genai.client import AsyncClient

_log = logging.getLogger("dukaan.gemini")

RETRYABLE_STATUS = [408, 429, 500, 502, 503, 504]
_PROMPT = "Read this bill."


class GeminiError(Exception):
    """Gemini could not give a usable answer in time; `reason` is short and safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def async_client(settings: ExtractionSettings, api_key: str) -> "AsyncClient":
    """A new SDK client for one call (the caller closes it): the Gemini API, not Vertex,
    with our timeouts and retries."""
    from google import genai

    return genai.Client(api_key=api_key, vertexai=False, http_options=_http_options(settings)).aio


def _http_options(settings: ExtractionSettings) -> "types.HttpOptions":
    """Per-attempt timeout and retries; `base_url` lets tests aim the real SDK at a fake."""
    from google.genai import types

    return types.HttpOptions(
        base_url=settings.gemini_base_url,
        timeout=max(1, round(settings.gemini_timeout_s * 1000)),
        retry_options=types.HttpRetryOptions(
            attempts=settings.gemini_max_retries + 1,
            initial_delay=0.2,
            max_delay=2.0,
            jitter=0.5,
            http_status_codes=RETRYABLE_STATUS,
        ),
    )


def parse_answer(text: str | None) -> GeminiBill:
    """The model's JSON text as a checked bill; numbers are read as Decimal, never binary float."""
    if not text:
        raise GeminiError("empty answer")
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise GeminiError("answer is not JSON") from exc
    try:
        return GeminiBill.model_validate(data)
    except ValidationError as exc:
        raise GeminiError("answer does not fit the response schema") from exc


class GeminiBillReader:
    """Reads one bill photo per call; a new SDK client per call, closed after it."""

    def __init__(self, settings: ExtractionSettings) -> None:
        if settings.gemini_api_key is None:
            raise ValueError("GEMINI_API_KEY is not set")
        self._settings = settings
        self._api_key = settings.gemini_api_key.get_secret_value()

    def _config(self) -> "types.GenerateContentConfig":
        from google.genai import types

        return types.GenerateContentConfig(
            system_instruction=INSTRUCTION,
            response_mime_type="application/json",
            response_schema=response_schema(),
            temperature=0,
            candidate_count=1,
            automatic_continuation=False,
        )

    async def read_bill(self, image: bytes, mime_type: str) -> GeminiBill:
        from google.genai import types

        settings = self._settings
        client = async_client(settings, self._api_key)
        try:
            # The whole call, retries and back-off included, fits in the configured timeout.
            async with asyncio.timeout(settings.gemini_timeout_s):
                response = await client.models.generate_content(
                    model=settings.gemini_model,
                    contents=types.Content(
                        role="user",
                        parts=[
                            types.Part.from_bytes(data=image, mime_type=mime_type),
                            types.Part.from_text(text=_PROMPT),
                        ],
                    ),
                    config=self._config(),
                )
        except TimeoutError as exc:
            raise GeminiError("timed out") from exc
        except Exception as exc:  # the SDK's and transports' errors are not enumerable
            _log.warning("gemini call failed", extra={"error": type(exc).__name__})
            raise GeminiError(failure_reason(exc)) from exc
        finally:
            await client.aclose()
        return parse_answer(response.text)


def failure_reason(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    if isinstance(code, int):
        return "rate limited" if code == 429 else f"HTTP {code}"
    return type(exc).__name__
