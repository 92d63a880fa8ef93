"""`make bench`'s import step: 10,000 catalogue rows through `import_products`, CSV and XLSX.

On a fresh database (embedded PostgreSQL in a temporary folder, as `benchmarks.run` starts
it, or fresh databases on `BENCH_DATABASE_URL`), migrated, with shops registered through the
API in this process. By default the database is new (no other shop's rows, no planner
statistics: the first shop of a new deployment, the slowest case);
`BENCH_IMPORT_OTHER_PRODUCTS=20000` makes it look like one in use instead (that many
products in four other shops, then ANALYZE: see `database_in_use`):

1. Files: `BENCH_IMPORT_ROWS` (10,000) varied product rows, written once as CSV (UTF-8 with
   BOM) and once as XLSX: headings mixed in English and Hindi (`Item Name`, `मात्रा`,
   `EAN-13`...), prices as shops type them (`1,250.00`, `₹ 45`, `Rs. 135/-`,
   `1,00,000.50`), unit spellings (`Pkt.`, `KG`, `बोरी`), about one name in six in Hindi,
   and about one row in a hundred bad (a negative price, an unknown unit, a barcode in
   scientific notation, an empty name, a name repeated).
2. Import: each file into its own fresh shop through `app.imports.products.import_products`,
   the function `dukaan import products` runs, in batches of `BATCH_ROWS`; seconds and
   rows/s per format, against the issue's 30 s for 10,000 rows. Then the CSV again into the
   same shop: every row unchanged (its seconds and rows/s).
3. Memory: the CSV and the XLSX import again in a child process each (a fresh shop, after a
   200-row import into another shop that pays what a process's first import costs once), at
   10,000 and at `BENCH_IMPORT_MEMORY_ROWS` (40,000) rows: the peak RSS during the import
   (sampled every 5 ms) less the RSS just before it. The file is streamed and rows are
   applied batch by batch; what grows with the file is only what finds a repeated row (each
   row's name key and barcode, about a quarter of a kilobyte), not the rows, nor the
   products created. The table shows the growth per extra row.

Alone: `python -m benchmarks.imports` (knobs BENCH_IMPORT_ROWS, BENCH_IMPORT_MEMORY_ROWS,
BENCH_IMPORT_MEMORY=0 to skip step 3, BENCH_IMPORT_OTHER_PRODUCTS, BENCH_DATABASE_URL with
BENCH_KEEP_DB=1). Figures go
to benchmarks/results/imports.json and are printed as a table.
"""

import asyncio
import codecs
import contextlib
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import openpyxl
import psutil

from benchmarks import database
from benchmarks.seed import BRANDS, ITEMS, SIZES, add_products, indian_mobiles

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 10_000))
MEMORY_ROWS = int(os.environ.get("BENCH_IMPORT_MEMORY_ROWS", 40_000))
MEMORY = os.environ.get("BENCH_IMPORT_MEMORY", "1") != "0"
WARM_UP_ROWS = 200
"""A memory run's first import, into another shop, before the measured one."""
OTHER_PRODUCTS = int(os.environ.get("BENCH_IMPORT_OTHER_PRODUCTS", 0))
OTHER_SHOPS = 4
TARGET_S = 30.0
"""The issue's target for 10,000 rows."""

CSV_HEADINGS = [
    "Item Name", "M.R.P.", "Cost Price", "मात्रा", "UOM", "EAN-13", "GST %", "HSN/SAC",
    "Min Stock", "Remarks",
]  # fmt: skip
XLSX_HEADINGS = [
    "नाम", "Sale Price", "खरीद मूल्य", "Opening Stock", "इकाई", "Bar Code", "Tax %", "HSN",
    "न्यूनतम स्टॉक", "Category",
]  # fmt: skip
HINDI_ITEMS = [
    "पारले-जी बिस्कुट", "तूर दाल", "चना दाल", "बासमती चावल", "सरसों का तेल", "देसी घी",
    "हल्दी पाउडर", "लाल मिर्च", "चीनी", "गेहूं आटा", "नमक", "चाय पत्ती", "मूंग दाल", "साबुन",
]  # fmt: skip
UNITS = ["pcs", "Pcs", "Nos", "Pkt.", "packet", "KG", "kg", "Kgs", "ltr", "Ltr.", "बोरी", "box"]
GST = ["0", "5", "5%", "18", "18 %", "40"]
BAD_EVERY = 100


# ---- the files ------------------------------------------------------------------------------


