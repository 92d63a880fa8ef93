"""A loopback fake of Twilio's Messages API, for the real `twilio` SDK to talk to.

It serves `POST /2010-04-01/Accounts/{sid}/Messages.json` on 127.0.0.1 (a Starlette app under
Uvicorn in a thread, so it also serves subprocesses), records every request (To, From, Body,
MessagingServiceSid, StatusCallback and the basic-auth credentials) and answers as scripted:
201 with a message, an HTTP error with or without Twilio's error JSON, or a hang.

    with FakeTwilio() as fake:
        fake.script(error(500), error(500))   # the next two requests fail, then 201 again
        ... point TWILIO_BASE_URL at fake.url ...
        assert fake.requests[0].to == "+919812345678"
"""

import asyncio
import base64
import email.utils
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

ACCOUNT_SID = "AC" + "f" * 32
AUTH_TOKEN = "fake-auth-token-9f8e7d6c5b4a"


@dataclass(frozen=True)
class Answer:
    status: int = 201
    code: int | None = None
    message: str = ""
    hang: bool = False


OK = Answer()
HANG = Answer(hang=True)
"""Keeps the request open until `release()` (or the fake stops), then answers 201."""


def error(status: int, code: int | None = None, message: str = "") -> Answer:
    """An error answer: with Twilio's JSON body when `code` is given, else a bare status."""
    return Answer(status=status, code=code, message=message or f"fake error {code or status}")


@dataclass(frozen=True)
class SentRequest:
    account_sid: str
    username: str | None
    password: str | None
    to: str | None
    from_: str | None
    body: str | None
    messaging_service_sid: str | None
    status_callback: str | None
    form: dict[str, str]
    at: float
    answered_sid: str | None = None


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    script: deque[Answer] = field(default_factory=deque)
    default: Answer = OK
    requests: list[SentRequest] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    latency_s: float = 0.0


class FakeTwilio:
    def __init__(
        self,
        *,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        latency_s: float = 0.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._state = _State(latency_s=latency_s)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        app = Starlette(
            routes=[
                Route(
                    "/2010-04-01/Accounts/{account_sid}/Messages.json",
                    self._create_message,
                    methods=["POST"],
                )
            ]
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    # --- control, from the test's thread ---------------------------------------------------

    def start(self) -> "FakeTwilio":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Twilio did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._state.released.set()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order; then the default (201)."""
        with self._state.lock:
            self._state.script.extend(answers)

    def answer_by_default(self, answer: Answer) -> None:
        with self._state.lock:
            self._state.default = answer

    def release(self) -> None:
        """Let hanging requests finish (with a 201)."""
        self._state.released.set()

    @property
    def requests(self) -> list[SentRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def wait_for_requests(self, count: int, timeout_s: float = 30) -> list[SentRequest]:
        deadline = time.monotonic() + timeout_s
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fake Twilio got {len(self.requests)} of {count} requests")
            time.sleep(0.02)
        return self.requests

    # --- the server, in its own thread and event loop --------------------------------------

    async def _create_message(self, request: Request) -> Response:
        form = {
            key: value for key, value in (await request.form()).items() if isinstance(value, str)
        }
        username, password = _basic_auth(request.headers.get("authorization"))
        with self._state.lock:
            answer = self._state.script.popleft() if self._state.script else self._state.default
        sid = f"SM{uuid.uuid4().hex}"
        recorded = SentRequest(
            account_sid=request.path_params["account_sid"],
            username=username,
            password=password,
            to=form.get("To"),
            from_=form.get("From"),
            body=form.get("Body"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            status_callback=form.get("StatusCallback"),
            form=form,
            at=time.monotonic(),
            answered_sid=sid if answer.status == 201 or answer.hang else None,
        )
        with self._state.lock:
            self._state.requests.append(recorded)
        if (username, password) != (self.account_sid, self.auth_token):
            return _twilio_error(401, 20003, "Authenticate")
        if self._state.latency_s:
            await asyncio.sleep(self._state.latency_s)
        if answer.hang:
            # released from the test's thread, so wait on the threading.Event off the loop
            await asyncio.to_thread(self._state.released.wait, 120)
        if answer.status == 201 or answer.hang:
            return JSONResponse(_message(sid, recorded, self.account_sid), status_code=201)
        if answer.code is None:
            return PlainTextResponse(answer.message, status_code=answer.status)
        return _twilio_error(answer.status, answer.code, answer.message)


def _basic_auth(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.lower().startswith("basic "):
        return None, None
    decoded = base64.b64decode(header.split(" ", 1)[1]).decode()
    username, _, password = decoded.partition(":")
    return username, password


def _twilio_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
    )


def _message(sid: str, request: SentRequest, account_sid: str) -> dict[str, Any]:
    now = email.utils.formatdate(usegmt=True)
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": request.to,
        "from": request.from_,
        "body": request.body,
        "messaging_service_sid": request.messaging_service_sid,
        "status": "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "subresource_uris": {},
    }
