"""Profit and loss: per sale, by date, and per day or month, net of voids and returns."""

from decimal import Decimal
from typing import Any

import pytest

from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product

# The bills' dates are fixed, and none is after today (2026-11-25): a future bill is refused.
OCT_30 = "2026-10-30"
NOV_24 = "2026-11-24"
NOV_25 = "2026-11-25"


async def basmati_at_cost_11(client, shop: ShopSession) -> int:
    """3 x 10.10 then 2 x 12.35: five in stock at a moving-average cost of 11.00."""
    first = await purchase(
        client, shop, [{"product_name": "Basmati 1kg", "quantity": 3, "price_purchase": "10.10"}]
    )
    assert first.status_code == 201, first.text
    second = await purchase(
        client, shop, [{"product_name": "Basmati 1kg", "quantity": 2, "price_purchase": "12.35"}]
    )
    assert second.status_code == 201, second.text
    products = exact(await client.get("/api/products/", headers=shop.headers))
    assert [(p["price_purchase"], p["quantity"]) for p in products] == [(Decimal("11.00"), 5)]
    product_id: int = products[0]["product_id"]
    return product_id


async def sell(
    client, shop: ShopSession, product_id: int, quantity: Any, rate: Any, day: str
) -> int:
    response = await sale(
        client,
        shop,
        [{"product_id": product_id, "quantity": quantity, "rate": rate}],
        transaction_date=day,
    )
    assert response.status_code == 201, response.text
    sale_id: int = response.json()["sale_id"]
    return sale_id


