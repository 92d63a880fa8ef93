"""Expenses (issue 17 item 1): record, list, read and void them; categories; and the profit
and loss report's `expenses` and `net_profit`, checked against sums of what was posted."""

import asyncio
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from tests.bills import exact, sale, scalar
from tests.conftest import ShopSession, create_product
from tests.operations import add_login

D = Decimal
URL = "/api/expenses/"


async def spend(client, shop: ShopSession, **fields: Any) -> dict[str, Any]:
    body = {"category": "rent", "amount": "100.00"} | fields
    response = await client.post(URL, json=body, headers=shop.headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = exact(response)
    return made


async def rows(app, shop: ShopSession) -> int:
    count: int = await scalar(
        app, "SELECT count(*) FROM expenses WHERE shop_id = :s", s=shop.shop_id
    )
    return count


async def test_an_expense_is_recorded_read_back_and_listed_newest_first(client, shop):
    rent = await spend(
        client,
        shop,
        category="Rent",
        amount="8000.50",
        payment_mode="bank",
        note="  December   rent ",
        expense_date="2026-11-01",
    )
    assert rent["category"] == "rent"  # the default's own spelling
    assert (rent["amount"], rent["payment_mode"], rent["note"]) == (
        D("8000.50"),
        "bank",
        "December rent",
    )
    assert (rent["status"], rent["void_reason"], rent["reversal_id"]) == ("recorded", None, None)
    assert rent["created_by"] == shop.user_id and rent["expense_date"] == "2026-11-01"
    tea = await spend(client, shop, category="tea and snacks", amount="40")
    assert tea["payment_mode"] == "cash"  # the default
    assert dt.date.fromisoformat(tea["expense_date"]) >= dt.datetime.now(
        dt.UTC
    ).date() - dt.timedelta(days=1)

    got = await client.get(f"{URL}{rent['expense_id']}", headers=shop.headers)
    assert got.status_code == 200 and exact(got) == rent

    listed = await client.get(URL, headers=shop.headers)
    assert listed.status_code == 200 and listed.headers["x-total-count"] == "2"
    assert [e["expense_id"] for e in exact(listed)] == [tea["expense_id"], rent["expense_id"]]


async def test_the_list_filters_by_dates_category_and_payment_mode(client, shop):
    a = await spend(client, shop, expense_date="2026-10-05", category="wages", payment_mode="upi")
    b = await spend(client, shop, expense_date="2026-10-20", category="rent", payment_mode="cash")
    c = await spend(client, shop, expense_date="2026-11-02", category="wages", payment_mode="cash")

    async def ids(**params: str) -> list[int]:
        response = await client.get(URL, params=params, headers=shop.headers)
        assert response.status_code == 200, response.text
        return [e["expense_id"] for e in exact(response)]

    assert await ids() == [c["expense_id"], b["expense_id"], a["expense_id"]]
    assert await ids(**{"from": "2026-10-01", "to": "2026-10-31"}) == [
        b["expense_id"],
        a["expense_id"],
    ]
    assert await ids(category="WAGES") == [c["expense_id"], a["expense_id"]]
    assert await ids(payment_mode="cash") == [c["expense_id"], b["expense_id"]]
    assert await ids(category="wages", payment_mode="upi", to="2026-10-31") == [a["expense_id"]]
    assert await ids(category="no such thing") == []
    assert await ids(limit="1", offset="1") == [b["expense_id"]]
    bad = await client.get(URL, params={"payment_mode": "credit"}, headers=shop.headers)
    assert bad.status_code == 422
    backwards = await client.get(
        URL, params={"from": "2026-11-02", "to": "2026-10-01"}, headers=shop.headers
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["loc"] == [
        "query",
        "from",
    ]


FUTURE = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": 12.345}, "amount"),
        ({"amount": "1000000000000.00"}, "amount"),
        ({"expense_date": FUTURE}, "expense_date"),
        ({"expense_date": "1999-12-31"}, "expense_date"),
        ({"expense_date": "2026-02-30"}, "expense_date"),
        ({"category": "yacht"}, "category"),
        ({"category": "   "}, "category"),
        ({"category": "x" * 41}, "category"),
        ({"payment_mode": "credit"}, "payment_mode"),
        ({"payment_mode": "cheque"}, "payment_mode"),
        ({"note": "n" * 501}, "note"),
    ],
)
async def test_a_bad_expense_is_a_422_naming_the_field_and_writes_nothing(
    client, app, shop, change, field
):
    body = {"category": "rent", "amount": "100.00"} | change
    response = await client.post(URL, json=body, headers=shop.headers)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert any(e["loc"][:2] == ["body", field] for e in error["errors"]), error
    assert await rows(app, shop) == 0


