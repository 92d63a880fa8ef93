"""Names as phones and PDFs type them: full-width letters, zero-width and bidi characters.

`Salt` in full-width letters, `Salt` + U+200B and `Salt` look alike on a screen and must be one
product; a name of invisible characters only is no name; Devanagari keeps its joiners.
"""

import pytest

from tests.bills import sale
from tests.conftest import create_product, register_shop, unique_phone

FULL_WIDTH_SALT = "\uff33\uff41\uff4c\uff54"
ZWSP = "\u200b"
INVISIBLE_ONLY = ["\u200b", "\u200b\u200d\ufeff", "\u202e\u2066\u2069", " \u200c \u200e "]


def _product(name: str) -> dict[str, object]:
    return {"product_name": name, "price_purchase": 20, "price_sale": 25}


@pytest.mark.parametrize(
    "twin",
    [FULL_WIDTH_SALT, f"Salt{ZWSP}", "\u202aSalt\u202c", f"S{ZWSP}alt", "\ufeffSALT"],
    ids=["full-width", "zero-width-space", "bidi-embedding", "zero-width-inside", "bom"],
)
async def test_a_name_that_only_looks_different_is_a_duplicate_product(client, shop, twin):
    await create_product(client, shop, product_name="Salt")
    response = await client.post("/api/products/", json=_product(twin), headers=shop.headers)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "duplicate"
    assert response.json()["field"] == "product_name"
    listed = await client.get("/api/products/", headers=shop.headers)
    assert [p["product_name"] for p in listed.json()] == ["Salt"]


async def test_a_name_is_stored_normalised(client, shop):
    created = await client.post(
        "/api/products/",
        json=_product(f"  {FULL_WIDTH_SALT}{ZWSP}   \u202e1kg\u202c  "),
        headers=shop.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["product_name"] == "Salt 1kg"


async def test_renaming_onto_a_lookalike_of_another_product_is_a_duplicate(client, shop):
    await create_product(client, shop, product_name="Salt")
    sugar = await create_product(client, shop, product_name="Sugar")
    response = await client.put(
        f"/api/products/{sugar['product_id']}",
        json={"product_name": FULL_WIDTH_SALT},
        headers=shop.headers,
    )
    assert response.status_code == 409
    assert response.json()["field"] == "product_name"


@pytest.mark.parametrize("name", INVISIBLE_ONLY)
async def test_a_product_name_of_invisible_characters_is_refused(client, shop, name):
    response = await client.post("/api/products/", json=_product(name), headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "product_name"]
    assert (await client.get("/api/products/", headers=shop.headers)).json() == []


async def test_a_sale_line_finds_the_product_by_a_lookalike_name(client, shop):
    salt = await create_product(client, shop, product_name="Salt", quantity=10)
    response = await sale(
        client, shop, [{"product_name": f"{FULL_WIDTH_SALT}{ZWSP}", "quantity": 2}]
    )
    assert response.status_code == 201, response.text
    product = await client.get(f"/api/products/{salt['product_id']}", headers=shop.headers)
    assert product.json()["quantity"] == 8


async def test_devanagari_keeps_its_joiners_but_they_do_not_make_a_new_product(client, shop):
    # क्‍ष (with ZWJ: drawn half-form) and क्ष (conjunct) are the same word to a shopkeeper.
    with_joiner = "\u0915\u094d\u200d\u0937 \u0926\u093e\u0932"
    created = await client.post("/api/products/", json=_product(with_joiner), headers=shop.headers)
    assert created.status_code == 201, created.text
    assert created.json()["product_name"] == with_joiner
    plain = "\u0915\u094d\u0937 \u0926\u093e\u0932"
    twin = await client.post("/api/products/", json=_product(plain), headers=shop.headers)
    assert twin.status_code == 409


async def test_a_joiner_at_the_edge_of_a_word_is_dropped(client, shop):
    created = await client.post(
        "/api/products/", json=_product("\u200dAtta\u200c 5kg"), headers=shop.headers
    )
    assert created.status_code == 201
    assert created.json()["product_name"] == "Atta 5kg"


PARTY_SIDES = {
    "customer": ("/api/customers/", "customer_name", "cust_id"),
    "vendor": ("/api/vendors/", "vendor_name", "vend_id"),
}
both_sides = pytest.mark.parametrize("side", list(PARTY_SIDES))


@both_sides
async def test_a_party_name_is_stored_normalised_and_found_by_a_lookalike(client, shop, side):
    path, name_field, _ = PARTY_SIDES[side]
    full_width_sunita = "\uff33\uff55\uff4e\uff49\uff54\uff41"
    created = await client.post(
        path,
        json={name_field: f"{full_width_sunita}{ZWSP}  Verma\u202c", "phone_no": unique_phone()},
        headers=shop.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()[name_field] == "Sunita Verma"
    found = await client.get(path, params={"q": f"{full_width_sunita}"}, headers=shop.headers)
    assert [party[name_field] for party in found.json()] == ["Sunita Verma"]


@both_sides
@pytest.mark.parametrize("name", INVISIBLE_ONLY)
async def test_a_party_name_of_invisible_characters_is_refused(client, shop, side, name):
    path, name_field, _ = PARTY_SIDES[side]
    response = await client.post(
        path, json={name_field: name, "phone_no": unique_phone()}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", name_field]


@both_sides
async def test_a_party_renamed_to_invisible_characters_is_refused(client, shop, side):
    path, name_field, id_field = PARTY_SIDES[side]
    created = await client.post(
        path, json={name_field: "Sunita", "phone_no": unique_phone()}, headers=shop.headers
    )
    party_id = created.json()[id_field]
    response = await client.put(
        f"{path}{party_id}", json={name_field: "\u200b\u2060"}, headers=shop.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", name_field]


@both_sides
async def test_a_phone_typed_with_invisible_characters_is_the_same_party(client, shop, side):
    path, name_field, id_field = PARTY_SIDES[side]
    phone = unique_phone()
    first = await client.post(
        path, json={name_field: "Sunita", "phone_no": phone}, headers=shop.headers
    )
    spaced = f"\u202a{phone[:5]}{ZWSP}{phone[5:]}\u202c"
    again = await client.post(
        path, json={name_field: "Sunita", "phone_no": spaced}, headers=shop.headers
    )
    assert again.status_code == 409
    assert again.json()[id_field] == first.json()[id_field]


async def test_a_sale_customer_name_is_normalised(client, shop):
    await create_product(client, shop, product_name="Salt", quantity=10)
    phone = unique_phone()
    response = await sale(
        client,
        shop,
        [{"product_name": "Salt", "quantity": 1}],
        customer_name=f"{ZWSP}\uff32\uff41\uff4d\uff45\uff53\uff48{ZWSP}",
        phone_no=phone,
    )
    assert response.status_code == 201, response.text
    customer = await client.get(
        "/api/customers/", params={"customer_phone_no": phone}, headers=shop.headers
    )
    assert customer.json()["customer_name"] == "Ramesh"


async def test_shop_and_owner_names_are_normalised_and_must_be_visible(client):
    blank = await client.post(
        "/api/auth/register",
        json={
            "shop_name": "\u200b\u200d",
            "owner_name": "Owner",
            "phone_no": unique_phone(),
            "password": "chai-biscuit-1",
        },
    )
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["loc"] == ["body", "shop_name"]
    shop = await register_shop(client, name=f"\uff33\uff48\uff41\uff52\uff4d\uff41{ZWSP} Kirana")
    me = await client.get("/api/auth/me", headers=shop.headers)
    assert me.json()["shop"]["shop_name"] == "Sharma Kirana"
