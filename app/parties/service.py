"""Customer and vendor rules: one party per phone per shop, phones in E.164, balances from udhaar.

Phones are read in the shop's region (`shops.region`), so `098123-45678` in an Indian shop is
`+919812345678`. Balances come from the udhaar service, one query per page of parties.
The sales and purchases code creates parties through `upsert_customer` / `upsert_vendor`.
Like every service it writes through its repository and never commits.
"""

import re
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.errors import Duplicate, InvalidInput, NotFound
from app.core.pagination import Page
from app.core.phone import InvalidPhone, to_e164
from app.core.text import clean_text
from app.notifications.service import Recipient
from app.parties import repository
from app.parties.repository import Side
from app.parties.schemas import (
    NAME_MAX,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    PartyRef,
    VendorCreate,
    VendorRead,
    VendorUpdate,
)
from app.udhaar import service as udhaar_service

DEFAULT_REGION = "IN"
WALK_IN_VENDOR = "Walk-in"
# The walk-in vendor's phone: no real one is empty (E.164 starts with '+'), and the shop-wide
# unique phone makes it one row per shop, created by the first cash purchase without a phone.
_NO_PHONE = ""
_LABELS: dict[Side, str] = {"customer": "Customer", "vendor": "Vendor"}
_ID_FIELDS: dict[Side, str] = {"customer": "cust_id", "vendor": "vend_id"}
# A search that looks like (part of) a phone number: digits with the usual separators.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]{3,}$")
_NON_DIGITS = re.compile(r"\D")


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
    return shop.region or DEFAULT_REGION


async def normalise_phone(
    session: AsyncSession,
    shop_id: int,
    raw: str,
    *,
    loc: tuple[str | int, ...] = ("body", "phone_no"),
) -> str:
    """A phone as typed -> E.164 in the shop's region; an invalid one is a 422 naming `loc`."""
    return phone_in_region(raw, await shop_region(session, shop_id), loc=loc)


def phone_in_region(
    raw: str, region: str, *, loc: tuple[str | int, ...] = ("body", "phone_no")
) -> str:
    """`normalise_phone` for callers that already know the shop's region (bills)."""
    try:
        return to_e164(raw, region)
    except InvalidPhone as exc:
        where = ".".join(str(part) for part in loc)
        raise InvalidInput(f"Invalid input - {where}: {exc}", loc=loc) from exc


async def _balances(
    session: AsyncSession, side: Side, shop_id: int, party_ids: list[int]
) -> dict[int, Decimal]:
    if side == "customer":
        return await udhaar_service.customer_balances(session, shop_id, party_ids)
    return await udhaar_service.vendor_balances(session, shop_id, party_ids)


async def _with_balances(
    session: AsyncSession, side: Side, shop_id: int, parties: list[PartyRef]
) -> list[tuple[PartyRef, Decimal]]:
    balances = await _balances(session, side, shop_id, [party.id for party in parties])
    return [(party, balances[party.id]) for party in parties]


def _not_found(side: Side, party_id: int) -> NotFound:
    return NotFound(f"{_LABELS[side]} {party_id} not found")


async def _get(
    session: AsyncSession, side: Side, shop_id: int, party_id: int
) -> tuple[PartyRef, Decimal]:
    party = await repository.get(session, side, shop_id, party_id)
    if party is None:
        raise _not_found(side, party_id)
    return (await _with_balances(session, side, shop_id, [party]))[0]


async def _by_phone(
    session: AsyncSession, side: Side, shop_id: int, raw_phone: str
) -> tuple[PartyRef, Decimal]:
    try:
        phone = to_e164(raw_phone, await shop_region(session, shop_id))
    except InvalidPhone:
        # A partial or mistyped number names nobody: the same 404 as an unknown phone.
        raise NotFound(f"No {side} with phone {raw_phone.strip()}", phone_no=None) from None
    party = await repository.by_phone(session, side, shop_id, phone)
    if party is None:
        raise NotFound(f"No {side} with phone {phone}", phone_no=phone)
    return (await _with_balances(session, side, shop_id, [party]))[0]


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


async def _search(
    session: AsyncSession, side: Side, shop_id: int, page: Page, q: str | None
) -> tuple[list[tuple[PartyRef, Decimal]], int]:
    name_query, phone_digits = _search_terms(q)
    parties, total = await repository.search(
        session, side, shop_id, page, name_query=name_query, phone_digits=phone_digits
    )
    return await _with_balances(session, side, shop_id, parties), total


async def _create(
    session: AsyncSession, side: Side, shop_id: int, *, name: str, raw_phone: str
) -> PartyRef:
    phone = await normalise_phone(session, shop_id, raw_phone)
    party = await repository.insert_new(session, side, shop_id, name=clean_name(name), phone=phone)
    if party is None:
        # The error names the party that has the phone, so the client can open it instead.
        existing = await repository.by_phone(session, side, shop_id, phone)
        error = Duplicate(f"A {side} with phone {phone} already exists", field="phone_no")
        error.extra[_ID_FIELDS[side]] = existing.id if existing else None
        raise error
    return party


