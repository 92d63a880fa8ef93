"""The `dukaan` command: serve the API, send messages, run migrations."""

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, Literal, NoReturn

import typer
import uvicorn
from rich.console import Console
from rich.markup import escape

from app.config import Settings, get_settings
from app.core import production
from app.core.logging import configure_logging
from app.db import backup as backups
from app.db import migrate as migrations
from app.db.embedded import ensure_database, start_server, stop_server
from app.notifications import dispatcher
from app.udhaar import reminders as udhaar_reminders
from app.web.http_protocol import HeaderTimeoutProtocol

cli = typer.Typer(help="Dukaan Sahaayak: the backend of a shop's books.", no_args_is_help=True)
console = Console(stderr=True)

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_embedded_servers: list[Any] = []
"""Embedded PostgreSQL servers this process started (or attached to), to let go of on exit."""


class _Stopped(BaseException):
    """SIGTERM or SIGINT, raised where the process was, so the way out runs `finally` blocks."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


@contextlib.contextmanager
def _stops_embedded_database_on_signals() -> Iterator[None]:
    """Stop the embedded PostgreSQL this process started, however the block ends.

    Uvicorn handles SIGTERM/SIGINT itself, shuts down gracefully, restores the handlers it
    found and raises the signal again. With the default handler SIGTERM then killed the
    process on the spot: the library's atexit cleanup never ran, PostgreSQL kept running and
    its handle file kept a dead pid. The handler installed here turns that (and a signal
    during start-up or migrations) into an exception; the database is stopped and only then
    is the signal raised again with its usual effect, so the exit status still tells.
    """
    previous = {signum: signal.signal(signum, _raise_stopped) for signum in _STOP_SIGNALS}
    received: int | None = None
    try:
        yield
    except _Stopped as stopped:
        received = stopped.signum
    finally:
        for signum in _STOP_SIGNALS:  # a second Ctrl+C must not cut the shutdown short
            signal.signal(signum, signal.SIG_IGN)
        while _embedded_servers:
            stop_server(_embedded_servers.pop())
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received is not None:
        signal.raise_signal(received)


def _resolve_database_url() -> str:
    """The configured DATABASE_URL, or the embedded server's (started and kept running here).

    The URL is put into the environment so Uvicorn's worker processes use the same server.
    """
    settings = get_settings()
    if settings.db.url:
        return settings.db.url
    started = time.perf_counter()
    server = start_server(settings.db.data_dir)
    _embedded_servers.append(server)
    url = ensure_database(server)
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    console.print(
        f"[green]Embedded PostgreSQL[/] ready in {time.perf_counter() - started:.1f}s "
        f"(data in {settings.db.data_dir.resolve()})"
    )
    return url


@cli.command()
def migrate() -> None:
    """Apply database migrations up to the newest."""
    configure_logging(get_settings().server.log_level)
    with _stops_embedded_database_on_signals():
        migrations.upgrade(_resolve_database_url())
    console.print(f"[green]Database at migration[/] {migrations.head_revision()}")


def _refuse_unsafe_production(settings: Settings) -> None:
    """Stop with the reasons, before any server starts (and before Uvicorn forks workers)."""
    try:
        production.check(settings)
    except production.UnsafeConfiguration as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(code=2) from exc


@cli.command()
def serve(
    host: str | None = typer.Option(None, help="Overrides HOST"),
    port: int | None = typer.Option(None, help="Overrides PORT"),
    workers: int | None = typer.Option(None, help="Overrides WORKERS"),
) -> None:
    """Migrate, then serve the API (embedded PostgreSQL when DATABASE_URL is unset)."""
    settings = get_settings()
    configure_logging(settings.server.log_level)
    _refuse_unsafe_production(settings)
    with _stops_embedded_database_on_signals():
        url = _resolve_database_url()
        migrations.upgrade(url)
        bind_host = host or settings.server.host
        bind_port = port or settings.server.port
        console.print(
            f"[bold]Dukaan Sahaayak[/] on http://{bind_host}:{bind_port}  "
            f"(docs: http://{bind_host}:{bind_port}/docs)"
        )
        proxies = settings.server.forwarded_allow_ips
        uvicorn.run(
            "app.main:app",
            host=bind_host,
            port=bind_port,
            workers=workers or settings.server.workers,
            log_config=None,
            access_log=False,
            # X-Forwarded-For/-Proto only from the proxies configured; none by default, so a
            # client cannot choose the address that login limits count it under.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies,
            http=HeaderTimeoutProtocol,  # closes connections that never finish their headers
        )


@cli.command()
def worker() -> None:
    """Send queued messages (the outbox) and run import/export jobs until SIGTERM or SIGINT;
    run as many as you like.

    Migrates first, like `serve`. Set DISPATCHER=off on the API when workers do the sending
    and the jobs.
    """
    configure_logging(get_settings().server.log_level)
    _refuse_unsafe_production(get_settings())
    log = logging.getLogger("dukaan.worker")
    with _stops_embedded_database_on_signals():
        url = _resolve_database_url()
        migrations.upgrade(url)
        settings = get_settings()

        async def run() -> None:
            from app.jobs import runner as job_runner  # openpyxl is loaded only by workers

            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in _STOP_SIGNALS:  # once sending, a signal ends the loop gracefully
                loop.add_signal_handler(signum, stop.set)
            await asyncio.gather(
                dispatcher.work(
                    settings,
                    url,
                    stop,
                    udhaar_reminders.periodic_jobs(
                        public_links=bool(settings.messaging.public_base_url)
                    ),
                ),
                job_runner.work(settings, url, stop),
            )

        log.info("worker started", extra={"pid": os.getpid()})
        asyncio.run(run())
        log.info("worker stopped", extra={"pid": os.getpid()})


def _size(size: int) -> str:
    """A file size for people: bytes, else KB/MB/GB to a tenth (integer arithmetic)."""
    if size < 1024:
        return f"{size} bytes"
    for power, unit in ((3, "GB"), (2, "MB"), (1, "KB")):
        scale = 1024**power
        if size >= scale:
            tenths = (size * 10 + scale // 2) // scale
            return f"{tenths // 10}.{tenths % 10} {unit}"
    raise AssertionError("unreachable")


@cli.command()
def backup(
    file: Path = typer.Argument(..., help="Where to write the backup, e.g. dukaan.dump"),
) -> None:
    """Back up the whole database (embedded, or DATABASE_URL) to FILE with pg_dump."""
    configure_logging(get_settings().server.log_level)
    with _stops_embedded_database_on_signals():
        url = _resolve_database_url()
        try:
            with console.status(f"Backing up to {escape(str(file))} ..."):
                made = backups.backup(url, file)
        except backups.BackupError as exc:
            console.print(f"[red]Backup failed:[/] {escape(str(exc))}")
            raise typer.Exit(code=1) from exc
    console.print(
        f"[green]Backup written[/] {escape(str(made.path))}: {_size(made.size_bytes)}, "
        f"{made.tables} tables, {made.elapsed_s:.1f}s (pg_dump {made.tool.major}, "
        f"server {made.server_major})"
    )


@cli.command()
def restore(
    file: Path = typer.Argument(..., help="A backup written by `dukaan backup`"),
    force: bool = typer.Option(
        False, "--force", help="Drop and re-create the database first: its contents are lost"
    ),
) -> None:
    """Restore FILE into the database (embedded, or DATABASE_URL), which must be empty."""
    configure_logging(get_settings().server.log_level)
    with _stops_embedded_database_on_signals():
        url = _resolve_database_url()
        try:
            with console.status(f"Restoring {escape(str(file))} ..."):
                done = backups.restore(url, file, force=force)
        except backups.BackupError as exc:
            console.print(f"[red]Restore failed:[/] {escape(str(exc))}")
            raise typer.Exit(code=1) from exc
    console.print(
        f"[green]Restored[/] {escape(str(done.path))} into {escape(done.database)}: "
        f"{done.tables} tables, about {done.rows} rows, migration {done.revision}, "
        f"{done.elapsed_s:.1f}s (pg_restore {done.tool.major})"
    )
    if done.filtered_settings:
        console.print(f"Left out settings this server lacks: {', '.join(done.filtered_settings)}")
    if done.revision != migrations.head_revision():
        console.print("The backup is from another version: `dukaan migrate` brings it up to date.")


def _exit_with(job: Callable[[str], int]) -> NoReturn:
    """Run a shop's command-line job (import, export) against the database `serve` uses
    (started here when embedded, stopped on a signal) and exit with the job's code."""
    configure_logging(get_settings().server.log_level)
    with _stops_embedded_database_on_signals():
        code = job(_resolve_database_url())
    raise typer.Exit(code=code)


