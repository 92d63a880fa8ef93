-- Let a simple-query batch hand a value back through a NOTICE. The app no longer calls it
-- (a new sale's calls are ordinary statements since issue 20); kept, unchanged in effect,
-- because earlier migrations apply this file. Owned by app.db; applied through
-- apply_sql_source.

CREATE OR REPLACE FUNCTION app_notice(message text) RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $fn$
BEGIN
    RAISE NOTICE '%', message;
END
$fn$;