async def records(client, shop: ShopSession, path: str = "/api/profit-loss/") -> list[Any]:
    response = await client.get(path, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: list[Any] = exact(response)
    return result


async def report(client, shop: ShopSession, **params: str) -> dict[str, Any]:
    response = await client.get("/api/reports/profit-loss", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def test_a_sale_above_cost_is_a_profit_in_every_view(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    sale_id = await sell(client, shop, product_id, 2, 15, NOV_24)

    record = {"id": sale_id, "sales_id": sale_id, "is_profit": True, "amount": Decimal("8.00")}
    assert await records(client, shop) == [record]
    assert await records(client, shop, f"/api/profit-loss/{sale_id}") == [record]
    assert await records(client, shop, f"/api/profit-loss/by-date/{NOV_24}") == [record]

    monthly = await report(client, shop, group="month")
    assert monthly == {
        "group": "month",
        "from": None,
        "to": None,
        "periods": [
            {
                "period": "2026-11",
                "sales": Decimal("30.00"),
                "cost": Decimal("22.00"),
                "profit": Decimal("8.00"),
                "bills": 1,
                "discount": Decimal("0.00"),
                "tax": Decimal("0.00"),
                "expenses": Decimal("0.00"),
                "net_profit": Decimal("8.00"),
            }
        ],
        "totals": {
            "sales": Decimal("30.00"),
            "cost": Decimal("22.00"),
            "profit": Decimal("8.00"),
            "bills": 1,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "expenses": Decimal("0.00"),
            "net_profit": Decimal("8.00"),
        },
    }


async def test_money_goes_out_as_json_numbers_with_paise(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    await sell(client, shop, product_id, 2, 15, NOV_24)
    listed = await client.get("/api/profit-loss/", headers=shop.headers)
    assert '"amount":8.00' in listed.text
    monthly = await client.get("/api/reports/profit-loss?group=month", headers=shop.headers)
    assert '"sales":30.00' in monthly.text
    assert '"from":null' in monthly.text


async def test_a_sale_below_cost_is_a_loss_with_a_positive_amount(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    sale_id = await sell(client, shop, product_id, 2, "9.50", NOV_24)

    assert await records(client, shop, f"/api/profit-loss/{sale_id}") == [
        {"id": sale_id, "sales_id": sale_id, "is_profit": False, "amount": Decimal("3.00")}
    ]
    totals = (await report(client, shop))["totals"]
    assert totals == {
        "sales": Decimal("19.00"),
        "cost": Decimal("22.00"),
        "profit": Decimal("-3.00"),
        "bills": 1,
        "discount": Decimal("0.00"),
        "tax": Decimal("0.00"),
        "expenses": Decimal("0.00"),
        "net_profit": Decimal("-3.00"),
    }


async def test_selling_at_cost_breaks_even_as_a_zero_profit(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    sale_id = await sell(client, shop, product_id, 1, 11, NOV_24)
    assert await records(client, shop, f"/api/profit-loss/{sale_id}") == [
        {"id": sale_id, "sales_id": sale_id, "is_profit": True, "amount": Decimal("0.00")}
    ]


async def test_a_voided_sale_drops_out_of_profit_and_loss_and_the_report(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    kept = await sell(client, shop, product_id, 1, 15, NOV_24)
    voided = await sell(client, shop, product_id, 2, 15, NOV_24)
    void = await client.post(
        f"/api/sales/{voided}/void", json={"reason": "Entered twice"}, headers=shop.headers
    )
    assert void.status_code == 200, void.text

    assert [r["sales_id"] for r in await records(client, shop)] == [kept]
    assert [
        r["sales_id"] for r in await records(client, shop, f"/api/profit-loss/by-date/{NOV_24}")
    ] == [kept]
    gone = await client.get(f"/api/profit-loss/{voided}", headers=shop.headers)
    assert gone.status_code == 404
    assert gone.json()["code"] == "not_found"
    assert (await report(client, shop))["periods"] == [
        {
            "period": NOV_24,
            "sales": Decimal("15.00"),
            "cost": Decimal("11.00"),
            "profit": Decimal("4.00"),
            "bills": 1,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "expenses": Decimal("0.00"),
            "net_profit": Decimal("4.00"),
        }
    ]


async def test_a_partial_return_takes_back_its_margin_per_unit(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    sale_id = await sell(client, shop, product_id, 2, 15, NOV_24)
    returned = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product_id, "quantity": 1}]},
        headers=shop.headers,
    )
    assert returned.status_code == 201, returned.text

    # 8.00 of profit, less (15.00 - 11.00) for the one packet that came back
    assert await records(client, shop, f"/api/profit-loss/{sale_id}") == [
        {"id": sale_id, "sales_id": sale_id, "is_profit": True, "amount": Decimal("4.00")}
    ]
    assert (await records(client, shop))[0]["amount"] == Decimal("4.00")
    monthly = await report(client, shop, group="month")
    # The return is counted in the sale's month (November), whenever it came back.
    assert monthly["periods"] == [
        {
            "period": "2026-11",
            "sales": Decimal("15.00"),
            "cost": Decimal("11.00"),
            "profit": Decimal("4.00"),
            "bills": 1,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "expenses": Decimal("0.00"),
            "net_profit": Decimal("4.00"),
        }
    ]


async def test_two_returns_of_one_sale_count_the_bill_once(client, shop):
    product_id = await basmati_at_cost_11(client, shop)
    sale_id = await sell(client, shop, product_id, 3, 15, NOV_24)
    for _ in range(2):
        returned = await client.post(
            f"/api/sales/{sale_id}/returns",
            json={"products": [{"product_id": product_id, "quantity": 1}]},
            headers=shop.headers,
        )
        assert returned.status_code == 201, returned.text
    assert (await records(client, shop))[0]["amount"] == Decimal("4.00")
    assert (await report(client, shop))["totals"] == {
        "sales": Decimal("15.00"),
        "cost": Decimal("11.00"),
        "profit": Decimal("4.00"),
        "bills": 1,
        "discount": Decimal("0.00"),
        "tax": Decimal("0.00"),
        "expenses": Decimal("0.00"),
        "net_profit": Decimal("4.00"),
    }


async def test_by_date_lists_only_that_days_sales_newest_first(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", quantity=20)
    pid = product["product_id"]
    earlier = await sell(client, shop, pid, 1, 12, NOV_24)
    first_today = await sell(client, shop, pid, 1, 13, NOV_25)
    second_today = await sell(client, shop, pid, 1, 9, NOV_25)

    today = await client.get(f"/api/profit-loss/by-date/{NOV_25}", headers=shop.headers)
    assert today.headers["x-total-count"] == "2"
    assert [(r["sales_id"], r["is_profit"], r["amount"]) for r in exact(today)] == [
        (second_today, False, Decimal("1.00")),
        (first_today, True, Decimal("3.00")),
    ]
    assert [
        r["sales_id"] for r in await records(client, shop, f"/api/profit-loss/by-date/{NOV_24}")
    ] == [earlier]
    assert await records(client, shop, "/api/profit-loss/by-date/2026-11-01") == []


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "2026-02-30", "25-11-2026", "2026-11-25T00:00:00", "today"]
)
async def test_a_bad_date_is_a_422(client, shop, bad):
    response = await client.get(f"/api/profit-loss/by-date/{bad}", headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


async def test_the_list_is_paginated_newest_first(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", quantity=20)
    pid = product["product_id"]
    oldest = await sell(client, shop, pid, 1, 11, OCT_30)
    middle = await sell(client, shop, pid, 1, 12, NOV_24)
    newest = await sell(client, shop, pid, 1, 13, NOV_25)

    first = await client.get("/api/profit-loss/?limit=2", headers=shop.headers)
    assert [r["sales_id"] for r in first.json()] == [newest, middle]
    assert first.headers["x-total-count"] == "3"
    assert 'rel="next"' in first.headers["link"]
    assert "offset=2" in first.headers["link"]
    second = await client.get("/api/profit-loss?limit=2&offset=2", headers=shop.headers)
    assert [r["sales_id"] for r in second.json()] == [oldest]
    assert "link" not in second.headers
    past_the_end = await client.get("/api/profit-loss/?offset=10", headers=shop.headers)
    assert past_the_end.json() == []
    assert past_the_end.headers["x-total-count"] == "3"


async def test_another_shops_sale_is_not_found(client, shop, other_shop):
    product = await create_product(client, other_shop, price_purchase="10.00")
    theirs = await sell(client, other_shop, product["product_id"], 1, 12, NOV_24)

    response = await client.get(f"/api/profit-loss/{theirs}", headers=shop.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert await records(client, shop) == []
    assert await records(client, shop, f"/api/profit-loss/by-date/{NOV_24}") == []
    assert (await report(client, shop))["totals"]["bills"] == 0
    unknown = await client.get("/api/profit-loss/987654321", headers=shop.headers)
    assert unknown.status_code == 404


async def test_the_report_groups_by_day_or_by_month(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", quantity=20)
    pid = product["product_id"]
    await sell(client, shop, pid, 1, 11, OCT_30)
    await sell(client, shop, pid, 2, 12, NOV_24)
    await sell(client, shop, pid, 1, 13, NOV_25)
    await sell(client, shop, pid, 1, 14, NOV_25)

    def figures(body: dict[str, Any]) -> list[tuple[str, str, str, str, int]]:
        return [
            (p["period"], str(p["sales"]), str(p["cost"]), str(p["profit"]), p["bills"])
            for p in body["periods"]
        ]

    daily = await report(client, shop)
    assert daily["group"] == "day"
    assert figures(daily) == [
        (OCT_30, "11.00", "10.00", "1.00", 1),
        (NOV_24, "24.00", "20.00", "4.00", 1),
        (NOV_25, "27.00", "20.00", "7.00", 2),
    ]
    monthly = await report(client, shop, group="month")
    assert figures(monthly) == [
        ("2026-10", "11.00", "10.00", "1.00", 1),
        ("2026-11", "51.00", "40.00", "11.00", 3),
    ]
    assert (
        daily["totals"]
        == monthly["totals"]
        == {
            "sales": Decimal("62.00"),
            "cost": Decimal("50.00"),
            "profit": Decimal("12.00"),
            "bills": 4,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "expenses": Decimal("0.00"),
            "net_profit": Decimal("12.00"),
        }
    )


async def test_the_report_keeps_to_its_date_range(client, shop):
    product = await create_product(client, shop, price_purchase="10.00", quantity=20)
    pid = product["product_id"]
    await sell(client, shop, pid, 1, 11, OCT_30)
    await sell(client, shop, pid, 2, 12, NOV_24)
    await sell(client, shop, pid, 1, 13, NOV_25)

    ranged = await report(client, shop, **{"from": "2026-11-01", "to": NOV_24})
    assert (ranged["from"], ranged["to"]) == ("2026-11-01", NOV_24)
    assert [p["period"] for p in ranged["periods"]] == [NOV_24]
    assert ranged["totals"]["bills"] == 1
    since = await report(client, shop, **{"from": NOV_24})
    assert [p["period"] for p in since["periods"]] == [NOV_24, NOV_25]
    until = await report(client, shop, to="2026-10-31", group="month")
    assert [p["period"] for p in until["periods"]] == ["2026-10"]


async def test_an_empty_range_reports_zero_totals(client, shop):
    empty = await client.get(
        "/api/reports/profit-loss?from=2026-01-01&to=2026-01-31", headers=shop.headers
    )
    assert empty.status_code == 200
    assert exact(empty)["periods"] == []
    assert (
        '"totals":{"sales":0.00,"cost":0.00,"profit":0.00,"bills":0,"discount":0.00,'
        '"tax":0.00,"expenses":0.00,"net_profit":0.00}' in empty.text
    )


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-11-25&to=2026-11-01",
        "group=week",
        "from=2026-11-31",
        "to=yesterday",
    ],
)
async def test_bad_report_parameters_are_a_422(client, shop, query):
    response = await client.get(f"/api/reports/profit-loss?{query}", headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


async def test_paise_add_up_exactly(client, shop):
    a = await create_product(client, shop, product_name="Toffee", price_purchase="0.05")
    b = await create_product(client, shop, product_name="Candy", price_purchase="0.10")
    ta = await sell(client, shop, a["product_id"], 1, "0.10", NOV_24)
    tb = await sell(client, shop, b["product_id"], 1, "0.20", NOV_24)

    assert await records(client, shop, f"/api/profit-loss/by-date/{NOV_24}") == [
        {"id": tb, "sales_id": tb, "is_profit": True, "amount": Decimal("0.10")},
        {"id": ta, "sales_id": ta, "is_profit": True, "amount": Decimal("0.05")},
    ]
    day = await client.get("/api/reports/profit-loss", headers=shop.headers)
    assert '"sales":0.30' in day.text
    assert exact(day)["totals"] == {
        "sales": Decimal("0.30"),
        "cost": Decimal("0.15"),
        "profit": Decimal("0.15"),
        "bills": 2,
        "discount": Decimal("0.00"),
        "tax": Decimal("0.00"),
        "expenses": Decimal("0.00"),
        "net_profit": Decimal("0.15"),
    }


async def test_profit_and_loss_needs_a_token(client):
    for path in [
        "/api/profit-loss/",
        "/api/profit-loss/1",
        f"/api/profit-loss/by-date/{NOV_24}",
        "/api/reports/profit-loss",
    ]:
        response = await client.get(path)
        assert response.status_code == 401, path
