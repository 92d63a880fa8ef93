"""Udhaar opened by credit bills and taken back by voids and returns, seen in party balances.

The bills code calls these service functions inside its own transaction; here each test
plays that part with a shop-confined session, and reads the result back over HTTP.
"""

import asyncio
import datetime as dt
import uuid
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, text

from app.db.session import enter_shop
from app.models import Purchase, Sale
from app.udhaar import service as udhaar

TODAY = dt.date(2026, 11, 25)


def exact(response):
    return response.json(parse_float=Decimal)


@asynccontextmanager
async def shop_session(app, shop_id):
    """A transaction confined to one shop, as a request's is; committed at the end."""
    async with app.state.sessionmaker() as session, session.begin():
        await enter_shop(session, shop_id)
        yield session


async def new_customer(client, shop, phone="9812345678", name="Ramesh"):
    response = await client.post(
        "/api/customers/", json={"customer_name": name, "phone_no": phone}, headers=shop.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["cust_id"]


async def new_vendor(client, shop, phone="9988776655", name="Agarwal Traders"):
    response = await client.post(
        "/api/vendors/", json={"vendor_name": name, "phone_no": phone}, headers=shop.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["vend_id"]


async def _on_credit(app, shop, kind, bill, party_id, due_date):
    """Store `bill` and put its whole total on udhaar; returns (bill id, entry id)."""
    async with shop_session(app, shop.shop_id) as session:
        session.add(bill)
        await session.flush()
        entry_id = await udhaar.open_credit(
            session,
            shop.shop_id,
            kind,
            party_id=party_id,
            bill_id=bill.id,
            amount=bill.total_amount,
            entry_date=TODAY,
            due_date=due_date,
        )
        return bill.id, entry_id


async def credit_sale(app, shop, customer_id, amount):
    """A sale bill left wholly on credit, due in 15 days; returns (sale id, entry id)."""
    sale = Sale(
        shop_id=shop.shop_id,
        bill_no=f"T-{uuid.uuid4().hex[:8]}",
        customer_id=customer_id,
        sale_date=TODAY,
        total_amount=amount,
        total_cost=Decimal("0.00"),
        profit=amount,
        total_quantity=Decimal(1),
        amount_paid=Decimal("0.00"),
        payment_mode="credit",
    )
    return await _on_credit(app, shop, "sale", sale, customer_id, TODAY + dt.timedelta(days=15))


async def credit_purchase(app, shop, vendor_id, amount):
    """A purchase left wholly on credit, with no due date; returns (purchase id, entry id)."""
    purchase = Purchase(
        shop_id=shop.shop_id,
        vendor_id=vendor_id,
        purchase_date=TODAY,
        total_amount=amount,
        total_quantity=Decimal(1),
        amount_paid=Decimal("0.00"),
        payment_mode="credit",
    )
    return await _on_credit(app, shop, "purchase", purchase, vendor_id, None)


async def reverse(app, shop, **arguments):
    async with shop_session(app, shop.shop_id) as session:
        return await udhaar.reverse_bill_credit(session, shop.shop_id, on=TODAY, **arguments)


async def customer_balance(client, shop, customer_id):
    response = await client.get(f"/api/customers/{customer_id}", headers=shop.headers)
    assert response.status_code == 200, response.text
    return exact(response)["balance"]


async def vendor_balance(client, shop, vendor_id):
    response = await client.get(f"/api/vendors/{vendor_id}", headers=shop.headers)
    assert response.status_code == 200, response.text
    return exact(response)["balance"]


async def entry_state(app, entry_id):
    async with app.state.sessionmaker() as session:
        status = await session.scalar(
            text("SELECT status FROM udhaar_entries WHERE id = :e"), {"e": entry_id}
        )
        rows = await session.execute(
            text(
                "SELECT kind, amount, paid_on FROM udhaar_settlements "
                "WHERE entry_id = :e ORDER BY id"
            ),
            {"e": entry_id},
        )
        return status, [tuple(row) for row in rows]


async def test_a_credit_sale_is_owed_by_the_customer(client, shop, app):
    customer_id = await new_customer(client, shop)
    _, entry_id = await credit_sale(app, shop, customer_id, Decimal("100.00"))
    assert await customer_balance(client, shop, customer_id) == Decimal("100.00")
    assert await entry_state(app, entry_id) == ("open", [])


async def test_a_return_reduces_what_the_customer_owes(client, shop, app):
    customer_id = await new_customer(client, shop)
    sale_id, entry_id = await credit_sale(app, shop, customer_id, Decimal("100.00"))
    reversed_amount = await reverse(app, shop, sale_id=sale_id, kind="return", amount=Decimal("30"))
    assert reversed_amount == Decimal("30.00")
    assert await customer_balance(client, shop, customer_id) == Decimal("70.00")
    assert await entry_state(app, entry_id) == ("open", [("return", Decimal("30.00"), TODAY)])


async def test_voiding_the_bill_takes_back_all_that_is_outstanding(client, shop, app):
    customer_id = await new_customer(client, shop)
    sale_id, entry_id = await credit_sale(app, shop, customer_id, Decimal("100.00"))
    await reverse(app, shop, sale_id=sale_id, kind="return", amount=Decimal("30.00"))
    reversed_amount = await reverse(app, shop, sale_id=sale_id, kind="void", amount=None)
    assert reversed_amount == Decimal("70.00")
    assert await customer_balance(client, shop, customer_id) == 0
    status, settlements = await entry_state(app, entry_id)
    assert status == "settled"
    assert [(kind, amount) for kind, amount, _ in settlements] == [
        ("return", Decimal("30.00")),
        ("void", Decimal("70.00")),
    ]


async def test_a_return_worth_more_than_the_udhaar_takes_back_only_what_is_owed(client, shop, app):
    customer_id = await new_customer(client, shop)
    sale_id, entry_id = await credit_sale(app, shop, customer_id, Decimal("50.00"))
    reversed_amount = await reverse(
        app, shop, sale_id=sale_id, kind="return", amount=Decimal("80.25")
    )
    assert reversed_amount == Decimal("50.00")  # the other 30.25 is the caller's to refund
    assert await customer_balance(client, shop, customer_id) == 0
    assert (await entry_state(app, entry_id))[0] == "settled"
    again = await reverse(app, shop, sale_id=sale_id, kind="return", amount=Decimal("5.00"))
    assert again == 0
    assert len((await entry_state(app, entry_id))[1]) == 1


async def test_a_bill_without_udhaar_has_nothing_to_reverse(client, shop, app):
    customer_id = await new_customer(client, shop)
    sale_id, _ = await credit_sale(app, shop, customer_id, Decimal("10.00"))
    assert await reverse(app, shop, sale_id=sale_id + 1000, kind="void", amount=None) == 0
    assert await reverse(app, shop, purchase_id=sale_id, kind="void", amount=None) == 0
    assert await reverse(app, shop, sale_id=sale_id, kind="return", amount=Decimal(0)) == 0
    assert await customer_balance(client, shop, customer_id) == Decimal("10.00")


async def test_another_shops_bill_is_not_reversed(client, shop, other_shop, app):
    customer_id = await new_customer(client, other_shop)
    sale_id, entry_id = await credit_sale(app, other_shop, customer_id, Decimal("40.00"))
    assert await reverse(app, shop, sale_id=sale_id, kind="void", amount=None) == 0
    assert await customer_balance(client, other_shop, customer_id) == Decimal("40.00")
    assert await entry_state(app, entry_id) == ("open", [])


async def test_concurrent_reversals_of_one_bill_never_take_back_more_than_is_owed(
    client, shop, app
):
    customer_id = await new_customer(client, shop)
    sale_id, entry_id = await credit_sale(app, shop, customer_id, Decimal("100.00"))

    async def return_goods():
        async with shop_session(app, shop.shop_id) as session:
            taken = await udhaar.reverse_bill_credit(
                session,
                shop.shop_id,
                sale_id=sale_id,
                kind="return",
                amount=Decimal("60.00"),
                on=TODAY,
            )
            await asyncio.sleep(0.1)  # hold the lock while the other return arrives
            return taken

    results = await asyncio.gather(return_goods(), return_goods())
    assert sorted(results) == [Decimal("40.00"), Decimal("60.00")]
    assert await customer_balance(client, shop, customer_id) == 0
    assert (await entry_state(app, entry_id))[0] == "settled"


async def test_a_credit_purchase_is_owed_to_the_vendor_and_a_void_clears_it(client, shop, app):
    vendor_id = await new_vendor(client, shop)
    purchase_id, entry_id = await credit_purchase(app, shop, vendor_id, Decimal("2500.50"))
    assert await vendor_balance(client, shop, vendor_id) == Decimal("2500.50")
    partly = await reverse(
        app, shop, purchase_id=purchase_id, kind="return", amount=Decimal("500.25")
    )
    assert partly == Decimal("500.25")
    assert await vendor_balance(client, shop, vendor_id) == Decimal("2000.25")
    assert await reverse(app, shop, purchase_id=purchase_id, kind="void", amount=None) == Decimal(
        "2000.25"
    )
    assert await vendor_balance(client, shop, vendor_id) == 0
    assert (await entry_state(app, entry_id))[0] == "settled"


async def test_a_phone_that_is_customer_and_vendor_keeps_the_two_balances_apart(client, shop, app):
    customer_id = await new_customer(client, shop, phone="9812345678")
    vendor_id = await new_vendor(client, shop, phone="9812345678")
    await credit_sale(app, shop, customer_id, Decimal("10.00"))
    await credit_purchase(app, shop, vendor_id, Decimal("99.99"))
    assert await customer_balance(client, shop, customer_id) == Decimal("10.00")
    assert await vendor_balance(client, shop, vendor_id) == Decimal("99.99")


async def test_balances_sum_every_bill_of_the_party_in_the_list_and_the_lookup(client, shop, app):
    ramesh = await new_customer(client, shop, phone="9812345601", name="Ramesh")
    sunita = await new_customer(client, shop, phone="9812345602", name="Sunita")
    await new_customer(client, shop, phone="9812345603", name="Tarun")
    first, _ = await credit_sale(app, shop, ramesh, Decimal("100.00"))
    await credit_sale(app, shop, ramesh, Decimal("0.50"))
    await credit_sale(app, shop, sunita, Decimal("20.00"))
    await reverse(app, shop, sale_id=first, kind="return", amount=Decimal("10.10"))

    listed = exact(await client.get("/api/customers/", headers=shop.headers))
    assert [(c["customer_name"], c["balance"]) for c in listed] == [
        ("Ramesh", Decimal("90.40")),
        ("Sunita", Decimal("20.00")),
        ("Tarun", Decimal("0.00")),
    ]
    found = await client.get(
        "/api/customers/", params={"customer_phone_no": "98123 45601"}, headers=shop.headers
    )
    assert exact(found)["balance"] == Decimal("90.40")
    assert '"balance":90.40' in found.text  # a JSON number with its paise, not a string


async def test_the_list_reads_balances_for_a_whole_page_in_one_query(client, shop, app):
    async def statements_for_list():
        seen = []

        def count(*_):
            seen.append(1)

        engine = app.state.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = await client.get("/api/customers/", headers=shop.headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(response.json()), len(seen)

    for index in range(2):
        customer_id = await new_customer(client, shop, phone=f"98123456{index:02d}")
        await credit_sale(app, shop, customer_id, Decimal("5.00"))
    few = await statements_for_list()
    for index in range(2, 12):
        customer_id = await new_customer(client, shop, phone=f"98123456{index:02d}")
        await credit_sale(app, shop, customer_id, Decimal("5.00"))
    many = await statements_for_list()
    assert (few[0], many[0]) == (2, 12)
    assert few[1] == many[1]


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1.00"), Decimal("10.005")])
async def test_credit_must_be_positive_rupees_and_paise(client, shop, app, amount):
    customer_id = await new_customer(client, shop)
    sale_id, _ = await credit_sale(app, shop, customer_id, Decimal("10.00"))
    with pytest.raises(ValueError, match="udhaar amount"):
        async with shop_session(app, shop.shop_id) as session:
            await udhaar.open_credit(
                session,
                shop.shop_id,
                "sale",
                party_id=customer_id,
                bill_id=sale_id,
                amount=amount,
                entry_date=TODAY,
                due_date=None,
            )
    assert await customer_balance(client, shop, customer_id) == Decimal("10.00")


@pytest.mark.parametrize(
    "bills",
    [{}, {"sale_id": 1, "purchase_id": 1}],
)
async def test_a_reversal_names_exactly_one_bill(shop, app, bills):
    with pytest.raises(ValueError, match="exactly one"):
        await reverse(app, shop, kind="void", amount=None, **bills)


async def test_a_reversal_amount_must_not_be_negative_or_below_a_paisa(client, shop, app):
    customer_id = await new_customer(client, shop)
    sale_id, _ = await credit_sale(app, shop, customer_id, Decimal("10.00"))
    for amount in (Decimal("-1.00"), Decimal("0.001")):
        with pytest.raises(ValueError, match="udhaar amount"):
            await reverse(app, shop, sale_id=sale_id, kind="return", amount=amount)
    assert await customer_balance(client, shop, customer_id) == Decimal("10.00")
