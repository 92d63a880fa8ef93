"""Registration, login with a failed-login limit, and who-am-I."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import repository
from app.auth.schemas import (
    MeOut,
    MessageSettings,
    RegisterIn,
    RegisterOut,
    ShopRead,
    ShopUpdate,
    StaffCreate,
    TokenOut,
    UserRead,
)
from app.config import AuthSettings, ShopDefaults
from app.core.errors import Duplicate, NotFound, RateLimited, Unauthorized
from app.core.phone import InvalidPhone, to_e164
from app.core.security import Principal, Role, hash_password, issue_token, verify_password
from app.models import Shop, User

BAD_CREDENTIALS = "Incorrect phone number or password"


def _shop_read(shop: Shop) -> ShopRead:
    return ShopRead(
        shop_id=shop.id,
        shop_name=shop.name,
        region=shop.region,
        timezone=shop.timezone,
        allow_negative_stock=shop.allow_negative_stock,
        **_message_settings(shop),
    )


def _message_settings(shop: Shop) -> dict[str, Any]:
    return {name: getattr(shop, name) for name in MessageSettings.model_fields}


def _user_read(user: User) -> UserRead:
    return UserRead(user_id=user.id, name=user.name, phone_no=user.phone, role=user.role)


async def _add_login(
    session: AsyncSession, shop_id: int, *, name: str, phone: str, password: str, role: Role
) -> User:
    """A user of the shop; a phone logs in to one account across the whole deployment."""
    if await repository.phone_taken(session, phone):
        raise Duplicate(f"An account with phone {phone} already exists", field="phone_no")
    return await repository.add_user(
        session,
        shop_id=shop_id,
        name=name,
        phone=phone,
        password_hash=hash_password(password),
        role=role,
    )


async def register(
    session: AsyncSession,
    data: RegisterIn,
    *,
    defaults: ShopDefaults,
    secret: str,
    auth: AuthSettings,
) -> RegisterOut:
    """A new shop with its owner; the reply carries a token so the app can start at once."""
    shop = await repository.add_shop(
        session, name=data.shop_name, region=defaults.region, timezone=defaults.timezone
    )
    user = await _add_login(
        session,
        shop.id,
        name=data.owner_name,
        phone=data.phone_no,
        password=data.password,
        role="owner",
    )
    token = issue_token(Principal(user.id, shop.id, "owner"), secret, auth.token_minutes)
    return RegisterOut(access_token=token, shop=_shop_read(shop), user=_user_read(user))


async def add_staff(session: AsyncSession, principal: Principal, data: StaffCreate) -> UserRead:
    """An owner adds a counter hand who logs in with their own phone; staff cannot manage."""
    user = await _add_login(
        session,
        principal.shop_id,
        name=data.name,
        phone=data.phone_no,
        password=data.password,
        role="staff",
    )
    return _user_read(user)


@dataclass(frozen=True, slots=True)
class ShopSettings:
    """What bills and messages need to know about their shop."""

    shop_id: int
    name: str
    region: str
    timezone: str
    allow_negative_stock: bool
    language: str = "en"
    message_channel: str = "sms"
    send_bill_messages: bool = True
    send_payment_receipts: bool = True
    reminders_enabled: bool = True
    reminder_every_days: int = 3
    reminder_hour: int = 10
    daily_message_cap: int = 500
    message_templates: dict[str, dict[str, str]] = field(default_factory=dict)

    def now(self) -> dt.datetime:
        return dt.datetime.now(ZoneInfo(self.timezone))

    def today(self) -> dt.date:
        return self.now().date()

    def seconds_to_midnight(self) -> int:
        """Until the shop's day turns over: the `Retry-After` of its daily caps."""
        now = self.now()
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
        return int((midnight - now).total_seconds()) + 1


_LOADED_SETTINGS = "dukaan.shop_settings"


async def enter_shop(session: AsyncSession, shop_id: int) -> None:
    """Confine the request's transaction to the shop (RLS), loading its settings on the way.

    The settings are kept in the session for `shop_settings` (None: the shop is gone).
    """
    row = await repository.enter_shop_and_load(session, shop_id)
    session.info[_LOADED_SETTINGS] = None if row is None else _settings_of_row(row)


