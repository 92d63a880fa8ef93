"""Bill photo -> matched lines: check the upload, pick the engine, fall back, match the catalogue.

Reading (`read_photo`) needs no database and may take seconds (Gemini) or a CPU-second (OCR), so
it runs before the request's transaction starts; matching (`match_reading`) then reads the shop's
products. Nothing here writes anything.
"""

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import service as auth_service
from app.config import ExtractionSettings
from app.core.errors import ProviderUnavailable, RateLimited
from app.core.pagination import MAX_LIMIT, Page
from app.db.session import driver_connection
from app.extraction import images, repository
from app.extraction.arithmetic import read_the_other_way
from app.extraction.gemini_engine import GeminiEngine
from app.extraction.matching import Catalogue
from app.extraction.numbers import tidy_quantity
from app.extraction.ocr_engine import OcrEngine
from app.extraction.reading import (
    BillReading,
    EngineFailed,
    EngineName,
    ExtractionEngine,
    PreparedImage,
)
from app.extraction.schemas import EngineChoice, ExtractedProduct, ExtractionOut, Suggestion
from app.extraction.units import to_product_unit
from app.extraction.workers import run_bounded
from app.products import service as products

_log = logging.getLogger("dukaan.extraction")

DECODE_CONCURRENCY = 2


@dataclass(frozen=True, slots=True)
class BillPhoto:
    """A checked photo and what an engine read from it."""

    prepared: PreparedImage
    reading: BillReading
    engine: EngineName
    warnings: list[str] = field(default_factory=list)


async def prepare_upload(upload: UploadFile, settings: ExtractionSettings) -> PreparedImage:
    """Bytes capped while read (413), sniffed (415), then decoded and shrunk off the loop."""
    data = await images.read_upload(upload, settings.max_upload_bytes)
    images.check_kind(data)
    return await run_bounded("decode", DECODE_CONCURRENCY, lambda: images.prepare(data))


def _engine(name: EngineName, settings: ExtractionSettings) -> ExtractionEngine:
    if name == "gemini":
        return GeminiEngine(settings)
    return OcrEngine(settings.ocr_concurrency, settings.ocr_processes)


def _unavailable(failure: EngineFailed) -> ProviderUnavailable:
    return ProviderUnavailable(f"Bill reading is unavailable ({failure.engine}: {failure.reason})")


async def _read(
    name: EngineName, prepared: PreparedImage, settings: ExtractionSettings
) -> BillReading:
    return await _engine(name, settings).read(prepared)


async def count_reading(
    sessions: async_sessionmaker[AsyncSession], shop_id: int, settings: ExtractionSettings
) -> None:
    """Count this reading against the shop's daily cap (OWASP API6); 429 when it is used up.

    Counted in its own short transaction, before the engine runs and while no request
    transaction is open: a reading costs a provider call even when the request later
    fails, and no connection may wait on Gemini.
    """
    if settings.daily_cap <= 0:
        return
    async with sessions.begin() as session:
        if await repository.take_one(session, shop_id, settings.daily_cap):
            return
        shop = await auth_service.shop_settings(session, shop_id)
    raise RateLimited(
        f"The shop's {settings.daily_cap} bill readings for today are used up",
        retry_after_s=shop.seconds_to_midnight(),
    )


async def count_question(session: AsyncSession, shop_id: int, cap: int) -> bool:
    """Count one question (`app.ask`) against the shop's daily cap, in the request's
    transaction; False when the cap is used up. `daily_usage` is this domain's table."""
    return cap <= 0 or await repository.take_one(session, shop_id, cap, kind="ask")


