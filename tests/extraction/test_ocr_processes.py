"""Offline OCR runs in child processes of a live `dukaan serve`, not in the API process.

- After reading bills the API process stays under 200 MB and never maps ONNX Runtime; one OCR
  child holds it (each process's RSS is printed: `pytest -s`).
- While a bill is read, the API answers other requests at once.
- With OCR_PROCESSES=1, concurrent bills all succeed and at most one OCR child ever exists.
- A killed OCR child makes the read in flight a 503 (not retried: the image may be what killed
  it), and the next read gets a fresh child.
"""

import asyncio
import contextlib
import io
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psutil
from PIL import Image

from tests.bill_images import LAYOUTS, render
from tests.conftest import ShopSession, register_shop
from tests.live_server import live_process

MB = 1024 * 1024
API_RSS_LIMIT = 200 * MB


@contextlib.contextmanager
def _serving(database_url: str, data_dir: Path, **env: str) -> Iterator[tuple[psutil.Process, str]]:
    """A live `dukaan serve` (offline reading only): (its process, base URL)."""
    with live_process(database_url, data_dir, GEMINI_API_KEY="", **env) as (process, base):
        yield psutil.Process(process.pid), base


@contextlib.asynccontextmanager
async def _shop_client(base: str) -> AsyncIterator[tuple[httpx.AsyncClient, ShopSession]]:
    # Generous: the machine may be busy, and queued bills wait for one OCR process in turn.
    async with httpx.AsyncClient(base_url=base, timeout=180) as http:
        yield http, await register_shop(http)


def _maps_onnxruntime(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.NoSuchProcess):
        return any("onnxruntime" in region.path for region in process.memory_maps())
    return False


def _ocr_children(api: psutil.Process) -> list[psutil.Process]:
    """The API's descendants that have loaded ONNX Runtime: its OCR processes."""
    return [child for child in api.children(recursive=True) if _maps_onnxruntime(child)]


def _rss(process: psutil.Process) -> int:
    return int(process.memory_info().rss)


async def _extract(http: httpx.AsyncClient, shop: ShopSession, data: bytes) -> httpx.Response:
    return await http.post(
        "/api/extract-products",
        files={"image": ("bill.jpg", data, "image/jpeg")},
        headers=shop.headers,
    )


