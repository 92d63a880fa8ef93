"""Request and response models of /api/sales."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.bills.documents import DocumentType
from app.core.gstin import GstinIn, StateCodeIn
from app.core.inputs import NAMES_A_PRODUCT, NOT_BLANK, BodyId, IsoDate
from app.core.money import BillTotal, Money, Number, Percent, PositiveQuantity
from app.core.openapi import PHONE
from app.core.payment_modes import DEFAULT_MONEY_MODE, BillMode, MoneyMode

PaymentMode = BillMode
"""How a bill was paid (`app.core.payment_modes`): a money mode, or `credit` for udhaar."""
MAX_LINES = 1000

OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class BillLineRef(BaseModel):
    """A line names its product by `product_id` or by `product_name` (case and spacing ignored)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=NAMES_A_PRODUCT)

    product_id: BodyId | None = None
    product_name: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
            *NOT_BLANK,
        ]
        | None
    ) = None
    quantity: PositiveQuantity

    @model_validator(mode="after")
    def _names_a_product(self) -> "BillLineRef":
        if self.product_id is None and self.product_name is None:
            raise ValueError("each line needs product_id or product_name")
        return self


class LineDiscount(BaseModel):
    """Money off a bill line: an amount for the whole line, or a percentage of it (not both)."""

    discount: Money | None = Field(
        default=None, description="Money off the whole line, at most quantity x rate"
    )
    discount_percent: Percent | None = Field(
        default=None, description="Percent off the line (0-100, two places); instead of discount"
    )

    @model_validator(mode="after")
    def _one_kind_of_discount(self) -> "LineDiscount":
        if self.discount is not None and self.discount_percent is not None:
            raise ValueError("give either discount or discount_percent, not both")
        return self


class SaleLineIn(BillLineRef, LineDiscount):
    rate: Money | None = Field(
        default=None, description="Unit sale price; the product's price_sale when omitted"
    )


