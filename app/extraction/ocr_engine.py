"""The offline engine: RapidOCR boxes, laid out into bill lines, off the event loop."""

import logging

from app.extraction import layout
from app.extraction.reading import BillReading, EngineFailed, EngineName, PreparedImage
from app.extraction.workers import run_bounded
from app.integrations.ocr.reader import read_text_boxes

_log = logging.getLogger("dukaan.extraction")


class OcrEngine:
    name: EngineName = "ocr"

    def __init__(self, concurrency: int) -> None:
        self._concurrency = concurrency

    async def read(self, prepared: PreparedImage) -> BillReading:
        def work() -> BillReading:
            return layout.read_bill(read_text_boxes(prepared.image))

        try:
            return await run_bounded("ocr", self._concurrency, work)
        except Exception as exc:  # a model or decoder crash must be a 503, not a 500
            _log.exception("offline OCR failed")
            raise EngineFailed(self.name, "the offline reader failed") from exc
