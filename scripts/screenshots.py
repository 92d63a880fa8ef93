"""Take the screenshots the README links: the interactive docs, and a demo shop's bill and
reports, from a real server in headless Chromium, with no request leaving the machine.

    .venv/bin/python scripts/screenshots.py [output folder, default docs/screenshots]

Builds `dukaan demo`'s shop in a throwaway embedded PostgreSQL (a temporary data folder, so
your `.data` is untouched), serves it with `dukaan serve` on a free 127.0.0.1 port, and drives
Debian's Chromium (`make browser` installs it) through Playwright. Writes:

- docs.png          `/docs` after logging in with **Authorize**: the operations listed
- docs-me.png       `GET /api/auth/me` run from `/docs` with "Try it out", its 200 on screen
- redoc.png         `/redoc`
- bill.png          the demo shop's latest bill (`GET /api/sales/{id}/invoice?format=html`)
- udhaar.png        `GET /api/udhaar/summary` run from `/docs`: receivable, overdue, ageing
- profit.png        `GET /api/reports/profit-loss?group=month` run from `/docs`
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Locator, Page, Route, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DEMO_PHONE = "+919000012345"
DEMO_PASSWORD = "chai-biscuit-demo"  # noqa: S105  (`dukaan demo`'s public default)
VIEWPORT = {"width": 1280, "height": 900}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {
        "DUKAAN_DATA_DIR": str(data_dir),
        "DUKAAN_ENV": "development",
        "DISPATCHER": "off",
        "LOG_LEVEL": "WARNING",
    }


def build_demo(data_dir: Path) -> None:
    subprocess.run(  # noqa: S603  (our own interpreter and command, fixed arguments)
        [sys.executable, "-m", "app.cli", "demo", "--phone", DEMO_PHONE],
        cwd=ROOT,
        env=_environment(data_dir),
        check=True,
    )


@contextlib.contextmanager
def serving(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _environment(data_dir) | {"HOST": "127.0.0.1", "PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise SystemExit("dukaan serve exited before answering")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("dukaan serve did not answer in 90 s")
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _login(base: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/token",
        data={"username": DEMO_PHONE, "password": DEMO_PASSWORD},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _latest_credit_sale_id(base: str, token: str) -> int:
    """The newest bill a customer took (partly) on udhaar: the one that shows the most."""
    response = httpx.get(
        f"{base}/api/sales/",
        params={"limit": 200},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    sales = response.json()
    on_credit = [
        sale
        for sale in sales
        if sale["customer_id"] is not None
        and Decimal(str(sale["amount_paid"])) < Decimal(str(sale["total_amount"]))
    ]
    return int((on_credit or sales)[0]["sales_id"])


def _operation(page: Page, method: str, path: str) -> Locator:
    return page.locator(f".opblock-{method}", has=page.locator(f'[data-path="{path}"]'))


def _authorize(page: Page) -> None:
    page.locator(".auth-wrapper button.authorize").click()
    dialog = page.locator(".dialog-ux")
    oauth2 = dialog.locator(".auth-container", has_text="OAuth2PasswordBearer")
    oauth2.locator("#oauth_username").fill(DEMO_PHONE)
    oauth2.locator("#oauth_password").fill(DEMO_PASSWORD)
    oauth2.locator("button.authorize").click()
    expect(oauth2.get_by_role("heading", name="Authorized")).to_be_visible(timeout=15_000)
    dialog.locator("button.btn-done").first.click()


def _execute(page: Page, method: str, path: str, **query: str) -> Locator:
    """Run an operation from Swagger UI ("Try it out", fill the query, "Execute")."""
    operation = _operation(page, method, path)
    operation.locator(".opblock-summary").first.click()
    operation.locator("button.try-out__btn").click()
    for name, value in query.items():
        row = operation.locator(f'tr[data-param-name="{name}"]')
        if row.locator("select").count():
            row.locator("select").select_option(value)
        else:
            row.locator("input").fill(value)
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    expect(status).to_have_text("200", timeout=30_000)
    return operation


def take(base: str, chromium: str, out: Path) -> list[str]:
    """Take every screenshot; return the requests that tried to leave the machine."""
    own = urlsplit(base).netloc
    left: list[str] = []

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    token = _login(base)
    sale_id = _latest_credit_sale_id(base, token)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.route("**/*", guard)
            page = context.new_page()

            page.goto(f"{base}/docs")
            expect(_operation(page, "get", "/api/auth/me")).to_be_visible(timeout=30_000)
            _authorize(page)
            page.screenshot(path=out / "docs.png")
            # below a call run from the page, its documented replies would fill the picture
            page.add_style_tag(
                content=".responses-table:not(.live-responses-table) {display: none}"
            )
            me = _execute(page, "get", "/api/auth/me")
            me.screenshot(path=out / "docs-me.png")
            me.locator(".opblock-summary").first.click()  # fold it away again
            udhaar = _execute(page, "get", "/api/udhaar/summary")
            udhaar.locator(".live-responses-table").first.screenshot(path=out / "udhaar.png")
            profit = _execute(page, "get", "/api/reports/profit-loss", group="month")
            profit.locator(".live-responses-table").first.screenshot(path=out / "profit.png")

            page.goto(f"{base}/redoc")
            expect(page.get_by_role("heading", name="Dukaan Sahaayak")).to_be_visible(
                timeout=30_000
            )
            page.screenshot(path=out / "redoc.png")

            bill = context.new_page()
            bill.set_extra_http_headers({"Authorization": f"Bearer {token}"})
            bill.goto(f"{base}/api/sales/{sale_id}/invoice?format=html")
            bill.wait_for_load_state("networkidle")
            bill.screenshot(path=out / "bill.png", full_page=True)
        finally:
            browser.close()
    return left


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("no Chromium: `make browser` installs Debian's chromium")
    folder = Path(tempfile.mkdtemp(prefix="dukaan-shots-"))
    folder.chmod(0o755)  # the embedded server may run as another user when we are root
    try:
        build_demo(folder / "data")
        with serving(folder / "data") as base:
            left = take(base, chromium, out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if left:
        raise SystemExit(f"requests tried to leave the machine: {left}")
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
