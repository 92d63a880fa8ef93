"""Twilio's delivery callbacks: checking their signature and reading their status.

Twilio signs each callback with the account's auth token over the exact URL it called and
the form parameters (`X-Twilio-Signature`); the SDK's `RequestValidator` recomputes it. A
wrong URL (say, behind a proxy) fails every check, so the URL is built from
`PUBLIC_BASE_URL`, the same base the status callback was sent with.
"""

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

STATUS_CALLBACK_PATH = "/api/webhooks/twilio/status"

_OUTBOX_STATUS = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",  # WhatsApp: read implies delivered
    "undelivered": "undeliverable",
    "failed": "failed",
    "canceled": "failed",
}


def status_callback_url(public_base_url: str) -> str:
    return f"{public_base_url.rstrip('/')}{STATUS_CALLBACK_PATH}"


def signature_is_valid(
    auth_token: str, url: str, params: Mapping[str, object], signature: str | None
) -> bool:
    """True when `signature` is Twilio's HMAC of `url` and `params` under `auth_token`.

    `params` holds text values only (a multi-dict such as Starlette's form is fine).
    """
    if not signature or not auth_token:
        return False
    # The mapping itself, not dict(params): the SDK signs every value of a repeated field.
    return bool(RequestValidator(auth_token).validate(url, params, signature))


def outbox_status(message_status: str) -> str | None:
    """Our status for Twilio's `MessageStatus`; None for one we do not track."""
    return _OUTBOX_STATUS.get(message_status.strip().lower())


def error_code(value: str | None) -> int | None:
    """Twilio's `ErrorCode` form field ("21610"), or None when absent or not a number."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())
