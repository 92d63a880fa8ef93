"""`POST /api/imports`: a shop's owner uploads a catalogue, a worker imports it, the job tells
how it went; a file that can never be imported is refused at once with the reason."""

import asyncio
import codecs
import io
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from fastapi import FastAPI

from app.config import MessagingSettings
from app.jobs.runner import JobRunner
from app.main import create_app
from tests.bills import exact
from tests.conftest import ShopSession, make_settings, register_shop
from tests.imports.catalogues import catalogue, write_csv
from tests.jobs.conftest import UPLOAD_LIMIT, job, upload
from tests.operations import add_login

EXPECTED_ERRORS = [
    {"row": 5, "column": "MRP", "reason": "Selling price cannot be negative ('-275')"},
    {
        "row": 6,
        "column": "Unit",
        "reason": "unknown unit 'crate' (use one of: pcs, kg, g, l, ml, pack, box, dozen, m, "
        "bottle, bag)",
    },
    {
        "row": 7,
        "column": "Barcode",
        "reason": "barcode 8901719101038 is already on row 2 of this file",
    },
]
CATALOGUE = {"पारले-जी बिस्कुट 100g", "India Gate Basmati 25kg", "tata SALT 1kg"}


async def _products(client: httpx.AsyncClient, shop: ShopSession) -> dict[str, dict[str, Any]]:
    response = await client.get("/api/products/", params={"limit": 100}, headers=shop.headers)
    assert response.status_code == 200, response.text
    return {product["product_name"]: product for product in exact(response)}


def _counts(body: dict[str, Any]) -> tuple[int, int, int, int, int]:
    counts = body["counts"]
    return (
        counts["rows"],
        counts["created"],
        counts["updated"],
        counts["unchanged"],
        counts["failed"],
    )


async def _imported(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, path: Path, **form: Any
) -> dict[str, Any]:
    """Upload, let the worker run, and the job as the owner then sees it."""
    queued = await upload(client, shop, path, **form)
    assert queued.status_code == 202, queued.text
    assert await runner.run_until_idle() == 1
    return await job(client, shop, queued.headers["location"])


