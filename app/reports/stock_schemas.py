"""Response model of GET /api/reports/stock: the shop's stock and its value as of a day.

Money and quantities are `Decimal` to the wire (`Number`), written as exact JSON numbers.
"""

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from app.core.money import Number


class StockItem(BaseModel):
    product_id: int
    name: str
    unit: str
    quantity: Number = Field(
        description="In stock at the end of `as_of` (negative when the shop sold more than "
        "it had recorded, where it allows that)"
    )
    average_cost: Number = Field(
        description="The moving-average unit cost as of that day: as it stood after the last "
        "stock movement recorded on or before it"
    )
    value_at_cost: Number = Field(description="quantity x average_cost, to paise (half up)")
    sale_price: Number = Field(description="The product's sale price now")
    value_at_sale_price: Number = Field(description="quantity x sale_price, to paise (half up)")


class StockTotals(BaseModel):
    """Over every listed product, whatever page was asked for. There is no total quantity:
    quantities of different units (kg, pcs, l) do not add up."""

    products: int = Field(description="Products listed as of the day (all pages)")
    value_at_cost: Number = Field(description="Sum of the products' rounded value_at_cost")
    value_at_sale_price: Number = Field(
        description="Sum of the products' rounded value_at_sale_price"
    )


class StockSummary(BaseModel):
    """Live products with their stock and its value as of a day, by name; one page of them,
    with the totals over all."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of": "2026-11-30",
                    "products": [
                        {
                            "product_id": 12,
                            "name": "Aashirvaad Atta 5kg",
                            "unit": "pcs",
                            "quantity": 18,
                            "average_cost": 231.5,
                            "value_at_cost": 4167,
                            "sale_price": 265,
                            "value_at_sale_price": 4770,
                        },
                        {
                            "product_id": 31,
                            "name": "Toor Dal (loose)",
                            "unit": "kg",
                            "quantity": 12.75,
                            "average_cost": 118.4,
                            "value_at_cost": 1509.6,
                            "sale_price": 140,
                            "value_at_sale_price": 1785,
                        },
                    ],
                    "totals": {"products": 2, "value_at_cost": 5676.6, "value_at_sale_price": 6555},
                }
            ]
        }
    )

    as_of: dt.date = Field(description="The day the figures are at the end of")
    products: list[StockItem] = Field(description="By name; `limit`/`offset` page them")
    totals: StockTotals
