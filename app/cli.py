"""The `dukaan` command: serve the API, send messages, run migrations."""

import asyncio
import logging
import os
import signal
import time

import typer
import uvicorn
from rich.console import Console

from app.config import Settings, get_settings
from app.core import migrate as migrations
from app.core import production
from app.core.embedded import ensure_database, start_server
from app.core.logging import configure_logging
from app.notifications import dispatcher

cli = typer.Typer(help="Dukaan Sahaayak: the backend of a shop's books.", no_args_is_help=True)
console = Console(stderr=True)


def _resolve_database_url() -> str:
    """The configured DATABASE_URL, or the embedded server's (started and kept running here).

    The URL is put into the environment so Uvicorn's worker processes use the same server.
    """
    settings = get_settings()
    if settings.db.url:
        return settings.db.url
    started = time.perf_counter()
    server = start_server(settings.db.data_dir)
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
    url = _resolve_database_url()
    migrations.upgrade(url)
    bind_host = host or settings.server.host
    bind_port = port or settings.server.port
    console.print(
        f"[bold]Dukaan Sahaayak[/] on http://{bind_host}:{bind_port}  "
        f"(docs: http://{bind_host}:{bind_port}/docs)"
    )
    uvicorn.run(
        "app.main:app",
        host=bind_host,
        port=bind_port,
        workers=workers or settings.server.workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )


@cli.command()
def worker() -> None:
    """Send queued messages (the outbox) until SIGTERM or SIGINT; run as many as you like.

    Migrates first, like `serve`. Set DISPATCHER=off on the API when workers do the sending.
    """
    configure_logging(get_settings().server.log_level)
    _refuse_unsafe_production(get_settings())
    url = _resolve_database_url()
    migrations.upgrade(url)
    settings = get_settings()
    log = logging.getLogger("dukaan.worker")

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await dispatcher.work(settings, url, stop)

    log.info("worker started", extra={"pid": os.getpid()})
    asyncio.run(run())
    log.info("worker stopped", extra={"pid": os.getpid()})


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
