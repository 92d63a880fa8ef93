"""Udhaar payments, shop message settings, outbox leases and de-duplication, message quota.

Revision ID: 0003_messages
Revises: 0002_bills
Create Date: 2026-11-25 15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.db.tenancy import grant_to_app, isolate

revision: str = "0003_messages"
down_revision: str | None = "0002_bills"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NEW_TENANT_TABLES = ("message_quota", "udhaar_payments")
SHOP_CHECKS = {
    "language": "language IN ('en', 'hi')",
    "message_channel": "message_channel IN ('sms', 'whatsapp')",
    "reminder_every_days": "reminder_every_days BETWEEN 1 AND 90",
    "reminder_hour": "reminder_hour BETWEEN 0 AND 23",
    "daily_message_cap": "daily_message_cap >= 0",
}


def upgrade() -> None:
    op.create_table(
        "message_quota",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_message_quota_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_message_quota")),
        sa.UniqueConstraint("shop_id", "day", name="uq_message_quota_shop_id_day"),
        info={"tenant": True},
    )
    op.create_table(
        "udhaar_payments",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payment_mode", sa.String(length=10), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("shop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.CheckConstraint(
            "(kind = 'sale' AND customer_id IS NOT NULL AND vendor_id IS NULL) OR (kind = 'purchase' AND vendor_id IS NOT NULL AND customer_id IS NULL)",
            name=op.f("ck_udhaar_payments_party_matches_kind"),
        ),
        sa.CheckConstraint("kind IN ('sale', 'purchase')", name=op.f("ck_udhaar_payments_kind")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_udhaar_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["shop_id", "customer_id"],
            ["customers.shop_id", "customers.id"],
            name=op.f("fk_udhaar_payments_shop_id_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id", "vendor_id"],
            ["vendors.shop_id", "vendors.id"],
            name=op.f("fk_udhaar_payments_shop_id_vendor_id_vendors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_udhaar_payments_shop_id_shops"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name=op.f("pk_udhaar_payments")),
        info={"tenant": True},
    )
    op.create_index(
        "ix_udhaar_payments_shop_id_customer_id",
        "udhaar_payments",
        ["shop_id", "customer_id"],
        unique=False,
    )
    op.create_index(
        "ix_udhaar_payments_shop_id_vendor_id",
        "udhaar_payments",
        ["shop_id", "vendor_id"],
        unique=False,
    )
    op.add_column("notifications", sa.Column("dedupe_key", sa.String(length=80), nullable=True))
    op.add_column(
        "notifications",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.drop_index(op.f("ix_notifications_shop_id_id"), table_name="notifications")
    op.create_index("ix_notifications_provider_id", "notifications", ["provider_id"], unique=False)
    op.create_index(
        "ix_notifications_shop_id_reference",
        "notifications",
        ["shop_id", "reference"],
        unique=False,
    )
    op.create_unique_constraint(
        "uq_notifications_shop_id_dedupe_key", "notifications", ["shop_id", "dedupe_key"]
    )
    op.add_column(
        "shops", sa.Column("language", sa.String(length=5), server_default="en", nullable=False)
    )
    op.add_column(
        "shops",
        sa.Column("message_channel", sa.String(length=10), server_default="sms", nullable=False),
    )
    op.add_column(
        "shops",
        sa.Column(
            "send_bill_messages", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
    )
    op.add_column(
        "shops",
        sa.Column(
            "send_payment_receipts", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
    )
    op.add_column(
        "shops",
        sa.Column(
            "reminders_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
    )
    op.add_column(
        "shops",
        sa.Column("reminder_every_days", sa.SmallInteger(), server_default="3", nullable=False),
    )
    op.add_column(
        "shops", sa.Column("reminder_hour", sa.SmallInteger(), server_default="10", nullable=False)
    )
    op.add_column(
        "shops", sa.Column("daily_message_cap", sa.Integer(), server_default="500", nullable=False)
    )
    op.add_column(
        "shops",
        sa.Column(
            "message_templates",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column("udhaar_settlements", sa.Column("payment_id", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_udhaar_settlements_shop_id_payment_id",
        "udhaar_settlements",
        ["shop_id", "payment_id"],
        unique=False,
    )
    op.create_foreign_key(
        op.f("fk_udhaar_settlements_shop_id_payment_id_udhaar_payments"),
        "udhaar_settlements",
        "udhaar_payments",
        ["shop_id", "payment_id"],
        ["shop_id", "id"],
        ondelete="RESTRICT",
    )
    op.create_check_constraint(
        op.f("ck_udhaar_settlements_payment_link"),
        "udhaar_settlements",
        "(kind = 'payment') = (payment_id IS NOT NULL)",
    )
    for name, condition in SHOP_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_shops_{name}"), "shops", condition)
    # A row being sent holds a lease in next_attempt_at; expired leases are due again.
    op.drop_index(
        "ix_notifications_due",
        table_name="notifications",
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('queued', 'sending')"),
    )
    for table in NEW_TENANT_TABLES:
        op.execute(grant_to_app(table))
        for statement in isolate(table):
            op.execute(statement)


def downgrade() -> None:
    op.drop_index(
        "ix_notifications_due",
        table_name="notifications",
        postgresql_where=sa.text("status IN ('queued', 'sending')"),
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'queued'"),
    )
    for name in SHOP_CHECKS:
        op.drop_constraint(op.f(f"ck_shops_{name}"), "shops", type_="check")
    op.drop_constraint(
        op.f("ck_udhaar_settlements_payment_link"), "udhaar_settlements", type_="check"
    )
    op.drop_constraint(
        op.f("fk_udhaar_settlements_shop_id_payment_id_udhaar_payments"),
        "udhaar_settlements",
        type_="foreignkey",
    )
    op.drop_index("ix_udhaar_settlements_shop_id_payment_id", table_name="udhaar_settlements")
    op.drop_column("udhaar_settlements", "payment_id")
    op.drop_column("shops", "message_templates")
    op.drop_column("shops", "daily_message_cap")
    op.drop_column("shops", "reminder_hour")
    op.drop_column("shops", "reminder_every_days")
    op.drop_column("shops", "reminders_enabled")
    op.drop_column("shops", "send_payment_receipts")
    op.drop_column("shops", "send_bill_messages")
    op.drop_column("shops", "message_channel")
    op.drop_column("shops", "language")
    op.drop_constraint("uq_notifications_shop_id_dedupe_key", "notifications", type_="unique")
    op.drop_index("ix_notifications_shop_id_reference", table_name="notifications")
    op.drop_index("ix_notifications_provider_id", table_name="notifications")
    op.create_index(
        op.f("ix_notifications_shop_id_id"), "notifications", ["shop_id", "id"], unique=False
    )
    op.drop_column("notifications", "updated_at")
    op.drop_column("notifications", "dedupe_key")
    op.drop_index("ix_udhaar_payments_shop_id_vendor_id", table_name="udhaar_payments")
    op.drop_index("ix_udhaar_payments_shop_id_customer_id", table_name="udhaar_payments")
    op.drop_table("udhaar_payments")
    op.drop_table("message_quota")
