"""Fixtures of the ask tests: a loopback fake Gemini, and the app's settings pointing at it
for tests marked `with_gemini` (the others run offline, with no key)."""

import pytest

from tests.conftest import make_settings
from tests.fakes.gemini import FakeGemini


@pytest.fixture
def gemini():
    fake = FakeGemini().start()
    yield fake
    fake.stop()


@pytest.fixture
def settings(database_url, tmp_path, gemini, request):
    configured = make_settings(database_url, tmp_path)
    if "with_gemini" in request.keywords:
        configured.extraction = gemini.settings(ASK_GEMINI_TIMEOUT_SECONDS=1)
    return configured
