"""The README's "Try it" section is run as written, so it cannot drift from the API.

The ```sh try-it block(s) of README.md run with bash (`set -euo pipefail`: every command's exit
status counts, and `curl --fail-with-body` makes an HTTP error one) against a live server on a
free port, and the replies they print tell the story the README tells: a credit sale of 60 with
a profit of 9, an udhaar paid 20 then settled to 0, and today's profit.
"""

import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.db.test_processes import ROOT
from tests.live_server import live_server

README_URL = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```sh try-it\n(.*?)^```", re.DOTALL | re.MULTILINE)


def try_it_script() -> str:
    blocks = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```sh try-it block"
    return "\n".join(blocks)


def run_against(base: str, script: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    assert README_URL in script, f"the try-it block should talk to {README_URL}"
    path = workdir / "try-it.sh"
    path.write_text(
        "set -euo pipefail\n"
        "trap 'echo \"README try-it failed (exit $?) at: $BASH_COMMAND\" >&2' ERR\n"
        + script.replace(README_URL, base),
        encoding="utf-8",
    )
    env = os.environ | {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run(
        ["bash", str(path)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def replies(stdout: str) -> list[Any]:
    """The JSON replies the block printed, one a line, money as exact decimals."""
    return [
        json.loads(line, parse_float=Decimal)
        for line in stdout.splitlines()
        if line.startswith(("{", "["))
    ]


@pytest.fixture
def live(database_url, tmp_path):
    with live_server(database_url, tmp_path / "data") as base:
        yield base


def test_the_readme_try_it_runs_as_written(live, tmp_path):
    result = run_against(live, try_it_script(), tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout

    product, sale, udhaar_list, payment, settled, entry, profit = replies(result.stdout)
    assert product["product_name"] == "Parle-G 100g" and product["quantity"] == 48
    assert sale["msg"] == "Sale recorded"
    assert (sale["total_amount"], sale["profit"]) == (60, 9)
    assert [(row["amount"], row["balance"]) for row in udhaar_list] == [(60, 60)]
    assert (payment["amount"], payment["party_balance"]) == (20, 40)
    assert settled == {"msg": "Sales udhaar marked as paid and removed."}
    assert (entry["status"], entry["amount_paid"], entry["balance"]) == ("settled", 60, 0)
    assert (profit["totals"]["sales"], profit["totals"]["profit"]) == (60, 9)
    assert profit["totals"]["bills"] == 1

    # The harness fails when a step does: run again on the same server, the README's phone is
    # taken, so registration answers 409 and the script stops there, naming the command.
    again = run_against(live, try_it_script(), tmp_path)
    assert again.returncode != 0
    assert "README try-it failed" in again.stderr and "api/auth/register" in again.stderr
    assert "409" in again.stderr
    assert replies(again.stdout) == []
