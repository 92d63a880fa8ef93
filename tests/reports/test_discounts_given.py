"""Profit after discount, and the discount given per day and month, in the P&L report."""

from decimal import Decimal

from tests.bills import exact, sale
from tests.conftest import create_product

D = Decimal
NOV_24 = "2026-11-24"
NOV_25 = "2026-11-25"


async def test_the_report_shows_profit_after_discount_and_the_discount_given(client, shop):
    product = await create_product(
        client, shop, price_sale="19.90", price_purchase="15.00", quantity=20
    )
    pid = product["product_id"]
    # 3 x 19.90 less 10% = 53.73 (cost 45.00); 2 x 19.90 less 4.80 = 35.00 (cost 30.00).
    for day, line in (
        (NOV_24, {"product_id": pid, "quantity": 3, "discount_percent": 10}),
        (NOV_25, {"product_id": pid, "quantity": 2, "discount": "4.80"}),
    ):
        sold = await sale(client, shop, [line], transaction_date=day)
        assert sold.status_code == 201, sold.text

    daily = exact(await client.get("/api/reports/profit-loss", headers=shop.headers))
    monthly = exact(await client.get("/api/reports/profit-loss?group=month", headers=shop.headers))

    assert [(p["period"], p["sales"], p["profit"], p["discount"]) for p in daily["periods"]] == [
        (NOV_24, D("53.73"), D("8.73"), D("5.97")),
        (NOV_25, D("35.00"), D("5.00"), D("4.80")),
    ]
    assert [(p["period"], p["profit"], p["discount"]) for p in monthly["periods"]] == [
        ("2026-11", D("13.73"), D("10.77"))
    ]
    assert monthly["totals"]["discount"] == D("10.77")


async def test_a_voided_bill_takes_its_discount_out_of_the_report(client, shop):
    product = await create_product(client, shop, price_sale="10.00", quantity=20)
    sold = await sale(
        client, shop, [{"product_id": product["product_id"], "quantity": 2, "discount": 3}]
    )
    sale_id = sold.json()["sale_id"]

    void = await client.post(
        f"/api/sales/{sale_id}/void", json={"reason": "Entered twice"}, headers=shop.headers
    )

    assert void.status_code == 200, void.text
    report = exact(await client.get("/api/reports/profit-loss", headers=shop.headers))
    assert report["totals"]["discount"] == 0
