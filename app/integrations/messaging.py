"""The `MessageChannel` interface every way of sending a text implements, and its one error.

The dispatcher knows channels only through this module, so SMS, WhatsApp, the console and
the tests' fakes are interchangeable. Nothing in `app.integrations` touches the database:
a channel sends one text and reports what happened; what that means for the outbox row is
decided by the dispatcher.
"""

from typing import Protocol, runtime_checkable


class SendFailed(Exception):
    """A send that did not reach the provider, or that the provider refused.

    `retryable` says whether the same message may succeed later (network trouble, timeouts,
    rate limits, provider outages); `code` is the provider's error code when it gave one
    (Twilio 21610 means the recipient replied STOP); `reason` is short, human and safe to
    store and show (never a credential).
    """

    def __init__(self, reason: str, *, retryable: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.code = code

    def __repr__(self) -> str:
        return f"SendFailed({self.reason!r}, retryable={self.retryable}, code={self.code})"


@runtime_checkable
class MessageChannel(Protocol):
    """One way of delivering a text to a phone number."""

    @property
    def name(self) -> str:
        """Stable and short (`console`, `twilio_sms`, `twilio_whatsapp`), for logs."""
        ...

    async def send(
        self, to: str, body: str, *, status_callback: str | None, media_url: str | None = None
    ) -> str:
        """Hand the text to the provider; return its message id, or raise `SendFailed`.

        `to` is E.164 (`+919812345678`). `status_callback`, when given, is the URL the
        provider should report delivery to. `media_url`, when given, is a document (a bill's
        PDF) to attach where the channel can carry one; a channel that cannot ignores it.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; the channel is not used afterwards."""
        ...
