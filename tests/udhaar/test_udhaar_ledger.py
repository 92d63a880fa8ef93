"""Udhaar over HTTP: entries from credit bills and opening balances, payments, statements,
the summary and due lists - the ledger a shop owner reads instead of the notebook."""

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.bills import counts, exact, purchase, sale, scalar
from tests.conftest import create_product, unique_phone

D = Decimal


async def credit_sale(client, shop, amount: str, phone: str, **fields: Any) -> dict[str, Any]:
    """A bill wholly on udhaar for `amount` (one line at that rate); returns its entry."""
    product = await create_product(client, shop, price_sale=amount, quantity=100)
    response = await sale(
        client,
        shop,
        [{"product_id": product["product_id"], "quantity": 1}],
        phone_no=phone,
        bill_paid=False,
        **fields,
    )
    assert response.status_code == 201, response.text
    sale_id = response.json()["sale_id"]
    entries = exact(
        await client.get("/api/udhaar/sales/", params={"status": "all"}, headers=shop.headers)
    )
    (entry,) = [e for e in entries if e["sales_id"] == sale_id]
    return entry


async def pay(client, shop, udhar_id: int, amount, **fields: Any):
    return await client.post(
        f"/api/udhaar/sales/{udhar_id}/payments",
        json={"amount": amount} | fields,
        headers=shop.headers,
    )


