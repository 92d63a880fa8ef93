"""A generated corpus of bill photos in 12 layout families, with exact ground truth (issue 19).

    from tests.bill_corpus import FAMILIES, CATALOGUE, bills, score
    for bill in bills("thermal_two_line"):
        ...read bill.image..., then score(bill, [(product name or None, quantity), ...])

Every bill is drawn on demand from a seed (family + index): the same bytes every time, in any
process. `BILL_CORPUS_PER_FAMILY` (default 24) sets how many bills a family has.
`python -m tests.bill_corpus --out DIR` writes them out to look at.
"""

import os
import random
import zlib
from functools import cache
from typing import Any

from tests.bill_corpus.catalogue import CATALOGUE, CatalogueProduct
from tests.bill_corpus.draw import finish
from tests.bill_corpus.families import FAMILY_DRAWERS, Drawing
from tests.bill_corpus.model import CorpusBill, Expected, Score, score

__all__ = [
    "CATALOGUE",
    "FAMILIES",
    "CatalogueProduct",
    "CorpusBill",
    "Expected",
    "Score",
    "bill",
    "bills",
    "score",
]

FAMILIES: tuple[str, ...] = tuple(FAMILY_DRAWERS)
DEFAULT_PER_FAMILY = 24


def per_family() -> int:
    return int(os.environ.get("BILL_CORPUS_PER_FAMILY", DEFAULT_PER_FAMILY))


def _gemini_answer(drawing: Drawing) -> dict[str, Any]:
    """What a perfect Gemini returns: names, quantities and units as printed (units normalised)."""
    return {
        "vendor_name": drawing.header.vendor,
        "bill_date": drawing.header.iso_date,
        "bill_total": float(drawing.total),
        "lines": [
            {
                "name": line.printed_name,
                "quantity": float(line.quantity),
                "unit": line.unit,
                "rate": None if line.rate is None else float(line.rate),
                "amount": float(line.amount),
            }
            for line in drawing.lines
        ],
    }


@cache
def bill(family: str, index: int) -> CorpusBill:
    """Bill `index` of `family`, drawn from a seed of both (cached in this process)."""
    if family not in FAMILY_DRAWERS:
        raise KeyError(f"unknown family {family!r}; one of {', '.join(FAMILIES)}")
    rng = random.Random(f"{family}:{index}")
    drawing = FAMILY_DRAWERS[family](rng)
    image, content_type = finish(
        drawing.image, drawing.paper, drawing.finish, zlib.crc32(f"{family}:{index}".encode())
    )
    return CorpusBill(
        family=family,
        index=index,
        image=image,
        content_type=content_type,
        expected=tuple(line.expected() for line in drawing.lines),
        gemini_answer=_gemini_answer(drawing),
        conditions=f"font={drawing.font} paper_colour={drawing.paper} {drawing.finish.describe()}",
    )


def bills(family: str, count: int | None = None) -> list[CorpusBill]:
    """The first `count` bills of a family (default `BILL_CORPUS_PER_FAMILY` or 24)."""
    return [bill(family, index) for index in range(per_family() if count is None else count)]
