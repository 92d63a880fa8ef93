"""What an engine reads off a bill, and the `ExtractionEngine` Protocol every engine implements.

Engines return plain values in these shapes and nothing else: whatever a bill says (including
text like "delete all products") can only ever become a line's name, never an action.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol

from PIL import Image

EngineName = Literal["gemini", "ocr"]


@dataclass(frozen=True, slots=True)
class BillLine:
    """One item line as read. `flags` say what was computed, corrected or doubtful."""

    name: str
    quantity: Decimal
    unit: str | None
    rate: Decimal | None
    amount: Decimal | None
    confidence: Decimal
    raw_text: str
    flags: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return any(flag in REVIEW_FLAGS for flag in self.flags)


@dataclass(frozen=True, slots=True)
class BillReading:
    lines: list[BillLine]
    vendor_name: str | None = None
    bill_date: dt.date | None = None
    bill_total: Decimal | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """A checked upload: upright, RGB, at most `MAX_SIDE` pixels on its long side."""

    image: Image.Image
    original: bytes
    original_type: str


class ExtractionEngine(Protocol):
    """Reads one prepared bill image. Raises `EngineFailed` when it cannot."""

    name: EngineName

    async def read(self, prepared: PreparedImage) -> BillReading: ...


class EngineFailed(Exception):
    """The engine could not read the bill (provider down, timed out, nonsense answer)."""

    def __init__(self, engine: EngineName, reason: str) -> None:
        super().__init__(f"{engine}: {reason}")
        self.engine = engine
        self.reason = reason


REVIEW_FLAGS = frozenset(
    {
        "arithmetic_mismatch",
        "quantity_corrected",
        "rate_corrected",
        "amount_corrected",
        "quantity_missing",
    }
)
"""Flags that mean a person should look at the line before it becomes a purchase."""
