"""Daily sales summary per shop, kept exact by statement-level triggers, and its backfill.

`daily_sales` holds, per shop and bill date, the non-void bills' count and totals and the
returns made against them. Every write to `sales` or `sale_returns` changes it in the same
statement, whoever the writer is (the API, raw SQL, the benchmark's bulk seed), so the
profit-and-loss report reads a few hundred summary rows instead of every bill.

How the triggers stay exact and cheap:
- FOR EACH STATEMENT with transition tables: a bulk INSERT ... SELECT of a million lines is one
  aggregate and one upsert per touched day, never a trigger call per row.
- Every change is a delta: a row's contribution (1 bill, its totals, its returns if it is not
  void) is added for the new version and subtracted for the old one. Deltas that cancel (a bill
  number assigned, a payment recorded) write nothing and lock nothing; on `sales`, a guard
  skips even computing them when no counted column changed.
- One upsert per statement adds the deltas with `x = x + EXCLUDED.x`, in NUMERIC (no float),
  touching days in (shop_id, day) order, so that writers that do share a slot (more than 16
  at once) lock its rows in the same order and cannot deadlock each other.
- Per-row lookups are LATERAL index probes (a bill's returns, a return's bill), so the plan
  stays linear whatever row count the cached plan was made for.
- A return locks its bill FOR SHARE before reading its status: a concurrent void then waits
  and its delta takes the return back out, or the return waits and sees the void. The API
  locks the bill FOR UPDATE first anyway; this keeps raw-SQL writers exact too.
- No hot row: a day has up to 16 slot rows and each writing transaction adds to a slot no
  other running transaction holds (chosen with advisory locks, see `_SLOTS`), so bills of one
  shop never queue on the summary, however long their transaction stays open after writing
  the bill. Readers sum the slots of a day; a quiet shop has one row per day.
- TRUNCATE (no transition tables) rebuilds the summary from the raw tables.
- No CHECKs on the sums: PostgreSQL checks an upsert's proposed row, which carries a delta
  (negative for a void), before it finds the row the delta is added to; and a slot row can
  go negative (a void added to another slot than its bill). Only a day's sum is meaningful.

Revision ID: 0007_daily_sales
Revises: 0006_search
Create Date: 2026-11-25 19:00
"""

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

from app.db.tenancy import grant_to_app, isolate

revision: str = "0007_daily_sales"
down_revision: str | None = "0006_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# All SQL below is assembled from this module's constants (hence the S608 waivers).
_SUMS = ("bills", "total_amount", "total_cost", "returned_amount", "returned_cost")
_COLUMNS = ", ".join(("shop_id", "day", "slot", *_SUMS))
_UNIQUE = "uq_daily_sales_shop_id_day_slot"

# Each writing transaction adds to its own slot row of a day, so concurrent bills of one shop
# never wait for each other here: the first slot whose advisory lock (shop, _SLOT_KEY + slot)
# is free is taken, and kept until the transaction ends. Readers sum a day's slots. Past
# _SLOTS concurrent writers of one shop, they share (and queue on) a slot, which is correct,
# only slower. A shop that writes one bill at a time has one row per day. A statement writing
# for several shops (bulk SQL) uses the slot of its first shop for all of them.
_SLOTS = 16
_SLOT_KEY = 0x44530000  # "DS": daily_sales's range of two-key advisory locks
_SLOT_FUNCTION = f"""
CREATE FUNCTION daily_sales_slot(shop bigint) RETURNS smallint LANGUAGE plpgsql AS $fn$
BEGIN
    IF shop IS NULL THEN
        RETURN 0;
    END IF;
    FOR slot IN 0..{_SLOTS - 1} LOOP
        IF pg_try_advisory_xact_lock((shop % 2147483647)::int, {_SLOT_KEY} + slot) THEN
            RETURN slot;
        END IF;
    END LOOP;
    RETURN pg_backend_pid() % {_SLOTS};
END
$fn$
"""

