"""Per-line discounts on sale, purchase and draft lines; the discount given per day.

Sale and purchase lines (and purchase draft lines) gain `discount`: money off the whole line,
so `line_total = quantity x rate - discount` (issue 13). A sale also stores its lines' sum
as `discount_total`, which lets the `daily_sales` triggers add up the discount given per
day from the bills alone, as they add up totals and costs. The trigger functions of
migration 0007 are replaced by the same functions with one more sum, `discount`; returns
leave it unchanged (a return is valued at the net rate: its discount stays given).

Existing rows have no discount, so every new column starts at 0 and no backfill is needed.

Revision ID: 0013_line_discounts
Revises: 0012_idempotency_user
Create Date: 2026-12-03 23:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_line_discounts"
down_revision: str | None = "0012_idempotency_user"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LINES = ("sale_lines", "purchase_lines", "purchase_draft_lines")

# The trigger functions of 0007, generated for a given set of sums (all SQL below is
# assembled from this module's constants, hence the S608 waivers). Only the sums differ
# between the two versions; the structure and reasoning are 0007's.
_OLD_SUMS = ("bills", "total_amount", "total_cost", "returned_amount", "returned_cost")
_NEW_SUMS = (*_OLD_SUMS, "discount")
_UNIQUE = "uq_daily_sales_shop_id_day_slot"


def _columns(sums: tuple[str, ...]) -> str:
    return ", ".join(("shop_id", "day", "slot", *sums))


def _has_discount(sums: tuple[str, ...]) -> bool:
    return "discount" in sums


def _from_raw(sums: tuple[str, ...]) -> str:
    discount = ", sum(s.discount_total)" if _has_discount(sums) else ""
    return f"""
    INSERT INTO daily_sales ({_columns(sums)})
    SELECT s.shop_id, s.sale_date, 0, count(*), sum(s.total_amount), sum(s.total_cost),
           coalesce(sum(r.amount), 0), coalesce(sum(r.cost), 0){discount}
    FROM sales AS s
    LEFT JOIN (
        SELECT shop_id, sale_id, sum(amount) AS amount, sum(cost) AS cost
        FROM sale_returns GROUP BY shop_id, sale_id
    ) AS r ON r.shop_id = s.shop_id AND r.sale_id = s.id
    WHERE s.status <> 'void'
    GROUP BY s.shop_id, s.sale_date
    ORDER BY s.shop_id, s.sale_date
    """  # noqa: S608


def _apply(sums: tuple[str, ...], deltas: str, rows: str) -> str:
    nonzero = " OR ".join(f"sum({name}) <> 0" for name in sums)
    slot = f"(SELECT daily_sales_slot(x.shop_id) FROM {rows} AS x LIMIT 1)"  # noqa: S608
    return f"""
    INSERT INTO daily_sales AS d ({_columns(sums)})
    SELECT shop_id, day, {slot}, {", ".join(f"sum({name})" for name in sums)}
    FROM ({deltas}) AS delta
    GROUP BY shop_id, day
    HAVING {nonzero}
    ORDER BY shop_id, day
    ON CONFLICT ON CONSTRAINT {_UNIQUE} DO UPDATE SET
        {", ".join(f"{name} = d.{name} + EXCLUDED.{name}" for name in sums)}
    """  # noqa: S608


def _bills(sums: tuple[str, ...], rows: str, sign: str = "") -> str:
    discount = f", {sign}s.discount_total AS discount" if _has_discount(sums) else ""
    return f"""
    SELECT s.shop_id, s.sale_date AS day, {sign}1 AS bills,
           {sign}s.total_amount AS total_amount, {sign}s.total_cost AS total_cost,
           {sign}r.amount AS returned_amount, {sign}r.cost AS returned_cost{discount}
    FROM {rows} AS s
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(x.amount), 0) AS amount, coalesce(sum(x.cost), 0) AS cost
        FROM sale_returns AS x WHERE x.shop_id = s.shop_id AND x.sale_id = s.id
    ) AS r
    WHERE s.status <> 'void'
    """  # noqa: S608


def _new_bills(sums: tuple[str, ...]) -> str:
    discount = ", discount_total AS discount" if _has_discount(sums) else ""
    return f"""
    SELECT shop_id, sale_date AS day, 1 AS bills, total_amount, total_cost,
           0 AS returned_amount, 0 AS returned_cost{discount}
    FROM new_rows WHERE status <> 'void'
    """  # noqa: S608


def _returns(sums: tuple[str, ...], rows: str, sign: str = "") -> str:
    discount = ", 0 AS discount" if _has_discount(sums) else ""
    return f"""
    SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
           {sign}r.amount AS returned_amount, {sign}r.cost AS returned_cost{discount}
    FROM {rows} AS r
    CROSS JOIN LATERAL (
        SELECT x.shop_id, x.sale_date FROM sales AS x
        WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
        FOR SHARE
    ) AS s
    """  # noqa: S608


def _bills_unchanged(sums: tuple[str, ...]) -> str:
    columns = "shop_id, id, sale_date, status, total_amount, total_cost"
    if _has_discount(sums):
        columns += ", discount_total"
    return f"""
    IF NOT EXISTS (
        SELECT {columns} FROM new_rows
        EXCEPT
        SELECT {columns} FROM old_rows
    ) THEN
        RETURN NULL;
    END IF;
    """  # noqa: S608


def _function(name: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        {body};
        RETURN NULL;
    END
    $fn$
    """


