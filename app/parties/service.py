"""Customer and vendor rules: one party per phone per shop, phones in E.164, balances from udhaar.

Both sides follow the same rules; every function takes the `PartySide` it works on
(`app/parties/sides.py`). Phones are read in the shop's region (`shops.region`), so
`098123-45678` in an Indian shop is `+919812345678`. Balances are udhaar's: the caller hands
in a `BalanceReader` (the udhaar domain sits above this one and reads its own tables), one
query per page of parties. The bills code creates parties through `upsert` and `walk_in`.
Like every service it writes through its repository and never commits.
"""

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.errors import Duplicate, NotFound
from app.core.pagination import Page
from app.core.phone import InvalidPhone, phone_in_region, to_e164
from app.core.text import clean_text
from app.parties import repository
from app.parties.schemas import NAME_MAX, CustomerRead, PartyRef, VendorRead
from app.parties.sides import PartySide, UdhaarKind

ZERO = Decimal("0.00")
# The walk-in party's phone: no real one is empty (E.164 starts with '+'), and the shop-wide
# unique phone makes it one row per shop, created by the first bill without a phone.
_NO_PHONE = ""
# A search that looks like (part of) a phone number: digits with the usual separators.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]{3,}$")
_NON_DIGITS = re.compile(r"\D")

BalanceReader = Callable[[AsyncSession, int, UdhaarKind, list[int]], Awaitable[dict[int, Decimal]]]
"""(session, shop_id, udhaar kind, party ids) -> what each party owes (or is owed)."""
PartyRead = CustomerRead | VendorRead


def clean_name(name: str | None) -> str:
    """'  sunita   Verma ' -> 'sunita Verma'; None -> '' (a party may have no name yet).

    Normalised like every name (`app.core.text.clean_text`: NFKC, invisible characters
    dropped). Clipped to the column's width: a name that arrives through a bill is stored
    rather than failing the whole bill, and the API's own schemas already refuse longer names.
    """
    return clean_text(name or "")[:NAME_MAX]


async def shop_region(session: AsyncSession, shop_id: int) -> str:
    """The region phone numbers of this shop are read in (ISO 3166 alpha-2, e.g. 'IN').

    Shops belong to the auth domain, so this asks its service rather than reading the table.
    """
    shop = await auth_service.shop_settings(session, shop_id)
    return shop.region


async def normalise_phone(
    session: AsyncSession,
    shop_id: int,
    raw: str,
    *,
    loc: tuple[str | int, ...] = ("body", "phone_no"),
) -> str:
    """A phone as typed -> E.164 in the shop's region; an invalid one is a 422 naming `loc`."""
    return phone_in_region(raw, await shop_region(session, shop_id), loc=loc)


async def _read(
    session: AsyncSession,
    side: PartySide,
    shop_id: int,
    parties: list[PartyRef],
    balances: BalanceReader,
) -> list[PartyRead]:
    owed = await balances(session, shop_id, side.udhaar_kind, [party.id for party in parties])
    return [side.read(party, owed.get(party.id, ZERO)) for party in parties]


async def list_parties(
    session: AsyncSession,
    side: PartySide,
    shop_id: int,
    page: Page,
    balances: BalanceReader,
    *,
    q: str | None,
) -> tuple[list[PartyRead], int]:
    """The shop's parties of `side` by name (or matching `q`), with their balances."""
    name_query, phone_digits = _search_terms(q)
    parties, total = await repository.search(
        session, side, shop_id, page, name_query=name_query, phone_digits=phone_digits
    )
    return await _read(session, side, shop_id, parties, balances), total


async def get_party(
    session: AsyncSession, side: PartySide, shop_id: int, party_id: int, balances: BalanceReader
) -> PartyRead:
    party = await repository.get(session, side, shop_id, party_id)
    if party is None:
        raise side.not_found(party_id)
    return (await _read(session, side, shop_id, [party], balances))[0]


