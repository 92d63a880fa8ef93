"""The generated bill corpus itself (no OCR): enough distinct bills per family, ground truth
that adds up, units converted into the product's unit, and the same bytes on every run."""

import hashlib
import io
from decimal import Decimal

import pytest
from PIL import Image

from tests.bill_corpus import CATALOGUE, FAMILIES, Score, bill, bills, score
from tests.bill_corpus.catalogue import UNITS

COUNT = 20
BY_NAME = {product.name: product for product in CATALOGUE}
FACTORS = {
    ("g", "kg"): Decimal("0.001"),
    ("kg", "g"): Decimal(1000),
    ("ml", "l"): Decimal("0.001"),
    ("l", "ml"): Decimal(1000),
    ("dozen", "pcs"): Decimal(12),
    ("pcs", "dozen"): 1 / Decimal(12),
}


def test_there_are_eleven_families_and_a_catalogue_a_person_can_match() -> None:
    assert len(FAMILIES) >= 11
    assert len(set(FAMILIES)) == len(FAMILIES)
    assert len(CATALOGUE) >= 48
    names = [product.name.casefold() for product in CATALOGUE]
    assert len(set(names)) == len(names)
    assert {product.unit for product in CATALOGUE} <= set(UNITS)
    assert {product.unit for product in CATALOGUE} >= {"pcs", "kg", "g", "l", "dozen", "m"}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_has_distinct_bills_with_truth_that_adds_up(family: str) -> None:
    corpus = bills(family, COUNT)
    assert len(corpus) == COUNT
    assert len({hashlib.sha256(item.image).digest() for item in corpus}) == COUNT
    assert len({item.conditions for item in corpus}) == COUNT
    for item in corpus:
        image = Image.open(io.BytesIO(item.image))
        assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[item.content_type]
        assert 700 <= max(image.size) <= 4000
        assert 4 <= len(item.expected) <= 12
        assert len({line.product for line in item.expected}) == len(item.expected)
        for line in item.expected:
            product = BY_NAME[line.product]
            if line.rate is not None:
                assert line.printed_quantity * line.rate == line.amount, line
            assert line.amount == line.amount.quantize(Decimal("0.01"))
            assert line.printed_unit is None or line.printed_unit in UNITS
            if line.printed_unit in (None, product.unit):
                assert line.quantity == line.printed_quantity
            else:
                factor = FACTORS[(line.printed_unit, product.unit)]
                assert line.quantity == line.printed_quantity * factor, line
        answer = item.gemini_answer
        assert [row["name"] for row in answer["lines"]] == [e.printed_name for e in item.expected]
        assert [row["unit"] for row in answer["lines"]] == [e.printed_unit for e in item.expected]
        assert [Decimal(str(row["quantity"])) for row in answer["lines"]] == [
            e.printed_quantity for e in item.expected
        ]
        assert answer["bill_total"] >= float(sum(e.amount for e in item.expected))


def test_units_other_than_the_products_are_drawn_and_converted() -> None:
    converted = [
        line
        for family in ("kachha_free_lines", "kachha_serial_rupees", "estimate_units")
        for item in bills(family, COUNT)
        for line in item.expected
        if line.printed_unit not in (None, BY_NAME[line.product].unit)
    ]
    pairs = {(line.printed_unit, BY_NAME[line.product].unit) for line in converted}
    assert {("g", "kg"), ("ml", "l"), ("dozen", "pcs"), ("kg", "g")} <= pairs
    half_kilo = [line for line in converted if line.printed_quantity == 500]
    assert any(line.quantity == Decimal("0.5") for line in half_kilo)


def test_the_same_seed_draws_the_same_bytes() -> None:
    for family in FAMILIES:
        first = bill(family, 3)
        again = bill.__wrapped__(family, 3)  # not the cache: drawn once more
        assert again.image == first.image
        assert again.expected == first.expected


def test_score_counts_exact_product_and_quantity_once() -> None:
    item = bills("classic", 1)[0]
    perfect = [(line.product, line.quantity) for line in item.expected]
    assert score(item, perfect) == Score(len(perfect), len(perfect), len(perfect))
    assert score(item, perfect).f1 == 1.0
    first = item.expected[0]
    wrong = [(first.product, first.quantity + 1), (None, first.quantity), *perfect[:1] * 2]
    result = score(item, wrong)
    assert (result.hits, result.returned, result.expected) == (1, 4, len(perfect))
    assert sum([result, result]) == Score(2, 8, 2 * len(perfect))
    assert 0 < result.precision < 1 and 0 < result.recall <= 1
