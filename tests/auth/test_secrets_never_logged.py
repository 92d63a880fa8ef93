"""OWASP API8: no password, token or provider key ever reaches the logs.

Everything the process logs (every logger, at DEBUG) is captured while the paths that handle
secrets run: registration, good and bad logins, adding staff, authenticated requests, and
bill reading through Gemini (succeeding and failing). Twilio's paths are covered the same
way in tests/notifications/test_dispatcher.py and tests/notifications/test_worker_processes.py.
"""

import logging

import httpx

from app.main import create_app
from tests.bill_images import LAYOUTS, render
from tests.conftest import TEST_SECRET, make_settings, unique_phone

GEMINI_KEY = "AIzaSy-not-a-real-key-but-a-secret-0123456789"
PASSWORDS = ("owner-secret-passw0rd", "staff-secret-passw0rd", "wrong-guess-passw0rd")


async def test_secrets_never_reach_the_logs(database_url, tmp_path, gemini, caplog):
    settings = make_settings(database_url, tmp_path)
    settings.extraction = gemini.settings(GEMINI_API_KEY=GEMINI_KEY)
    caplog.set_level(logging.DEBUG)
    app = create_app(settings)
    tokens: list[str] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            owner_phone, staff_phone = unique_phone(), unique_phone()
            registered = await http.post(
                "/api/auth/register",
                json={
                    "shop_name": "Logs",
                    "owner_name": "O",
                    "phone_no": owner_phone,
                    "password": PASSWORDS[0],
                },
            )
            assert registered.status_code == 201
            tokens.append(registered.json()["access_token"])
            headers = {"Authorization": f"Bearer {tokens[0]}"}
            wrong = await http.post(
                "/api/auth/token", data={"username": owner_phone, "password": PASSWORDS[2]}
            )
            assert wrong.status_code == 401
            good = await http.post(
                "/api/auth/token", data={"username": owner_phone, "password": PASSWORDS[0]}
            )
            tokens.append(good.json()["access_token"])
            staff = await http.post(
                "/api/auth/users",
                json={"name": "S", "phone_no": staff_phone, "password": PASSWORDS[1]},
                headers=headers,
            )
            assert staff.status_code == 201
            bad_token = await http.get("/api/auth/me", headers={"Authorization": "Bearer x.y.z"})
            assert bad_token.status_code == 401

            photo = {"image": ("bill.png", render(LAYOUTS[0]), "image/png")}
            read = await http.post("/api/extract-products", files=photo, headers=headers)
            assert read.status_code == 200, read.text
            assert read.json()["engine"] == "gemini"
            gemini.mode = "500"
            fallback = await http.post("/api/extract-products", files=photo, headers=headers)
            assert fallback.status_code in (200, 503)

    logged = (
        "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
        + caplog.text
    )
    assert len(caplog.records) > 10
    for secret in (*PASSWORDS, GEMINI_KEY, TEST_SECRET, *tokens):
        assert secret not in logged, f"a secret reached the logs: {secret[:6]}..."
