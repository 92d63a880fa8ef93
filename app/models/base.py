"""The declarative base, the constraint naming convention, and the tenant-table marker.

A tenant table (every table holding one shop's data) subclasses `TenantModel`: it gets
`shop_id BIGINT NOT NULL` and `id BIGINT` identity, and its primary key is `(shop_id, id)`.
Foreign keys between tenant tables must include `shop_id`; unique constraints must start
with it. `tests/db/test_tenancy.py` walks this metadata and fails on any breach.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    MetaData,
    Numeric,
    Table,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MoneyColumn = Annotated[Decimal, mapped_column(Numeric(14, 2))]
QuantityColumn = Annotated[Decimal, mapped_column(Numeric(14, 3))]
CreatedAt = Annotated[
    dt.datetime, mapped_column(DateTime(timezone=True), server_default=func.now())
]


ZERO_DEFAULT = "0"
TaxColumn = Annotated[Decimal, mapped_column(Numeric(14, 2), server_default=ZERO_DEFAULT)]


class TaxHeadsColumns:
    """The GST of a bill, bill line, return or return line (app.bills.tax): its taxable value
    and tax per head, in rupees. Untaxed rows have no tax and taxable_value = their amount."""

    taxable_value: Mapped[TaxColumn]
    cgst: Mapped[TaxColumn]
    sgst: Mapped[TaxColumn]
    igst: Mapped[TaxColumn]
    cess: Mapped[TaxColumn]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        int: BigInteger,
        dt.datetime: DateTime(timezone=True),
    }


class TenantModel(Base):
    """Abstract base of every table that belongs to one shop (row-level security applies)."""

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__table__" in cls.__dict__:
            table: Table = cls.__dict__["__table__"]
            table.info["tenant"] = True

    shop_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("shops.id", ondelete="RESTRICT"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)


class TenantChildModel(TenantModel):
    """A tenant table whose every row hangs off a parent row of the same shop (a bill's
    lines, a product's stock movements): its NOT NULL `(shop_id, parent_id)` foreign key
    already proves the shop exists, so `shop_id` has no foreign key of its own to `shops`.
    That is one check fewer per row written (six per sale in the profile of issue 6).
    """

    __abstract__ = True

    shop_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


def tenant_tables(metadata: MetaData) -> list[str]:
    return sorted(name for name, table in metadata.tables.items() if table.info.get("tenant"))


SALE_REFERENCE: dict[str, Any] = {"deferrable": True, "initially": "IMMEDIATE"}
"""How the rows a new sale writes before the sale itself (lines, stock movements, udhaar)
refer to it: checked at commit within the sale's own call (app/sales/sql/sales_record.sql
defers them, so it can number the bill last), at once everywhere else."""
