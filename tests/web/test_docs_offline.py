"""The interactive docs work on a shop's PC without internet: `/docs` and `/redoc` load every
script, style, font and icon from the app itself, and no request leaves the machine.

The HTTP tests always run. The browser tests drive Debian's Chromium through Playwright against
a live server, blocking (and recording) every request not to 127.0.0.1; they skip, saying why,
only where no Chromium binary is installed (`make browser` installs one when it can).
"""

import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright

from app.config import AuthSettings, DatabaseSettings, ServerSettings, Settings
from app.main import create_app
from tests.conftest import TEST_SECRET
from tests.db.test_processes import register
from tests.live_server import live_server

PAGES = ("/docs", "/redoc")
# `https://host`, `http://host`, or a protocol-relative `//host` inside a quote or url(...)
ABSOLUTE_URL = re.compile(r"""(?:\bhttps?:|(?<=["'(=\s]))//([^/\s"'`<>)]+)""")
REFERENCE = re.compile(r"""\b(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|\burl:\s*'([^']+)'""")
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


def _references(html: str) -> list[str]:
    """Every URL the page asks the browser to load: scripts, styles, icons, the schema."""
    return [a or b for a, b in REFERENCE.findall(html)]


@pytest.mark.parametrize("page", PAGES)
async def test_the_docs_pages_name_no_other_host(client, page):
    """No CDN, no Google fonts, no favicon from fastapi.tiangolo.com: the only host a page may
    name is the app's own (and it names none: every reference is a path)."""
    response = await client.get(page)
    assert response.status_code == 200
    hosts = set(ABSOLUTE_URL.findall(response.text))
    assert hosts <= {"shop.test"}, hosts
    assert "fonts.googleapis.com" not in response.text


@pytest.mark.parametrize("page", PAGES)
async def test_every_asset_a_docs_page_references_is_served_by_the_app(client, page):
    html = (await client.get(page)).text
    references = _references(html)
    kinds = {Path(urlsplit(ref).path).suffix for ref in references}
    # the page's script, its favicon and the schema; Swagger UI also its stylesheet
    assert {".js", ".png", ".json"} <= kinds, references
    for reference in references:
        response = await client.get(urljoin(f"http://shop.test{page}", reference))
        assert response.status_code == 200, reference
        expected = CONTENT_TYPES[Path(urlsplit(reference).path).suffix]
        assert response.headers["content-type"].startswith(expected), reference
        assert response.content, reference


async def test_swagger_ui_styles_and_oauth2_redirect_are_served(client):
    html = (await client.get("/docs")).text
    assert "/docs/swagger-ui.css" in _references(html)
    # Swagger's Authorize (OAuth2 password flow) comes back through this page
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in html
    redirect = await client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "text/html" in redirect.headers["content-type"]


@pytest.mark.parametrize("page", PAGES)
async def test_the_docs_pages_keep_answering_with_a_trailing_slash(client, page):
    """The asset mount lives under `/docs/`; the page itself still answers there."""
    response = await client.get(page + "/")
    assert response.status_code == 200
    assert "<title>Dukaan Sahaayak" in response.text


async def test_an_unknown_docs_asset_is_a_json_404(client):
    response = await client.get("/docs/no-such-file.js")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _production(database_url: str, data_dir: Path, **server: object) -> Settings:
    return Settings(
        db=DatabaseSettings(DATABASE_URL=database_url, DUKAAN_DATA_DIR=data_dir),
        auth=AuthSettings(DUKAAN_SECRET_KEY=TEST_SECRET),
        server=ServerSettings(DUKAAN_ENV="production", **server),
    )


ASSETS = (
    "/docs/swagger-ui-bundle.js",
    "/docs/swagger-ui.css",
    "/docs/fastapi/favicon.png",
    "/redoc/redoc.standalone.js",
)


@pytest.mark.parametrize(
    ("docs_enabled", "status"), [(None, 404), (True, 200)], ids=["default", "enabled"]
)
async def test_production_serves_the_docs_assets_only_when_docs_are_enabled(
    database_url, tmp_path, docs_enabled, status
):
    server = {} if docs_enabled is None else {"DOCS_ENABLED": docs_enabled}
    app = create_app(_production(database_url, tmp_path, **server))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            for path in (*PAGES, *ASSETS):
                assert (await http.get(path)).status_code == status, path


# --- in a real browser -------------------------------------------------------------------


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture
def chromium() -> str:
    executable = _chromium()
    if executable is None:
        pytest.skip(
            "no Chromium binary (Debian's `chromium`): `make browser` installs it as root "
            "with apt-get; Playwright's own browser download is not used"
        )
    return executable


@pytest.fixture
def live(database_url, tmp_path) -> Iterator[str]:
    with live_server(database_url, tmp_path) as base:
        yield base


def offline_browser(chromium: str, base: str, scenario: Callable[[Page], None]) -> list[str]:
    """Run `scenario` on a page of headless Chromium on which every request not to the app's
    127.0.0.1 port is aborted; return those requests' URLs.

    Playwright's sync API runs its own event loop, which must not share a thread with the
    test's (pytest-asyncio's, used by the database fixtures), so the browser gets a thread.
    """

    def run() -> list[str]:
        own = urlsplit(base).netloc
        left: list[str] = []

        def guard(route: Route) -> None:
            url = route.request.url
            if urlsplit(url).netloc == own:
                route.continue_()
            else:
                left.append(url)
                route.abort()

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", guard)
                scenario(context.new_page())
            finally:
                browser.close()
        return left

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_swagger_ui_logs_in_with_authorize_and_runs_a_call(chromium, live):
    """Open `/docs`, log in with the phone and password through **Authorize** (the OAuth2
    password flow), run `GET /api/auth/me` with "Try it out" / "Execute", read the 200."""
    phone, _ = register(live, password="docs-offline-1")

    def scenario(page: Page) -> None:
        page.goto(f"{live}/docs")
        me = page.locator(".opblock-get", has=page.locator('[data-path="/api/auth/me"]'))
        expect(me).to_be_visible(timeout=30_000)
        assert page.locator(".opblock").count() > 50  # every operation is listed

        page.locator(".auth-wrapper button.authorize").click()
        dialog = page.locator(".dialog-ux")
        oauth2 = dialog.locator(".auth-container", has_text="OAuth2PasswordBearer")
        oauth2.locator("#oauth_username").fill(phone)
        oauth2.locator("#oauth_password").fill("docs-offline-1")
        oauth2.locator("button.authorize").click()
        expect(oauth2.get_by_role("heading", name="Authorized")).to_be_visible(timeout=15_000)
        dialog.locator("button.btn-done").first.click()

        me.locator(".opblock-summary").first.click()
        me.locator("button.try-out__btn").click()
        me.locator("button.execute").click()
        status = me.locator(".live-responses-table .response .response-col_status").first
        expect(status).to_have_text("200", timeout=15_000)
        body = me.locator(".live-responses-table .response .response-col_description").first
        expect(body).to_contain_text(phone.removeprefix("+91"))

    assert offline_browser(chromium, live, scenario) == []


def test_redoc_renders_the_api_offline(chromium, live):
    def scenario(page: Page) -> None:
        page.goto(f"{live}/redoc")
        title = page.get_by_role("heading", name=re.compile("Dukaan Sahaayak"))
        expect(title).to_be_visible(timeout=30_000)
        expect(page.get_by_text("/api/auth/me").first).to_be_attached()

    assert offline_browser(chromium, live, scenario) == []
