"""Expenses (issue 17 item 1): money the shop spent (rent, wages, electricity, ...), and the
shop's own expense categories.

An expense is never updated or deleted: a void is a *reversing row* (rule 4), a new row with
the negative amount, `reverses_id` pointing at the original and the reason. The partial
unique index lets an expense be voided once. The reversal carries the original's date, so a
voided expense drops out of its period's figures, as a void sale does.
"""

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.payment_modes import MONEY_MODES, check_in
from app.models.base import CreatedAt, MoneyColumn, TenantModel

EXPENSE_PAYMENT_MODES = MONEY_MODES
CATEGORY_LENGTH = 40
NOTE_LENGTH = 500


class ExpenseCategory(TenantModel):
    """A category a shop added to the default ones; its name is unique per shop, case and
    spacing ignored (`name_key` is `app.core.text.text_key(name)`)."""

    __tablename__ = "expense_categories"
    __table_args__ = (UniqueConstraint("shop_id", "name_key"),)

    name: Mapped[str] = mapped_column(String(CATEGORY_LENGTH))
    name_key: Mapped[str] = mapped_column(String(4 * CATEGORY_LENGTH))
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]


class Expense(TenantModel):
    __tablename__ = "expenses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["shop_id", "reverses_id"], ["expenses.shop_id", "expenses.id"], ondelete="RESTRICT"
        ),
        CheckConstraint(
            "(reverses_id IS NULL AND amount > 0 AND void_reason IS NULL)"
            " OR (reverses_id IS NOT NULL AND amount < 0 AND void_reason IS NOT NULL)",
            name="reversal",
        ),
        CheckConstraint(check_in("payment_mode", EXPENSE_PAYMENT_MODES), name="payment_mode"),
        Index(
            "uq_expenses_shop_id_reverses_id",
            "shop_id",
            "reverses_id",
            unique=True,
            postgresql_where=text("reverses_id IS NOT NULL"),
        ),
        Index("ix_expenses_shop_id_expense_date", "shop_id", "expense_date"),
    )

    expense_date: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(CATEGORY_LENGTH))
    amount: Mapped[MoneyColumn]
    payment_mode: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    reverses_id: Mapped[int | None]
    void_reason: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]
