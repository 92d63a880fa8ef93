"""Bills as shops get them, read over HTTP: every layout family of the generated corpus.

`tests/bill_corpus` draws 12 families (columns in five arrangements, thermal receipts with one
or two lines per item, handwritten kachha bills, a GST invoice with wrapped names, an estimate
with units in the text, a memo of mixed line shapes) with varied fonts, rotation, blur, JPEG
noise and paper. A line counts when it is matched to the right product with exactly the right
quantity in that product's unit (`500 g` of a product kept in kg is 0.5). The offline reader is
held to item F1 >= 0.95 on a sample of each family here (the whole corpus is `python -m
benchmarks.ocr`); the Gemini path, through the fake, on a sample of each family too, units
included.
"""

import asyncio
import os
from decimal import Decimal

import pytest

from tests.bill_corpus import CATALOGUE, FAMILIES, CorpusBill, Score, bills, score
from tests.bills import exact
from tests.conftest import create_product, make_settings
from tests.fakes.gemini import offline_settings

OCR_SAMPLE = int(os.environ.get("BILL_FAMILY_OCR_SAMPLE", "6"))
GEMINI_SAMPLE = int(os.environ.get("BILL_FAMILY_GEMINI_SAMPLE", "4"))
TARGET_F1 = 0.95


async def _catalogue(client, shop) -> None:
    """The corpus's products in the shop, each in its own unit."""
    for start in range(0, len(CATALOGUE), 10):
        await asyncio.gather(
            *(
                create_product(
                    client,
                    shop,
                    product_name=product.name,
                    unit=product.unit,
                    price_purchase=str(product.rate),
                    price_sale=str(product.rate),
                    quantity=0,
                )
                for product in CATALOGUE[start : start + 10]
            )
        )


async def _read(client, shop, bill: CorpusBill, engine: str) -> tuple[Score, list[dict]]:
    response = await client.post(
        f"/api/extract-products?engine={engine}",
        files={"image": (f"bill-{bill.index}", bill.image, bill.content_type)},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    body = exact(response)
    assert body["engine"] == engine
    lines = body["products"]
    read = [
        (line["product_name"] if line["matched_product_id"] else None, line["quantity"])
        for line in lines
    ]
    return score(bill, read), lines


def _misses(bill: CorpusBill, lines: list[dict]) -> str:
    expected = {(e.product, e.quantity) for e in bill.expected}
    got = {(line["product_name"], line["quantity"]) for line in lines}
    return (
        f"{bill.family} #{bill.index} ({bill.conditions}): missed "
        f"{sorted(expected - got, key=str)}, extra {sorted(got - expected, key=str)}"
    )


class TestOffline:
    @pytest.fixture
    def settings(self, database_url, tmp_path):
        configured = make_settings(database_url, tmp_path)
        configured.extraction = offline_settings()
        return configured

    @pytest.mark.parametrize("family", FAMILIES)
    async def test_each_family_is_read_with_item_f1_at_least_095(
        self, client, shop, family, record_property
    ):
        await _catalogue(client, shop)
        total = Score(0, 0, 0)
        misses = []
        for bill in bills(family, OCR_SAMPLE):
            result, lines = await _read(client, shop, bill, "ocr")
            total += result
            if result.hits != result.expected or result.returned != result.hits:
                misses.append(_misses(bill, lines))
        figures = f"{family}: item F1 {total.f1:.3f} over {OCR_SAMPLE} bills"
        print(f"\n[bill families, ocr] {figures}")
        record_property("ocr_family_f1", figures)
        assert total.f1 >= TARGET_F1, "\n".join(misses)


class TestGemini:
    @pytest.fixture
    def settings(self, database_url, tmp_path, gemini):
        configured = make_settings(database_url, tmp_path)
        configured.extraction = gemini.settings(EXTRACTION_FALLBACK="none")
        return configured

    async def test_every_family_through_gemini_keeps_units_and_converts_them(
        self, client, shop, gemini
    ):
        await _catalogue(client, shop)
        converted = 0
        for family in FAMILIES:
            total = Score(0, 0, 0)
            misses = []
            for bill in bills(family, GEMINI_SAMPLE):
                gemini.answer = bill.gemini_answer
                result, lines = await _read(client, shop, bill, "gemini")
                total += result
                if result.hits != result.expected or result.returned != result.hits:
                    misses.append(_misses(bill, lines))
                for line, drawn in zip(lines, bill.gemini_answer["lines"], strict=True):
                    assert line["read_unit"] == drawn["unit"]
                    assert line["read_quantity"] == Decimal(str(drawn["quantity"]))
                    converted += "unit_converted" in line["flags"]
            assert total.f1 >= TARGET_F1, "\n".join(misses)
        assert converted > 0  # the corpus does print units that differ from the product's
