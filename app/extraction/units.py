"""A bill's quantity in the unit the shop sells the product by.

Vendors write what they weighed or counted (`500 g`, `2 L`, `1 dozen`); the shop's product may be
kept by the kilo, the litre or the piece. Within one dimension the conversion is exact (grams to
kilos, millilitres to litres, dozens to pieces). A pack product (`Tata Salt 1kg`, kept in pieces)
bought by weight converts through the size in its name (`2 kg` of it is 2 pieces) when that
divides exactly. Anything else is left as read: the line keeps its own unit and a person decides.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from app.core.money import MONEY_PLACES, QUANTITY_PLACES, round_money

_BASE: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal(1)),
    "kg": ("mass", Decimal(1000)),
    "ml": ("volume", Decimal(1)),
    "l": ("volume", Decimal(1000)),
    "pcs": ("count", Decimal(1)),
    "dozen": ("count", Decimal(12)),
}
_PACKS = frozenset({"pcs", "pack", "box", "bottle", "bag"})
_SIZE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(kg|g|ml|l)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Converted:
    quantity: Decimal
    rate: Decimal | None


def _exact(value: Decimal) -> Decimal | None:
    rounded = value.quantize(QUANTITY_PLACES)
    return rounded if rounded == value and rounded > 0 else None


def _pack_size(product_name: str) -> tuple[str, Decimal] | None:
    """`Tata Salt 1kg` -> ("mass", 1000); `Harpic 500ml` -> ("volume", 500)."""
    sizes = _SIZE.findall(product_name)
    if len(sizes) != 1:
        return None
    number, unit = sizes[0]
    dimension, factor = _BASE[unit.casefold()]
    return dimension, Decimal(number) * factor


def same_dimension_factor(unit: str | None, other: str | None) -> Decimal | None:
    """How many `other` one `unit` is when both measure the same thing (`g` in `kg`: 0.001)."""
    read, wanted = _BASE.get(unit or ""), _BASE.get(other or "")
    if read is None or wanted is None or read[0] != wanted[0]:
        return None
    return read[1] / wanted[1]


def _factor(unit: str, product_unit: str, product_name: str) -> Decimal | None:
    """How many of the product's units one `unit` is, when that is known."""
    read = _BASE.get(unit)
    if read is None:
        return None
    kept = _BASE.get(product_unit)
    if kept is not None and kept[0] == read[0]:
        return read[1] / kept[1]
    if product_unit in _PACKS and read[0] != "count":
        size = _pack_size(product_name)
        if size is not None and size[0] == read[0]:
            return read[1] / size[1]
    return None


def to_product_unit(
    quantity: Decimal,
    rate: Decimal | None,
    amount: Decimal | None,
    unit: str | None,
    product_unit: str | None,
    product_name: str,
) -> Converted | None:
    """The quantity (and rate per unit) in the product's unit, or None to keep them as read."""
    if unit is None or product_unit is None or unit == product_unit:
        return None
    factor = _factor(unit, product_unit, product_name)
    if factor is None:
        return None
    converted = _exact(quantity * factor)
    if converted is None:
        return None
    if amount is not None:
        new_rate: Decimal | None = round_money(amount / converted)
    elif rate is not None:
        new_rate = round_money(rate / factor)
    else:
        new_rate = None
    return Converted(converted, new_rate.quantize(MONEY_PLACES) if new_rate is not None else None)
