"""Request and response models of /api/auth."""

import datetime as dt
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

from app.bills.numbering import invoice_prefix_problem
from app.core.gstin import GstinIn, StateCodeIn
from app.core.inputs import JSON_INTEGER, NOT_BLANK
from app.core.message_templates import Language, TemplateError, TemplateName, check_template
from app.core.openapi import PHONE
from app.core.phone import InvalidPhone, to_e164
from app.core.upi import VpaIn


def _phone(value: str) -> str:
    try:
        return to_e164(value)
    except InvalidPhone as exc:
        raise ValueError(str(exc)) from exc


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    *NOT_BLANK,
]
PhoneIn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=32),
    AfterValidator(_phone),
    Field(json_schema_extra=PHONE),
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


MessageTemplates = dict[TemplateName, dict[Language, str]]


class MessageSettings(BaseModel):
    """How and when the shop messages its customers and vendors."""

    language: Language = Field(default="en", description="Language of bills and reminders")
    message_channel: Literal["sms", "whatsapp"] = "sms"
    send_bill_messages: bool = Field(
        default=True, description="Send the bill to the customer (or vendor) after each bill"
    )
    send_payment_receipts: bool = Field(
        default=True, description="Send a receipt when a customer pays udhaar"
    )
    reminders_enabled: bool = Field(
        default=True,
        description="Remind customers automatically on the due date, then every "
        "`reminder_every_days` days while overdue",
    )
    reminder_every_days: int = Field(default=3, ge=1, le=90)
    reminder_hour: int = Field(
        default=10, ge=0, le=23, description="Shop-local hour after which reminders are queued"
    )
    daily_message_cap: int = Field(
        default=500,
        ge=0,
        le=100_000,
        description="Messages per shop-local day; a manual send over it is a 429, automatic "
        "ones wait for the next day",
    )
    message_templates: MessageTemplates = Field(
        default_factory=dict,
        description="The shop's own wording per template and language (e.g. its registered "
        "DLT templates), with `{field}` placeholders; omitted ones use the defaults",
        examples=[{"reminder": {"en": "{shop}: Rs {balance} due by {due_date}. -{party}"}}],
    )
    daily_summary: bool = Field(
        default=False,
        description="Message the owner a summary of the day (sales, profit, cash and UPI "
        "collected, udhaar given and received, low stock) once `closing_hour` has begun",
    )
    closing_hour: int = Field(
        default=21,
        ge=0,
        le=23,
        description="Shop-local hour (0-23) from which the day's summary is sent, once a day",
    )
    summary_channel: Literal["sms", "whatsapp"] | None = Field(
        default=None,
        description="How the summary goes to the owner; null: the shop's `message_channel`",
    )


def _checked_templates(value: MessageTemplates | None) -> MessageTemplates | None:
    for template, texts in (value or {}).items():
        for language, text in texts.items():
            try:
                check_template(template, text)
            except TemplateError as exc:
                raise ValueError(f"message_templates.{template}.{language}: {exc}") from exc
    return value


GstScheme = Literal["unregistered", "regular", "composition"]


class TaxProfile(BaseModel):
    """The shop's GST registration, as its bills print it."""

    gst_scheme: GstScheme = Field(
        default="unregistered",
        description="`unregistered`: plain bills; `regular`: tax invoices; `composition`: "
        "bills of supply",
    )
    gstin: str | None = Field(default=None, description="The shop's GSTIN")
    state_code: str | None = Field(
        default=None, description="GST state code of the shop (01-38, 97): its place of business"
    )
    legal_name: str | None = Field(default=None, description="Legal name printed on invoices")
    address: str | None = Field(default=None, description="Address printed on invoices")
    invoice_prefix: str = Field(
        default="", description="Starts every invoice number: `{prefix}2026-27/000123`"
    )
    round_to_rupee: bool = Field(
        default=False, description="Round bill totals to the rupee on a `round_off` line"
    )


class PaymentProfile(BaseModel):
    """How customers pay the shop: printed as a UPI QR code and link on invoices, statements
    and udhaar reminders that ask for money."""

    upi_id: str | None = Field(
        default=None, description="The shop's UPI id (VPA), e.g. `sharmakirana@okaxis`"
    )
    upi_payee_name: str | None = Field(
        default=None,
        description="The name UPI apps show the payer; the shop's legal or trade name when unset",
    )


def _invoice_prefix(value: str) -> str:
    problem = invoice_prefix_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


