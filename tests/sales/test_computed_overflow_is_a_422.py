"""Computed overflow (issue 12, item 4): each input valid, their product not, is a 422.

Money columns are NUMERIC(14,2) (at most 999999999999.99) and quantities NUMERIC(14,3) (at most
99999999999.999). A bill whose line total, bill total, cost, total quantity or resulting
stock level would not fit is refused before anything is written, with a 422 that names the
line and the limit; what only the database can see (a day's sales summary) is a 422 too,
never a 500. Nothing of a refused request is left behind.
"""

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.bills import (
    bill_total_mismatches,
    counts,
    exact,
    ledger_mismatches,
    purchase,
    sale,
)
from tests.conftest import ShopSession, create_product

MAX_MONEY = Decimal("999999999999.99")
MAX_QUANTITY = Decimal("99999999999.999")
PHONE = "9811100001"


async def all_counts(app, shop_id: int) -> dict[str, Any]:
    """`counts` plus the tables returns and payments write, and the stock levels."""
    found: dict[str, Any] = await counts(app, shop_id)
    async with app.state.sessionmaker() as session:
        for table in ("sale_returns", "udhaar_payments", "udhaar_settlements", "daily_sales"):
            found[table] = await session.scalar(
                text(f"SELECT count(*) FROM {table} WHERE shop_id = :s"), {"s": shop_id}
            )
        found["stock"] = await session.scalar(
            text("SELECT coalesce(sum(quantity), 0) FROM products WHERE shop_id = :s"),
            {"s": shop_id},
        )
    return found


def assert_validation_error(response: Any, loc: list[Any], message: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["loc"] == loc
    assert message in body["detail"], body["detail"]


async def test_a_sale_line_of_two_at_the_largest_rate_is_a_422_naming_the_line(client, shop, app):
    product = await create_product(client, shop, price_sale=str(MAX_MONEY), quantity=5)
    before = await all_counts(app, shop.shop_id)

    response = await sale(client, shop, [{"product_id": product["product_id"], "quantity": 2}])

    assert_validation_error(
        response,
        ["body", "products", 0, "quantity"],
        "line total 1999999999999.98 exceeds the maximum 999999999999.99",
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_two_lines_whose_sum_passes_the_limit_are_a_422_on_the_bill(client, shop, app):
    product = await create_product(client, shop, quantity=5)
    line = {"product_id": product["product_id"], "quantity": 1, "rate": str(MAX_MONEY)}
    before = await all_counts(app, shop.shop_id)

    response = await sale(client, shop, [line, line])

    assert_validation_error(
        response,
        ["body", "products"],
        "bill total 1999999999999.98 exceeds the maximum 999999999999.99",
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_a_line_whose_cost_passes_the_limit_is_a_422(client, shop, app):
    # Sold at a rupee, but the moving-average cost of two of them does not fit.
    product = await create_product(client, shop, price_purchase=str(MAX_MONEY), quantity=5)
    before = await all_counts(app, shop.shop_id)

    response = await sale(
        client, shop, [{"product_id": product["product_id"], "quantity": 2, "rate": 1}]
    )

    assert_validation_error(
        response, ["body", "products", 0, "quantity"], "line cost 1999999999999.98 exceeds"
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_a_purchase_that_would_push_stock_past_the_column_is_a_422(client, shop, app):
    product = await create_product(client, shop, quantity=str(MAX_QUANTITY))
    before = await all_counts(app, shop.shop_id)

    response = await purchase(
        client,
        shop,
        [
            {"product_name": "Tata Salt", "quantity": 1, "price_purchase": 20},
            {"product_id": product["product_id"], "quantity": 1, "price_purchase": 10},
        ],
    )

    assert_validation_error(
        response,
        ["body", "products", 1, "quantity"],
        "after this purchase 100000000000.999 exceeds the maximum 99999999999.999",
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_a_purchase_total_past_the_limit_is_a_422(client, shop, app):
    lines = [
        {"product_name": name, "quantity": 1, "price_purchase": str(MAX_MONEY)}
        for name in ("Basmati 25kg", "Sugar 50kg")
    ]
    before = await all_counts(app, shop.shop_id)

    response = await purchase(client, shop, lines)

    assert_validation_error(
        response, ["body", "products"], "bill total 1999999999999.98 exceeds the maximum"
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_a_purchase_whose_total_quantity_passes_the_limit_is_a_422(client, shop, app):
    lines = [
        {"product_name": name, "quantity": str(MAX_QUANTITY), "price_purchase": 0}
        for name in ("Free sample A", "Free sample B")
    ]
    before = await all_counts(app, shop.shop_id)

    response = await purchase(client, shop, lines)

    assert_validation_error(
        response, ["body", "products"], "total quantity 199999999999.998 exceeds the maximum"
    )
    assert await all_counts(app, shop.shop_id) == before


async def _stock_full_after_a_sale(client, shop: ShopSession) -> tuple[int, int]:
    """A product sold once, then bought up to the largest stock the column holds."""
    product = await create_product(client, shop, quantity=5)
    product_id = product["product_id"]
    sold = await sale(client, shop, [{"product_id": product_id, "quantity": 1}])
    assert sold.status_code == 201, sold.text
    topped = await purchase(
        client,
        shop,
        [{"product_id": product_id, "quantity": str(MAX_QUANTITY - 4), "price_purchase": 0}],
    )
    assert topped.status_code == 201, topped.text
    return sold.json()["sale_id"], product_id


async def test_a_return_onto_a_full_shelf_is_a_422_naming_the_line(client, shop, app):
    sale_id, product_id = await _stock_full_after_a_sale(client, shop)
    before = await all_counts(app, shop.shop_id)

    response = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product_id, "quantity": 1}]},
        headers=shop.headers,
    )

    assert_validation_error(
        response,
        ["body", "products", 0, "quantity"],
        "after this return 100000000000.999 exceeds the maximum 99999999999.999",
    )
    assert await all_counts(app, shop.shop_id) == before


async def test_a_void_onto_a_full_shelf_is_a_422_from_the_database(client, shop, app):
    """The last line of defence: PostgreSQL's numeric_value_out_of_range (22003) is a 422."""
    sale_id, _ = await _stock_full_after_a_sale(client, shop)
    before = await all_counts(app, shop.shop_id)

    response = await client.post(
        f"/api/sales/{sale_id}/void", json={"reason": "wrong bill"}, headers=shop.headers
    )

    assert_validation_error(response, ["body"], "exceeds the maximum the books can hold")
    assert await all_counts(app, shop.shop_id) == before
    detail = exact(await client.get(f"/api/sales/{sale_id}", headers=shop.headers))
    assert detail["status"] == "completed"


async def test_a_days_sales_past_the_summary_column_are_a_422_not_a_500(client, shop, app):
    """Two bills of the largest total on one day overflow the day's summary row."""
    product = await create_product(client, shop, price_sale=str(MAX_MONEY), quantity=5)
    line = {"product_id": product["product_id"], "quantity": 1}
    assert (await sale(client, shop, [line])).status_code == 201
    before = await all_counts(app, shop.shop_id)

    response = await sale(client, shop, [line])

    assert_validation_error(response, ["body"], "exceeds the maximum the books can hold")
    assert await all_counts(app, shop.shop_id) == before


# The property: every money and quantity field at its maximum, near it, and ordinary, driven
# through sales, purchases, returns, payments and opening balances. Never a 5xx; a refused
# request writes nothing; the stock ledger and bill totals stay exact.

money = st.sampled_from(
    [MAX_MONEY, MAX_MONEY - Decimal("0.01"), Decimal("500000000000.00"), Decimal("0.01"), 1]
)
quantities = st.sampled_from(
    [MAX_QUANTITY, MAX_QUANTITY - Decimal("0.001"), Decimal("50000000000.000"), Decimal("0.001"), 2]
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("sale"), st.integers(0, 2), quantities, money, st.integers(1, 3)),
        st.tuples(st.just("purchase"), st.integers(0, 3), quantities, money, st.booleans()),
        st.tuples(st.just("return"), st.integers(0, 5), quantities),
        st.tuples(st.just("pay"), st.sampled_from(["customers", "vendors"]), money),
        st.tuples(st.just("opening"), st.sampled_from(["sales", "purchases"]), money),
    ),
    min_size=1,
    max_size=8,
)


