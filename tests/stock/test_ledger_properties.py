"""Property: any sequence of purchases, sales, voids and returns keeps the books consistent.

For every product `quantity == sum(movements)` and never below zero (negative stock is off);
for every bill `sum(line totals) == bill total`; for every udhaar entry, what was paid or
reversed never exceeds it and it is `settled` exactly when nothing is left; every payment is
fully allocated; and each customer's balance is the sum of their open amounts.
"""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.bills import bill_total_mismatches, ledger_mismatches, purchase, sale, scalar
from tests.conftest import create_product

PHONES = ("9811100001", "9811100002")

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20"), places=3)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("purchase"), st.integers(0, 2), quantities, prices),
        st.tuples(st.just("sale"), st.integers(0, 2), quantities, prices),
        st.tuples(st.just("void"), st.integers(0, 5)),
        st.tuples(st.just("return"), st.integers(0, 5), quantities),
        st.tuples(st.just("pay_entry"), st.integers(0, 5), prices),
        st.tuples(st.just("pay_party"), st.integers(0, 1), prices),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
async def test_random_bill_sequences_keep_the_ledgers_consistent(client, shop, app, ops):
    products = [(await create_product(client, shop, quantity=5))["product_id"] for _ in range(3)]
    sales: list[tuple[int, int]] = []
    for op in ops:
        kind = op[0]
        if kind == "purchase":
            _, index, quantity, price = op
            line = {
                "product_id": products[index],
                "quantity": str(quantity),
                "price_purchase": str(price),
            }
            assert (await purchase(client, shop, [line])).status_code == 201
        elif kind == "sale":
            _, index, quantity, rate = op
            line = {"product_id": products[index], "quantity": str(quantity), "rate": str(rate)}
            response = await sale(
                client,
                shop,
                [line],
                bill_paid=False,
                amount_paid="0.00",
                phone_no=PHONES[index % 2],
            )
            assert response.status_code in (201, 409), response.text
            if response.status_code == 201:
                sales.append((response.json()["sale_id"], products[index]))
        elif kind == "void" and sales:
            sale_id, _ = sales[op[1] % len(sales)]
            response = await client.post(
                f"/api/sales/{sale_id}/void", json={"reason": "test"}, headers=shop.headers
            )
            assert response.status_code in (200, 409), response.text
        elif kind == "return" and sales:
            sale_id, product_id = sales[op[1] % len(sales)]
            response = await client.post(
                f"/api/sales/{sale_id}/returns",
                json={"products": [{"product_id": product_id, "quantity": str(op[2])}]},
                headers=shop.headers,
            )
            assert response.status_code in (201, 409, 422), response.text
        elif kind == "pay_entry" and sales:
            sale_id, _ = sales[op[1] % len(sales)]
            entries = (
                await client.get(
                    "/api/udhaar/sales/", params={"status": "all"}, headers=shop.headers
                )
            ).json()
            for entry in (e for e in entries if e["sales_id"] == sale_id):
                response = await client.post(
                    f"/api/udhaar/sales/{entry['udhar_id']}/payments",
                    json={"amount": str(op[2])},
                    headers=shop.headers,
                )
                assert response.status_code in (201, 422), response.text
        elif kind == "pay_party":
            found = await client.get(
                "/api/customers/", params={"customer_phone_no": PHONES[op[1]]}, headers=shop.headers
            )
            if found.status_code == 200:
                response = await client.post(
                    f"/api/customers/{found.json()['cust_id']}/payments",
                    json={"amount": str(op[2])},
                    headers=shop.headers,
                )
                assert response.status_code in (201, 422), response.text

    assert await ledger_mismatches(app, shop.shop_id) == []
    assert await bill_total_mismatches(app, shop.shop_id) == []
    lowest = await scalar(
        app, "SELECT min(quantity) FROM products WHERE shop_id = :s", s=shop.shop_id
    )
    assert lowest >= 0
    open_balance = await scalar(
        app,
        "SELECT coalesce(sum(e.amount), 0) - coalesce((SELECT sum(s.amount) "
        "FROM udhaar_settlements s WHERE s.shop_id = :s), 0) "
        "FROM udhaar_entries e WHERE e.shop_id = :s",
        s=shop.shop_id,
    )
    assert open_balance >= 0
    assert await udhaar_mismatches(app, shop.shop_id) == []
    for phone in PHONES:
        found = await client.get(
            "/api/customers/", params={"customer_phone_no": phone}, headers=shop.headers
        )
        if found.status_code == 200:
            owed = await scalar(
                app,
                "SELECT coalesce(sum(e.amount - coalesce((SELECT sum(s.amount) FROM "
                "udhaar_settlements s WHERE s.shop_id = e.shop_id AND s.entry_id = e.id), 0)), 0)"
                " FROM udhaar_entries e WHERE e.shop_id = :s AND e.customer_id = :c",
                s=shop.shop_id,
                c=found.json()["cust_id"],
            )
            assert Decimal(str(found.json()["balance"])) == owed


async def udhaar_mismatches(app, shop_id: int) -> list[object]:
    """Entries over-settled or with a status that contradicts their balance, and payments
    whose allocations do not add up to them."""
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT 'entry', e.id FROM udhaar_entries e LEFT JOIN LATERAL ("
                "  SELECT coalesce(sum(s.amount), 0) AS done FROM udhaar_settlements s"
                "  WHERE s.shop_id = e.shop_id AND s.entry_id = e.id) x ON true "
                "WHERE e.shop_id = :s AND (x.done > e.amount"
                "  OR (e.status = 'settled') <> (x.done = e.amount)) "
                "UNION ALL "
                "SELECT 'payment', p.id FROM udhaar_payments p WHERE p.shop_id = :s AND p.amount"
                "  <> (SELECT coalesce(sum(s.amount), 0) FROM udhaar_settlements s"
                "      WHERE s.shop_id = p.shop_id AND s.payment_id = p.id)"
            ),
            {"s": shop_id},
        )
        return list(rows)
