"""One vocabulary of payment modes wherever money moves (issue 17 item 2): cash, UPI, card,
bank, and credit on bills. `bank` is taken by sales, purchases, udhaar payments, expenses and
refunds alike and lands in the day book's bank column; an unknown mode is a 422 naming the
field and writes nothing; udhaar payments still take the legacy `cheque` and `other`."""

import re
from decimal import Decimal
from typing import Any

import pytest

from app.core.payment_modes import BILL_MODES, MONEY_MODES, UDHAAR_PAYMENT_MODES
from tests.bills import exact, purchase, sale, scalar
from tests.conftest import ShopSession, create_product

D = Decimal


async def posted(client, shop: ShopSession, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=shop.headers)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = exact(response)
    return made


async def got(client, shop: ShopSession, path: str, **params: str) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = exact(response)
    return found


async def test_bank_is_taken_wherever_money_moves_and_counted_as_bank(client, app, shop):
    ghee = (await create_product(client, shop, product_name="Amul Ghee 1l", quantity=30))[
        "product_id"
    ]
    sold = await sale(
        client,
        shop,
        [{"product_id": ghee, "quantity": 4, "rate": "610.00"}],
        customer_name="Farhan Ali",
        bill_paid=False,
        amount_paid="1000.00",
        payment_mode="bank",
    )
    assert sold.status_code == 201, sold.text
    sale_id = sold.json()["sale_id"]
    detail = await got(client, shop, f"/api/sales/{sale_id}")
    assert detail["payment_mode"] == "bank"

    bought = await purchase(
        client,
        shop,
        [{"product_id": ghee, "quantity": 12, "price_purchase": "540.00"}],
        payment_mode="bank",
    )
    assert bought.status_code == 201, bought.text
    purchase_id = bought.json()["purchase_id"]
    assert (await got(client, shop, f"/api/purchases/{purchase_id}"))["payment_mode"] == "bank"

    customer = detail["customer"]["cust_id"]
    paid = await posted(
        client,
        shop,
        f"/api/customers/{customer}/payments",
        {"amount": "440.00", "payment_mode": "bank"},
    )
    assert paid["payment_mode"] == "bank"
    spent = await posted(
        client,
        shop,
        "/api/expenses/",
        {"category": "rent", "amount": "9000", "payment_mode": "bank"},
    )
    assert spent["payment_mode"] == "bank"
    # The ghee bill is paid in full by now (1,000 + 440 of 2,440: 1,000 left): a return of
    # 2 (1,220) takes the 1,000 of udhaar first and refunds the other 220 by bank.
    returned = await posted(
        client,
        shop,
        f"/api/sales/{sale_id}/returns",
        {"products": [{"product_id": ghee, "quantity": 2}], "refund_mode": "bank"},
    )
    assert (returned["refund_amount"], returned["refund_mode"]) == (D("220.00"), "bank")
    stored = await scalar(
        app,
        "SELECT refund_mode FROM sale_returns WHERE shop_id = :s AND id = :r",
        s=shop.shop_id,
        r=returned["return_id"],
    )
    assert stored == "bank"

    book = await got(client, shop, "/api/reports/day-book")
    assert book["totals_by_mode"]["bank"] == {
        "amount_in": D("1000.00") + D("440.00"),
        "amount_out": D("6480.00") + D("9000.00") + D("220.00"),
        "net": D("1440.00") - D("15700.00"),
    }
    assert [entry["mode"] for entry in book["entries"]] == ["bank"] * 5
    for mode in ("cash", "upi", "card"):
        assert book["totals_by_mode"][mode]["amount_in"] == 0
        assert book["totals_by_mode"][mode]["amount_out"] == 0


async def test_a_refund_is_in_cash_unless_told(client, app, shop):
    soap = (await create_product(client, shop, product_name="Lifebuoy", quantity=10))["product_id"]
    sold = await sale(client, shop, [{"product_id": soap, "quantity": 3, "rate": "38.00"}])
    assert sold.status_code == 201, sold.text
    returned = await posted(
        client,
        shop,
        f"/api/sales/{sold.json()['sale_id']}/returns",
        {"products": [{"product_id": soap, "quantity": 1}]},
    )
    assert (returned["refund_amount"], returned["refund_mode"]) == (D("38.00"), "cash")
    book = await got(client, shop, "/api/reports/day-book")
    assert book["totals_by_mode"]["cash"]["amount_out"] == D("38.00")


