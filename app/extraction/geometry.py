"""Where text sits on a bill photo: OCR boxes as cells, straightened and grouped into rows.

A photo is rarely square to the camera, so the page's skew is estimated from the long boxes and
positions are rotated back before boxes are grouped into rows. Geometry is integer pixels
(slopes in thousandths), which is all the precision a photo has.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from app.integrations.ocr.reader import TextBox


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    confidence: Decimal
    left: int
    right: int
    x: int
    y: int
    height: int


def _slope_milli(boxes: list[TextBox]) -> int:
    """The page's skew, from the top edges of the long boxes (text runs are straight)."""
    slopes = []
    for box in boxes:
        (x0, y0), (x1, y1) = box.corners[0], box.corners[1]
        height = abs(box.corners[3][1] - box.corners[0][1])
        if x1 - x0 >= max(60, 3 * height):
            slopes.append((y1 - y0) * 1000 // (x1 - x0))
    return int(median(slopes)) if slopes else 0


def plain_text(text: str) -> str:
    """OCR's text in the forms the parser reads. The model was trained largely on Chinese print
    and often answers full-width punctuation (U+FF08 for '(', U+FF0C for ',' in '201, Ring
    Road', U+FF1A for ':'), and a vulgar fraction ('½') decomposes to U+2044, the fraction
    slash: NFKC and one replacement make them '(', ',', ':' and '1/2'."""
    return unicodedata.normalize("NFKC", text).replace("\u2044", "/").strip()


def page_cells(boxes: list[TextBox]) -> list[Cell]:
    """Boxes as cells in page coordinates rotated back by the skew."""
    slope = _slope_milli(boxes)
    cells = []
    for box in boxes:
        cx = (box.left + box.right) // 2
        cy = (box.top + box.bottom) // 2
        shift = slope * cy // 1000
        cells.append(
            Cell(
                text=plain_text(box.text),
                confidence=box.confidence,
                left=box.left + shift,
                right=box.right + shift,
                x=cx + shift,
                y=cy - slope * cx // 1000,
                height=max(1, abs(box.corners[3][1] - box.corners[0][1])),
            )
        )
    return cells


def group_rows(cells: list[Cell]) -> list[list[Cell]]:
    """Cells whose centres are within half a text height of a row's centre share that row."""
    if not cells:
        return []
    tolerance = max(4, int(median(cell.height for cell in cells)) // 2)
    rows: list[list[Cell]] = []
    for cell in sorted(cells, key=lambda c: c.y):
        if rows:
            row = rows[-1]
            centre = sum(c.y for c in row) // len(row)
            if abs(cell.y - centre) <= tolerance:
                row.append(cell)
                continue
        rows.append([cell])
    return [sorted(row, key=lambda c: c.x) for row in rows]


def joined(cells: Iterable[Cell]) -> str:
    return " ".join(cell.text for cell in cells).strip()
