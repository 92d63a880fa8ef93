"""Cash counts (issue 17 item 2): the cash the owner counted in the drawer at a day's close.

A ledger, like every money table here (rule 4): a count is never updated or deleted.
Counting the same day again inserts a new row and the latest row of a day (highest id) is
that day's count; the earlier ones stay as the history of what was counted.
"""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, MoneyColumn, TenantModel

NOTE_LENGTH = 500


class CashCount(TenantModel):
    __tablename__ = "cash_counts"
    __table_args__ = (
        CheckConstraint("counted >= 0", name="counted_not_negative"),
        # The day's count and the latest count before a day: both walk this index backwards.
        Index("ix_cash_counts_shop_id_count_date", "shop_id", "count_date", "id"),
    )

    count_date: Mapped[dt.date] = mapped_column(Date)
    counted: Mapped[MoneyColumn]
    note: Mapped[str | None] = mapped_column(String(NOTE_LENGTH))
    created_by: Mapped[int | None]
    created_at: Mapped[CreatedAt]