# The raw figures, as the report computed them before this table: non-void bills grouped by
# date, with their returns summed per bill first (a bill with two returns is one bill).
_FROM_RAW = f"""
INSERT INTO daily_sales ({_COLUMNS})
SELECT s.shop_id, s.sale_date, 0, count(*), sum(s.total_amount), sum(s.total_cost),
       coalesce(sum(r.amount), 0), coalesce(sum(r.cost), 0)
FROM sales AS s
LEFT JOIN (
    SELECT shop_id, sale_id, sum(amount) AS amount, sum(cost) AS cost
    FROM sale_returns GROUP BY shop_id, sale_id
) AS r ON r.shop_id = s.shop_id AND r.sale_id = s.id
WHERE s.status <> 'void'
GROUP BY s.shop_id, s.sale_date
ORDER BY s.shop_id, s.sale_date
"""  # noqa: S608


def _apply(deltas: str, rows: str) -> str:
    """Add the per-(shop, day) sums of `deltas` (shop_id, day, then _SUMS) to the summary.

    The slot is an uncorrelated subquery, so PostgreSQL evaluates it once per statement,
    and only if some delta is left to add (no advisory lock for a change that cancels out).
    """
    nonzero = " OR ".join(f"sum({name}) <> 0" for name in _SUMS)
    slot = f"(SELECT daily_sales_slot(x.shop_id) FROM {rows} AS x LIMIT 1)"  # noqa: S608
    return f"""
    INSERT INTO daily_sales AS d ({_COLUMNS})
    SELECT shop_id, day, {slot}, {", ".join(f"sum({name})" for name in _SUMS)}
    FROM ({deltas}) AS delta
    GROUP BY shop_id, day
    HAVING {nonzero}
    ORDER BY shop_id, day
    ON CONFLICT ON CONSTRAINT {_UNIQUE} DO UPDATE SET
        {", ".join(f"{name} = d.{name} + EXCLUDED.{name}" for name in _SUMS)}
    """  # noqa: S608


def _bills(rows: str, sign: str = "") -> str:
    """The contribution of the live bills in transition table `rows`: 1 bill, totals, returns."""
    return f"""
    SELECT s.shop_id, s.sale_date AS day, {sign}1 AS bills,
           {sign}s.total_amount AS total_amount, {sign}s.total_cost AS total_cost,
           {sign}r.amount AS returned_amount, {sign}r.cost AS returned_cost
    FROM {rows} AS s
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(x.amount), 0) AS amount, coalesce(sum(x.cost), 0) AS cost
        FROM sale_returns AS x WHERE x.shop_id = s.shop_id AND x.sale_id = s.id
    ) AS r
    WHERE s.status <> 'void'
    """  # noqa: S608


# A bill being inserted has no returns yet (their foreign key needs it), so no lookup.
_NEW_BILLS = """
    SELECT shop_id, sale_date AS day, 1 AS bills, total_amount, total_cost,
           0 AS returned_amount, 0 AS returned_cost
    FROM new_rows WHERE status <> 'void'
"""


def _returns(rows: str, sign: str = "") -> str:
    """The contribution of the returns in `rows` whose bill is live, on the bill's day."""
    return f"""
    SELECT s.shop_id, s.sale_date AS day, 0 AS bills, 0 AS total_amount, 0 AS total_cost,
           {sign}r.amount AS returned_amount, {sign}r.cost AS returned_cost
    FROM {rows} AS r
    CROSS JOIN LATERAL (
        SELECT x.shop_id, x.sale_date FROM sales AS x
        WHERE x.shop_id = r.shop_id AND x.id = r.sale_id AND x.status <> 'void'
        FOR SHARE
    ) AS s
    """  # noqa: S608


