"""Request and response models of /api/udhaar and the party payment and statement endpoints.

Field names follow the existing clients (`udhar_id`, `date_of_payment` for the due date,
`sales_id`/`purch_id`); new fields are added alongside, never renamed.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.inputs import IsoDate
from app.core.money import Number, PositiveMoney
from app.core.openapi import PHONE
from app.core.payment_modes import UdhaarPaymentMode

PaymentMode = UdhaarPaymentMode
"""A money mode (`app.core.payment_modes`), or the legacy `cheque`/`other` old clients send."""
EntryStatus = Literal["open", "settled"]
StatusFilter = Literal["open", "settled", "all"]
PartyNameIn = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One udhaar entry as the service reads it: amounts so far and who owes whom."""

    id: int
    kind: str
    bill_id: int | None
    bill_no: str | None
    entry_date: dt.date
    due_date: dt.date | None
    amount: Decimal
    paid: Decimal
    settled: Decimal
    status: str
    note: str | None
    party_id: int
    party_name: str
    party_phone: str
    party_opted_out: bool

    @property
    def balance(self) -> Decimal:
        return self.amount - self.settled


class CustomerRef(BaseModel):
    cust_id: int
    customer_name: str
    phone_no: str


class VendorRef(BaseModel):
    vend_id: int
    vendor_name: str
    phone_no: str | None = Field(description="E.164; null for the walk-in vendor")


class _EntryOut(BaseModel):
    udhar_id: int
    bill_no: str | None = Field(description="The bill's number; null for an opening balance")
    date_of_entry: dt.date
    date_of_payment: dt.date | None = Field(description="When it is due")
    amount: Number = Field(description="What was put on credit")
    amount_paid: Number = Field(description="Paid so far (payments only)")
    balance: Number = Field(description="Still owed: amount less payments, voids and returns")
    status: EntryStatus
    days_overdue: int = Field(description="Days past the due date today; 0 when not yet due")
    note: str | None


class SalesUdhaar(_EntryOut):
    sales_id: int | None = Field(description="The sale bill; null for an opening balance")
    customer: CustomerRef


class PurchaseUdhaar(_EntryOut):
    purch_id: int | None = Field(description="The purchase bill; null for an opening balance")
    vendor: VendorRef


class _OpeningIn(BaseModel):
    phone_no: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=32),
        Field(json_schema_extra=PHONE),
    ]
    amount: PositiveMoney = Field(examples=[Decimal("200.00")])
    due_date: IsoDate | None = Field(default=None, description="Default: 30 days from today")
    entry_date: IsoDate | None = Field(
        default=None, description="When it was lent, as in the notebook; default today"
    )
    note: Note | None = None


class SalesOpeningIn(_OpeningIn):
    """What a customer already owed before the shop used this app (from the notebook)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "phone_no": "98123 45678",
                    "customer_name": "Sunita Verma",
                    "amount": 1250.50,
                    "due_date": "2026-12-10",
                    "note": "From the old notebook, page 12",
                }
            ]
        }
    )

    customer_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None
    ) = None


class PurchaseOpeningIn(_OpeningIn):
    """What the shop already owed a vendor before it used this app."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"phone_no": "9988776655", "vendor_name": "Gupta Wholesale", "amount": 5400}
            ]
        }
    )

    vendor_name: PartyNameIn | None = None


class PaymentIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount": 200, "payment_mode": "upi", "paid_on": "2026-11-25"}]
        }
    )

    amount: PositiveMoney = Field(examples=[Decimal("200.00")])
    payment_mode: PaymentMode = "cash"
    paid_on: IsoDate | None = Field(default=None, description="Default: today (shop's date)")
    note: Note | None = None


class Allocation(BaseModel):
    udhar_id: int
    amount: Number
    balance: Number = Field(description="What is left on this entry")
    status: EntryStatus


class PaymentRecorded(BaseModel):
    payment_id: int
    amount: Number
    payment_mode: PaymentMode
    paid_on: dt.date
    allocations: list[Allocation] = Field(description="The entries it paid, oldest first")
    party_balance: Number = Field(description="What the party owes (or is owed) after it")


class SettledMessage(BaseModel):
    msg: str = Field(examples=["Sales udhaar marked as paid and removed."])


class ReminderQueued(BaseModel):
    message: str = Field(examples=["SMS sent successfully"])
    phone: str = Field(examples=["+919812345678"])
    notification_id: int


StatementKind = Literal["bill", "payment", "void", "return", "opening"]


class StatementEntry(BaseModel):
    date: dt.date
    kind: StatementKind
    reference: str = Field(examples=["2026-27/000042", "payment:17"])
    debit: Number = Field(description="What this entry added to the balance")
    credit: Number = Field(description="What this entry took off the balance")
    balance: Number = Field(description="The running balance after this entry")


class Statement(BaseModel):
    party: CustomerRef | VendorRef
    date_from: dt.date | None = Field(alias="from", serialization_alias="from")
    date_to: dt.date | None = Field(alias="to", serialization_alias="to")
    opening_balance: Number = Field(description="The balance before `from`")
    entries: list[StatementEntry]
    closing_balance: Number

    model_config = ConfigDict(populate_by_name=True)


class AgeingBuckets(BaseModel):
    days_0_30: Number = Field(alias="0-30", serialization_alias="0-30")
    days_31_60: Number = Field(alias="31-60", serialization_alias="31-60")
    days_61_90: Number = Field(alias="61-90", serialization_alias="61-90")
    days_90_plus: Number = Field(alias="90+", serialization_alias="90+")

    model_config = ConfigDict(populate_by_name=True)


class Summary(BaseModel):
    as_of: dt.date
    total_receivable: Number = Field(description="What customers owe the shop")
    total_payable: Number = Field(description="What the shop owes vendors")
    overdue_receivable: Number
    overdue_payable: Number
    customers_owing: int
    vendors_owed: int
    receivable_ageing: AgeingBuckets = Field(description="Open amounts by days since the bill")
    payable_ageing: AgeingBuckets


class DueList(BaseModel):
    days_ahead: int
    sales_udhaar_due: list[SalesUdhaar]
    purchase_udhaar_due: list[PurchaseUdhaar]


# How the JSON of each side's udhaar differs (by `PartySide.key`): the entry's model, its
# party's model, and the name of its bill's id.
ENTRY_MODEL: dict[str, type[SalesUdhaar] | type[PurchaseUdhaar]] = {
    "customer": SalesUdhaar,
    "vendor": PurchaseUdhaar,
}
PARTY_REF_MODEL: dict[str, type[CustomerRef] | type[VendorRef]] = {
    "customer": CustomerRef,
    "vendor": VendorRef,
}
BILL_ID_FIELD = {"customer": "sales_id", "vendor": "purch_id"}
