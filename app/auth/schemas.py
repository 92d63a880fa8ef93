"""Request and response models of /api/auth."""

from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from app.core.phone import InvalidPhone, to_e164


def _phone(value: str) -> str:
    try:
        return to_e164(value)
    except InvalidPhone as exc:
        raise ValueError(str(exc)) from exc


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
PhoneIn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=32),
    AfterValidator(_phone),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


class RegisterIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "shop_name": "Sharma Kirana Store",
                    "owner_name": "Ramesh Sharma",
                    "phone_no": "98123 45678",
                    "password": "chai-aur-biscuit",
                }
            ]
        }
    )

    shop_name: Name
    owner_name: Name
    phone_no: PhoneIn = Field(description="Any common form; stored as E.164 (+91...)")
    password: Password


class StaffCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Counter 2", "phone_no": "9876543210", "password": "counter-two"}]
        }
    )

    name: Name
    phone_no: PhoneIn
    password: Password


class ShopUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"allow_negative_stock": True}]})

    shop_name: Name | None = None
    allow_negative_stock: bool | None = Field(
        default=None, description="Allow sales beyond the stock on record (stock goes negative)"
    )
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in available_timezones():
            raise ValueError(f"unknown time zone '{value}'")
        return value


class ShopRead(BaseModel):
    shop_id: int
    shop_name: str
    region: str
    timezone: str
    allow_negative_stock: bool


class UserRead(BaseModel):
    user_id: int
    name: str
    phone_no: str
    role: Literal["owner", "staff"]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret


class RegisterOut(TokenOut):
    shop: ShopRead
    user: UserRead


class MeOut(BaseModel):
    user: UserRead
    shop: ShopRead
