"""Tenancy is enforced by PostgreSQL: keys, foreign keys, uniques and row-level security."""

import pytest
from sqlalchemy import Index, UniqueConstraint, select, text
from sqlalchemy.exc import DBAPIError

from app.db.session import enter_shop
from app.models import Base, Product, tenant_tables
from tests.conftest import create_product

# Tables that hold shop_id but are deliberately global: a user logs in by phone before any
# shop is known, so users.phone is unique across shops (RLS still applies to the app role).
GLOBAL_TABLES_WITH_SHOP_ID = {"users", "auth_sessions"}


def test_every_table_with_shop_id_is_a_tenant_table_or_a_known_exception():
    for name, table in Base.metadata.tables.items():
        if "shop_id" in table.c and name not in GLOBAL_TABLES_WITH_SHOP_ID:
            assert table.info.get("tenant"), f"{name} has shop_id but is not a TenantModel"


def test_tenant_tables_follow_the_key_rules():
    tenants = set(tenant_tables(Base.metadata))
    assert {"products", "stock_movements"} <= tenants
    for name in tenants:
        table = Base.metadata.tables[name]
        assert not table.c.shop_id.nullable, f"{name}.shop_id must be NOT NULL"
        assert [c.name for c in table.primary_key.columns] == ["shop_id", "id"], name
        for fk in table.foreign_key_constraints:
            target = fk.referred_table.name
            if target in tenants:
                pairs = {(e.parent.name, e.column.name) for e in fk.elements}
                assert ("shop_id", "shop_id") in pairs, f"{name} -> {target} FK lacks shop_id"
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                first = next(iter(constraint.columns)).name
                assert first == "shop_id", (
                    f"{name}: unique {constraint.name} must start with shop_id"
                )
        for index in table.indexes:
            assert isinstance(index, Index)
            if index.unique:
                first = next(iter(index.expressions)).name  # type: ignore[union-attr]
                assert first == "shop_id", (
                    f"{name}: unique index {index.name} must start with shop_id"
                )


async def test_every_tenant_table_forces_row_level_security_in_the_database(app):
    async with app.state.sessionmaker() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                    "  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid "
                    "   AND p.polname = 'tenant_isolation') "
                    "FROM pg_class c WHERE c.relname = ANY(:names)"
                ),
                {"names": tenant_tables(Base.metadata)},
            )
        ).all()
    assert len(rows) == len(tenant_tables(Base.metadata))
    for name, enabled, forced, policies in rows:
        assert enabled and forced and policies == 1, name


async def test_a_query_without_its_shop_filter_still_sees_only_the_current_shop(
    client, app, shop, other_shop
):
    mine = await create_product(client, shop, product_name="Mine")
    await create_product(client, other_shop, product_name="Theirs")
    async with app.state.sessionmaker() as session, session.begin():
        await enter_shop(session, shop.shop_id)
        names = (await session.scalars(select(Product.name))).all()
        movements = await session.scalar(text("SELECT count(*) FROM stock_movements"))
    assert names == ["Mine"]
    assert movements == 1
    assert mine["product_name"] == "Mine"


async def test_the_app_role_cannot_write_into_another_shop(client, app, shop, other_shop):
    async with app.state.sessionmaker() as session:
        await enter_shop(session, shop.shop_id)
        with pytest.raises(DBAPIError, match="row-level security"):
            await session.execute(
                text(
                    "INSERT INTO products (shop_id, name, name_key, price_purchase, price_sale, "
                    "quantity) VALUES (:other, 'x', 'x', 1, 1, 0)"
                ),
                {"other": other_shop.shop_id},
            )
        await session.rollback()


async def test_without_a_shop_the_app_role_sees_nothing(client, app, shop):
    await create_product(client, shop)
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(text("SET LOCAL ROLE dukaan_app"))
        assert await session.scalar(text("SELECT count(*) FROM products")) == 0
        assert await session.scalar(text("SELECT count(*) FROM users")) == 0


async def test_the_shop_setting_does_not_leak_into_the_next_transaction(client, app, shop):
    await create_product(client, shop)
    async with app.state.sessionmaker() as session:
        async with session.begin():
            await enter_shop(session, shop.shop_id)
        async with session.begin():
            role = await session.scalar(text("SELECT current_user"))
            setting = await session.scalar(text("SELECT current_setting('app.shop_id', true)"))
    assert role != "dukaan_app"
    assert setting in (None, "")


async def test_a_function_that_enters_the_shop_sees_only_it_and_only_for_its_statement(
    client, app, shop, other_shop
):
    """`app_enter_shop` (the sale's calls switch to the shop themselves, see
    `app.db.session.call_in_shop`): the app role and the shop, for that statement alone."""
    await create_product(client, shop, product_name="Mine")
    await create_product(client, other_shop, product_name="Theirs")
    async with app.state.sessionmaker() as session:
        await session.execute(
            text(
                "CREATE FUNCTION pg_temp.names_seen(p_shop bigint) RETURNS text "
                "LANGUAGE plpgsql AS $$ BEGIN PERFORM app_enter_shop(p_shop); "
                "RETURN current_user || ':' || (SELECT string_agg(name, ',') FROM products); "
                "END $$"
            )
        )
        await session.commit()
        seen = await session.scalar(text("SELECT pg_temp.names_seen(:s)"), {"s": shop.shop_id})
        await session.commit()
        role = await session.scalar(text("SELECT current_user"))
        setting = await session.scalar(text("SELECT current_setting('app.shop_id', true)"))
    assert seen == "dukaan_app:Mine"
    assert role != "dukaan_app"
    assert setting in (None, "")
