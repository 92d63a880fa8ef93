"""The job runner: claims queued imports and exports and runs them, in `dukaan worker` and,
with `DISPATCHER=inline`, inside the API process. Any number can run at once.

A round (`run_once`) claims one job in a short system transaction (`FOR UPDATE SKIP LOCKED`:
two runners never take the same job), which marks it `running`, counts the attempt and
leases it for `JOB_LEASE_SECONDS`. While the job runs, a heartbeat renews the lease and
records the rows read about once a second, each in its own short transaction; a runner that
finds its job no longer its own (the lease ran out and another runner claimed it) stops.
A runner that dies leaves its job `running` with a lease that runs out, and the next round
of any runner takes it again, at most `JOB_MAX_ATTEMPTS` times in all.

- An import writes the uploaded chunks to a temporary file, opens it (`open_sheet`) and
  hands it to its kind's importer (`app.jobs.kinds`) as the owner who uploaded it, so every
  rule of the products (or parties) domain holds as for the CLI. An import started again
  after its runner died re-applies the file: rows already applied come out `unchanged`.
- An export runs `app.archive.export.export_shop` (what `dukaan export` runs) into a
  temporary zip and stores its chunks with the result, in one transaction.

The end is `done` with the result, or `failed` with the reason for the shop (a
`FileProblem`/`HeaderError` message; never a traceback, which goes to the log). The upload's
chunks are deleted when its import ends. Finished exports are deleted after
`EXPORT_KEEP_DAYS` by the runner's housekeeping.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.archive.export import ExportProblem, export_shop
from app.auth.service import ShopOwner
from app.config import Settings
from app.db.session import create_engine, create_sessionmaker
from app.imports.batches import ImportResult
from app.imports.headers import HeaderError
from app.imports.reading import FileProblem, open_sheet
from app.jobs import repository
from app.jobs.kinds import BY_JOB_KIND, EXPORT, ImportKind
from app.jobs.service import INPUT, MAX_ROW_ERRORS, OUTPUT
from app.models import DataJob

_log = logging.getLogger("dukaan.jobs")

T = TypeVar("T")

HEARTBEAT_S = 1.0
"""How often a running job's progress is written and its lease renewed (at most)."""
HOUSEKEEPING_S = 600.0
PURGE_LIMIT = 100
STOP_GRACE_S = 10.0
"""How long a stopping process lets the job in hand finish before cancelling it (its lease
then runs out and another runner takes it again)."""
UNEXPECTED = "The job stopped on an unexpected error; upload the file again or ask for support"


class LeaseLost(Exception):
    """The job is no longer this runner's: its lease ran out and another runner claimed it."""


class _Rows:
    """How many rows (or tables) a running job has done: ticked by the importer's `on_row`."""

    def __init__(self) -> None:
        self.done = 0

    def tick(self, *_: object) -> None:
        self.done += 1


def import_result(result: ImportResult) -> dict[str, Any]:
    """`data_jobs.result` of an import: counts, the heading mapping and the first row errors."""
    return {
        "counts": {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "failed": result.failed,
        },
        "recorded": dict(result.recorded),
        "written": result.written,
        "format": result.kind,
        "encoding": result.encoding,
        "mapping": {
            "columns": result.mapping.columns,
            "ignored": result.mapping.ignored,
            "guessed": result.mapping.guessed,
        },
        "errors": [
            {"row": error.row, "column": error.column, "reason": error.reason}
            for error in result.errors[:MAX_ROW_ERRORS]
        ],
        "errors_total": len(result.errors),
    }


