"""`dukaan import shop`: find the shop by its owner's phone, restore an export into it with
progress, and print what went in. `app.cli` parses the arguments and calls `run`; the restore
itself is `app.archive.restore`.

Exit codes: 0 the export was restored; 2 it was not, and nothing was written (an unknown
phone, a file that is no export or another schema's, a shop that is not new and empty, rows
that differ from the manifest, the database unusable), the reason printed.
"""

import asyncio
from pathlib import Path

import asyncpg
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from app.archive.progress import run_per_table
from app.archive.restore import RestoreProblem, RestoreSummary, read_manifest, restore_shop
from app.config import Settings

EXIT_OK = 0
EXIT_CANNOT_RESTORE = 2


def run(path: Path, phone: str, *, url: str, settings: Settings, out: Console, err: Console) -> int:
    """Restore the export at `path` into the shop owned by `phone`; returns the exit code."""
    try:
        read_manifest(path)  # a broken zip is told before the database is started on
        summary = asyncio.run(_run(path, phone, url=url, settings=settings, err=err))
    except (RestoreProblem, LookupError) as exc:
        err.print(f"[red]Cannot restore:[/] {escape(str(exc))}", highlight=False)
    except OSError as exc:
        err.print(f"[red]Cannot read {escape(str(path))}:[/] {escape(str(exc))}", highlight=False)
    except (DBAPIError, asyncpg.PostgresError) as exc:
        err.print(f"[red]The database cannot be used:[/] {escape(str(exc))}", highlight=False)
    else:
        print_summary(out, summary, phone)
        return EXIT_OK
    return EXIT_CANNOT_RESTORE


async def _run(
    path: Path, phone: str, *, url: str, settings: Settings, err: Console
) -> RestoreSummary:
    return await run_per_table(
        "Restoring",
        phone,
        lambda engine, owner, on_table: restore_shop(
            engine, owner.shop_id, owner.user_id, path, on_table=on_table
        ),
        url=url,
        settings=settings,
        err=err,
    )


def print_summary(out: Console, summary: RestoreSummary, phone: str) -> None:
    """Rows per table, the staff left out, then where the export went."""
    rows = Table(title="Restored", title_justify="left")
    rows.add_column("Table")
    rows.add_column("Rows", justify="right")
    for table in summary.tables:
        rows.add_row(table.table, str(table.rows))
    out.print(rows)
    if summary.staff_left_out:
        out.print(
            "Staff logins are not restored (add them again with new passwords): "
            + escape(", ".join(summary.staff_left_out)),
            highlight=False,
        )
    out.print(
        f"[green]Restored[/] {escape(str(summary.path))} (shop {summary.exported_shop_id}, "
        f"exported at {escape(summary.exported_at)}) into the shop of {escape(phone)}",
        highlight=False,
    )
