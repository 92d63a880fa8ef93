"""Import and export jobs (issue 18): what a shop asked for, how far it got, what came of it,
and the files they read and write, kept in PostgreSQL in chunks.

The database is the only state store: the API that takes an upload and the worker that runs
it may be on different machines, so the uploaded file and the export zip live in
`data_job_files` (about 1 MB a row), never on a local disk between request and worker.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, TenantChildModel, TenantModel

JOB_KINDS = ("import_products", "import_customers", "import_vendors", "export")
JOB_STATUSES = ("queued", "running", "done", "failed")
FILE_ROLES = ("input", "output")


class DataJob(TenantModel):
    """One import or export a shop's owner asked for; run by whichever worker claims it.

    A worker holds a job while `leased_until` is ahead and renews it as it goes; a job whose
    lease ran out (its worker died) is `running` but claimable again, and `attempts` counts
    the claims, which fence every write of a worker that lost its lease.
    """

    __tablename__ = "data_jobs"
    __table_args__ = (
        CheckConstraint(f"kind IN {JOB_KINDS}", name="kind"),
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
        Index("ix_data_jobs_shop_id_created_at", "shop_id", "created_at"),
        # The claim's scan: only the few unfinished jobs of every shop are in it.
        Index(
            "ix_data_jobs_unfinished",
            "created_at",
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), server_default="queued")
    dry_run: Mapped[bool] = mapped_column(Boolean, server_default="false")
    all_or_nothing: Mapped[bool] = mapped_column(Boolean, server_default="false")
    file_name: Mapped[str | None] = mapped_column(String(255))
    """The uploaded file's name as sent (an import), or the zip's name (an export)."""
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    """Bytes of the uploaded file, or of the export zip once written."""
    rows_done: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_estimated: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """What came of it: an import's counts, heading mapping and row errors; an export's
    manifest counts. Set when the job is done."""
    error: Mapped[str | None] = mapped_column(Text)
    """Why a failed job failed, for the shop (never a traceback)."""
    requested_by: Mapped[int] = mapped_column(BigInteger)
    """The user who asked (the owner); the import acts as them in the stock ledger."""
    created_at: Mapped[CreatedAt]
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    leased_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")


class DataJobFile(TenantChildModel):
    """One chunk of a job's file: `input` (the upload) or `output` (the export zip), in
    `part` order from 0."""

    __tablename__ = "data_job_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "job_id"], ["data_jobs.shop_id", "data_jobs.id"], ondelete="CASCADE"
        ),
        UniqueConstraint("shop_id", "job_id", "role", "part"),
        CheckConstraint(f"role IN {FILE_ROLES}", name="role"),
    )

    job_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(6))
    part: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
