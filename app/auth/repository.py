"""Queries on shops, users, login sessions, refresh tokens and the login/registration
counters. No business rules here."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import Principal
from app.db.session import SESSION_CHECK, SHOP_SWITCH, session_check_values
from app.db.sql import Sql
from app.models import AuthSession, RefreshToken, Shop, User


async def add_shop(session: AsyncSession, *, name: str, region: str, timezone: str) -> Shop:
    shop = Shop(name=name, region=region, timezone=timezone, allow_negative_stock=False)
    session.add(shop)
    await session.flush()
    return shop


async def add_user(
    session: AsyncSession, *, shop_id: int, name: str, phone: str, password_hash: str, role: str
) -> User:
    user = User(shop_id=shop_id, name=name, phone=phone, password_hash=password_hash, role=role)
    session.add(user)
    await session.flush()
    return user


async def phone_taken(session: AsyncSession, phone: str) -> bool:
    found = await session.scalar(select(User.id).where(User.phone == phone))
    return found is not None


async def user_by_phone(session: AsyncSession, phone: str) -> User | None:
    result: User | None = await session.scalar(select(User).where(User.phone == phone))
    return result


async def user_and_shop(
    session: AsyncSession, user_id: int, shop_id: int
) -> tuple[User, Shop] | None:
    row = (
        await session.execute(
            select(User, Shop)
            .join(Shop, Shop.id == User.shop_id)
            .where(User.id == user_id, User.shop_id == shop_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


# Constants only; the shop id and the token's values are bound.
_ENTER_AND_LOAD = Sql(
    f"SELECT {SHOP_SWITCH}, {SESSION_CHECK}, shop.* FROM (VALUES (1)) AS one (x) "  # noqa: S608
    "LEFT JOIN (SELECT * FROM shops WHERE id = :shop_id) AS shop ON true"
)


async def enter_shop_and_load(session: AsyncSession, principal: Principal) -> dict[str, Any] | None:
    """Confine the transaction to the caller's shop, check their login session, and read the
    shop's row, in one round trip.

    The switch of `app.db.session.SHOP_SWITCH`, with the session check (`SESSION_CHECK`, which
    raises when the session has ended) and the shop's settings riding along. The shop is LEFT
    JOINed to a one-row VALUES so the switch happens even for a shop that no longer exists
    (then None is returned); never may a request go on under the owner role.
    """
    connection = await session.connection()
    result = await connection.exec_driver_sql(
        _ENTER_AND_LOAD.text,
        _ENTER_AND_LOAD.args(shop_key=str(principal.shop_id), **session_check_values(principal)),
    )
    row = dict(result.one()._mapping)
    return None if row["id"] is None else row


_CHECK_SESSION = Sql(f"SELECT {SESSION_CHECK}")


async def check_session(session: AsyncSession, principal: Principal) -> None:
    """Raise (`SESSION_ENDED`) unless the caller's login session is live; for the endpoints that
    run on the system session and so have no shop switch to ride on."""
    connection = await session.connection()
    await connection.exec_driver_sql(
        _CHECK_SESSION.text, _CHECK_SESSION.bind(session_check_values(principal))
    )


async def shop(session: AsyncSession, shop_id: int) -> Shop | None:
    result: Shop | None = await session.get(Shop, shop_id)
    return result


async def update_shop(session: AsyncSession, shop_id: int, values: dict[str, object]) -> None:
    await session.execute(update(Shop).where(Shop.id == shop_id).values(**values))


async def users_of_shop(session: AsyncSession, shop_id: int) -> Sequence[User]:
    return (
        await session.scalars(select(User).where(User.shop_id == shop_id).order_by(User.id))
    ).all()


async def user_in_shop(session: AsyncSession, user_id: int, shop_id: int) -> User | None:
    """The shop's user, its row locked for the change about to be made."""
    result: User | None = await session.scalar(
        select(User).where(User.id == user_id, User.shop_id == shop_id).with_for_update()
    )
    return result


async def lock_shop(session: AsyncSession, shop_id: int) -> None:
    """Serialise staff changes within a shop (two owners demoting each other at once).

    FOR NO KEY UPDATE: exclusive among staff changes, but no obstacle to the foreign-key
    checks of the shop's ordinary writes."""
    await session.execute(select(Shop.id).where(Shop.id == shop_id).with_for_update(key_share=True))


async def update_user(
    session: AsyncSession, user_id: int, shop_id: int, values: dict[str, object]
) -> None:
    await session.execute(
        update(User).where(User.id == user_id, User.shop_id == shop_id).values(**values)
    )


