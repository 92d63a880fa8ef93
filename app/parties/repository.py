"""Customer and vendor queries, one set for both sides. No business rules here.

Every query filters by shop too: row-level security is the second lock, not the only one.
Rows leave as `PartyRef` values, so callers never hold ORM objects that a later upsert or
rename in the same transaction could leave stale.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, case, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Page
from app.db.paging import fetch_rows
from app.models import Customer, Vendor
from app.parties.schemas import PartyRef
from app.parties.sides import PartySide

PartyModel = type[Customer] | type[Vendor]


def _columns(model: PartyModel) -> tuple[Any, ...]:
    return (model.id, model.name, model.phone, model.opted_out)


def _ref(row: Sequence[Any]) -> PartyRef:
    return PartyRef(id=row[0], name=row[1], phone=row[2], opted_out=row[3])


async def _one(session: AsyncSession, model: PartyModel, *where: Any) -> PartyRef | None:
    row = (await session.execute(select(*_columns(model)).where(*where))).first()
    return None if row is None else _ref(row)


async def get(
    session: AsyncSession, side: PartySide, shop_id: int, party_id: int
) -> PartyRef | None:
    model = side.model
    return await _one(session, model, model.shop_id == shop_id, model.id == party_id)


async def by_phone(
    session: AsyncSession, side: PartySide, shop_id: int, phone: str
) -> PartyRef | None:
    model = side.model
    return await _one(session, model, model.shop_id == shop_id, model.phone == phone)


async def by_ids(
    session: AsyncSession, side: PartySide, shop_id: int, party_ids: list[int]
) -> list[PartyRef]:
    if not party_ids:
        return []
    model = side.model
    rows = await session.execute(
        select(*_columns(model)).where(model.shop_id == shop_id, model.id.in_(party_ids))
    )
    return [_ref(row) for row in rows]


async def insert_new(
    session: AsyncSession, side: PartySide, shop_id: int, *, name: str, phone: str
) -> PartyRef | None:
    """Insert the party, or return None when the phone is already taken in the shop.

    `ON CONFLICT DO NOTHING` makes the uniqueness check and the insert one atomic step, so
    two concurrent creates of one phone give one row and one clean 'taken', not a 500.
    """
    model = side.model
    row = (
        await session.execute(
            insert(model)
            .values(shop_id=shop_id, name=name, phone=phone)
            .on_conflict_do_nothing(index_elements=[model.shop_id, model.phone])
            .returning(*_columns(model))
        )
    ).first()
    return None if row is None else _ref(row)


async def upsert(
    session: AsyncSession, side: PartySide, shop_id: int, *, name: str, phone: str
) -> PartyRef:
    """Insert the party, or return the one with this phone; fill its name only if it has none.

    One statement: PostgreSQL's `ON CONFLICT ... DO UPDATE` either inserts or locks and
    updates the existing row, so concurrent bills for one new phone never create two parties
    nor fail on the unique constraint. The update always runs (even when the name stays) so
    that `RETURNING` always yields the row.
    """
    model = side.model
    new = insert(model).values(shop_id=shop_id, name=name, phone=phone)
    statement = new.on_conflict_do_update(
        index_elements=[model.shop_id, model.phone],
        set_={"name": case((model.name == "", new.excluded.name), else_=model.name)},
    ).returning(*_columns(model))
    return _ref((await session.execute(statement)).one())


async def rename(
    session: AsyncSession, side: PartySide, shop_id: int, party_id: int, name: str
) -> PartyRef | None:
    model = side.model
    row = (
        await session.execute(
            update(model)
            .where(model.shop_id == shop_id, model.id == party_id)
            .values(name=name)
            .returning(*_columns(model))
        )
    ).first()
    return None if row is None else _ref(row)


async def opt_out(session: AsyncSession, side: PartySide, shop_id: int, party_id: int) -> None:
    model = side.model
    await session.execute(
        update(model).where(model.shop_id == shop_id, model.id == party_id).values(opted_out=True)
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(
    session: AsyncSession,
    side: PartySide,
    shop_id: int,
    page: Page,
    *,
    name_query: str | None,
    phone_digits: str | None,
) -> tuple[list[PartyRef], int]:
    """The shop's parties by name, optionally filtered; returns (page, total matching).

    `name_query` (lower case) matches names by substring or trigram word similarity (pg_trgm),
    so 'sunita' finds 'Sunita Verma' and 'suneeta' still does. `phone_digits` matches any run
    of digits in the stored E.164 number. Substring hits rank first, then by similarity.
    """
    model = side.model
    lower_name = func.lower(model.name)
    conditions: list[Any] = [model.shop_id == shop_id]
    matches: list[Any] = []
    order: list[Any] = []
    if name_query:
        contains = lower_name.like(f"%{_escape_like(name_query)}%", escape="\\")
        similar = lower_name.op("%>", return_type=Boolean)(literal(name_query))
        matches += [contains, similar]
        order += [contains.desc(), func.word_similarity(name_query, lower_name).desc()]
    if phone_digits:
        on_phone = model.phone.like(f"%{_escape_like(phone_digits)}%", escape="\\")
        matches.append(on_phone)
        order.insert(0, on_phone.desc())
    if matches:
        conditions.append(or_(*matches))
    rows, total = await fetch_rows(
        session,
        select(*_columns(model)).where(*conditions).order_by(*order, lower_name, model.id),
        page,
    )
    return [_ref(row) for row in rows], total
