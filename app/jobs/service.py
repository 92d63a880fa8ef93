"""Import and export jobs as a shop's owner sees them: taking an upload, queueing jobs,
reading their progress and results, and handing out an export's zip.

An upload is checked while its request waits, so a file that can never be imported is a 4xx
at once rather than a failed job later: its size (`IMPORT_MAX_BYTES`, 413 `file_too_large`),
that it is not empty, that it is a CSV or XLSX we can read (no zip bomb, no binary, a known
text encoding) and that its heading row maps onto the kind's fields (422 with the reason).
Only the header is read here (in a thread); the rows are read by the worker. The file's
chunks and the queued job are written in the request's one transaction, so a job never
exists without its file. The rows themselves are imported by `app.jobs.runner`.
"""

import asyncio
import datetime as dt
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.archive.tables import EXPORTED
from app.auth import service as auth_service
from app.core.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound
from app.core.pagination import Page
from app.core.security import Principal
from app.db.session import enter_shop
from app.imports.headers import HeaderError
from app.imports.reading import FileProblem, open_sheet
from app.jobs import repository
from app.jobs.kinds import EXPORT, IMPORTS, ImportKind
from app.jobs.schemas import (
    ExportJobOut,
    HeadingMapping,
    ImportCounts,
    ImportJobOut,
    ImportJobSummary,
    Progress,
    RowErrorOut,
)
from app.models import DataJob

INPUT = "input"
OUTPUT = "output"
MAX_ROW_ERRORS = 1000
"""Row errors a job keeps (the total is counted apart)."""
_READ_BYTES = 1024 * 1024
_NAME_BYTES = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_IMPORT_KINDS = tuple(kind.job_kind for kind in IMPORTS.values())


class FileTooLarge(AppError):
    status_code = 413
    code = "file_too_large"


class UnreadableFile(InvalidInput):
    """The upload is no CSV or XLSX we can read (binary, a zip bomb, a text encoding we do
    not know, an empty file)."""

    code = "unreadable_file"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, loc=("body", "file"))


class UnusableHeadings(InvalidInput):
    """The heading row cannot be imported (no name column, two columns for one field)."""

    code = "unusable_headings"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, loc=("body", "file"))


class ImportNotFound(NotFound):
    pass


class ExportNotFound(NotFound):
    pass


class ExportNotReady(Conflict):
    code = "export_not_ready"


@dataclass(frozen=True)
class Upload:
    """A received upload, checked: where it waits on this machine, and what it is."""

    path: Path
    name: str
    size: int
    sha256: str
    kind: ImportKind
    estimated_rows: int | None


