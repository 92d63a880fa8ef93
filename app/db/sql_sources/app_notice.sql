-- Lets a simple-query batch hand a value back through a NOTICE (a new sale's quote and reply,
-- see app.db.session.in_shop). Owned by app.db; applied through apply_sql_source.

CREATE OR REPLACE FUNCTION app_notice(message text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $fn$
BEGIN
    RAISE NOTICE '%', message;
END
$fn$;
