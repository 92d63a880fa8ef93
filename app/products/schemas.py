"""Request and response models of /api/products."""

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from app.core.inputs import NOT_BLANK
from app.core.money import Money, Number, Percent, Quantity

Unit = Literal["pcs", "kg", "g", "l", "ml", "pack", "box", "dozen", "m", "bottle", "bag"]
ProductName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    *NOT_BLANK,
]
Barcode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z\-]{1,64}$")]

HsnCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4,8}$"),
    Field(
        description='HSN code, 4 to 8 digits, as text (`"0401"`: a leading 0 counts)',
        examples=["2501"],
    ),
]
"""A JSON number is refused: `0401` would lose its leading zero as one."""

_CESS_TEXT = r"0*[0-9]{1,3}(\.[0-9]{1,2})?"
_CESS = re.compile(_CESS_TEXT)


def _cess_text(value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, str) and not _CESS.fullmatch(value)):
        raise ValueError("expected a cess rate from 0 to 400 with at most 2 decimal places")
    return value


CessRate = Annotated[
    Decimal,
    Field(ge=0, le=400, max_digits=5, decimal_places=2, allow_inf_nan=False),
    BeforeValidator(_cess_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 400, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^({_CESS_TEXT})$"},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
"""Compensation cess, percent of the taxable value, 0 to 400 with at most two places."""
GstRate = Annotated[
    Percent,
    Field(
        description="GST rate, percent: one of the slabs in force on the shop's today "
        "(e.g. 0, 5, 18, 40 since 22 September 2025)"
    ),
]

_EXAMPLE: dict[str, JsonValue] = {
    "product_name": "Tata Salt 1kg",
    "price_purchase": 22.5,
    "price_sale": 28,
    "quantity": 40,
    "unit": "pcs",
    "barcode": "8904043901015",
    "reorder_level": 10,
    "hsn_code": "2501",
    "gst_rate": 5,
}


class ProductCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    product_name: ProductName
    price_purchase: Money = Field(description="Cost per unit, rupees with at most 2 decimals")
    price_sale: Money = Field(description="Selling price per unit")
    quantity: Quantity = Field(default=Decimal(0), description="Opening stock (up to 3 decimals)")
    unit: Unit = "pcs"
    barcode: Barcode | None = None
    reorder_level: Quantity = Field(default=Decimal(0), description="Low-stock threshold")
    hsn_code: HsnCode | None = None
    gst_rate: GstRate = Decimal(0)
    cess_rate: CessRate = Decimal(0)
    price_includes_tax: bool = Field(
        default=True,
        strict=True,
        description="The selling price includes GST (MRP pricing); false: tax is added on top",
    )


NULLABLE = frozenset({"barcode", "hsn_code"})
"""The fields an update may set to null (clearing them)."""


def _only_some_nullable(schema: dict[str, Any]) -> None:
    """Document what `_no_nulls` enforces: a field may be left out, but only NULLABLE be null."""
    schema["examples"] = [{"price_sale": 30, "quantity": 35}, {"gst_rate": 18, "hsn_code": "3401"}]
    for name, field in schema["properties"].items():
        if name not in NULLABLE:
            field.pop("default", None)
            field["anyOf"] = [kind for kind in field["anyOf"] if kind != {"type": "null"}]


class ProductUpdate(BaseModel):
    """Any subset of the fields. `barcode: null` and `hsn_code: null` clear them; other fields
    cannot be null."""

    model_config = ConfigDict(json_schema_extra=_only_some_nullable)

    product_name: ProductName | None = None
    price_purchase: Money | None = None
    price_sale: Money | None = None
    quantity: Quantity | None = Field(
        default=None, description="Counted stock; the difference is recorded as an adjustment"
    )
    unit: Unit | None = None
    barcode: Barcode | None = None
    reorder_level: Quantity | None = None
    hsn_code: HsnCode | None = None
    gst_rate: GstRate | None = None
    cess_rate: CessRate | None = None
    price_includes_tax: bool | None = Field(default=None, strict=True)

    @model_validator(mode="after")
    def _no_nulls(self) -> "ProductUpdate":
        for name in self.model_fields_set - NULLABLE:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ProductRead(BaseModel):
    product_id: int
    product_name: str
    price_purchase: Number | None = Field(
        description="Moving-average cost per unit (null for staff logins)"
    )
    price_sale: Number
    quantity: Number
    unit: Unit
    barcode: str | None
    reorder_level: Number
    low_stock: bool
    hsn_code: str | None
    gst_rate: Number = Field(description="GST rate, percent")
    cess_rate: Number = Field(description="Cess rate, percent")
    price_includes_tax: bool


class DeletedOut(BaseModel):
    msg: str = "Product deleted successfully"
    archived: bool = Field(description="True when the product was on a bill and was archived")
