"""`POST /api/webhooks/twilio/status`: Twilio's delivery reports. No bearer token.

Anyone can reach this URL, so every request must carry Twilio's `X-Twilio-Signature`: an
HMAC under the account's auth token of the URL Twilio called (`PUBLIC_BASE_URL` + path) and
every form field. A missing or wrong signature, or a body changed after signing, is a 403.
It runs in a system session: the message is found by its provider id, whatever the shop.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from app.config import Settings
from app.core.errors import Forbidden
from app.core.openapi import error_responses
from app.db.session import SessionDep
from app.integrations.twilio.webhooks import (
    STATUS_CALLBACK_PATH,
    error_code,
    signature_is_valid,
    status_callback_url,
)
from app.notifications import callbacks

router = APIRouter(tags=["webhooks"])


class TwilioStatusForm(BaseModel):
    """The fields of Twilio's status callback that are read (Twilio sends more)."""

    MessageSid: str = Field(examples=["SM0123456789abcdef0123456789abcdef"])
    MessageStatus: str = Field(
        examples=["delivered"],
        description="queued, sending, sent, delivered, read (WhatsApp), undelivered, failed",
    )
    ErrorCode: str | None = Field(default=None, examples=["21610"])
    AccountSid: str | None = None
    To: str | None = None
    From: str | None = None


def _responses() -> dict[int | str, dict[str, Any]]:
    documented = error_responses(403, 503)
    documented[403] = documented[403] | {
        "description": "Missing or invalid `X-Twilio-Signature` (or the body was changed)"
    }
    documented[204] = {
        "description": "Applied; also for an unknown message or a report that is not a step "
        "forward (nothing changes)"
    }
    return documented


async def signed_twilio_form(
    request: Request,
    signature: Annotated[
        str | None,
        Header(
            alias="X-Twilio-Signature",
            description="Twilio's HMAC-SHA1 of the URL and the form fields, base64",
        ),
    ] = None,
) -> FormData:
    """The callback's form fields, once the signature proves Twilio sent them."""
    settings: Settings = request.app.state.settings
    messaging = settings.messaging
    token = messaging.twilio_auth_token.get_secret_value() if messaging.twilio_auth_token else ""
    if not messaging.public_base_url or not token:
        raise Forbidden("Twilio callbacks are not accepted: PUBLIC_BASE_URL or the token is unset")
    form = await request.form()
    if any(not isinstance(value, str) for _, value in form.multi_items()):
        raise Forbidden("Twilio callbacks carry form fields only, no files")
    url = status_callback_url(messaging.public_base_url)
    if request.url.query:
        url = f"{url}?{request.url.query}"
    if not signature_is_valid(token, url, form, signature):
        raise Forbidden("Missing or invalid X-Twilio-Signature")
    return form


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


@router.post(
    STATUS_CALLBACK_PATH,
    status_code=204,
    response_class=Response,
    responses=_responses(),
    summary="Twilio delivery status callback",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": TwilioStatusForm.model_json_schema()
                }
            },
        }
    },
)
async def twilio_status(
    session: SessionDep, form: Annotated[FormData, Depends(signed_twilio_form)]
) -> Response:
    """Record how far a message got (`sent`, `delivered`, `undeliverable`, `failed`).

    Only forward steps apply: a late `sent` after `delivered` changes nothing. Error code
    21610 (the recipient replied STOP) also opts the customer or vendor out.
    """
    await callbacks.apply_twilio_status(
        session,
        provider_id=_text(form, "MessageSid") or _text(form, "SmsSid") or "",
        message_status=_text(form, "MessageStatus") or _text(form, "SmsStatus") or "",
        error_code=error_code(_text(form, "ErrorCode")),
    )
    return Response(status_code=204)
