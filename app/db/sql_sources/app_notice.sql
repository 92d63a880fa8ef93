-- Lets a simple-query batch hand a value back through a NOTICE (the sale's bill number, see
-- app.db.session.commit_with). Owned by app.db; applied through apply_sql_source.

CREATE OR REPLACE FUNCTION app_notice(message text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $fn$
BEGIN
    RAISE NOTICE '%', message;
END
$fn$;