async def add_session(
    session: AsyncSession, *, user_id: int, shop_id: int, device: str, expires_at: dt.datetime
) -> AuthSession:
    row = AuthSession(user_id=user_id, shop_id=shop_id, device=device, expires_at=expires_at)
    session.add(row)
    await session.flush()
    return row


async def device_known(session: AsyncSession, user_id: int, device: str) -> bool:
    """Whether the user has logged in from this device before."""
    found = await session.scalar(
        select(AuthSession.id)
        .where(AuthSession.user_id == user_id, AuthSession.device == device)
        .limit(1)
    )
    return found is not None


async def add_refresh_token(
    session: AsyncSession, *, session_id: int, token_hash: str, expires_at: dt.datetime
) -> None:
    session.add(RefreshToken(session_id=session_id, token_hash=token_hash, expires_at=expires_at))
    await session.flush()


async def use_refresh_token(
    session: AsyncSession, token_hash: str
) -> tuple[int, dt.datetime] | None:
    """Mark an unused refresh token used, atomically: (its session, its expiry), or None when
    there is no such unused token (unknown, or already used: a replay)."""
    row = (
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None))
            .values(used_at=func.now())
            .returning(RefreshToken.session_id, RefreshToken.expires_at)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def refresh_token_session(session: AsyncSession, token_hash: str) -> int | None:
    found: int | None = await session.scalar(
        select(RefreshToken.session_id).where(RefreshToken.token_hash == token_hash)
    )
    return found


async def session_and_user(session: AsyncSession, session_id: int) -> tuple[AuthSession, User]:
    row = (
        await session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.id == session_id)
            .with_for_update(of=AuthSession)
        )
    ).one()
    return row[0], row[1]


async def renew_session(session: AsyncSession, session_id: int, expires_at: dt.datetime) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id)
        .values(refreshed_at=func.now(), expires_at=expires_at)
    )


async def revoke_session(session: AsyncSession, session_id: int) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: int, *, keep: int | None = None
) -> int:
    """End every live session of the user, except `keep`; returns how many ended."""
    statement = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    result = await session.execute(statement.values(revoked_at=func.now()))
    return int(getattr(result, "rowcount", 0) or 0)


# One upsert per attempt: each key's counter goes up and comes back in the same statement, so
# concurrent attempts each see a distinct count (no check-then-record race). Keys are taken in
# sorted order, so two attempts sharing keys lock them in the same order.
_COUNT = text(
    """
    INSERT INTO auth_counters AS c (key, hits, window_ends)
    SELECT k.key, 1, now() + make_interval(secs => k.window_s)
    FROM unnest(CAST(:keys AS text[]), CAST(:windows AS int[])) AS k (key, window_s)
    ORDER BY k.key
    ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN c.window_ends <= now() THEN 1 ELSE c.hits + 1 END,
        window_ends = CASE WHEN c.window_ends <= now() THEN excluded.window_ends
                      ELSE c.window_ends END
    RETURNING c.key, c.hits, c.window_ends
    """
)


async def count_hit(
    session: AsyncSession, windows: dict[str, int]
) -> dict[str, tuple[int, dt.datetime]]:
    """Count one hit on each key (key -> window seconds): key -> (hits so far, window end)."""
    keys = sorted(windows)
    rows = await session.execute(_COUNT, {"keys": keys, "windows": [windows[key] for key in keys]})
    return {key: (hits, ends) for key, hits, ends in rows}


_FORGIVE = text(
    """
    WITH cleared AS (DELETE FROM auth_counters WHERE key = :clear)
    UPDATE auth_counters SET hits = hits - 1 WHERE key = :take_back AND hits > 0
    """
)


async def forgive(session: AsyncSession, *, clear: str, take_back: str) -> None:
    """After a good login: drop the `clear` counter, and take this attempt back from the
    `take_back` counter (it was counted before the password was known to be right)."""
    await session.execute(_FORGIVE, {"clear": clear, "take_back": take_back})


_PURGE_COUNTERS = text(
    "DELETE FROM auth_counters WHERE key IN (SELECT key FROM auth_counters "
    "WHERE window_ends < now() LIMIT :limit)"
)
_PURGE_REFRESH_TOKENS = text(
    "DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens "
    "WHERE expires_at < now() LIMIT :limit)"
)


async def purge_counters(session: AsyncSession, limit: int) -> int:
    """Delete up to `limit` login/registration counters whose window has passed."""
    result = await session.execute(_PURGE_COUNTERS, {"limit": limit})
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_refresh_tokens(session: AsyncSession, limit: int) -> int:
    """Delete up to `limit` refresh tokens past their expiry."""
    result = await session.execute(_PURGE_REFRESH_TOKENS, {"limit": limit})
    return int(getattr(result, "rowcount", 0) or 0)
