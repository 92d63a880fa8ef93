"""The SQL that makes PostgreSQL enforce tenancy (docs/architecture.md rule 3), used by migrations.

Requests run as `APP_ROLE` with `app.shop_id` set (see `app.db.session.enter_shop`); a policy for
that role admits only the current shop's rows. The migrating (owning) role keeps a policy
that sees everything, for system jobs such as the message dispatcher. An unset `app.shop_id`
matches nothing, so a forgotten tenant context returns no rows rather than every shop's.
"""

from app.db.session import APP_ROLE

_CURRENT_SHOP = "NULLIF(current_setting('app.shop_id', true), '')::bigint"

CREATE_APP_ROLE: tuple[str, ...] = (
    f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- created concurrently by another database's migration on the same server
END
$$""",
    f"""
DO $$
BEGIN
    EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
EXCEPTION WHEN others THEN
    NULL;  -- already a member (or granted concurrently)
END
$$""",
    f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
)


def grant_to_app(table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE") -> str:
    return f"GRANT {privileges} ON {table} TO {APP_ROLE}"


def isolate(table: str, column: str = "shop_id") -> list[str]:
    """Statements that confine `table` to the current shop for the app role."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} TO {APP_ROLE} "
        f"USING ({column} = {_CURRENT_SHOP}) WITH CHECK ({column} = {_CURRENT_SHOP})",
        f"CREATE POLICY system_access ON {table} TO CURRENT_USER USING (true) WITH CHECK (true)",
    ]