def safe_name(raw: str | None) -> str:
    """The upload's file name without folders or control characters (it names the file in
    messages and in the ledger's notes, and the temporary file a worker reads), shortened to
    what a file system takes (`_NAME_BYTES` of UTF-8, its extension kept); `upload` when
    nothing is left."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = _UNSAFE.sub("", name).strip()
    if name in ("", ".", ".."):
        return "upload"
    path = PurePosixPath(name)
    stem, suffix = path.stem, path.suffix[: _NAME_BYTES // 4]
    while len((stem + suffix).encode()) > _NAME_BYTES:
        stem = stem[:-1]
    return (stem + suffix) or "upload"


async def check_uploader(maker: async_sessionmaker[AsyncSession], principal: Principal) -> None:
    """The caller's login session is live (401) and they are the owner (403): checked in a
    short transaction of its own before the upload is read, which holds no connection."""
    async with maker() as session, session.begin():
        await auth_service.check_session(session, principal)
    if principal.role != "owner":
        raise Forbidden("Only the shop owner can do this")


async def receive_upload(
    upload: UploadFile, folder: Path, *, kind: ImportKind, max_bytes: int
) -> Upload:
    """Copy the upload into `folder` (counting bytes, hashing them) and check its header."""
    name = safe_name(upload.filename)
    path = folder / name
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as stream:
        while chunk := await upload.read(_READ_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge(
                    f"{name} is larger than {max_bytes:,} bytes; split it into smaller files",
                    limit=max_bytes,
                )
            digest.update(chunk)
            stream.write(chunk)
    if size == 0:
        raise UnreadableFile(f"{name} is empty")
    estimated_rows = await asyncio.to_thread(_check_header, path, kind)
    return Upload(path, name, size, digest.hexdigest(), kind, estimated_rows)


def _check_header(path: Path, kind: ImportKind) -> int | None:
    """Open the file and map its heading row (no data row is read); its estimated rows."""
    try:
        with open_sheet(path) as sheet:
            kind.headings(sheet.headings)
            return sheet.estimated_rows
    except FileProblem as exc:
        raise UnreadableFile(str(exc)) from exc
    except HeaderError as exc:
        raise UnusableHeadings(str(exc)) from exc


async def queue_import(
    session: AsyncSession,
    principal: Principal,
    upload: Upload,
    *,
    dry_run: bool,
    all_or_nothing: bool,
) -> ImportJobOut:
    """The upload's chunks and its queued job, in the request's transaction."""
    job = await repository.add_job(
        session,
        {
            "shop_id": principal.shop_id,
            "kind": upload.kind.job_kind,
            "dry_run": dry_run,
            "all_or_nothing": all_or_nothing,
            "file_name": upload.name,
            "file_size": upload.size,
            "rows_estimated": upload.estimated_rows,
            "requested_by": principal.user_id,
        },
    )
    await repository.store_file(session, principal.shop_id, job.id, INPUT, upload.path)
    return import_out(job)


async def import_job(session: AsyncSession, shop_id: int, import_id: int) -> ImportJobOut:
    job = await repository.get_job(session, shop_id, import_id, _IMPORT_KINDS)
    if job is None:
        raise ImportNotFound(f"Import {import_id} not found")
    return import_out(job)


async def import_jobs(
    session: AsyncSession, shop_id: int, page: Page
) -> tuple[list[ImportJobSummary], int]:
    jobs, total = await repository.list_jobs(session, shop_id, _IMPORT_KINDS, page)
    return [ImportJobSummary.model_validate(import_out(job).model_dump()) for job in jobs], total


async def queue_export(
    session: AsyncSession, principal: Principal, *, keep_days: int
) -> ExportJobOut:
    now = dt.datetime.now(dt.UTC)
    job = await repository.add_job(
        session,
        {
            "shop_id": principal.shop_id,
            "kind": EXPORT,
            "file_name": f"dukaan-export-{now:%Y%m%d-%H%M%S}.zip",
            "rows_estimated": len(EXPORTED),
            "requested_by": principal.user_id,
        },
    )
    return export_out(job, keep_days)


async def export_job(
    session: AsyncSession, shop_id: int, export_id: int, *, keep_days: int
) -> ExportJobOut:
    return export_out(await _export(session, shop_id, export_id), keep_days)


async def _export(session: AsyncSession, shop_id: int, export_id: int) -> DataJob:
    job = await repository.get_job(session, shop_id, export_id, (EXPORT,))
    if job is None:
        raise ExportNotFound(f"Export {export_id} not found")
    return job


async def export_jobs(
    session: AsyncSession, shop_id: int, page: Page, *, keep_days: int
) -> tuple[list[ExportJobOut], int]:
    jobs, total = await repository.list_jobs(session, shop_id, (EXPORT,), page)
    return [export_out(job, keep_days) for job in jobs], total


@dataclass(frozen=True)
class Download:
    file_name: str
    size: int
    parts: int


async def export_download(session: AsyncSession, shop_id: int, export_id: int) -> Download:
    """What the zip of a done export is; 409 while it is being made (or when it failed)."""
    job = await _export(session, shop_id, export_id)
    if job.status != "done":
        reason = f": {job.error}" if job.error else ""
        raise ExportNotReady(f"Export {export_id} is {job.status}, no zip to download{reason}")
    parts = await repository.file_parts(session, shop_id, job.id, OUTPUT)
    return Download(job.file_name or f"export-{job.id}.zip", job.file_size or 0, parts)


async def export_chunks(
    maker: async_sessionmaker[AsyncSession], shop_id: int, export_id: int, parts: int
) -> AsyncIterator[bytes]:
    """The zip's chunks in order, each read in a short transaction of its own as the shop,
    so a slow download holds no connection between chunks."""
    for part in range(parts):
        async with maker() as session, session.begin():
            await enter_shop(session, shop_id)
            data = await repository.file_part(session, shop_id, export_id, OUTPUT, part)
        if data is None:  # deleted by housekeeping mid-download: cut the response short
            raise ExportNotFound(f"Export {export_id} was deleted during the download")
        yield data


# ---- replies ----------------------------------------------------------------------------


def _progress(job: DataJob) -> Progress:
    return Progress(rows_done=job.rows_done, rows_estimated=job.rows_estimated)


def import_out(job: DataJob) -> ImportJobOut:
    result: dict[str, Any] = job.result or {}
    counts = result.get("counts")
    mapping = result.get("mapping")
    return ImportJobOut(
        import_id=job.id,
        kind=IMPORT_NAMES.get(job.kind, job.kind),
        status=job.status,
        file_name=job.file_name,
        file_size=job.file_size,
        dry_run=job.dry_run,
        all_or_nothing=job.all_or_nothing,
        progress=_progress(job),
        counts=ImportCounts(**counts) if counts else None,
        recorded=result.get("recorded", {}),
        written=result.get("written"),
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        mapping=HeadingMapping(**mapping) if mapping else None,
        errors=[RowErrorOut(**error) for error in result.get("errors", [])],
        errors_total=int(result.get("errors_total", 0)),
    )


IMPORT_NAMES = {kind.job_kind: kind.name for kind in IMPORTS.values()}


def export_out(job: DataJob, keep_days: int) -> ExportJobOut:
    result: dict[str, Any] = job.result or {}
    done = job.status == "done"
    return ExportJobOut(
        export_id=job.id,
        status=job.status,
        file_name=job.file_name,
        size=job.file_size if done else None,
        download_url=f"/api/exports/{job.id}/download" if done else None,
        tables=result.get("tables"),
        schema_version=result.get("schema_version"),
        progress=_progress(job),
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        expires_at=(
            job.finished_at + dt.timedelta(days=keep_days) if job.finished_at is not None else None
        ),
    )
