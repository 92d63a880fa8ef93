"""A shop knows its customers and vendors by phone number, however the number is typed."""

import asyncio
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.db.session import enter_shop
from app.parties import service as parties_service
from app.parties.sides import CUSTOMERS, VENDORS
from tests.conftest import register_shop


def exact(response):
    """The body with numbers read from their decimal text, so comparisons are exact."""
    return response.json(parse_float=Decimal)


# What differs between the two sides of the books; everything else behaves alike.
SIDES = {
    "customer": {
        "path": "/api/customers/",
        "id": "cust_id",
        "name": "customer_name",
        "lookup": "customer_phone_no",
        "table": "customers",
    },
    "vendor": {
        "path": "/api/vendors/",
        "id": "vend_id",
        "name": "vendor_name",
        "lookup": "vendor_phone_no",
        "table": "vendors",
    },
}
both_sides = pytest.mark.parametrize("side", list(SIDES))
PARTY_SIDES = {"customer": CUSTOMERS, "vendor": VENDORS}


def upsert_of(side):
    """The bills' entry point for one side: (session, shop_id, phone, name) -> PartyRef."""
    return lambda session, shop_id, phone, name: parties_service.upsert(
        session, PARTY_SIDES[side], shop_id, phone, name
    )


async def add_party(client, shop, side, name, phone):
    spec = SIDES[side]
    response = await client.post(
        spec["path"], json={spec["name"]: name, "phone_no": phone}, headers=shop.headers
    )
    assert response.status_code == 201, response.text
    return exact(response)


async def party_count(app, side, shop_id):
    async with app.state.sessionmaker() as session:
        return await session.scalar(
            text(f"SELECT count(*) FROM {SIDES[side]['table']} WHERE shop_id = :s"), {"s": shop_id}
        )


@asynccontextmanager
async def shop_session(app, shop_id):
    """A transaction confined to one shop, as a request's is; committed at the end."""
    async with app.state.sessionmaker() as session, session.begin():
        await enter_shop(session, shop_id)
        yield session


@both_sides
async def test_a_new_party_is_stored_in_e164_and_owes_nothing(client, shop, side):
    spec = SIDES[side]
    body = await add_party(client, shop, side, "  Sunita   Verma ", "98123 45678")
    assert body == {
        spec["id"]: body[spec["id"]],
        spec["name"]: "Sunita Verma",
        "phone_no": "+919812345678",
        "balance": Decimal("0.00"),
    }
    fetched = await client.get(f"{spec['path']}{body[spec['id']]}", headers=shop.headers)
    assert fetched.status_code == 200
    assert exact(fetched) == body


@both_sides
@pytest.mark.parametrize(
    "typed", ["9812345678", "+91 98123 45678", "098123-45678", "+919812345678", "0091 98123 45678"]
)
async def test_a_party_is_found_by_phone_however_it_is_typed(client, shop, side, typed):
    spec = SIDES[side]
    party = await add_party(client, shop, side, "Ramesh", "9812345678")
    for path in (spec["path"], spec["path"].rstrip("/")):
        response = await client.get(path, params={spec["lookup"]: typed}, headers=shop.headers)
        assert response.status_code == 200, response.text
        assert exact(response) == party  # the one object, not a list


@both_sides
async def test_an_unescaped_plus_in_the_lookup_still_finds_the_party(client, shop, side):
    """`?phone=+91...` typed raw arrives as a space; the number is still read right."""
    spec = SIDES[side]
    party = await add_party(client, shop, side, "Ramesh", "9812345678")
    response = await client.get(
        f"{spec['path']}?{spec['lookup']}=+919812345678", headers=shop.headers
    )
    assert exact(response) == party


