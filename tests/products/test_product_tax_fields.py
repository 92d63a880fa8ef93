"""A product's GST fields: HSN code, GST rate (a slab in force today), cess rate, and whether its
price includes tax. Products that never mention them carry no tax, with tax-inclusive prices."""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.bills.gst_rates import slabs_on
from tests.auth_helpers import add_staff
from tests.conftest import create_product

DEFAULTS = {
    "hsn_code": None,
    "gst_rate": Decimal(0),
    "cess_rate": Decimal(0),
    "price_includes_tax": True,
}
TAX_FIELDS = tuple(DEFAULTS)


def exact(response) -> Any:
    return response.json(parse_float=Decimal)


def tax_fields(product: dict[str, Any]) -> dict[str, Any]:
    return {name: product[name] for name in TAX_FIELDS}


async def every_view(client, shop, product_id: int, name: str) -> list[dict[str, Any]]:
    """The product as its detail, the catalogue page and a name search show it."""
    detail = await client.get(f"/api/products/{product_id}", headers=shop.headers)
    listed = await client.get("/api/products/", headers=shop.headers)
    found = await client.get("/api/products/", params={"q": name}, headers=shop.headers)
    views = [exact(detail)]
    for page in (listed, found):
        assert page.status_code == 200, page.text
        views += [row for row in exact(page) if row["product_id"] == product_id]
    assert len(views) == 3
    return views


def refused(response, field: str) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    messages = [error["msg"] for error in body["errors"] if error["loc"] == ["body", field]]
    assert messages, body
    return str(messages[0])


async def test_a_product_that_never_mentions_tax_carries_the_defaults(client, shop):
    product = await create_product(client, shop, product_name="Plain Soap")
    assert tax_fields(product) == DEFAULTS
    for view in await every_view(client, shop, product["product_id"], "plain soap"):
        assert tax_fields(view) == DEFAULTS


