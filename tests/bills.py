"""Helpers for bill tests: record purchases and sales over HTTP, and read ledger sums."""

from decimal import Decimal
from typing import Any

from sqlalchemy import text

from tests.conftest import ShopSession, unique_phone


def exact(response: Any) -> Any:
    return response.json(parse_float=Decimal)


async def purchase(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any):
    payload = {"vendor_name": "Agarwal Traders", "phone_no": "9876543210", "products": lines}
    return await client.post("/api/purchases/", json=payload | fields, headers=shop.headers)


async def sale(client, shop: ShopSession, lines: list[dict[str, Any]], **fields: Any):
    payload: dict[str, Any] = {"customer_name": "Ramesh", "phone_no": unique_phone()}
    payload |= {"products": lines, "bill_paid": True} | fields
    return await client.post("/api/sales/", json=payload, headers=shop.headers)


async def scalar(app, sql: str, **params: Any) -> Any:
    async with app.state.sessionmaker() as session:
        return await session.scalar(text(sql), params)


async def counts(app, shop_id: int) -> dict[str, int]:
    """Rows per table for one shop: what a failed request must leave untouched."""
    tables = [
        "sales",
        "sale_lines",
        "purchases",
        "purchase_lines",
        "customers",
        "vendors",
        "stock_movements",
        "udhaar_entries",
        "notifications",
        "idempotency_keys",
        "products",
    ]
    async with app.state.sessionmaker() as session:
        return {
            table: await session.scalar(
                text(f"SELECT count(*) FROM {table} WHERE shop_id = :s"),
                {"s": shop_id},
            )
            for table in tables
        }


async def ledger_mismatches(app, shop_id: int) -> list[Any]:
    """Products whose cached quantity differs from the sum of their movements."""
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT p.id, p.quantity, coalesce(sum(m.quantity), 0) AS ledger "
                "FROM products p LEFT JOIN stock_movements m "
                "  ON m.shop_id = p.shop_id AND m.product_id = p.id "
                "WHERE p.shop_id = :s GROUP BY p.id, p.quantity "
                "HAVING p.quantity <> coalesce(sum(m.quantity), 0)"
            ),
            {"s": shop_id},
        )
        return list(rows)


async def bill_total_mismatches(app, shop_id: int) -> list[Any]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT s.id FROM sales s JOIN sale_lines l ON l.shop_id = s.shop_id "
                "AND l.sale_id = s.id WHERE s.shop_id = :s "
                "GROUP BY s.shop_id, s.id "
                "HAVING sum(l.line_total) + s.round_off <> s.total_amount "
                "OR s.taxable_value + s.cgst + s.sgst + s.igst + s.cess + s.round_off "
                "<> s.total_amount "
                "UNION ALL "
                "SELECT p.id FROM purchases p JOIN purchase_lines l ON l.shop_id = p.shop_id "
                "AND l.purchase_id = p.id WHERE p.shop_id = :s "
                "GROUP BY p.id, p.total_amount HAVING sum(l.line_total) <> p.total_amount"
            ),
            {"s": shop_id},
        )
        return list(rows)
