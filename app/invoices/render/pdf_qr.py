"""A QR code (error level M) drawn into a PDF as filled vector rectangles, with its 4-module
white quiet zone: the dark modules merged into runs and the runs into taller rectangles, so
fewer shapes and no seams inside a block when anti-aliased.

The rectangles of the last few hundred codes are cached (`_qr_boxes`): segno's choice of mask
is the slow part, and a bill is often drawn more than once.
"""

import functools
from collections.abc import Sequence

import segno
from fpdf import FPDF


def draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code (error level M) of `data` as filled rectangles, `size` mm square including
    the 4-module white quiet zone."""
    modules, boxes = _qr_boxes(data)
    unit = size / (modules + 8)
    with pdf.local_context(fill_color=(255, 255, 255)):
        pdf.rect(x, y, size, size, style="F")
    with pdf.local_context(fill_color=(0, 0, 0)):
        for column, row, width, height in boxes:
            pdf.rect(
                x + (column + 4) * unit,
                y + (row + 4) * unit,
                width * unit,
                height * unit,
                style="F",
            )


@functools.lru_cache(maxsize=256)
def _qr_boxes(data: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    """The QR code of `data`: its width in modules and the rectangles of its dark modules.

    Kept for the last few hundred links: segno spends ~8 ms choosing the mask, and a bill
    is often drawn more than once (the PDF, then again when its share link is opened)."""
    code = segno.make(data, error="m", micro=False, boost_error=False)
    return len(code.matrix), tuple(_dark_boxes(code.matrix))


def _dark_boxes(matrix: Sequence[Sequence[int]]) -> list[tuple[int, int, int, int]]:
    """Rectangles (column, row, width, height in modules) covering the dark modules: runs
    of dark modules in a row, a run repeated on the rows below it merged into one taller
    rectangle. Fewer shapes, and no seams inside a block when anti-aliased."""
    boxes: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, end column) -> first row
    for row_index, row in enumerate([*matrix, ()]):
        runs = set(_dark_runs(row))
        for run, first_row in list(open_runs.items()):
            if run not in runs:
                boxes.append((run[0], first_row, run[1] - run[0], row_index - first_row))
                del open_runs[run]
        for run in runs:
            open_runs.setdefault(run, row_index)
    return boxes


def _dark_runs(row: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for column, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column))
            start = None
    return runs