async def test_the_tax_fields_are_stored_and_shown_everywhere(client, shop):
    response = await client.post(
        "/api/products/",
        json={
            "product_name": "Amul Butter 500g",
            "price_purchase": "240.00",
            "price_sale": "285.00",
            "hsn_code": " 0405 ",
            "gst_rate": 5,
            "cess_rate": "12.5",
            "price_includes_tax": False,
        },
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    expected = {
        "hsn_code": "0405",
        "gst_rate": Decimal(5),
        "cess_rate": Decimal("12.5"),
        "price_includes_tax": False,
    }
    assert tax_fields(exact(response)) == expected
    for view in await every_view(client, shop, exact(response)["product_id"], "amul butter"):
        assert tax_fields(view) == expected


async def test_the_rate_must_be_a_slab_in_force_today_and_the_422_lists_them(client, shop):
    today = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
    assert Decimal(12) not in slabs_on(today)  # 12% went on 22 September 2025
    response = await client.post(
        "/api/products/",
        json={"product_name": "Namkeen", "price_purchase": 10, "price_sale": 12, "gst_rate": 12},
        headers=shop.headers,
    )
    message = refused(response, "gst_rate")
    assert "12% is not a GST rate" in message
    assert "0, 0.1, 0.25, 1.5, 3, 5, 18, 40" in message
    listed = await client.get("/api/products/", headers=shop.headers)
    assert listed.json() == []


@pytest.mark.parametrize("rate", [18, 5, "0", "0.25", 40, "18.00"])
async def test_rates_in_force_are_accepted(client, shop, rate):
    response = await client.post(
        "/api/products/",
        json={"product_name": "Soap", "price_purchase": 10, "price_sale": 12, "gst_rate": rate},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    assert exact(response)["gst_rate"] == Decimal(rate)


async def test_an_update_checks_the_rate_too_and_changes_nothing_when_refused(client, shop):
    product = await create_product(client, shop, gst_rate=18, hsn_code="3401")
    path = f"/api/products/{product['product_id']}"
    refused(
        await client.put(path, json={"gst_rate": 28, "price_sale": 99}, headers=shop.headers),
        "gst_rate",
    )
    unchanged = exact(await client.get(path, headers=shop.headers))
    assert (unchanged["gst_rate"], unchanged["price_sale"]) == (18, Decimal("12.00"))

    changed = await client.put(path, json={"gst_rate": 5}, headers=shop.headers)
    assert changed.status_code == 200, changed.text
    assert tax_fields(exact(changed)) == DEFAULTS | {"hsn_code": "3401", "gst_rate": 5}


async def test_an_update_sets_and_clears_the_fields(client, shop):
    product = await create_product(client, shop)
    path = f"/api/products/{product['product_id']}"
    changed = await client.put(
        path,
        json={
            "hsn_code": "34011190",
            "gst_rate": "18",
            "cess_rate": 400,
            "price_includes_tax": False,
        },
        headers=shop.headers,
    )
    assert changed.status_code == 200, changed.text
    expected = {
        "hsn_code": "34011190",
        "gst_rate": 18,
        "cess_rate": 400,
        "price_includes_tax": False,
    }
    assert tax_fields(exact(changed)) == expected
    assert tax_fields(exact(await client.get(path, headers=shop.headers))) == expected

    cleared = await client.put(path, json={"hsn_code": None}, headers=shop.headers)
    assert cleared.status_code == 200, cleared.text
    assert tax_fields(exact(cleared)) == expected | {"hsn_code": None}


@pytest.mark.parametrize("field", ["gst_rate", "cess_rate", "price_includes_tax"])
async def test_only_the_hsn_code_may_be_null_on_an_update(client, shop, field):
    product = await create_product(client, shop)
    response = await client.put(
        f"/api/products/{product['product_id']}", json={field: None}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hsn_code": 2501}, "hsn_code"),  # a number would lose a leading zero
        ({"hsn_code": "250"}, "hsn_code"),
        ({"hsn_code": "123456789"}, "hsn_code"),
        ({"hsn_code": "25AB"}, "hsn_code"),
        ({"hsn_code": "٢٥٠١"}, "hsn_code"),  # Arabic-Indic digits are not HSN digits
        ({"hsn_code": ""}, "hsn_code"),
        ({"gst_rate": -5}, "gst_rate"),
        ({"gst_rate": 101}, "gst_rate"),
        ({"gst_rate": "18.005"}, "gst_rate"),
        ({"gst_rate": True}, "gst_rate"),
        ({"cess_rate": 401}, "cess_rate"),
        ({"cess_rate": -1}, "cess_rate"),
        ({"cess_rate": "12.345"}, "cess_rate"),
        ({"cess_rate": "1e2"}, "cess_rate"),
        ({"cess_rate": False}, "cess_rate"),
        ({"price_includes_tax": 0}, "price_includes_tax"),
        ({"price_includes_tax": "true"}, "price_includes_tax"),
    ],
)
async def test_bad_tax_fields_are_422s_naming_the_field(client, shop, fields, field):
    body = {"product_name": "Soap", "price_purchase": 10, "price_sale": 12} | fields
    refused(await client.post("/api/products/", json=body, headers=shop.headers), field)
    product = await create_product(client, shop)
    response = await client.put(
        f"/api/products/{product['product_id']}", json=fields, headers=shop.headers
    )
    refused(response, field)


async def test_staff_may_change_the_tax_fields_like_the_price(client, shop):
    staff = await add_staff(client, shop)
    product = await create_product(client, shop)
    response = await client.put(
        f"/api/products/{product['product_id']}",
        json={"gst_rate": 18, "hsn_code": "1905", "price_includes_tax": False},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text
    assert tax_fields(exact(response)) == DEFAULTS | {
        "gst_rate": 18,
        "hsn_code": "1905",
        "price_includes_tax": False,
    }
    assert exact(response)["price_purchase"] is None  # staff still see no cost
