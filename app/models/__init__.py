"""Every ORM model, imported here so Alembic and the schema tests see the whole metadata."""

from app.models.audit import AuditEntry
from app.models.base import Base, TenantModel, tenant_tables
from app.models.bill import (
    PAYMENT_MODES,
    BillCounter,
    Purchase,
    PurchaseLine,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
)
from app.models.cashbook import CashCount
from app.models.draft import PurchaseDraft, PurchaseDraftLine
from app.models.expense import EXPENSE_PAYMENT_MODES, Expense, ExpenseCategory
from app.models.idempotency import IdempotencyRecord
from app.models.job import FILE_ROLES, JOB_KINDS, JOB_STATUSES, DataJob, DataJobFile
from app.models.outbox import DailyUsage, MessageQuota, Notification
from app.models.party import Customer, Vendor
from app.models.product import MOVEMENT_REASONS, UNITS, Product, StockMovement
from app.models.report import DailySales, SalesRollup, SalesRollupPeriod
from app.models.share import SHARE_KINDS, ShareRevocation
from app.models.shop import AuthCounter, AuthSession, RefreshToken, Shop, User
from app.models.udhaar import UdhaarEntry, UdhaarPayment, UdhaarSettlement

__all__ = [
    "EXPENSE_PAYMENT_MODES",
    "FILE_ROLES",
    "JOB_KINDS",
    "JOB_STATUSES",
    "MOVEMENT_REASONS",
    "PAYMENT_MODES",
    "SHARE_KINDS",
    "UNITS",
    "AuditEntry",
    "AuthCounter",
    "AuthSession",
    "Base",
    "BillCounter",
    "CashCount",
    "Customer",
    "DailySales",
    "DailyUsage",
    "DataJob",
    "DataJobFile",
    "Expense",
    "ExpenseCategory",
    "IdempotencyRecord",
    "MessageQuota",
    "Notification",
    "Product",
    "Purchase",
    "PurchaseDraft",
    "PurchaseDraftLine",
    "PurchaseLine",
    "RefreshToken",
    "Sale",
    "SaleLine",
    "SaleReturn",
    "SaleReturnLine",
    "SalesRollup",
    "SalesRollupPeriod",
    "ShareRevocation",
    "Shop",
    "StockMovement",
    "TenantModel",
    "UdhaarEntry",
    "UdhaarPayment",
    "UdhaarSettlement",
    "User",
    "Vendor",
    "tenant_tables",
]
