"""`dukaan export`: check the output path, find the shop, export with progress, and print
the summary. `app.cli` parses the arguments and calls `run`; this module does the rest.

The shop is found by its owner's phone (`app.auth.service.owner_by_phone`).

Exit codes: 0 the export was written; 2 it was not (an unknown phone, an output file that
exists without `--force`, a path that cannot be written, the database unusable), the reason
printed. No half-written zip is ever left under the name asked for.
"""

import asyncio
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from app.archive.export import ExportProblem, ExportSummary, export_shop
from app.archive.progress import run_per_table
from app.config import Settings

EXIT_OK = 0
EXIT_CANNOT_EXPORT = 2


class CannotExport(Exception):
    """The export cannot start; the message says why."""


def check_output(path: Path, *, force: bool) -> None:
    """Refuse an output that exists (unless `force`), is a folder, or has no folder to go in."""
    if path.is_dir():
        raise CannotExport(f"{path} is a folder; give the zip file's name, e.g. {path}/shop.zip")
    if path.exists() and not force:
        raise CannotExport(f"{path} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise CannotExport(f"The folder {path.parent} does not exist")


def run(
    path: Path,
    phone: str,
    *,
    url: str,
    settings: Settings,
    force: bool,
    out: Console,
    err: Console,
) -> int:
    """Export the shop owned by `phone` to `path`; returns the exit code."""
    try:
        check_output(path, force=force)
        summary = asyncio.run(_run(path, phone, url=url, settings=settings, err=err))
    except (CannotExport, ExportProblem, LookupError) as exc:
        err.print(f"[red]Cannot export:[/] {escape(str(exc))}", highlight=False)
    except OSError as exc:
        err.print(f"[red]Cannot write {escape(str(path))}:[/] {escape(str(exc))}", highlight=False)
    except DBAPIError as exc:
        err.print(f"[red]The database cannot be used:[/] {escape(str(exc))}", highlight=False)
    else:
        print_summary(out, summary, phone)
        return EXIT_OK
    return EXIT_CANNOT_EXPORT


async def _run(
    path: Path, phone: str, *, url: str, settings: Settings, err: Console
) -> ExportSummary:
    return await run_per_table(
        "Exporting",
        phone,
        lambda engine, owner, on_table: export_shop(engine, owner.shop_id, path, on_table=on_table),
        url=url,
        settings=settings,
        err=err,
    )


def print_summary(out: Console, summary: ExportSummary, phone: str) -> None:
    """Rows per table, then where the zip went."""
    rows = Table(title="Exported", title_justify="left")
    rows.add_column("Table")
    rows.add_column("Rows", justify="right")
    for table in summary.tables:
        rows.add_row(table.table, str(table.rows))
    rows.add_row("[bold]total[/]", str(sum(table.rows for table in summary.tables)))
    out.print(rows)
    out.print(
        f"[green]Exported[/] the shop of {escape(phone)} to {escape(str(summary.path))} "
        f"(schema {escape(summary.schema_version)}, at {summary.exported_at})",
        highlight=False,
    )
