"""An owner runs the shop's logins: lists them, changes roles, deactivates and reactivates,
resets a forgotten password; each change takes effect on the user's very next request."""

import jwt
from sqlalchemy import text

from tests.auth_helpers import add_staff, bearer, login
from tests.bills import sale
from tests.conftest import TEST_SECRET, create_product, register_shop


async def _audit(app, shop_id: int, action: str) -> list[dict]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT user_id, entity_id, before, after FROM audit_log "
                "WHERE shop_id = :s AND action = :a ORDER BY id"
            ),
            {"s": shop_id, "a": action},
        )
        return [dict(row._mapping) for row in rows]


async def test_the_owner_lists_the_shops_users(client, shop, other_shop):
    staff = await add_staff(client, shop)
    await add_staff(client, other_shop)

    response = await client.get("/api/auth/users", headers=shop.headers)

    assert response.status_code == 200
    users = response.json()
    assert [(u["user_id"], u["role"], u["active"]) for u in users] == [
        (shop.user_id, "owner", True),
        (staff.user_id, "staff", True),
    ]
    assert users[1]["phone_no"] == staff.phone
    assert set(users[0]) == {"user_id", "name", "phone_no", "role", "active", "created_at"}


async def test_staff_cannot_manage_users(client, shop):
    staff = await add_staff(client, shop)
    for response in (
        await client.get("/api/auth/users", headers=staff.headers),
        await client.patch(
            f"/api/auth/users/{shop.user_id}", json={"active": False}, headers=staff.headers
        ),
        await client.post(
            f"/api/auth/users/{shop.user_id}/password",
            json={"new_password": "taken-over-1"},
            headers=staff.headers,
        ),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


async def test_a_deactivated_user_is_refused_on_their_very_next_request(client, shop, app):
    product = await create_product(client, shop, quantity=10)
    staff = await add_staff(client, shop)
    line = [{"product_id": product["product_id"], "quantity": 1}]
    assert (await sale(client, staff, line)).status_code == 201

    response = await client.patch(
        f"/api/auth/users/{staff.user_id}", json={"active": False}, headers=shop.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    # A sale (driver connection), a product list (driver), an ORM endpoint, an account one.
    for refused in (
        await sale(client, staff, line),
        await client.get("/api/products/", headers=staff.headers),
        await client.get("/api/customers/", headers=staff.headers),
        await client.get("/api/auth/me", headers=staff.headers),
        await client.post("/api/auth/logout", headers=staff.headers),
    ):
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == "unauthorized"
    assert (await login(client, staff.phone, "counter-two-pass")).status_code == 401
    [stock] = (await client.get("/api/products/", headers=shop.headers)).json()
    assert stock["quantity"] == 9
    [row] = await _audit(app, shop.shop_id, "user_deactivated")
    assert row == {
        "user_id": shop.user_id,
        "entity_id": staff.user_id,
        "before": {"active": True},
        "after": {"active": False},
    }


async def test_a_reactivated_user_logs_in_afresh_and_old_tokens_stay_dead(client, shop, app):
    staff = await add_staff(client, shop)
    path = f"/api/auth/users/{staff.user_id}"
    await client.patch(path, json={"active": False}, headers=shop.headers)

    reactivated = await client.patch(path, json={"active": True}, headers=shop.headers)

    assert reactivated.status_code == 200
    assert reactivated.json()["active"] is True
    assert (await client.get("/api/products/", headers=staff.headers)).status_code == 401
    fresh = await login(client, staff.phone, "counter-two-pass")
    assert fresh.status_code == 200
    products = await client.get("/api/products/", headers=bearer(fresh.json()["access_token"]))
    assert products.status_code == 200
    assert len(await _audit(app, shop.shop_id, "user_reactivated")) == 1


async def test_a_role_change_refuses_old_tokens_and_a_refresh_carries_the_new_role(
    client, shop, app
):
    product = await create_product(client, shop)
    staff_phone_app = await add_staff(client, shop)
    tokens = (await login(client, staff_phone_app.phone, "counter-two-pass")).json()
    path = f"/api/products/{product['product_id']}"
    assert (await client.delete(path, headers=bearer(tokens["access_token"]))).status_code == 403

    promoted = await client.patch(
        f"/api/auth/users/{staff_phone_app.user_id}", json={"role": "owner"}, headers=shop.headers
    )

    assert promoted.status_code == 200
    assert promoted.json()["role"] == "owner"
    stale = await client.get("/api/products/", headers=bearer(tokens["access_token"]))
    assert stale.status_code == 401
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    access = refreshed.json()["access_token"]
    assert jwt.decode(access, TEST_SECRET, algorithms=["HS256"])["role"] == "owner"
    assert (await client.delete(path, headers=bearer(access))).status_code == 200
    [row] = await _audit(app, shop.shop_id, "user_role_changed")
    assert (row["before"], row["after"]) == ({"role": "staff"}, {"role": "owner"})


async def test_a_demoted_owner_loses_owner_rights_on_the_next_request(client, shop):
    second = await add_staff(client, shop)
    await client.patch(
        f"/api/auth/users/{second.user_id}", json={"role": "owner"}, headers=shop.headers
    )
    second_owner = (await login(client, second.phone, "counter-two-pass")).json()["access_token"]
    assert (await client.get("/api/auth/users", headers=bearer(second_owner))).status_code == 200

    demoted = await client.patch(
        f"/api/auth/users/{second.user_id}", json={"role": "staff"}, headers=shop.headers
    )

    assert demoted.status_code == 200
    refused = await client.get("/api/auth/users", headers=bearer(second_owner))
    assert refused.status_code == 401


async def test_an_owner_cannot_deactivate_or_demote_themselves(client, shop):
    path = f"/api/auth/users/{shop.user_id}"
    for change, field in (({"active": False}, "active"), ({"role": "staff"}, "role")):
        response = await client.patch(path, json=change, headers=shop.headers)
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"
        assert response.json()["field"] == field
        assert "owner" in response.json()["detail"]
    assert (await client.get("/api/auth/users", headers=shop.headers)).json()[0]["active"] is True


async def test_another_shops_user_is_not_found(client, shop, other_shop):
    theirs = await add_staff(client, other_shop)
    for response in (
        await client.patch(
            f"/api/auth/users/{theirs.user_id}", json={"active": False}, headers=shop.headers
        ),
        await client.post(
            f"/api/auth/users/{theirs.user_id}/password",
            json={"new_password": "taken-over-1"},
            headers=shop.headers,
        ),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert (await client.get("/api/products/", headers=theirs.headers)).status_code == 200


async def test_bad_changes_are_422_naming_the_field(client, shop):
    staff = await add_staff(client, shop)
    path = f"/api/auth/users/{staff.user_id}"
    for body, field in (({"role": "admin"}, "role"), ({"active": "no"}, "active")):
        response = await client.patch(path, json=body, headers=shop.headers)
        assert response.status_code == 422
        assert ["body", field] in [e["loc"] for e in response.json()["errors"]]
    short = await client.post(
        f"{path}/password", json={"new_password": "short"}, headers=shop.headers
    )
    assert short.status_code == 422
    assert (
        await client.patch("/api/auth/users/abc", json={}, headers=shop.headers)
    ).status_code in (
        404,
        422,
    )


async def test_the_owner_resets_a_forgotten_staff_password(client, shop, app):
    staff = await add_staff(client, shop, password="forgotten-1")

    response = await client.post(
        f"/api/auth/users/{staff.user_id}/password",
        json={"new_password": "brand-new-2"},
        headers=shop.headers,
    )

    assert response.status_code == 200, response.text
    assert (await client.get("/api/products/", headers=staff.headers)).status_code == 401
    assert (await login(client, staff.phone, "forgotten-1")).status_code == 401
    assert (await login(client, staff.phone, "brand-new-2")).status_code == 200
    [row] = await _audit(app, shop.shop_id, "user_password_reset")
    assert row["entity_id"] == staff.user_id
    own = await client.post(
        f"/api/auth/users/{shop.user_id}/password",
        json={"new_password": "brand-new-2"},
        headers=shop.headers,
    )
    assert own.status_code == 409


async def test_adding_staff_and_logins_from_new_devices_are_audited(client, shop, app):
    staff = await add_staff(client, shop)
    [added] = await _audit(app, shop.shop_id, "user_added")
    assert added["entity_id"] == staff.user_id
    assert added["after"]["role"] == "staff"

    for device in ("phone-1", "phone-1", "tablet-7"):
        assert (
            await login(client, staff.phone, "counter-two-pass", device=device)
        ).status_code == 200

    devices = [
        row["after"]["device"] for row in await _audit(app, shop.shop_id, "login_new_device")
    ]
    # add_staff logged in once without a device id: the test client's User-Agent.
    assert devices[1:] == ["phone-1", "tablet-7"]
    assert devices[0].startswith("python-httpx")


async def test_staff_management_needs_a_live_owner_session(client):
    shop = await register_shop(client)
    staff = await add_staff(client, shop)
    await client.post("/api/auth/logout", headers=shop.headers)
    response = await client.patch(
        f"/api/auth/users/{staff.user_id}", json={"active": False}, headers=shop.headers
    )
    assert response.status_code == 401
    assert (await client.get("/api/products/", headers=staff.headers)).status_code == 200


async def test_a_deactivated_users_refresh_token_is_refused(client, shop):
    staff = await add_staff(client, shop)
    tokens = (await login(client, staff.phone, "counter-two-pass")).json()
    await client.patch(
        f"/api/auth/users/{staff.user_id}", json={"active": False}, headers=shop.headers
    )
    refreshed = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "unauthorized"
