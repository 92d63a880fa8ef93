"""Fixtures of the ask tests: the app's settings pointing at the fake Gemini (tests/conftest.py)
for tests marked `with_gemini` (the others run offline, with no key)."""

import pytest

from tests.conftest import make_settings


@pytest.fixture
def settings(database_url, tmp_path, gemini, request):
    configured = make_settings(database_url, tmp_path)
    if "with_gemini" in request.keywords:
        configured.extraction = gemini.settings(ASK_GEMINI_TIMEOUT_SECONDS=1)
    return configured
