"""Every ORM model, imported here so Alembic and the schema tests see the whole metadata."""

from app.models.base import Base, TenantModel, tenant_tables
from app.models.product import MOVEMENT_REASONS, UNITS, Product, StockMovement
from app.models.shop import LoginFailure, Shop, User

__all__ = [
    "MOVEMENT_REASONS",
    "UNITS",
    "Base",
    "LoginFailure",
    "Product",
    "Shop",
    "StockMovement",
    "TenantModel",
    "User",
    "tenant_tables",
]
