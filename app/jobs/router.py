"""HTTP endpoints of /api/imports and /api/exports: the owner's alone (staff 403).

An upload is received and checked by `checked_upload`, declared before the session in the
endpoint's signature, so no database connection is held while the file is copied and its
header read (the caller's login and role are checked first, in a short transaction). Both
POSTs answer 202 with the queued job and its `Location`; the work happens in a worker
(`app.jobs.runner`).
"""

import json
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.config import JobSettings
from app.core.openapi import AUTHED, BODY, WRITE, error_responses, link
from app.core.pagination import IdPath, PageDep, page_headers
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.db.session import SessionMakerDep
from app.idempotency.service import IdempotencyKeyDep, idempotent
from app.jobs import service
from app.jobs.kinds import IMPORTS, ImportKindName
from app.jobs.schemas import ExportJobOut, ImportFingerprint, ImportJobOut, ImportJobSummary

router = APIRouter(prefix="/api", tags=["imports and exports"], route_class=DecimalRoute)

_IMPORT = {"import_id": "$response.body#/import_id"}
_EXPORT = {"export_id": "$response.body#/export_id"}
_LOCATION = {"Location": {"description": "The job's URL, to poll", "schema": {"type": "string"}}}
_IMPORT_QUEUED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Queued: poll the job at `Location`",
        "headers": _LOCATION,
        "links": {"get": link("GET", "/api/imports/{import_id}", **_IMPORT)},
    }
}
_EXPORT_QUEUED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Queued: poll the job at `Location`",
        "headers": _LOCATION,
        "links": {
            "get": link("GET", "/api/exports/{export_id}", **_EXPORT),
            "download": link("GET", "/api/exports/{export_id}/download", **_EXPORT),
        },
    }
}
_ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export's zip: one CSV per table and manifest.json",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def job_settings(request: Request) -> JobSettings:
    settings: JobSettings = request.app.state.settings.jobs
    return settings


JobSettingsDep = Annotated[JobSettings, Depends(job_settings)]


async def checked_upload(
    principal: PrincipalDep,
    maker: SessionMakerDep,
    settings: JobSettingsDep,
    file: Annotated[
        UploadFile,
        File(description="The CSV or XLSX file: a heading row, then one record a row"),
    ],
    kind: Annotated[ImportKindName, Form(description="What the rows are")] = "products",
) -> AsyncIterator[service.Upload]:
    """The upload copied to a temporary folder and checked (deleted after the request), once
    the caller is known to be the shop's owner with a live login (401, then 403, first)."""
    await service.check_uploader(maker, principal)
    with tempfile.TemporaryDirectory(prefix="dukaan-upload-") as folder:
        yield await service.receive_upload(
            file, Path(folder), kind=IMPORTS[kind], max_bytes=settings.import_max_bytes
        )


UploadDep = Annotated[service.Upload, Depends(checked_upload)]


def _with_location(response: Response, path: str, key: str) -> Response:
    """The job's URL in `Location`, also on a replayed reply (read from its body)."""
    if 200 <= response.status_code < 300:
        job_id = json.loads(bytes(response.body))[key]
        response.headers["Location"] = f"{path}/{job_id}"
    return response


@router.post(
    "/imports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportJobOut,
    responses=error_responses(*BODY, 403) | _IMPORT_QUEUED,
)
async def create_import(
    upload: UploadDep,
    session: ShopSessionDep,
    principal: OwnerDep,
    idempotency_key: IdempotencyKeyDep,
    dry_run: Annotated[bool, Form(description="Check and count every row; write none")] = False,
    all_or_nothing: Annotated[bool, Form(description="Write nothing when any row is bad")] = False,
) -> Response:
    """Owners only: upload a CSV or XLSX file to import; the rows are read by a worker.

    Refused at once: a file over `IMPORT_MAX_BYTES` (413 `file_too_large`), an empty one, one
    that is no CSV/XLSX we can read (binary, a zip bomb, an unknown text encoding: 422
    `unreadable_file`) or whose headings cannot be imported (422 `unusable_headings`).
    """
    fingerprint = ImportFingerprint(
        file_sha256=upload.sha256,
        file_name=upload.name,
        kind=upload.kind.name,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )
    response = await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/imports",
        fingerprint,
        lambda: service.queue_import(
            session, principal, upload, dry_run=dry_run, all_or_nothing=all_or_nothing
        ),
        status_code=status.HTTP_202_ACCEPTED,
    )
    return _with_location(response, "/api/imports", "import_id")