class JobRunner:
    """Runs the shops' jobs on `engine` (system sessions; each import acts as its shop)."""

    def __init__(
        self, engine: AsyncEngine, settings: Settings, *, heartbeat_s: float = HEARTBEAT_S
    ) -> None:
        self._engine = engine
        self._maker = create_sessionmaker(engine)
        self._config = settings.jobs
        self._beat_s = min(heartbeat_s, self._config.lease_s / 3)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._maker() as session, session.begin():
            yield session

    async def claim(self) -> DataJob | None:
        """Claim the next due job (leased to this runner), or None."""
        async with self._transaction() as session:
            return await repository.claim(session, lease_s=self._config.lease_s)

    async def run_once(self) -> bool:
        """Claim one job and run it to its end; False when none was due."""
        job = await self.claim()
        if job is None:
            return False
        await self.run(job)
        return True

    async def run_until_idle(self) -> int:
        """Run jobs until none is due; how many ran."""
        ran = 0
        while await self.run_once():
            ran += 1
        return ran

    async def run(self, job: DataJob) -> None:
        """Run a claimed job; records `done` or `failed` (unless its lease was lost)."""
        started = time.monotonic()
        if job.attempts > self._config.max_attempts:
            await self._end(
                job,
                status="failed",
                error=f"Gave up after {job.attempts - 1} attempts: the worker running it "
                "stopped each time (is the file very large?)",
            )
            return
        try:
            if job.kind == EXPORT:
                await self._export(job)
            else:
                await self._import(job, BY_JOB_KIND[job.kind])
        except LeaseLost:
            _log.warning("job lease lost", extra={"shop_id": job.shop_id, "job_id": job.id})
            return
        except (FileProblem, HeaderError, ExportProblem) as exc:
            await self._end(job, status="failed", error=str(exc))
        except Exception:
            _log.exception("job failed", extra={"shop_id": job.shop_id, "job_id": job.id})
            await self._end(job, status="failed", error=UNEXPECTED)
        _log.info(
            "job finished",
            extra={
                "shop_id": job.shop_id,
                "job_id": job.id,
                "kind": job.kind,
                "attempt": job.attempts,
                "seconds": round(time.monotonic() - started, 2),
            },
        )

    async def _end(self, job: DataJob, *, status: str, error: str) -> None:
        """Record a failure; a database that cannot take it leaves the job to its lease."""
        try:
            async with self._transaction() as session:
                if await repository.finish(session, job, status=status, error=error):
                    await repository.delete_files(session, job.shop_id, job.id, INPUT)
        except Exception:
            _log.exception("recording a job's end failed", extra={"job_id": job.id})

    # ---- imports --------------------------------------------------------------------------

    async def _import(self, job: DataJob, kind: ImportKind) -> None:
        rows = _Rows()
        name = job.file_name or "upload"
        with tempfile.TemporaryDirectory(prefix="dukaan-import-") as folder:
            path = Path(folder) / name
            await self._fetch(job, INPUT, path)
            result = await self._beating(job, rows, self._import_rows(job, kind, path, rows))
        async with self._transaction() as session:
            if not await repository.finish(
                session,
                job,
                status="done",
                result=import_result(result),
                rows_done=result.rows,
            ):
                raise LeaseLost
            await repository.delete_files(session, job.shop_id, job.id, INPUT)

    async def _import_rows(
        self, job: DataJob, kind: ImportKind, path: Path, rows: _Rows
    ) -> ImportResult:
        # The importer only needs whose shop and who acts (the ledger notes the user's id).
        owner = ShopOwner(shop_id=job.shop_id, user_id=job.requested_by, name="", phone="")
        with contextlib.ExitStack() as stack:
            # Opening checks the whole file (encoding, zip directory, lines): off the loop.
            sheet = await asyncio.to_thread(stack.enter_context, open_sheet(path))
            return await kind.run(
                self._maker,
                owner,
                sheet,
                source=path.name,
                dry_run=job.dry_run,
                all_or_nothing=job.all_or_nothing,
                on_row=rows.tick,
            )

    async def _fetch(self, job: DataJob, role: str, path: Path) -> None:
        """Write the job's `role` chunks to `path`, one short transaction per chunk."""
        async with self._transaction() as session:
            parts = await repository.file_parts(session, job.shop_id, job.id, role)
        if parts == 0:
            raise FileProblem(f"The uploaded file of this job is gone; upload {path.name} again")
        with path.open("wb") as stream:
            for part in range(parts):
                async with self._transaction() as session:
                    data = await repository.file_part(session, job.shop_id, job.id, role, part)
                if data is None:
                    raise FileProblem("Part of the uploaded file is missing; upload it again")
                stream.write(data)

    # ---- exports --------------------------------------------------------------------------

    async def _export(self, job: DataJob) -> None:
        tables = _Rows()
        with tempfile.TemporaryDirectory(prefix="dukaan-export-") as folder:
            path = Path(folder) / "export.zip"
            summary = await self._beating(
                job, tables, export_shop(self._engine, job.shop_id, path, on_table=tables.tick)
            )
            result = {
                "schema_version": summary.schema_version,
                "exported_at": summary.exported_at,
                "tables": {table.table: table.rows for table in summary.tables},
            }
            async with self._transaction() as session:
                if not await repository.hold(session, job):
                    raise LeaseLost
                await repository.delete_files(session, job.shop_id, job.id, OUTPUT)
                await repository.store_file(session, job.shop_id, job.id, OUTPUT, path)
                await repository.finish(
                    session,
                    job,
                    status="done",
                    result=result,
                    rows_done=len(summary.tables),
                    file_size=path.stat().st_size,
                )

    # ---- the lease ------------------------------------------------------------------------

    async def _beating(self, job: DataJob, rows: _Rows, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` while renewing the job's lease and writing its progress; cancel it and
        raise `LeaseLost` when the job turns out to be another runner's."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self._beat_s)
                if task in done:
                    return task.result()
                try:
                    async with self._transaction() as session:
                        mine = await repository.renew(
                            session, job, lease_s=self._config.lease_s, rows_done=rows.done
                        )
                except Exception:  # the database blinked: the lease still runs for a while
                    _log.warning("renewing a job's lease failed", exc_info=True)
                    continue
                if not mine:
                    raise LeaseLost
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    # ---- the loop -------------------------------------------------------------------------

    async def housekeep(self) -> int:
        """Delete exports finished over `EXPORT_KEEP_DAYS` ago; how many."""
        async with self._transaction() as session:
            return await repository.purge_exports(
                session,
                older_than=dt.timedelta(days=self._config.export_keep_days),
                limit=PURGE_LIMIT,
            )

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run jobs until `stop` is set, polling every `JOB_POLL_SECONDS` when idle; an
        error (the database restarting) is logged and the loop carries on."""
        _log.info("job runner started")
        next_housekeeping = time.monotonic()
        while not stop.is_set():
            claimed = False
            try:
                if time.monotonic() >= next_housekeeping:
                    next_housekeeping = time.monotonic() + HOUSEKEEPING_S
                    await self.housekeep()
                claimed = await self.run_once()
            except Exception:
                _log.exception("job round failed")
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._config.poll_s)
        _log.info("job runner stopped")


async def _stopped(task: asyncio.Task[None]) -> None:
    """Give the job in hand `STOP_GRACE_S` to finish, then cancel it."""
    try:
        await asyncio.wait_for(task, STOP_GRACE_S)
    except TimeoutError:
        _log.warning("job runner did not stop in time; its job returns after its lease")


@contextlib.asynccontextmanager
async def inline_runner(engine: AsyncEngine, settings: Settings) -> AsyncIterator[None]:
    """The runner inside the API process (`DISPATCHER=inline`), stopped on exit."""
    if settings.messaging.dispatcher != "inline":
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(JobRunner(engine, settings).run_forever(stop), name="dukaan-jobs")
    try:
        yield
    finally:
        stop.set()
        await _stopped(task)


async def work(settings: Settings, database_url: str, stop: asyncio.Event) -> None:
    """`dukaan worker`: a runner with its own connection pool, until `stop` is set."""
    engine = create_engine(database_url, settings.db)
    try:
        task = asyncio.create_task(JobRunner(engine, settings).run_forever(stop))
        await stop.wait()
        await _stopped(task)
    finally:
        await engine.dispose()
