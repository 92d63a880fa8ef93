"""What each kind of import reads and runs: one registry, looked up by the job's kind.

The kinds differ in data (which headings they need, which function applies the rows), not
in how a job is received, stored, claimed or reported, so they are described here once and
the rest of app.jobs never branches on them. Data and thin adapters only: no I/O.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.service import ShopOwner
from app.imports.batches import ImportResult
from app.imports.headers import CUSTOMER_FIELDS, VENDOR_FIELDS, Mapping, map_headings
from app.imports.parties import Side, import_parties
from app.imports.products import import_products
from app.imports.reading import Sheet

ImportKindName = Literal["products", "customers", "vendors"]
"""The kinds `POST /api/imports` takes (`kind`)."""


class Importer(Protocol):
    """`app.imports`' entry point of a kind: applies the sheet's rows as the owner."""

    async def __call__(
        self,
        maker: async_sessionmaker[AsyncSession],
        owner: ShopOwner,
        sheet: Sheet,
        *,
        source: str,
        dry_run: bool = False,
        all_or_nothing: bool = False,
        on_row: Callable[[], None] | None = None,
    ) -> ImportResult: ...


@dataclass(frozen=True)
class ImportKind:
    name: str
    """As the API names it: `products`, `customers`, `vendors`."""
    job_kind: str
    """`data_jobs.kind`: `import_products`, ..."""
    headings: Callable[[Sequence[str]], Mapping]
    """Maps a heading row, raising `HeaderError` when it cannot be imported (checked while
    the upload's request waits, so a useless file is refused at once)."""
    run: Importer


def _parties(side: Side) -> Importer:
    """`import_parties` for one side, as an `Importer`."""

    async def run(
        maker: async_sessionmaker[AsyncSession],
        owner: ShopOwner,
        sheet: Sheet,
        *,
        source: str,
        dry_run: bool = False,
        all_or_nothing: bool = False,
        on_row: Callable[[], None] | None = None,
    ) -> ImportResult:
        return await import_parties(
            maker,
            owner,
            sheet,
            side=side,
            source=source,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            on_row=on_row,
        )

    return run


IMPORTS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        ImportKind("products", "import_products", map_headings, import_products),
        ImportKind(
            "customers",
            "import_customers",
            partial(map_headings, fields=CUSTOMER_FIELDS),
            _parties("customers"),
        ),
        ImportKind(
            "vendors",
            "import_vendors",
            partial(map_headings, fields=VENDOR_FIELDS),
            _parties("vendors"),
        ),
    )
}
"""API name -> kind."""

BY_JOB_KIND: dict[str, ImportKind] = {kind.job_kind: kind for kind in IMPORTS.values()}
EXPORT = "export"
"""`data_jobs.kind` of an export."""