async def test_a_missing_amount_or_category_is_a_422(client, app, shop):
    for body, field in (({"category": "rent"}, "amount"), ({"amount": "5"}, "category")):
        response = await client.post(URL, json=body, headers=shop.headers)
        assert response.status_code == 422
        assert any(e["loc"][:2] == ["body", field] for e in response.json()["errors"])
    assert await rows(app, shop) == 0


async def test_a_void_adds_a_reversing_row_once_and_is_the_owners(client, app, shop):
    wages = await spend(client, shop, category="wages", amount="750.25", payment_mode="upi")
    staff, _ = await add_login(client, shop)
    url = f"{URL}{wages['expense_id']}/void"

    refused = await client.post(url, json={"reason": "typo"}, headers=staff.headers)
    assert refused.status_code == 403
    assert await rows(app, shop) == 1

    voided = await client.post(url, json={"reason": "paid twice by mistake"}, headers=shop.headers)
    assert voided.status_code == 200, voided.text
    body = exact(voided)
    assert body["status"] == "void" and body["void_reason"] == "paid twice by mistake"
    assert body["amount"] == D("750.25") and body["voided_by"] == shop.user_id
    reversal = await scalar(
        app,
        "SELECT row(amount, reverses_id, expense_date::text, category, payment_mode)::text "
        "FROM expenses WHERE shop_id = :s AND id = :id",
        s=shop.shop_id,
        id=body["reversal_id"],
    )
    assert reversal == f"(-750.25,{wages['expense_id']},{wages['expense_date']},wages,upi)"
    original = await scalar(
        app,
        "SELECT amount FROM expenses WHERE shop_id = :s AND id = :id",
        s=shop.shop_id,
        id=wages["expense_id"],
    )
    assert original == D("750.25")  # never updated

    again = await client.post(url, json={"reason": "again"}, headers=shop.headers)
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert await rows(app, shop) == 2

    # The reversing row is not an expense of its own: not listed, not readable, not voidable.
    listed = exact(await client.get(URL, headers=staff.headers))
    assert [(e["expense_id"], e["status"]) for e in listed] == [(wages["expense_id"], "void")]
    assert (
        await client.get(f"{URL}{body['reversal_id']}", headers=shop.headers)
    ).status_code == 404
    reversal_void = await client.post(
        f"{URL}{body['reversal_id']}/void", json={"reason": "x"}, headers=shop.headers
    )
    assert reversal_void.status_code == 404

    audit = exact(
        await client.get("/api/audit/", params={"action": "expense_voided"}, headers=shop.headers)
    )
    assert [(a["entity"], a["entity_id"], a["after"]["void_reason"]) for a in audit] == [
        ("expense", wages["expense_id"], "paid twice by mistake")
    ]


