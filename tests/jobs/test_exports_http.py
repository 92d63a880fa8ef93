"""`POST /api/exports`: the owner asks for everything the shop owns, a worker writes the zip
into the database, and the owner downloads it, streamed chunk by chunk."""

import csv
import io
import json
import zipfile

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.archive.tables import EXPORTED
from app.jobs import repository
from app.jobs.runner import JobRunner
from tests.bills import sale
from tests.conftest import ShopSession, create_product
from tests.jobs.conftest import job
from tests.operations import add_login


async def _a_shop_with_books(client: httpx.AsyncClient, shop: ShopSession) -> None:
    products = [
        await create_product(client, shop, product_name=name, quantity=20)
        for name in ("=HYPERLINK chai", "Parle-G", "साबुन")
    ]
    sold = await sale(client, shop, [{"product_id": products[1]["product_id"], "quantity": 2}])
    assert sold.status_code == 201, sold.text


async def _exported(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner
) -> dict[str, object]:
    queued = await client.post("/api/exports", headers=shop.headers)
    assert queued.status_code == 202, queued.text
    assert await runner.run_until_idle() == 1
    return await job(client, shop, queued.headers["location"])


async def test_an_export_is_queued_made_by_the_worker_and_downloaded(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner
) -> None:
    await _a_shop_with_books(client, shop)

    queued = await client.post("/api/exports", headers=shop.headers)

    assert queued.status_code == 202, queued.text
    body = queued.json()
    location = f"/api/exports/{body['export_id']}"
    assert queued.headers["location"] == location
    assert (body["status"], body["download_url"], body["size"]) == ("queued", None, None)
    assert body["progress"] == {"rows_done": 0, "rows_estimated": len(EXPORTED)}
    early = await client.get(f"{location}/download", headers=shop.headers)
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "export_not_ready"

    assert await runner.run_until_idle() == 1

    done = await job(client, shop, location)
    assert done["status"] == "done", done
    assert done["download_url"] == f"{location}/download"
    assert done["progress"] == {"rows_done": len(EXPORTED), "rows_estimated": len(EXPORTED)}
    assert done["tables"]["products"] == 3
    assert done["tables"]["sales"] == 1
    assert done["tables"]["stock_movements"] == 4  # three openings and the sale
    assert done["expires_at"] > done["finished_at"]

    download = await client.get(done["download_url"], headers=shop.headers)

    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"] == f'attachment; filename="{done["file_name"]}"'
    assert len(download.content) == done["size"] == int(download.headers["content-length"])
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["shop"]["phone"] == shop.phone
        counts = {table["table"]: table["rows"] for table in manifest["tables"]}
        assert counts == done["tables"]
        assert manifest["schema_version"] == done["schema_version"]
        products = list(csv.DictReader(io.TextIOWrapper(archive.open("products.csv"), "utf-8")))
    assert sorted(product["name"] for product in products) == [
        "'=HYPERLINK chai",  # the formula guard
        "Parle-G",
        "साबुन",
    ]
    listed = await client.get("/api/exports", headers=shop.headers)
    assert [item["export_id"] for item in listed.json()] == [done["export_id"]]
    assert listed.json()[0]["download_url"] == done["download_url"]


async def test_a_zip_of_many_chunks_comes_back_whole(
    client: httpx.AsyncClient,
    shop: ShopSession,
    runner: JobRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored in 1 KB chunks, the zip is streamed back in order, byte for byte."""
    monkeypatch.setattr(repository, "CHUNK_BYTES", 1024)
    await _a_shop_with_books(client, shop)

    done = await _exported(client, shop, runner)
    download = await client.get(str(done["download_url"]), headers=shop.headers)

    assert isinstance(done["size"], int) and done["size"] > 5 * 1024
    assert len(download.content) == done["size"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert archive.testzip() is None
        assert "manifest.json" in archive.namelist()


async def test_staff_may_not_export(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner
) -> None:
    done = await _exported(client, shop, runner)
    staff, _ = await add_login(client, shop)
    location = f"/api/exports/{done['export_id']}"

    refused = [
        await client.post("/api/exports", headers=staff.headers),
        await client.get("/api/exports", headers=staff.headers),
        await client.get(location, headers=staff.headers),
        await client.get(f"{location}/download", headers=staff.headers),
    ]

    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    assert len((await client.get("/api/exports", headers=shop.headers)).json()) == 1


async def test_another_shops_export_is_not_found(
    client: httpx.AsyncClient, shop: ShopSession, other_shop: ShopSession, runner: JobRunner
) -> None:
    done = await _exported(client, shop, runner)
    location = f"/api/exports/{done['export_id']}"

    for path in (location, f"{location}/download"):
        response = await client.get(path, headers=other_shop.headers)
        assert response.status_code == 404, (path, response.text)
    assert (await client.get("/api/exports", headers=other_shop.headers)).json() == []


async def test_exports_are_deleted_a_week_after_they_were_made(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner
) -> None:
    old = await _exported(client, shop, runner)
    recent = await _exported(client, shop, runner)
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE data_jobs SET finished_at = now() - interval '8 days' WHERE id = :id"),
            {"id": old["export_id"]},
        )

    assert await runner.housekeep() == 1

    gone = await client.get(f"/api/exports/{old['export_id']}", headers=shop.headers)
    assert gone.status_code == 404
    listed = await client.get("/api/exports", headers=shop.headers)
    assert [item["export_id"] for item in listed.json()] == [recent["export_id"]]
    async with app.state.sessionmaker() as session:
        chunks = await session.scalar(
            text("SELECT count(*) FROM data_job_files WHERE job_id = :id"),
            {"id": old["export_id"]},
        )
    assert chunks == 0
