"""Request and response models of /api/products."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    model_validator,
)

from app.core.inputs import NOT_BLANK
from app.core.money import Money, Number, Percent, Quantity
from app.core.tax_inputs import CessRate, HsnCode

Unit = Literal["pcs", "kg", "g", "l", "ml", "pack", "box", "dozen", "m", "bottle", "bag"]
ProductName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    *NOT_BLANK,
]
Barcode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z\-]{1,64}$")]

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