import_app = typer.Typer(help="Bring a shop's data in from CSV/XLSX files.", no_args_is_help=True)
cli.add_typer(import_app, name="import")


@import_app.command("products")
def import_products(
    file: Path = typer.Argument(..., help="CSV or XLSX: a heading row, then one product a row"),
    shop: str = typer.Option(..., "--shop", help="The shop owner's phone (+91..., or 10 digits)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count every row; write none"),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Write nothing when any row is bad"
    ),
) -> None:
    """Import a product catalogue; a product already there (same barcode, else same name) is
    updated. Exit 0: all rows fine; 1: some rows failed (listed); 2: file or argument error."""
    _import("products", file, shop, dry_run=dry_run, all_or_nothing=all_or_nothing)


@import_app.command("customers")
def import_customers(
    file: Path = typer.Argument(
        ..., help="CSV or XLSX: a heading row, then one customer a row (name, phone, udhaar)"
    ),
    shop: str = typer.Option(..., "--shop", help="The shop owner's phone (+91..., or 10 digits)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count every row; write none"),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Write nothing when any row is bad"
    ),
) -> None:
    """Import customers and what they owe (opening udhaar); a customer already there (same
    phone) is renamed to the file's name. Exit 0: all rows fine; 1: some rows failed
    (listed); 2: file or argument error."""
    _import("customers", file, shop, dry_run=dry_run, all_or_nothing=all_or_nothing)


