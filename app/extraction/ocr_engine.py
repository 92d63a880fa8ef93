"""The offline engine: RapidOCR boxes (read in an OCR child process), laid out into bill lines."""

import logging

import anyio.to_thread
from PIL import Image

from app.extraction import layout
from app.extraction.reading import BillReading, EngineFailed, EngineName, PreparedImage
from app.extraction.workers import bounded
from app.integrations.ocr import pool
from app.integrations.ocr.reader import read_text_boxes

_log = logging.getLogger("dukaan.extraction")

OCR_MAX_SIDE = 1600
"""RapidOCR's text detector runs at the input's full size, so time and memory grow with the
pixels; at 1,600 px a bill's print is still legible (56 lines on one photo read exactly in our
tests) and a 2,000 px photo costs about a third less time and memory."""


def shrink_for_ocr(image: Image.Image) -> Image.Image:
    """At most `OCR_MAX_SIDE` px on the long side (a copy when shrunk)."""
    if max(image.size) > OCR_MAX_SIDE:
        image = image.copy()
        image.thumbnail((OCR_MAX_SIDE, OCR_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def read_bill_offline(image: Image.Image) -> BillReading:
    """The whole offline read in this process, synchronously (benchmarks, tools; not the API)."""
    return layout.read_bill(read_text_boxes(shrink_for_ocr(image)))


class OcrEngine:
    """Reads in the OCR process pool; at most `concurrency` bills of this API worker in flight.

    Requests beyond `concurrency` wait here, holding nothing but their decoded image, rather
    than queueing their pixels in the pool; `processes` is the pool's size (`OCR_PROCESSES`).
    """

    name: EngineName = "ocr"

    def __init__(self, concurrency: int, processes: int = 1) -> None:
        self._concurrency = concurrency
        self._processes = processes

    async def read(self, prepared: PreparedImage) -> BillReading:
        try:
            async with bounded("ocr", self._concurrency):
                image = await anyio.to_thread.run_sync(shrink_for_ocr, prepared.image)
                boxes = await pool.read_text_boxes(image, self._processes)
                return await anyio.to_thread.run_sync(layout.read_bill, boxes)
        except Exception as exc:  # a model, decoder or process crash must be a 503, not a 500
            _log.exception("offline OCR failed")
            raise EngineFailed(self.name, "the offline reader failed") from exc
