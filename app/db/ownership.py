"""Which domain owns each table: only the owner's SQL inserts, updates or deletes it.

docs/architecture.md, "Table ownership". A hot path that writes several domains' tables in one
round trip composes the owners' CTE fragments (`app/<owner>/sql.py`) instead of writing their
tables itself. `tests/db/test_table_ownership.py` parses every SQL statement in `app/` and
checks each write against this map. Data only: nothing here runs a query.
"""

OWNERS: dict[str, str] = {
    # accounts and sessions
    "shops": "app.auth",
    "users": "app.auth",
    "auth_sessions": "app.auth",
    "refresh_tokens": "app.auth",
    "auth_counters": "app.auth",
    "audit_log": "app.audit",
    "idempotency_keys": "app.idempotency",
    # the catalogue and its stock ledger
    "products": "app.products",
    "stock_movements": "app.stock",
    # parties and what they owe
    "customers": "app.parties",
    "vendors": "app.parties",
    "udhaar_entries": "app.udhaar",
    "udhaar_payments": "app.udhaar",
    "udhaar_settlements": "app.udhaar",
    # bills
    "sales": "app.sales",
    "sale_lines": "app.sales",
    "sale_returns": "app.sales",
    "sale_return_lines": "app.sales",
    "bill_counters": "app.sales",
    "purchases": "app.purchases",
    "purchase_lines": "app.purchases",
    "purchase_drafts": "app.drafts",
    "purchase_draft_lines": "app.drafts",
    # money spent (issue 17)
    "expenses": "app.expenses",
    "expense_categories": "app.expenses",
    "cash_counts": "app.cashbook",
    # messages and quotas
    "share_revocations": "app.invoices",
    "notifications": "app.notifications",
    "message_quota": "app.notifications",
    "daily_usage": "app.extraction",
    # summaries kept by triggers
    "daily_sales": "app.reports",
    # the sales analysis' rollups of past periods, built on demand by the report
    "sales_rollups": "app.reports",
    "sales_rollup_periods": "app.reports",
    # imports and exports run as jobs (issue 18): the jobs and their files in chunks
    "data_jobs": "app.jobs",
    "data_job_files": "app.jobs",
}
"""Table -> the package whose SQL (and ORM writes) may insert, update or delete its rows."""

COLUMN_OWNERS: dict[tuple[str, str], str] = {
    # A product's quantity is the cached sum of its stock movements (rule 4) and its cost the
    # moving average of what came in (rule 7): the stock ledger keeps both, in the locked
    # update that moves the stock. A purchase line may also set the selling price there, so
    # receiving stock stays one statement.
    ("products", "quantity"): "app.stock",
    ("products", "price_purchase"): "app.stock",
    ("products", "price_sale"): "app.stock",
    ("products", "updated_at"): "app.stock",
}
"""(table, column) -> a package that may UPDATE that column (and only it) of another's table."""


BULK_LOADERS: dict[str, str] = {
    "app.archive.restore": (
        "loads a shop's export into a new, empty shop: every exported table's rows as the "
        "owners wrote them (as pg_restore would), checked against the export's manifest; "
        "its statements are built per table at run time, so the SQL check cannot read them"
    ),
}
"""Modules that may write every table they load, and why: the one deliberate exception to
the map above (docs/architecture.md, "Table ownership")."""


def owner(table: str) -> str | None:
    """The package owning `table`, or None for a table missing from the map."""
    return OWNERS.get(table)


def may_write(package: str, table: str, columns: frozenset[str] | None = None) -> bool:
    """Whether code in `package` may write `table` (`columns`: the columns an UPDATE sets)."""
    if OWNERS.get(table) == package:
        return True
    if not columns:
        return False
    return all(COLUMN_OWNERS.get((table, column)) == package for column in columns)