async def test_a_void_needs_a_reason(client, app, shop):
    made = await spend(client, shop)
    for body in ({}, {"reason": "  "}):
        response = await client.post(
            f"{URL}{made['expense_id']}/void", json=body, headers=shop.headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"][:2] == ["body", "reason"]
    assert await rows(app, shop) == 1


async def test_a_retry_with_the_same_key_replays_the_expense(client, app, shop):
    headers = shop.headers | {"Idempotency-Key": "rent-december-1"}
    body = {"category": "rent", "amount": "8000", "payment_mode": "bank"}
    first = await client.post(URL, json=body, headers=headers)
    again = await client.post(URL, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content
    assert await rows(app, shop) == 1
    other = await client.post(URL, json=body | {"amount": "8001"}, headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert await rows(app, shop) == 1


async def test_another_shops_expense_is_a_404(client, app, shop, other_shop):
    made = await spend(client, shop)
    for method, path, body in (
        ("GET", f"{URL}{made['expense_id']}", None),
        ("POST", f"{URL}{made['expense_id']}/void", {"reason": "not mine"}),
    ):
        response = await client.request(method, path, json=body, headers=other_shop.headers)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert exact(await client.get(URL, headers=other_shop.headers)) == []
    assert (
        exact(await client.get(f"{URL}{made['expense_id']}", headers=shop.headers))["status"]
        == "recorded"
    )


async def test_categories_are_the_defaults_and_the_shops_own(client, shop, other_shop):
    listed = exact(await client.get(f"{URL}categories", headers=shop.headers))
    defaults = [c["name"] for c in listed]
    assert {"rent", "electricity", "wages", "transport", "other"} <= set(defaults)
    assert all(c["default"] for c in listed)

    added = await client.post(
        f"{URL}categories", json={"name": " Diesel  Generator "}, headers=shop.headers
    )
    assert added.status_code == 201, added.text
    assert added.json() == {"name": "Diesel Generator", "default": False}
    for name in ("diesel generator", "RENT"):
        twice = await client.post(f"{URL}categories", json={"name": name}, headers=shop.headers)
        assert twice.status_code == 409, twice.text
    staff, _ = await add_login(client, shop)
    refused = await client.post(
        f"{URL}categories", json={"name": "Cleaning"}, headers=staff.headers
    )
    assert refused.status_code == 403
    blank = await client.post(f"{URL}categories", json={"name": " "}, headers=shop.headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["loc"][:2] == ["body", "name"]

    mine = exact(await client.get(f"{URL}categories", headers=staff.headers))
    assert mine[-1] == {"name": "Diesel Generator", "default": False}
    assert [c["name"] for c in mine[:-1]] == defaults

    # Staff may record an expense in the shop's category (any spelling); another shop may not.
    spent = await client.post(
        URL, json={"category": "DIESEL generator", "amount": "2500"}, headers=staff.headers
    )
    assert spent.status_code == 201 and spent.json()["category"] == "Diesel Generator"
    elsewhere = await client.post(
        URL, json={"category": "Diesel Generator", "amount": "2500"}, headers=other_shop.headers
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["loc"] == ["body", "category"]
    assert len(exact(await client.get(f"{URL}categories", headers=other_shop.headers))) == len(
        defaults
    )


async def report(client, shop: ShopSession, **params: str) -> dict[str, Any]:
    response = await client.get("/api/reports/profit-loss", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def test_net_profit_is_profit_less_expenses_by_day_and_by_month(client, shop):
    product = await create_product(
        client, shop, price_purchase="10.00", price_sale="12.00", quantity=100
    )
    for day, quantity in (("2026-10-30", 3), ("2026-11-24", 5), ("2026-11-25", 2)):
        sold = await sale(
            client,
            shop,
            [{"product_id": product["product_id"], "quantity": quantity}],
            transaction_date=day,
        )
        assert sold.status_code == 201, sold.text

    posted = [
        ("2026-10-30", "500.00"),
        ("2026-10-31", "120.50"),  # a day with expenses and no sales
        ("2026-11-24", "75.25"),
        ("2026-11-24", "1000.00"),  # voided below
        ("2026-11-25", "0.01"),
        ("2026-11-03", "33.33"),  # voided below: its day then has nothing to show
    ]
    made = [await spend(client, shop, expense_date=day, amount=amount) for day, amount in posted]
    # A backdated expense recorded after the others.
    made.append(await spend(client, shop, expense_date="2026-09-15", amount="250.00"))
    posted.append(("2026-09-15", "250.00"))
    for index in (3, 5):
        voided = await client.post(
            f"{URL}{made[index]['expense_id']}/void", json={"reason": "wrong"}, headers=shop.headers
        )
        assert voided.status_code == 200, voided.text
    live = [p for i, p in enumerate(posted) if i not in (3, 5)]

    by_day: dict[str, Decimal] = defaultdict(Decimal)
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for day, amount in live:
        by_day[day] += D(amount)
        by_month[day[:7]] += D(amount)
    profit_by_day = {"2026-10-30": D("6.00"), "2026-11-24": D("10.00"), "2026-11-25": D("4.00")}

    daily = await report(client, shop, group="day")
    assert [p["period"] for p in daily["periods"]] == sorted(set(by_day) | set(profit_by_day))
    for period in daily["periods"]:
        day = period["period"]
        assert period["profit"] == profit_by_day.get(day, 0)
        assert period["expenses"] == by_day.get(day, 0)
        assert period["net_profit"] == period["profit"] - period["expenses"]
        assert (
            str(period["expenses"]).count(".") == 1
            and len(str(period["expenses"]).split(".")[1]) == 2
        )
    assert daily["periods"][0] == {
        "period": "2026-09-15",
        "sales": D("0.00"),
        "cost": D("0.00"),
        "profit": D("0.00"),
        "bills": 0,
        "discount": D("0.00"),
        "tax": D("0.00"),
        "expenses": D("250.00"),
        "net_profit": D("-250.00"),
    }
    total_expenses = sum(by_day.values(), D("0"))
    assert total_expenses == D("945.76")
    assert daily["totals"]["expenses"] == total_expenses
    assert daily["totals"]["net_profit"] == D("20.00") - total_expenses
    assert daily["totals"]["profit"] == D("20.00") and daily["totals"]["bills"] == 3

    monthly = await report(client, shop, group="month")
    assert [(p["period"], p["expenses"], p["net_profit"]) for p in monthly["periods"]] == [
        ("2026-09", by_month["2026-09"], -by_month["2026-09"]),
        ("2026-10", by_month["2026-10"], D("6.00") - by_month["2026-10"]),
        ("2026-11", by_month["2026-11"], D("14.00") - by_month["2026-11"]),
    ]
    assert monthly["totals"] == daily["totals"]

    november = await report(client, shop, group="day", **{"from": "2026-11-01", "to": "2026-11-30"})
    assert [(p["period"], p["expenses"]) for p in november["periods"]] == [
        ("2026-11-24", D("75.25")),
        ("2026-11-25", D("0.01")),
    ]
    assert november["totals"]["expenses"] == D("75.26")
    assert november["totals"]["net_profit"] == D("14.00") - D("75.26")


async def test_a_report_without_expenses_shows_zero_expenses(client, shop):
    empty = await report(client, shop)
    assert (empty["totals"]["expenses"], empty["totals"]["net_profit"]) == (0, 0)
    assert (
        '"expenses":0.00,"net_profit":0.00'
        in (await client.get("/api/reports/profit-loss", headers=shop.headers)).text
    )


async def test_two_voids_at_once_void_it_once(client, app, shop):
    made = await spend(client, shop, amount="60.00")
    url = f"{URL}{made['expense_id']}/void"
    first, second = await asyncio.gather(
        client.post(url, json={"reason": "one"}, headers=shop.headers),
        client.post(url, json={"reason": "two"}, headers=shop.headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409], (first.text, second.text)
    assert await rows(app, shop) == 2
    total = await scalar(app, "SELECT sum(amount) FROM expenses WHERE shop_id = :s", s=shop.shop_id)
    assert total == 0
