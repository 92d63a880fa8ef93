-- The shop switch (docs/architecture.md rule 3) for a database function called as a statement
-- of its own (a new sale's calls, app.db.session.call_in_shop): the transaction-local role
-- without BYPASSRLS and `app.shop_id`, the same two settings as app.db.session.SHOP_SWITCH.
-- The calling function's later statements run as that role, confined to the shop; both
-- settings end with the statement's transaction. Owned by app.db; applied through
-- apply_sql_source.

CREATE OR REPLACE FUNCTION app_enter_shop(p_shop bigint) RETURNS void
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    PERFORM set_config('role', 'dukaan_app', true), set_config('app.shop_id', p_shop::text, true);
END
$fn$;
