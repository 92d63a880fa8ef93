"""Delivery reports from the provider (Twilio status callbacks) applied to the outbox.

Callbacks arrive late, twice, or out of order, so a report only moves a message forward
(`delivery.apply_status`); a report for a message we do not know changes nothing. A report
with Twilio's 21610 (the recipient replied STOP) also opts the customer or vendor out, as a
failed send with that code does.
"""

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.twilio.webhooks import outbox_status
from app.notifications import delivery
from app.notifications.dispatcher import OPTED_OUT_CODE

_log = logging.getLogger("dukaan.messages.callbacks")


async def apply_twilio_status(
    session: AsyncSession,
    *,
    provider_id: str,
    message_status: str,
    error_code: int | None,
) -> bool:
    """Apply one status report; True when a message changed."""
    status = outbox_status(message_status)
    if status is None or not provider_id:
        return False
    error = f"twilio {error_code}: {message_status}" if error_code is not None else None
    changed = await delivery.apply_status(session, provider_id, status, error=error)
    if error_code == OPTED_OUT_CODE:
        for message in await delivery.parties_of(session, provider_id):
            await delivery.opt_out(
                session,
                message.shop_id,
                customer_id=message.customer_id,
                vendor_id=message.vendor_id,
            )
    _log.info(
        "delivery report",
        extra={
            "provider_id": provider_id,
            "provider_status": message_status,
            "status": status,
            "error_code": error_code,
            "applied": bool(changed),
        },
    )
    return bool(changed)
