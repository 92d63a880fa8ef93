"""An API worker loads the heavy libraries only when a request needs them.

openpyxl (about 24 MB with what it pulls in) is needed for a workbook export or import, and the
Gemini SDK (about 15 MB) for a call to Gemini; a worker that starts with them both was about
171 MB before it served anything, against a 200 MB target (issue 19).
"""

import json
import subprocess
import sys

LAZY = ("openpyxl", "google.genai")


def _loaded_after(code: str) -> list[str]:
    probe = (
        "import json, sys\n"
        "import app.main\n"
        f"{code}\n"
        f"print(json.dumps([m for m in {list(LAZY)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_a_worker_starts_without_openpyxl_or_the_gemini_sdk() -> None:
    assert _loaded_after("") == []


def test_they_load_when_a_request_needs_them() -> None:
    workbook = (
        "from app.core.export.xlsx_file import render_xlsx\n"
        "from app.integrations.gemini.schema import response_schema\n"
        "response_schema()"
    )
    assert _loaded_after(workbook) == list(LAZY)
