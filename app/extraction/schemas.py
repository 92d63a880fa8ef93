"""Response models of /api/extract-products.

The legacy shape `{"products": [{product_name, quantity}]}` is kept field for field; everything
else is added alongside, so old clients keep working and new ones get matches and review hints.
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.core.money import Number

EngineChoice = Literal["auto", "gemini", "ocr"]

_EXAMPLE: dict[str, JsonValue] = {
    "products": [
        {
            "product_name": "Tata Salt 1kg",
            "quantity": 20,
            "unit": None,
            "read_quantity": 20,
            "read_unit": None,
            "rate": 22.5,
            "amount": 450.0,
            "matched_product_id": 17,
            "match_score": 100,
            "suggestions": [],
            "read_name": "Tata Salt 1kg",
            "raw_text": "TataSalt1kg 20 22.50 450.00",
            "confidence": 0.962,
            "needs_review": False,
            "flags": [],
        }
    ],
    "engine": "ocr",
    "vendor_name": "Agarwal Traders",
    "bill_date": "2026-11-12",
    "bill_total": 450.0,
    "lines_total": 450.0,
    "warnings": [],
}


class Suggestion(BaseModel):
    product_id: int
    product_name: str
    score: int = Field(ge=0, le=100)


class ExtractedProduct(BaseModel):
    product_name: str = Field(
        description="The shop's own product name when the match is confident, else the text as read"
    )
    quantity: Number = Field(
        description="Exact decimal, up to 3 places, in the matched product's unit when the "
        "bill's unit converts to it (`500 g` of a product kept in kg: 0.5), else as read"
    )
    unit: str | None = Field(
        default=None, description="The unit of `quantity`: kg, g, l, ml, pcs, pack, dozen..."
    )
    read_quantity: Number | None = Field(
        default=None, description="The quantity as written on the bill, before any conversion"
    )
    read_unit: str | None = Field(default=None, description="The unit as written on the bill")
    rate: Number | None = Field(default=None, description="Price per `unit` (2 places)")
    amount: Number | None = Field(default=None, description="Line amount as read (2 places)")
    matched_product_id: int | None = Field(
        default=None, description="Set only when the match score reaches MATCH_THRESHOLD"
    )
    match_score: int | None = Field(default=None, ge=0, le=100)
    suggestions: list[Suggestion] = Field(
        default_factory=list, description="Up to 3 likely products when there is no match"
    )
    read_name: str = Field(description="The item's name as the engine read it")
    raw_text: str = Field(description="The row's text as read, for a person to check")
    confidence: Number = Field(ge=0, le=1)
    needs_review: bool = Field(
        description="True when numbers were corrected, missing or do not add up"
    )
    flags: list[str] = Field(
        default_factory=list,
        description="What happened: amount_computed, rate_computed, quantity_computed, "
        "quantity_corrected, rate_corrected, amount_corrected, arithmetic_mismatch, "
        "quantity_missing, unit_converted, quantity_rate_swapped",
    )


class ExtractionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    products: list[ExtractedProduct]
    engine: Literal["gemini", "ocr"] = Field(description="The engine that read this bill")
    vendor_name: str | None = None
    bill_date: dt.date | None = None
    bill_total: Number | None = Field(default=None, description="The printed total, if read")
    lines_total: Number = Field(description="Sum of the lines' amounts")
    warnings: list[str] = Field(
        default_factory=list, description="E.g. that Gemini failed and the offline reader was used"
    )
