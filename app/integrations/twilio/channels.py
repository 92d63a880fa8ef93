"""`TwilioSMS` and `TwilioWhatsApp`: the two `MessageChannel`s over one `TwilioConnection`."""

from app.integrations.twilio.client import TwilioConnection

WHATSAPP_PREFIX = "whatsapp:"


def whatsapp_address(number: str) -> str:
    """Twilio names WhatsApp endpoints `whatsapp:+9198...`; accept either form."""
    return number if number.startswith(WHATSAPP_PREFIX) else f"{WHATSAPP_PREFIX}{number}"


class TwilioSMS:
    """SMS from a Twilio number, or from a Messaging Service (which picks the sender)."""

    name = "twilio_sms"

    def __init__(
        self,
        connection: TwilioConnection,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("TwilioSMS needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        self._connection = connection
        self._sender = (
            {"messaging_service_sid": messaging_service_sid}
            if messaging_service_sid
            else {"from_": from_number or ""}
        )

    async def send(
        self, to: str, body: str, *, status_callback: str | None, media_url: str | None = None
    ) -> str:
        """`media_url` is ignored: MMS does not reach Indian numbers; the text has the link."""
        extra = {"status_callback": status_callback} if status_callback else {}
        return await self._connection.create_message(to=to, body=body, **self._sender, **extra)

    async def aclose(self) -> None:
        await self._connection.aclose()


class TwilioWhatsApp:
    """WhatsApp through Twilio: both addresses in the `whatsapp:` form."""

    name = "twilio_whatsapp"

    def __init__(self, connection: TwilioConnection, *, from_number: str) -> None:
        self._connection = connection
        self._from = whatsapp_address(from_number)

    async def send(
        self, to: str, body: str, *, status_callback: str | None, media_url: str | None = None
    ) -> str:
        """`media_url` (a bill's PDF) goes as Twilio's `MediaUrl`: WhatsApp shows the
        document under the text, fetched by Twilio from that public address."""
        extra: dict[str, str | list[str]] = (
            {"status_callback": status_callback} if status_callback else {}
        )
        if media_url:
            extra["media_url"] = [media_url]
        return await self._connection.create_message(
            to=whatsapp_address(to), from_=self._from, body=body, **extra
        )

    async def aclose(self) -> None:
        await self._connection.aclose()
