"""Request and response models of /api/purchases."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.money import Money
from app.sales.schemas import MAX_LINES, BillLineRef, OptionalText, PaymentMode


class PurchaseLineIn(BillLineRef):
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
    phone_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32)]
    products: list[PurchaseLineIn] = Field(min_length=1, max_length=MAX_LINES)
    transaction_date: dt.date | None = None
    bill_paid: bool = True
    amount_paid: Money | None = None
    payment_mode: PaymentMode | None = None
    payment_due_date: dt.date | None = None
    total_amount: Money | None = None


class PurchaseCreated(BaseModel):
    msg: str = "Purchase recorded"
    purchase_id: int
    total_amount: Decimal


class PurchaseSummary(BaseModel):
    purch_id: int
    vendor_id: int
    transaction_date: dt.date
    total_amount: Decimal
    total_quantity: Decimal
    amount_paid: Decimal
    status: Literal["completed", "void"]


class PurchaseLineOut(BaseModel):
    product_id: int
    product_name: str
    quantity: Decimal
    price_purchase: Decimal
    line_total: Decimal


class VendorBrief(BaseModel):
    vend_id: int
    vendor_name: str
    phone_no: str


class PurchaseDetail(PurchaseSummary):
    payment_mode: PaymentMode
    void_reason: str | None
    products: list[PurchaseLineOut]
    vendor: VendorBrief
