"""Request and response models of /api/imports and /api/exports."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

JobStatus = Literal["queued", "running", "done", "failed"]


class ImportFingerprint(BaseModel):
    """What makes two uploads the same request (for `Idempotency-Key`): the file's bytes,
    its name and the options."""

    file_sha256: str
    file_name: str
    kind: str
    dry_run: bool
    all_or_nothing: bool


class Progress(BaseModel):
    rows_done: int = Field(description="Rows read so far (tables written, for an export)")
    rows_estimated: int | None = Field(
        description="About how many rows the file has (tables, for an export); null if unknown"
    )


class ImportCounts(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: int


class HeadingMapping(BaseModel):
    columns: dict[str, str] = Field(
        description="Field -> the heading of the file that fills it, e.g. "
        '`{"product_name": "Item Name", "quantity": "मात्रा"}`'
    )
    ignored: list[str] = Field(description="Headings that name no field, left out")
    guessed: list[str] = Field(description="Headings matched as near spellings: check them")


class RowErrorOut(BaseModel):
    row: int = Field(description="The row's number as the spreadsheet shows it")
    column: str | None = Field(description="The column's heading in the file; null: the row")
    reason: str


class ImportJobSummary(BaseModel):
    import_id: int
    kind: str = Field(description="`products`, `customers` or `vendors`")
    status: JobStatus
    file_name: str | None
    file_size: int | None = Field(description="Bytes uploaded")
    dry_run: bool
    all_or_nothing: bool
    progress: Progress
    counts: ImportCounts | None = Field(description="Set once the import is done")
    recorded: dict[str, int] = Field(
        description="Ledger rows written besides the records, e.g. "
        '`{"opening balances": 3}` (udhaar a customer or vendor import opened)'
    )
    written: bool | None = Field(
        description="Whether its changes were kept (false on a dry run, or all-or-nothing "
        "with a bad row); set once done"
    )
    error: str | None = Field(description="Why the import failed (a failed job only)")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ImportJobOut(ImportJobSummary):
    mapping: HeadingMapping | None = Field(description="The headings used; set once done")
    errors: list[RowErrorOut] = Field(description="Rows refused, first 1,000")
    errors_total: int = Field(description="How many row errors there were in all")


class ExportJobOut(BaseModel):
    export_id: int
    status: JobStatus
    file_name: str | None
    size: int | None = Field(description="Bytes of the zip, once done")
    download_url: str | None = Field(
        description="Relative URL of the zip (`/api/exports/{export_id}/download`), once done"
    )
    tables: dict[str, int] | None = Field(
        description="Rows per table, as the zip's manifest.json counts them; once done"
    )
    schema_version: str | None = Field(description="The database migration it was read at")
    progress: Progress
    error: str | None = Field(description="Why the export failed (a failed job only)")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(description="When a done export and its zip are deleted")
