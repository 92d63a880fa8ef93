"""Offline bill reading, measured: `python -m benchmarks.ocr`.

1. Through the OCR process pool, as the API reads (app/integrations/ocr/pool.py, one OCR process):
   this process plays the API worker. Each test layout (tests/bill_images.py: ~1,000 x 1,100 px
   bills of 6-7 lines, rotated, blurred, JPEG-compressed) is prepared as the API prepares an
   upload, then read BENCH_OCR_RUNS times (default 10): shrunk to 1,600 px, sent to the child as
   raw RGB, its boxes laid out into lines here. Prints seconds per bill (median, min, max) with
   the target "median <= 1.0 s", and the memory of each process: this one (RSS before and after
   the reads; ONNX Runtime must never load here) and the OCR child (RSS once its models are
   loaded, right after the reads, once idle, and its peak).
2. Per-family accuracy on the generated corpus (tests/bill_corpus, when present):
   BENCH_OCR_BILLS bills per family (default: all 24) read the same way, matched to the corpus
   catalogue and converted into each product's unit as the API does (`match_lines`), scored by
   item F1 (product after matching, exact quantity), with the target "F1 >= 0.95" per family.
3. Today's in-process figures (`read_bill_offline`, what `dukaan` tools use): per layout and for
   one bill photographed at 4,000 px, and this process's RSS once it has loaded the models
   itself - for comparison with section 1.

Asserts nothing; figures are only comparable on the same machine with nothing else running (the
min column is the least disturbed; the load average is printed).
"""

import contextlib
import ctypes
import ctypes.util
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from PIL import Image

from app.config import ExtractionSettings
from app.extraction import images, layout
from app.extraction.matching import Catalogue
from app.extraction.ocr_engine import read_bill_offline, shrink_for_ocr
from app.extraction.reading import BillReading, PreparedImage
from app.extraction.service import BillPhoto, match_lines
from app.integrations.ocr import pool, reader
from tests.bill_images import LAYOUTS, render

MB = 1024 * 1024
TARGET_SECONDS = 1.0
TARGET_F1 = 0.95


def rss(pid: int | str = "self") -> int:
    return _status(pid, "VmRSS")


def peak_rss(pid: int | str = "self") -> int:
    return _status(pid, "VmHWM")


