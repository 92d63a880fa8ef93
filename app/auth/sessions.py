"""Login sessions and their tokens, and the counters that limit logins and registrations.

A login opens a session (one per device and login) and returns a short-lived access token
naming it (`sid`) with a refresh token. Refresh tokens are random, stored only as their
SHA-256, and single-use: each refresh marks the presented one used and issues the next
(rotation). Presenting a used one again means it was copied, so the whole session (the token
family) is revoked, which also stops its access tokens (OAuth 2.0 Security BCP, section 4.14).
Whether a session still admits requests is checked by the database with every shop switch.

Attempts are counted in PostgreSQL, one atomic upsert per attempt that returns the new count,
in a transaction of their own: the attempt's own reply (a 401) rolls the request back, and
the count must survive that. No HTTP here.
"""

import datetime as dt
import hashlib
import secrets

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit import service as audit
from app.auth import repository
from app.auth.schemas import TokenOut
from app.config import AuthSettings
from app.core.errors import RateLimited, Unauthorized
from app.core.security import Principal, Role, issue_token
from app.db.session import SESSION_GONE
from app.models import User

LOGIN_NEW_DEVICE = "login_new_device"


def _digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


async def _issue(
    session: AsyncSession,
    *,
    session_id: int,
    user: User,
    expires_at: dt.datetime,
    secret: str,
    auth: AuthSettings,
) -> TokenOut:
    refresh_token = secrets.token_urlsafe(32)
    await repository.add_refresh_token(
        session, session_id=session_id, token_hash=_digest(refresh_token), expires_at=expires_at
    )
    role: Role = "owner" if user.role == "owner" else "staff"
    principal = Principal(user.id, user.shop_id, role, session_id)
    return TokenOut(
        access_token=issue_token(principal, secret, auth.token_minutes),
        refresh_token=refresh_token,
        expires_in=auth.token_minutes * 60,
    )


async def open_session(
    session: AsyncSession,
    user: User,
    *,
    device: str,
    secret: str,
    auth: AuthSettings,
    audit_new_device: bool = True,
) -> TokenOut:
    """A new session for the user on `device`, with its first tokens.

    A login from a device the user never logged in from is written to the audit log.
    """
    new_device = not await repository.device_known(session, user.id, device)
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=auth.refresh_token_days)
    row = await repository.add_session(
        session, user_id=user.id, shop_id=user.shop_id, device=device, expires_at=expires_at
    )
    if new_device and audit_new_device:
        await audit.record(
            session,
            shop_id=user.shop_id,
            user_id=user.id,
            action=LOGIN_NEW_DEVICE,
            entity="user",
            entity_id=user.id,
            before=None,
            after={"device": device},
        )
    return await _issue(
        session, session_id=row.id, user=user, expires_at=expires_at, secret=secret, auth=auth
    )


async def refresh(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    refresh_token: str,
    *,
    secret: str,
    auth: AuthSettings,
) -> TokenOut:
    """Rotate: the presented token becomes used, the next one is issued, with an access token
    carrying the user's current role. A replayed token revokes its whole session."""
    token_hash = _digest(refresh_token)
    used = await repository.use_refresh_token(session, token_hash)
    if used is None:
        replayed = await repository.refresh_token_session(session, token_hash)
        if replayed is None:
            raise Unauthorized("Unknown refresh token")
        # Committed on its own: the 401 rolls the request's transaction back.
        async with sessions.begin() as own:
            await repository.revoke_session(own, replayed)
        raise Unauthorized(
            "This refresh token was already used; its session has been ended. Log in again"
        )
    session_id, token_expires = used
    now = dt.datetime.now(dt.UTC)
    auth_session, user = await repository.session_and_user(session, session_id)
    if (
        token_expires <= now
        or auth_session.revoked_at is not None
        or auth_session.expires_at <= now
        or not user.active
    ):
        raise Unauthorized(SESSION_GONE)
    expires_at = now + dt.timedelta(days=auth.refresh_token_days)
    await repository.renew_session(session, session_id, expires_at)
    return await _issue(
        session, session_id=session_id, user=user, expires_at=expires_at, secret=secret, auth=auth
    )


async def end_session(session: AsyncSession, principal: Principal) -> None:
    await repository.revoke_session(session, principal.session_id)


async def end_user_sessions(session: AsyncSession, user_id: int, *, keep: int | None = None) -> int:
    return await repository.revoke_user_sessions(session, user_id, keep=keep)


class AttemptLimiter:
    """Login attempts per (phone, address) and failures per address; registrations per address.

    A login attempt is counted *before* the password is checked (so 24 concurrent guesses get
    at most `LOGIN_MAX_FAILURES` evaluated, the rest a 429) and taken back when it succeeds.
    Counting per (phone, address) rather than per phone means a stranger's failures never lock
    the owner out from their own address; the per-address limit stops one address trying many
    phones.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: AuthSettings) -> None:
        self._sessions = sessions
        self._settings = settings

    @staticmethod
    def _login_keys(phone: str, address: str) -> tuple[str, str]:
        return f"login:{phone}|{address}"[:120], f"login-ip:{address}"[:120]

    async def _count(self, limits: dict[str, tuple[int, int]], what: str) -> None:
        """Count a hit on each key (key -> (limit, window seconds)); 429 when one is over."""
        async with self._sessions.begin() as session:
            counts = await repository.count_hit(
                session, {key: window for key, (_, window) in limits.items()}
            )
        now = dt.datetime.now(dt.UTC)
        over = [ends for key, (hits, ends) in counts.items() if hits > limits[key][0]]
        if over:
            retry_after = (max(over) - now).total_seconds()
            raise RateLimited(
                f"Too many {what}; try again later", retry_after_s=int(retry_after) + 1
            )

    async def login_attempt(self, phone: str, address: str) -> None:
        pair, by_address = self._login_keys(phone, address)
        window = self._settings.login_window_s
        await self._count(
            {
                pair: (self._settings.login_max_failures, window),
                by_address: (self._settings.login_max_failures_per_address, window),
            },
            "failed logins",
        )

    async def login_succeeded(self, session: AsyncSession, phone: str, address: str) -> None:
        """Forget this phone's failures from this address, and take the attempt back from the
        address's count (written with the login's own transaction)."""
        pair, by_address = self._login_keys(phone, address)
        await repository.forgive(session, clear=pair, take_back=by_address)

    async def registration(self, address: str) -> None:
        limit = self._settings.register_max_per_hour
        if limit > 0:
            await self._count({f"register:{address}"[:120]: (limit, 3600)}, "registrations")
