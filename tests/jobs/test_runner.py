"""The job runner as workers run it: a job is claimed by one runner at a time, a job whose
runner died is taken again after its lease, a runner that lost its lease writes nothing
over the next one's result, and a job that keeps killing its runners is given up."""

import asyncio
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from app.jobs.runner import JobRunner
from tests.conftest import ShopSession
from tests.imports.catalogues import catalogue, write_csv
from tests.jobs.conftest import job, new_runner, upload


async def _queued(client: httpx.AsyncClient, shop: ShopSession, folder: Path) -> str:
    response = await upload(client, shop, catalogue(folder, "csv"))
    assert response.status_code == 202, response.text
    location: str = response.headers["location"]
    return location


async def _expire_leases(app: FastAPI) -> None:
    """As if the lease's seconds had passed (the runner holding it died)."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            text("UPDATE data_jobs SET leased_until = now() - interval '1 second'")
        )


async def _products(client: httpx.AsyncClient, shop: ShopSession) -> list[dict[str, Any]]:
    response = await client.get("/api/products/", headers=shop.headers)
    products: list[dict[str, Any]] = response.json()
    return products


async def test_two_runners_claim_a_job_once(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    await _queued(client, shop, tmp_path)
    first, second = new_runner(app), new_runner(app)

    claimed = await asyncio.gather(first.claim(), second.claim(), first.claim(), second.claim())

    assert sum(job is not None for job in claimed) == 1


async def test_two_workers_run_each_of_their_shops_jobs_exactly_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    shop: ShopSession,
    other_shop: ShopSession,
    tmp_path: Path,
) -> None:
    locations = []
    for owner, folder in ((shop, "a"), (shop, "b"), (other_shop, "c")):
        (tmp_path / folder).mkdir()
        locations.append((owner, await _queued(client, owner, tmp_path / folder)))

    ran = await asyncio.gather(new_runner(app).run_until_idle(), new_runner(app).run_until_idle())

    assert sum(ran) == 3
    outcomes = []
    for owner, location in locations:
        body = await job(client, owner, location)
        counts = body["counts"]
        outcomes.append((body["status"], counts["created"], counts["unchanged"]))
    # The second file of shop A finds the first's products: no job ran twice.
    assert sorted(outcomes) == [("done", 0, 3), ("done", 3, 0), ("done", 3, 0)]
    assert len(await _products(client, shop)) == len(await _products(client, other_shop)) == 3


async def test_a_job_whose_runner_died_is_taken_again_after_its_lease(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    location = await _queued(client, shop, tmp_path)
    dead = await new_runner(app).claim()  # claimed, then its runner died
    assert dead is not None
    other = new_runner(app)

    assert await other.run_once() is False  # leased: nobody else may take it
    await _expire_leases(app)
    assert await other.run_once() is True

    body = await job(client, shop, location)
    assert body["status"] == "done"
    assert body["counts"]["created"] == 3
    async with app.state.sessionmaker() as session:
        attempts = await session.scalar(text("SELECT attempts FROM data_jobs"))
    assert attempts == 2


async def test_a_runner_that_lost_its_lease_does_not_overwrite_the_result(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    location = await _queued(client, shop, tmp_path)
    slow = new_runner(app)
    claimed = await slow.claim()
    assert claimed is not None
    await _expire_leases(app)
    assert await new_runner(app).run_once() is True
    finished = await job(client, shop, location)

    await slow.run(claimed)  # wakes up late, after the other runner finished the job

    assert await job(client, shop, location) == finished
    assert finished["counts"]["created"] == 3


async def test_a_job_that_keeps_stopping_its_runners_is_given_up(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    location = await _queued(client, shop, tmp_path)
    for _ in range(app.state.settings.jobs.max_attempts):
        assert await new_runner(app).claim() is not None  # each runner dies holding it
        await _expire_leases(app)

    assert await runner.run_once() is True

    body = await job(client, shop, location)
    assert body["status"] == "failed"
    assert body["error"].startswith("Gave up after 3 attempts")
    assert await _products(client, shop) == []


async def test_the_worker_loop_runs_jobs_until_stopped(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    stop = asyncio.Event()
    loop = asyncio.create_task(runner.run_forever(stop))
    try:
        location = await _queued(client, shop, tmp_path)
        for _ in range(100):
            body = await job(client, shop, location)
            if body["status"] == "done":
                break
            await asyncio.sleep(0.1)
        assert body["status"] == "done", body
    finally:
        stop.set()
        await asyncio.wait_for(loop, 10)
    assert len(await _products(client, shop)) == 3


async def test_progress_is_written_while_a_job_runs(
    app: FastAPI, client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    """A slow import: its heartbeat records the rows read before the job is done."""
    rows = [[f"Namkeen {n}", "10"] for n in range(300)]
    path = write_csv(tmp_path / "many.csv", ["Item Name", "MRP"], rows)
    queued = await upload(client, shop, path)
    location = queued.headers["location"]
    runner = JobRunner(app.state.engine, app.state.settings, heartbeat_s=0.05)
    running = asyncio.create_task(runner.run_until_idle())
    seen: list[tuple[str, int]] = []
    while not running.done():
        body = await job(client, shop, location)
        seen.append((body["status"], body["progress"]["rows_done"]))
        await asyncio.sleep(0.02)
    await running

    assert any(status == "running" and 0 < done < 300 for status, done in seen), seen
    final = await job(client, shop, location)
    assert final["progress"] == {"rows_done": 300, "rows_estimated": 300}
