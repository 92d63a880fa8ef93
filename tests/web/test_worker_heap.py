"""A served worker freezes its start-up heap and collects young objects less often
(`app.web.heap`); the test suite's own apps do not (each would pay a full collection)."""

import json
import subprocess
import sys

from app.web.heap import YOUNGEST_THRESHOLD
from tests.conftest import TEST_SECRET
from tests.db.test_processes import ROOT

_PROBE = """
import asyncio, gc, json, os
from app.config import get_settings
from app.main import create_app

async def main():
    app = create_app(get_settings())
    before = {"frozen": gc.get_freeze_count(), "youngest": gc.get_threshold()[0]}
    async with app.router.lifespan_context(app):
        after = {"frozen": gc.get_freeze_count(), "youngest": gc.get_threshold()[0]}
    print(json.dumps([before, after]))

asyncio.run(main())
"""


def _started(database_url: str, env: str, tmp_path) -> list[dict[str, int]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": database_url,
            "DUKAAN_ENV": env,
            "DUKAAN_DATA_DIR": str(tmp_path),
            "DUKAAN_SECRET_KEY": TEST_SECRET,
            "DISPATCHER": "off",
        },
    )
    states: list[dict[str, int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return states


def test_a_served_worker_freezes_its_start_up_heap(database_url, tmp_path):
    before, after = _started(database_url, "development", tmp_path)
    assert before["frozen"] == 0  # the interpreter's default threshold is its own business
    assert after["frozen"] > 100_000  # the imports: modules, functions, routes, schemas
    assert after["youngest"] == YOUNGEST_THRESHOLD


def test_the_test_suites_apps_leave_the_collector_alone(database_url, tmp_path):
    before, after = _started(database_url, "test", tmp_path)
    assert after == before