@import_app.command("vendors")
def import_vendors(
    file: Path = typer.Argument(
        ..., help="CSV or XLSX: a heading row, then one vendor a row (name, phone, udhaar)"
    ),
    shop: str = typer.Option(..., "--shop", help="The shop owner's phone (+91..., or 10 digits)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count every row; write none"),
    all_or_nothing: bool = typer.Option(
        False, "--all-or-nothing", help="Write nothing when any row is bad"
    ),
) -> None:
    """Import vendors and what the shop owes them (opening udhaar); a vendor already there
    (same phone) is renamed to the file's name. Exit 0: all rows fine; 1: some rows failed
    (listed); 2: file or argument error."""
    _import("vendors", file, shop, dry_run=dry_run, all_or_nothing=all_or_nothing)


def _import(
    subject: Literal["products", "customers", "vendors"],
    file: Path,
    shop: str,
    *,
    dry_run: bool,
    all_or_nothing: bool,
) -> NoReturn:
    from app.imports import command  # openpyxl is loaded only when importing

    _exit_with(
        lambda url: command.run(
            file,
            shop,
            url=url,
            settings=get_settings(),
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            out=Console(),
            err=console,
            subject=subject,
        )
    )


@cli.command("export")
def export_shop(
    file: Path = typer.Argument(..., help="The zip to write, e.g. sharma-kirana.zip"),
    shop: str = typer.Option(..., "--shop", help="The shop owner's phone (+91..., or 10 digits)"),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists"),
) -> None:
    """Export everything a shop owns: one CSV per table and manifest.json, in one zip.
    Exit 0: written; 2: unknown phone, FILE exists (without --force) or cannot be written."""
    from app.archive import command as archive_command

    _exit_with(
        lambda url: archive_command.run(
            file, shop, url=url, settings=get_settings(), force=force, out=Console(), err=console
        )
    )


@import_app.command("shop")
def import_shop(
    file: Path = typer.Argument(..., help="A zip written by `dukaan export`"),
    shop: str = typer.Option(
        ..., "--shop", help="The new, empty shop's owner's phone (+91..., or 10 digits)"
    ),
) -> None:
    """Restore a shop's export into a new, empty shop, all or nothing; staff logins are left
    out. Exit 0: restored; 2: nothing written (the reason printed)."""
    from app.archive import restore_command

    _exit_with(
        lambda url: restore_command.run(
            file, shop, url=url, settings=get_settings(), out=Console(), err=console
        )
    )


@cli.command()
def demo(
    phone: str = typer.Option(
        "+919000012345", "--phone", help="The demo owner's login phone; one shop per phone"
    ),
    password: str = typer.Option("chai-biscuit-demo", "--password", help="The owner's password"),
    products: int = typer.Option(200, "--products", min=1, help="Catalogue size (up to 222)"),
    customers: int = typer.Option(30, "--customers", min=1, max=200, help="Regular customers"),
    days: int = typer.Option(90, "--days", min=1, max=366, help="Days of history, to today"),
    bills_per_day: int = typer.Option(
        28, "--bills-per-day", min=1, max=500, help="Bills on an ordinary weekday"
    ),
    seed: int = typer.Option(21, "--seed", help="The same seed (and day) builds the same shop"),
) -> None:
    """Build a demo kirana shop with three months of history (through the API's services)
    and print its login. A second run finds the shop (same --phone) and writes nothing.
    Exit 0: built or found; 2: not built (the reason printed)."""
    from app.demo import command as demo_command
    from app.demo.shop import DemoSize

    size = DemoSize(
        products=products, customers=customers, days=days, bills_per_day=bills_per_day, seed=seed
    )

    def build(url: str) -> int:
        migrations.upgrade(url)  # like `serve`: `make demo` may come first on a fresh clone
        return demo_command.run(
            url=url,
            settings=get_settings(),
            phone=phone,
            password=password,
            size=size,
            out=Console(),
            err=console,
        )

    _exit_with(build)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