async def test_a_csv_is_queued_then_imported_by_the_worker(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    path = catalogue(tmp_path, "csv")
    queued = await upload(client, shop, path)

    assert queued.status_code == 202, queued.text
    body = queued.json()
    assert queued.headers["location"] == f"/api/imports/{body['import_id']}"
    assert (body["status"], body["kind"], body["file_name"]) == ("queued", "products", path.name)
    assert body["file_size"] == path.stat().st_size
    assert body["progress"] == {"rows_done": 0, "rows_estimated": 7}
    assert (body["counts"], body["mapping"], body["errors"]) == (None, None, [])
    assert await _products(client, shop) == {}  # the request only queued it

    assert await runner.run_until_idle() == 1

    done = await job(client, shop, queued.headers["location"])
    assert done["status"] == "done"
    assert _counts(done) == (6, 3, 0, 0, 3)
    assert done["errors"] == EXPECTED_ERRORS
    assert done["errors_total"] == 3
    assert done["written"] is True
    assert done["progress"] == {"rows_done": 6, "rows_estimated": 7}
    assert done["mapping"]["columns"]["quantity"] == "मात्रा"
    assert done["mapping"]["columns"]["price_sale"] == "MRP"
    assert done["started_at"] <= done["finished_at"]
    products = await _products(client, shop)
    assert set(products) == CATALOGUE
    parle = products["पारले-जी बिस्कुट 100g"]
    assert (parle["price_sale"], parle["quantity"], parle["unit"]) == (10, 100, "pack")
    assert parle["barcode"] == "8901719101038"
    movements = await client.get(
        f"/api/products/{parle['product_id']}/movements", headers=shop.headers
    )
    assert [(m["reason"], m["quantity"]) for m in exact(movements)] == [("opening", 100)]


async def test_an_xlsx_with_other_headings_and_indian_numbers(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Product", "Sale Price", "Cost Price", "Qty", "Reorder Level", "GST Rate"])
    sheet.append(["Godrej Almirah", "1,00,000.50", "85,000", "2", "1", "18"])
    sheet.append(["Steel Bucket 15L", 450, 380.5, 12, 3, 18])
    sheet.append(["नमकीन मिक्सचर 200g", "₹ 55", "40", "1,200", "", "5%"])
    path = tmp_path / "stock list.xlsx"
    workbook.save(path)

    done = await _imported(client, shop, runner, path)

    assert done["status"] == "done", done
    assert _counts(done) == (3, 3, 0, 0, 0), done["errors"]
    assert done["mapping"]["columns"] == {
        "product_name": "Product",
        "price_sale": "Sale Price",
        "price_purchase": "Cost Price",
        "quantity": "Qty",
        "reorder_level": "Reorder Level",
        "gst_rate": "GST Rate",
    }
    products = await _products(client, shop)
    almirah = products["Godrej Almirah"]
    assert (almirah["price_sale"], almirah["price_purchase"]) == (
        Decimal("100000.50"),
        85000,
    )
    assert (almirah["quantity"], almirah["reorder_level"], almirah["gst_rate"]) == (2, 1, 18)
    assert products["Steel Bucket 15L"]["price_purchase"] == Decimal("380.5")
    assert products["नमकीन मिक्सचर 200g"]["quantity"] == 1200


async def test_a_dry_run_counts_every_row_and_writes_nothing(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    done = await _imported(client, shop, runner, catalogue(tmp_path, "xlsx"), dry_run=True)

    assert (done["status"], done["dry_run"], done["written"]) == ("done", True, False)
    assert _counts(done) == (6, 3, 0, 0, 3)
    assert done["errors"] == EXPECTED_ERRORS
    assert await _products(client, shop) == {}


async def test_all_or_nothing_with_a_bad_row_writes_nothing(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    done = await _imported(client, shop, runner, catalogue(tmp_path, "csv"), all_or_nothing=True)

    assert (done["status"], done["all_or_nothing"], done["written"]) == ("done", True, False)
    assert done["counts"]["failed"] == 3
    assert await _products(client, shop) == {}


async def test_the_same_file_again_creates_no_duplicates(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    path = catalogue(tmp_path, "csv")
    first = await _imported(client, shop, runner, path)
    products = await _products(client, shop)

    again = await _imported(client, shop, runner, path)

    assert _counts(first) == (6, 3, 0, 0, 3)
    assert _counts(again) == (6, 0, 0, 3, 3)
    assert again["import_id"] != first["import_id"]
    assert await _products(client, shop) == products
    listed = await client.get("/api/imports", headers=shop.headers)
    assert listed.status_code == 200, listed.text
    assert [item["import_id"] for item in listed.json()] == [
        again["import_id"],
        first["import_id"],
    ]
    assert listed.headers["x-total-count"] == "2"
    assert "errors" not in listed.json()[0]  # the list is a summary; GET one for its errors


async def test_a_file_that_fails_while_its_rows_are_read_fails_the_job_with_the_reason(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    """The request reads only the headings; a cell of 10,001 characters further down is
    found by the worker, and the job says where."""
    path = write_csv(
        tmp_path / "long.csv", ["Item Name", "MRP"], [["Chai", "10"], ["x" * 10_001, "5"]]
    )

    done = await _imported(client, shop, runner, path)

    assert done["status"] == "failed"
    assert (
        done["error"] == "Row 3, column 'Item Name': a cell of 10,001 characters (at most 10,000)"
    )
    assert "Traceback" not in done["error"]
    assert done["counts"] is None


# ---- refused at once ------------------------------------------------------------------------


async def _refused(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    detail: str = body["detail"]
    return detail


async def _no_jobs(client: httpx.AsyncClient, shop: ShopSession) -> None:
    listed = await client.get("/api/imports", headers=shop.headers)
    assert listed.json() == []


async def test_a_file_over_the_limit_is_a_413(client: httpx.AsyncClient, shop: ShopSession) -> None:
    rows = "".join(f"Item {n},10\n" for n in range(10_000))
    content = ("Item Name,MRP\n" + rows).encode()
    assert UPLOAD_LIMIT < len(content) < 2 * UPLOAD_LIMIT

    detail = await _refused(
        await upload(client, shop, content=content, name="big.csv"), 413, "file_too_large"
    )

    assert detail == f"big.csv is larger than {UPLOAD_LIMIT:,} bytes; split it into smaller files"
    # Far over it, the body is cut off before it is read at all.
    huge = await upload(client, shop, content=content * 4, name="huge.csv")
    assert huge.status_code == 413
    await _no_jobs(client, shop)


def _zip_bomb() -> bytes:
    """A tiny workbook whose zip directory says its sheet unpacks to 4 GB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 1000)
    data = bytearray(buffer.getvalue())
    entry = data.rfind(b"PK\x01\x02")  # the sheet's central directory record
    struct.pack_into("<I", data, entry + 24, 0xFFFF_FFF0)  # its uncompressed size
    return bytes(data)


async def test_a_zip_bomb_is_a_422(client: httpx.AsyncClient, shop: ShopSession) -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 1000

    detail = await _refused(
        await upload(client, shop, content=bomb, name="catalogue.xlsx"), 422, "unreadable_file"
    )

    assert (
        detail
        == "catalogue.xlsx would unpack to 4,294,967,291 bytes (at most 536,870,912): refused"
    )
    await _no_jobs(client, shop)


async def test_a_binary_file_is_a_422(client: httpx.AsyncClient, shop: ShopSession) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

    detail = await _refused(
        await upload(client, shop, content=png, name="photo.csv"), 422, "unreadable_file"
    )

    assert detail == "photo.csv is a PNG image, not a spreadsheet"


async def test_text_in_an_unknown_encoding_is_a_422(
    client: httpx.AsyncClient, shop: ShopSession
) -> None:
    garbled = b"Item Name,MRP\nChai,10\n" + b"\x81\x8d\x8f\x90\x9d\n"

    detail = await _refused(
        await upload(client, shop, content=garbled, name="old.csv"), 422, "unreadable_file"
    )

    assert "is not text in UTF-8, UTF-16 or Windows-1252" in detail


async def test_headings_that_name_no_product_are_a_422(
    client: httpx.AsyncClient, shop: ShopSession
) -> None:
    content = codecs.BOM_UTF8 + b"Foo,Bar\n1,2\n"

    response = await upload(client, shop, content=content, name="what.csv")

    detail = await _refused(response, 422, "unusable_headings")
    assert detail.startswith("No column with the product's name")
    assert response.json()["errors"][0]["loc"] == ["body", "file"]
    await _no_jobs(client, shop)


async def test_an_empty_file_and_a_missing_file_are_422s(
    client: httpx.AsyncClient, shop: ShopSession
) -> None:
    empty = await upload(client, shop, content=b"", name="empty.csv")
    assert await _refused(empty, 422, "unreadable_file") == "empty.csv is empty"

    missing = await client.post("/api/imports", data={"kind": "products"}, headers=shop.headers)
    await _refused(missing, 422, "validation_error")
    assert [error["loc"] for error in missing.json()["errors"]] == [["body", "file"]]

    unknown_kind = await upload(client, shop, content=b"Item,MRP\nA,1\n", kind="books")
    await _refused(unknown_kind, 422, "validation_error")
    await _no_jobs(client, shop)


async def test_a_file_name_with_folders_is_kept_as_its_last_part(
    client: httpx.AsyncClient, shop: ShopSession
) -> None:
    response = await upload(client, shop, content=b"Item,MRP\nA,1\n", name="../../stock/list.csv")

    assert response.status_code == 202, response.text
    assert response.json()["file_name"] == "list.csv"


async def test_a_long_hindi_file_name_is_shortened_to_what_a_disk_takes(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner
) -> None:
    name = "दुकान का पूरा सामान " * 20 + ".csv"  # 1,000+ bytes of UTF-8

    response = await upload(client, shop, content=b"Item,MRP\nA,1\n", name=name)

    assert response.status_code == 202, response.text
    kept = response.json()["file_name"]
    assert kept.endswith(".csv") and name.startswith(kept[:-4])
    assert len(kept.encode()) <= 200
    assert await runner.run_until_idle() == 1
    done = await job(client, shop, response.headers["location"])
    assert done["status"] == "done", done


# ---- who may --------------------------------------------------------------------------------


async def test_staff_may_not_import_nor_read_imports(
    client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    queued = await upload(client, shop, catalogue(tmp_path, "csv"))
    staff, _ = await add_login(client, shop)

    refused = [
        await upload(client, staff, catalogue(tmp_path, "csv")),
        await client.get("/api/imports", headers=staff.headers),
        await client.get(queued.headers["location"], headers=staff.headers),
    ]

    assert [response.status_code for response in refused] == [403, 403, 403]
    assert {response.json()["code"] for response in refused} == {"forbidden"}
    listed = await client.get("/api/imports", headers=shop.headers)
    assert len(listed.json()) == 1


async def test_another_shops_import_is_not_found(
    client: httpx.AsyncClient,
    shop: ShopSession,
    other_shop: ShopSession,
    runner: JobRunner,
    tmp_path: Path,
) -> None:
    queued = await upload(client, shop, catalogue(tmp_path, "csv"))
    await runner.run_until_idle()

    theirs = await client.get(queued.headers["location"], headers=other_shop.headers)
    listed = await client.get("/api/imports", headers=other_shop.headers)

    assert theirs.status_code == 404, theirs.text
    assert theirs.json()["code"] == "not_found"
    assert listed.json() == []
    assert await _products(client, other_shop) == {}


async def test_an_export_is_not_an_import(client: httpx.AsyncClient, shop: ShopSession) -> None:
    export = await client.post("/api/exports", headers=shop.headers)

    response = await client.get(f"/api/imports/{export.json()['export_id']}", headers=shop.headers)

    assert response.status_code == 404


async def test_a_retried_upload_with_its_key_queues_one_job(
    client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    path = catalogue(tmp_path, "csv")
    key = {"Idempotency-Key": "upload-1"} | shop.headers
    files = {"file": (path.name, path.read_bytes(), "text/csv")}

    first = await client.post("/api/imports", files=files, headers=key)
    again = await client.post("/api/imports", files=files, headers=key)

    assert first.status_code == again.status_code == 202
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    listed = await client.get("/api/imports", headers=shop.headers)
    assert len(listed.json()) == 1


async def test_the_api_runs_jobs_itself_when_the_dispatcher_is_inline(
    database_url: str, tmp_path: Path
) -> None:
    """`DISPATCHER=inline`: the API process's own job loop imports the upload."""
    settings = make_settings(
        database_url, tmp_path, messaging=MessagingSettings(DISPATCHER="inline")
    )
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as http:
            shop = await register_shop(http)
            queued = await upload(http, shop, catalogue(tmp_path, "csv"))
            assert queued.status_code == 202, queued.text
            for _ in range(100):
                body = await job(http, shop, queued.headers["location"])
                if body["status"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.1)
            assert body["status"] == "done", body
            assert set(await _products(http, shop)) == CATALOGUE
