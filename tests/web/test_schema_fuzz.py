"""Schema fuzzing (issue 7, item 1): schemathesis over `/openapi.json`, every check, stateful too.

- The real app (middleware, handlers, lifespan, PostgreSQL) runs in-process through
  schemathesis' ASGI transport, on its own database cloned from the migrated template.
- Every operation is tested in the examples, coverage and fuzzing phases (one pytest item per
  operation), then the stateful phase chains them through the schema's OpenAPI links.
- Requests are authenticated as a registered shop (`Authorization: Bearer`, from a Web Fuzzing
  Commons auth document). A second shop is its peer, so the `object_level_authorization`
  check replays reads of shop A's objects as shop B.
- Bounded and reproducible: a fixed seed, derandomized generation, a few examples per operation.

`pytest tests/web/test_schema_fuzz.py -rP` shows how many cases ran (`schemathesis cases: ...`).
"""

import asyncio
import itertools
import json
import re
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis.checks import CHECKS
from schemathesis.python import asgi as schemathesis_asgi
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.core.security import Principal, issue_token
from app.main import create_app
from tests.conftest import (
    TEST_SECRET,
    ShopSession,
    _admin,
    _with_database,
    make_settings,
    register_shop,
)

SEED = 20261125
MAX_EXAMPLES = 8  # per operation, fuzzing phase (examples and coverage add their own cases)
STATEFUL_SUITES = 6
STATEFUL_SCENARIOS = 40  # per suite
STATEFUL_MAX_STEPS = 6
# The two shops the fixture registers, in this order, into an empty database.
SHOPS = {
    "shop_a": Principal(user_id=1, shop_id=1, role="owner", session_id=1),
    "shop_b": Principal(user_id=2, shop_id=2, role="owner", session_id=2),
}


def phone_numbers() -> st.SearchStrategy[str]:
    """`format: phone`: an Indian mobile number as typed (docs/api.md), 10 to 41 characters.

    `9812345678`, `098123 45678`, `+91 98123   45678`: spaces between the groups (any number,
    as careless typing leaves them) let the generator reach the documented `maxLength` and
    just past it.
    """
    return st.builds(
        lambda prefix, number, gap: f"{prefix}{number[:5]}{' ' * gap}{number[5:]}",
        st.sampled_from(["", "0", "+91", "+91 ", "+91-"]),
        st.from_regex(r"[6-9][0-9]{9}", fullmatch=True),
        st.integers(min_value=0, max_value=27),
    )


_VALID_KEY = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,254}")
_KEY_SUFFIXES = itertools.count()


def fresh_idempotency_key(case: schemathesis.Case) -> None:
    """Give a valid `Idempotency-Key` a suffix no other request has.

    A key means "this one logical request": sent again with another body it is a 422
    `idempotency_key_reused` (docs/api.md), which is right, but the generator cannot know which
    keys it already spent. Invalid keys are left as generated, to be refused.
    """
    key = case.headers.get("Idempotency-Key") if case.headers else None
    if isinstance(key, str) and _VALID_KEY.fullmatch(key):
        suffix = f"~{next(_KEY_SUFFIXES)}"
        case.headers["Idempotency-Key"] = key[: 255 - len(suffix)] + suffix


