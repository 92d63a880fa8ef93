"""Registration, login, who-am-I, the shop's settings, and staff management.

Login sessions, tokens and attempt limits are in `app.auth.sessions`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import repository, sessions
from app.auth.schemas import (
    MeOut,
    MessageSettings,
    PasswordChange,
    PasswordReset,
    PaymentProfile,
    RegisterIn,
    RegisterOut,
    ShopRead,
    ShopUpdate,
    StaffCreate,
    StaffMember,
    TaxProfile,
    TokenOut,
    UserRead,
    UserUpdate,
)
from app.config import AuthSettings, ShopDefaults
from app.core.errors import Conflict, Duplicate, InvalidInput, NotFound, Unauthorized
from app.core.gstin import STATE_NAMES, state_of
from app.core.phone import InvalidPhone, to_e164
from app.core.security import Principal, Role, hash_password, verify_password
from app.db.session import SESSION_GONE
from app.models import Shop, User

BAD_CREDENTIALS = "Incorrect phone number or password"
DEACTIVATED = "This account has been deactivated; ask the shop owner"
USER_ADDED = "user_added"
USER_ROLE_CHANGED = "user_role_changed"
USER_DEACTIVATED = "user_deactivated"
USER_REACTIVATED = "user_reactivated"
USER_PASSWORD_RESET = "user_password_reset"  # noqa: S105 - an audit action name


def _shop_read(shop: Shop) -> ShopRead:
    return ShopRead(
        shop_id=shop.id,
        shop_name=shop.name,
        region=shop.region,
        timezone=shop.timezone,
        allow_negative_stock=shop.allow_negative_stock,
        **_message_settings(shop),
        **{name: getattr(shop, name) for name in TaxProfile.model_fields},
        **{name: getattr(shop, name) for name in PaymentProfile.model_fields},
    )


def _message_settings(shop: Shop) -> dict[str, Any]:
    return {name: getattr(shop, name) for name in MessageSettings.model_fields}


def _user_read(user: User) -> UserRead:
    return UserRead(user_id=user.id, name=user.name, phone_no=user.phone, role=user.role)


def _staff_member(user: User) -> StaffMember:
    return StaffMember(
        user_id=user.id,
        name=user.name,
        phone_no=user.phone,
        role=user.role,
        active=user.active,
        created_at=user.created_at,
    )


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
        password_hash=await hash_password(password),
        role=role,
    )


async def register(
    session: AsyncSession,
    data: RegisterIn,
    *,
    device: str,
    defaults: ShopDefaults,
    secret: str,
    auth: AuthSettings,
) -> RegisterOut:
    """A new shop with its owner; the reply carries tokens so the app can start at once."""
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
    tokens = await sessions.open_session(
        session, user, device=device, secret=secret, auth=auth, audit_new_device=False
    )
    return RegisterOut(**tokens.model_dump(), shop=_shop_read(shop), user=_user_read(user))


async def resume_registration(
    session: AsyncSession,
    *,
    user_id: int,
    shop_id: int,
    device: str,
    secret: str,
    auth: AuthSettings,
) -> RegisterOut:
    """The reply to a replayed registration: the shop and owner it created, with the tokens of
    a new session (the first reply's tokens are never stored, so a replay cannot leak them).

    Only reached with the same key and body, password included (the fingerprint is an HMAC
    of it), so the caller has proved they know the owner's password.
    """
    found = await repository.user_and_shop(session, user_id, shop_id)
    if found is None or not found[0].active:
        raise Unauthorized("This registration's account is no longer active")
    user, shop = found
    tokens = await sessions.open_session(
        session, user, device=device, secret=secret, auth=auth, audit_new_device=False
    )
    return RegisterOut(**tokens.model_dump(), shop=_shop_read(shop), user=_user_read(user))


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
    await audit.record(
        session,
        shop_id=principal.shop_id,
        user_id=principal.user_id,
        action=USER_ADDED,
        entity="user",
        entity_id=user.id,
        before=None,
        after={"name": user.name, "phone_no": user.phone, "role": user.role},
    )
    return _user_read(user)


async def list_users(session: AsyncSession, shop_id: int) -> list[StaffMember]:
    return [_staff_member(user) for user in await repository.users_of_shop(session, shop_id)]


async def _shop_user(session: AsyncSession, user_id: int, shop_id: int) -> User:
    user = await repository.user_in_shop(session, user_id, shop_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    return user


async def update_user(
    session: AsyncSession, owner: Principal, user_id: int, data: UserUpdate
) -> StaffMember:
    """Change a user's role or activation. The shop always keeps an active owner: the caller
    is one and cannot demote or deactivate themselves, and staff changes in a shop are
    serialised, so two owners cannot demote each other at the same moment."""
    await repository.lock_shop(session, owner.shop_id)
    me = await _shop_user(session, owner.user_id, owner.shop_id)
    if not me.active or me.role != "owner":  # changed by a request that got the lock first
        raise Unauthorized(SESSION_GONE)
    user = me if user_id == me.id else await _shop_user(session, user_id, owner.shop_id)
    if user is me and data.active is False:
        raise Conflict(
            "You cannot deactivate your own account: the shop must keep an active owner",
            field="active",
        )
    if user is me and data.role == "staff":
        raise Conflict(
            "You cannot demote yourself: make another user owner, who can then change your role",
            field="role",
        )
    before = {"role": user.role, "active": user.active}
    changes = {
        name: value
        for name, value in data.model_dump(exclude_none=True).items()
        if before[name] != value
    }
    if not changes:
        return _staff_member(user)
    await repository.update_user(session, user.id, owner.shop_id, changes)
    if changes.get("active") is False:
        # Reactivation must not bring old logins back to life.
        await sessions.end_user_sessions(session, user.id)
    if "role" in changes:
        await _record(session, owner, USER_ROLE_CHANGED, user, before["role"], changes["role"])
    if "active" in changes:
        action = USER_REACTIVATED if changes["active"] else USER_DEACTIVATED
        await _record(session, owner, action, user, before["active"], changes["active"])
    await session.refresh(user)
    return _staff_member(user)


async def _record(
    session: AsyncSession, owner: Principal, action: str, user: User, before: object, after: object
) -> None:
    name = "role" if action == USER_ROLE_CHANGED else "active"
    await audit.record(
        session,
        shop_id=owner.shop_id,
        user_id=owner.user_id,
        action=action,
        entity="user",
        entity_id=user.id,
        before={name: before},
        after={name: after},
    )


async def reset_password(
    session: AsyncSession, owner: Principal, user_id: int, data: PasswordReset
) -> None:
    """An owner sets another user's password; that user's sessions all end."""
    if user_id == owner.user_id:
        raise Conflict("Change your own password with POST /api/auth/password", field="user_id")
    user = await _shop_user(session, user_id, owner.shop_id)
    await repository.update_user(
        session, user.id, owner.shop_id, {"password_hash": await hash_password(data.new_password)}
    )
    ended = await sessions.end_user_sessions(session, user.id)
    await audit.record(
        session,
        shop_id=owner.shop_id,
        user_id=owner.user_id,
        action=USER_PASSWORD_RESET,
        entity="user",
        entity_id=user.id,
        before=None,
        after={"sessions_ended": ended},
    )


async def change_password(
    session: AsyncSession, principal: Principal, data: PasswordChange
) -> None:
    """The caller changes their own password; their other sessions end, this one goes on.

    A wrong `current_password` is a 422 naming it (not a 401: the token is fine, and a 401
    would make the app drop it).
    """
    user = await _shop_user(session, principal.user_id, principal.shop_id)
    if not await verify_password(data.current_password, user.password_hash):
        raise InvalidInput(
            "current_password is not this account's password", loc=("body", "current_password")
        )
    await repository.update_user(
        session,
        user.id,
        principal.shop_id,
        {"password_hash": await hash_password(data.new_password)},
    )
    await sessions.end_user_sessions(session, user.id, keep=principal.session_id)


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
    gst_scheme: str = "unregistered"
    """`unregistered` (plain bills), `regular` (tax invoices), `composition` (bills of supply)."""
    gstin: str | None = None
    state_code: str | None = None
    legal_name: str | None = None
    address: str | None = None
    invoice_prefix: str = ""
    round_to_rupee: bool = False
    upi_id: str | None = None
    upi_payee_name: str | None = None
    daily_summary: bool = False
    closing_hour: int = 21
    summary_channel: str | None = None
    """The owner's daily summary goes by this channel; None: by `message_channel`."""

    @property
    def payee_name(self) -> str:
        """The name a UPI request shows: the shop's chosen one, else its legal or trade name."""
        return self.upi_payee_name or self.legal_name or self.name

    def now(self) -> dt.datetime:
        return dt.datetime.now(ZoneInfo(self.timezone))

    def today(self) -> dt.date:
        return self.now().date()

    def seconds_to_midnight(self) -> int:
        """Until the shop's day turns over: the `Retry-After` of its daily caps."""
        now = self.now()
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
        return int((midnight - now).total_seconds()) + 1


TAX_PROFILE_FIELDS = (
    "gst_scheme",
    "gstin",
    "state_code",
    "legal_name",
    "address",
    "invoice_prefix",
    "round_to_rupee",
)
"""The `shops` columns of the tax profile, carried by `ShopSettings` as they are named."""

_LOADED_SETTINGS = "dukaan.shop_settings"


async def enter_shop(session: AsyncSession, principal: Principal) -> None:
    """Confine the request's transaction to the caller's shop (RLS) and check their login
    session, loading the shop's settings on the way, in one round trip.

    The settings are kept in the session for `shop_settings` (None: the shop is gone).
    """
    row = await repository.enter_shop_and_load(session, principal)
    session.info[_LOADED_SETTINGS] = None if row is None else settings_of_row(row)


def settings_of_row(row: Mapping[str, Any]) -> ShopSettings:
    """The settings in a `shops` row (its columns by name, as a record or as JSON)."""
    return ShopSettings(
        shop_id=row["id"],
        name=row["name"],
        region=row["region"],
        timezone=row["timezone"],
        allow_negative_stock=row["allow_negative_stock"],
        **{name: row[name] for name in MessageSettings.model_fields},
        **{name: row[name] for name in TAX_PROFILE_FIELDS},
        **{name: row[name] for name in PaymentProfile.model_fields},
    )


async def check_session(session: AsyncSession, principal: Principal) -> None:
    """Refuse a token whose session has ended, on a session without a shop switch."""
    await repository.check_session(session, principal)


async def shop_settings(session: AsyncSession, shop_id: int) -> ShopSettings:
    """The shop's settings, read once per session: a request's come with its shop switch
    (`enter_shop`); a session without one (an import's batch, the demo) keeps what it read,
    so a thousand rows are not a thousand reads of the shop. `update_shop` forgets them."""
    loaded = session.info.get(_LOADED_SETTINGS)
    if isinstance(loaded, ShopSettings) and loaded.shop_id == shop_id:
        return loaded
    shop = await repository.shop(session, shop_id)
    if shop is None:
        raise NotFound("This shop no longer exists")
    settings = settings_of_row(
        {column.key: getattr(shop, column.key) for column in Shop.__table__.c}
    )
    session.info[_LOADED_SETTINGS] = settings
    return settings


async def update_shop(
    session: AsyncSession, shop_id: int, data: ShopUpdate, *, user_id: int | None
) -> ShopRead:
    # The row is locked first, so the tax profile's rules see what the update will change.
    await repository.lock_shop(session, shop_id)
    session.info.pop(_LOADED_SETTINGS, None)  # what was read before may change now
    shop = await repository.shop(session, shop_id)
    if shop is None:
        raise NotFound("This shop no longer exists")
    old = _shop_read(shop).model_dump()
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "shop_name" in changes:
        changes["name"] = changes.pop("shop_name")
    changes |= _tax_profile_changes(shop, changes)
    if changes:
        await repository.update_shop(session, shop_id, changes)
    await session.refresh(shop)
    updated = _shop_read(shop)
    before, after = audit.changes(old, updated.model_dump())
    if after:
        await audit.record(
            session,
            shop_id=shop_id,
            user_id=user_id,
            action=audit.SHOP_SETTINGS_CHANGED,
            entity="shop",
            entity_id=shop_id,
            before=before,
            after=after,
        )
    return updated


def _tax_profile_changes(shop: Shop, changes: dict[str, Any]) -> dict[str, Any]:
    """The tax profile as the patch leaves it, checked as a whole against the stored row:
    a GSTIN's first two digits are the shop's state (taken from it when the shop has none),
    and a registered shop (regular or composition) has a GSTIN. Blank texts clear theirs.
    Returns the columns to write besides `changes`."""
    extra: dict[str, Any] = {
        name: None
        for name in ("legal_name", "address", "upi_id", "upi_payee_name", "summary_channel")
        if changes.get(name) == ""
    }
    gstin: str | None = changes.get("gstin", shop.gstin)
    state: str | None = changes.get("state_code", shop.state_code)
    if gstin is not None:
        if state is None:
            extra["state_code"] = state_of(gstin)
        elif state != state_of(gstin):
            raise InvalidInput(
                f"GSTIN {gstin} is registered in state {state_of(gstin)} "
                f"({STATE_NAMES.get(state_of(gstin))}), but the shop's state_code is {state} "
                f"({STATE_NAMES.get(state)}): send the state_code that matches",
                loc=("body", "gstin"),
            )
    scheme = changes.get("gst_scheme", shop.gst_scheme)
    if scheme != "unregistered" and gstin is None:
        raise InvalidInput(
            f"A {scheme} GST shop needs its GSTIN: send gstin with gst_scheme",
            loc=("body", "gstin"),
        )
    return extra


async def login(
    session: AsyncSession,
    limiter: sessions.AttemptLimiter,
    *,
    username: str,
    password: str,
    client_address: str,
    device: str,
    defaults: ShopDefaults,
    secret: str,
    auth: AuthSettings,
) -> TokenOut:
    try:
        phone = to_e164(username, defaults.region)
    except InvalidPhone:
        phone = username.strip()[:40]
    await limiter.login_attempt(phone, client_address)
    user = await repository.user_by_phone(session, phone)
    if not await verify_password(password, user.password_hash if user else None) or user is None:
        raise Unauthorized(BAD_CREDENTIALS)
    if not user.active:
        raise Unauthorized(DEACTIVATED)
    await limiter.login_succeeded(session, phone, client_address)
    return await sessions.open_session(session, user, device=device, secret=secret, auth=auth)


async def me(session: AsyncSession, principal: Principal) -> MeOut:
    found = await repository.user_and_shop(session, principal.user_id, principal.shop_id)
    if found is None:
        raise NotFound("This account no longer exists")
    user, shop = found
    return MeOut(user=_user_read(user), shop=_shop_read(shop))


async def purge_expired_counters(session: AsyncSession, *, limit: int) -> int:
    """Delete login/registration counters whose window has passed (they no longer count);
    for the dispatcher's housekeeping, in a system session. Returns how many."""
    return await repository.purge_counters(session, limit)


async def purge_expired_refresh_tokens(session: AsyncSession, *, limit: int) -> int:
    """Delete refresh tokens past their expiry (they can no longer be used, nor replayed)."""
    return await repository.purge_refresh_tokens(session, limit)


class OwnerNotFound(LookupError):
    """No active owner logs in with that phone; the message says which phone was looked for."""


@dataclass(frozen=True)
class ShopOwner:
    shop_id: int
    user_id: int
    name: str
    phone: str


async def owner_by_phone(session: AsyncSession, raw_phone: str, region: str) -> ShopOwner:
    """The active owner who logs in with this phone (`+91 98123 45678`, `9812345678`,
    `098123-45678`): which shop a command-line job (import, export) acts for. A system
    session: `users` carries no row-level security (a phone logs in without naming a shop)."""
    try:
        phone = to_e164(raw_phone, region)
    except InvalidPhone as exc:
        raise OwnerNotFound(str(exc)) from exc
    user = await repository.user_by_phone(session, phone)
    if user is None:
        raise OwnerNotFound(f"No account logs in with {phone}")
    if user.role != "owner":
        raise OwnerNotFound(f"{phone} is a staff login; give the shop owner's phone")
    if not user.active:
        raise OwnerNotFound(f"The account of {phone} is deactivated")
    return ShopOwner(shop_id=user.shop_id, user_id=user.id, name=user.name, phone=phone)