@both_sides
async def test_an_unknown_phone_is_404(client, shop, side):
    spec = SIDES[side]
    await add_party(client, shop, side, "Ramesh", "9812345678")
    response = await client.get(
        spec["path"], params={spec["lookup"]: "9876500000"}, headers=shop.headers
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@both_sides
@pytest.mark.parametrize("typed", ["98765", "12345", "abcdefgh", "+91 12"])
async def test_a_partial_or_mistyped_lookup_phone_is_404_like_an_unknown_one(
    client, shop, side, typed
):
    """Issue 13, item 11: a search box sends what has been typed so far; it names nobody."""
    spec = SIDES[side]
    await add_party(client, shop, side, "Ramesh", "9876543210")
    response = await client.get(spec["path"], params={spec["lookup"]: typed}, headers=shop.headers)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "not_found"
    assert typed.strip() in response.json()["detail"]


@both_sides
@pytest.mark.parametrize("phone", ["12345", "not a phone", "+1 555", "98123456789012"])
async def test_an_invalid_phone_is_422_naming_the_field_and_writes_nothing(
    client, shop, app, side, phone
):
    spec = SIDES[side]
    response = await client.post(
        spec["path"], json={spec["name"]: "Ramesh", "phone_no": phone}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert ["body", "phone_no"] in [error["loc"] for error in body["errors"]]
    assert "phone_no" in body["detail"]
    assert await party_count(app, side, shop.shop_id) == 0


@both_sides
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone_no": "9812345678"}, "name"),
        ({"name": "   ", "phone_no": "9812345678"}, "name"),
        ({"name": "x" * 121, "phone_no": "9812345678"}, "name"),
        ({"name": "Ramesh"}, "phone_no"),
        ({"name": "Ramesh", "phone_no": ""}, "phone_no"),
    ],
)
async def test_missing_or_bad_fields_are_422_by_name(client, shop, app, side, payload, field):
    spec = SIDES[side]
    body = {spec["name"] if key == "name" else key: value for key, value in payload.items()}
    response = await client.post(spec["path"], json=body, headers=shop.headers)
    assert response.status_code == 422
    expected = spec["name"] if field == "name" else field
    assert ["body", expected] in [error["loc"] for error in response.json()["errors"]]
    assert await party_count(app, side, shop.shop_id) == 0