InvoicePrefix = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=64),
    AfterValidator(_invoice_prefix),
]


# Printed on invoices: stripped; blank clears the field (stored as null), while `null` leaves
# it as it is, like every other setting.
LegalName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    Field(description='At most 200 characters; `""` clears it'),
]
Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    Field(description='At most 500 characters; `""` clears it'),
]

PayeeName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=99),
    Field(description='At most 99 characters; `""` clears it'),
]


class ShopUpdate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"allow_negative_stock": True},
                {"language": "hi", "reminder_hour": 9},
                {"gst_scheme": "regular", "gstin": "27AAPFU0939F1ZV", "invoice_prefix": "S/"},
            ]
        }
    )

    shop_name: Name | None = None
    allow_negative_stock: bool | None = Field(
        default=None,
        strict=True,
        description="Allow sales beyond the stock on record (stock goes negative)",
    )
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = None
    language: Language | None = None
    message_channel: Literal["sms", "whatsapp"] | None = None
    # Strict: JSON `0` is not `false`, nor `false` a count (Pydantic alone takes both).
    send_bill_messages: bool | None = Field(default=None, strict=True)
    send_payment_receipts: bool | None = Field(default=None, strict=True)
    reminders_enabled: bool | None = Field(default=None, strict=True)
    reminder_every_days: Annotated[int, Field(ge=1, le=90), JSON_INTEGER] | None = None
    reminder_hour: Annotated[int, Field(ge=0, le=23), JSON_INTEGER] | None = None
    daily_message_cap: Annotated[int, Field(ge=0, le=100_000), JSON_INTEGER] | None = None
    daily_summary: bool | None = Field(default=None, strict=True)
    closing_hour: Annotated[int, Field(ge=0, le=23), JSON_INTEGER] | None = None
    summary_channel: Literal["sms", "whatsapp", ""] | None = Field(
        default=None, description='`""`: the summary goes by `message_channel`, as bills do'
    )
    message_templates: Annotated[
        MessageTemplates | None,
        AfterValidator(_checked_templates),
        Field(description="Replaces the shop's template overrides; `{}` restores the defaults"),
    ] = None
    gst_scheme: GstScheme | None = Field(
        default=None,
        description="`regular` and `composition` need the shop's GSTIN (sent now or stored); "
        "back to `unregistered` keeps the stored GSTIN",
    )
    gstin: GstinIn | None = Field(
        default=None,
        description="Checked (pattern, state, check character); its first two digits must be "
        "`state_code`, which it sets when the shop has none",
    )
    state_code: StateCodeIn | None = None
    legal_name: LegalName | None = None
    address: Address | None = None
    invoice_prefix: InvoicePrefix | None = Field(
        default=None,
        description="Letters, digits, `-` and `/`, at most 2 characters (an invoice number "
        'has at most 16); `""` removes it',
    )
    round_to_rupee: bool | None = Field(default=None, strict=True)
    upi_id: VpaIn | None = Field(
        default=None,
        description='A UPI id such as `sharmakirana@okaxis` (stored lower-case); `""` removes '
        "it, and with it the QR codes",
    )
    upi_payee_name: PayeeName | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None and value not in available_timezones():
            raise ValueError(f"unknown time zone '{value}'")
        return value


class ShopRead(PaymentProfile, TaxProfile, MessageSettings):
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


class StaffMember(UserRead):
    active: bool = Field(description="A deactivated user can neither log in nor use old tokens")
    created_at: dt.datetime


class UserUpdate(BaseModel):
    """An owner changes a user's role or (de)activates them; effective from their next request."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"active": False}, {"role": "owner"}]}
    )

    role: Literal["owner", "staff"] | None = None
    active: bool | None = Field(default=None, strict=True)


class PasswordReset(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"new_password": "counter-two-b"}]})

    new_password: Password


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"current_password": "old-password", "new_password": "a-new-password"}]
        }
    )

    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Password


class RefreshIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"refresh_token": "q0v3b1...the refresh_token issued"}]}
    )

    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class MessageOut(BaseModel):
    msg: str


class TokenOut(BaseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer <access_token>`")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    refresh_token: str = Field(
        description="Single-use: `POST /api/auth/refresh` exchanges it for a new pair"
    )
    expires_in: int = Field(description="Seconds until the access token expires")


class RegisterOut(TokenOut):
    shop: ShopRead
    user: UserRead


class MeOut(BaseModel):
    user: UserRead
    shop: ShopRead
