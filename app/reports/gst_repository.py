"""GST report queries: the tax summary's sums and a month's documents for GSTR-1. Read-only.

The summary is summed by PostgreSQL in NUMERIC; GSTR-1 reads the month's tax invoices, credit
notes and their lines as rows, and `app.reports.gstr1` adds them up with Decimal. Every query
filters by shop explicitly (row-level security is the second lock). A credit note is a
return with a `credit_note_no` (the return of a tax invoice).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.bills.tax import TaxHeads
from app.reports.gstr1 import Invoice, Line, Note

_RANGE = """
  AND (CAST(:date_from AS date) IS NULL OR {day} >= CAST(:date_from AS date))
  AND (CAST(:date_to AS date) IS NULL OR {day} <= CAST(:date_to AS date))
"""
_SUMS = """count({t}.id) AS documents,
       coalesce(sum({t}.taxable_value), 0.00) AS taxable_value,
       coalesce(sum({t}.cgst), 0.00) AS cgst, coalesce(sum({t}.sgst), 0.00) AS sgst,
       coalesce(sum({t}.igst), 0.00) AS igst, coalesce(sum({t}.cess), 0.00) AS cess"""

# Tax invoices only: a plain bill or a bill of supply carries no tax (and is no taxable
# supply of a regular shop). Purchases split by reverse charge; both groups always listed
# (the range is part of the join, so a group without purchases is a row of zeros).
_SUMMARY = text(
    f"""
SELECT 'invoices' AS part, {_SUMS.format(t="s")}
FROM sales AS s
WHERE s.shop_id = :shop_id AND s.status <> 'void' AND s.document_type = 'tax_invoice'
{_RANGE.format(day="s.sale_date")}
UNION ALL
SELECT 'credit_notes', {_SUMS.format(t="r")}
FROM sale_returns AS r
JOIN sales AS s ON s.shop_id = r.shop_id AND s.id = r.sale_id
WHERE r.shop_id = :shop_id AND r.credit_note_no IS NOT NULL AND s.status <> 'void'
{_RANGE.format(day="r.return_date")}
UNION ALL
SELECT CASE WHEN rc.flag THEN 'reverse_charge' ELSE 'input' END, {_SUMS.format(t="p")}
FROM (VALUES (false), (true)) AS rc(flag)
LEFT JOIN purchases AS p
  ON p.shop_id = :shop_id AND p.reverse_charge = rc.flag AND p.status <> 'void'
{_RANGE.format(day="p.purchase_date")}
GROUP BY rc.flag
"""  # noqa: S608 - assembled from this module's constants
)


@dataclass(frozen=True, slots=True)
class Counted:
    count: int
    amounts: TaxHeads


async def summary(
    session: AsyncSession, shop_id: int, *, date_from: dt.date | None, date_to: dt.date | None
) -> dict[str, Counted]:
    """{part: sums} for `invoices`, `credit_notes`, `input` and `reverse_charge`."""
    rows = await session.execute(
        _SUMMARY, {"shop_id": shop_id, "date_from": date_from, "date_to": date_to}
    )
    return {
        row.part: Counted(
            int(row.documents), TaxHeads(row.taxable_value, row.cgst, row.sgst, row.igst, row.cess)
        )
        for row in rows
    }


_MONTH = """{day} >= CAST(:first_day AS date) AND {day} < CAST(:next_first AS date)"""

_INVOICES = text(
    f"""
SELECT s.id, s.bill_no, s.sale_date, s.status, s.total_amount, s.buyer_gstin, s.buyer_name,
       s.place_of_supply
FROM sales AS s
WHERE s.shop_id = :shop_id AND s.document_type = 'tax_invoice' AND s.bill_no IS NOT NULL
  AND {_MONTH.format(day="s.sale_date")}
ORDER BY s.id
"""  # noqa: S608
)
_INVOICE_LINES = text(
    f"""
