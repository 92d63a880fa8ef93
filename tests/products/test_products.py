"""A shop keeps its catalogue: prices exact to the paisa, stock changes in the ledger."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.db.session import enter_shop
from tests.conftest import create_product


def exact(response):
    """The body with numbers read from their decimal text, so comparisons are exact."""
    return response.json(parse_float=Decimal)


async def product_count(app, shop_id):
    async with app.state.sessionmaker() as session:
        return await session.scalar(
            text("SELECT count(*) FROM products WHERE shop_id = :s"), {"s": shop_id}
        )


async def test_a_new_product_is_returned_with_all_fields(client, shop):
    response = await client.post(
        "/api/products/",
        json={
            "product_name": "Tata Salt 1kg",
            "price_purchase": 22.5,
            "price_sale": 28,
            "quantity": 40,
            "unit": "pcs",
            "barcode": "8904043901015",
            "reorder_level": 10,
        },
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    body = exact(response)
    assert body == {
        "product_id": body["product_id"],
        "product_name": "Tata Salt 1kg",
        "price_purchase": Decimal("22.5"),
        "price_sale": 28,
        "quantity": 40,
        "unit": "pcs",
        "barcode": "8904043901015",
        "reorder_level": 10,
        "low_stock": False,
        "hsn_code": None,
        "gst_rate": 0,
        "cess_rate": 0,
        "price_includes_tax": True,
    }
    fetched = await client.get(f"/api/products/{body['product_id']}", headers=shop.headers)
    assert exact(fetched) == body


async def test_money_round_trips_exactly(client, shop, app):
    product = await create_product(
        client, shop, price_purchase=10.10, price_sale=999999999999.99, quantity=1.25
    )
    async with app.state.sessionmaker() as session:
        stored = (
            await session.execute(
                text(
                    "SELECT price_purchase::text, price_sale::text, quantity::text "
                    "FROM products WHERE id = :id"
                ),
                {"id": product["product_id"]},
            )
        ).one()
    assert tuple(stored) == ("10.10", "999999999999.99", "1.250")
    response = await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert response.json()["price_purchase"] == 10.1
    assert exact(response)["price_sale"] == Decimal("999999999999.99")
    assert exact(response)["quantity"] == Decimal("1.25")


@pytest.mark.parametrize(
    ("raw_body", "field"),
    [
        ('{"product_name": "A", "price_purchase": 1, "price_sale": "12.345"}', "price_sale"),
        ('{"product_name": "A", "price_purchase": 1, "price_sale": 12.345}', "price_sale"),
        ('{"product_name": "A", "price_purchase": 1, "price_sale": -1}', "price_sale"),
        ('{"product_name": "A", "price_purchase": 1, "price_sale": "abc"}', "price_sale"),
        ('{"product_name": "A", "price_purchase": 1, "price_sale": 1e400}', "price_sale"),
        ('{"product_name": "A", "price_purchase": 1e13, "price_sale": 1}', "price_purchase"),
        (
            '{"product_name": "A", "price_purchase": 1, "price_sale": 1, "quantity": 1.2345}',
            "quantity",
        ),
        ('{"product_name": "A", "price_purchase": 1, "price_sale": 1, "unit": "litre"}', "unit"),
        (
            '{"product_name": "A", "price_purchase": 1, "price_sale": 1, "barcode": "no spaces"}',
            "barcode",
        ),
        (
            '{"product_name": "' + "x" * 10_000 + '", "price_purchase": 1, "price_sale": 1}',
            "product_name",
        ),
        ('{"product_name": "   ", "price_purchase": 1, "price_sale": 1}', "product_name"),
        ('{"price_purchase": 1, "price_sale": 1}', "product_name"),
        ('{"product_name": "A", "price_sale": 1}', "price_purchase"),
    ],
)
async def test_bad_product_input_is_422_naming_the_field_and_writes_nothing(
    client, shop, app, raw_body, field
):
    response = await client.post(
        "/api/products/",
        content=raw_body,
        headers=shop.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert ["body", field] in [error["loc"] for error in body["errors"]]
    assert field in body["detail"]
    assert await product_count(app, shop.shop_id) == 0


async def test_nan_is_not_a_number(client, shop, app):
    response = await client.post(
        "/api/products/",
        content='{"product_name": "A", "price_purchase": NaN, "price_sale": 1}',
        headers=shop.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert await product_count(app, shop.shop_id) == 0


async def test_a_name_differing_only_in_case_and_spaces_is_a_duplicate(client, shop, app):
    await create_product(client, shop, product_name="Tata Salt")
    response = await client.post(
        "/api/products/",
        json={"product_name": "  tata   SALT ", "price_purchase": 1, "price_sale": 2},
        headers=shop.headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert response.json()["field"] == "product_name"
    assert await product_count(app, shop.shop_id) == 1


async def test_the_same_name_is_fine_in_another_shop(client, shop, other_shop):
    await create_product(client, shop, product_name="Tata Salt", barcode="123456")
    await create_product(client, other_shop, product_name="Tata Salt", barcode="123456")


async def test_a_barcode_is_unique_within_the_shop(client, shop):
    await create_product(client, shop, barcode="8901234567890")
    response = await client.post(
        "/api/products/",
        json={
            "product_name": "B",
            "price_purchase": 1,
            "price_sale": 2,
            "barcode": "8901234567890",
        },
        headers=shop.headers,
    )
    assert response.status_code == 409
    assert response.json()["field"] == "barcode"


async def test_update_changes_only_the_given_fields(client, shop):
    product = await create_product(client, shop, product_name="Parle-G", price_sale="10.00")
    response = await client.put(
        f"/api/products/{product['product_id']}",
        json={"price_sale": "11.50", "unit": "pack", "barcode": None},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    body = exact(response)
    assert body["price_sale"] == Decimal("11.50")
    assert body["unit"] == "pack"
    assert body["product_name"] == "Parle-G"
    assert body["price_purchase"] == Decimal("10.00")


async def test_update_cannot_null_a_required_field(client, shop):
    product = await create_product(client, shop)
    response = await client.put(
        f"/api/products/{product['product_id']}", json={"price_sale": None}, headers=shop.headers
    )
    assert response.status_code == 422


async def test_renaming_onto_another_product_is_a_duplicate(client, shop):
    await create_product(client, shop, product_name="Maggi")
    other = await create_product(client, shop, product_name="Yippee")
    response = await client.put(
        f"/api/products/{other['product_id']}", json={"product_name": "MAGGI"}, headers=shop.headers
    )
    assert response.status_code == 409


async def test_setting_quantity_records_an_adjustment_in_the_ledger(client, shop, app):
    product = await create_product(client, shop, quantity="12.5")
    pid = product["product_id"]
    response = await client.put(f"/api/products/{pid}", json={"quantity": 9}, headers=shop.headers)
    assert exact(response)["quantity"] == 9
    response = await client.put(
        f"/api/products/{pid}", json={"quantity": "20.125"}, headers=shop.headers
    )
    assert exact(response)["quantity"] == Decimal("20.125")

    movements = exact(await client.get(f"/api/products/{pid}/movements", headers=shop.headers))
    assert [(m["reason"], m["quantity"], m["balance_after"]) for m in movements] == [
        ("adjustment", Decimal("11.125"), Decimal("20.125")),
        ("adjustment", Decimal("-3.5"), Decimal("9")),
        ("opening", Decimal("12.5"), Decimal("12.5")),
    ]
    async with app.state.sessionmaker() as session:
        ledger = await session.scalar(
            text("SELECT sum(quantity) FROM stock_movements WHERE product_id = :p"), {"p": pid}
        )
        cached = await session.scalar(
            text("SELECT quantity FROM products WHERE id = :p"), {"p": pid}
        )
    assert ledger == cached == Decimal("20.125")


async def test_list_shows_only_own_products_sorted_by_name(client, shop, other_shop):
    await create_product(client, shop, product_name="Sugar")
    await create_product(client, shop, product_name="atta")
    await create_product(client, other_shop, product_name="Rice")
    response = await client.get("/api/products/", headers=shop.headers)
    assert [p["product_name"] for p in response.json()] == ["atta", "Sugar"]
    assert response.headers["x-total-count"] == "2"


async def test_pagination_headers_point_to_the_next_page(client, shop):
    for index in range(5):
        await create_product(client, shop, product_name=f"Item {index}")
    response = await client.get("/api/products/?limit=2&offset=2", headers=shop.headers)
    assert [p["product_name"] for p in response.json()] == ["Item 2", "Item 3"]
    assert response.headers["x-total-count"] == "5"
    assert "offset=4" in response.headers["link"] and 'rel="next"' in response.headers["link"]
    last = await client.get("/api/products/?limit=2&offset=4", headers=shop.headers)
    assert "link" not in last.headers
    beyond = await client.get("/api/products/?limit=2&offset=10", headers=shop.headers)
    assert beyond.json() == [] and beyond.headers["x-total-count"] == "5"


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "limit=abc"])
async def test_pagination_bounds_are_enforced(client, shop, query):
    response = await client.get(f"/api/products/?{query}", headers=shop.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "query"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("salt", ["Tata Salt 1kg", "Salt Lite"]),
        ("TATA", ["Tata Salt 1kg", "Tata Tea Gold"]),
        ("tata slat", ["Tata Salt 1kg"]),
        ("parle", ["Parle-G Biscuit"]),
        ("100%", []),
    ],
)
async def test_search_is_fuzzy_on_the_name(client, shop, query, expected):
    for name in ["Tata Salt 1kg", "Tata Tea Gold", "Salt Lite", "Parle-G Biscuit", "Amul Butter"]:
        await create_product(client, shop, product_name=name)
    response = await client.get("/api/products/", params={"q": query}, headers=shop.headers)
    names = [p["product_name"] for p in response.json()]
    assert sorted(names) == sorted(expected)


async def _search(client, shop, query, **params):
    response = await client.get(
        "/api/products/", params={"q": query, **params}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    return [p["product_name"] for p in response.json()], response.headers


async def test_search_ranks_substrings_first_then_by_similarity_and_pages_the_whole_match(
    client, shop, other_shop, app
):
    names = ["Tata Slat", "Rock Salt", "Tata Salt Lite", "Tata Sampann Salt", "Tata Salt 1kg"]
    for name in [*names, "Tata Salt Old", "Amul Butter"]:
        await create_product(client, shop, product_name=name)
    await create_product(client, other_shop, product_name="Tata Salt")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE products SET archived_at = now() WHERE name = 'Tata Salt Old'")
        )
    # Substring matches (ties by name), then word similarity 0.7 and 0.6; 'rock salt' is 0.5,
    # under pg_trgm's threshold; archived products and other shops' products never match.
    ranked = ["Tata Salt 1kg", "Tata Salt Lite", "Tata Sampann Salt", "Tata Slat"]
    found, headers = await _search(client, shop, "  TATA  salt ")
    assert found == ranked
    assert headers["x-total-count"] == "4" and "link" not in headers
    first, headers = await _search(client, shop, "tata salt", limit=3)
    assert first == ranked[:3]
    assert headers["x-total-count"] == "4" and "offset=3" in headers["link"]
    rest, headers = await _search(client, shop, "tata salt", limit=3, offset=3)
    assert rest == ranked[3:] and headers["x-total-count"] == "4"
    beyond, headers = await _search(client, shop, "tata salt", limit=3, offset=9)
    assert beyond == [] and headers["x-total-count"] == "4"


async def test_search_and_low_stock_together(client, shop):
    await create_product(client, shop, product_name="Tata Salt 1kg", quantity=50)
    await create_product(client, shop, product_name="Tata Slat", quantity=1, reorder_level=5)
    await create_product(client, shop, product_name="Amul Butter", quantity=1, reorder_level=5)
    found, headers = await _search(client, shop, "tata salt", low_stock="true")
    assert found == ["Tata Slat"] and headers["x-total-count"] == "1"


async def test_the_search_function_sees_only_the_current_shop(client, app, shop, other_shop):
    """`search_products` runs as the owner (to use its index), so it confines itself."""
    await create_product(client, shop, product_name="Tata Salt 1kg")
    await create_product(client, other_shop, product_name="Tata Salt")
    query = text("SELECT name FROM search_products('tata salt')")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(text("SET LOCAL ROLE dukaan_app"))
        assert (await session.scalars(query)).all() == []
    async with app.state.sessionmaker() as session, session.begin():
        await enter_shop(session, other_shop.shop_id)
        assert (await session.scalars(query)).all() == ["Tata Salt"]


async def test_low_stock_lists_products_at_or_below_reorder_level(client, shop):
    await create_product(client, shop, product_name="Low", quantity=2, reorder_level=5)
    await create_product(client, shop, product_name="Edge", quantity=5, reorder_level=5)
    await create_product(client, shop, product_name="Fine", quantity=50, reorder_level=5)
    response = await client.get("/api/products/?low_stock=true", headers=shop.headers)
    assert sorted(p["product_name"] for p in response.json()) == ["Edge", "Low"]
    assert all(p["low_stock"] for p in response.json())


async def test_deleting_a_product_without_bills_removes_it(client, shop):
    product = await create_product(client, shop)
    response = await client.delete(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert response.status_code == 200
    assert response.json()["msg"] == "Product deleted successfully"
    gone = await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    assert gone.status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_another_shops_product_is_404_and_unchanged(client, shop, other_shop, method):
    theirs = await create_product(client, other_shop, product_name="Their Rice", quantity=7)
    path = f"/api/products/{theirs['product_id']}"
    response = await client.request(
        method, path, headers=shop.headers, json={"quantity": 0} if method == "PUT" else None
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    unchanged = await client.get(path, headers=other_shop.headers)
    assert unchanged.json() == theirs
    movements = await client.get(f"{path}/movements", headers=shop.headers)
    assert movements.status_code == 404


async def test_unknown_product_is_404(client, shop):
    assert (await client.get("/api/products/999999", headers=shop.headers)).status_code == 404
    huge = await client.get(f"/api/products/{2**70}", headers=shop.headers)
    assert huge.status_code == 422


async def test_money_is_written_as_json_numbers(client, shop):
    product = await create_product(client, shop, price_sale="0.10")
    response = await client.get(f"/api/products/{product['product_id']}", headers=shop.headers)
    raw = json.loads(response.text, parse_float=str)
    assert raw["price_sale"] == "0.10"  # a number token in the JSON, not a quoted string
    assert '"price_sale":0.10' in response.text


async def test_a_retried_create_with_its_idempotency_key_adds_one_product(client, shop, app):
    headers = shop.headers | {"Idempotency-Key": "new-product-1"}
    payload = {"product_name": "Maggi", "price_purchase": 12, "price_sale": 14, "quantity": 3}
    first = await client.post("/api/products/", json=payload, headers=headers)
    again = await client.post("/api/products/", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.text == first.text
    assert again.headers["idempotent-replayed"] == "true"
    assert await product_count(app, shop.shop_id) == 1
