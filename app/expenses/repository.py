"""Expense queries. No business rules here; only inserts (an expense is never updated or
deleted: a void is a reversing row)."""

import datetime as dt
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.core.pagination import Page
from app.db.paging import fetch_rows
from app.models import Expense, ExpenseCategory

Reversal = aliased(Expense, name="reversal")


async def add_expense(session: AsyncSession, values: dict[str, Any]) -> Expense:
    expense: Expense = (
        await session.execute(insert(Expense).values(**values).returning(Expense))
    ).scalar_one()
    return expense


def _with_reversal() -> Any:
    return select(Expense, Reversal).outerjoin(
        Reversal,
        (Reversal.shop_id == Expense.shop_id) & (Reversal.reverses_id == Expense.id),
    )


WithReversal = tuple[Expense, Expense | None]
"""An expense and the row that reversed it (None while it stands)."""


async def get(session: AsyncSession, shop_id: int, expense_id: int) -> WithReversal | None:
    """An expense (never a reversing row) and its reversal, if voided."""
    query = _with_reversal().where(
        Expense.shop_id == shop_id, Expense.id == expense_id, Expense.reverses_id.is_(None)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def list_expenses(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    category: str | None,
    payment_mode: str | None,
) -> tuple[list[WithReversal], int]:
    conditions = [Expense.shop_id == shop_id, Expense.reverses_id.is_(None)]
    if date_from is not None:
        conditions.append(Expense.expense_date >= date_from)
    if date_to is not None:
        conditions.append(Expense.expense_date <= date_to)
    if category is not None:
        conditions.append(Expense.category == category)
    if payment_mode is not None:
        conditions.append(Expense.payment_mode == payment_mode)
    rows, total = await fetch_rows(
        session,
        _with_reversal()
        .where(*conditions)
        .order_by(Expense.expense_date.desc(), Expense.id.desc()),
        page,
    )
    found: list[Any] = rows
    return [(row[0], row[1]) for row in found], total


async def categories(session: AsyncSession, shop_id: int) -> list[ExpenseCategory]:
    rows = await session.scalars(
        select(ExpenseCategory)
        .where(ExpenseCategory.shop_id == shop_id)
        .order_by(ExpenseCategory.name_key, ExpenseCategory.id)
    )
    return list(rows)


async def category_by_key(
    session: AsyncSession, shop_id: int, name_key: str
) -> ExpenseCategory | None:
    found: ExpenseCategory | None = await session.scalar(
        select(ExpenseCategory).where(
            ExpenseCategory.shop_id == shop_id, ExpenseCategory.name_key == name_key
        )
    )
    return found


async def add_category(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(ExpenseCategory).values(**values))