@router.get(
    "/imports", response_model=list[ImportJobSummary], responses=error_responses(*AUTHED, 403)
)
async def list_imports(
    session: ShopSessionDep, principal: OwnerDep, page: PageDep, request: Request
) -> DecimalJSONResponse:
    """Owners only: the shop's imports, newest first (row errors: GET the import)."""
    jobs, total = await service.import_jobs(session, principal.shop_id, page)
    return respond(jobs, headers=page_headers(request, page, total))


@router.get(
    "/imports/{import_id}",
    response_model=ImportJobOut,
    responses=error_responses(*AUTHED, 403, 404),
)
async def get_import(
    import_id: IdPath, session: ShopSessionDep, principal: OwnerDep
) -> DecimalJSONResponse:
    """Owners only: an import's status, progress, counts, headings used and row errors."""
    return respond(await service.import_job(session, principal.shop_id, import_id))


@router.post(
    "/exports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ExportJobOut,
    responses=error_responses(*WRITE, 403) | _EXPORT_QUEUED,
)
async def create_export(
    session: ShopSessionDep,
    principal: OwnerDep,
    settings: JobSettingsDep,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: export everything the shop owns (one CSV per table and manifest.json, in
    a zip), made by a worker; download it once `status` is `done`."""
    response = await idempotent(
        session,
        principal,
        idempotency_key,
        "/api/exports",
        None,
        lambda: service.queue_export(session, principal, keep_days=settings.export_keep_days),
        status_code=status.HTTP_202_ACCEPTED,
    )
    return _with_location(response, "/api/exports", "export_id")


@router.get("/exports", response_model=list[ExportJobOut], responses=error_responses(*AUTHED, 403))
async def list_exports(
    session: ShopSessionDep,
    principal: OwnerDep,
    settings: JobSettingsDep,
    page: PageDep,
    request: Request,
) -> DecimalJSONResponse:
    """Owners only: the shop's exports, newest first; a done one has its `download_url`."""
    jobs, total = await service.export_jobs(
        session, principal.shop_id, page, keep_days=settings.export_keep_days
    )
    return respond(jobs, headers=page_headers(request, page, total))


@router.get(
    "/exports/{export_id}",
    response_model=ExportJobOut,
    responses=error_responses(*AUTHED, 403, 404),
)
async def get_export(
    export_id: IdPath, session: ShopSessionDep, principal: OwnerDep, settings: JobSettingsDep
) -> DecimalJSONResponse:
    return respond(
        await service.export_job(
            session, principal.shop_id, export_id, keep_days=settings.export_keep_days
        )
    )


@router.get(
    "/exports/{export_id}/download",
    response_class=StreamingResponse,
    responses=error_responses(*AUTHED, 403, 404, 409) | _ZIP,
)
async def download_export(
    export_id: IdPath,
    session: ShopSessionDep,
    principal: OwnerDep,
    maker: SessionMakerDep,
) -> StreamingResponse:
    """Owners only: the zip of a done export, streamed (409 `export_not_ready` before)."""
    download = await service.export_download(session, principal.shop_id, export_id)
    return StreamingResponse(
        service.export_chunks(maker, principal.shop_id, export_id, download.parts),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{download.file_name}"',
            "Content-Length": str(download.size),
            "Cache-Control": "private, no-store",
        },
    )