async def read_photo(
    prepared: PreparedImage, settings: ExtractionSettings, choice: EngineChoice
) -> BillPhoto:
    """Gemini when a key is set (or asked for), the offline OCR otherwise or as its fallback.

    An explicit `engine=gemini` never falls back: the caller asked for that engine. In `auto`,
    a Gemini failure falls back to OCR when `EXTRACTION_FALLBACK=ocr`, else it is a 503.
    """
    if choice == "gemini" and not settings.gemini_enabled:
        raise ProviderUnavailable("Gemini is not configured on this server (GEMINI_API_KEY)")
    warnings: list[str] = []
    if choice == "gemini" or (choice == "auto" and settings.gemini_enabled):
        try:
            return BillPhoto(prepared, await _read("gemini", prepared, settings), "gemini")
        except EngineFailed as failure:
            if choice == "gemini" or settings.fallback != "ocr":
                raise _unavailable(failure) from failure
            _log.warning("gemini failed; reading offline", extra={"reason": failure.reason})
            warnings.append(
                f"Gemini failed ({failure.reason}); the bill was read by the offline OCR"
            )
    try:
        reading = await _read("ocr", prepared, settings)
    except EngineFailed as failure:
        raise _unavailable(failure) from failure
    return BillPhoto(prepared, reading, "ocr", warnings)


async def load_catalogue(session: AsyncSession, shop_id: int) -> Catalogue:
    """Every live product of the shop, page by page (a catalogue is thousands, not millions)."""
    names: list[tuple[int, str]] = []
    units: dict[int, str] = {}
    prices: dict[int, Decimal] = {}
    offset = 0
    while True:
        rows, total = await products.search(
            await driver_connection(session),
            shop_id,
            Page(limit=MAX_LIMIT, offset=offset),
            q=None,
            low_stock=False,
        )
        names.extend((row.product_id, row.product_name) for row in rows)
        units.update((row.product_id, row.unit) for row in rows)
        prices.update(
            (row.product_id, row.price_purchase) for row in rows if row.price_purchase is not None
        )
        offset += MAX_LIMIT
        if not rows or offset >= total:
            return Catalogue(names, units, prices)


_TIMES = re.compile(r"\d\s*[xX\u00d7*]\s*\S?\d")
"""`53 x 5`: two numbers either side of a times sign, the one shape whose order is only a
convention (columns under a header say which is which)."""


def match_lines(photo: BillPhoto, catalogue: Catalogue, threshold: int) -> list[ExtractedProduct]:
    matched = []
    for line in photo.reading.lines:
        match = catalogue.match(line.name, threshold)
        quantity, unit, rate, flags = line.quantity, line.unit, line.rate, list(line.flags)
        price = catalogue.price(match.product_id) if match.product_id is not None else None
        if (
            unit is None
            and rate is not None
            and _TIMES.search(line.raw_text)
            and read_the_other_way(quantity, rate, price)
        ):
            quantity, rate = rate, quantity
            flags.append("quantity_rate_swapped")
        read_quantity = quantity
        converted = match.product_name and to_product_unit(
            quantity, rate, line.amount, unit, match.unit, match.product_name
        )
        if converted:
            quantity, unit, rate = converted.quantity, match.unit, converted.rate
            flags.append("unit_converted")
        matched.append(
            ExtractedProduct(
                product_name=match.product_name or line.name,
                quantity=tidy_quantity(quantity),
                unit=unit,
                rate=rate,
                amount=line.amount,
                read_quantity=read_quantity,
                read_unit=line.unit,
                matched_product_id=match.product_id,
                match_score=match.score if len(catalogue) else None,
                suggestions=[
                    Suggestion(product_id=c.product_id, product_name=c.product_name, score=c.score)
                    for c in match.suggestions
                ],
                read_name=line.name,
                raw_text=line.raw_text,
                confidence=line.confidence,
                needs_review=line.needs_review or "quantity_rate_swapped" in flags,
                flags=flags,
            )
        )
    return matched


async def match_reading(
    session: AsyncSession, shop_id: int, photo: BillPhoto, settings: ExtractionSettings
) -> ExtractionOut:
    catalogue = await load_catalogue(session, shop_id)
    lines = match_lines(photo, catalogue, settings.match_threshold)
    reading = photo.reading
    return ExtractionOut(
        products=lines,
        engine=photo.engine,
        vendor_name=reading.vendor_name,
        bill_date=reading.bill_date,
        bill_total=reading.bill_total,
        lines_total=sum((line.amount or Decimal(0) for line in lines), Decimal("0.00")),
        warnings=[*photo.warnings, *reading.warnings],
    )
