"""RapidOCR in child processes, so an API worker never loads ONNX Runtime or the models.

The models, onnxruntime and numpy cost each process that loads them 100+ MB, and a read peaks
higher still; in a pool of `OCR_PROCESSES` children (per API worker) they are paid once, and the
API worker stays small. A child receives the image as raw RGB bytes plus its size and answers
plain tuples, which the API process turns into `TextBox`es: laying the boxes out into bill lines
stays in the API process (it is cheap, and the parser changes more often than the reader).

Children start from a forkserver whose only preload is this module, so a child imports the
reader and nothing of the API (uvicorn, SQLAlchemy, the app's `__main__`); where there is no
forkserver (Windows), `spawn`, also without `__main__`. The pool is created on first use; a
child that dies (killed, out of memory) breaks it, the read in flight fails, and the next read
gets a fresh pool.
"""

import asyncio
import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal

import anyio.to_thread
from PIL import Image

from app.integrations.ocr.reader import TextBox

RawBox = tuple[str, str, tuple[tuple[int, int], ...]]
"""A text box as it crosses the process boundary: (text, confidence as a string, corners)."""

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_executor_size = 0


class OcrProcessFailed(RuntimeError):
    """The OCR child died while reading (killed, out of memory, a native crash)."""


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
_BIG_BUFFER = 256 * 1024


def return_big_buffers_to_the_os() -> None:
    """Make allocations of 256 KiB and more (decoded photos, their RGB bytes for the pool) get
    their own mmap, so that freeing one hands the memory back to the OS.

    By default glibc raises this threshold after the first big buffer is freed (up to 32 MB), so
    later photos land in the heap and their freed space stays in the RSS (measured: a process
    that drew and read 12 bills kept 275 MB, 184 MB with this). Called at the API's start, never
    in an OCR child (see `_trim`). A no-op where the C library has no `mallopt` (macOS) or
    ignores it (musl).
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _BIG_BUFFER)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While a child is launched, `__main__` is an empty module.

    multiprocessing makes every spawned or forkserver child import the parent's `__main__` (for
    `dukaan serve` that is app.cli: uvicorn, SQLAlchemy, the app's settings... about 100 MB
    that a reader never uses). Children launch from `submit`, on the event loop's thread, and
    for the few microseconds of the swap nothing else there looks at `__main__`.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


if sys.platform != "win32":

    class _ForkServerProcess(multiprocessing.context.ForkServerProcess):
        def start(self) -> None:
            with _main_module_hidden():
                super().start()

    class _ForkServerContext(multiprocessing.context.ForkServerContext):
        Process = _ForkServerProcess


class _SpawnProcess(multiprocessing.context.SpawnProcess):
    def start(self) -> None:
        with _main_module_hidden():
            super().start()


class _SpawnContext(multiprocessing.context.SpawnContext):
    Process = _SpawnProcess


def _context() -> multiprocessing.context.BaseContext:
    """A forkserver (children fork from a small process that has imported only this module)
    where there is one, else spawn; neither imports the API's `__main__` in a child."""
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = _ForkServerContext()
        context.set_forkserver_preload([__name__])  # the default would be ["__main__"]
        return context
    return _SpawnContext()


def _new_executor(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=_context(),
        initializer=_start_child,
        initargs=(os.getpid(),),
    )


def _executor_for(processes: int) -> ProcessPoolExecutor:
    global _executor, _executor_size
    with _lock:
        if _executor is not None and _executor_size != processes:
            _executor.shutdown(wait=False)  # reads in flight finish; new ones go to the new pool
            _executor = None
        if _executor is None:
            _executor, _executor_size = _new_executor(processes), processes
        return _executor


def _discard(broken: ProcessPoolExecutor) -> None:
    """Drop a broken pool (only if no other request has replaced it already)."""
    global _executor
    with _lock:
        if _executor is broken:
            _executor = None
    broken.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the children (app shutdown); a later read starts a new pool."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def start(processes: int = 1) -> list[int]:
    """Start the pool's children now and wait for their models (benchmarks): their pids."""
    executor = _executor_for(processes)
    return sorted({executor.submit(os.getpid).result() for _ in range(processes)})


