"""A real `dukaan serve` on a free 127.0.0.1 port, against the test's own database.

For tests that need what only a live server gives: a browser (tests/web/test_docs_offline.py)
or a shell running `curl` (tests/web/test_readme_try_it.py). The process handling (start,
wait for `/api/health`, stop) is tests/db/test_processes.py's; this only fixes the settings.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import TEST_SECRET
from tests.db.test_processes import free_port, serving


@contextlib.contextmanager
def live_server(database_url: str, data_dir: Path, **env: str) -> Iterator[str]:
    """Serve the app on 127.0.0.1 until the block ends; yields its base URL."""
    settings = {
        "DATABASE_URL": database_url,
        "DUKAAN_SECRET_KEY": TEST_SECRET,
        "DUKAAN_DATA_DIR": str(data_dir),
        "DUKAAN_ENV": "development",
        "DISPATCHER": "off",
    } | env
    with serving(settings, free_port()) as base:
        yield base
