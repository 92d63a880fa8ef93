"""The offline engine: RapidOCR boxes, laid out into bill lines, off the event loop."""

import logging

from PIL import Image

from app.extraction import layout
from app.extraction.reading import BillReading, EngineFailed, EngineName, PreparedImage
from app.extraction.workers import run_bounded
from app.integrations.ocr.reader import read_text_boxes

_log = logging.getLogger("dukaan.extraction")

OCR_MAX_SIDE = 1600
"""RapidOCR's text detector runs at the input's full size, so time and memory grow with the
pixels; at 1,600 px a bill's print is still legible (56 lines on one photo read exactly in our
tests) and a 2,000 px photo costs about a third less time and memory."""


def read_bill_offline(image: Image.Image) -> BillReading:
    """The whole offline read, synchronously (CPU-bound: call it from a worker thread)."""
    if max(image.size) > OCR_MAX_SIDE:
        image = image.copy()
        image.thumbnail((OCR_MAX_SIDE, OCR_MAX_SIDE), Image.Resampling.LANCZOS)
    return layout.read_bill(read_text_boxes(image))


class OcrEngine:
    name: EngineName = "ocr"

    def __init__(self, concurrency: int) -> None:
        self._concurrency = concurrency

    async def read(self, prepared: PreparedImage) -> BillReading:
        try:
            return await run_bounded(
                "ocr", self._concurrency, lambda: read_bill_offline(prepared.image)
            )
        except Exception as exc:  # a model or decoder crash must be a 503, not a 500
            _log.exception("offline OCR failed")
            raise EngineFailed(self.name, "the offline reader failed") from exc
