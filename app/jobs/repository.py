"""Queries over `data_jobs` and `data_job_files`. No rules here (what a job may do next, when
to give up: that is the service and the runner).

Requests read and write through the shop's session (row-level security applies); workers
claim and finish jobs in system sessions, since one worker serves every shop. Every write of
a worker is fenced by `status = 'running' AND attempts = <its claim>`, so a worker that lost
its lease (and whose job another worker claimed) cannot overwrite what the next one records.
"""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_page
from app.models import DataJob, DataJobFile

CHUNK_BYTES = 1024 * 1024
"""A file is stored in rows of this many bytes (the last one shorter)."""

_DUE = text(
    """
SELECT shop_id, id FROM data_jobs
WHERE status IN ('queued', 'running') AND (leased_until IS NULL OR leased_until < now())
ORDER BY created_at, id
LIMIT :limit
FOR UPDATE SKIP LOCKED
"""
)
_SHOP_LOCK = text("SELECT pg_try_advisory_xact_lock((:shop_id % 2147483647)::int, 1246708307)")
"""The shop's claim lock, held to the end of the claiming transaction (key 2 spells JOBS)."""
_SHOP_BUSY = text(
    "SELECT EXISTS (SELECT 1 FROM data_jobs WHERE shop_id = :shop_id AND status = 'running' "
    "AND leased_until >= now())"
)
_TAKE = text(
    """
UPDATE data_jobs
SET status = 'running',
    attempts = attempts + 1,
    started_at = coalesce(started_at, now()),
    leased_until = now() + make_interval(secs => :lease_s),
    rows_done = 0
WHERE shop_id = :shop_id AND id = :id
"""
)
CANDIDATES = 16
"""Due jobs looked at per claim: the oldest of a shop that has no job running wins."""
_PURGE_EXPORTS = text(
    "DELETE FROM data_jobs WHERE (shop_id, id) IN ("
    "SELECT shop_id, id FROM data_jobs WHERE kind = 'export' AND status IN ('done', 'failed') "
    "AND finished_at < now() - make_interval(days => :days) LIMIT :limit)"
)


async def add_job(session: AsyncSession, values: dict[str, Any]) -> DataJob:
    job: DataJob = (
        await session.execute(insert(DataJob).values(**values).returning(DataJob))
    ).scalar_one()
    return job


async def store_file(
    session: AsyncSession, shop_id: int, job_id: int, role: str, path: Path
) -> int:
    """The file at `path` as the job's `role` chunks, one row at a time (memory stays flat);
    returns how many chunks."""
    parts = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            await session.execute(
                insert(DataJobFile).values(
                    shop_id=shop_id, job_id=job_id, role=role, part=parts, data=chunk
                )
            )
            parts += 1
    return parts


async def delete_files(session: AsyncSession, shop_id: int, job_id: int, role: str) -> None:
    await session.execute(
        delete(DataJobFile).where(
            DataJobFile.shop_id == shop_id, DataJobFile.job_id == job_id, DataJobFile.role == role
        )
    )


async def file_parts(session: AsyncSession, shop_id: int, job_id: int, role: str) -> int:
    """How many chunks the job's `role` file has."""
    count = await session.scalar(
        select(func.count()).where(
            DataJobFile.shop_id == shop_id, DataJobFile.job_id == job_id, DataJobFile.role == role
        )
    )
    return int(count or 0)


async def file_part(
    session: AsyncSession, shop_id: int, job_id: int, role: str, part: int
) -> bytes | None:
    data: bytes | None = await session.scalar(
        select(DataJobFile.data).where(
            DataJobFile.shop_id == shop_id,
            DataJobFile.job_id == job_id,
            DataJobFile.role == role,
            DataJobFile.part == part,
        )
    )
    return data


async def get_job(
    session: AsyncSession, shop_id: int, job_id: int, kinds: Iterable[str]
) -> DataJob | None:
    job: DataJob | None = await session.scalar(
        select(DataJob).where(
            DataJob.shop_id == shop_id, DataJob.id == job_id, DataJob.kind.in_(list(kinds))
        )
    )
    return job


async def list_jobs(
    session: AsyncSession, shop_id: int, kinds: Iterable[str], page: Page
) -> tuple[list[DataJob], int]:
    query = (
        select(DataJob)
        .where(DataJob.shop_id == shop_id, DataJob.kind.in_(list(kinds)))
        .order_by(DataJob.created_at.desc(), DataJob.id.desc())
    )
    return await fetch_page(session, query, page)


# ---- workers (system sessions) --------------------------------------------------------------


async def claim(session: AsyncSession, *, lease_s: float) -> DataJob | None:
    """Take the oldest due job (queued, or running with its lease run out) of a shop that has
    no job running: leased to the caller, its attempt counted. Jobs another runner is
    claiming are skipped, so no job runs twice at once, and a shop's jobs run one at a time
    (two imports of one catalogue at once would race to create the same products).

    A shop is claimed under a transaction-level advisory lock, and whether it is busy is read
    after the lock is taken (a statement of its own, so it sees a claim that committed just
    before): two runners cannot both find a shop idle.
    """
    due = (await session.execute(_DUE, {"limit": CANDIDATES})).all()
    for shop_id, job_id in due:
        if not await session.scalar(_SHOP_LOCK, {"shop_id": shop_id}):
            continue
        if await session.scalar(_SHOP_BUSY, {"shop_id": shop_id}):
            continue
        await session.execute(_TAKE, {"shop_id": shop_id, "id": job_id, "lease_s": lease_s})
        job: DataJob | None = await session.scalar(
            select(DataJob)
            .where(DataJob.shop_id == shop_id, DataJob.id == job_id)
            .execution_options(populate_existing=True)
        )
        return job
    return None


def _fenced(job: DataJob) -> Any:
    return (
        (DataJob.shop_id == job.shop_id)
        & (DataJob.id == job.id)
        & (DataJob.status == "running")
        & (DataJob.attempts == job.attempts)
    )


async def renew(session: AsyncSession, job: DataJob, *, lease_s: float, rows_done: int) -> bool:
    """Extend the caller's lease and record its progress; False when the job is no longer
    the caller's (its lease ran out and another worker claimed it)."""
    result = await session.execute(
        update(DataJob)
        .where(_fenced(job))
        .values(
            rows_done=rows_done,
            leased_until=func.now() + dt.timedelta(seconds=lease_s),
        )
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def hold(session: AsyncSession, job: DataJob) -> bool:
    """Lock the caller's job row for the rest of the transaction; False when it is no longer
    the caller's."""
    held = await session.scalar(select(DataJob.id).where(_fenced(job)).with_for_update())
    return held is not None


async def finish(
    session: AsyncSession,
    job: DataJob,
    *,
    status: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    rows_done: int | None = None,
    file_size: int | None = None,
) -> bool:
    """Record the end of the caller's job; False when it is no longer the caller's."""
    values: dict[str, Any] = {
        "status": status,
        "result": result,
        "error": error,
        "finished_at": func.now(),
        "leased_until": None,
    }
    if rows_done is not None:
        values["rows_done"] = rows_done
    if file_size is not None:
        values["file_size"] = file_size
    outcome = await session.execute(update(DataJob).where(_fenced(job)).values(**values))
    return cast(CursorResult[Any], outcome).rowcount == 1


async def purge_exports(session: AsyncSession, *, older_than: dt.timedelta, limit: int) -> int:
    """Delete finished exports (their zips with them) finished over `older_than` ago."""
    outcome = await session.execute(_PURGE_EXPORTS, {"days": older_than.days, "limit": limit})
    return int(cast(CursorResult[Any], outcome).rowcount or 0)