class DeferredApp:
    """The ASGI app under test, which exists only once the fixture has made its database.

    Schemathesis needs an app when the schema is loaded (at import, to parametrize the tests);
    the database is made later by a fixture. Its lifespan starts on the first request.
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the fuzz_app fixture sets the app first"
        await self.app(scope, receive, send)


def _wfc_document() -> dict[str, Any]:
    """Each shop's bearer token, signed as the app signs them (see `fuzz_app` for the ids).

    Coverage cases are built when the tests are collected, before any fixture runs, so the
    tokens must exist then: the fixture registers the shops in this order into an empty
    database, where they get these ids, and checks that they did.
    """
    return {
        "auth": [
            {
                "name": name,
                "fixedHeaders": [
                    {
                        "name": "Authorization",
                        "value": f"Bearer {issue_token(principal, TEST_SECRET, 24 * 60)}",
                    }
                ],
            }
            for name, principal in SHOPS.items()
        ]
    }


# `positive_data_acceptance` expects a schema-valid request to succeed. These operations also
# answer a schema-valid request with a 422 when it breaks a rule about the shop's data or the
# request as a whole, which docs/api.md makes a 422 and a JSON schema cannot state. Everything else
# the schema can state, it does (ranges, decimal places, formats, strict types, nullability).
_SEMANTIC_422 = {
    # `current_password` must be the caller's password.
    "POST /api/auth/password",
    # A known time zone; message templates with text and only known `{placeholders}`; a
    # GSTIN of the shop's state, and one for a registered GST scheme.
    "PATCH /api/auth/shop",
    # A product's GST rate is one of the slabs in force on the shop's today (they change by date).
    "POST /api/products/",
    "PUT /api/products/{product_id}",
    # Lines name products the shop has; `total_amount` equals the computed total; paid <= total;
    # the bill is not dated in the future, and not due before it is dated.
    "POST /api/sales/",
    "POST /api/purchases/",
    # Goods come back at most as many as were sold on the bill.
    "POST /api/sales/{sale_id}/returns",
    # A draft's lines name the shop's products; it is confirmed once it has a phone and rates.
    "PUT /api/purchases/drafts/{draft_id}",
    "POST /api/purchases/drafts/{draft_id}/confirm",
    # An opening balance is due on or after the day it was lent.
    "POST /api/udhaar/sales/",
    "POST /api/udhaar/purchases/",
    # `from` on or before `to`.
    "GET /api/customers/{party_id}/statement",
    "GET /api/vendors/{party_id}/statement",
    "GET /api/reports/profit-loss",
    "GET /api/reports/gst-summary",
    "GET /api/audit/",
    # Pay at most what is owed, on an entry that is still open.
    "POST /api/udhaar/sales/{udhar_id}/payments",
    "POST /api/udhaar/purchases/{udhar_id}/payments",
    "POST /api/customers/{party_id}/payments",
    "POST /api/vendors/{party_id}/payments",
    # An expense's category is a default or one the shop added; its date is not in the future.
    "POST /api/expenses/",
    # `from` on or before `to`.
    "GET /api/expenses/",
    # The day book's day and a cash count's are not in the future (the shop's today), nor
    # before 2000.
    "GET /api/reports/day-book",
    "POST /api/reports/day-book/cash-count",
    # Sales analysis: `from` on or before `to`; the stock summary's `as_of` not in the future.
    "GET /api/reports/sales",
    "GET /api/reports/stock",
}
# Bill photos: any bytes satisfy `format: binary`, but only a JPEG, PNG or WebP is read (415,
# or a 422 for an empty file).
_IMAGE_UPLOADS = {"POST /api/extract-products", "POST /api/purchases/drafts"}
# Imports: any bytes satisfy `format: binary`, but only a CSV or XLSX whose headings name the
# kind's fields can be imported (422 `unreadable_file` / `unusable_headings`).
_FILE_UPLOADS = {"POST /api/imports"}
_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def _operation_overrides() -> list[dict[str, Any]]:
    def accepting(*codes: str) -> dict[str, Any]:
        return {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, *codes]}}

    return [
        # Logging out would end the session the fuzzer authenticates with; tested on its own
        # (tests/auth/test_sessions_and_refresh.py).
        {"include-name": ["POST /api/auth/logout"], "enabled": False},
        {"include-name": sorted(_SEMANTIC_422), "checks": accepting("422")},
        {"include-name": sorted(_IMAGE_UPLOADS), "checks": accepting("415", "422")},
        {"include-name": sorted(_FILE_UPLOADS), "checks": accepting("413", "422")},
        # `DELETE /api/udhaar/{side}/{id}` settles the entry by recording a payment of the
        # whole balance; the entry stays, readable as `settled` (docs/api.md: nothing that money
        # depends on is hard-deleted). So a read after it is not a use after free.
        {
            "include-name": [
                "GET /api/udhaar/sales/{udhar_id}",
                "GET /api/udhaar/purchases/{udhar_id}",
            ],
            "checks": {"use_after_free": {"enabled": False}},
        },
    ]


def _load_schema() -> schemathesis.BaseSchema:
    config = {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # PostgreSQL text cannot hold NUL, which the schema does not repeat on every
            # string: such text is a 422 (`test_nul_in_text_is_a_422`), not generated here.
            "allow-x00": False,
        },
        "phases": {"stateful": {"max-steps": STATEFUL_MAX_STEPS}},
        # Every built-in check, and a generous response-time bound so that one is on too.
        "checks": {"enabled": True, "max_response_time": 10.0},
        "operations": _operation_overrides(),
    }
    with tempfile.TemporaryDirectory(prefix="dukaan-fuzz-") as folder:
        wfc = Path(folder) / "auth.json"  # read once, by `from_dict`
        wfc.write_text(json.dumps(_wfc_document()))
        config["auth"] = {"wfc": {"path": str(wfc), "user": "shop_a", "peers": list(SHOPS)}}
        # The document the app serves, from an instance that never touches its database.
        app = create_app(make_settings("postgresql://unused@127.0.0.1/unused", Path(folder)))
        loaded = schemathesis.openapi.from_dict(
            json.loads(json.dumps(app.openapi())), config=schemathesis.Config.from_dict(config)
        )
    loaded.app = DEFERRED
    return loaded


DEFERRED = DeferredApp()
schemathesis.openapi.format("phone", phone_numbers())
schema = _load_schema()


async def _register_shops(settings: Settings) -> None:
    """Both shops, registered through a separate instance of the app, as `SHOPS` says."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            for name, expected in SHOPS.items():
                shop = await register_shop(http, f"Fuzz {name}")
                assert (shop.user_id, shop.shop_id) == (expected.user_id, expected.shop_id)


