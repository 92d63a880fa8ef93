"""Uvicorn's HTTP protocol with a deadline for the request head (slowloris guard).

Uvicorn times out idle keep-alive connections, but any byte received cancels that timer and
nothing bounds how long a client may take to finish its request line and headers. A client
that connects and sends nothing, or dribbles one header byte every few seconds, holds a
connection (a file descriptor, a slot under `limit_concurrency`) forever; a few thousand of
them starve a worker. Here each request head must be complete within `HEADER_TIMEOUT_SECONDS`
of its connection opening (or, on a kept-alive connection, of the next request's first
byte); past that the connection gets a 408 and is closed. Request bodies are not covered:
they stream into the app, which reads them under its own size limits.

`dukaan serve` passes this class to Uvicorn as its `http` protocol. No application code.
"""

import asyncio
import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import get_settings

_TIMED_OUT_BODY = json.dumps(
    {"detail": "The request head took too long to arrive", "code": "request_timeout"}
).encode()
_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(_TIMED_OUT_BODY)).encode() + b"\r\n\r\n" + _TIMED_OUT_BODY
)


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that closes a connection whose request head is not complete in time."""

    _header_deadline: asyncio.TimerHandle | None = None

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(
                get_settings().server.header_timeout_s, self._header_timed_out
            )

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _header_timed_out(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.write(_TIMED_OUT)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        # The first byte of the next request on a kept-alive connection starts its clock.
        super().on_message_begin()
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()