async def customer_id_of(client, shop, phone: str) -> int:
    response = await client.get(
        "/api/customers/", params={"customer_phone_no": phone}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    customer_id: int = response.json()["cust_id"]
    return customer_id


async def payment_count(client, shop):
    sql = "SELECT count(*) FROM udhaar_payments WHERE shop_id = :s"
    return await scalar(client._transport.app, sql, s=shop.shop_id)


async def test_two_payments_settle_a_credit_sale_and_the_statement_runs_to_zero(client, shop):
    phone = unique_phone()
    entry = await credit_sale(client, shop, "500.00", phone)
    assert entry["amount"] == D("500.00") and entry["balance"] == D("500.00")
    assert entry["status"] == "open" and entry["customer"]["phone_no"].endswith(phone[-10:])

    first = await pay(client, shop, entry["udhar_id"], 200, payment_mode="upi")
    assert first.status_code == 201, first.text
    assert exact(first)["allocations"] == [
        {
            "udhar_id": entry["udhar_id"],
            "amount": D("200.00"),
            "balance": D("300.00"),
            "status": "open",
        }
    ]
    second = await pay(client, shop, entry["udhar_id"], "300.00")
    assert second.status_code == 201, second.text
    assert exact(second)["party_balance"] == D("0.00")

    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert (after["status"], after["balance"], after["amount_paid"]) == (
        "settled",
        D("0.00"),
        D("500.00"),
    )
    customer_id = await customer_id_of(client, shop, phone)
    customer = exact(await client.get(f"/api/customers/{customer_id}", headers=shop.headers))
    assert customer["balance"] == D("0.00")

    statement = exact(
        await client.get(f"/api/customers/{customer_id}/statement", headers=shop.headers)
    )
    assert [(e["kind"], e["debit"] - e["credit"], e["balance"]) for e in statement["entries"]] == [
        ("bill", D("500.00"), D("500.00")),
        ("payment", D("-200.00"), D("300.00")),
        ("payment", D("-300.00"), D("0.00")),
    ]
    assert statement["opening_balance"] == 0 and statement["closing_balance"] == 0
    assert statement["entries"][0]["reference"] == after["bill_no"]


async def test_overpaying_is_a_422_that_writes_nothing(client, shop):
    entry = await credit_sale(client, shop, "500.00", unique_phone())
    assert (await pay(client, shop, entry["udhar_id"], 200)).status_code == 201
    before = await counts(client._transport.app, shop.shop_id)

    response = await pay(client, shop, entry["udhar_id"], "300.01")

    assert response.status_code == 422
    body = exact(response)
    assert body["code"] == "validation_error" and body["balance"] == D("300.00")
    assert body["errors"][0]["loc"] == ["body", "amount"]
    assert await counts(client._transport.app, shop.shop_id) == before
    assert await payment_count(client, shop) == 1


async def test_a_party_payment_pays_the_oldest_entries_first(client, shop):
    phone = unique_phone()
    older = await credit_sale(client, shop, "500.00", phone, transaction_date="2026-11-01")
    newer = await credit_sale(client, shop, "400.00", phone)
    customer_id = await customer_id_of(client, shop, phone)

    response = await client.post(
        f"/api/customers/{customer_id}/payments",
        json={"amount": 700, "payment_mode": "cash"},
        headers=shop.headers,
    )

    assert response.status_code == 201, response.text
    body = exact(response)
    assert [(a["udhar_id"], a["amount"], a["balance"]) for a in body["allocations"]] == [
        (older["udhar_id"], D("500.00"), D("0.00")),
        (newer["udhar_id"], D("200.00"), D("200.00")),
    ]
    assert body["party_balance"] == D("200.00")
    entries = {
        e["udhar_id"]: e
        for e in exact(
            await client.get("/api/udhaar/sales/", params={"status": "all"}, headers=shop.headers)
        )
    }
    assert entries[older["udhar_id"]]["status"] == "settled"
    assert entries[newer["udhar_id"]]["balance"] == D("200.00")
    # One receipt of 700 on the statement, not one row per bill it paid.
    statement = exact(
        await client.get(f"/api/customers/{customer_id}/statement", headers=shop.headers)
    )
    assert [e["credit"] for e in statement["entries"] if e["kind"] == "payment"] == [D("700.00")]

    too_much = await client.post(
        f"/api/customers/{customer_id}/payments", json={"amount": "200.01"}, headers=shop.headers
    )
    assert too_much.status_code == 422 and exact(too_much)["balance"] == D("200.00")


async def test_vendor_payments_reduce_what_the_shop_owes(client, shop):
    bought = await purchase(
        client,
        shop,
        [{"product_name": "Basmati 5kg", "quantity": 4, "price_purchase": "250.00"}],
        bill_paid=False,
    )
    assert bought.status_code == 201, bought.text
    (entry,) = exact(await client.get("/api/udhaar/purchases/", headers=shop.headers))
    assert entry["purch_id"] == bought.json()["purchase_id"] and entry["balance"] == D("1000.00")
    vendor_id = entry["vendor"]["vend_id"]

    paid = await client.post(
        f"/api/vendors/{vendor_id}/payments", json={"amount": 600}, headers=shop.headers
    )
    assert paid.status_code == 201, paid.text
    vendor = exact(await client.get(f"/api/vendors/{vendor_id}", headers=shop.headers))
    assert vendor["balance"] == D("400.00")

    settled = await client.delete(
        f"/api/udhaar/purchases/{entry['udhar_id']}", headers=shop.headers
    )
    assert settled.status_code == 200
    assert settled.json() == {"msg": "Purchase udhaar marked as paid and removed."}
    vendor = exact(await client.get(f"/api/vendors/{vendor_id}", headers=shop.headers))
    assert vendor["balance"] == D("0.00")
    statement = exact(await client.get(f"/api/vendors/{vendor_id}/statement", headers=shop.headers))
    assert [e["balance"] for e in statement["entries"]] == [D("1000.00"), D("400.00"), D("0.00")]
    assert statement["party"]["vend_id"] == vendor_id


async def test_delete_settles_the_balance_by_a_payment_and_keeps_the_history(client, shop):
    entry = await credit_sale(client, shop, "120.00", unique_phone())
    assert (await pay(client, shop, entry["udhar_id"], 20)).status_code == 201

    response = await client.delete(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers)

    assert response.status_code == 200
    assert response.json() == {"msg": "Sales udhaar marked as paid and removed."}
    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert (after["status"], after["amount_paid"], after["balance"]) == (
        "settled",
        D("120.00"),
        D("0.00"),
    )
    # Settling again changes nothing and still answers as the old clients expect.
    again = await client.delete(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers)
    assert again.status_code == 200
    assert await payment_count(client, shop) == 2


async def test_opening_balances_both_ways_without_a_bill(client, shop):
    phone = unique_phone()
    response = await client.post(
        "/api/udhaar/sales/",
        json={
            "phone_no": phone,
            "customer_name": "Sunita Verma",
            "amount": "1250.50",
            "due_date": "2026-12-10",
            "entry_date": "2026-10-01",
            "note": "Old notebook, page 12",
        },
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    entry = exact(response)
    assert entry["sales_id"] is None and entry["bill_no"] is None
    assert (entry["amount"], entry["date_of_payment"], entry["note"]) == (
        D("1250.50"),
        "2026-12-10",
        "Old notebook, page 12",
    )
    assert entry["customer"]["customer_name"] == "Sunita Verma"
    customer_id = entry["customer"]["cust_id"]
    statement = exact(
        await client.get(f"/api/customers/{customer_id}/statement", headers=shop.headers)
    )
    assert [(e["kind"], e["date"], e["balance"]) for e in statement["entries"]] == [
        ("opening", "2026-10-01", D("1250.50"))
    ]

    owed = await client.post(
        "/api/udhaar/purchases/",
        json={"phone_no": "9988776655", "vendor_name": "Gupta Wholesale", "amount": 5400},
        headers=shop.headers,
    )
    assert owed.status_code == 201, owed.text
    assert exact(owed)["vendor"]["vendor_name"] == "Gupta Wholesale"
    assert exact(owed)["purch_id"] is None


async def test_bad_udhaar_input_names_the_field(client, shop):
    entry = await credit_sale(client, shop, "100.00", unique_phone())
    cases = [
        ({"amount": 0}, ["body", "amount"]),
        ({"amount": -5}, ["body", "amount"]),
        ({"amount": "10.001"}, ["body", "amount"]),
        ({"amount": 10, "payment_mode": "barter"}, ["body", "payment_mode"]),
        ({"amount": 10, "paid_on": "2099-01-01"}, ["body", "paid_on"]),
    ]
    for payload, loc in cases:
        response = await pay(client, shop, entry["udhar_id"], **payload)
        assert response.status_code == 422, (payload, response.text)
        assert response.json()["errors"][0]["loc"] == loc, payload
    bad_phone = await client.post(
        "/api/udhaar/sales/", json={"phone_no": "12345", "amount": 10}, headers=shop.headers
    )
    assert bad_phone.status_code == 422
    assert bad_phone.json()["errors"][0]["loc"] == ["body", "phone_no"]
    assert (await pay(client, shop, 999_999, 10)).status_code == 404
    missing_party = await client.post(
        "/api/customers/999999/payments", json={"amount": 10}, headers=shop.headers
    )
    assert missing_party.status_code == 404


async def test_a_voided_bill_reverses_its_udhaar_on_the_statement(client, shop):
    phone = unique_phone()
    entry = await credit_sale(client, shop, "300.00", phone)
    assert (await pay(client, shop, entry["udhar_id"], 100)).status_code == 201
    void = await client.post(
        f"/api/sales/{entry['sales_id']}/void",
        json={"reason": "Wrong customer"},
        headers=shop.headers,
    )
    assert void.status_code == 200, void.text

    customer_id = await customer_id_of(client, shop, phone)
    statement = exact(
        await client.get(f"/api/customers/{customer_id}/statement", headers=shop.headers)
    )
    assert [(e["kind"], e["credit"], e["balance"]) for e in statement["entries"]] == [
        ("bill", D("0"), D("300.00")),
        ("payment", D("100.00"), D("200.00")),
        ("void", D("200.00"), D("0.00")),
    ]
    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert (after["status"], after["amount_paid"]) == ("settled", D("100.00"))


async def test_statement_dates_filter_with_an_opening_balance(client, shop):
    phone = unique_phone()
    await credit_sale(client, shop, "100.00", phone, transaction_date="2026-11-01")
    entry = await credit_sale(client, shop, "50.00", phone, transaction_date="2026-11-10")
    assert (await pay(client, shop, entry["udhar_id"], 20, paid_on="2026-11-20")).status_code == 201
    customer_id = await customer_id_of(client, shop, phone)

    response = await client.get(
        f"/api/customers/{customer_id}/statement",
        params={"from": "2026-11-05", "to": "2026-11-15"},
        headers=shop.headers,
    )

    statement = exact(response)
    assert (statement["from"], statement["to"]) == ("2026-11-05", "2026-11-15")
    assert statement["opening_balance"] == D("100.00")
    assert [e["debit"] for e in statement["entries"]] == [D("50.00")]
    assert statement["closing_balance"] == D("150.00")
    backwards = await client.get(
        f"/api/customers/{customer_id}/statement",
        params={"from": "2026-11-15", "to": "2026-11-05"},
        headers=shop.headers,
    )
    assert backwards.status_code == 422


async def test_summary_totals_overdue_and_ageing(client, shop):
    today = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()

    async def opening(side: str, amount: str, days_old: int, due_in: int):
        entry_date = today - dt.timedelta(days=days_old)
        payload = {
            "phone_no": unique_phone(),
            "amount": amount,
            "entry_date": entry_date.isoformat(),
            "due_date": (entry_date + dt.timedelta(days=due_in)).isoformat(),
        }
        response = await client.post(f"/api/udhaar/{side}/", json=payload, headers=shop.headers)
        assert response.status_code == 201, response.text
        return exact(response)

    await opening("sales", "100.00", 5, 30)  # 0-30, not yet due
    await opening("sales", "200.00", 45, 15)  # 31-60, overdue
    await opening("sales", "300.00", 75, 15)  # 61-90, overdue
    paid_off = await opening("sales", "999.00", 10, 30)
    await opening("sales", "400.00", 120, 30)  # 90+, overdue
    await opening("purchases", "1000.00", 40, 30)  # 31-60, due in 20 days... overdue? no
    assert (await pay(client, shop, paid_off["udhar_id"], "999.00")).status_code == 201

    summary = exact(await client.get("/api/udhaar/summary", headers=shop.headers))

    assert summary["total_receivable"] == D("1000.00")
    assert summary["overdue_receivable"] == D("900.00")
    assert summary["receivable_ageing"] == {
        "0-30": D("100.00"),
        "31-60": D("200.00"),
        "61-90": D("300.00"),
        "90+": D("400.00"),
    }
    assert summary["customers_owing"] == 4
    assert summary["total_payable"] == D("1000.00") and summary["vendors_owed"] == 1
    assert summary["payable_ageing"]["31-60"] == D("1000.00")
    assert summary["overdue_payable"] == D("1000.00")


async def test_due_lists_show_entries_due_soon_overdue_first(client, shop):
    today = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
    entries = {}
    for name, due_in in (("soon", 2), ("late", -3), ("later", 10)):
        response = await client.post(
            "/api/udhaar/sales/",
            json={
                "phone_no": unique_phone(),
                "amount": 10,
                "entry_date": (today - dt.timedelta(days=5)).isoformat(),
                "due_date": (today + dt.timedelta(days=due_in)).isoformat(),
            },
            headers=shop.headers,
        )
        assert response.status_code == 201, response.text
        entries[name] = response.json()["udhar_id"]

    for path in ("/api/udhaar/notifications/", "/api/notifications/"):
        due = exact(await client.get(path, params={"days_ahead": 3}, headers=shop.headers))
        assert due["days_ahead"] == 3
        assert [e["udhar_id"] for e in due["sales_udhaar_due"]] == [
            entries["late"],
            entries["soon"],
        ]
        assert due["sales_udhaar_due"][0]["days_overdue"] == 3
        assert due["purchase_udhaar_due"] == []
    listed = exact(
        await client.get(
            "/api/udhaar/sales/",
            params={"before": (today + dt.timedelta(days=2)).isoformat()},
            headers=shop.headers,
        )
    )
    assert {e["udhar_id"] for e in listed} == {entries["late"], entries["soon"]}


async def test_concurrent_payments_cannot_both_take_the_last_rupees(client, shop):
    entry = await credit_sale(client, shop, "100.00", unique_phone())

    results = await asyncio.gather(*(pay(client, shop, entry["udhar_id"], 60) for _ in range(4)))

    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 422, 422, 422], [r.text for r in results]
    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert after["balance"] == D("40.00")


async def test_a_retried_payment_with_its_key_is_recorded_once(client, shop):
    entry = await credit_sale(client, shop, "100.00", unique_phone())
    headers = shop.headers | {"Idempotency-Key": "pay-7f3a"}
    url = f"/api/udhaar/sales/{entry['udhar_id']}/payments"

    first = await client.post(url, json={"amount": 30}, headers=headers)
    again = await client.post(url, json={"amount": 30}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == first.content
    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert after["balance"] == D("70.00")


async def test_another_shops_udhaar_is_not_found(client, shop, other_shop):
    entry = await credit_sale(client, shop, "100.00", unique_phone())
    customer_id = entry["customer"]["cust_id"]
    attempts = [
        client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=other_shop.headers),
        pay(client, other_shop, entry["udhar_id"], 10),
        client.delete(f"/api/udhaar/sales/{entry['udhar_id']}", headers=other_shop.headers),
        client.post(f"/api/udhaar/sales/{entry['udhar_id']}/send_sms/", headers=other_shop.headers),
        client.post(
            f"/api/customers/{customer_id}/payments",
            json={"amount": 10},
            headers=other_shop.headers,
        ),
        client.get(f"/api/customers/{customer_id}/statement", headers=other_shop.headers),
    ]
    for response in [await attempt for attempt in attempts]:
        assert response.status_code == 404, response.text
    assert exact(await client.get("/api/udhaar/sales/", headers=other_shop.headers)) == []
    after = exact(await client.get(f"/api/udhaar/sales/{entry['udhar_id']}", headers=shop.headers))
    assert after["balance"] == D("100.00")
