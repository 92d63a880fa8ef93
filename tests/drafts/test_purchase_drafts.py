"""Purchase drafts: a bill photo becomes an editable draft, then exactly one purchase.

A draft moves nothing; confirming it goes through the purchases service, so stock, cost and
the vendor's udhaar follow as for a typed-in purchase, and it can happen only once.
"""

import asyncio
from decimal import Decimal

import pytest

from tests.bill_images import LAYOUTS, create_catalogue, create_draft, render
from tests.bills import exact, purchase, scalar
from tests.conftest import create_product, make_settings

VENDOR_PHONE = "98765 43210"


@pytest.fixture
def settings(database_url, tmp_path, gemini):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = gemini.settings()
    return configured


def _url(draft_id: int, tail: str = "") -> str:
    return f"/api/purchases/drafts/{draft_id}{tail}"


async def _gemini_draft(client, shop, **form: str) -> dict:
    """A draft read by the fake Gemini (its default answer: salt, oil, biscuits)."""
    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data=form,
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    return exact(response)


async def _purchases(app, shop_id: int) -> int:
    return await scalar(app, "SELECT count(*) FROM purchases WHERE shop_id = :s", s=shop_id)


async def _quantity(client, shop, product_id: int) -> Decimal:
    product = await client.get(f"/api/products/{product_id}", headers=shop.headers)
    return Decimal(str(product.json()["quantity"]))


async def test_a_photo_becomes_a_draft_that_is_edited_and_confirmed_into_one_purchase(
    client, app, shop
):
    ids = await create_catalogue(client, shop)  # 5 of each in stock, at cost 10.00
    layout = LAYOUTS[0]

    draft = await create_draft(client, shop, vendor_phone=VENDOR_PHONE)

    assert draft["status"] == "open"
    assert draft["engine"] == "ocr"
    assert draft["phone_no"] == "+919876543210"
    assert draft["vendor_name"] == "Agarwal Traders"
    assert [line["product_id"] for line in draft["lines"]] == [
        ids[it.product] for it in layout.items
    ]
    assert await _purchases(app, shop.shop_id) == 0
    assert await _quantity(client, shop, ids["Tata Salt 1kg"]) == 5

    # The owner counts 25 bags of salt, not 20, and sends the biscuits back.
    edited = [
        {
            "product_id": line["product_id"],
            "quantity": line["quantity"],
            "price_purchase": line["price_purchase"],
        }
        for line in draft["lines"]
        if line["product_id"] != ids["Parle-G Biscuit"]
    ]
    edited[0]["quantity"] = 25
    put = await client.put(_url(draft["draft_id"]), json={"lines": edited}, headers=shop.headers)
    assert put.status_code == 200, put.text
    expected_total = sum(
        (
            it.amount if it.product != "Tata Salt 1kg" else Decimal("25") * it.rate
            for it in layout.items
            if it.product != "Parle-G Biscuit"
        ),
        Decimal("0.00"),
    )
    assert exact(put)["lines_total"] == expected_total

    confirm = await client.post(
        _url(draft["draft_id"], "/confirm"),
        json={"bill_paid": False, "amount_paid": "1000.00"},
        headers=shop.headers,
    )

    assert confirm.status_code == 201, confirm.text
    confirmed = exact(confirm)
    assert confirmed["total_amount"] == expected_total
    assert await _purchases(app, shop.shop_id) == 1
    bought = exact(
        await client.get(f"/api/purchases/{confirmed['purchase_id']}", headers=shop.headers)
    )
    assert [(p["product_name"], p["quantity"]) for p in bought["products"]] == [
        (it.product, 25 if it.product == "Tata Salt 1kg" else it.quantity)
        for it in layout.items
        if it.product != "Parle-G Biscuit"
    ]
    assert await _quantity(client, shop, ids["Tata Salt 1kg"]) == 30
    assert await _quantity(client, shop, ids["Parle-G Biscuit"]) == 5
    vendor = exact(
        await client.get("/api/vendors/?vendor_phone_no=9876543210", headers=shop.headers)
    )
    assert vendor["balance"] == expected_total - Decimal("1000.00")
    after = exact(await client.get(_url(draft["draft_id"]), headers=shop.headers))
    assert (after["status"], after["purchase_id"]) == ("confirmed", confirmed["purchase_id"])


