"""Offline bill reading, measured: `python -m benchmarks.ocr`.

For each test layout (tests/bill_images.py: ~1,000 x 1,100 px bills of 6-7 lines, rotated,
blurred, JPEG-compressed), and for one bill photographed at 4,000 px, the image is prepared as
the API prepares an upload (sniffed, decoded, EXIF-oriented, shrunk to <= 2,000 px), then read
BENCH_OCR_RUNS times (default 10) by the `ocr` engine's own code (`read_bill_offline`: at most
1,600 px into RapidOCR, then rows, columns and arithmetic). The first read loads the ONNX models
and is reported on its own.

Prints seconds per image (median, min, max over the runs) per layout and overall, and the
process's resident memory: before the models load, after, and its peak (ru_maxrss) - what one
API worker running one OCR at a time needs. Asserts nothing; figures are only comparable on the
same machine with nothing else running (the min column is the least disturbed).
"""

import io
import os
import platform
import resource
import statistics
import time

from PIL import Image

from app.extraction import images
from app.extraction.ocr_engine import read_bill_offline
from app.integrations.ocr import reader
from tests.bill_images import LAYOUTS, render

MB = 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def phone_photo() -> bytes:
    bill = Image.open(io.BytesIO(render(LAYOUTS[0])))
    scale = 4000 / bill.height
    photo = bill.convert("RGB").resize((round(bill.width * scale), 4000), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def main() -> None:
    runs = int(os.environ.get("BENCH_OCR_RUNS", "10"))
    prepared = [(item.name, images.prepare(render(item))) for item in LAYOUTS]
    # A phone photo arrives bigger (here 4,000 px tall); the API shrinks it to 2,000 px.
    prepared.append(("classic, as a 4000 px photo", images.prepare(phone_photo())))
    before_models = rss()
    started = time.perf_counter()
    reader.warm_up()
    first = read_bill_offline(prepared[0][1].image)
    cold = time.perf_counter() - started
    after_models = rss()

    print(f"OCR benchmark: {runs} reads per image, {os.cpu_count()} CPUs, {platform.processor()}")
    print(f"cold start (model load + first read): {cold:.2f} s, {len(first.lines)} lines")
    print(f"{'layout':34} {'size':>11} {'lines':>5} {'median s':>9} {'min s':>7} {'max s':>7}")
    medians = []
    for name, image in prepared:
        seconds = []
        lines = 0
        for _ in range(runs):
            started = time.perf_counter()
            lines = len(read_bill_offline(image.image).lines)
            seconds.append(time.perf_counter() - started)
        median = statistics.median(seconds)
        medians.append(median)
        size = f"{image.image.width}x{image.image.height}"
        print(
            f"{name:34} {size:>11} {lines:>5} {median:>9.2f} "
            f"{min(seconds):>7.2f} {max(seconds):>7.2f}"
        )
        if name == LAYOUTS[-1].name:
            bills_peak = peak_rss()
    print(f"median over layouts: {statistics.median(medians):.2f} s per image")
    print(
        f"RSS: {before_models / MB:.0f} MB before the models, {after_models / MB:.0f} MB after, "
        f"peak {bills_peak / MB:.0f} MB with the drawn bills, {peak_rss() / MB:.0f} MB "
        "after the photo-sized one"
    )


if __name__ == "__main__":
    main()
