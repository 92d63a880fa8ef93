"""One Twilio REST client built from settings, and how its failures map to `SendFailed`.

Built on the SDK's `AsyncTwilioHttpClient` (aiohttp), so a send never blocks the event loop.
The base URL comes from `TWILIO_BASE_URL`, so tests point the real SDK at a loopback fake.

The auth token is given to the SDK and nowhere else: it is never logged, never part of an
error reason, and the SDK's own request log (which leaves out the Authorization header) is
kept at WARNING.
"""

import asyncio
import logging
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app.config import MessagingSettings
from app.integrations.messaging import SendFailed

RETRYABLE_CODES = frozenset({20429, 30001, 30003, 30500})
"""Too many requests, queue overflow, unreachable handset, service unavailable."""
PERMANENT_CODES = frozenset({21211, 21608, 21610, 21614, 21635})
"""Invalid 'To', unverified trial number, unsubscribed (STOP), not a mobile, not routable."""

_http_log = logging.getLogger("dukaan.integrations.twilio.http")
# The SDK logs every request's URL and headers at INFO; one line per message is our job.
_http_log.setLevel(logging.WARNING)
MAX_REASON = 300


def is_retryable(status: int, code: int | None) -> bool:
    """Whether a Twilio error answer may succeed if the same message is sent again later.

    Twilio's error code decides when we know it; otherwise the HTTP status does: 429 and
    5xx are temporary, any other 4xx is a request that will be refused again.
    """
    if code in RETRYABLE_CODES:
        return True
    if code in PERMANENT_CODES:
        return False
    return status == 429 or status >= 500


def _error_code(exc: TwilioRestException | TwilioServiceException) -> int | None:
    code: Any = exc.code
    try:
        return int(code) if code is not None else None
    except (TypeError, ValueError):
        return None


def _error_message(exc: TwilioRestException | TwilioServiceException) -> str:
    if isinstance(exc, TwilioServiceException):
        return f"{exc.title}: {exc.detail}" if exc.detail else str(exc.title)
    return str(exc.msg).removeprefix("Unable to create record: ")


def failure_from_answer(exc: TwilioRestException | TwilioServiceException) -> SendFailed:
    """Twilio answered with an error: retryable or not by its code and HTTP status."""
    status = int(exc.status)
    code = _error_code(exc)
    reason = f"twilio {code} (HTTP {status}): {_error_message(exc)}"[:MAX_REASON]
    return SendFailed(reason, retryable=is_retryable(status, code), code=code)


class TwilioConnection:
    """The SDK client for one account, with an explicit timeout on every call.

    Create it inside the running event loop (aiohttp binds its session to the loop) and
    `aclose()` it when done.
    """

    def __init__(self, settings: MessagingSettings) -> None:
        if not settings.twilio_configured or settings.twilio_auth_token is None:
            raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed for Twilio")
        self.timeout_s = settings.twilio_timeout_s
        # The SDK keeps this timeout but does not apply it to async calls (twilio 9), so
        # `create_message` also bounds each call with asyncio.timeout.
        self._http = AsyncTwilioHttpClient(timeout=self.timeout_s, logger=_http_log)
        self._client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            http_client=self._http,
        )
        # Edge/region from the environment would rewrite the host of TWILIO_BASE_URL.
        self._client.edge = None
        self._client.region = None
        self._client.api.base_url = settings.twilio_base_url
        self._closed = False

    async def create_message(self, **params: str | list[str]) -> str:
        """POST one message (`to`, `body`, `from_` or `messaging_service_sid`, ...); its SID.

        Raises `SendFailed`: retryable for network errors, timeouts, 429 and 5xx.
        """
        try:
            async with asyncio.timeout(self.timeout_s):
                message = await self._client.messages.create_async(**params)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise failure_from_answer(exc) from None
        except TimeoutError:
            raise SendFailed(
                f"Twilio did not answer within {self.timeout_s:g}s", retryable=True
            ) from None
        except aiohttp.ClientError as exc:
            reason = f"network error talking to Twilio: {type(exc).__name__}: {exc}"
            raise SendFailed(reason[:MAX_REASON], retryable=True) from None
        except ValueError as exc:
            # A 2xx whose body is not Twilio's JSON: the message may have been accepted,
            # so sending it again could duplicate it.
            raise SendFailed(
                f"unreadable answer from Twilio: {exc}"[:MAX_REASON], retryable=False
            ) from None
        sid = getattr(message, "sid", None)
        if not isinstance(sid, str) or not sid:
            raise SendFailed("Twilio accepted the message but returned no SID", retryable=False)
        return sid

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self._http.close()