async def test_confirming_twice_is_a_409_and_records_one_purchase(client, app, shop):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    first = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)
    assert first.status_code == 201, first.text

    second = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)

    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert await _purchases(app, shop.shop_id) == 1


async def test_two_confirms_at_once_record_one_purchase(client, app, shop):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)

    results = await asyncio.gather(
        *(client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers) for _ in range(2))
    )

    assert sorted(r.status_code for r in results) == [201, 409]
    assert await _purchases(app, shop.shop_id) == 1


async def test_a_retried_confirm_with_its_idempotency_key_replays_the_first_reply(
    client, app, shop
):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    headers = {**shop.headers, "Idempotency-Key": "confirm-bill-4512"}

    first = await client.post(_url(draft["draft_id"], "/confirm"), headers=headers)
    again = await client.post(_url(draft["draft_id"], "/confirm"), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await _purchases(app, shop.shop_id) == 1


async def test_a_confirmed_draft_cannot_be_edited(client, shop):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)

    response = await client.put(
        _url(draft["draft_id"]), json={"vendor_name": "Someone else"}, headers=shop.headers
    )

    assert response.status_code == 409


async def test_a_draft_without_a_vendor_phone_is_not_confirmed(client, app, shop):
    draft = await _gemini_draft(client, shop)

    response = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "phone_no"]
    assert await _purchases(app, shop.shop_id) == 0
    fixed = await client.put(
        _url(draft["draft_id"]), json={"phone_no": VENDOR_PHONE}, headers=shop.headers
    )
    assert fixed.json()["phone_no"] == "+919876543210"
    confirm = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)
    assert confirm.status_code == 201


async def test_a_line_without_a_rate_must_be_given_one_before_confirming(client, app, shop, gemini):
    gemini.answer = {"lines": [{"name": "Tata Salt 1kg", "quantity": 4}]}
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)

    response = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "lines", 0, "price_purchase"]
    assert await _purchases(app, shop.shop_id) == 0


async def test_an_unmatched_line_picks_a_suggestion_by_product_id(client, shop, gemini):
    ids = await create_catalogue(client, shop)
    gemini.answer = {"lines": [{"name": "Tata Salt", "quantity": 4, "rate": 20, "amount": 80}]}
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    (line,) = draft["lines"]
    assert line["product_id"] is None
    chosen = line["suggestions"][0]["product_id"]
    assert chosen in (ids["Tata Salt 1kg"], ids["Tata Salt 500g"])

    put = await client.put(
        _url(draft["draft_id"]),
        json={"lines": [{"product_id": chosen, "quantity": 4, "price_purchase": 20}]},
        headers=shop.headers,
    )
    confirm = await client.post(_url(draft["draft_id"], "/confirm"), headers=shop.headers)

    assert put.json()["lines"][0]["product_name"] in ("Tata Salt 1kg", "Tata Salt 500g")
    assert confirm.status_code == 201
    assert await _quantity(client, shop, chosen) == 9


async def test_choosing_a_product_the_shop_does_not_have_is_a_422(client, shop, other_shop):
    theirs = await create_product(client, other_shop)
    draft = await _gemini_draft(client, shop)

    response = await client.put(
        _url(draft["draft_id"]),
        json={"lines": [{"product_id": theirs["product_id"], "quantity": 1}]},
        headers=shop.headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "lines", 0, "product_id"]


