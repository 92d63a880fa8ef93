"""`dukaan demo`: build the demo shop with a progress bar, or find the one already built, and
print the login to use in /docs with the shop's summary. `app.cli` parses the options.

Exit codes: 0 the shop was built, or already exists (nothing is written then); 2 the
database or the arguments stopped it (the reason printed; a failed build leaves what it
committed, and the next run reports that shop rather than build a second one).
"""

import asyncio
import secrets
import time

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from app.config import Settings
from app.core.errors import AppError
from app.core.phone import InvalidPhone, to_e164
from app.db.session import create_engine, create_sessionmaker
from app.db.statistics import refresh_statistics
from app.demo.catalogue import CATALOGUE
from app.demo.history import Tally
from app.demo.shop import DEFAULT_PASSWORD, DemoBuilder, DemoSize, ShopFacts, facts, find_existing

EXIT_OK = 0
EXIT_CANNOT_BUILD = 2


def run(
    *,
    url: str,
    settings: Settings,
    phone: str,
    password: str,
    size: DemoSize,
    out: Console,
    err: Console,
) -> int:
    """Build (or find) the demo shop whose owner logs in with `phone`; the exit code."""
    if size.products > len(CATALOGUE):
        err.print(
            f"[red]Cannot build the demo:[/] --products {size.products} is more than the "
            f"catalogue's {len(CATALOGUE)}",
            highlight=False,
        )
        return EXIT_CANNOT_BUILD
    try:
        e164 = to_e164(phone, settings.shop.region)
    except InvalidPhone as exc:
        err.print(f"[red]Cannot build the demo:[/] {escape(str(exc))}", highlight=False)
        return EXIT_CANNOT_BUILD
    try:
        return asyncio.run(
            _run(
                url=url,
                settings=settings,
                phone=e164,
                password=password,
                size=size,
                out=out,
                err=err,
            )
        )
    except AppError as exc:
        err.print(f"[red]Cannot build the demo:[/] {escape(exc.detail)}", highlight=False)
    except (DBAPIError, OSError) as exc:
        err.print(f"[red]The database cannot be used:[/] {escape(str(exc))}", highlight=False)
    return EXIT_CANNOT_BUILD


async def _run(
    *,
    url: str,
    settings: Settings,
    phone: str,
    password: str,
    size: DemoSize,
    out: Console,
    err: Console,
) -> int:
    engine = create_engine(url, settings.db)
    try:
        maker = create_sessionmaker(engine)
        existing = await find_existing(maker, phone, settings.shop.region)
        if existing is not None:
            shop = await facts(maker, existing)
            out.print(
                f"[yellow]A shop already logs in with {phone}:[/] {escape(shop.name)} "
                f"(shop {shop.shop_id}). Nothing was written; give another --phone for a "
                "second demo shop.",
                highlight=False,
            )
            print_summary(out, shop, None, phone=phone, password=None, spent_s=None)
            return EXIT_OK
        started = time.perf_counter()
        # The owner's first session is signed with a throwaway key: its tokens are read
        # here once and never handed out (the login printed below makes fresh ones).
        builder = DemoBuilder(engine, maker, settings, secrets.token_urlsafe(32), size)
        with Progress(
            TextColumn("[bold]Demo shop[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("days"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("setting up", total=None)
            shop_id = await builder.build(
                phone,
                password,
                on_start=lambda days: progress.update(task, total=days),
                on_day=lambda day: progress.update(
                    task, advance=1, description=f"{day:%d %b %Y}, {builder.tally.sales} bills"
                ),
            )
        # months of bills in a database the planner may last have seen empty
        await refresh_statistics(engine)
        seconds = time.perf_counter() - started
        shop = await facts(maker, shop_id)
    finally:
        await engine.dispose()
    print_summary(out, shop, builder.tally, phone=phone, password=password, spent_s=seconds)
    return EXIT_OK


def print_summary(
    out: Console,
    shop: ShopFacts,
    tally: Tally | None,
    *,
    phone: str,
    password: str | None,
    spent_s: float | None,
) -> None:
    """The login, then what the shop holds (and, for a new one, what the run recorded)."""
    if spent_s is not None and tally is not None:
        out.print(
            f"[green]Demo shop built[/] in {spent_s:.1f}s: {escape(shop.name)} (shop "
            f"{shop.shop_id}), {tally.first_day} to {tally.last_day}",
            highlight=False,
        )
    table = Table(title="Demo shop", title_justify="left")
    table.add_column("What")
    table.add_column("Count or amount", justify="right")
    rows: list[tuple[str, object]] = [
        ("products", shop.products),
        ("sale bills", shop.sales),
        ("purchase bills", shop.purchases),
        ("expenses", shop.expenses),
        ("customers owe (udhaar)", f"₹{shop.receivable:,.2f}"),
        ("of which overdue", f"₹{shop.overdue_receivable:,.2f}"),
        ("customers owing", shop.customers_owing),
        ("the shop owes vendors", f"₹{shop.payable:,.2f}"),
    ]
    if tally is not None:
        rows[1:1] = [("customers", tally.customers), ("vendors", tally.vendors)]
        rows += [
            ("sales on udhaar", tally.credit_sales),
            ("purchases on udhaar", tally.purchases_on_credit),
            ("udhaar payments by customers", tally.customer_payments),
            ("payments to vendors", tally.vendor_payments),
            ("returns (today)", tally.returns),
            ("voided bills (today)", tally.voids),
        ]
    for label, value in rows:
        table.add_row(label, str(value))
    out.print(table)
    shown = (
        password
        if password is not None
        else f"the one it was built with (default {DEFAULT_PASSWORD})"
    )
    out.print(
        f"Log in at /docs (Authorize): username [bold]{phone}[/]  "
        f"password [bold]{escape(shown)}[/]",
        highlight=False,
        soft_wrap=True,
    )
    out.print(
        f"or: curl -X POST http://127.0.0.1:8000/api/auth/token --data-urlencode username={phone} "
        f"--data-urlencode password={escape(password or DEFAULT_PASSWORD)}",
        highlight=False,
        soft_wrap=True,
    )