async def test_legacy_udhaar_modes_are_still_taken_and_counted(client, shop):
    rice = (await create_product(client, shop, product_name="Basmati 5kg", quantity=10))[
        "product_id"
    ]
    sold = await sale(
        client,
        shop,
        [{"product_id": rice, "quantity": 2, "rate": "700.00"}],
        customer_name="Joseph Thomas",
        bill_paid=False,
    )
    assert sold.status_code == 201, sold.text
    customer = (await got(client, shop, f"/api/sales/{sold.json()['sale_id']}"))["customer"][
        "cust_id"
    ]
    path = f"/api/customers/{customer}/payments"
    by_cheque = await posted(client, shop, path, {"amount": "600", "payment_mode": "cheque"})
    other = await posted(client, shop, path, {"amount": "150.50", "payment_mode": "other"})
    assert (by_cheque["payment_mode"], other["payment_mode"]) == ("cheque", "other")
    book = await got(client, shop, "/api/reports/day-book")
    assert [(e["kind"], e["mode"]) for e in book["entries"]] == [
        ("sale", "credit"),
        ("customer_payment", "bank"),
        ("customer_payment", "cash"),
    ]
    assert book["totals_by_mode"]["bank"]["amount_in"] == D("600.00")
    assert book["totals_by_mode"]["cash"]["amount_in"] == D("150.50")
    assert book["udhaar_received"] == D("750.50")


@pytest.mark.parametrize("mode", ["paytm", "CASH", "", "cheque"])
async def test_an_unknown_sale_or_purchase_mode_is_a_422_naming_it(client, app, shop, mode):
    salt = (await create_product(client, shop, product_name="Tata Salt", quantity=10))["product_id"]
    line = [{"product_id": salt, "quantity": 1, "rate": "28.00"}]
    for response in (
        await sale(client, shop, line, payment_mode=mode),
        await purchase(
            client,
            shop,
            [{"product_id": salt, "quantity": 1, "price_purchase": "20"}],
            payment_mode=mode,
        ),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"][:2] == ["body", "payment_mode"]
    for table in ("sales", "purchases"):
        assert (
            await scalar(app, f"SELECT count(*) FROM {table} WHERE shop_id = :s", s=shop.shop_id)
            == 0
        )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/expenses/",
            {"category": "rent", "amount": "5", "payment_mode": "credit"},
            "payment_mode",
        ),
        (
            "/api/expenses/",
            {"category": "rent", "amount": "5", "payment_mode": "neft"},
            "payment_mode",
        ),
        ("returns", {"refund_mode": "credit"}, "refund_mode"),
        ("returns", {"refund_mode": "cheque"}, "refund_mode"),
        ("payments", {"amount": "5", "payment_mode": "gpay"}, "payment_mode"),
        ("payments", {"amount": "5", "payment_mode": "credit"}, "payment_mode"),
    ],
)
async def test_an_unknown_money_mode_is_a_422_naming_it(client, app, shop, path, body, field):
    oil = (await create_product(client, shop, product_name="Fortune Oil 1l", quantity=10))[
        "product_id"
    ]
    sold = await sale(
        client,
        shop,
        [{"product_id": oil, "quantity": 1, "rate": "165.00"}],
        bill_paid=False,
    )
    assert sold.status_code == 201, sold.text
    sale_id = sold.json()["sale_id"]
    customer = (await got(client, shop, f"/api/sales/{sale_id}"))["customer"]["cust_id"]
    url = {
        "returns": f"/api/sales/{sale_id}/returns",
        "payments": f"/api/customers/{customer}/payments",
    }.get(path, path)
    if path == "returns":
        body = {"products": [{"product_id": oil, "quantity": 1}]} | body
    response = await client.post(url, json=body, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert any(e["loc"][:2] == ["body", field] for e in response.json()["errors"])
    book = await got(client, shop, "/api/reports/day-book")
    assert [entry["kind"] for entry in book["entries"]] == ["sale"]  # nothing else written


@pytest.mark.parametrize(
    ("name", "modes"),
    [
        ("ck_sales_payment_mode", BILL_MODES),
        ("ck_purchases_payment_mode", BILL_MODES),
        ("ck_expenses_payment_mode", MONEY_MODES),
        ("ck_sale_returns_refund_mode", MONEY_MODES),
        ("ck_udhaar_payments_payment_mode", UDHAAR_PAYMENT_MODES),
    ],
)
async def test_the_databases_checks_hold_the_one_vocabulary(app, name, modes):
    """The migrations spell the modes out; they must agree with `app.core.payment_modes`,
    which the schemas use, or the API would take a mode the database refuses (a 500)."""
    definition = await scalar(
        app, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :n", n=name
    )
    assert sorted(re.findall(r"'(\w+)'::", definition)) == sorted(modes)
