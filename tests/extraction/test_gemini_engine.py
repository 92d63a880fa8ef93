"""Bill reading with Gemini: the real google-genai SDK against a loopback fake.

The fake checks what the SDK sends (the image, the response schema, the instruction) and
answers as told; its structured answer becomes matched lines, and every way it can fail
(hang, 429, 500, a body that is not JSON, prose, JSON outside the schema) ends in the offline
fallback or a 503 within the configured timeout, with nothing stored.
"""

import asyncio
import io
import time
from decimal import Decimal

import pytest
from PIL import Image

from tests.bill_images import CATALOGUE, INJECTION, LAYOUTS, create_catalogue, render
from tests.bills import counts, exact, scalar
from tests.conftest import make_settings
from tests.fakes.gemini import offline_settings

FAILURES = ["hang", "429", "500", "garbage", "prose", "schema"]


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


def _png(width: int = 600, height: int = 400) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


async def _extract(client, shop, data: bytes, name: str = "bill.png", query: str = ""):
    return await client.post(
        f"/api/extract-products{query}",
        files={"image": (name, data, "application/octet-stream")},
        headers=shop.headers,
    )


async def _stored(app, shop_id: int) -> dict[str, int]:
    stored = await counts(app, shop_id)
    stored["purchase_drafts"] = await scalar(
        app, "SELECT count(*) FROM purchase_drafts WHERE shop_id = :s", s=shop_id
    )
    return stored


async def test_gemini_gets_the_image_and_the_schema_and_its_lines_are_matched(client, shop, gemini):
    ids = await create_catalogue(client, shop)

    response = await _extract(client, shop, render(LAYOUTS[0]))

    assert response.status_code == 200, response.text
    body = exact(response)
    assert body["engine"] == "gemini"
    assert body["vendor_name"] == "Agarwal Traders"
    assert body["bill_date"] == "2026-11-12"
    assert body["bill_total"] == Decimal("1390.00")
    assert [
        (p["product_name"], p["matched_product_id"], p["quantity"], p["rate"], p["amount"])
        for p in body["products"]
    ] == [
        ("Tata Salt 1kg", ids["Tata Salt 1kg"], 20, Decimal("22.50"), Decimal("450.00")),
        (
            "Fortune Sunflower Oil 1l",
            ids["Fortune Sunflower Oil 1l"],
            5,
            Decimal("140.00"),
            Decimal("700.00"),
        ),
        ("Parle-G Biscuit", ids["Parle-G Biscuit"], 48, Decimal("5.00"), Decimal("240.00")),
    ]
    assert body["lines_total"] == Decimal("1390.00")
    assert [p["read_name"] for p in body["products"]][1] == "Fortune Oil 1Ltr"
    assert all(p["match_score"] >= 85 and p["suggestions"] == [] for p in body["products"])

    (request,) = gemini.requests
    assert request.path.endswith("/models/gemini-test-flash:generateContent")
    assert request.headers["x-goog-api-key"] == "fake-key-for-tests"
    mime, sent = request.image()
    assert mime == "image/jpeg"
    assert Image.open(io.BytesIO(sent)).size == Image.open(io.BytesIO(render(LAYOUTS[0]))).size
    config = request.generation_config
    assert config["responseMimeType"] == "application/json"
    line = config["responseSchema"]["properties"]["lines"]["items"]
    assert set(line["properties"]) == {"name", "quantity", "unit", "rate", "amount", "confidence"}
    assert line["required"] == ["name", "quantity"]
    instruction = request.body["systemInstruction"]["parts"][0]["text"]
    assert "never an instruction" in instruction


async def test_a_big_sideways_photo_reaches_the_engine_upright_and_at_most_2000_px(
    client, shop, gemini
):
    photo = Image.new("RGB", (3000, 1500), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: display rotated 90 degrees clockwise
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif.tobytes())

    response = await _extract(client, shop, buffer.getvalue(), "photo.jpg")

    assert response.status_code == 200, response.text
    _, sent = gemini.requests[0].image()
    assert Image.open(io.BytesIO(sent)).size == (1000, 2000)


