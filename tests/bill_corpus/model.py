"""What a corpus bill is, what was drawn on it, and how a reading of it is scored."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.bill_corpus.catalogue import CatalogueProduct

_PER = {
    ("g", "kg"): Decimal("0.001"),
    ("kg", "g"): Decimal(1000),
    ("ml", "l"): Decimal("0.001"),
    ("l", "ml"): Decimal(1000),
    ("dozen", "pcs"): Decimal(12),
}
"""(printed unit, product unit) -> product units per printed unit."""


def convert(quantity: Decimal, printed_unit: str | None, product_unit: str) -> Decimal:
    """A printed quantity in the product's unit: 500 g of a kg product -> 0.5; a missing or same
    unit keeps the number; pcs of a dozen product -> quantity / 12 (drawn only when exact)."""
    if printed_unit is None or printed_unit == product_unit:
        return quantity
    if (printed_unit, product_unit) == ("pcs", "dozen"):
        result = quantity / Decimal(12)
        assert result * 12 == quantity
        return result.normalize()
    return (quantity * _PER[(printed_unit, product_unit)]).normalize()


@dataclass(frozen=True)
class Expected:
    product: str  # a CATALOGUE name
    quantity: Decimal  # in the product's unit
    printed_name: str
    printed_quantity: Decimal
    printed_unit: str | None  # normalised (kg g l ml pcs pack box dozen m bottle bag)
    rate: Decimal | None  # per printed unit, None when the bill prints no rate
    amount: Decimal


@dataclass(frozen=True)
class Drawn:
    """One item line as the generator draws it (internal): Expected plus how it is spelt."""

    product: CatalogueProduct
    printed_name: str
    quantity: Decimal
    unit: str | None
    unit_text: str  # the unit as printed ('Kg', 'gm', 'Ltr', 'doz', 'pkt'), '' for none
    rate: Decimal | None
    amount: Decimal

    def expected(self) -> Expected:
        return Expected(
            product=self.product.name,
            quantity=convert(self.quantity, self.unit, self.product.unit),
            printed_name=self.printed_name,
            printed_quantity=self.quantity,
            printed_unit=self.unit,
            rate=self.rate,
            amount=self.amount,
        )


@dataclass(frozen=True)
class CorpusBill:
    family: str
    index: int
    image: bytes
    content_type: str
    expected: tuple[Expected, ...]
    gemini_answer: dict[str, Any]
    conditions: str


@dataclass(frozen=True)
class Score:
    hits: int
    returned: int
    expected: int

    @property
    def precision(self) -> float:
        return self.hits / self.returned if self.returned else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.returned + self.expected
        return 2 * self.hits / total if total else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(
            self.hits + other.hits, self.returned + other.returned, self.expected + other.expected
        )

    def __radd__(self, other: object) -> "Score":
        """`sum(scores)` starts from 0."""
        if other == 0:
            return self
        return NotImplemented


def score(bill: CorpusBill, lines: list[tuple[str | None, Decimal]]) -> Score:
    """A hit is a returned line whose product matches an expected line not yet used, with
    exactly the same quantity (in the product's unit)."""
    unused = list(bill.expected)
    hits = 0
    for product, quantity in lines:
        for position, expected in enumerate(unused):
            if product == expected.product and quantity == expected.quantity:
                hits += 1
                del unused[position]
                break
    return Score(hits=hits, returned=len(lines), expected=len(bill.expected))