async def _rename(
    session: AsyncSession, side: Side, shop_id: int, party_id: int, name: str
) -> tuple[PartyRef, Decimal]:
    party = await repository.rename(session, side, shop_id, party_id, clean_name(name))
    if party is None:
        raise _not_found(side, party_id)
    return (await _with_balances(session, side, shop_id, [party]))[0]


def customer_recipient(party: PartyRef) -> Recipient:
    return Recipient("customer", party.id, party.name, party.phone, party.opted_out)


def vendor_recipient(party: PartyRef) -> Recipient:
    return Recipient("vendor", party.id, party.name, party.phone, party.opted_out)


# Customers


def _customer(party: PartyRef, balance: Decimal) -> CustomerRead:
    return CustomerRead(
        cust_id=party.id, customer_name=party.name, phone_no=party.phone, balance=balance
    )


async def list_customers(
    session: AsyncSession, shop_id: int, page: Page, *, q: str | None
) -> tuple[list[CustomerRead], int]:
    rows, total = await _search(session, "customer", shop_id, page, q)
    return [_customer(party, balance) for party, balance in rows], total


async def get_customer(session: AsyncSession, shop_id: int, customer_id: int) -> CustomerRead:
    return _customer(*await _get(session, "customer", shop_id, customer_id))


async def find_customer_by_phone(session: AsyncSession, shop_id: int, phone: str) -> CustomerRead:
    """The one customer with this phone (in any typed form), or 404."""
    return _customer(*await _by_phone(session, "customer", shop_id, phone))


async def create_customer(
    session: AsyncSession, shop_id: int, data: CustomerCreate
) -> CustomerRead:
    party = await _create(
        session, "customer", shop_id, name=data.customer_name, raw_phone=data.phone_no
    )
    return _customer(party, udhaar_service.ZERO)


async def rename_customer(
    session: AsyncSession, shop_id: int, customer_id: int, data: CustomerUpdate
) -> CustomerRead:
    return _customer(*await _rename(session, "customer", shop_id, customer_id, data.customer_name))


async def upsert_customer(
    session: AsyncSession, shop_id: int, phone: str, name: str | None
) -> PartyRef:
    """The customer with this E.164 `phone`, created if new; a stored empty name is filled in.

    For the sales code: one concurrency-safe statement, so two bills for one new phone in
    flight together still make one customer. A name already on record is kept.
    """
    return await repository.upsert(session, "customer", shop_id, name=clean_name(name), phone=phone)


async def customer_refs(
    session: AsyncSession, shop_id: int, customer_ids: list[int]
) -> dict[int, PartyRef]:
    """The named customers (those that exist in the shop), by id, in one query."""
    parties = await repository.by_ids(session, "customer", shop_id, customer_ids)
    return {party.id: party for party in parties}


# Vendors


def _vendor(party: PartyRef, balance: Decimal) -> VendorRead:
    return VendorRead(
        vend_id=party.id, vendor_name=party.name, phone_no=party.phone or None, balance=balance
    )


async def list_vendors(
    session: AsyncSession, shop_id: int, page: Page, *, q: str | None
) -> tuple[list[VendorRead], int]:
    rows, total = await _search(session, "vendor", shop_id, page, q)
    return [_vendor(party, balance) for party, balance in rows], total


async def get_vendor(session: AsyncSession, shop_id: int, vendor_id: int) -> VendorRead:
    return _vendor(*await _get(session, "vendor", shop_id, vendor_id))


async def find_vendor_by_phone(session: AsyncSession, shop_id: int, phone: str) -> VendorRead:
    """The one vendor with this phone (in any typed form), or 404."""
    return _vendor(*await _by_phone(session, "vendor", shop_id, phone))


async def create_vendor(session: AsyncSession, shop_id: int, data: VendorCreate) -> VendorRead:
    party = await _create(
        session, "vendor", shop_id, name=data.vendor_name, raw_phone=data.phone_no
    )
    return _vendor(party, udhaar_service.ZERO)


async def rename_vendor(
    session: AsyncSession, shop_id: int, vendor_id: int, data: VendorUpdate
) -> VendorRead:
    return _vendor(*await _rename(session, "vendor", shop_id, vendor_id, data.vendor_name))


async def upsert_vendor(
    session: AsyncSession, shop_id: int, phone: str, name: str | None
) -> PartyRef:
    """The vendor with this E.164 `phone`, created if new; a stored empty name is filled in.

    For the purchases code; concurrency-safe like `upsert_customer`.
    """
    return await repository.upsert(session, "vendor", shop_id, name=clean_name(name), phone=phone)


async def walk_in_vendor(session: AsyncSession, shop_id: int) -> PartyRef:
    """The shop's walk-in vendor: who a cash purchase without a phone is recorded against.

    A purchase row needs a vendor (sales record a walk-in customer as none); this one has no
    phone, so it is never sent a bill and never found by a phone lookup. Created on first use.
    """
    return await repository.upsert(session, "vendor", shop_id, name=WALK_IN_VENDOR, phone=_NO_PHONE)


async def vendor_refs(
    session: AsyncSession, shop_id: int, vendor_ids: list[int]
) -> dict[int, PartyRef]:
    """The named vendors (those that exist in the shop), by id, in one query."""
    parties = await repository.by_ids(session, "vendor", shop_id, vendor_ids)
    return {party.id: party for party in parties}
