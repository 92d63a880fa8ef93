"""What every spreadsheet import shares: row errors, the result, and applying rows in batches.

An import (products, customers, vendors) is a `RowImporter`: it reads what the shop already
has (`load`, once, in the first transaction), checks a row on its own (`validate`, pure),
refuses a row that repeats an earlier one of the file (`duplicate`), and applies a good row
through the owning domains' services (`apply`). `run_batches` drives it; the row numbers,
columns and reasons of every refused row end up in one `ImportResult`.

Transactions (rule 1 holds: `session.begin()` owns them, nothing here commits): rows are
applied in batches of `BATCH_ROWS`, one transaction each. A batch runs under a savepoint,
its rows without one of their own; when a service refuses a row (after `validate` let it
through), the batch is taken back and applied again with every row under its own savepoint,
so a refused row's writes go and its batch's others stay (`_apply_batch`). `all_or_nothing`
and `dry_run` put every batch in one transaction, which is rolled back on a dry run, or
when `all_or_nothing` met a bad row.
Each transaction acts as the shop: the app role and `app.shop_id`
(`app.db.session.enter_shop`, as a share link's page does), so row-level security applies.
Rows are taken from the sheet lazily: the file is never held whole. What an importer
gathers for set-based writes (a batch's opening stock) it writes in `flush`, called every
`batch_rows` rows and before each commit.
"""

import contextlib
import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.service import ShopOwner
from app.core.errors import AppError
from app.db.session import enter_shop
from app.imports.headers import Mapping
from app.imports.reading import Row, Sheet

BATCH_ROWS = 500

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class RowError:
    row: int
    """The row number as the spreadsheet shows it."""
    column: str | None
    """The column's heading as written in the file (None: the row as a whole)."""
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportResult:
    mapping: Mapping
    kind: str
    encoding: str | None
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    """Whether the changes were kept (False on a dry run, or all-or-nothing with a bad row)."""
    subject: str = "products"
    """What the rows are: `products`, `customers` or `vendors`."""
    recorded: dict[str, int] = field(default_factory=dict)
    """Ledger rows written besides the records themselves (`{"opening balances": 3}`)."""

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def record(self, what: str) -> None:
        self.recorded[what] = self.recorded.get(what, 0) + 1


def new_result(
    sheet: Sheet, mapping: Mapping, subject: str, *, dry_run: bool, all_or_nothing: bool
) -> ImportResult:
    return ImportResult(
        mapping=mapping,
        kind=sheet.kind,
        encoding=sheet.encoding,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        subject=subject,
    )


class RowRefused(Exception):
    """A row the services would refuse, with its errors, raised out of the row's savepoint."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Discard(Exception):
    """Raised inside the transaction to roll it back (a dry run, or all-or-nothing failed)."""


def pydantic_errors(
    exc: ValidationError, row: int, mapping: Mapping, labels: dict[str, str]
) -> list[RowError]:
    """A schema's refusal as row errors, each on the column of the field it names."""
    errors = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        heading = mapping.heading(name)
        label = labels.get(name, name)
        reason = str(error["msg"]).removeprefix("Value error, ")
        errors.append(RowError(row, heading, f"{label}: {reason}" if label else reason))
    return errors


def app_error(exc: AppError, row: int, mapping: Mapping) -> RowError:
    """A service's refusal as a row error, on the column it names when it names one."""
    name = exc.extra.get("field")
    errors = exc.extra.get("errors")
    if name is None and errors:
        loc = errors[0].get("loc", [])
        name = loc[-1] if loc else None
    heading = mapping.heading(str(name)) if name else None
    return RowError(row, heading, exc.detail)


Values = TypeVar("Values")
Applied = TypeVar("Applied")


class RowImporter(ABC, Generic[Values, Applied]):
    """One kind of import: how a row is checked and applied; `row` is the flow they share."""

    written_tables: tuple[str, ...] = ()
    """The tables the rows fill, whose planner statistics are refreshed after the first
    batch (`run_batches`)."""

    def __init__(self, owner: ShopOwner, mapping: Mapping, result: ImportResult) -> None:
        self.owner = owner
        self.mapping = mapping
        self.result = result

    @abstractmethod
    async def load(self, session: AsyncSession) -> None:
        """Read what the shop has now, replacing what was read before: before the first
        row, and again when a batch is taken back to be applied again."""

    @abstractmethod
    def validate(self, row: Row) -> tuple[Values | None, list[RowError]]:
        """The row's cells as typed values, or every bad cell's error."""

    @abstractmethod
    def duplicate(self, values: Values) -> RowError | None:
        """An error when an earlier row of the file already named the same record."""

    @abstractmethod
    async def apply(self, session: AsyncSession, values: Values) -> tuple[Outcome, Applied]:
        """Write the row through the services (under a savepoint); raises `RowRefused`."""

    @abstractmethod
    def applied(self, values: Values, done: Applied) -> None:
        """The row was kept: remember it (for `duplicate`, and what later rows find)."""

    async def flush(self, session: AsyncSession) -> None:
        """Write what the rows so far left for a set-based write (nothing by default)."""

    def forget_rows_from(self, first_row: int) -> None:
        """A batch is applied again from its start: drop what its rows (numbered
        `first_row` and on) left behind, as `applied` recorded it; `load` follows."""

    def mark(self) -> "_Mark":
        result = self.result
        return _Mark(
            counts=(result.rows, result.created, result.updated, result.unchanged, result.failed),
            errors=len(result.errors),
            recorded=dict(result.recorded),
        )

    def rewind(self, mark: "_Mark", first_row: int) -> None:
        result = self.result
        (result.rows, result.created, result.updated, result.unchanged, result.failed) = mark.counts
        del result.errors[mark.errors :]
        result.recorded = dict(mark.recorded)
        self.forget_rows_from(first_row)

    async def row(self, session: AsyncSession, row: Row, *, guarded: bool) -> None:
        """Check and apply one row; a refusal becomes the row's errors.

        `guarded`: under a savepoint of its own, so a refusal after a write takes back only
        this row's writes. Unguarded, a refusal met while applying raises `_Replay`: the
        batch's savepoint takes back the batch, which is applied again guarded.
        """
        self.result.rows += 1
        values, errors = self.validate(row)
        if values is not None:
            duplicate = self.duplicate(values)
            if duplicate is not None:
                errors = [duplicate]
            else:
                try:
                    if guarded:
                        async with session.begin_nested():
                            outcome, done = await self.apply(session, values)
                    else:
                        outcome, done = await self.apply(session, values)
                except (RowRefused, AppError, DBAPIError) as exc:
                    if not guarded:
                        raise _Replay from exc
                    errors = _refusal(exc, row.number, self.mapping)
                else:
                    self.result.count(outcome)
                    self.applied(values, done)
                    return
        self.result.failed += 1
        self.result.errors.extend(errors)


