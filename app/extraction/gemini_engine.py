"""The Gemini engine: the prepared image as JPEG, a schema-shaped answer, checked arithmetic."""

import io
from decimal import Decimal

from app.config import ExtractionSettings
from app.core.money import MONEY_PLACES
from app.extraction.arithmetic import consistent, reconcile
from app.extraction.numbers import UNITS, NumberRead, tidy_quantity
from app.extraction.reading import BillLine, BillReading, EngineFailed, EngineName, PreparedImage
from app.extraction.workers import run_bounded
from app.integrations.gemini.client import GeminiBillReader, GeminiError
from app.integrations.gemini.schema import GeminiBill, GeminiLine

_DEFAULT_CONFIDENCE = Decimal("0.9")
_MAX_QUANTITY = Decimal("99999999999.999")
_MAX_AMOUNT = Decimal("999999999999.99")  # NUMERIC(14,2)


def _jpeg(prepared: PreparedImage) -> bytes:
    buffer = io.BytesIO()
    prepared.image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _read(value: Decimal | None) -> NumberRead | None:
    return None if value is None else NumberRead(value, str(value))


def to_line(line: GeminiLine) -> BillLine | None:
    """A Gemini line in our terms; quantities the model cannot have meant are dropped.

    The model's numbers are not OCR digits, so a line that does not add up is flagged, never
    "corrected"; a missing rate or amount is still computed from the other two.
    """
    if line.quantity <= 0 or line.quantity > _MAX_QUANTITY:
        return None
    rate, amount = line.rate, line.amount
    flags: tuple[str, ...] = ()
    if rate is not None and amount is not None:
        if not consistent(line.quantity, rate, amount):
            flags = ("arithmetic_mismatch",)
    else:
        checked = reconcile(_read(line.quantity), _read(rate), _read(amount))
        rate, amount, flags = checked.rate, checked.amount, checked.flags
    if amount is not None and amount > _MAX_AMOUNT:
        return None
    return BillLine(
        name=line.name,
        quantity=tidy_quantity(line.quantity),
        unit=UNITS.get((line.unit or "").casefold().strip(". ")),
        rate=rate.quantize(MONEY_PLACES) if rate is not None else None,
        amount=amount.quantize(MONEY_PLACES) if amount is not None else None,
        confidence=(line.confidence or _DEFAULT_CONFIDENCE).quantize(Decimal("0.001")),
        raw_text=line.name,
        flags=flags,
    )


def to_reading(bill: GeminiBill) -> BillReading:
    return BillReading(
        lines=[line for raw in bill.lines if (line := to_line(raw)) is not None],
        vendor_name=bill.vendor_name or None,
        bill_date=bill.bill_date,
        bill_total=bill.bill_total.quantize(MONEY_PLACES) if bill.bill_total is not None else None,
    )


class GeminiEngine:
    name: EngineName = "gemini"

    def __init__(self, settings: ExtractionSettings) -> None:
        self._reader = GeminiBillReader(settings)

    async def read(self, prepared: PreparedImage) -> BillReading:
        image = await run_bounded("encode", 2, lambda: _jpeg(prepared))
        try:
            bill = await self._reader.read_bill(image, "image/jpeg")
        except GeminiError as exc:
            raise EngineFailed(self.name, exc.reason) from exc
        return to_reading(bill)