async def find_by_phone(
    session: AsyncSession, side: PartySide, shop_id: int, raw_phone: str, balances: BalanceReader
) -> PartyRead:
    """The one party of `side` with this phone (in any typed form), or 404."""
    try:
        phone = to_e164(raw_phone, await shop_region(session, shop_id))
    except InvalidPhone:
        # A partial or mistyped number names nobody: the same 404 as an unknown phone.
        raise NotFound(f"No {side.key} with phone {raw_phone.strip()}", phone_no=None) from None
    party = await repository.by_phone(session, side, shop_id, phone)
    if party is None:
        raise NotFound(f"No {side.key} with phone {phone}", phone_no=phone)
    return (await _read(session, side, shop_id, [party], balances))[0]


def _search_terms(q: str | None) -> tuple[str | None, str | None]:
    """(name query, phone digits) from what was typed in the search box.

    A phone-like search matches digits inside stored numbers; its leading zeros are the
    trunk prefix people type ('098123') and are not part of the E.164 form.
    """
    text = clean_text(q or "")
    if not text:
        return None, None
    if _PHONE_LIKE.match(text):
        digits = _NON_DIGITS.sub("", text).lstrip("0")
        return None, digits or None
    return text.lower(), None


async def create_party(
    session: AsyncSession, side: PartySide, shop_id: int, *, name: str, raw_phone: str
) -> PartyRead:
    """A new party of `side`; a phone this side already has in the shop is a 409."""
    phone = await normalise_phone(session, shop_id, raw_phone)
    party = await repository.insert_new(session, side, shop_id, name=clean_name(name), phone=phone)
    if party is None:
        # The error names the party that has the phone, so the client can open it instead.
        existing = await repository.by_phone(session, side, shop_id, phone)
        error = Duplicate(f"A {side.key} with phone {phone} already exists", field="phone_no")
        error.extra[side.id_field] = existing.id if existing else None
        raise error
    return side.read(party, ZERO)


async def rename_party(
    session: AsyncSession,
    side: PartySide,
    shop_id: int,
    party_id: int,
    name: str,
    balances: BalanceReader,
) -> PartyRead:
    """Rename a party; the phone number is their identity and stays."""
    party = await repository.rename(session, side, shop_id, party_id, clean_name(name))
    if party is None:
        raise side.not_found(party_id)
    return (await _read(session, side, shop_id, [party], balances))[0]


async def upsert(
    session: AsyncSession, side: PartySide, shop_id: int, phone: str, name: str | None
) -> PartyRef:
    """The party of `side` with this E.164 `phone`, created if new; an empty name is filled in.

    For the bills code: one concurrency-safe statement, so two bills for one new phone in
    flight together still make one party. A name already on record is kept.
    """
    return await repository.upsert(session, side, shop_id, name=clean_name(name), phone=phone)


async def walk_in(session: AsyncSession, side: PartySide, shop_id: int) -> PartyRef:
    """The shop's walk-in party of `side`: who a cash bill without a phone is recorded against.

    Only a side with a walk-in name has one (a purchase row needs a vendor; a sale records a
    walk-in customer as none). It has no phone, so it is never sent a bill and never found
    by a phone lookup. Created on first use.
    """
    if side.walk_in_name is None:
        raise ValueError(f"{side.label.lower()}s have no walk-in party")
    return await repository.upsert(session, side, shop_id, name=side.walk_in_name, phone=_NO_PHONE)


async def refs(
    session: AsyncSession, side: PartySide, shop_id: int, party_ids: list[int]
) -> dict[int, PartyRef]:
    """The named parties of `side` (those that exist in the shop), by id, in one query."""
    parties = await repository.by_ids(session, side, shop_id, party_ids)
    return {party.id: party for party in parties}


async def ref(session: AsyncSession, side: PartySide, shop_id: int, party_id: int) -> PartyRef:
    """One party of `side`, or 404."""
    party = await repository.get(session, side, shop_id, party_id)
    if party is None:
        raise side.not_found(party_id)
    return party


async def opt_out(session: AsyncSession, side: PartySide, shop_id: int, party_id: int) -> None:
    """The party replied STOP: it gets no more messages."""
    await repository.opt_out(session, side, shop_id, party_id)
