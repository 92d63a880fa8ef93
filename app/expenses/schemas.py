"""Request and response models of /api/expenses."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from app.core.inputs import NOT_BLANK, IsoDate
from app.core.money import Number, PositiveMoney
from app.core.payment_modes import MoneyMode
from app.core.text import clean_text
from app.models.expense import CATEGORY_LENGTH, NOTE_LENGTH

ExpensePaymentMode = MoneyMode
"""How an expense was paid: a money mode (`app.core.payment_modes`)."""

CategoryName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=CATEGORY_LENGTH),
    *NOT_BLANK,
]


def _cleaned(value: object) -> object:
    """Normalised first (`app.core.text.clean_text`), so the length checked is the stored one."""
    return clean_text(value) if isinstance(value, str) else value


Note = Annotated[str, StringConstraints(max_length=NOTE_LENGTH), BeforeValidator(_cleaned)]


class ExpenseCreate(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "expense_date": "2026-12-01",
                    "category": "rent",
                    "amount": 8000,
                    "payment_mode": "bank",
                    "note": "December rent",
                }
            ]
        },
    )

    expense_date: IsoDate | None = Field(
        default=None,
        description="The day the money was spent, in the shop's time zone (default today; "
        "may be backdated, not in the future)",
    )
    category: CategoryName = Field(
        description="A default category or one the shop added (GET /api/expenses/categories), "
        "case ignored"
    )
    amount: PositiveMoney = Field(description="Rupees spent, more than 0, at most 2 places")
    payment_mode: ExpensePaymentMode = "cash"
    note: Note | None = None


class ExpenseVoid(BaseModel):
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_LENGTH),
        *NOT_BLANK,
    ]


class ExpenseOut(BaseModel):
    expense_id: int
    expense_date: dt.date
    category: str
    amount: Number = Field(description="Rupees spent (the original amount, also when void)")
    payment_mode: ExpensePaymentMode
    note: str | None
    created_by: int | None = Field(description="The login that recorded it")
    created_at: dt.datetime
    status: Literal["recorded", "void"]
    void_reason: str | None
    voided_at: dt.datetime | None
    voided_by: int | None
    reversal_id: int | None = Field(
        description="The reversing row that voided it (its amount is the negative of this one)"
    )


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"name": "Diesel"}]})

    name: CategoryName


class CategoryOut(BaseModel):
    name: str
    default: bool = Field(description="One of the categories every shop has")
