"""Request and response models of /api/purchases/drafts."""

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.core.inputs import NAMES_A_PRODUCT, NOT_BLANK, BodyId, IsoDate
from app.core.money import Money, Number, PositiveQuantity
from app.core.openapi import PHONE
from app.extraction.schemas import Suggestion
from app.sales.schemas import MAX_LINES, OptionalText, PaymentMode

DraftStatus = Literal["open", "confirmed"]
PhoneText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=32),
    Field(json_schema_extra=PHONE),
]
ProductName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    *NOT_BLANK,
]


class DraftLineRead(BaseModel):
    # What the line says the shop paid: blanked for staff (app.auth.visibility), with
    # `price_purchase`; the raw text holds the rates as read.
    STAFF_HIDDEN: ClassVar[frozenset[str]] = frozenset({"line_total", "discount", "raw_text"})

    line_no: int
    product_id: int | None = Field(description="The shop's product, when matched or chosen")
    product_name: str
    read_name: str | None = Field(description="The name as read off the bill")
    quantity: Number
    unit: str | None
    price_purchase: Number | None = Field(description="Unit purchase rate; needed to confirm")
    price_sale: Number | None
    line_total: Number | None = Field(description="quantity x price_purchase - discount")
    discount: Number | None = Field(description="Money off the line (0 when none)")
    match_score: int | None
    suggestions: list[Suggestion]
    raw_text: str | None
    confidence: Number | None
    flags: list[str]
    needs_review: bool


class DraftRead(BaseModel):
    STAFF_HIDDEN: ClassVar[frozenset[str]] = frozenset({"bill_total", "lines_total"})

    draft_id: int
    status: DraftStatus
    engine: Literal["gemini", "ocr"]
    vendor_name: str | None
    phone_no: str | None = Field(description="The vendor's phone (E.164); needed to confirm")
    bill_date: dt.date | None
    bill_total: Number | None = Field(description="The total printed on the bill, if read")
    lines_total: Number | None = Field(
        description="Sum of the line totals over lines with a rate (null for staff logins)"
    )
    warnings: list[str]
    purchase_id: int | None = Field(description="Set once the draft is confirmed")
    image_url: str
    created_at: dt.datetime
    updated_at: dt.datetime
    confirmed_at: dt.datetime | None
    lines: list[DraftLineRead]


class DraftSummary(BaseModel):
    draft_id: int
    status: DraftStatus
    engine: Literal["gemini", "ocr"]
    vendor_name: str | None
    phone_no: str | None
    bill_date: dt.date | None
    bill_total: Number | None
    purchase_id: int | None
    created_at: dt.datetime


class DraftLineIn(BaseModel):
    """A line as the shop owner corrected it: the product by id (a suggestion) or by name."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=NAMES_A_PRODUCT)

    product_id: BodyId | None = None
    product_name: ProductName | None = None
    quantity: PositiveQuantity
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    price_purchase: Money | None = Field(default=None, description="Unit purchase rate")
    price_sale: Money | None = Field(default=None, description="New selling price, if changed")
    discount: Money | None = Field(
        default=None, description="Money off the whole line; passed on to the purchase"
    )

    @model_validator(mode="after")
    def _names_a_product(self) -> "DraftLineIn":
        if self.product_id is None and self.product_name is None:
            raise ValueError("each line needs product_id or product_name")
        return self


class DraftUpdate(BaseModel):
    """Any of the fields; `lines`, when sent, replaces all lines."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "phone_no": "9876543210",
                    "lines": [
                        {"product_id": 17, "quantity": 20, "price_purchase": 22.5},
                        {"product_name": "Fortune Oil 1l", "quantity": 5, "price_purchase": 140},
                    ],
                }
            ]
        }
    )

    vendor_name: OptionalText | None = None
    phone_no: PhoneText | None = Field(default=None, json_schema_extra=PHONE)
    bill_date: IsoDate | None = None
    lines: list[DraftLineIn] | None = Field(default=None, min_length=1, max_length=MAX_LINES)


class DraftConfirm(BaseModel):
    """How the purchase was paid; the rest comes from the draft."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"bill_paid": False, "amount_paid": 500}]}
    )

    transaction_date: IsoDate | None = Field(
        default=None, description="The purchase's date; the bill's date (or today) when omitted"
    )
    bill_paid: bool = Field(
        default=True, strict=True, description="True: paid in full; else vendor udhaar"
    )
    amount_paid: Money | None = None
    payment_mode: PaymentMode | None = None
    payment_due_date: IsoDate | None = None


class DraftConfirmed(BaseModel):
    STAFF_HIDDEN: ClassVar[frozenset[str]] = frozenset({"total_amount"})

    msg: str = "Purchase recorded"
    draft_id: int
    purchase_id: int
    total_amount: Number | None = Field(description="The purchase's total (null for staff)")


class DraftFingerprint(BaseModel):
    """What makes two draft uploads "the same request" for Idempotency-Key."""

    image_sha256: str
    vendor_phone: str | None
    vendor_name: str | None
    engine: str
