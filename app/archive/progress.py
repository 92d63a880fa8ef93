"""What `dukaan export` and `dukaan import shop` share: find the shop by its owner's phone,
then run the job over the exported tables with a progress bar on the error console."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncEngine

from app.archive.tables import EXPORTED, ExportedTable
from app.auth.service import ShopOwner, owner_by_phone
from app.config import Settings
from app.db.session import create_engine, create_sessionmaker

Done = TypeVar("Done")
TableJob = Callable[[AsyncEngine, ShopOwner, Callable[[ExportedTable], None]], Awaitable[Done]]
"""(engine, the shop's owner, call with each table as it starts) -> the job's summary."""


async def run_per_table(
    verb: str, phone: str, job: TableJob[Done], *, url: str, settings: Settings, err: Console
) -> Done:
    """Run `job` for the shop owned by `phone` (`LookupError` when there is none), showing
    `verb` and the table in hand; the engine lives for the job only."""
    engine = create_engine(url, settings.db)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            owner = await owner_by_phone(session, phone, settings.shop.region)
        with Progress(
            TextColumn(f"[bold]{verb}[/] {{task.description}}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(EXPORTED))

            def on_table(table: ExportedTable) -> None:
                progress.update(task, description=table.table)
                progress.advance(task)

            return await job(engine, owner, on_table)
    finally:
        await engine.dispose()
