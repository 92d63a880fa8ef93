"""Which shop an import is for: the shop whose owner logs in with the phone given.

The auth domain offers no public lookup of a user by phone (its repository's `user_by_phone`
is private to it), so this one read of `users` lives here, read-only, in a system session
(`users` has no row-level security: a phone logs in without naming a shop).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.phone import InvalidPhone, to_e164
from app.models import User


class OwnerNotFound(LookupError):
    """No active owner logs in with that phone; the message says which phone was looked for."""


@dataclass(frozen=True)
class ShopOwner:
    shop_id: int
    user_id: int
    name: str
    phone: str


async def owner_by_phone(session: AsyncSession, raw_phone: str, region: str) -> ShopOwner:
    """The active owner with this phone (`+91 98123 45678`, `9812345678`, `098123-45678`)."""
    try:
        phone = to_e164(raw_phone, region)
    except InvalidPhone as exc:
        raise OwnerNotFound(str(exc)) from exc
    user = await session.scalar(select(User).where(User.phone == phone))
    if user is None:
        raise OwnerNotFound(f"No account logs in with {phone}")
    if user.role != "owner":
        raise OwnerNotFound(f"{phone} is a staff login; give the shop owner's phone")
    if not user.active:
        raise OwnerNotFound(f"The account of {phone} is deactivated")
    return ShopOwner(shop_id=user.shop_id, user_id=user.id, name=user.name, phone=phone)
