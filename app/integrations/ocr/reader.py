"""Text boxes from an image with RapidOCR. Synchronous and CPU-bound: call it from a worker thread.

One RapidOCR instance per process, built on first use (loading the models takes a moment and
~100 MB), shared by threads: ONNX Runtime sessions are safe to run concurrently and release the
GIL while they compute, so a thread keeps the event loop free.
"""

import os
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from PIL import Image

_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True, slots=True)
class TextBox:
    """One run of text on the page: its corners clockwise from top-left, in pixels."""

    text: str
    confidence: Decimal
    corners: tuple[tuple[int, int], ...]

    @property
    def left(self) -> int:
        return min(x for x, _ in self.corners)

    @property
    def right(self) -> int:
        return max(x for x, _ in self.corners)

    @property
    def top(self) -> int:
        return min(y for _, y in self.corners)

    @property
    def bottom(self) -> int:
        return max(y for _, y in self.corners)


def _threads() -> int:
    """At most 2 threads per run: OCR shares the machine with the API and the database."""
    return max(1, min(2, os.cpu_count() or 1))


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR(
                    intra_op_num_threads=_threads(), inter_op_num_threads=1, print_verbose=False
                )
    return _engine


def warm_up() -> None:
    """Load the models now (a benchmark or a worker start), not in the first request."""
    _get_engine()


def read_text_boxes(image: Image.Image) -> list[TextBox]:
    """Every text run RapidOCR finds, in no particular order."""
    rgb = np.asarray(image.convert("RGB"))
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    result, _ = _get_engine()(bgr)
    boxes: list[TextBox] = []
    for corners, text, score in result or []:
        if not str(text).strip():
            continue
        boxes.append(
            TextBox(
                text=str(text),
                confidence=Decimal(str(round(score, 3))),
                corners=tuple((round(x), round(y)) for x, y in corners),
            )
        )
    return boxes
