"""A lean asyncio HTTP/1.1 load generator: keep-alive connections, no HTTP library overhead.

Used when `wrk` is not installed. It shares the machine's cores with the server, so its
figures are a floor, not a ceiling.
"""

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, float | int | dict[int, int]]:
        ordered = sorted(self.latencies_ms) or [0.0]

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "statuses": self.statuses,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered), 2),
        }


RequestFactory = Callable[[int], bytes]


def build_request(
    method: str, path: str, host: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:].strip())
            break
    if length:
        await reader.readexactly(length)
    return status


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
    result = LoadResult()
    counter = iter(range(10**12))
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while True:
                sent = time.perf_counter()
                if sent >= stop_at:
                    return
                writer.write(make_request(next(counter)))
                try:
                    status = await _read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                done = time.perf_counter()
                if sent < measure_from:
                    continue
                result.requests += 1
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in ok_statuses:
                    result.errors += 1
                result.latencies_ms.append((done - sent) * 1000)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    result.seconds = seconds
    return result