async def _party_id(client, shop: ShopSession, side: str) -> int | None:
    key = "customer_phone_no" if side == "customers" else "vendor_phone_no"
    found = await client.get(f"/api/{side}/", params={key: PHONE}, headers=shop.headers)
    return (
        found.json()["cust_id" if side == "customers" else "vend_id"] if found.is_success else None
    )


async def _apply(client, shop: ShopSession, products: list[int], sales: list, op: tuple) -> Any:
    kind = op[0]
    if kind == "sale":
        _, index, quantity, rate, lines = op
        line = {"product_id": products[index], "quantity": str(quantity), "rate": str(rate)}
        response = await sale(
            client, shop, [line] * lines, bill_paid=False, amount_paid="0.00", phone_no=PHONE
        )
        if response.status_code == 201:
            sales.append((response.json()["sale_id"], products[index]))
        return response
    if kind == "purchase":
        _, index, quantity, price, credit = op
        named = (
            {"product_id": products[index]} if index < len(products) else {"product_name": "New"}
        )
        line = named | {"quantity": str(quantity), "price_purchase": str(price)}
        paid = {"bill_paid": False, "amount_paid": "0.00"} if credit else {}
        return await purchase(client, shop, [line], phone_no=PHONE, **paid)
    if kind == "return":
        if not sales:
            return None
        sale_id, product_id = sales[op[1] % len(sales)]
        return await client.post(
            f"/api/sales/{sale_id}/returns",
            json={"products": [{"product_id": product_id, "quantity": str(op[2])}]},
            headers=shop.headers,
        )
    if kind == "pay":
        party_id = await _party_id(client, shop, op[1])
        if party_id is None:
            return None
        return await client.post(
            f"/api/{op[1]}/{party_id}/payments", json={"amount": str(op[2])}, headers=shop.headers
        )
    return await client.post(
        f"/api/udhaar/{op[1]}/",
        json={"phone_no": PHONE, "amount": str(op[2])},
        headers=shop.headers,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
async def test_fields_at_their_maximum_never_cause_a_5xx_nor_a_half_written_bill(
    client, shop, app, ops
):
    products = [
        (await create_product(client, shop, quantity=str(stock), price_sale=str(rate)))[
            "product_id"
        ]
        for stock, rate in ((MAX_QUANTITY, MAX_MONEY), (Decimal(5), Decimal(1)), (2, MAX_MONEY))
    ]
    sales: list[tuple[int, int]] = []
    for op in ops:
        before = await all_counts(app, shop.shop_id)
        response = await _apply(client, shop, products, sales, op)
        if response is None:
            continue
        assert response.status_code < 500, (op, response.text)
        if not response.is_success:
            assert response.status_code in (409, 422), (op, response.text)
            assert await all_counts(app, shop.shop_id) == before, op
    assert await ledger_mismatches(app, shop.shop_id) == []
    assert await bill_total_mismatches(app, shop.shop_id) == []
