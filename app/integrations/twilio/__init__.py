"""Twilio SMS and WhatsApp through the official `twilio` SDK's asyncio client.

`TwilioConnection` is one authenticated SDK client (one aiohttp session), shared by the SMS
and WhatsApp channels; `webhooks` checks Twilio's signed delivery callbacks.
"""

from app.integrations.twilio.channels import TwilioSMS, TwilioWhatsApp
from app.integrations.twilio.client import TwilioConnection, is_retryable

__all__ = ["TwilioConnection", "TwilioSMS", "TwilioWhatsApp", "is_retryable"]
