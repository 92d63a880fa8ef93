"""The shop's tax profile (`PATCH /api/auth/shop`): GST scheme, GSTIN, state, the names printed
on invoices, the invoice-number prefix and rupee rounding. A shop that never sends them stays
an unregistered shop, as before GST."""

from typing import Any

import pytest

from tests.auth_helpers import add_staff
from tests.conftest import unique_phone

UNREGISTERED = {
    "gst_scheme": "unregistered",
    "gstin": None,
    "state_code": None,
    "legal_name": None,
    "address": None,
    "invoice_prefix": "",
    "round_to_rupee": False,
}
TAX_FIELDS = tuple(UNREGISTERED)


def tax_profile(shop: dict[str, Any]) -> dict[str, Any]:
    return {name: shop[name] for name in TAX_FIELDS}


async def current(client, shop) -> dict[str, Any]:
    response = await client.get("/api/auth/me", headers=shop.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["shop"]
    return body


async def patch(client, shop, body: dict[str, Any]):
    return await client.patch("/api/auth/shop", json=body, headers=shop.headers)


def refused(response, field: str) -> str:
    """The 422's message about `field` (the error names it)."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    messages = [error["msg"] for error in body["errors"] if error["loc"] == ["body", field]]
    assert messages, body
    return str(messages[0])


async def test_a_shop_that_never_sends_them_is_unregistered(client, shop):
    assert tax_profile(await current(client, shop)) == UNREGISTERED
    changed = await patch(client, shop, {"language": "hi", "allow_negative_stock": True})
    assert changed.status_code == 200, changed.text
    assert tax_profile(changed.json()) == UNREGISTERED
    assert tax_profile(await current(client, shop)) == UNREGISTERED


async def test_registration_replies_with_the_unregistered_profile(client):
    response = await client.post(
        "/api/auth/register",
        json={
            "shop_name": "New Shop",
            "owner_name": "Owner",
            "phone_no": unique_phone(),
            "password": "chai-biscuit-1",
        },
    )
    assert response.status_code == 201, response.text
    assert tax_profile(response.json()["shop"]) == UNREGISTERED


@pytest.mark.parametrize(
    ("sent", "gstin", "state"),
    [
        ("27AAPFU0939F1ZV", "27AAPFU0939F1ZV", "27"),
        ("29AAFCC9980M1ZR", "29AAFCC9980M1ZR", "29"),
        (" 06aamcs8709b1za ", "06AAMCS8709B1ZA", "06"),
    ],
)
async def test_a_regular_shop_with_a_valid_gstin_takes_its_state_from_it(
    client, shop, sent, gstin, state
):
    response = await patch(client, shop, {"gst_scheme": "regular", "gstin": sent})
    assert response.status_code == 200, response.text
    expected = UNREGISTERED | {"gst_scheme": "regular", "gstin": gstin, "state_code": state}
    assert tax_profile(response.json()) == expected
    assert tax_profile(await current(client, shop)) == expected


async def test_the_whole_profile_is_set_and_read_back(client, shop):
    body = {
        "gst_scheme": "composition",
        "gstin": "29AAFCC9980M1ZR",
        "state_code": "29",
        "legal_name": "  Sharma Traders Pvt Ltd ",
        "address": " 12 MG Road, Bengaluru 560001 ",
        "invoice_prefix": "S/",
        "round_to_rupee": True,
    }
    response = await patch(client, shop, body)
    assert response.status_code == 200, response.text
    expected = body | {
        "legal_name": "Sharma Traders Pvt Ltd",
        "address": "12 MG Road, Bengaluru 560001",
    }
    assert tax_profile(response.json()) == expected
    assert tax_profile(await current(client, shop)) == expected


async def test_the_issues_invalid_gstin_is_a_422_naming_the_field(client, shop):
    response = await patch(client, shop, {"gst_scheme": "regular", "gstin": "27AAPFU0939F1ZO"})
    assert "check character" in refused(response, "gstin")
    assert tax_profile(await current(client, shop)) == UNREGISTERED


@pytest.mark.parametrize(
    ("gstin", "says"),
    [
        ("27AAPFU0939F1Z", "15 characters"),
        ("27AAPFU0939F0ZV", "PAN"),
        ("39AAPFU0939F1ZR", "state code"),
        ("x" * 40, "at most 32"),
    ],
)
async def test_malformed_gstins_are_422s_that_say_why(client, shop, gstin, says):
    assert says in refused(await patch(client, shop, {"gstin": gstin}), "gstin")


async def test_a_gstin_sent_as_a_number_is_refused(client, shop):
    refused(await patch(client, shop, {"gstin": 270}), "gstin")


@pytest.mark.parametrize("code", ["38", "97", "01", "37"])
async def test_state_codes_38_and_97_are_accepted(client, shop, code):
    response = await patch(client, shop, {"state_code": code})
    assert response.status_code == 200, response.text
    assert response.json()["state_code"] == code
    assert response.json()["gst_scheme"] == "unregistered"


@pytest.mark.parametrize("code", ["00", "39", "96", "7", "AB"])
async def test_other_state_codes_are_refused(client, shop, code):
    assert "01-38 or 97" in refused(await patch(client, shop, {"state_code": code}), "state_code")


@pytest.mark.parametrize("code", [27, "027"])
async def test_a_state_code_is_two_digits_of_text(client, shop, code):
    refused(await patch(client, shop, {"state_code": code}), "state_code")


async def test_a_gstin_of_another_state_is_refused_naming_the_gstin(client, shop):
    response = await patch(client, shop, {"gstin": "27AAPFU0939F1ZV", "state_code": "29"})
    message = refused(response, "gstin")
    assert "27" in message
    assert "29" in message
    assert tax_profile(await current(client, shop)) == UNREGISTERED


async def test_the_stored_state_counts_against_a_new_gstin(client, shop):
    assert (await patch(client, shop, {"state_code": "29"})).status_code == 200
    refused(await patch(client, shop, {"gstin": "27AAPFU0939F1ZV"}), "gstin")
    assert (await patch(client, shop, {"gstin": "29AAFCC9980M1ZR"})).status_code == 200
    # and a stored GSTIN counts against a new state
    refused(await patch(client, shop, {"state_code": "27"}), "gstin")
    both = await patch(client, shop, {"gstin": "27AAPFU0939F1ZV", "state_code": "27"})
    assert both.status_code == 200, both.text
    assert (both.json()["gstin"], both.json()["state_code"]) == ("27AAPFU0939F1ZV", "27")


@pytest.mark.parametrize("scheme", ["regular", "composition"])
async def test_a_registered_scheme_needs_a_gstin(client, shop, scheme):
    message = refused(await patch(client, shop, {"gst_scheme": scheme}), "gstin")
    assert "GSTIN" in message
    assert tax_profile(await current(client, shop)) == UNREGISTERED


async def test_a_stored_gstin_is_enough_and_outlives_going_back_to_unregistered(client, shop):
    stored = await patch(client, shop, {"gstin": "06AAMCS8709B1ZA"})
    assert stored.status_code == 200, stored.text
    assert stored.json()["gst_scheme"] == "unregistered"
    regular = await patch(client, shop, {"gst_scheme": "regular"})
    assert regular.status_code == 200, regular.text
    back = await patch(client, shop, {"gst_scheme": "unregistered"})
    assert back.status_code == 200, back.text
    assert tax_profile(back.json()) == UNREGISTERED | {
        "gstin": "06AAMCS8709B1ZA",
        "state_code": "06",
    }


@pytest.mark.parametrize("prefix", ["S/", "A-", "AB", "9", ""])
async def test_a_prefix_whose_numbers_fit_in_16_characters_is_accepted(client, shop, prefix):
    response = await patch(client, shop, {"invoice_prefix": prefix})
    assert response.status_code == 200, response.text
    assert response.json()["invoice_prefix"] == prefix
    assert len(f"{prefix}2026-27/000123") <= 16


@pytest.mark.parametrize(("prefix", "length"), [("ABC", 17), ("INV/", 18), ("X" * 30, 44)])
async def test_a_prefix_too_long_for_16_characters_is_refused_saying_so(
    client, shop, prefix, length
):
    message = refused(await patch(client, shop, {"invoice_prefix": prefix}), "invoice_prefix")
    assert "16" in message
    assert f"{length} characters" in message
    assert (await current(client, shop))["invoice_prefix"] == ""


@pytest.mark.parametrize("prefix", ["A B", "S_", "₹", "A.", "अ"])
async def test_a_prefix_of_other_characters_is_refused(client, shop, prefix):
    message = refused(await patch(client, shop, {"invoice_prefix": prefix}), "invoice_prefix")
    assert "letters" in message


async def test_an_empty_prefix_clears_it(client, shop):
    assert (await patch(client, shop, {"invoice_prefix": "S/"})).status_code == 200
    cleared = await patch(client, shop, {"invoice_prefix": ""})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["invoice_prefix"] == ""


async def test_blank_names_and_addresses_clear_them_and_long_ones_are_refused(client, shop):
    set_ = await patch(client, shop, {"legal_name": "Sharma Traders", "address": "Pune"})
    assert set_.status_code == 200, set_.text
    untouched = await patch(client, shop, {"legal_name": None, "language": "hi"})
    assert (untouched.json()["legal_name"], untouched.json()["address"]) == (
        "Sharma Traders",
        "Pune",
    )
    cleared = await patch(client, shop, {"legal_name": "   ", "address": ""})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["legal_name"], cleared.json()["address"]) == (None, None)
    refused(await patch(client, shop, {"legal_name": "x" * 201}), "legal_name")
    refused(await patch(client, shop, {"address": "x" * 501}), "address")
    fits = await patch(client, shop, {"legal_name": "x" * 200, "address": "y" * 500})
    assert fits.status_code == 200, fits.text


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
async def test_round_to_rupee_is_a_true_boolean(client, shop, value):
    refused(await patch(client, shop, {"round_to_rupee": value}), "round_to_rupee")


async def test_round_to_rupee_is_set(client, shop):
    response = await patch(client, shop, {"round_to_rupee": True})
    assert response.status_code == 200, response.text
    assert (await current(client, shop))["round_to_rupee"] is True


async def test_an_unknown_scheme_is_refused(client, shop):
    refused(await patch(client, shop, {"gst_scheme": "gst"}), "gst_scheme")


async def test_staff_cannot_change_the_tax_profile(client, shop):
    staff = await add_staff(client, shop)
    response = await patch(client, staff, {"gst_scheme": "regular", "gstin": "27AAPFU0939F1ZV"})
    assert response.status_code == 403, response.text
    assert tax_profile(await current(client, shop)) == UNREGISTERED


async def test_the_audit_log_records_the_tax_profile_changes(client, shop):
    first = await patch(client, shop, {"gst_scheme": "regular", "gstin": "27AAPFU0939F1ZV"})
    assert first.status_code == 200, first.text
    second = await patch(
        client, shop, {"invoice_prefix": "S/", "round_to_rupee": True, "legal_name": "Sharma"}
    )
    assert second.status_code == 200, second.text
    refused(await patch(client, shop, {"gstin": "27AAPFU0939F1ZO"}), "gstin")

    response = await client.get(
        "/api/audit", params={"action": "shop_settings_changed"}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    rows = [(row["before"], row["after"]) for row in response.json()]
    assert rows == [
        (
            {"invoice_prefix": "", "round_to_rupee": False, "legal_name": None},
            {"invoice_prefix": "S/", "round_to_rupee": True, "legal_name": "Sharma"},
        ),
        (
            {"gst_scheme": "unregistered", "gstin": None, "state_code": None},
            {"gst_scheme": "regular", "gstin": "27AAPFU0939F1ZV", "state_code": "27"},
        ),
    ]