def _settings_of_row(row: dict[str, Any]) -> ShopSettings:
    return ShopSettings(
        shop_id=row["id"],
        name=row["name"],
        region=row["region"],
        timezone=row["timezone"],
        allow_negative_stock=row["allow_negative_stock"],
        **{name: row[name] for name in MessageSettings.model_fields},
    )


async def shop_settings_on(connection: asyncpg.Connection, shop_id: int) -> ShopSettings:
    """The shop's settings, read on a driver connection (the hot endpoints have no session)."""
    row = await repository.shop_row(connection, shop_id)
    if row is None:
        raise NotFound("This shop no longer exists")
    return _settings_of_row(row)


async def shop_settings(session: AsyncSession, shop_id: int) -> ShopSettings:
    loaded = session.info.get(_LOADED_SETTINGS)
    if isinstance(loaded, ShopSettings) and loaded.shop_id == shop_id:
        return loaded
    shop = await repository.shop(session, shop_id)
    if shop is None:
        raise NotFound("This shop no longer exists")
    return _settings_of_row({column.key: getattr(shop, column.key) for column in Shop.__table__.c})


async def update_shop(session: AsyncSession, shop_id: int, data: ShopUpdate) -> ShopRead:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "shop_name" in changes:
        changes["name"] = changes.pop("shop_name")
    if changes:
        await repository.update_shop(session, shop_id, changes)
    shop = await repository.shop(session, shop_id)
    if shop is None:
        raise NotFound("This shop no longer exists")
    await session.refresh(shop)
    return _shop_read(shop)


class LoginLimiter:
    """Counts failed logins per phone and per client address in PostgreSQL.

    Failures are written in their own short transaction: the login itself answers 401, which
    rolls the request's transaction back, and the count must survive that. Being in the
    database, the count holds across workers and machines.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: AuthSettings) -> None:
        self._sessions = sessions
        self._max = settings.login_max_failures
        self._window = dt.timedelta(seconds=settings.login_window_s)

    async def check(self, session: AsyncSession, keys: list[str], now: dt.datetime) -> None:
        counts = await repository.failures_since(session, keys, now - self._window)
        blocked = [oldest for count, oldest in counts.values() if count >= self._max]
        if blocked:
            retry_after = (min(blocked) + self._window - now).total_seconds()
            raise RateLimited(
                "Too many failed logins; try again later", retry_after_s=int(retry_after) + 1
            )

    async def record_failure(self, keys: list[str], now: dt.datetime) -> None:
        async with self._sessions.begin() as session:
            await repository.prune_failures(session, keys, now - self._window)
            await repository.add_failures(session, keys, now)


async def login(
    session: AsyncSession,
    limiter: LoginLimiter,
    *,
    username: str,
    password: str,
    client_address: str,
    defaults: ShopDefaults,
    secret: str,
    auth: AuthSettings,
) -> TokenOut:
    try:
        phone = to_e164(username, defaults.region)
    except InvalidPhone:
        phone = username.strip()[:40]
    keys = [f"phone:{phone}", f"ip:{client_address}"[:80]]
    now = dt.datetime.now(dt.UTC)
    await limiter.check(session, keys, now)
    user = await repository.user_by_phone(session, phone)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        await limiter.record_failure(keys, now)
        raise Unauthorized(BAD_CREDENTIALS)
    await repository.clear_failures(session, keys[0])
    principal = Principal(user.id, user.shop_id, user.role)  # type: ignore[arg-type]
    return TokenOut(access_token=issue_token(principal, secret, auth.token_minutes))


async def me(session: AsyncSession, principal: Principal) -> MeOut:
    found = await repository.user_and_shop(session, principal.user_id, principal.shop_id)
    if found is None:
        raise NotFound("This account no longer exists")
    user, shop = found
    return MeOut(user=_user_read(user), shop=_shop_read(shop))
