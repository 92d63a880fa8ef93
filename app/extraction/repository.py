"""The per-shop daily count of metered calls (bill readings, questions). No business rules."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_TAKE = text(
    """
    INSERT INTO daily_usage (shop_id, kind, day, used)
    SELECT s.id, :kind, (now() AT TIME ZONE s.timezone)::date, 1
    FROM shops s WHERE s.id = :shop_id
    ON CONFLICT (shop_id, kind, day)
        DO UPDATE SET used = daily_usage.used + 1 WHERE daily_usage.used < :cap
    RETURNING used
    """
)


async def take_one(session: AsyncSession, shop_id: int, cap: int, kind: str = "extraction") -> bool:
    """Count one reading for today; False (nothing counted) when `cap` is already reached.

    One statement: the upsert's row lock makes concurrent readings of one shop count
    one after the other, so the cap holds across workers.
    """
    taken = await session.scalar(_TAKE, {"shop_id": shop_id, "cap": cap, "kind": kind})
    return taken is not None
