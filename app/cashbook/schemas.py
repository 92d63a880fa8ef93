"""Request and response models of the day book (`/api/reports/day-book`) and cash counts.

`DayBook` is also what other domains read (the daily summary calls
`app.cashbook.service.day_book`): the day's totals without its entries.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.inputs import IsoDate
from app.core.money import Money, Number
from app.core.payment_modes import BillMode
from app.models.cashbook import NOTE_LENGTH

EntryKind = Literal[
    "sale",
    "sale_void",
    "sale_refund",
    "customer_payment",
    "purchase",
    "purchase_void",
    "vendor_payment",
    "expense",
    "expense_void",
]


class ModeTotals(BaseModel):
    amount_in: Number = Field(description="Money that came in by this mode on the day")
    amount_out: Number = Field(description="Money that went out by this mode on the day")
    net: Number = Field(description="amount_in - amount_out")


class CashCountOut(BaseModel):
    count_id: int
    date: dt.date
    counted: Number = Field(description="The cash counted in the drawer at the day's close")
    expected: Number = Field(
        description="The closing cash the books give (opening + cash in - cash out)"
    )
    difference: Number = Field(description="counted - expected: negative when cash is short")
    note: str | None
    counted_at: dt.datetime
    counted_by: int | None = Field(description="The login that recorded the count")


class DayBook(BaseModel):
    """A day's money in figures: totals by mode, udhaar, and the cash drawer."""

    date: dt.date
    totals_by_mode: dict[str, ModeTotals] = Field(
        description="Keyed by cash, upi, card and bank (always all four)"
    )
    udhaar_given: Number = Field(description="What customers took on udhaar on the day's sales")
    udhaar_received: Number = Field(description="What customers paid against their udhaar")
    opening_cash: Number = Field(description="The previous day's closing cash")
    cash_in: Number
    cash_out: Number
    closing_cash: Number = Field(
        description="opening_cash + cash_in - cash_out; the counted amount when the day was counted"
    )
    cash_count: CashCountOut | None = Field(
        description="The day's cash count (the latest recorded for it), if any"
    )


class DayBookEntry(BaseModel):
    time: dt.datetime = Field(description="When it was entered (a void: when it was voided)")
    kind: EntryKind
    id: int = Field(
        description="The sale's, purchase's, return's, payment's or expense's id (for an "
        "expense_void, the voided expense's)"
    )
    reference: str | None = Field(
        description="Bill no (sales), credit note or bill no (refunds), the vendor's invoice "
        "no (purchases), the category (expenses)"
    )
    party: str | None = Field(description="The customer's or vendor's name")
    mode: BillMode = Field(
        description="The money mode it counts under; `credit` for a bill with nothing paid"
    )
    amount_in: Number
    amount_out: Number
    udhaar_given: Number | None = Field(description="Sales: the part left on udhaar")
    udhaar_received: Number | None = Field(description="Customer payments: the amount")


class DayBookReport(DayBook):
    entries: list[DayBookEntry] = Field(
        description="Every money movement of the day, in the order it happened"
    )


class CashCountIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"date": "2026-12-04", "counted": 15420.5, "note": "Evening count"}]
        },
    )

    date: IsoDate | None = Field(
        default=None, description="The day counted, in the shop's time zone (default today)"
    )
    counted: Money = Field(description="Rupees counted, 0 or more, at most 2 places")
    note: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_LENGTH)] | None
    ) = None