def _photo(layout_index: int = 0, height: int = 3000) -> bytes:
    """A drawn bill enlarged like a phone photo: a read that takes a while."""
    bill = Image.open(io.BytesIO(render(LAYOUTS[layout_index]))).convert("RGB")
    scale = height / bill.height
    photo = bill.resize((round(bill.width * scale), height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


async def _wait_until_busy(api: psutil.Process) -> psutil.Process:
    """The OCR child, once it is spending CPU on a read (models loaded or not)."""
    deadline = time.monotonic() + 20
    seen: dict[int, float] = {}
    while time.monotonic() < deadline:
        for child in _ocr_children(api):
            with contextlib.suppress(psutil.NoSuchProcess):
                used = sum(child.cpu_times()[:2])
                if child.pid in seen and used - seen[child.pid] > 0.02:
                    return child
                seen[child.pid] = used
        await asyncio.sleep(0.05)
    raise AssertionError("no OCR child started reading")


async def test_the_api_process_stays_small_and_never_loads_onnxruntime(database_url, tmp_path):
    with _serving(database_url, tmp_path) as (api, base):
        async with _shop_client(base) as (http, shop):
            rss_before = _rss(api)
            for layout in LAYOUTS:
                response = await _extract(http, shop, render(layout))
                assert response.status_code == 200, response.text
                assert response.json()["engine"] == "ocr"

            children = _ocr_children(api)
            rss_after = _rss(api)
            print(
                f"\n[ocr processes] API pid {api.pid}: RSS {rss_before / MB:.0f} MB before, "
                f"{rss_after / MB:.0f} MB after {len(LAYOUTS)} bills; "
                + ", ".join(f"OCR child {c.pid}: {_rss(c) / MB:.0f} MB" for c in children)
            )
            assert not _maps_onnxruntime(api)
            assert len(children) == 1
            assert rss_after < API_RSS_LIMIT


OCR_CHILD_IDLE_LIMIT = 250 * MB


async def _settled_rss(process: psutil.Process, *, below: int, within_s: float) -> int:
    """The process's RSS once it is under `below`, or after `within_s` seconds."""
    deadline = time.monotonic() + within_s
    for _ in range(round(within_s / 0.2)):
        rss = _rss(process)
        if rss < below or time.monotonic() > deadline:
            return rss
        await asyncio.sleep(0.2)
    return _rss(process)


async def test_an_idle_ocr_process_gives_its_read_memory_back(database_url, tmp_path):
    """Between reads in a burst the child keeps what it freed (the next read needs it); once
    idle it returns it to the OS: its RSS falls back near what the models alone take."""
    with _serving(database_url, tmp_path) as (api, base):
        async with _shop_client(base) as (http, shop):
            for layout_index in range(3):
                response = await _extract(http, shop, _photo(layout_index))
                assert response.status_code == 200, response.text
            (child,) = _ocr_children(api)
            right_after = _rss(child)
            idle = await _settled_rss(child, below=OCR_CHILD_IDLE_LIMIT, within_s=10)
            print(
                f"\n[ocr processes] OCR child {child.pid}: {right_after / MB:.0f} MB right after "
                f"3 photos, {idle / MB:.0f} MB once idle"
            )
            assert idle < OCR_CHILD_IDLE_LIMIT


async def test_the_api_answers_at_once_while_a_bill_is_read(database_url, tmp_path):
    with _serving(database_url, tmp_path) as (api, base):
        async with _shop_client(base) as (http, shop):
            reading = asyncio.create_task(_extract(http, shop, _photo()))
            await _wait_until_busy(api)

            started = time.monotonic()
            health = await http.get("/api/health")
            products = await http.get("/api/products/", headers=shop.headers)
            seconds = time.monotonic() - started

            assert (health.status_code, products.status_code) == (200, 200)
            assert not reading.done()  # the OCR child is still at it
            assert seconds < 0.5
            assert (await reading).status_code == 200


async def test_one_ocr_process_reads_concurrent_bills_in_turn(database_url, tmp_path):
    env = {"OCR_PROCESSES": "1", "EXTRACTION_OCR_CONCURRENCY": "3"}
    with _serving(database_url, tmp_path, **env) as (api, base):
        async with _shop_client(base) as (http, shop):
            peak = 0
            done = asyncio.Event()

            async def count_children() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, len(_ocr_children(api)))
                    await asyncio.sleep(0.1)

            counting = asyncio.create_task(count_children())
            bills = [render(LAYOUTS[i % len(LAYOUTS)]) for i in range(4)]
            responses = await asyncio.gather(*(_extract(http, shop, bill) for bill in bills))
            done.set()
            await counting

            assert [r.status_code for r in responses] == [200] * 4
            assert peak == 1
            assert len(_ocr_children(api)) == 1


async def test_a_killed_ocr_process_fails_the_read_in_flight_and_the_next_succeeds(
    database_url, tmp_path
):
    with _serving(database_url, tmp_path) as (api, base):
        async with _shop_client(base) as (http, shop):
            assert (await _extract(http, shop, render(LAYOUTS[0]))).status_code == 200

            reading = asyncio.create_task(_extract(http, shop, _photo()))
            child = await _wait_until_busy(api)
            child.send_signal(signal.SIGKILL)
            failed = await reading

            assert failed.status_code == 503, failed.text
            assert failed.json()["code"] == "provider_unavailable"
            again = await _extract(http, shop, render(LAYOUTS[1]))
            assert again.status_code == 200, again.text
            assert [c.pid for c in _ocr_children(api)] != [child.pid]
            assert len(_ocr_children(api)) == 1