class SaleCreate(BaseModel):
    """A sale bill. Extra per-line fields that older clients send are accepted and ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "customer_name": "Ramesh",
                    "phone_no": "98123 45678",
                    "products": [
                        {"product_name": "Tata Salt 1kg", "quantity": 2, "rate": 28},
                        {"product_id": 17, "quantity": 1.5},
                    ],
                    "bill_paid": False,
                    "amount_paid": 20,
                    "payment_mode": "upi",
                    "payment_due_date": "2026-12-15",
                },
                {
                    "customer_name": "Chandra Traders",
                    "phone_no": "98450 12345",
                    "products": [{"product_id": 17, "quantity": 10}],
                    "buyer_gstin": "29AAFCC9980M1ZR",
                    "buyer_address": "12 MG Road, Bengaluru",
                },
            ]
        },
    )

    customer_name: OptionalText | None = None
    phone_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = (
        Field(
            default=None,
            description="Customer's phone; omit for a walk-in sale",
            json_schema_extra=PHONE,
        )
    )
    products: list[SaleLineIn] = Field(min_length=1, max_length=MAX_LINES)
    transaction_date: IsoDate | None = Field(
        default=None, description="The bill's date (shop's time zone); today when omitted"
    )
    bill_paid: bool = Field(
        default=True, strict=True, description="True: paid in full at the counter"
    )
    amount_paid: Money | None = Field(default=None, description="Paid now; the rest is udhaar")
    payment_mode: PaymentMode | None = Field(
        default=None,
        description="cash, upi, card, bank, or credit (udhaar); default cash when something "
        "is paid now, else credit",
    )
    payment_due_date: IsoDate | None = None
    total_amount: BillTotal | None = Field(
        default=None,
        description="Optional check: any number (rounded half-up to paise) that equals the "
        "computed total within 0.01",
    )
    buyer_gstin: GstinIn | None = Field(
        default=None, description="A registered buyer's GSTIN: the invoice is B2B"
    )
    buyer_name: OptionalText | None = Field(
        default=None, description="Name printed on the invoice (defaults to customer_name)"
    )
    buyer_address: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None
    ) = None
    place_of_supply: StateCodeIn | None = Field(
        default=None,
        description="The buyer's state code; else the state of buyer_gstin, else the shop's "
        "(walk-in sales are intra-state)",
    )


class SaleCreated(BaseModel):
    msg: str = "Sale recorded"
    sale_id: int
    bill_no: str
    total_amount: Number
    profit: Number | None = Field(description="Null for staff logins")


class TaxHeadsOut(BaseModel):
    """GST of a bill, line or credit note; all 0 and taxable_value = the amount when untaxed."""

    taxable_value: Number
    cgst: Number
    sgst: Number
    igst: Number
    cess: Number


class SaleSummary(TaxHeadsOut):
    sales_id: int
    bill_no: str | None
    customer_id: int | None
    transaction_date: dt.date
    total_amount: Number = Field(description="taxable_value + every head + round_off")
    total_quantity: Number
    amount_paid: Number
    status: Literal["completed", "void"]
    document_type: DocumentType = Field(
        description="tax_invoice (regular GST shop), bill_of_supply (composition), bill"
    )
    round_off: Number = Field(description="Added to reach a whole rupee (-0.50..+0.50)")


class SaleLineOut(TaxHeadsOut):
    product_id: int
    product_name: str
    quantity: Number
    rate: Number
    sale_price: Number = Field(description="Line total: quantity x rate - discount")
    cost_price: Number | None = Field(
        description="Unit cost when sold (moving average); null for staff logins"
    )
    profit: Number | None = Field(description="Null for staff logins")
    returned_quantity: Number
    discount: Number = Field(description="Money off the line (0 when none)")
    hsn_code: str | None
    gst_rate: Number = Field(description="GST rate, percent (0 on an untaxed bill)")
    cess_rate: Number


class CustomerBrief(BaseModel):
    cust_id: int | None
    customer_name: str
    phone_no: str | None


class SaleDetail(SaleSummary):
    payment_mode: PaymentMode
    profit: Number | None = Field(description="Null for staff logins")
    void_reason: str | None
    products: list[SaleLineOut]
    customer: CustomerBrief
    discount_total: Number = Field(description="Money off the bill's lines, in all")
    buyer_gstin: str | None
    buyer_name: str | None
    buyer_address: str | None
    place_of_supply: str | None = Field(description="State code; null on a plain bill")
    place_of_supply_name: str | None
    declaration: str | None = Field(
        description="Text the document must carry (a composition shop's bill of supply)"
    )
    credit_notes: list["CreditNoteBrief"] = Field(
        default_factory=list, description="Credit notes issued against this invoice"
    )


class VoidIn(BaseModel):
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        *NOT_BLANK,
    ]


class ReturnLineIn(BaseModel):
    product_id: BodyId
    quantity: PositiveQuantity


class ReturnIn(BaseModel):
    products: list[ReturnLineIn] = Field(min_length=1, max_length=MAX_LINES)
    refund_mode: MoneyMode = Field(
        default=DEFAULT_MONEY_MODE,
        description="How the refund is handed back: cash (default), upi, card or bank",
    )
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class CreditNoteBrief(TaxHeadsOut):
    return_id: int
    credit_note_no: str
    date: dt.date
    amount: Number


class ReturnCreated(TaxHeadsOut):
    msg: str = "Return recorded"
    return_id: int
    sale_id: int
    credit_note_no: str | None = Field(
        description="The credit note's number when the sale was a tax invoice (its own series)"
    )
    invoice_no: str | None = Field(description="The original invoice's number")
    invoice_date: dt.date
    amount: Number = Field(
        description="Value of the goods returned, pro rata at the lines' net (discounted) rates"
    )
    udhaar_reduced: Number = Field(description="Part of the amount taken off the customer's udhaar")
    refund_amount: Number = Field(description="Part of the amount to hand back")
    refund_mode: MoneyMode = Field(description="How the refund is handed back")