async def test_another_shops_draft_is_a_404_everywhere(client, app, shop, other_shop):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    url = _url(draft["draft_id"])

    answers = [
        await client.get(url, headers=other_shop.headers),
        await client.get(url + "/image", headers=other_shop.headers),
        await client.put(url, json={"vendor_name": "Mine now"}, headers=other_shop.headers),
        await client.post(url + "/confirm", headers=other_shop.headers),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert await _purchases(app, other_shop.shop_id) == 0
    mine = await client.get(url, headers=shop.headers)
    assert (mine.json()["status"], mine.json()["vendor_name"]) == ("open", "Agarwal Traders")
    listed = await client.get("/api/purchases/drafts", headers=other_shop.headers)
    assert listed.json() == []


async def test_drafts_routes_are_not_taken_for_purchase_ids(client, shop):
    draft = await _gemini_draft(client, shop, vendor_phone=VENDOR_PHONE)
    bought = await purchase(
        client, shop, [{"product_name": "Sugar 1kg", "quantity": 2, "price_purchase": "40.00"}]
    )

    listed = await client.get("/api/purchases/drafts", headers=shop.headers)
    slashed = await client.get("/api/purchases/drafts/", headers=shop.headers)
    one = await client.get(_url(draft["draft_id"]), headers=shop.headers)
    a_purchase = await client.get(
        f"/api/purchases/{bought.json()['purchase_id']}", headers=shop.headers
    )

    assert listed.status_code == 200
    assert [d["draft_id"] for d in listed.json()] == [draft["draft_id"]]
    assert listed.headers["X-Total-Count"] == "1"
    assert slashed.status_code == 200
    assert one.json()["draft_id"] == draft["draft_id"]
    assert a_purchase.status_code == 200
    assert a_purchase.json()["purch_id"] == bought.json()["purchase_id"]


async def test_the_draft_keeps_the_photo_as_uploaded(client, shop):
    photo = render(LAYOUTS[0])
    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", photo, "image/png")},
        headers=shop.headers,
    )
    draft = response.json()

    image = await client.get(draft["image_url"], headers=shop.headers)

    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content == photo


async def test_a_draft_upload_retried_with_its_idempotency_key_creates_one_draft(client, app, shop):
    headers = {**shop.headers, "Idempotency-Key": "draft-bill-4512"}
    files = {"image": ("bill.png", render(LAYOUTS[0]), "image/png")}

    first = await client.post("/api/purchases/drafts", files=files, headers=headers)
    again = await client.post("/api/purchases/drafts", files=files, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["draft_id"] == first.json()["draft_id"]
    count = await scalar(
        app, "SELECT count(*) FROM purchase_drafts WHERE shop_id = :s", s=shop.shop_id
    )
    assert count == 1


async def test_when_reading_fails_without_fallback_no_draft_is_stored(
    client, app, settings, shop, gemini
):
    settings.extraction = gemini.settings(EXTRACTION_FALLBACK="none")
    gemini.mode = "500"

    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        headers=shop.headers,
    )

    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    count = await scalar(
        app, "SELECT count(*) FROM purchase_drafts WHERE shop_id = :s", s=shop.shop_id
    )
    assert count == 0


async def test_an_invalid_vendor_phone_is_a_422_and_stores_nothing(client, app, shop):
    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.png", render(LAYOUTS[0]), "image/png")},
        data={"vendor_phone": "12"},
        headers=shop.headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "vendor_phone"]
    count = await scalar(
        app, "SELECT count(*) FROM purchase_drafts WHERE shop_id = :s", s=shop.shop_id
    )
    assert count == 0


async def test_numbers_too_big_for_a_bill_are_dropped_not_stored(client, shop, gemini):
    gemini.answer = {
        "vendor_name": "A" * 300,
        "lines": [
            {"name": "Tata Salt 1kg", "quantity": 2, "rate": 20},
            {"name": "Misread", "quantity": 500000000000},
            {"name": "Overflow", "quantity": 10000000000, "rate": 100000},
        ],
    }

    draft = await _gemini_draft(client, shop)

    assert [line["read_name"] for line in draft["lines"]] == ["Tata Salt 1kg"]
    assert draft["vendor_name"] == "A" * 120
