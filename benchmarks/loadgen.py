"""The lean asyncio HTTP/1.1 load generator, used when `wrk` is not installed.

Run as its own process (`python -m benchmarks.loadgen SPEC.json`, which `benchmarks.run` does)
so that it never shares an interpreter, or a GIL, with the harness. It uses uvloop when
available, one `asyncio.Protocol` per keep-alive connection and pre-built request bytes: no
HTTP library in the loop. It still shares the machine's two cores with the server, so its
figures are a floor, not a ceiling; `wrk` costs the server less CPU.

A spec is JSON: `{"host", "port", "connections", "seconds", "warmup", "workload"}`, where the
workload is one of
- `{"kind": "sales", "shops": [{"token", "products": [ids], "phones": [...]}], "lines": 3,
  "credit_ratio": 0.25, "idempotency": true, "run_id": "..."}`: POST /api/sales/ with `lines`
  distinct random products of a random shop, a phone from that shop's pool, on credit with
  probability `credit_ratio`, and a unique Idempotency-Key per request;
- `{"kind": "get", "token", "paths": [...]}`: GET a random path of the list.

The result (printed as one JSON line) separates the measured window (requests *sent* after
the warm-up and before the end; latencies from those) from the totals over the whole run,
warm-up and drain included (`ok_total`), which the invariant checks compare with the
database. Every connection waits for its last answer before closing, so nothing is left in
flight: every request sent is answered or counted as an error.
"""

import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

RequestFactory = Callable[[], bytes]
REQUEST_TIMEOUT_S = 30.0


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    sent_total: int = 0
    ok_total: int = 0
    failed_total: int = 0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms) or [0.0]

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            # Answered with one of `ok_statuses`: a refusal or a lost request is no sale.
            "rps": round((self.requests - self.errors) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered), 2),
            "max_ms": round(ordered[-1], 2),
            "sent_total": self.sent_total,
            "ok_total": self.ok_total,
            "failed_total": self.failed_total,
            "in_flight_at_stop": 0,
        }


def _head(method: str, path: str, host: str, headers: dict[str, str], length: int | None) -> str:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return "\r\n".join(lines) + "\r\n\r\n"


def build_request(
    method: str, path: str, host: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    length = len(body) if body or method in ("POST", "PUT", "PATCH") else None
    return _head(method, path, host, headers, length).encode() + body


def sales_factory(workload: dict[str, Any], host: str, rng: random.Random) -> RequestFactory:
    shops = [
        (f"Bearer {shop['token']}", shop["products"], shop["phones"]) for shop in workload["shops"]
    ]
    lines = int(workload.get("lines", 3))
    credit_ratio = float(workload.get("credit_ratio", 0.25))
    idempotency = bool(workload.get("idempotency", True))
    run_id = str(workload.get("run_id", "bench"))
    counter = iter(range(1, 10**12))

    def make() -> bytes:
        auth, products, phones = shops[rng.randrange(len(shops))]
        body = json.dumps(
            {
                "customer_name": "Bench Customer",
                "phone_no": phones[rng.randrange(len(phones))],
                "bill_paid": rng.random() >= credit_ratio,
                "products": [
                    {"product_id": pid, "quantity": rng.randint(1, 3)}
                    for pid in rng.sample(products, lines)
                ],
            },
            separators=(",", ":"),
        ).encode()
        headers = {"Authorization": auth, "Content-Type": "application/json"}
        if idempotency:
            headers["Idempotency-Key"] = f"{run_id}-{next(counter)}"
        return build_request("POST", "/api/sales/", host, headers, body)

    return make


def get_factory(workload: dict[str, Any], host: str, rng: random.Random) -> RequestFactory:
    headers = {"Authorization": f"Bearer {workload['token']}"}
    requests = [build_request("GET", path, host, headers) for path in workload["paths"]]
    return lambda: requests[rng.randrange(len(requests))]


def make_factory(workload: dict[str, Any], host: str, seed: int = 7) -> RequestFactory:
    rng = random.Random(seed)
    if workload["kind"] == "sales":
        return sales_factory(workload, host, rng)
    if workload["kind"] == "get":
        return get_factory(workload, host, rng)
    raise ValueError(f"unknown workload kind {workload['kind']!r}")


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one request in flight, its answer parsed from the bytes."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def send(self, request: bytes) -> asyncio.Future[int]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        status = self._complete()
        if status is not None and self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(status)

    def _complete(self) -> int | None:
        """The status of a complete response at the buffer's start (consumed), else None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            if line.startswith(b"content-length:"):
                length = int(line[15:].strip())
            elif line.startswith(b"transfer-encoding:") and b"chunked" in line:
                chunked = True
        body_start = end + 4
        if chunked:
            finish = self.buffer.find(b"0\r\n\r\n", body_start)
            if finish < 0:
                return None
            total = finish + 5
        else:
            total = body_start + length
            if len(self.buffer) < total:
                return None
        status = int(head[9:12])
        del self.buffer[:total]
        return status

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))


async def run_load(
    host: str,
    port: int,
    make_request: RequestFactory,
    *,
    connections: int,
    seconds: float,
    warmup: float = 0.0,
    ok_statuses: tuple[int, ...] = (200, 201),
) -> LoadResult:
    loop = asyncio.get_running_loop()
    result = LoadResult(seconds=seconds)
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    async def connect() -> _Connection:
        _, protocol = await loop.create_connection(_Connection, host, port)
        return protocol

    async def worker() -> None:
        connection = await connect()
        try:
            while True:
                sent = time.perf_counter()
                if sent >= stop_at:
                    return
                result.sent_total += 1
                try:
                    status = await asyncio.wait_for(
                        connection.send(make_request()), REQUEST_TIMEOUT_S
                    )
                except (ConnectionError, TimeoutError):
                    result.failed_total += 1
                    if sent >= measure_from:
                        result.requests += 1
                        result.errors += 1
                    if connection.transport is not None:
                        connection.transport.close()
                    connection = await connect()
                    continue
                done = time.perf_counter()
                if status in ok_statuses:
                    result.ok_total += 1
                else:
                    result.failed_total += 1
                if sent < measure_from:
                    continue
                result.requests += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in ok_statuses:
                    result.errors += 1
                result.latencies_ms.append((done - sent) * 1000)
                if connection.closed:
                    connection = await connect()
        finally:
            if connection.transport is not None:
                connection.transport.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return result


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    try:
        from uvloop import run as run_loop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        run_loop = asyncio.run
    factory = make_factory(spec["workload"], f"{spec['host']}:{spec['port']}", spec.get("seed", 7))
    result = run_loop(
        run_load(
            spec["host"],
            spec["port"],
            factory,
            connections=spec["connections"],
            seconds=spec["seconds"],
            warmup=spec.get("warmup", 0.0),
        )
    )
    print(json.dumps(result.summary()))


if __name__ == "__main__":
    main()
