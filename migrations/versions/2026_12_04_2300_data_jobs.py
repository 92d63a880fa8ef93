"""Import and export jobs over HTTP (issue 18): `data_jobs` and their files in chunks.

- `data_jobs`: an import (products, customers, vendors) or an export a shop's owner asked
  for: its options, progress, result (counts, heading mapping, row errors; or the export's
  manifest counts), the error of a failed one, and the lease a worker holds on it.
- `data_job_files`: the uploaded file (`input`) and the export zip (`output`) in ~1 MB
  chunks, so the API and the workers share nothing but the database.

Both are tenant tables owned by app.jobs: `(shop_id, id)` keys, row-level security forced,
the app role granted what requests need. Workers claim jobs in system sessions.

Revision ID: 0027_data_jobs
Revises: 0026_movement_date_index
Create Date: 2026-12-04 23:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.tenancy import grant_to_app, isolate

revision: str = "0027_data_jobs"
down_revision: str | None = "0026_movement_date_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = "kind IN ('import_products', 'import_customers', 'import_vendors', 'export')"
_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"
_ROLES = "role IN ('input', 'output')"


def _tenant_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "data_jobs",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), server_default="queued", nullable=False),
        sa.Column("dry_run", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("all_or_nothing", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_estimated", sa.Integer(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_data_jobs_shop_id_shops"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_data_jobs")),
        sa.CheckConstraint(_KINDS, name=op.f("ck_data_jobs_kind")),
        sa.CheckConstraint(_STATUSES, name=op.f("ck_data_jobs_status")),
        info={"tenant": True},
    )
    op.create_index("ix_data_jobs_shop_id_created_at", "data_jobs", ["shop_id", "created_at"])
    op.create_index(
        "ix_data_jobs_unfinished",
        "data_jobs",
        ["created_at"],
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_table(
        "data_job_files",
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(6), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        *_tenant_columns(),
        sa.ForeignKeyConstraint(
            ["shop_id", "job_id"],
            ["data_jobs.shop_id", "data_jobs.id"],
            name=op.f("fk_data_job_files_shop_id_job_id_data_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_data_job_files")),
        sa.UniqueConstraint(
            "shop_id",
            "job_id",
            "role",
            "part",
            name=op.f("uq_data_job_files_shop_id_job_id_role_part"),
        ),
        sa.CheckConstraint(_ROLES, name=op.f("ck_data_job_files_role")),
        info={"tenant": True},
    )
    # Chunks are already compressed (zip, xlsx) or written once and read once: no TOAST
    # compression attempt on every megabyte.
    op.execute("ALTER TABLE data_job_files ALTER COLUMN data SET STORAGE EXTERNAL")
    for table in ("data_jobs", "data_job_files"):
        for statement in isolate(table):
            op.execute(statement)
        op.execute(grant_to_app(table))


def downgrade() -> None:
    op.drop_table("data_job_files")
    op.drop_table("data_jobs")
