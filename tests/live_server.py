"""A real `dukaan serve` on a free 127.0.0.1 port, against the test's own database.

For tests that need what only a live server gives: a browser (tests/web/test_docs_offline.py)
or a shell running `curl` (tests/web/test_readme_try_it.py), or its process watched
(tests/extraction/test_ocr_processes.py). The process handling (start, wait for
`/api/health`, stop) is tests/db/test_processes.py's; this only fixes the settings.
"""

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import TEST_SECRET
from tests.db.test_processes import free_port, serving, start, stop


def _settings(database_url: str, data_dir: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DUKAAN_SECRET_KEY": TEST_SECRET,
        "DUKAAN_DATA_DIR": str(data_dir),
        "DUKAAN_ENV": "development",
        "DISPATCHER": "off",
    } | env


@contextlib.contextmanager
def live_server(database_url: str, data_dir: Path, **env: str) -> Iterator[str]:
    """Serve the app on 127.0.0.1 until the block ends; yields its base URL."""
    with serving(_settings(database_url, data_dir, env), free_port()) as base:
        yield base


@contextlib.contextmanager
def live_process(
    database_url: str, data_dir: Path, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`live_server`, for tests that watch the server's process too: (process, base URL)."""
    process, base = start(_settings(database_url, data_dir, env), free_port())
    try:
        yield process, base
    finally:
        if process.poll() is None:
            stop(process)