SELECT l.sale_id AS document_id, l.gst_rate, l.hsn_code, l.quantity, l.taxable_value, l.cgst,
       l.sgst, l.igst, l.cess, p.unit, p.name
FROM sales AS s
JOIN sale_lines AS l ON l.shop_id = s.shop_id AND l.sale_id = s.id
JOIN products AS p ON p.shop_id = l.shop_id AND p.id = l.product_id
WHERE s.shop_id = :shop_id AND s.document_type = 'tax_invoice' AND s.status <> 'void'
  AND {_MONTH.format(day="s.sale_date")}
ORDER BY l.id
"""  # noqa: S608
)
_NOTES = text(
    f"""
SELECT r.id, r.credit_note_no, r.return_date, r.amount, s.id AS sale_id, s.bill_no,
       s.sale_date, s.status, s.total_amount, s.buyer_gstin, s.buyer_name, s.place_of_supply
FROM sale_returns AS r
JOIN sales AS s ON s.shop_id = r.shop_id AND s.id = r.sale_id
WHERE r.shop_id = :shop_id AND r.credit_note_no IS NOT NULL
  AND {_MONTH.format(day="r.return_date")}
ORDER BY r.id
"""  # noqa: S608
)
_NOTE_LINES = text(
    f"""
SELECT rl.return_id AS document_id, l.gst_rate, l.hsn_code, rl.quantity, rl.taxable_value,
       rl.cgst, rl.sgst, rl.igst, rl.cess, p.unit, p.name
FROM sale_returns AS r
JOIN sale_return_lines AS rl ON rl.shop_id = r.shop_id AND rl.return_id = r.id
JOIN sale_lines AS l ON l.shop_id = rl.shop_id AND l.id = rl.sale_line_id
JOIN products AS p ON p.shop_id = l.shop_id AND p.id = l.product_id
WHERE r.shop_id = :shop_id AND r.credit_note_no IS NOT NULL
  AND {_MONTH.format(day="r.return_date")}
ORDER BY rl.id
"""  # noqa: S608
)


@dataclass(frozen=True, slots=True)
class MonthRows:
    invoices: list[Invoice]
    invoice_lines: list[Line]
    notes: list[Note]
    note_lines: list[Line]


def _invoice(row: Any, *, id_column: str = "id", number: str = "bill_no") -> Invoice:
    return Invoice(
        id=getattr(row, id_column),
        number=getattr(row, number),
        date=row.sale_date,
        void=row.status == "void",
        value=row.total_amount,
        buyer_gstin=row.buyer_gstin,
        place_of_supply=row.place_of_supply,
        buyer_name=row.buyer_name,
    )


def _line(row: Any) -> Line:
    return Line(
        document_id=row.document_id,
        rate=row.gst_rate,
        hsn_code=row.hsn_code,
        quantity=row.quantity,
        amounts=TaxHeads(row.taxable_value, row.cgst, row.sgst, row.igst, row.cess),
        unit=row.unit,
        product_name=row.name,
    )


async def month_rows(
    session: AsyncSession, shop_id: int, first_day: dt.date, next_first: dt.date
) -> MonthRows:
    """The tax invoices dated in [first_day, next_first) (void ones too, for the documents
    table), the lines of the non-void ones, the credit notes dated then with their invoices,
    and the notes' lines (with the rate and HSN of the invoice line each reverses)."""
    params = {"shop_id": shop_id, "first_day": first_day, "next_first": next_first}
    invoices = [_invoice(row) for row in await session.execute(_INVOICES, params)]
    invoice_lines = [_line(row) for row in await session.execute(_INVOICE_LINES, params)]
    notes = [
        Note(
            id=row.id,
            number=row.credit_note_no,
            date=row.return_date,
            value=row.amount,
            invoice=_invoice(row, id_column="sale_id"),
        )
        for row in await session.execute(_NOTES, params)
    ]
    note_lines = [_line(row) for row in await session.execute(_NOTE_LINES, params)]
    return MonthRows(invoices, invoice_lines, notes, note_lines)