def _status(pid: int | str, field: str) -> int:
    """A memory figure of /proc/PID/status, in bytes (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    return 0


def onnxruntime_loaded() -> bool:
    return "onnxruntime" in sys.modules or "rapidocr_onnxruntime" in sys.modules


def phone_photo() -> bytes:
    bill = Image.open(io.BytesIO(render(LAYOUTS[0])))
    scale = 4000 / bill.height
    photo = bill.convert("RGB").resize((round(bill.width * scale), 4000), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def read_through_pool(image: Image.Image) -> BillReading:
    """What `OcrEngine.read` does, without an event loop."""
    return layout.read_bill(pool.read_text_boxes_sync(shrink_for_ocr(image)))


def timed(read: Callable[[], BillReading]) -> tuple[BillReading, float]:
    started = time.perf_counter()
    reading = read()
    return reading, time.perf_counter() - started


def spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):>9.2f} {min(seconds):>7.2f} {max(seconds):>7.2f}"


def per_layout(
    prepared: list[tuple[str, PreparedImage]],
    runs: int,
    read: Callable[[Image.Image], BillReading],
    *,
    heading: bool = True,
) -> list[list[float]]:
    """Each image read `runs` times, a line of figures per image; the seconds of each."""
    if heading:
        print(f"{'layout':34} {'size':>11} {'lines':>5} {'median s':>9} {'min s':>7} {'max s':>7}")
    timings = []
    for name, image in prepared:
        seconds = []
        lines = 0
        for _ in range(runs):
            reading, spent = timed(lambda image=image: read(image.image))
            lines = len(reading.lines)
            seconds.append(spent)
        timings.append(seconds)
        size = f"{image.image.width}x{image.image.height}"
        print(f"{name:34} {size:>11} {lines:>5} {spread(seconds)}")
    return timings


def pool_section(runs: int) -> None:
    pool.return_big_buffers_to_the_os()  # as the API does at start
    prepared = [(item.name, images.prepare(render(item))) for item in LAYOUTS]
    parent_before = rss()
    started = time.perf_counter()
    (child,) = pool.start(1)
    child_start = time.perf_counter() - started
    child_after_models = rss(child)
    _, cold = timed(lambda: read_through_pool(prepared[0][1].image))

    print(f"1. Through the OCR process pool (1 OCR process; {runs} reads per bill)")
    print(f"OCR process start with models: {child_start:.2f} s; first read {cold:.2f} s")
    every = [
        second for seconds in per_layout(prepared, runs, read_through_pool) for second in seconds
    ]
    median = statistics.median(every)
    verdict = "pass" if median <= TARGET_SECONDS else "FAIL"
    print(
        f"seconds per bill through the pool: median {median:.2f}, min {min(every):.2f}, "
        f"max {max(every):.2f} (target median <= {TARGET_SECONDS:.1f} s: {verdict})"
    )
    print(
        f"API-like process (pid {os.getpid()}): RSS {parent_before / MB:.0f} MB before, "
        f"{rss() / MB:.0f} MB after {len(every) + 1} bills, peak {peak_rss() / MB:.0f} MB; "
        f"ONNX Runtime loaded here: {'YES' if onnxruntime_loaded() else 'no'}"
    )
    right_after = rss(child)
    time.sleep(pool.IDLE_BEFORE_TRIM_S + 0.5)  # the child gives freed memory back once idle
    print(
        f"OCR process (pid {child}): RSS {child_after_models / MB:.0f} MB with its models, "
        f"{right_after / MB:.0f} MB right after the reads, {rss(child) / MB:.0f} MB once idle, "
        f"peak {peak_rss(child) / MB:.0f} MB"
    )


# --- per-family accuracy: the hook for tests/bill_corpus ------------------------------------------


def corpus_section() -> None:
    try:
        import tests.bill_corpus as corpus
    except ImportError:
        print("2. Per-family accuracy: skipped (tests/bill_corpus is not there)")
        return
    count = int(os.environ.get("BENCH_OCR_BILLS", str(corpus.per_family())))
    threshold = ExtractionSettings().match_threshold
    catalogue = Catalogue(
        [(index, product.name) for index, product in enumerate(corpus.CATALOGUE)],
        {index: product.unit for index, product in enumerate(corpus.CATALOGUE)},
        # the shop's purchase prices, as the API loads them (the tests create them the same)
        {index: product.rate for index, product in enumerate(corpus.CATALOGUE)},
    )
    print(f"\n2. Per-family accuracy ({count} bills per family, through the pool)")
    print(
        f"{'family':30} {'bills':>5} {'item F1':>7} {'prec.':>6} {'recall':>6} "
        f"{'median s':>9} target F1 >= {TARGET_F1}"
    )
    overall = []
    every: list[float] = []
    for family in corpus.FAMILIES:
        scores = []
        seconds = []
        for bill in corpus.bills(family, count):
            prepared = images.prepare(bill.image)
            reading, spent = timed(lambda image=prepared.image: read_through_pool(image))
            seconds.append(spent)
            # matched and converted into each product's unit exactly as the API answers
            matched = match_lines(BillPhoto(prepared, reading, "ocr"), catalogue, threshold)
            lines: list[tuple[str | None, Decimal]] = [
                (line.product_name if line.matched_product_id is not None else None, line.quantity)
                for line in matched
            ]
            scores.append(corpus.score(bill, lines))
        total = sum(scores, corpus.Score(0, 0, 0))
        overall.append(total)
        every += seconds
        verdict = "pass" if total.f1 >= TARGET_F1 else "FAIL"
        print(
            f"{family:30} {len(scores):>5} {total.f1:>7.2f} {total.precision:>6.2f} "
            f"{total.recall:>6.2f} {statistics.median(seconds):>9.2f} {verdict}"
        )
    total = sum(overall, corpus.Score(0, 0, 0))
    verdict = "pass" if min(score.f1 for score in overall) >= TARGET_F1 else "FAIL"
    print(
        f"{'overall':30} {len(every):>5} {total.f1:>7.2f} {total.precision:>6.2f} "
        f"{total.recall:>6.2f} {statistics.median(every):>9.2f} {verdict} (every family)"
    )


# --- today's figures: the reader in this process ------------------------------------------------


def _default_big_buffers() -> None:
    """Undo the API's `return_big_buffers_to_the_os` in this process before it runs ONNX
    Runtime itself: with that setting every tensor is an mmap of its own and a read is ~3.5x
    slower (the OCR children never set it). 32 MiB is glibc's ceiling for its own threshold."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 32 * 1024 * 1024)  # M_MMAP_THRESHOLD


def in_process_section(runs: int) -> None:
    _default_big_buffers()
    prepared = [(item.name, images.prepare(render(item))) for item in LAYOUTS]
    # A phone photo arrives bigger (here 4,000 px tall); the API shrinks it to 2,000 px.
    prepared.append(("classic, as a 4000 px photo", images.prepare(phone_photo())))
    before_models = rss()
    started = time.perf_counter()
    reader.warm_up()
    first = read_bill_offline(prepared[0][1].image)
    cold = time.perf_counter() - started
    after_models = rss()

    print(f"\n3. In this process (read_bill_offline, as tools use it; {runs} reads per image)")
    print(f"cold start (model load + first read): {cold:.2f} s, {len(first.lines)} lines")
    drawn, photo = prepared[:-1], prepared[-1:]
    timings = per_layout(drawn, runs, read_bill_offline)
    bills_peak = peak_rss()
    timings += per_layout(photo, runs, read_bill_offline, heading=False)
    medians = [statistics.median(seconds) for seconds in timings]
    print(f"median over layouts: {statistics.median(medians):.2f} s per image")
    print(
        f"RSS: {before_models / MB:.0f} MB before the models, {after_models / MB:.0f} MB after, "
        f"peak {bills_peak / MB:.0f} MB with the drawn bills, {peak_rss() / MB:.0f} MB "
        "after the photo-sized one (the peak includes section 2's images)"
    )


def main() -> None:
    runs = int(os.environ.get("BENCH_OCR_RUNS", "10"))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"OCR benchmark: {os.cpu_count()} CPUs, {platform.processor()}, load average {load}")
    pool_section(runs)
    corpus_section()
    pool.shutdown()
    in_process_section(runs)
    print(f"load average at the end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
