"""OWASP API6: bill readings (each may be a paid Gemini call) are capped per shop and day."""

import pytest

from tests.bill_images import LAYOUTS, render
from tests.bills import scalar
from tests.conftest import make_settings, register_shop


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings(EXTRACTION_DAILY_CAP=2)
    return configured


async def _read(client, shop, photo=None):
    files = {"image": ("bill.png", photo or render(LAYOUTS[0]), "image/png")}
    return await client.post("/api/extract-products", files=files, headers=shop.headers)


async def test_readings_past_the_daily_cap_get_429_until_midnight(client, app, shop, gemini):
    other = await register_shop(client, "Other")
    not_an_image = await _read(client, shop, b"%PDF-1.7 not a photo")
    assert not_an_image.status_code == 415  # refused before counting

    statuses = [(await _read(client, shop)).status_code for _ in range(3)]
    drafted = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        headers=shop.headers,
    )

    assert statuses == [200, 200, 429]
    assert drafted.status_code == 429
    refused = await _read(client, shop)
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 86_400
    assert len(gemini.requests) == 2, "a refused reading must not reach the provider"
    assert (await _read(client, other)).status_code == 200
    used = await scalar(
        app,
        "SELECT used FROM daily_usage WHERE shop_id = :s AND kind = 'extraction'",
        s=shop.shop_id,
    )
    assert used == 2
    assert await scalar(app, "SELECT count(*) FROM purchase_drafts") == 0