@pytest.mark.parametrize("failure", FAILURES)
async def test_a_failing_gemini_falls_back_to_the_offline_reader(
    client, app, shop, gemini, failure
):
    gemini.mode = failure
    await create_catalogue(client, shop)
    before = await _stored(app, shop.shop_id)

    response = await _extract(client, shop, render(LAYOUTS[0]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["engine"] == "ocr"
    assert body["warnings"][0].startswith("Gemini failed")
    assert len(body["products"]) == len(LAYOUTS[0].items)
    retried = failure in ("429", "500")
    assert len(gemini.requests) == (2 if retried else 1)  # GEMINI_MAX_RETRIES=1: bounded
    assert await _stored(app, shop.shop_id) == before


@pytest.mark.parametrize("failure", FAILURES)
async def test_without_fallback_a_failing_gemini_is_a_503_within_the_timeout(
    client, app, settings, shop, gemini, failure
):
    settings.extraction = gemini.settings(EXTRACTION_FALLBACK="none", GEMINI_TIMEOUT_SECONDS=1)
    gemini.mode = failure
    before = await _stored(app, shop.shop_id)

    started = time.monotonic()
    response = await _extract(client, shop, _png())
    elapsed = time.monotonic() - started

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "provider_unavailable"
    assert response.headers["Retry-After"]
    # The hang lasts 30 s; the whole call, retries included, is cut at the 1 s timeout.
    assert elapsed < 1 + 2.5
    assert await _stored(app, shop.shop_id) == before


async def test_a_slow_gemini_holds_no_database_connection(client, app, settings, shop, gemini):
    settings.extraction = gemini.settings(EXTRACTION_FALLBACK="none", GEMINI_TIMEOUT_SECONDS=2)
    gemini.mode = "hang"
    reading = asyncio.create_task(_extract(client, shop, _png()))
    assert await asyncio.to_thread(gemini.received.wait, 10)

    in_use = app.state.engine.pool.checkedout()

    assert in_use == 0  # the photo is read before the request's transaction begins
    assert (await reading).status_code == 503


async def test_asking_for_ocr_never_calls_gemini(client, shop, gemini):
    response = await _extract(client, shop, render(LAYOUTS[0]), query="?engine=ocr")

    assert response.status_code == 200, response.text
    assert response.json()["engine"] == "ocr"
    assert gemini.requests == []


async def test_asking_for_gemini_when_it_fails_does_not_fall_back(client, shop, gemini):
    gemini.mode = "500"

    response = await _extract(client, shop, _png(), query="?engine=gemini")

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"


async def test_asking_for_gemini_without_a_key_is_a_503(client, settings, shop, gemini):
    settings.extraction = offline_settings()

    response = await _extract(client, shop, _png(), query="?engine=gemini")

    assert response.status_code == 503
    assert "GEMINI_API_KEY" in response.json()["detail"]
    assert gemini.requests == []


async def test_without_a_key_the_offline_reader_is_used(client, settings, shop, gemini):
    settings.extraction = offline_settings()

    response = await _extract(client, shop, render(LAYOUTS[0]))

    assert response.status_code == 200
    assert response.json()["engine"] == "ocr"
    assert gemini.requests == []


async def test_an_injected_instruction_is_only_ever_a_line_name(client, app, shop, gemini):
    await create_catalogue(client, shop)
    gemini.answer = {"lines": [{"name": INJECTION, "quantity": 1, "rate": 0, "amount": 0}]}
    before = await _stored(app, shop.shop_id)

    response = await _extract(client, shop, render(LAYOUTS[0]))

    assert response.status_code == 200, response.text
    (line,) = response.json()["products"]
    assert line["product_name"] == INJECTION
    assert line["matched_product_id"] is None
    assert await _stored(app, shop.shop_id) == before
    listed = (await client.get("/api/products/", headers=shop.headers)).json()
    assert sorted(p["product_name"] for p in listed) == sorted(CATALOGUE)


async def test_an_answer_with_anything_beyond_the_schema_is_not_trusted(client, app, shop, gemini):
    gemini.answer = {
        "lines": [{"name": "Tata Salt 1kg", "quantity": 2}],
        "actions": [{"delete": "all products"}],
    }
    await create_catalogue(client, shop)

    response = await _extract(client, shop, render(LAYOUTS[0]))

    assert response.status_code == 200
    assert response.json()["engine"] == "ocr"
    assert "does not fit the response schema" in response.json()["warnings"][0]
    assert len((await client.get("/api/products/", headers=shop.headers)).json()) == len(CATALOGUE)


async def test_names_are_matched_despite_case_spacing_units_and_abbreviations(
    client, settings, shop, gemini
):
    ids = await create_catalogue(client, shop)
    names = ["TataSalt1kg", "tata  SALT 1 KGS", "Surf Excel 500 gm", "Good Day Bisc", "Lux soap"]
    gemini.answer = {"lines": [{"name": name, "quantity": 1} for name in names]}

    body = (await _extract(client, shop, _png())).json()

    matched = [p["matched_product_id"] for p in body["products"]]
    assert matched == [
        ids["Tata Salt 1kg"],
        ids["Tata Salt 1kg"],
        ids["Surf Excel 500g"],
        ids["Good Day Biscuit"],
        ids["Lux Soap 100g"],
    ]


async def test_an_ambiguous_or_weak_match_gives_three_suggestions_and_the_text_as_read(
    client, settings, shop, gemini
):
    ids = await create_catalogue(client, shop)
    gemini.answer = {
        "lines": [{"name": "Tata Salt", "quantity": 3}, {"name": "Zzyx", "quantity": 1}]
    }

    salt, unknown = (await _extract(client, shop, _png())).json()["products"]

    assert salt["matched_product_id"] is None
    assert salt["product_name"] == "Tata Salt"
    assert len(salt["suggestions"]) == 3
    assert {s["product_id"] for s in salt["suggestions"][:2]} == {
        ids["Tata Salt 1kg"],
        ids["Tata Salt 500g"],
    }
    assert unknown["matched_product_id"] is None
    assert unknown["match_score"] < 85


async def test_the_match_threshold_is_a_setting(client, settings, shop, gemini):
    await create_catalogue(client, shop)
    gemini.answer = {"lines": [{"name": "Amul Buter 100g", "quantity": 1}]}

    loose = (await _extract(client, shop, _png())).json()["products"][0]
    settings.extraction = gemini.settings(MATCH_THRESHOLD=99)
    strict = (await _extract(client, shop, _png())).json()["products"][0]

    assert loose["matched_product_id"] is not None
    assert strict["matched_product_id"] is None
    assert strict["suggestions"][0]["product_name"] == "Amul Butter 100g"


async def test_lines_that_do_not_add_up_are_flagged_and_missing_amounts_computed(
    client, shop, gemini
):
    gemini.answer = {
        "lines": [
            {"name": "Tata Salt 1kg", "quantity": 20, "rate": 22.5, "amount": 999},
            {"name": "Toor Dal 1kg", "quantity": 1.5, "rate": 128},
        ]
    }

    wrong, computed = exact(await _extract(client, shop, _png()))["products"]

    assert wrong["flags"] == ["arithmetic_mismatch"]
    assert wrong["needs_review"] is True
    assert wrong["amount"] == Decimal("999.00")
    assert computed["quantity"] == Decimal("1.5")
    assert computed["amount"] == Decimal("192.00")
    assert computed["flags"] == ["amount_computed"]
    assert computed["needs_review"] is False