def _refusal(exc: Exception, row: int, mapping: Mapping) -> list[RowError]:
    if isinstance(exc, RowRefused):
        return exc.errors
    if isinstance(exc, AppError):
        return [app_error(exc, row, mapping)]
    # A CHECK or a lock timeout: this row only.
    reason = f"the database refused it ({str(getattr(exc, 'orig', exc)).strip()[:300]})"
    return [RowError(row, None, reason)]


@dataclass(frozen=True)
class _Mark:
    """The result's figures before a batch, to go back to when it is applied again."""

    counts: tuple[int, int, int, int, int]
    errors: int
    recorded: dict[str, int]


class _Replay(Exception):
    """An unguarded row was refused while applying: apply its batch again, row by row."""


async def _apply_batch(
    session: AsyncSession,
    importer: RowImporter[Values, Applied],
    batch: list[Row],
    on_row: Callable[[], None] | None,
) -> None:
    """Apply a batch's rows, unguarded first; when one is refused while applying, take the
    batch back (its savepoint) and apply it again guarded, each row under a savepoint.

    Most bad rows are refused by `validate` and `duplicate`, before any write; a savepoint
    per row (two more round trips each) is paid only by a batch that needs it.
    """
    mark = importer.mark()
    shown = 0
    try:
        async with session.begin_nested():
            for row in batch:
                await importer.row(session, row, guarded=False)
                shown += 1
                if on_row is not None:
                    on_row()
            await importer.flush(session)
        return
    except _Replay:
        pass
    importer.rewind(mark, batch[0].number)
    await importer.load(session)
    for index, row in enumerate(batch):
        await importer.row(session, row, guarded=True)
        if on_row is not None and index >= shown:
            on_row()
    await importer.flush(session)


async def run_batches(
    maker: async_sessionmaker[AsyncSession],
    sheet: Sheet,
    importer: RowImporter[Values, Applied],
    *,
    dry_run: bool,
    all_or_nothing: bool,
    on_row: Callable[[], None] | None,
    batch_rows: int,
) -> ImportResult:
    """Apply the sheet's rows with `importer`, batch by batch (see the module's docstring).

    A file problem met while reading rows (`FileProblem`, e.g. a bad byte half-way through)
    propagates and rolls back the transaction it happened in; batches committed before it
    stay written.
    """
    result = importer.result
    shop_id = importer.owner.shop_id
    single = dry_run or all_or_nothing
    analysed = single
    rows = iter(sheet.rows)
    loaded = False
    kept = not single
    exhausted = False
    while not exhausted:
        with contextlib.suppress(_Discard):
            async with maker() as session, session.begin():
                await enter_shop(session, shop_id)
                if not loaded:
                    await importer.load(session)
                    loaded = True
                while not exhausted:
                    batch = list(itertools.islice(rows, batch_rows))  # never the whole file
                    exhausted = len(batch) < batch_rows
                    if batch:
                        await _apply_batch(session, importer, batch, on_row)
                    if not single:
                        break
                if single:
                    kept = not dry_run and result.failed == 0
                    if not kept:
                        raise _Discard
        if not analysed and not exhausted:
            await _refresh_statistics(maker, importer.written_tables)
            analysed = True
    result.written = kept and result.rows > result.failed
    return result


async def _refresh_statistics(
    maker: async_sessionmaker[AsyncSession], tables: tuple[str, ...]
) -> None:
    """ANALYZE the tables an import fills, once its first batch is written.

    A new shop's first import starts from tables the planner believes empty, and the plans
    of its per-row statements, made then and kept by the connection, stay poor for the whole
    file: 10,000 products in a new database took 35-43 s instead of ~19. Fresh statistics
    after the first batch invalidate those plans. ANALYZE needs the tables' owner (the
    connection's own role, outside a shop's transaction); any other role gets a warning
    and the import goes on.
    """
    async with maker() as session, session.begin():
        for table in tables:
            await session.execute(text(f'ANALYZE "{table}"'))
