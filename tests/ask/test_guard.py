"""The last line of defence under every compiled question (`app.ask.repository.run`): were
a compiled query ever wrong, it could not write, could not run past the statement timeout,
and could not see another shop. Run on the real database in a real shop transaction."""

import time

import pytest
from sqlalchemy.exc import DBAPIError

from app.ask import repository
from app.ask.compiler import Query
from app.auth import service as auth_service
from app.core.security import read_token
from tests.bills import counts
from tests.conftest import create_product, register_shop


async def _run(app, shop, sql: str) -> list[dict]:
    principal = read_token(shop.token, app.state.secret_key)
    async with app.state.sessionmaker() as session, session.begin():
        await auth_service.enter_shop(session, principal)
        return await repository.run(session, Query(sql))


async def test_a_query_that_writes_is_refused(client, shop, app):
    await create_product(client, shop, product_name="Tata Salt", price_sale="28.00", quantity=5)
    before = await counts(app, shop.shop_id)

    for sql in ("DELETE FROM products", "UPDATE products SET quantity = 0 RETURNING id"):
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await _run(app, shop, sql)

    assert await counts(app, shop.shop_id) == before


async def test_a_slow_query_is_cut_at_the_timeout(client, shop, app):
    started = time.monotonic()
    with pytest.raises(DBAPIError, match="statement timeout"):
        await _run(app, shop, "SELECT pg_sleep(10)")
    assert time.monotonic() - started < repository.STATEMENT_TIMEOUT_MS / 1000 + 1.5


async def test_row_level_security_holds_under_the_views(client, shop, app):
    neighbour = await register_shop(client, "Neighbour")
    await create_product(client, neighbour, product_name="SECRET", price_sale="1.00", quantity=1)

    rows = await _run(app, shop, "SELECT product FROM ask_stock")
    theirs = await _run(app, neighbour, "SELECT product FROM ask_stock")
    beyond = await _run(app, shop, "SELECT count(*) AS n FROM ask_parties")

    assert rows == [] and theirs == [{"product": "SECRET"}]
    assert beyond == [{"n": 0}]  # the shop has no customers or vendors yet


async def test_at_most_the_row_cap_comes_back(client, shop, app):
    rows = await _run(app, shop, "SELECT g FROM generate_series(1, 1000) AS g")
    assert len(rows) == repository.MAX_ROWS