def _function(name: str, body: str) -> str:
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        {body};
        RETURN NULL;
    END
    $fn$
    """


# An UPDATE that changed none of the columns counted here (a bill number, a payment) adds
# deltas that cancel; this guard skips even computing them. EXCEPT rather than a join of
# old and new rows: its plan stays linear whatever row count the cached plan was made for.
_BILLS_UNCHANGED = """
    IF NOT EXISTS (
        SELECT shop_id, id, sale_date, status, total_amount, total_cost FROM new_rows
        EXCEPT
        SELECT shop_id, id, sale_date, status, total_amount, total_cost FROM old_rows
    ) THEN
        RETURN NULL;
    END IF;
"""


class _Trigger(NamedTuple):
    function: str
    table: str
    event: str
    transitions: str
    deltas: str
    guard: str = ""

    def create_function(self) -> str:
        rows = "new_rows" if "new_rows" in self.transitions else "old_rows"
        return _function(self.function, f"{self.guard} {_apply(self.deltas, rows)}")

    def create_trigger(self) -> str:
        return (
            f"CREATE TRIGGER {self.function} AFTER {self.event} ON {self.table} "
            f"REFERENCING {self.transitions} FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()"
        )


_NEW = "NEW TABLE AS new_rows"
_OLD = "OLD TABLE AS old_rows"
_TRIGGERS = (
    _Trigger("daily_sales_bills_inserted", "sales", "INSERT", _NEW, _NEW_BILLS),
    _Trigger(
        "daily_sales_bills_updated",
        "sales",
        "UPDATE",
        f"{_OLD} {_NEW}",
        f"{_bills('new_rows')} UNION ALL {_bills('old_rows', '-')}",
        guard=_BILLS_UNCHANGED,
    ),
    _Trigger("daily_sales_bills_deleted", "sales", "DELETE", _OLD, _bills("old_rows", "-")),
    _Trigger("daily_sales_returns_inserted", "sale_returns", "INSERT", _NEW, _returns("new_rows")),
    _Trigger(
        "daily_sales_returns_updated",
        "sale_returns",
        "UPDATE",
        f"{_OLD} {_NEW}",
        f"{_returns('new_rows')} UNION ALL {_returns('old_rows', '-')}",
    ),
    _Trigger(
        "daily_sales_returns_deleted", "sale_returns", "DELETE", _OLD, _returns("old_rows", "-")
    ),
)
_REBUILD = "daily_sales_rebuild"
# Writers of either table wait (SHARE) so that none adds to a slot between DELETE and INSERT.
_REBUILD_BODY = f"""
    LOCK TABLE sales, sale_returns IN SHARE MODE;
    DELETE FROM daily_sales;
    {_FROM_RAW}
"""  # noqa: S608
_TRUNCATED = ("sales", "sale_returns")


def upgrade() -> None:
    op.create_table(
        "daily_sales",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("bills", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("returned_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("returned_cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_daily_sales_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_daily_sales")),
        sa.UniqueConstraint("shop_id", "day", "slot", name=_UNIQUE),
        info={"tenant": True},
    )
    # The triggers run as the writer: the app role upserts its own shop's rows under RLS.
    op.execute(grant_to_app("daily_sales", "SELECT, INSERT, UPDATE"))
    for statement in isolate("daily_sales"):
        op.execute(statement)

    op.execute(_SLOT_FUNCTION)
    for trigger in _TRIGGERS:
        op.execute(trigger.create_function())
        op.execute(trigger.create_trigger())
    op.execute(_function(_REBUILD, _REBUILD_BODY))
    for table in _TRUNCATED:
        op.execute(
            f"CREATE TRIGGER {_REBUILD} AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_REBUILD}()"
        )
    # After the triggers exist: CREATE TRIGGER has locked out writers until this commits, so
    # no bill can fall between the backfill and the first trigger call.
    op.execute(_FROM_RAW)


def downgrade() -> None:
    for table in _TRUNCATED:
        op.execute(f"DROP TRIGGER {_REBUILD} ON {table}")
    op.execute(f"DROP FUNCTION {_REBUILD}()")
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger.function} ON {trigger.table}")
        op.execute(f"DROP FUNCTION {trigger.function}()")
    op.execute("DROP FUNCTION daily_sales_slot(bigint)")
    op.drop_table("daily_sales")
