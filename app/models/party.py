"""Customers and vendors: the people a shop sells to and buys from, keyed by phone number."""

from sqlalchemy import Boolean, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import CreatedAt, TenantModel


class Customer(TenantModel):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("shop_id", "phone", name="uq_customers_shop_id_phone"),)

    name: Mapped[str] = mapped_column(String(120), server_default="")
    phone: Mapped[str] = mapped_column(String(20))
    opted_out: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[CreatedAt]


class Vendor(TenantModel):
    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("shop_id", "phone", name="uq_vendors_shop_id_phone"),)

    name: Mapped[str] = mapped_column(String(120), server_default="")
    phone: Mapped[str] = mapped_column(String(20))
    opted_out: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[CreatedAt]