@pytest.fixture(scope="module")
def fuzz_app(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    name = f"dk_fuzz_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    settings = make_settings(_with_database(server_url, name), tmp_path_factory.mktemp("fuzz"))
    asyncio.run(_register_shops(settings))
    DEFERRED.app = create_app(settings)
    try:
        yield DEFERRED.app
    finally:
        schemathesis_asgi.shutdown_lifespans()  # the app's lifespan: its pool closes
        DEFERRED.app = None
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def counts() -> Iterator[Counter[str]]:
    tally: Counter[str] = Counter()
    started = time.monotonic()
    yield tally
    print(f"\nschemathesis cases: {dict(tally)} in {time.monotonic() - started:.1f} s")


def test_every_check_is_on() -> None:
    checks = schema.config.checks_config_for(operation=None, phase=None)
    names = {check.__name__ for check in CHECKS.get_all() if not isinstance(check, type)}
    assert {"not_a_server_error", "ignored_auth", "object_level_authorization"} <= names
    assert all(checks.get_by_name(name=name).enabled for name in names)
    assert checks.max_response_time.enabled


@schema.parametrize()
def test_every_operation(case: schemathesis.Case, fuzz_app: FastAPI, counts: Counter[str]) -> None:
    counts["stateless"] += 1
    fresh_idempotency_key(case)
    case.call_and_validate()


def test_stateful_links(fuzz_app: FastAPI, counts: Counter[str]) -> None:
    """Scenarios that chain operations through the schema's links (and inferred ones).

    A scenario depends on what the server answered before, so Hypothesis can neither replay
    one to shrink it nor keep its record of explored scenarios consistent: check failures are
    collected as they happen and reported together (each with its `curl`), and a suite that
    Hypothesis ends as "flaky" is simply over, as in schemathesis' own runner. Several seeded
    suites, one after another, keep the phase going.
    """
    failures: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            counts["stateful scenarios"] += 1

        def before_call(self, case: schemathesis.Case) -> None:
            fresh_idempotency_key(case)

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            counts["stateful"] += 1

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            try:
                super().validate_response(response, case, **kwargs)
            except schemathesis.errors.FailureGroup as failure:
                failures.append(f"{case.operation.label}\n{failure}")

    settings = hypothesis.settings(
        max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=STATEFUL_MAX_STEPS,
        phases=[hypothesis.Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    for suite in range(STATEFUL_SUITES):
        try:
            hypothesis.seed(SEED + suite)(Machine).run(settings=settings)
        except hypothesis.errors.Flaky:
            counts["stateful suites ended as flaky"] += 1
    assert not failures, "\n\n".join(failures)
    assert counts["stateful"] > 0


async def test_nul_in_text_is_a_422(client: httpx.AsyncClient, shop: ShopSession) -> None:
    """Found by the fuzzer: a NUL in any text reached PostgreSQL and came back as a 500."""
    created = await client.post(
        "/api/customers/",
        json={"customer_name": "Sunita\x00", "phone_no": "9812345678"},
        headers=shop.headers,
    )
    searched = await client.get("/api/products/", params={"q": "a\x00b"}, headers=shop.headers)
    for response in (created, searched):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "validation_error"
        assert response.json()["errors"]
    listed = await client.get("/api/customers/", headers=shop.headers)
    assert listed.json() == []


async def test_what_the_fuzzer_found_stays_fixed(
    client: httpx.AsyncClient, shop: ShopSession
) -> None:
    """A few of the findings, pinned without the fuzzer."""
    # 405 names every method of the path, not only the first route's.
    response = await client.delete("/api/products/", headers=shop.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    # Lax coercions are refused: `false` is not a count, `0` not a date.
    response = await client.patch(
        "/api/auth/shop", json={"daily_message_cap": False}, headers=shop.headers
    )
    assert response.status_code == 422, response.text
    response = await client.get("/api/sales/", params={"to": "0"}, headers=shop.headers)
    assert response.status_code == 422, response.text
    # Every 422 carries `errors`, also a reused Idempotency-Key.
    key = {"Idempotency-Key": "fuzz-1"} | shop.headers
    first = {"customer_name": "A", "phone_no": "9812345678"}
    created = await client.post("/api/customers/", json=first, headers=key)
    assert created.status_code == 201, created.text
    reused = await client.post("/api/customers/", json=first | {"customer_name": "B"}, headers=key)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["errors"]
    # A name of separators only is blank, not stored empty.
    response = await client.put(
        f"/api/customers/{created.json()['cust_id']}",
        json={"customer_name": "\x1d"},
        headers=shop.headers,
    )
    assert response.status_code == 422, response.text


NOT_AN_ID = ["%0A", "%20", "abc", "-1", "1.5", "99999999999999999999", "1%0A", "%201", "1_0"]


def _operations_with_path_parameters(app: FastAPI) -> list[tuple[str, str, list[str]]]:
    operations = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                operations.append((method.upper(), path, names))
    return operations


async def test_a_path_id_that_is_not_an_integer_is_404_or_422_on_every_route(
    client: httpx.AsyncClient, shop: ShopSession, app: FastAPI
) -> None:
    """Found by the fuzzer: `GET /api/customers/%0A` answered 200 with the customer list.

    Route patterns end in `$`, which also matches before a final newline, so the list route
    served it; and lax integers read `1%0A`, `1.5` or ` 1` as ids. Every path parameter of
    every operation, given each of these, is a JSON 404 or 422, never a 2xx or a 5xx.
    """
    await client.post(
        "/api/customers/",
        json={"customer_name": "A", "phone_no": "9812345678"},
        headers=shop.headers,
    )
    operations = _operations_with_path_parameters(app)
    assert len(operations) >= 20
    wrong = []
    for method, path, names in operations:
        for name in names:
            for bad in NOT_AN_ID:
                url = path
                for other in names:
                    url = url.replace(f"{{{other}}}", bad if other == name else "1")
                response = await client.request(method, url, headers=shop.headers, json={})
                if response.status_code not in (404, 422) or "code" not in response.json():
                    wrong.append(f"{method} {url}: {response.status_code} {response.text[:80]}")
    assert wrong == []
