"""What is not a usable bill photo is refused early, by its bytes, with nothing stored.

Each refusal is checked for its status and code, for leaving the shop's rows untouched, and -
for the large ones - for being decided before the payload is read or decoded: a 1 GB stream is
cut off after ~10 MB, and a 30,000 x 30,000 PNG is refused from its header with the process's
memory barely moving.
"""

import io
import os
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from PIL import Image

from app.extraction.images import heif_supported
from tests.bills import counts, scalar
from tests.conftest import make_settings
from tests.fakes.gemini import offline_settings

MB = 1024 * 1024
QUICK_SECONDS = 5  # a guard against decoding or buffering, not a benchmark


@pytest.fixture
def settings(database_url, tmp_path):
    configured = make_settings(database_url, tmp_path)
    configured.extraction = offline_settings()
    return configured


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def peak_memory_growth() -> Iterator[list[int]]:
    """Samples the process's resident memory every 5 ms; yields [peak growth in bytes]."""
    baseline, peak, done = _rss(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss() - baseline)
            done.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def huge_png(side: int = 30_000) -> bytes:
    """A real, valid 1-bit PNG of side x side pixels: ~110 KB on disk, 900 MP decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row * 1000) for _ in range(side // 1000))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _image(kind: str, size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, kind)
    return buffer.getvalue()


async def _post(client, shop, data: bytes, name: str, content_type: str = "image/jpeg"):
    return await client.post(
        "/api/extract-products",
        files={"image": (name, data, content_type)},
        headers=shop.headers,
    )


async def _stored(app, shop_id: int) -> dict[str, int]:
    stored = await counts(app, shop_id)
    stored["purchase_drafts"] = await scalar(
        app, "SELECT count(*) FROM purchase_drafts WHERE shop_id = :s", s=shop_id
    )
    return stored


REFUSALS = [
    ("pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "bill.pdf"),
    ("text_named_jpg", b"Agarwal Traders\nTata Salt 1kg  20  22.50  450.00\n", "bill.jpg"),
    ("truncated_jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 200, "bill.jpg"),
    ("heic_without_pillow_heif", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1", "a.heic"),
]


@pytest.mark.parametrize(("case", "data", "name"), REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_a_file_that_is_not_an_image_we_read_is_a_415(client, app, shop, case, data, name):
    if case == "heic_without_pillow_heif" and heif_supported():
        pytest.skip("pillow-heif is installed: HEIC is accepted")
    before = await _stored(app, shop.shop_id)

    response = await _post(client, shop, data, name)

    assert response.status_code == 415, response.text
    assert response.json()["code"] == "unsupported_media_type"
    assert "JPEG, PNG or WebP" in response.json()["detail"] or case == "truncated_jpeg"
    assert await _stored(app, shop.shop_id) == before


async def test_an_empty_file_is_a_422_on_the_image_field(client, app, shop):
    before = await _stored(app, shop.shop_id)

    response = await _post(client, shop, b"", "empty.jpg")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["loc"] == ["body", "image"]
    assert await _stored(app, shop.shop_id) == before


async def test_an_11_mb_file_is_a_413_from_its_declared_length(client, app, shop):
    before = await _stored(app, shop.shop_id)

    started = time.monotonic()
    response = await _post(client, shop, b"\xff\xd8\xff" + bytes(11 * MB), "big.jpg")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert time.monotonic() - started < QUICK_SECONDS
    assert await _stored(app, shop.shop_id) == before


async def test_one_byte_over_10_mb_is_a_413_while_the_file_is_read(client, app, shop):
    response = await _post(client, shop, b"\xff\xd8\xff" + bytes(10 * MB - 2), "big.jpg")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "10485760 bytes" in response.json()["detail"]


async def test_a_1_gb_stream_without_a_length_is_cut_off_after_about_10_mb(client, app, shop):
    boundary = "bill-photo-boundary"
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
            f'filename="endless.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        for _ in range(1024):
            sent += 1
            yield b"\xff\xd8\xff" + bytes(MB - 3)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await client.post(
        "/api/extract-products",
        content=body(),
        headers={**shop.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert sent <= 12  # of 1,024 MB offered


async def test_a_30000_by_30000_png_is_refused_from_its_header(client, app, shop):
    bomb = huge_png()
    assert len(bomb) < MB
    before = await _stored(app, shop.shop_id)

    started = time.monotonic()
    with peak_memory_growth() as growth:
        response = await _post(client, shop, bomb, "bomb.png", "image/png")

    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"
    assert time.monotonic() - started < QUICK_SECONDS
    assert growth[0] < 64 * MB  # decoding it would take 112 MB at 1 bit per pixel, 900 MB as L
    assert await _stored(app, shop.shop_id) == before


async def test_a_webp_photo_is_accepted(client, shop):
    response = await _post(client, shop, _image("WEBP"), "bill.webp", "image/webp")

    assert response.status_code == 200, response.text
    assert response.json()["products"] == []


async def test_the_content_type_header_is_not_trusted(client, shop):
    response = await _post(client, shop, _image("PNG"), "bill.pdf", "application/pdf")

    assert response.status_code == 200, response.text


async def test_an_anonymous_upload_is_a_401(client):
    response = await client.post(
        "/api/extract-products", files={"image": ("bill.png", _image("PNG"), "image/png")}
    )

    assert response.status_code == 401


async def test_drafts_refuse_the_same_files_and_store_nothing(client, app, shop):
    before = await _stored(app, shop.shop_id)

    response = await client.post(
        "/api/purchases/drafts",
        files={"image": ("bill.pdf", REFUSALS[0][1], "application/pdf")},
        headers=shop.headers,
    )

    assert response.status_code == 415
    assert await _stored(app, shop.shop_id) == before
