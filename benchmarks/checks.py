"""Invariants checked after the write load, straight in PostgreSQL (as the owner, no RLS)."""

from typing import Any

import asyncpg

_LEDGER = """
SELECT count(*) AS products,
       count(*) FILTER (WHERE p.quantity <> coalesce(m.total, 0)) AS mismatches
FROM products p
LEFT JOIN (
    SELECT shop_id, product_id, sum(quantity) AS total FROM stock_movements GROUP BY 1, 2
) m ON m.shop_id = p.shop_id AND m.product_id = p.id
"""

_BILLS = """
SELECT count(*) AS bills,
       count(*) FILTER (WHERE bill_no IS NULL) AS unnumbered,
       coalesce(sum(total_amount), 0) AS total_amount
FROM sales WHERE shop_id = ANY($1::bigint[])
"""

# Gapless: in each shop and year, numbers 1..n are all used once and the counter is at n.
_GAPS = """
SELECT count(*) FROM (
    SELECT s.shop_id, split_part(s.bill_no, '/', 1) AS fy, count(*) AS n,
           max(split_part(s.bill_no, '/', 2)::bigint) AS top,
           count(DISTINCT split_part(s.bill_no, '/', 2)) AS distinct_numbers
    FROM sales s WHERE s.shop_id = ANY($1::bigint[]) AND s.bill_no IS NOT NULL
    GROUP BY 1, 2
) b
LEFT JOIN bill_counters c
       ON c.shop_id = b.shop_id AND c.kind = 'sale' AND c.fiscal_year = b.fy
WHERE b.n <> b.top OR b.n <> b.distinct_numbers OR c.last_no IS DISTINCT FROM b.n
"""

# Each bill's total is the sum of its lines plus its round-off, and its taxable value plus
# every GST head; each line has its `sale` movement.
_LINES = """
SELECT count(*) FILTER (
           WHERE s.total_amount <> coalesce(l.total, -1) + s.round_off
              OR s.total_amount <> s.taxable_value + s.cgst + s.sgst + s.igst + s.cess
                                    + s.round_off
       ) AS total_mismatches,
       count(*) FILTER (WHERE coalesce(l.lines, 0) <> coalesce(m.movements, 0))
           AS movement_mismatches,
       coalesce(sum(l.lines), 0) AS lines
FROM sales s
LEFT JOIN (
    SELECT shop_id, sale_id, sum(line_total) AS total, count(*) AS lines
    FROM sale_lines WHERE shop_id = ANY($1::bigint[]) GROUP BY 1, 2
) l ON l.shop_id = s.shop_id AND l.sale_id = s.id
LEFT JOIN (
    SELECT shop_id, sale_id, count(*) AS movements FROM stock_movements
    WHERE shop_id = ANY($1::bigint[]) AND reason = 'sale' GROUP BY 1, 2
) m ON m.shop_id = s.shop_id AND m.sale_id = s.id
WHERE s.shop_id = ANY($1::bigint[])
"""

_CREDIT = """
SELECT count(*) FILTER (WHERE s.amount_paid < s.total_amount) AS credit_bills,
       count(u.id) AS udhaar_entries,
       count(*) FILTER (WHERE s.amount_paid < s.total_amount
                        AND u.amount IS DISTINCT FROM s.total_amount - s.amount_paid)
           AS udhaar_mismatches
FROM sales s
LEFT JOIN udhaar_entries u ON u.shop_id = s.shop_id AND u.sale_id = s.id AND u.kind = 'sale'
WHERE s.shop_id = ANY($1::bigint[])
"""

# The `daily_sales` summary (kept by triggers) against the bills and returns it summarises:
# per shop and day, the live bills' count, totals and cost, their returns, the cash they took
# at the counter (cash bills, and credit bills' part paid).
_DAILY = """
WITH raw AS (
    SELECT s.shop_id, s.sale_date AS day, count(*) AS bills, sum(s.total_amount) AS amount,
           sum(s.total_cost) AS cost, coalesce(sum(r.amount), 0) AS returned,
           coalesce(sum(s.amount_paid) FILTER (WHERE s.payment_mode IN ('cash', 'credit')), 0)
               AS cash
    FROM sales s
    LEFT JOIN (
        SELECT shop_id, sale_id, sum(amount) AS amount FROM sale_returns
        WHERE shop_id = ANY($1::bigint[]) GROUP BY 1, 2
    ) r ON r.shop_id = s.shop_id AND r.sale_id = s.id
    WHERE s.shop_id = ANY($1::bigint[]) AND s.status <> 'void'
    GROUP BY 1, 2
), kept AS (
    SELECT shop_id, day, sum(bills) AS bills, sum(total_amount) AS amount,
           sum(total_cost) AS cost, sum(returned_amount) AS returned, sum(cash_paid) AS cash
    FROM daily_sales WHERE shop_id = ANY($1::bigint[])
    GROUP BY 1, 2 HAVING sum(bills) <> 0
)
SELECT count(*) FROM raw FULL JOIN kept USING (shop_id, day)
WHERE raw.bills IS DISTINCT FROM kept.bills OR raw.amount IS DISTINCT FROM kept.amount
   OR raw.cost IS DISTINCT FROM kept.cost OR raw.returned IS DISTINCT FROM kept.returned
   OR raw.cash IS DISTINCT FROM kept.cash
"""


async def check(
    url: str, shop_ids: list[int], successes: int, in_flight: int = 0
) -> dict[str, Any]:
    """Ledger and bill invariants for the shops the write load billed.

    `successes` are the 2xx answers the load generators saw; `in_flight` the requests they
    abandoned at the end (wrk does not wait for them), which the server may have completed.
    """
    connection = await asyncpg.connect(url)
    try:
        ledger = await connection.fetchrow(_LEDGER)
        bills = await connection.fetchrow(_BILLS, shop_ids)
        gaps = await connection.fetchval(_GAPS, shop_ids)
        lines = await connection.fetchrow(_LINES, shop_ids)
        credit = await connection.fetchrow(_CREDIT, shop_ids)
        daily = await connection.fetchval(_DAILY, shop_ids)
    finally:
        await connection.close()
    extra_bills = int(bills["bills"]) - successes
    result = {
        "products_checked": int(ledger["products"]),
        "quantity_not_sum_of_movements": int(ledger["mismatches"]),
        "bills": int(bills["bills"]),
        "successful_responses": successes,
        "abandoned_in_flight": in_flight,
        "bills_minus_successes": extra_bills,
        "unnumbered_bills": int(bills["unnumbered"]),
        "bill_number_gaps": int(gaps),
        "lines": int(lines["lines"]),
        "bill_total_mismatches": int(lines["total_mismatches"]),
        "lines_without_movement": int(lines["movement_mismatches"]),
        "credit_bills": int(credit["credit_bills"]),
        "udhaar_mismatches": int(credit["udhaar_mismatches"]),
        "daily_sales_mismatched_days": int(daily),
    }
    result["ok"] = (
        result["quantity_not_sum_of_movements"] == 0
        and 0 <= extra_bills <= in_flight
        and result["unnumbered_bills"] == 0
        and result["bill_number_gaps"] == 0
        and result["bill_total_mismatches"] == 0
        and result["lines_without_movement"] == 0
        and result["udhaar_mismatches"] == 0
        and result["daily_sales_mismatched_days"] == 0
    )
    return result
