"""Product search by name that can use an index under row-level security.

A request runs as the app role, whose policy on `products` is a security barrier: PostgreSQL
will not evaluate a non-LEAKPROOF operator before it, so `LIKE` and pg_trgm's `%>` can never be
index conditions there, and every search read and scored the shop's whole catalogue (about
50 ms of database CPU at 10,000 products). `search_products(query)` runs the same search as
the owning role (SECURITY DEFINER), confined to the current shop by the same `app.shop_id`
setting the policy reads, so the planner uses a GIN trigram index led by `shop_id`
(btree_gin): about 3 ms. It returns the matching rows best first; the repository pages and
counts them.

The index keeps a small pending list (64 kB instead of 4 MB): a search reads all of it, and
stock updates that move a row (non-HOT) add to it, so after a burst of sales a full default
list made every search about ten times slower until the next vacuum.

Revision ID: 0006_search
Revises: 0005_daily_usage
Create Date: 2026-11-25 18:00
"""

from collections.abc import Sequence

from alembic import op

from app.db.session import APP_ROLE

revision: str = "0006_search"
down_revision: str | None = "0005_daily_usage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Live products of the current shop whose normalised name contains `query` (LIKE, with its
# wildcards escaped) or is word-similar to it (`%>`, at the session's
# pg_trgm.word_similarity_threshold). Substring matches first, then by word similarity, then
# by name and id. E'' literals keep the backslashes independent of standard_conforming_strings.
SEARCH_PRODUCTS = r"""
CREATE FUNCTION search_products(query text) RETURNS SETOF products
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
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.create_index(
        "ix_products_shop_id_name_key_trgm",
        "products",
        ["shop_id", "name_key"],
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
        postgresql_with={"gin_pending_list_limit": 64},
    )
    # Superseded: under RLS only the function above searches names, always within one shop.
    op.drop_index("ix_products_name_key_trgm", table_name="products")
    op.execute(SEARCH_PRODUCTS)
    op.execute("REVOKE ALL ON FUNCTION search_products(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION search_products(text) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION search_products(text)")
    op.create_index(
        "ix_products_name_key_trgm",
        "products",
        ["name_key"],
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
    )
    op.drop_index("ix_products_shop_id_name_key_trgm", table_name="products")
