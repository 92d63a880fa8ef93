"""The GST summary (issue 14, item 5) and profit without tax (item 2's "profit is computed on
the taxable value, never on tax collected", in the reports).

Expected figures come from what the API says the bills carry (sale and purchase detail,
the credit notes' replies), plus the worked examples of GST.md (Rs 100 at 18%: 84.74 +
7.63 + 7.63 within the state, 84.75 + 15.25 IGST across).
"""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession
from tests.gst import KARNATAKA_GSTIN, register_for_gst, taxed_product

D = Decimal
HEADS = ("taxable_value", "cgst", "sgst", "igst", "cess")
VENDOR_SAME_STATE = "27AABCU9603R1ZN"
EARLY = "2026-04-01"  # before the ranges the tests ask for


def _figures(row: dict[str, Any]) -> dict[str, Decimal]:
    figures = {head: row[head] for head in HEADS}
    return figures | {"tax": row["cgst"] + row["sgst"] + row["igst"] + row["cess"]}


def _minus(a: dict[str, Decimal], b: dict[str, Decimal]) -> dict[str, Decimal]:
    return {key: a[key] - b[key] for key in a}


def _plus(*rows: dict[str, Decimal]) -> dict[str, Decimal]:
    return {key: sum((row[key] for row in rows), D("0.00")) for key in rows[0]}


async def _sold(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any) -> dict:
    response = await sale(client, shop, lines, **fields)
    assert response.status_code == 201, response.text
    detail = await client.get(f"/api/sales/{response.json()['sale_id']}", headers=shop.headers)
    return dict(exact(detail))


async def _bought(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any) -> dict:
    response = await purchase(client, shop, lines, **fields)
    assert response.status_code == 201, response.text
    detail = await client.get(
        f"/api/purchases/{response.json()['purchase_id']}", headers=shop.headers
    )
    return dict(exact(detail))


