"""A loopback fake of the Gemini API (`generateContent`) for the real `google-genai` SDK.

It runs an HTTP server on 127.0.0.1 in a thread, records every request (path, headers, JSON
body) and answers as told: a structured bill, or a failure - hang past the client's timeout,
429, 500, a body that is not JSON, prose instead of JSON, or JSON outside the schema.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from app.config import ExtractionSettings

Mode = Literal["ok", "hang", "429", "500", "garbage", "prose", "schema"]

DEFAULT_ANSWER: dict[str, Any] = {
    "vendor_name": "Agarwal Traders",
    "bill_date": "2026-11-12",
    "bill_total": 1390.0,
    "lines": [
        {"name": "Tata Salt 1kg", "quantity": 20, "unit": None, "rate": 22.5, "amount": 450.0},
        {"name": "Fortune Oil 1Ltr", "quantity": 5, "unit": "pcs", "rate": 140, "amount": 700},
        {"name": "Parle G Bisc", "quantity": 48, "rate": 5, "amount": 240, "confidence": 0.8},
    ],
}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def parts(self) -> list[dict[str, Any]]:
        return [part for content in self.body["contents"] for part in content["parts"]]

    def image(self) -> tuple[str, bytes]:
        """The (mime type, bytes) of the image the SDK sent inline."""
        inline = next(
            part.get("inlineData") or part["inline_data"]
            for part in self.parts()
            if "inlineData" in part or "inline_data" in part
        )
        data = inline["data"]  # the SDK sends URL-safe base64; protobuf JSON accepts both
        mime = inline.get("mimeType") or inline["mime_type"]
        return mime, base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))

    @property
    def generation_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.body.get("generationConfig", {})
        return config


@dataclass
class FakeGemini:
    mode: Mode = "ok"
    answer: Any = field(default_factory=lambda: json.loads(json.dumps(DEFAULT_ANSWER)))
    hang_seconds: float = 30.0
    requests: list[Recorded] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    received: threading.Event = field(default_factory=threading.Event)
    _release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def settings(self, **overrides: Any) -> ExtractionSettings:
        """Extraction settings that point the real SDK here (short timeout, one retry)."""
        values: dict[str, Any] = {
            "GEMINI_API_KEY": "fake-key-for-tests",
            "GEMINI_BASE_URL": self.url,
            "GEMINI_MODEL": "gemini-test-flash",
            "GEMINI_TIMEOUT_SECONDS": 2,
            "GEMINI_MAX_RETRIES": 1,
            "EXTRACTION_FALLBACK": "ocr",
        }
        return ExtractionSettings(**(values | overrides))

    def start(self) -> "FakeGemini":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length)
                fake.requests.append(
                    Recorded(
                        self.path,
                        {key.lower(): value for key, value in self.headers.items()},
                        json.loads(raw or b"{}"),
                    )
                )
                fake.received.set()
                fake._answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _error(self, handler: BaseHTTPRequestHandler, code: int, status: str) -> None:
        body = {"error": {"code": code, "message": f"fake {status}", "status": status}}
        self._send(handler, code, json.dumps(body).encode())

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        if self.mode == "hang":
            self._release.wait(self.hang_seconds)
            return
        if self.mode == "429":
            return self._error(handler, 429, "RESOURCE_EXHAUSTED")
        if self.mode == "500":
            return self._error(handler, 500, "INTERNAL")
        if self.mode == "garbage":
            return self._send(handler, 200, b"<html>upstream proxy error</html>")
        if self.mode == "prose":
            text = "Sure! Here are the items: salt, oil and biscuits."
        elif self.mode == "schema":
            text = json.dumps({"lines": [{"name": "Salt", "quantity": -3, "action": "delete"}]})
        else:
            text = self.answer if isinstance(self.answer, str) else json.dumps(self.answer)
        response = {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": text}]},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1},
            "modelVersion": "gemini-test-flash",
        }
        self._send(handler, 200, json.dumps(response).encode())


def offline_settings(**overrides: Any) -> ExtractionSettings:
    """Extraction settings with no Gemini key, whatever the developer's environment says."""
    return ExtractionSettings(**({"GEMINI_API_KEY": None} | overrides))
