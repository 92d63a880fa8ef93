"""Request and response models of /api/purchases."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.inputs import IsoDate
from app.core.money import BillTotal, Money, Number
from app.core.openapi import PHONE
from app.sales.schemas import MAX_LINES, BillLineRef, LineDiscount, OptionalText, PaymentMode


class PurchaseLineIn(BillLineRef, LineDiscount):
    price_purchase: Money = Field(description="Unit purchase price")
    price_sale: Money | None = Field(default=None, description="New selling price, if changed")


class PurchaseCreate(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "vendor_name": "Agarwal Traders",
                    "phone_no": "9876543210",
                    "products": [
                        {"product_name": "Tata Salt 1kg", "quantity": 20, "price_purchase": 22.5},
                        {
                            "product_name": "Fortune Oil 1l",
                            "quantity": 5,
                            "price_purchase": 140,
                            "price_sale": 165,
                        },
                    ],
                    "bill_paid": False,
                    "amount_paid": 500,
                }
            ]
        },
    )

    vendor_name: OptionalText | None = None
    phone_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = (
        Field(
            default=None,
            description="Vendor's phone; may be omitted or blank for a purchase paid in full "
            "(recorded against the shop's walk-in vendor), required for one on udhaar",
            json_schema_extra=PHONE,
        )
    )
    products: list[PurchaseLineIn] = Field(min_length=1, max_length=MAX_LINES)
    transaction_date: IsoDate | None = None
    bill_paid: bool = Field(default=True, strict=True)
    amount_paid: Money | None = None
    payment_mode: PaymentMode | None = None
    payment_due_date: IsoDate | None = None
    total_amount: BillTotal | None = Field(
        default=None,
        description="Optional check: any number (rounded half-up to paise) that equals the "
        "computed total within 0.01",
    )


class PurchaseCreated(BaseModel):
    msg: str = "Purchase recorded"
    purchase_id: int
    total_amount: Number


class PurchaseSummary(BaseModel):
    purch_id: int
    vendor_id: int
    transaction_date: dt.date
    total_amount: Number
    total_quantity: Number
    amount_paid: Number
    status: Literal["completed", "void"]


class PurchaseLineOut(BaseModel):
    product_id: int
    product_name: str
    quantity: Number
    price_purchase: Number
    line_total: Number = Field(description="quantity x price_purchase - discount")
    discount: Number = Field(description="Money off the line (0 when none)")


class VendorBrief(BaseModel):
    vend_id: int
    vendor_name: str
    phone_no: str | None = Field(description="E.164; null for the walk-in vendor")


class PurchaseDetail(PurchaseSummary):
    payment_mode: PaymentMode
    void_reason: str | None
    products: list[PurchaseLineOut]
    vendor: VendorBrief
    discount_total: Number = Field(description="Money off the bill's lines, in all")