async def _returned(client, shop: ShopSession, sale_id: int, product_id: int, n: int) -> dict:
    response = await client.post(
        f"/api/sales/{sale_id}/returns",
        json={"products": [{"product_id": product_id, "quantity": n}]},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    return dict(exact(response))


async def summary(client, shop: ShopSession, **params: str) -> dict[str, Any]:
    response = await client.get("/api/reports/gst-summary", params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


SOAP = {"product_name": "Surf Excel 1kg", "price_purchase": "100.00", "gst_rate": 18}


async def test_output_less_credit_notes_less_input_is_the_net_per_head(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    intra = await _sold(client, shop, [{"product_id": pid, "quantity": 1}])
    inter = await _sold(
        client,
        shop,
        [{"product_id": pid, "quantity": 1}],
        place_of_supply="29",
        buyer_address="12 MG Road, Bengaluru",
    )
    two = [{"product_id": pid, "quantity": 2}]
    b2b = await _sold(client, shop, two, buyer_gstin=KARNATAKA_GSTIN)
    voided = await _sold(client, shop, [{"product_id": pid, "quantity": 5}])
    void = await client.post(
        f"/api/sales/{voided['sales_id']}/void", json={"reason": "typo"}, headers=shop.headers
    )
    assert void.status_code == 200, void.text
    note = await _returned(client, shop, b2b["sales_id"], pid, 1)
    forward = await _bought(client, shop, [SOAP | {"quantity": 1}], vendor_gstin=VENDOR_SAME_STATE)
    reverse = await _bought(
        client,
        shop,
        [SOAP | {"quantity": 2, "product_name": "Vim Bar"}],
        vendor_gstin=KARNATAKA_GSTIN,
        reverse_charge=True,
    )
    untaxed = await _bought(client, shop, [SOAP | {"quantity": 1, "product_name": "Loose Jaggery"}])
    voided_purchase = await _bought(
        client, shop, [SOAP | {"quantity": 3}], vendor_gstin=VENDOR_SAME_STATE
    )
    void = await client.post(
        f"/api/purchases/{voided_purchase['purch_id']}/void",
        json={"reason": "typo"},
        headers=shop.headers,
    )
    assert void.status_code == 200, void.text

    # GST.md's worked examples, as the bills carry them.
    assert _figures(intra) == _figures(
        {"taxable_value": D("84.74"), "cgst": D("7.63"), "sgst": D("7.63"), "igst": 0, "cess": 0}
    )
    assert (inter["taxable_value"], inter["igst"]) == (D("84.75"), D("15.25"))

    report = await summary(client, shop)
    invoices = _plus(*(_figures(s) for s in (intra, inter, b2b)))
    notes = _figures(note)
    forward_tax = _figures(forward)
    untaxed_tax = _figures(untaxed)
    assert untaxed_tax["tax"] == 0
    inputs = _plus(forward_tax, untaxed_tax)
    assert report == {
        "from": None,
        "to": None,
        "output": {
            "invoices": {"count": 3} | invoices,
            "credit_notes": {"count": 1} | notes,
            "net": _minus(invoices, notes),
        },
        "input": {"count": 2} | inputs,
        "reverse_charge": {"count": 1} | _figures(reverse),
        "net_payable": {
            key: value
            for key, value in _minus(_minus(invoices, notes), inputs).items()
            if key != "taxable_value"
        },
    }
    assert report["reverse_charge"]["tax"] > 0
    assert report["output"]["credit_notes"]["tax"] > 0


async def test_the_range_picks_bills_by_their_date_and_notes_by_theirs(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    early = await _sold(client, shop, [{"product_id": pid, "quantity": 2}], transaction_date=EARLY)
    today = await _sold(client, shop, [{"product_id": pid, "quantity": 1}])
    note = await _returned(client, shop, early["sales_id"], pid, 1)  # dated today
    one = [SOAP | {"quantity": 1}]
    await _bought(client, shop, one, vendor_gstin=VENDOR_SAME_STATE, transaction_date=EARLY)
    day = today["transaction_date"]

    report = await summary(client, shop, **{"from": day, "to": day})
    assert (report["from"], report["to"]) == (day, day)
    assert report["output"]["invoices"] == {"count": 1} | _figures(today)
    assert report["output"]["credit_notes"] == {"count": 1} | _figures(note)
    assert report["input"]["count"] == 0 and report["input"]["tax"] == 0

    before = await summary(client, shop, to=EARLY)
    assert before["output"]["invoices"] == {"count": 1} | _figures(early)
    assert before["output"]["credit_notes"]["count"] == 0
    assert before["input"]["count"] == 1


async def test_an_empty_range_is_all_zeros_with_paise(client, shop):
    response = await client.get(
        "/api/reports/gst-summary", params={"from": "2025-01-01"}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    assert '"net_payable":{"cgst":0.00,"sgst":0.00,"igst":0.00,"cess":0.00,"tax":0.00}' in (
        response.text
    )
    assert exact(response)["reverse_charge"]["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "30-11-2026"}, "to"),
    ],
)
async def test_bad_dates_are_a_422_naming_the_field(client, shop, params, field):
    response = await client.get("/api/reports/gst-summary", params=params, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", field]


async def _report(client, shop: ShopSession) -> dict[str, Any]:
    response = await client.get("/api/reports/profit-loss", headers=shop.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = exact(response)
    return result


async def _record(client, shop: ShopSession, sale_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/profit-loss/{sale_id}", headers=shop.headers)
    assert response.status_code == 200, response.text
    (record,) = exact(response)
    return dict(record)


async def test_profit_is_the_taxable_value_less_cost_never_the_tax(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)  # Rs 100 incl. 18%, cost 50.00
    sold = await _sold(client, shop, [{"product_id": pid, "quantity": 1}])

    totals = (await _report(client, shop))["totals"]
    assert totals == {
        "sales": D("100.00"),
        "cost": D("50.00"),
        "profit": D("34.74"),  # 84.74 - 50.00: the 15.26 of GST is the government's
        "bills": 1,
        "discount": D("0.00"),
        "tax": D("15.26"),
        "expenses": D("0.00"),
        "net_profit": D("34.74"),
    }
    assert await _record(client, shop, sold["sales_id"]) == {
        "id": sold["sales_id"],
        "sales_id": sold["sales_id"],
        "is_profit": True,
        "amount": D("34.74"),
    }


async def test_a_credit_note_takes_back_its_taxable_value_less_cost(client, shop):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    sold = await _sold(client, shop, [{"product_id": pid, "quantity": 3}])
    note = await _returned(client, shop, sold["sales_id"], pid, 1)
    (line,) = sold["products"]

    assert line["cost_price"] == D("50.00")
    # Two soaps kept: the taxable value not credited, less their cost.
    profit = sold["taxable_value"] - note["taxable_value"] - D("100.00")
    tax = _figures(sold)["tax"] - _figures(note)["tax"]
    report = await _report(client, shop)
    (period,) = report["periods"]
    assert (period["sales"], period["tax"], period["cost"], period["profit"]) == (
        sold["total_amount"] - note["amount"],
        tax,
        D("100.00"),
        profit,
    )
    record = await _record(client, shop, sold["sales_id"])
    assert (record["is_profit"], record["amount"]) == (True, profit)

    # The rest comes back: everything, tax and profit, reverses to zero paisa.
    await _returned(client, shop, sold["sales_id"], pid, 2)
    totals = (await _report(client, shop))["totals"]
    assert (totals["sales"], totals["tax"], totals["cost"], totals["profit"]) == (0, 0, 0, 0)
    assert (await _record(client, shop, sold["sales_id"]))["amount"] == 0


async def test_an_untaxed_shop_s_profit_and_tax_are_unchanged(client, shop):
    pid = await taxed_product(client, shop)  # the shop is not registered: plain bills
    sold = await _sold(client, shop, [{"product_id": pid, "quantity": 2}])
    assert sold["document_type"] == "bill"
    totals = (await _report(client, shop))["totals"]
    assert (totals["sales"], totals["tax"], totals["profit"]) == (D("200.00"), 0, D("100.00"))


_RAW_TAX = """
SELECT coalesce(sum(s.cgst + s.sgst + s.igst + s.cess), 0) AS tax,
       coalesce(sum(r.tax), 0) AS returned_tax
FROM sales s
LEFT JOIN (
    SELECT sale_id, sum(cgst + sgst + igst + cess) AS tax
    FROM sale_returns WHERE shop_id = :shop GROUP BY sale_id
) r ON r.sale_id = s.id
WHERE s.shop_id = :shop AND s.status <> 'void'
"""
_SUMMARY_TAX = """
SELECT coalesce(sum(tax), 0) AS tax, coalesce(sum(returned_tax), 0) AS returned_tax
FROM daily_sales WHERE shop_id = :shop
"""


async def _tax_sums(app, sql: str, shop_id: int) -> tuple[Decimal, Decimal]:
    async with app.state.sessionmaker() as session:
        row = (await session.execute(text(sql), {"shop": shop_id})).one()
    return row.tax, row.returned_tax


async def test_the_daily_summary_keeps_the_tax_of_bills_and_credit_notes(client, shop, app):
    await register_for_gst(client, shop)
    pid = await taxed_product(client, shop)
    kept = await _sold(client, shop, [{"product_id": pid, "quantity": 3}])
    returned_then_voided = await _sold(client, shop, [{"product_id": pid, "quantity": 2}])
    await _returned(client, shop, kept["sales_id"], pid, 1)
    await _returned(client, shop, returned_then_voided["sales_id"], pid, 1)
    void = await client.post(
        f"/api/sales/{returned_then_voided['sales_id']}/void",
        json={"reason": "typo"},
        headers=shop.headers,
    )
    assert void.status_code == 200, void.text
    # A raw-SQL writer is counted too: the triggers see every statement.
    async with app.state.sessionmaker() as session:
        await session.execute(
            text("UPDATE sales SET cgst = cgst + 1, total_amount = total_amount + 1 WHERE id = :s"),
            {"s": kept["sales_id"]},
        )
        await session.commit()

    raw = await _tax_sums(app, _RAW_TAX, shop.shop_id)
    assert await _tax_sums(app, _SUMMARY_TAX, shop.shop_id) == raw
    assert raw[0] == kept["cgst"] + kept["sgst"] + 1 and raw[1] > 0