def _price_text(price: Decimal, rng: random.Random) -> str:
    """A price the way a shop types it: Indian grouping, rupee marks, `/-`."""
    whole = int(price)
    paise = f"{price:.2f}".split(".")[1]
    grouped = f"{whole:,}"
    if whole >= 100_000:  # 1,00,000: Indian grouping
        text = str(whole)
        head, tail = text[:-3], text[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        grouped = ",".join([head, *pairs, tail])
    style = rng.randrange(5)
    if style == 0:
        return f"₹ {grouped}"
    if style == 1:
        return f"Rs. {grouped}/-"
    if style == 2:
        return f"{grouped}.{paise}"
    return f"{price:.2f}"


def product_rows(count: int, rng: random.Random) -> Iterator[tuple[list[str], list[Any]]]:
    """(row as CSV text, row as XLSX cells) for `count` products, about 1 in 100 bad."""
    barcodes: set[int] = set()
    names: list[str] = []
    for index in range(count):
        if rng.random() < 0.16:
            name = f"{rng.choice(HINDI_ITEMS)} {rng.choice(SIZES)} न.{index}"
        else:
            name = f"{rng.choice(BRANDS)} {rng.choice(ITEMS)} {rng.choice(SIZES)} No.{index}"
        price = Decimal(rng.randrange(500, 250_000)) / 100
        if rng.random() < 0.002:
            price = Decimal(rng.randrange(100_000, 500_000)) + Decimal("0.50")  # 1,00,000.50
        cost = (price * Decimal(rng.randrange(70, 95)) / 100).quantize(Decimal("0.01"))
        quantity = rng.randrange(0, 500)
        unit = rng.choice(UNITS)
        barcode: int | None = None
        if rng.random() < 0.7:
            barcode = rng.randrange(8_900_000_000_000, 8_910_000_000_000)
            while barcode in barcodes:
                barcode += 1
            barcodes.add(barcode)
        gst = rng.choice(GST)
        hsn = (
            str(rng.choice([1905, 1006, 1507, 3401, 2501, 9023, 3306]))
            if rng.random() < 0.6
            else ""
        )
        reorder = str(rng.randrange(1, 20)) if rng.random() < 0.5 else ""
        note = rng.choice(["", "", "shelf 3", "godown", "फ्रिज"])
        price_text = _price_text(price, rng)
        barcode_text = str(barcode) if barcode else ""
        if index % BAD_EVERY == BAD_EVERY - 1:
            match (index // BAD_EVERY) % 5:
                case 0:
                    price_text = f"-{price}"
                case 1:
                    unit = "crate"
                case 2:
                    barcode_text = f"{Decimal(barcode or 8901234567890):.5E}"
                    barcode = None
                case 3:
                    name = ""
                case _:
                    name = rng.choice(names) if names else ""
        names.append(name)
        text = [
            name, price_text, f"{cost:.2f}", str(quantity), unit, barcode_text, gst, hsn, reorder,
            note,
        ]  # fmt: skip
        cells: list[Any] = list(text)
        if price_text == f"{price:.2f}":
            cells[1] = price  # a number cell
        cells[2] = cost
        cells[3] = quantity
        if barcode is not None:
            cells[5] = barcode
        yield text, cells


def write_files(folder: Path, count: int, seed: int = 2026) -> tuple[Path, Path]:
    """The same `count` rows as a CSV and an XLSX (written in streaming mode)."""
    csv_path, xlsx_path = folder / f"catalogue-{count}.csv", folder / f"catalogue-{count}.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Items")
    sheet.append(XLSX_HEADINGS)
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(codecs.BOM_UTF8.decode("utf-8"))
        writer = csv.writer(stream)
        writer.writerow(CSV_HEADINGS)
        for text, cells in product_rows(count, random.Random(seed)):
            writer.writerow(text)
            sheet.append(cells)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


# ---- the shop and the import ----------------------------------------------------------------


def _settings_env(url: str, data_dir: Path) -> None:
    os.environ |= {
        "DATABASE_URL": url,
        "DUKAAN_DATA_DIR": str(data_dir),
        "REGISTER_MAX_PER_HOUR": "0",
        "DISPATCHER": "off",
        "LOG_LEVEL": "WARNING",
    }
    from app.config import get_settings

    get_settings.cache_clear()


async def register_shops(count: int) -> list[tuple[str, int]]:
    """`count` shops registered through the API (in this process): (owner's phone, shop id)."""
    from app.main import create_app

    application = create_app()
    phones = indian_mobiles(count, random.Random(time.time_ns()))
    shops = []
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as http:
            for number, phone in enumerate(phones):
                response = await http.post(
                    "/api/auth/register",
                    json={
                        "shop_name": f"Import Bench {number + 1}",
                        "owner_name": "Bench Owner",
                        "phone_no": phone,
                        "password": "bench-pass-123",
                    },
                )
                response.raise_for_status()
                shops.append((phone, int(response.json()["shop"]["shop_id"])))
    return shops


async def database_in_use(url: str, shops: list[int]) -> int:
    """Other shops' catalogues (bulk SQL, `benchmarks.seed`), then ANALYZE, as autovacuum
    would have run in a database in use; returns the products written.

    A database created a minute ago has no statistics at all: the planner's first plans
    for the services' per-row lookups were then poor and stayed cached on the connection for
    the whole import (about 1.5x slower), until the import learnt to ANALYZE after its first
    batch (`app.imports.batches._refresh_statistics`); the default run measures that case."""
    rng = random.Random(99)
    connection = await asyncpg.connect(url)
    try:
        for shop_id in shops:
            await add_products(connection, shop_id, OTHER_PRODUCTS // len(shops), 50, rng)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return OTHER_PRODUCTS // len(shops) * len(shops)


@contextlib.asynccontextmanager
async def _sessions() -> AsyncIterator[Any]:
    from app.config import get_settings
    from app.db.session import create_engine, create_sessionmaker

    settings = get_settings()
    assert settings.db.url is not None
    engine = create_engine(settings.db.url, settings.db)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def import_file(path: Path, phone: str, *, rss_before: list[int] | None = None) -> Any:
    """`import_products` as the CLI calls it: the owner by phone, the file streamed."""
    from app.auth.service import owner_by_phone
    from app.config import get_settings
    from app.imports.products import import_products
    from app.imports.reading import open_sheet

    async with _sessions() as maker:
        async with maker() as session, session.begin():
            owner = await owner_by_phone(session, phone, get_settings().shop.region)
        with open_sheet(path) as sheet:
            if rss_before is not None:
                rss_before.append(psutil.Process().memory_info().rss)
            started = time.perf_counter()
            result = await import_products(maker, owner, sheet, source=path.name)
            elapsed = time.perf_counter() - started
    return result, elapsed


def _figures(result: Any, elapsed: float) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "failed": result.failed,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(result.rows / elapsed) if elapsed else None,
    }


# ---- memory, in a child process -------------------------------------------------------------


class _PeakRss:
    """The process's RSS, sampled every few milliseconds while the import runs: its peak.

    (`ru_maxrss` is the peak of the process's whole life, start-up included; this is the
    peak of the import alone.)
    """

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self.stop.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> "_PeakRss":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def memory_child(path: Path, phone: str, warm_up: Path, warm_up_phone: str) -> None:
    """Run in a fresh process: a small import into another shop first (what the first import
    of a process costs once: modules, compiled statements, the pool), then the measured one;
    its RSS growth as JSON on stdout."""
    asyncio.run(import_file(warm_up, warm_up_phone))
    rss_before: list[int] = []
    with _PeakRss() as sampled:
        result, elapsed = asyncio.run(import_file(path, phone, rss_before=rss_before))
    print(
        json.dumps(
            {
                "rows": result.rows,
                "seconds": round(elapsed, 2),
                "rss_before_mb": round(rss_before[0] / 2**20, 1),
                "peak_rss_mb": round(sampled.peak / 2**20, 1),
                "growth_mb": round((sampled.peak - rss_before[0]) / 2**20, 1),
                "life_peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
            }
        )
    )


def measure_memory(path: Path, phone: str, warm_up: Path, warm_up_phone: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.imports", "--memory-child"]
    done = subprocess.run(
        [*command, str(path), phone, str(warm_up), warm_up_phone],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory run failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# ---- the run ----------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench imports {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(url: str, data_dir: Path) -> dict[str, Any]:
    from app.db import migrate

    _settings_env(url, data_dir)
    say("migrating")
    migrate.upgrade(url)
    memory_runs = [(kind, rows) for rows in (ROWS, MEMORY_ROWS) for kind in ("csv", "xlsx")]
    shops = asyncio.run(register_shops(2 + OTHER_SHOPS + (2 * len(memory_runs) if MEMORY else 0)))
    phones = [phone for phone, _ in shops]
    figures: dict[str, Any] = {"rows": ROWS, "target_s": TARGET_S, "other_products": 0}
    if OTHER_PRODUCTS:
        say(f"other shops' catalogues: {OTHER_PRODUCTS:,} products in {OTHER_SHOPS} shops")
        others = [shop_id for _, shop_id in shops[-OTHER_SHOPS:]]
        figures["other_products"] = asyncio.run(database_in_use(url, others))

    started = time.perf_counter()
    csv_path, xlsx_path = write_files(data_dir, ROWS)
    figures["files"] = {
        "written_s": round(time.perf_counter() - started, 1),
        "csv_bytes": csv_path.stat().st_size,
        "xlsx_bytes": xlsx_path.stat().st_size,
    }
    for kind, path, phone in (("csv", csv_path, phones[0]), ("xlsx", xlsx_path, phones[1])):
        say(f"importing {ROWS:,} rows from {kind.upper()} into a fresh shop")
        result, elapsed = asyncio.run(import_file(path, phone))
        figures[kind] = _figures(result, elapsed)
        figures[kind]["first_errors"] = [str(error) for error in result.errors[:5]]
    say("importing the CSV again into its shop (every good row unchanged)")
    result, elapsed = asyncio.run(import_file(csv_path, phones[0]))
    figures["csv_again"] = _figures(result, elapsed)

    if MEMORY:
        files = {ROWS: (csv_path, xlsx_path)}
        if MEMORY_ROWS != ROWS:
            files[MEMORY_ROWS] = write_files(data_dir, MEMORY_ROWS, seed=4040)
        figures["memory"] = []
        warm_ups = write_files(data_dir, WARM_UP_ROWS, seed=7)
        for number, (kind, rows) in enumerate(memory_runs):
            say(f"memory: {rows:,} rows from {kind.upper()} in a child process")
            index = 0 if kind == "csv" else 1
            phone, warm_up_phone = phones[2 + 2 * number], phones[3 + 2 * number]
            figures["memory"].append(
                {"kind": kind}
                | measure_memory(files[rows][index], phone, warm_ups[index], warm_up_phone)
            )
    return figures


def table(figures: dict[str, Any]) -> str:
    rows = figures["rows"]
    lines = [
        f"  Import of {rows:,} product rows (import_products, as `dukaan import products`), "
        f"each file into a fresh shop; {figures['other_products']:,} products of other shops"
    ]
    for key, label in (
        ("csv", "CSV, fresh shop"),
        ("xlsx", "XLSX, fresh shop"),
        ("csv_again", "CSV again, unchanged"),
    ):
        f = figures[key]
        met = "met" if f["seconds"] <= figures["target_s"] * rows / 10_000 else "MISSED"
        lines.append(
            f"  {label:<24} {f['seconds']:>7.2f} s  {f['rows_per_s']:>6} rows/s  "
            f"created {f['created']:>6}, updated {f['updated']}, unchanged {f['unchanged']:>6}, "
            f"failed {f['failed']}"
            + (f"   (target <= {figures['target_s'] * rows / 10_000:.0f} s: {met})")
        )
    for kind in ("csv", "xlsx"):
        for error in figures[kind]["first_errors"][:2]:
            lines.append(f"    e.g. {kind} {error}")
    runs = figures.get("memory", [])
    for run in runs:
        lines.append(
            f"  memory {run['kind'].upper():<4} {run['rows']:>6,} rows: peak RSS "
            f"{run['peak_rss_mb']:>6.1f} MB, growth during the import {run['growth_mb']:>5.1f} MB "
            f"({run['seconds']:.1f} s)"
        )
    small = [run for run in runs if run["rows"] == min(r["rows"] for r in runs)]
    large = [run for run in runs if run["rows"] == max(r["rows"] for r in runs)]
    for low, high in zip(small, large, strict=False):
        if high["rows"] > low["rows"]:
            per_row = (high["growth_mb"] - low["growth_mb"]) * 2**20 / (high["rows"] - low["rows"])
            lines.append(
                f"    {low['kind'].upper()}: {per_row:.0f} bytes of RSS per extra row "
                f"({low['rows']:,} -> {high['rows']:,} rows)"
            )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--memory-child":
        memory_child(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), sys.argv[5])
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dukaan-bench-imports-") as tmp:
        data_dir = Path(tmp)
        say("starting PostgreSQL")
        with database.provision(data_dir) as db:
            figures = measure(db.app_url, data_dir)
    figures["total_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "imports.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(table(figures))
    print(f"\n  figures: benchmarks/results/imports.json; whole run {figures['total_seconds']} s")


if __name__ == "__main__":
    main()
