"""Running a compiled question: read-only, time-boxed, row-capped, in the shop's transaction."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.ask.compiler import Query, like_pattern
from app.ask.parser import Known

STATEMENT_TIMEOUT_MS = 2000
MAX_ROWS = 100

# From here the transaction may not write (PostgreSQL allows switching to read-only at any
# point), and no statement may run past the timeout: the last line of defence should a
# compiled query ever be wrong.
_GUARD = text(
    "SELECT set_config('transaction_read_only', 'on', true), "
    "set_config('statement_timeout', :timeout, true)"
)


async def run(session: AsyncSession, query: Query) -> list[dict[str, Any]]:
    await session.execute(_GUARD, {"timeout": str(STATEMENT_TIMEOUT_MS)})
    result = await session.execute(text(query.sql), query.params)
    return [dict(row) for row in result.mappings().fetchmany(MAX_ROWS)]


_KNOWN = text(
    "SELECT w.word, "
    "EXISTS (SELECT 1 FROM ask_stock p WHERE p.shop_id = :shop_id AND p.product ILIKE w.pattern)"
    " AS product, "
    "EXISTS (SELECT 1 FROM ask_parties c WHERE c.shop_id = :shop_id AND c.name ILIKE w.pattern)"
    " AS party "
    "FROM unnest(CAST(:words AS text[]), CAST(:patterns AS text[])) AS w(word, pattern)"
)


async def known(session: AsyncSession, shop_id: int, words: list[str]) -> Known:
    """Which of `words` occur in the shop's product names and in its parties' names."""
    if not words:
        return Known()
    patterns = [like_pattern(word) for word in words]
    result = await session.execute(
        _KNOWN, {"shop_id": shop_id, "words": words, "patterns": patterns}
    )
    rows = result.all()
    return Known(
        products=frozenset(row.word for row in rows if row.product),
        parties=frozenset(row.word for row in rows if row.party),
    )
