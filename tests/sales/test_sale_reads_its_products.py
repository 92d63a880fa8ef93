"""A sale reads the products it names, not its shop's whole catalogue.

The quote, the products' lock and the stock's update picked the bill's products out of the
rows of a JSON array, which the planner takes for 100 rows; so in a shop of 1,000 products
each of the three read the whole catalogue (286 pages, about 0.5 ms) to find three. Counted
here with PostgreSQL's own statistics of the app's one pooled connection: the rows of
`products` read by two sales, a remembered quote and a fresh one.
"""

import asyncpg
from sqlalchemy import text

from tests.bills import sale
from tests.conftest import create_product, make_settings, register_shop, served

CATALOGUE = 1_500

_ADD_CATALOGUE = """
INSERT INTO products (shop_id, name, name_key, price_purchase, price_sale, quantity)
SELECT $1, 'Catalogue item ' || n, 'catalogue item ' || n, 40.00, 45.00, 100
FROM generate_series(1, $2) AS n
RETURNING id
"""

_PRODUCT_ROWS_READ = """
SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables
WHERE relid = 'products'::regclass
"""


async def test_a_sale_reads_only_the_products_on_its_bill(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path)
    settings.db.pool_size = 1  # every request on one server connection, whose statistics count
    observer = await asyncpg.connect(database_url)
    try:
        async with served(settings) as (app, client):
            shop = await register_shop(client)
            first = await create_product(client, shop, quantity=50)

            async def rows_read() -> int:
                async with app.state.engine.connect() as connection:
                    # Flushed as the pooled connection goes idle after this statement.
                    await connection.execute(text("SELECT pg_stat_force_next_flush()"))
                read: int = await observer.fetchval(_PRODUCT_ROWS_READ)
                return read

            warm = await sale(client, shop, [{"product_id": first["product_id"], "quantity": 1}])
            assert warm.status_code == 201, warm.text
            # Added after the worker read the shop's catalogue: each is quoted by its id.
            ids = [r["id"] for r in await observer.fetch(_ADD_CATALOGUE, shop.shop_id, CATALOGUE)]
            await observer.execute("ANALYZE products")
            before = await rows_read()
            for picked in (ids[10:13], ids[700:703]):  # each quoted afresh, then remembered
                for _ in range(2):
                    lines = [{"product_id": i, "quantity": 1} for i in picked]
                    response = await sale(client, shop, lines)
                    assert response.status_code == 201, response.text
            read = await rows_read() - before
    finally:
        await observer.close()

    # Four 3-line bills: the quote, the lock, the stock and the foreign keys' checks read a
    # few rows of each product; the catalogue is 1,500.
    assert read <= 4 * 3 * 6, f"four sales read {read} rows of products"
