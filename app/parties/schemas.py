"""Request and response models of /api/customers and /api/vendors, and `PartyRef` for bills.

Phone numbers arrive as people type them; they are checked and turned into E.164 by the
service, because the region to read them in is the shop's, which a schema cannot know.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from app.core.inputs import NOT_BLANK
from app.core.money import Number
from app.core.openapi import PHONE

NAME_MAX = 120
"""The width of `customers.name` and `vendors.name`."""

PartyName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    *NOT_BLANK,
]
PhoneText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=32),
    Field(json_schema_extra=PHONE),
]


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A customer or vendor as the bills code needs one: who, their E.164 phone, and whether
    they asked not to be messaged."""

    id: int
    name: str
    phone: str
    opted_out: bool


_PHONE_DESCRIPTION = "Any common form (9812345678, +91 98123 45678, 098123-45678); stored as E.164"
_BALANCE_EXAMPLE = Decimal("1250.50")


def _example(**values: str) -> ConfigDict:
    example: dict[str, JsonValue] = dict(values)
    return ConfigDict(json_schema_extra={"examples": [example]})


class CustomerCreate(BaseModel):
    model_config = _example(customer_name="Sunita Verma", phone_no="98123 45678")
    customer_name: PartyName
    phone_no: PhoneText = Field(description=_PHONE_DESCRIPTION)


class VendorCreate(BaseModel):
    model_config = _example(vendor_name="Gupta Wholesale", phone_no="+91 99887 76655")
    vendor_name: PartyName
    phone_no: PhoneText = Field(description=_PHONE_DESCRIPTION)


class CustomerUpdate(BaseModel):
    model_config = _example(customer_name="Sunita Devi")
    customer_name: PartyName


class VendorUpdate(BaseModel):
    model_config = _example(vendor_name="Gupta Wholesale Traders")
    vendor_name: PartyName


class CustomerRead(BaseModel):
    cust_id: int
    customer_name: str = Field(description="Empty when a sale created them without a name")
    phone_no: str = Field(examples=["+919812345678"], description="E.164")
    balance: Number = Field(
        examples=[_BALANCE_EXAMPLE], description="What the customer owes the shop (udhaar)"
    )


class VendorRead(BaseModel):
    vend_id: int
    vendor_name: str = Field(description="Empty when a purchase created them without a name")
    phone_no: str | None = Field(
        examples=["+919988776655"],
        description="E.164; null for the shop's walk-in vendor (cash purchases without a phone)",
    )
    balance: Number = Field(
        examples=[_BALANCE_EXAMPLE], description="What the shop owes the vendor (udhaar)"
    )
