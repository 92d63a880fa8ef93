"""Which tables an export holds, which it leaves out and why. Data only: no queries.

Every table of the schema is in exactly one of `EXPORTED` and `LEFT_OUT`
(`tests/archive/test_export.py` checks it against the models' metadata), so a table added
later must be placed before exports pass again.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportedTable:
    """One CSV of the export: `table`'s rows of the shop, all columns but `omit`."""

    table: str
    shop_column: str = "shop_id"
    """The column naming the shop (`id` for the `shops` row itself)."""
    order_by: tuple[str, ...] = ("id",)
    """The primary key after the shop's own column: rows are written in this order."""
    omit: tuple[str, ...] = ()
    """Columns never exported (secrets)."""
    sums: tuple[str, ...] = ()
    """NUMERIC columns whose exact sums the manifest carries, for a restore to check."""

    @property
    def file(self) -> str:
        return f"{self.table}.csv"


EXPORTED: tuple[ExportedTable, ...] = (
    ExportedTable("shops", shop_column="id", order_by=("id",)),
    # Logins without their secrets: a restored shop's people set new passwords.
    ExportedTable("users", omit=("password_hash",)),
    ExportedTable("products", sums=("quantity",)),
    ExportedTable("customers"),
    ExportedTable("vendors"),
    ExportedTable("sales", sums=("total_amount", "amount_paid", "total_cost", "profit")),
    ExportedTable("sale_lines", sums=("quantity", "line_total")),
    ExportedTable("sale_returns", sums=("amount", "refund_amount")),
    ExportedTable("sale_return_lines", sums=("quantity", "amount")),
    ExportedTable("bill_counters"),
    ExportedTable("purchases", sums=("total_amount", "amount_paid")),
    ExportedTable("purchase_lines", sums=("quantity", "line_total")),
    ExportedTable("stock_movements", sums=("quantity",)),
    ExportedTable("purchase_drafts"),
    ExportedTable("purchase_draft_lines"),
    ExportedTable("udhaar_entries", sums=("amount",)),
    ExportedTable("udhaar_payments", sums=("amount",)),
    ExportedTable("udhaar_settlements", sums=("amount",)),
    ExportedTable("expense_categories"),
    ExportedTable("expenses", sums=("amount",)),
    ExportedTable("cash_counts", sums=("counted",)),
    ExportedTable("audit_log"),
)
"""In the order a restore inserts them: every row's references come earlier."""


LEFT_OUT: dict[str, str] = {
    # derived: rebuilt from the bills
    "daily_sales": "derived: kept by triggers on sales and returns, rebuilt from the bills",
    "sales_rollups": "derived: the sales analysis rebuilds them from the bills on demand",
    "sales_rollup_periods": "derived: the fingerprints of sales_rollups, rebuilt with them",
    # logins and their secrets
    "auth_sessions": "session state: logins on devices; a restored shop logs in afresh",
    "refresh_tokens": "secrets: hashes of refresh tokens of those logins",
    "auth_counters": "rate-limit counters of logins and registrations (no shop's data)",
    # short-lived
    "idempotency_keys": "ephemeral: stored replies of retried requests, expiring in hours",
    "message_quota": "rate-limit counter: messages sent per day against the daily cap",
    "daily_usage": "rate-limit counter: bill photos read per day",
    "notifications": (
        "the outbox: delivery state of messages (sent ones may carry share links); "
        "restoring it would send queued messages again"
    ),
    "share_revocations": (
        "share-link state: links are signed for this shop's id, which a restored shop "
        "does not have, so none of them can open it"
    ),
    "data_jobs": (
        "job state: imports and exports asked for over HTTP, their progress and results "
        "(the rows they wrote are in the exported tables)"
    ),
    "data_job_files": (
        "job files: uploads waiting to be imported, and export zips (an export would hold "
        "the exports before it), deleted after days"
    ),
}
"""Table -> why an export leaves it out."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads as a formula."""

FORMULA_GUARD = (
    "A text value that starts with one of = + - @ TAB CR, after any number of leading "
    "apostrophes ('), gets one more apostrophe in front, so no spreadsheet runs it as a "
    "formula; only text columns, never numbers (-12.50 stays). A restore removes exactly one "
    "leading apostrophe from a text value that is one or more apostrophes followed by one "
    "of those characters."
)
"""The manifest's description of the guard (the rule `guarded` in `export` implements)."""
