"""CPU-bound work (decoding images, OCR) on worker threads, a bounded number at a time.

The event loop must keep answering other requests while a bill is read, so the work runs in
threads (Pillow and ONNX Runtime release the GIL while they compute). A limiter per kind of work
caps how many run at once; requests beyond it wait their turn instead of oversubscribing the
CPU. Limiters belong to an event loop, so there is one per loop (tests run many loops).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread

T = TypeVar("T")

_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, anyio.CapacityLimiter]] = (
    WeakKeyDictionary()
)


def _limiter(kind: str, size: int) -> anyio.CapacityLimiter:
    per_loop = _limiters.setdefault(asyncio.get_running_loop(), {})
    limiter = per_loop.get(kind)
    if limiter is None:
        limiter = per_loop[kind] = anyio.CapacityLimiter(size)
    elif limiter.total_tokens != size:
        limiter.total_tokens = size
    return limiter


async def run_bounded(kind: str, size: int, work: Callable[[], T]) -> T:
    """Run `work` in a thread, at most `size` of this `kind` at once (others wait)."""
    return await anyio.to_thread.run_sync(work, limiter=_limiter(kind, size))


@contextlib.asynccontextmanager
async def bounded(kind: str, size: int) -> AsyncIterator[None]:
    """Hold one of `size` places of this `kind` for the block (for work awaited elsewhere, such
    as a process pool, that must not pile up either)."""
    async with _limiter(kind, size):
        yield
