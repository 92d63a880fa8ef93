"""Fresh planner statistics after a bulk write (a restore, the demo's history).

Tables the planner last saw empty are planned as empty until autovacuum comes round: the first
bills' foreign-key checks then scan a shop's bills by another index than the primary key, and
reports join as if there were nothing to join (`python -m benchmarks.sale_writes` shows it).
ANALYZE needs the tables' owner (the connecting role, as the migrations' and `make run`'s);
any other role gets a warning from PostgreSQL and the caller's work stands.
"""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncEngine


async def refresh_statistics(engine: AsyncEngine, tables: Iterable[str] = ()) -> None:
    """ANALYZE `tables` (names, quoted here), or every table when none are given."""
    quote = engine.dialect.identifier_preparer.quote
    statements = [f"ANALYZE {quote(table)}" for table in tables] or ["ANALYZE"]
    async with engine.begin() as connection:
        for statement in statements:
            await connection.exec_driver_sql(statement)
