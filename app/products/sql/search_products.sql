-- Product search by name that can use an index under row-level security (see migration
-- 0006_search for why it is SECURITY DEFINER). Owned by app.products; applied by migrations
-- through app.db.sources.apply_sql_source: edit here, then run `scripts/sql_migration.py`.

CREATE OR REPLACE FUNCTION search_products(query text) RETURNS SETOF products
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
ROWS 100
AS $$
DECLARE
    pattern text := '%'
        || replace(replace(replace(query, E'\\', E'\\\\'), '%', E'\\%'), '_', E'\\_')
        || '%';
BEGIN
    RETURN QUERY
    SELECT p.*
    FROM products AS p
    WHERE p.shop_id = NULLIF(current_setting('app.shop_id', true), '')::bigint
      AND p.archived_at IS NULL
      AND (p.name_key LIKE pattern ESCAPE E'\\' OR p.name_key %> query)
    ORDER BY p.name_key LIKE pattern ESCAPE E'\\' DESC,
             word_similarity(query, p.name_key) DESC,
             p.name_key,
             p.id;
END
$$;

REVOKE ALL ON FUNCTION search_products(text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION search_products(text) TO dukaan_app;
