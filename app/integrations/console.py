"""The console channel: logs each message instead of sending it.

The default when Twilio is not configured, so `make run` works offline and a developer sees
exactly what a customer would have received.
"""

import logging
import uuid

_log = logging.getLogger("dukaan.messages.console")


class ConsoleChannel:
    """Writes the text to the JSON log and answers with a made-up id `console-<uuid>`."""

    def __init__(self, name: str = "console") -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    async def send(
        self, to: str, body: str, *, status_callback: str | None, media_url: str | None = None
    ) -> str:
        message_id = f"console-{uuid.uuid4()}"
        _log.info(
            "message (console, not sent)",
            extra={"to": to, "body": body, "media_url": media_url, "provider_id": message_id},
        )
        return message_id

    async def aclose(self) -> None:
        return None
