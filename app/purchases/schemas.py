"""Request and response models of /api/purchases."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from app.core.gstin import GstinIn
from app.core.inputs import IsoDate
from app.core.money import BillTotal, Money, Number, Percent
from app.core.openapi import PHONE
from app.core.payment_modes import BillMode
from app.core.tax_inputs import CessRate, HsnCode
from app.sales.schemas import (
    MAX_LINES,
    BillLineRef,
    LineDiscount,
    OptionalText,
    TaxHeadsOut,
)

PaymentMode = BillMode
"""How a purchase was paid (`app.core.payment_modes`): a money mode, or `credit` for udhaar."""

VendorInvoiceNo = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)]


class PurchaseLineIn(BillLineRef, LineDiscount):
    price_purchase: Money = Field(
        description="Unit purchase price (tax included or not: see price_includes_tax)"
    )
    price_sale: Money | None = Field(default=None, description="New selling price, if changed")
    hsn_code: HsnCode | None = Field(
        default=None, description="Else the product's; stored on a product the purchase creates"
    )
    gst_rate: Percent | None = Field(
        default=None,
        description="GST rate (percent) on the vendor's bill: a slab in force on the purchase "
        "date; else the product's",
    )
    cess_rate: CessRate | None = Field(
        default=None, description="Cess (percent); else the product's"
    )
    price_includes_tax: bool | None = Field(
        default=None,
        strict=True,
        description="Whether price_purchase includes the GST; else the product's setting, "
        "else true",
    )


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
    vendor_gstin: GstinIn | None = Field(
        default=None,
        description="The vendor's GSTIN: with a registered shop, the bill carries input tax",
    )
    reverse_charge: bool = Field(
        default=False,
        strict=True,
        description="The shop pays the tax itself: the vendor is owed the taxable value only",
    )
    invoice_no: VendorInvoiceNo | None = Field(
        default=None, description="The vendor's bill number (at most 16 characters; blank: none)"
    )


class PurchaseCreated(BaseModel):
    msg: str = "Purchase recorded"
    purchase_id: int
    total_amount: Number


class PurchaseSummary(TaxHeadsOut):
    purch_id: int
    vendor_id: int
    transaction_date: dt.date
    total_amount: Number = Field(
        description="What the vendor is owed: taxable_value + every head (taxable_value alone "
        "under reverse charge)"
    )
    total_quantity: Number
    amount_paid: Number
    status: Literal["completed", "void"]
    vendor_gstin: str | None
    reverse_charge: bool
    invoice_no: str | None = Field(description="The vendor's bill number")


class PurchaseLineOut(TaxHeadsOut):
    product_id: int
    product_name: str
    quantity: Number
    price_purchase: Number
    line_total: Number = Field(
        description="quantity x price_purchase - discount, plus the tax when the price "
        "excluded it (the taxable value alone under reverse charge)"
    )
    discount: Number = Field(description="Money off the line (0 when none)")
    hsn_code: str | None
    gst_rate: Number = Field(description="GST rate, percent (0 on an untaxed purchase)")
    cess_rate: Number


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
