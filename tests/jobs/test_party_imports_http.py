"""Customers and vendors through `POST /api/imports` (`kind`): the same job, another
importer (`app.imports.parties`), its own headings; opening udhaar lands in the ledger."""

from decimal import Decimal
from pathlib import Path

import httpx

from app.jobs.runner import JobRunner
from tests.bills import exact
from tests.conftest import ShopSession
from tests.imports.catalogues import write_csv, write_xlsx
from tests.jobs.conftest import job, upload


async def _imported(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, path: Path, kind: str
) -> dict[str, object]:
    queued = await upload(client, shop, path, kind=kind)
    assert queued.status_code == 202, queued.text
    assert queued.json()["kind"] == kind
    assert await runner.run_until_idle() == 1
    return await job(client, shop, queued.headers["location"])


async def test_customers_with_their_udhaar_import_as_a_job(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "udhaar.csv",
        ["Customer Name", "Mobile No.", "Baki", "Date"],
        [
            ["Sunita Verma", "+91 98123 45678", "1,00,000.50", "15-10-2026"],
            ["Ramesh Kumar", "098123-45679", "2,500", "01-10-2026"],
            ["No Phone", "", "100", ""],
        ],
    )

    done = await _imported(client, shop, runner, path, "customers")

    assert done["status"] == "done", done
    assert done["counts"] == {"rows": 3, "created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    assert done["recorded"] == {"opening balances": 2}
    assert done["mapping"]["columns"]["opening_balance"] == "Baki"
    assert [(error["row"], error["column"]) for error in done["errors"]] == [(4, "Mobile No.")]
    customers = exact(await client.get("/api/customers/", headers=shop.headers))
    balances = {customer["customer_name"]: customer["balance"] for customer in customers}
    assert balances == {"Sunita Verma": Decimal("100000.50"), "Ramesh Kumar": 2500}

    again = await _imported(client, shop, runner, path, "customers")
    assert again["counts"]["unchanged"] == 2
    assert again["recorded"] == {}


async def test_vendors_with_hindi_headings_from_an_xlsx(
    client: httpx.AsyncClient, shop: ShopSession, runner: JobRunner, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "vendors.xlsx",
        ["नाम", "मोबाइल", "बकाया"],
        [["अग्रवाल ट्रेडर्स", 9876543210, 12500]],
    )

    done = await _imported(client, shop, runner, path, "vendors")

    assert done["status"] == "done", done
    assert done["counts"]["created"] == 1
    vendors = exact(await client.get("/api/vendors/", headers=shop.headers))
    assert [(v["vendor_name"], v["balance"]) for v in vendors] == [("अग्रवाल ट्रेडर्स", 12500)]


async def test_a_customer_list_without_phones_is_a_422_at_once(
    client: httpx.AsyncClient, shop: ShopSession, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "names.csv", ["Customer Name", "Baki"], [["Sunita", "10"]])

    response = await upload(client, shop, path, kind="customers")

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unusable_headings"
    assert response.json()["detail"].startswith("No column with the customer's phone")
