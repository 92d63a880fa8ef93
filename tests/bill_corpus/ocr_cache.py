"""RapidOCR's boxes for every corpus bill, read once and kept on disk, so a parser can be
iterated in seconds without OCR: `python -m tests.bill_corpus.ocr_cache [--family F]`.

The image goes through what the API does to an upload (`images.prepare`) and what the offline
engine does before OCR (shrunk to `OCR_MAX_SIDE`), then `read_text_boxes`. Boxes are stored as
/tmp/bill_corpus_boxes/<family>/<index>.json with the SHA-256 of the image bytes: a changed
generator draws different bytes, and `cached_boxes` reads such a bill again instead of using
stale boxes. One process only (the machine is shared); BILL_CORPUS_BOXES moves the folder.
"""

import argparse
import hashlib
import json
import os
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from PIL import Image

from app.extraction import images
from app.extraction.ocr_engine import OCR_MAX_SIDE
from app.integrations.ocr.reader import TextBox, read_text_boxes
from tests.bill_corpus import FAMILIES, CorpusBill, bills


def folder() -> Path:
    return Path(
        os.environ.get("BILL_CORPUS_BOXES") or Path(tempfile.gettempdir()) / "bill_corpus_boxes"
    )


def _path(bill: CorpusBill) -> Path:
    return folder() / bill.family / f"{bill.index}.json"


def _digest(bill: CorpusBill) -> str:
    return hashlib.sha256(bill.image).hexdigest()


def ocr_image(data: bytes) -> Image.Image:
    """The image exactly as `read_bill_offline` hands it to RapidOCR."""
    image = images.prepare(data).image
    if max(image.size) > OCR_MAX_SIDE:
        image = image.copy()
        image.thumbnail((OCR_MAX_SIDE, OCR_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def read(bill: CorpusBill) -> list[TextBox]:
    """OCR the bill now and store its boxes."""
    boxes = read_text_boxes(ocr_image(bill.image))
    path = _path(bill)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "sha256": _digest(bill),
        "boxes": [
            {"text": box.text, "confidence": str(box.confidence), "corners": box.corners}
            for box in boxes
        ],
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(payload, ensure_ascii=False))
    temporary.replace(path)
    return boxes


def cached_boxes(bill: CorpusBill) -> list[TextBox]:
    """The bill's boxes from the cache, or read now (and cached) when missing or stale."""
    try:
        payload = json.loads(_path(bill).read_text())
    except (OSError, ValueError):
        payload = None
    if not payload or payload.get("sha256") != _digest(bill):
        return read(bill)
    return [
        TextBox(
            text=box["text"],
            confidence=Decimal(box["confidence"]),
            corners=tuple((int(x), int(y)) for x, y in box["corners"]),
        )
        for box in payload["boxes"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", choices=FAMILIES, action="append")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--force", action="store_true", help="read again even when cached")
    args = parser.parse_args()
    grand_started = time.perf_counter()
    read_count = 0
    for family in args.family or FAMILIES:
        started, fresh = time.perf_counter(), 0
        family_bills = bills(family, args.count)
        for bill in family_bills:
            path = _path(bill)
            stale = True
            if path.exists() and not args.force:
                try:
                    stale = json.loads(path.read_text()).get("sha256") != _digest(bill)
                except ValueError:
                    stale = True
            if stale:
                read(bill)
                fresh += 1
        seconds = time.perf_counter() - started
        read_count += fresh
        per = f"{seconds / fresh:.2f} s/bill" if fresh else "all cached"
        print(f"{family:32} {len(family_bills):3} bills, {fresh:3} read  {per}", flush=True)
    total = time.perf_counter() - grand_started
    print(f"{read_count} bills read in {total:.0f} s -> {folder()}")


if __name__ == "__main__":
    main()