def _functions(sums: tuple[str, ...]) -> list[str]:
    """The six trigger functions and the TRUNCATE rebuild, for the summary's `sums`."""

    def apply(deltas: str, rows: str, guard: str = "") -> str:
        return f"{guard} {_apply(sums, deltas, rows)}"

    return [
        _function("daily_sales_bills_inserted", apply(_new_bills(sums), "new_rows")),
        _function(
            "daily_sales_bills_updated",
            apply(
                f"{_bills(sums, 'new_rows')} UNION ALL {_bills(sums, 'old_rows', '-')}",
                "new_rows",
                guard=_bills_unchanged(sums),
            ),
        ),
        _function("daily_sales_bills_deleted", apply(_bills(sums, "old_rows", "-"), "old_rows")),
        _function("daily_sales_returns_inserted", apply(_returns(sums, "new_rows"), "new_rows")),
        _function(
            "daily_sales_returns_updated",
            apply(
                f"{_returns(sums, 'new_rows')} UNION ALL {_returns(sums, 'old_rows', '-')}",
                "new_rows",
            ),
        ),
        _function(
            "daily_sales_returns_deleted", apply(_returns(sums, "old_rows", "-"), "old_rows")
        ),
        _function(
            "daily_sales_rebuild",
            "LOCK TABLE sales, sale_returns IN SHARE MODE; DELETE FROM daily_sales; "  # noqa: S608
            + _from_raw(sums),
        ),
    ]


def _money_column(table: str, name: str) -> None:
    op.add_column(
        table,
        sa.Column(name, sa.Numeric(precision=14, scale=2), server_default="0", nullable=False),
    )
    op.create_check_constraint(op.f(f"ck_{table}_{name}_not_negative"), table, f"{name} >= 0")


def upgrade() -> None:
    for table in _LINES:
        _money_column(table, "discount")
    _money_column("sales", "discount_total")
    op.add_column(
        "daily_sales",
        sa.Column(
            "discount", sa.Numeric(precision=14, scale=2), server_default="0", nullable=False
        ),
    )
    for statement in _functions(_NEW_SUMS):
        op.execute(statement)


def downgrade() -> None:
    for statement in _functions(_OLD_SUMS):
        op.execute(statement)
    op.drop_column("daily_sales", "discount")
    op.drop_constraint("ck_sales_discount_total_not_negative", "sales", type_="check")
    op.drop_column("sales", "discount_total")
    for table in _LINES:
        op.drop_constraint(f"ck_{table}_discount_not_negative", table, type_="check")
        op.drop_column(table, "discount")
