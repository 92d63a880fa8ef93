"""`dukaan import products|customers|vendors`: open the file, find the shop, import with a
progress bar, and print the summary. `app.cli` parses the arguments and calls `run` with what
to import; this module does the rest, the same way for every kind.

Exit codes: 0 every row imported (or unchanged), 1 some rows failed (they are listed), 2 the
file, the arguments or the database stopped the import before any row (the reason printed).
"""

import asyncio
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from app.auth.service import OwnerNotFound, ShopOwner, owner_by_phone
from app.config import Settings
from app.db.session import create_engine, create_sessionmaker
from app.imports.batches import ImportResult
from app.imports.headers import HeaderError
from app.imports.parties import import_parties
from app.imports.products import import_products
from app.imports.reading import FileProblem, open_sheet

Subject = Literal["products", "customers", "vendors"]

EXIT_OK = 0
EXIT_ROWS_FAILED = 1
EXIT_CANNOT_IMPORT = 2
ERRORS_SHOWN = 20


def run(
    path: Path,
    phone: str,
    *,
    url: str,
    settings: Settings,
    dry_run: bool,
    all_or_nothing: bool,
    out: Console,
    err: Console,
    subject: Subject = "products",
) -> int:
    """Import `path` (`subject`: what its rows are) into the shop owned by `phone`; returns
    the exit code."""
    try:
        return asyncio.run(
            _run(
                subject,
                path,
                phone,
                url=url,
                settings=settings,
                dry_run=dry_run,
                all_or_nothing=all_or_nothing,
                out=out,
                err=err,
            )
        )
    except (FileProblem, HeaderError, OwnerNotFound) as exc:
        err.print(f"[red]Cannot import:[/] {escape(str(exc))}", highlight=False)
    except (DBAPIError, OSError) as exc:
        err.print(f"[red]The database cannot be used:[/] {escape(str(exc))}", highlight=False)
    return EXIT_CANNOT_IMPORT


async def _run(
    subject: Subject,
    path: Path,
    phone: str,
    *,
    url: str,
    settings: Settings,
    dry_run: bool,
    all_or_nothing: bool,
    out: Console,
    err: Console,
) -> int:
    with open_sheet(path) as sheet:  # the file first: a bad one needs no database
        engine = create_engine(url, settings.db)
        try:
            maker = create_sessionmaker(engine)
            async with maker() as session, session.begin():
                owner = await owner_by_phone(session, phone, settings.shop.region)
            with Progress(
                TextColumn("[bold]Importing[/] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as progress:
                task = progress.add_task(path.name, total=sheet.estimated_rows)

                def advance() -> None:
                    progress.advance(task)

                if subject == "products":
                    result = await import_products(
                        maker,
                        owner,
                        sheet,
                        source=path.name,
                        dry_run=dry_run,
                        all_or_nothing=all_or_nothing,
                        on_row=advance,
                    )
                else:
                    result = await import_parties(
                        maker,
                        owner,
                        sheet,
                        side=subject,
                        source=path.name,
                        dry_run=dry_run,
                        all_or_nothing=all_or_nothing,
                        on_row=advance,
                    )
        finally:
            await engine.dispose()
    print_summary(out, result, path, owner)
    return EXIT_OK if result.failed == 0 else EXIT_ROWS_FAILED


def print_summary(out: Console, result: ImportResult, path: Path, owner: ShopOwner) -> None:
    """Counts, the heading mapping used, the first row errors and what was written."""
    encoding = f", {result.encoding}" if result.encoding else ""
    out.print(
        f"[bold]{escape(path.name)}[/] ({result.kind}{encoding}): {result.subject} into the "
        f"shop of {owner.phone}",
        highlight=False,
    )
    counts = Table(title="Rows", title_justify="left")
    counts.add_column("Outcome")
    counts.add_column("Rows", justify="right")
    for label, value in (
        ("created", result.created),
        ("updated", result.updated),
        ("unchanged", result.unchanged),
        ("failed", result.failed),
        ("total", result.rows),
    ):
        counts.add_row(label, str(value))
    for label, value in result.recorded.items():
        counts.add_row(label, str(value))
    out.print(counts)

    columns = Table(title="Columns used", title_justify="left")
    columns.add_column("Heading in the file")
    columns.add_column("Field")
    for name, heading in result.mapping.columns.items():
        guessed = " (guessed from a near spelling)" if heading in result.mapping.guessed else ""
        columns.add_row(escape(heading), f"{name}{guessed}")
    out.print(columns)
    if result.mapping.ignored:
        out.print(f"Columns ignored: {escape(', '.join(result.mapping.ignored))}", highlight=False)

    if result.errors:
        shown = result.errors[:ERRORS_SHOWN]
        more = (
            f" (first {len(shown)} of {len(result.errors)})"
            if len(shown) < len(result.errors)
            else ""
        )
        errors = Table(title=f"Row errors{more}", title_justify="left")
        errors.add_column("Row", justify="right")
        errors.add_column("Column")
        errors.add_column("Reason")
        for error in shown:
            errors.add_row(str(error.row), escape(error.column or ""), escape(error.reason))
        out.print(errors)

    if result.dry_run:
        out.print("[yellow]Dry run: nothing was written.[/]")
    elif result.all_or_nothing and result.failed:
        out.print(
            f"[red]All or nothing: nothing was written ({result.failed} rows failed).[/]",
            highlight=False,
        )
    elif result.written:
        out.print("[green]Imported.[/]")
    else:
        out.print("Nothing was written.")