def _pack(image: Image.Image) -> tuple[tuple[int, int], bytes]:
    rgb = image if image.mode == "RGB" else image.convert("RGB")  # convert() would copy
    return rgb.size, rgb.tobytes()


def _unpack(raw: list[RawBox]) -> list[TextBox]:
    return [
        TextBox(text=text, confidence=Decimal(confidence), corners=corners)
        for text, confidence, corners in raw
    ]


async def read_text_boxes(image: Image.Image, processes: int) -> list[TextBox]:
    """Every text run RapidOCR finds, read in a child process; the event loop stays free.

    Callers bound how many reads they have in flight; extra ones queue in the pool. A pool that
    broke while idle (its child was killed between reads) is replaced and the read submitted
    again, since nothing of this image reached it; a child dying during this read raises
    `OcrProcessFailed` and is not retried: the image itself may be what killed it.
    """
    size, data = await anyio.to_thread.run_sync(_pack, image)
    executor = _executor_for(processes)
    future: Future[list[RawBox]]
    try:
        future = executor.submit(_read_in_child, size, data)
    except BrokenProcessPool:
        _discard(executor)
        executor = _executor_for(processes)
        future = executor.submit(_read_in_child, size, data)
    try:
        raw = await asyncio.wrap_future(future)
    except BrokenProcessPool as exc:
        _discard(executor)
        raise OcrProcessFailed("the OCR process died while reading") from exc
    return _unpack(raw)


def read_text_boxes_sync(image: Image.Image, processes: int = 1) -> list[TextBox]:
    """`read_text_boxes` without an event loop (benchmarks)."""
    size, data = _pack(image)
    return _unpack(_executor_for(processes).submit(_read_in_child, size, data).result())


# --- in the child -------------------------------------------------------------------------------


def _start_child(api_pid: int) -> None:
    """Load the models once per child; ignore Ctrl+C (the parent stops the pool); die with it."""
    from app.integrations.ocr import reader

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(api_pid,), daemon=True).start()
    reader.warm_up()


def _exit_when_orphaned(api_pid: int) -> None:
    """A pool's children block waiting for work; if the API process is killed (SIGKILL, OOM)
    nobody tells them (a forkserver child even keeps the forkserver alive), so each checks once a
    second that the process that started the pool is still there."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(api_pid, 0)
        except (ProcessLookupError, PermissionError):  # gone (or its pid reused by another user)
            os._exit(0)


IDLE_BEFORE_TRIM_S = 1.0
_idle_trim: threading.Timer | None = None


def _read_in_child(size: tuple[int, int], rgb: bytes) -> list[RawBox]:
    from app.integrations.ocr import reader

    _cancel_trim()
    image = Image.frombytes("RGB", size, rgb)
    boxes = [(box.text, str(box.confidence), box.corners) for box in reader.read_text_boxes(image)]
    del image, rgb
    _trim_when_idle()
    return boxes


def _cancel_trim() -> None:
    global _idle_trim
    if _idle_trim is not None:
        _idle_trim.cancel()
        _idle_trim = None


def _trim_when_idle() -> None:
    """Trim once no read has come for a second: between reads in a burst, the freed memory is
    what the next read needs anyway (trimming after every read cost 5-13% of a read, measured on
    the corpus), and a child that goes quiet still gives it back."""
    global _idle_trim
    _idle_trim = threading.Timer(IDLE_BEFORE_TRIM_S, _trim)
    _idle_trim.daemon = True
    _idle_trim.start()


def _trim() -> None:
    """Hand the reads' freed memory back to the OS (glibc's `malloc_trim`).

    Not `return_big_buffers_to_the_os` here: with every big buffer an mmap of its own, ONNX
    Runtime's tensors are mapped and unmapped on every run, and a read takes 3.5 s instead of
    1.0 s (measured on the corpus). A no-op without glibc; safe while a read runs (glibc locks
    each arena it trims).
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
