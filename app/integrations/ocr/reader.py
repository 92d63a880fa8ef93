"""Text boxes from an image with RapidOCR. Synchronous and CPU-bound.

The API runs it in an OCR child process (app/integrations/ocr/pool.py); benchmarks and tools may
call it directly. One RapidOCR instance per process, built on first use (loading the models takes
a moment and ~100 MB), shared by threads: ONNX Runtime sessions are safe to run concurrently.
numpy and RapidOCR are imported only when a read happens, so a process that merely imports
`TextBox` (the API, which lays boxes out into lines) never loads them.
"""

import os
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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


_REC_MIN_WIDTH = 160
"""The narrowest strip the recogniser reads, in pixels at its 48 px height.

Each batch of text boxes is padded to its widest box, and to at least this width; RapidOCR's
default (320) pads a bill's many short boxes (`45.00`, `2`, `kg`) to six or more times their
width, and recognition time grows with the padded width. At 160 a bill reads in 0.80 s instead
of 1.06 s (median of 66 corpus bills, recognition 0.56 s instead of 0.73 s) and the words
come out the same or better spaced (`Poha Thick`, not `PohaThick`).
"""


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR(
                    intra_op_num_threads=_threads(),
                    inter_op_num_threads=1,
                    print_verbose=False,
                    rec_img_shape=[3, 48, _REC_MIN_WIDTH],
                )
    return _engine


def warm_up() -> None:
    """Load the models now (a benchmark or a worker start), not in the first request."""
    _get_engine()


def read_text_boxes(image: Image.Image) -> list[TextBox]:
    """Every text run RapidOCR finds, in no particular order."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB"))
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    # No text-direction classifier: bills are photographed upright (EXIF is applied first), and
    # on handwriting it turned whole boxes upside down ('360.00' read as '00095'); skipping it
    # is also faster.
    result, _ = _get_engine()(bgr, use_cls=False)
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