@both_sides
async def test_a_phone_already_in_the_shop_is_a_duplicate_however_typed(client, shop, app, side):
    spec = SIDES[side]
    first = await add_party(client, shop, side, "Ramesh", "9812345678")
    response = await client.post(
        spec["path"],
        json={spec["name"]: "Ramesh Bhai", "phone_no": "098123-45678"},
        headers=shop.headers,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate"
    assert body["field"] == "phone_no"
    assert body[spec["id"]] == first[spec["id"]]
    assert await party_count(app, side, shop.shop_id) == 1


async def test_one_phone_can_be_both_a_customer_and_a_vendor(client, shop):
    await add_party(client, shop, "customer", "Ramesh", "9812345678")
    await add_party(client, shop, "vendor", "Ramesh Traders", "9812345678")


@both_sides
async def test_the_same_phone_is_fine_in_another_shop(client, shop, other_shop, side):
    mine = await add_party(client, shop, side, "Ramesh", "9812345678")
    theirs = await add_party(client, other_shop, side, "Ramesh", "9812345678")
    assert mine[SIDES[side]["id"]] != theirs[SIDES[side]["id"]]


@both_sides
async def test_concurrent_creates_of_one_phone_make_one_party(client, shop, app, side):
    spec = SIDES[side]
    responses = await asyncio.gather(
        *(
            client.post(
                spec["path"],
                json={spec["name"]: f"Ramesh {index}", "phone_no": "9812345678"},
                headers=shop.headers,
            )
            for index in range(4)
        )
    )
    assert sorted(response.status_code for response in responses) == [201, 409, 409, 409]
    assert {response.json()["code"] for response in responses if response.status_code == 409} == {
        "duplicate"
    }
    assert await party_count(app, side, shop.shop_id) == 1


@both_sides
async def test_a_retried_create_with_its_idempotency_key_replays_the_first_reply(
    client, shop, app, side
):
    spec = SIDES[side]
    body = {spec["name"]: "Ramesh", "phone_no": "9812345678"}
    headers = shop.headers | {"Idempotency-Key": "add-ramesh-1"}
    first = await client.post(spec["path"], json=body, headers=headers)
    again = await client.post(spec["path"], json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.text == first.text
    other = await client.post(spec["path"], json=body | {spec["name"]: "Someone"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await party_count(app, side, shop.shop_id) == 1


@both_sides
async def test_renaming_changes_the_name_and_keeps_the_phone(client, shop, side):
    spec = SIDES[side]
    party = await add_party(client, shop, side, "Sunita", "9812345678")
    path = f"{spec['path']}{party[spec['id']]}"
    response = await client.put(
        path, json={spec["name"]: " Sunita  Devi ", "phone_no": "9999999999"}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    renamed = exact(response)
    assert renamed == party | {spec["name"]: "Sunita Devi"}
    assert exact(await client.get(path, headers=shop.headers)) == renamed


@both_sides
async def test_renaming_to_a_blank_name_is_422(client, shop, side):
    spec = SIDES[side]
    party = await add_party(client, shop, side, "Sunita", "9812345678")
    response = await client.put(
        f"{spec['path']}{party[spec['id']]}", json={spec["name"]: "  "}, headers=shop.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", spec["name"]]


@both_sides
@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_another_shops_party_is_404_and_unchanged(client, shop, other_shop, side, method):
    spec = SIDES[side]
    theirs = await add_party(client, other_shop, side, "Their Customer", "9812345678")
    path = f"{spec['path']}{theirs[spec['id']]}"
    response = await client.request(
        method,
        path,
        headers=shop.headers,
        json={spec["name"]: "Hijacked"} if method == "PUT" else None,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert exact(await client.get(path, headers=other_shop.headers)) == theirs


@both_sides
async def test_another_shops_phone_is_not_found_by_lookup_or_search(client, shop, other_shop, side):
    spec = SIDES[side]
    await add_party(client, other_shop, side, "Their Customer", "9812345678")
    lookup = await client.get(
        spec["path"], params={spec["lookup"]: "9812345678"}, headers=shop.headers
    )
    assert lookup.status_code == 404
    search = await client.get(spec["path"], params={"q": "98123"}, headers=shop.headers)
    assert search.json() == []


@both_sides
async def test_unknown_ids_are_404_and_impossible_ids_422(client, shop, side):
    path = SIDES[side]["path"]
    assert (await client.get(f"{path}999999", headers=shop.headers)).status_code == 404
    assert (await client.get(f"{path}0", headers=shop.headers)).status_code == 422
    assert (await client.get(f"{path}{2**70}", headers=shop.headers)).status_code == 422


@both_sides
async def test_the_list_shows_only_own_parties_sorted_by_name(client, shop, other_shop, side):
    spec = SIDES[side]
    await add_party(client, shop, side, "sunita", "9812345601")
    await add_party(client, shop, side, "Anil", "9812345602")
    await add_party(client, other_shop, side, "Bhavna", "9812345603")
    response = await client.get(spec["path"], headers=shop.headers)
    assert response.status_code == 200
    assert [party[spec["name"]] for party in response.json()] == ["Anil", "sunita"]
    assert response.headers["x-total-count"] == "2"
    assert all(exact(response)[index]["balance"] == 0 for index in range(2))


@both_sides
async def test_pagination_headers_point_to_the_next_page(client, shop, side):
    spec = SIDES[side]
    for index in range(5):
        await add_party(client, shop, side, f"Party {index}", f"98123456{index:02d}")
    response = await client.get(f"{spec['path']}?limit=2&offset=2", headers=shop.headers)
    assert [party[spec["name"]] for party in response.json()] == ["Party 2", "Party 3"]
    assert response.headers["x-total-count"] == "5"
    assert "offset=4" in response.headers["link"] and 'rel="next"' in response.headers["link"]
    last = await client.get(f"{spec['path']}?limit=2&offset=4", headers=shop.headers)
    assert "link" not in last.headers
    beyond = await client.get(f"{spec['path']}?limit=2&offset=10", headers=shop.headers)
    assert beyond.json() == [] and beyond.headers["x-total-count"] == "5"


@both_sides
@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1"])
async def test_pagination_bounds_are_enforced(client, shop, side, query):
    response = await client.get(f"{SIDES[side]['path']}?{query}", headers=shop.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "query"


@both_sides
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sunita", ["Sunita Verma", "Sunita Devi"]),
        ("VERMA", ["Sunita Verma", "Mohan Verma"]),
        ("sunitha", ["Sunita Verma", "Sunita Devi"]),
        ("raju kirna", ["Raju Kirana"]),
        ("98123", ["Sunita Verma", "Mohan Verma"]),
        ("098123-456", ["Sunita Verma", "Mohan Verma"]),
        ("+91 77", ["Sunita Devi"]),
        ("45678", ["Sunita Verma"]),
        ("100%", []),
        ("  ", ["Mohan Verma", "Raju Kirana", "Sunita Devi", "Sunita Verma"]),
    ],
)
async def test_search_is_fuzzy_on_the_name_and_matches_phone_digits(
    client, shop, side, query, expected
):
    spec = SIDES[side]
    for name, phone in [
        ("Sunita Verma", "9812345678"),
        ("Mohan Verma", "9812345600"),
        ("Sunita Devi", "7700112233"),
        ("Raju Kirana", "9000000001"),
    ]:
        await add_party(client, shop, side, name, phone)
    response = await client.get(spec["path"], params={"q": query}, headers=shop.headers)
    assert response.status_code == 200
    assert sorted(party[spec["name"]] for party in response.json()) == sorted(expected)
    assert response.headers["x-total-count"] == str(len(expected))


async def test_a_shops_region_reads_local_numbers(client, app):
    """A shop outside India reads '(202) 555-0143' as a US number."""
    shop = await register_shop(client, "Corner Store")
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE shops SET region = 'US' WHERE id = :s"), {"s": shop.shop_id}
        )
    party = await add_party(client, shop, "customer", "Joe", "(202) 555-0143")
    assert party["phone_no"] == "+12025550143"
    async with shop_session(app, shop.shop_id) as session:
        assert await parties_service.shop_region(session, shop.shop_id) == "US"


# The functions the bills code calls


@both_sides
async def test_a_bill_for_a_new_phone_creates_the_party(client, shop, app, side):
    upsert = upsert_of(side)
    async with shop_session(app, shop.shop_id) as session:
        ref = await upsert(session, shop.shop_id, "+919812345678", "  Kamla  Bai ")
    assert (ref.name, ref.phone, ref.opted_out) == ("Kamla Bai", "+919812345678", False)
    spec = SIDES[side]
    found = await client.get(f"{spec['path']}{ref.id}", headers=shop.headers)
    assert exact(found) == {
        spec["id"]: ref.id,
        spec["name"]: "Kamla Bai",
        "phone_no": "+919812345678",
        "balance": 0,
    }


@both_sides
async def test_a_bill_fills_a_missing_name_but_never_overwrites_one(client, shop, app, side):
    upsert = upsert_of(side)
    async with shop_session(app, shop.shop_id) as session:
        nameless = await upsert(session, shop.shop_id, "+919812345678", None)
        named = await upsert(session, shop.shop_id, "+919812345678", "Kamla")
        kept = await upsert(session, shop.shop_id, "+919812345678", "Someone Else")
        unnamed_call = await upsert(session, shop.shop_id, "+919812345678", None)
    assert nameless.name == ""
    assert nameless.id == named.id == kept.id == unnamed_call.id
    assert [named.name, kept.name, unnamed_call.name] == ["Kamla", "Kamla", "Kamla"]
    assert await party_count(app, side, shop.shop_id) == 1


@both_sides
async def test_concurrent_bills_for_one_new_phone_make_one_party(client, shop, app, side):
    upsert = upsert_of(side)

    async def bill(name):
        async with shop_session(app, shop.shop_id) as session:
            ref = await upsert(session, shop.shop_id, "+919812345678", name)
            await asyncio.sleep(0.05)  # hold the row while the others arrive
            return ref

    refs = await asyncio.gather(*(bill(f"Name {index}") for index in range(4)))
    assert len({ref.id for ref in refs}) == 1
    assert await party_count(app, side, shop.shop_id) == 1


@both_sides
async def test_party_refs_are_read_by_id_within_the_shop(client, shop, other_shop, app, side):
    mine = await add_party(client, shop, side, "Mine", "9812345678")
    theirs = await add_party(client, other_shop, side, "Theirs", "9812345679")
    id_field = SIDES[side]["id"]
    async with shop_session(app, shop.shop_id) as session:
        refs = await parties_service.refs(
            session, PARTY_SIDES[side], shop.shop_id, [mine[id_field], theirs[id_field]]
        )
    assert list(refs) == [mine[id_field]]
    assert refs[mine[id_field]].name == "Mine"
