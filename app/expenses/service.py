"""Expense rules: which categories an expense may carry, its date, and voids as reversing rows.

An expense is a ledger row (rule 4): never updated or deleted. A void writes a new row with
the negative amount, the original's date, category and payment mode, `reverses_id` pointing
at the original and the reason, so the shop's expenses of a period are the plain sum of its
rows, reversals included, and a voided expense counts nowhere. A partial unique index on
`reverses_id` lets an expense be voided once, even by two owners at the same moment.
"""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import service as auth_service
from app.bills.dates import EARLIEST_DATE
from app.core.errors import Conflict, Duplicate, InvalidInput, NotFound
from app.core.inputs import check_date_range
from app.core.pagination import Page
from app.core.security import Principal
from app.core.text import clean_text, text_key
from app.expenses import repository
from app.expenses.repository import WithReversal
from app.expenses.schemas import CategoryOut, ExpenseCreate, ExpenseOut
from app.models import Expense

DEFAULT_CATEGORIES = (
    "rent",
    "electricity",
    "wages",
    "transport",
    "tea and snacks",
    "repairs",
    "packaging",
    "internet and phone",
    "other",
)
"""Every shop's categories; a shop adds its own beside them."""
_DEFAULT_KEYS = {text_key(name): name for name in DEFAULT_CATEGORIES}


async def categories(session: AsyncSession, shop_id: int) -> list[CategoryOut]:
    """The default categories, then the shop's own by name."""
    own = await repository.categories(session, shop_id)
    return [CategoryOut(name=name, default=True) for name in DEFAULT_CATEGORIES] + [
        CategoryOut(name=category.name, default=False) for category in own
    ]


async def add_category(session: AsyncSession, principal: Principal, name: str) -> CategoryOut:
    """A category of the shop's own; a name a default or an earlier category has (case and
    spacing ignored) is a 409."""
    name = clean_text(name)
    key = text_key(name)
    if key in _DEFAULT_KEYS or await repository.category_by_key(session, principal.shop_id, key):
        raise Duplicate(f"The category '{name}' already exists", field="name")
    await repository.add_category(
        session,
        {
            "shop_id": principal.shop_id,
            "name": name,
            "name_key": key,
            "created_by": principal.user_id,
        },
    )
    return CategoryOut(name=name, default=False)


async def _known_category(session: AsyncSession, shop_id: int, name: str) -> str | None:
    """The category's name as the shop keeps it (a default's, or the shop's own), or None."""
    key = text_key(name)
    if key in _DEFAULT_KEYS:
        return _DEFAULT_KEYS[key]
    own = await repository.category_by_key(session, shop_id, key)
    return None if own is None else own.name


def _expense_date(requested: dt.date | None, today: dt.date) -> dt.date:
    if requested is None:
        return today
    if requested > today:
        raise InvalidInput(
            f"expense_date {requested} is in the future (the shop's today is {today})",
            loc=("body", "expense_date"),
        )
    if requested < EARLIEST_DATE:
        raise InvalidInput(
            f"expense_date {requested} is too far in the past", loc=("body", "expense_date")
        )
    return requested


def _out(expense: Expense, reversal: Expense | None) -> ExpenseOut:
    return ExpenseOut(
        expense_id=expense.id,
        expense_date=expense.expense_date,
        category=expense.category,
        amount=expense.amount,
        payment_mode=expense.payment_mode,  # CHECK-constrained to the schema's modes
        note=expense.note,
        created_by=expense.created_by,
        created_at=expense.created_at,
        status="recorded" if reversal is None else "void",
        void_reason=None if reversal is None else reversal.void_reason,
        voided_at=None if reversal is None else reversal.created_at,
        voided_by=None if reversal is None else reversal.created_by,
        reversal_id=None if reversal is None else reversal.id,
    )


async def record(session: AsyncSession, principal: Principal, data: ExpenseCreate) -> ExpenseOut:
    shop = await auth_service.shop_settings(session, principal.shop_id)
    expense_date = _expense_date(data.expense_date, shop.today())
    category = await _known_category(session, principal.shop_id, data.category)
    if category is None:
        raise InvalidInput(
            f"Unknown expense category '{data.category}': use a default one or add it first "
            "(POST /api/expenses/categories)",
            loc=("body", "category"),
        )
    expense = await repository.add_expense(
        session,
        {
            "shop_id": principal.shop_id,
            "expense_date": expense_date,
            "category": category,
            "amount": data.amount,
            "payment_mode": data.payment_mode,
            "note": data.note or None,
            "created_by": principal.user_id,
        },
    )
    return _out(expense, None)


def _found(row: WithReversal | None, expense_id: int) -> WithReversal:
    if row is None:
        raise NotFound(f"Expense {expense_id} not found")
    return row


async def expense(session: AsyncSession, shop_id: int, expense_id: int) -> ExpenseOut:
    return _out(*_found(await repository.get(session, shop_id, expense_id), expense_id))


async def void(
    session: AsyncSession, principal: Principal, expense_id: int, reason: str
) -> ExpenseOut:
    """Void an expense with a reversing row; a second void is a 409.

    No row lock (the app role may not update expenses, so it cannot lock them either): two
    voids racing both insert a reversal, and the unique index on `reverses_id` makes the
    second wait for the first and fail, a 409 (`web/handlers.integrity_error`).
    """
    original, reversal = _found(
        await repository.get(session, principal.shop_id, expense_id), expense_id
    )
    if reversal is not None:
        raise Conflict(f"Expense {expense_id} is already void")
    reversal = await repository.add_expense(
        session,
        {
            "shop_id": principal.shop_id,
            "expense_date": original.expense_date,
            "category": original.category,
            "amount": -original.amount,
            "payment_mode": original.payment_mode,
            "note": original.note,
            "reverses_id": original.id,
            "void_reason": reason,
            "created_by": principal.user_id,
        },
    )
    await audit.record(
        session,
        shop_id=principal.shop_id,
        user_id=principal.user_id,
        action=audit.EXPENSE_VOIDED,
        entity="expense",
        entity_id=expense_id,
        before={"status": "recorded", "amount": original.amount},
        after={"status": "void", "void_reason": reason, "reversal_id": reversal.id},
    )
    return _out(original, reversal)


async def list_expenses(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    category: str | None,
    payment_mode: str | None,
) -> tuple[list[ExpenseOut], int]:
    """Expenses newest first (voided ones marked; the reversing rows are not listed)."""
    check_date_range(date_from, date_to)
    if category is not None:
        # A known category by any spelling; an unknown one simply matches nothing.
        category = await _known_category(session, shop_id, category) or clean_text(category)
    rows, total = await repository.list_expenses(
        session,
        shop_id,
        page,
        date_from=date_from,
        date_to=date_to,
        category=category,
        payment_mode=payment_mode,
    )
    return [_out(expense, reversal) for expense, reversal in rows], total
