"""Write the corpus out to look at: `python -m tests.bill_corpus [--family F] [--count N]
[--out DIR]` - an image and a `<index>.truth.json` per bill under DIR/<family>/."""

import argparse
import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.bill_corpus import FAMILIES, bills, per_family


def _truth(bill: Any) -> dict[str, Any]:
    return {
        "family": bill.family,
        "index": bill.index,
        "conditions": bill.conditions,
        "expected": [
            {
                key: (str(value) if value is not None and key != "product" else value)
                for key, value in asdict(expected).items()
            }
            for expected in bill.expected
        ],
        "gemini_answer": bill.gemini_answer,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", choices=FAMILIES, action="append")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bill_corpus")
    args = parser.parse_args()
    count = args.count or per_family()
    total_bills, started = 0, time.perf_counter()
    for family in args.family or FAMILIES:
        folder = args.out / family
        folder.mkdir(parents=True, exist_ok=True)
        family_started = time.perf_counter()
        for bill in bills(family, count):
            suffix = "jpg" if bill.content_type == "image/jpeg" else "png"
            (folder / f"{bill.index:03d}.{suffix}").write_bytes(bill.image)
            truth = json.dumps(_truth(bill), indent=1, ensure_ascii=False)
            (folder / f"{bill.index:03d}.truth.json").write_text(truth + "\n")
        seconds = time.perf_counter() - family_started
        total_bills += count
        print(f"{family:32} {count:3} bills  {seconds / count:.3f} s/bill  -> {folder}")
    elapsed = time.perf_counter() - started
    print(f"{total_bills} bills in {elapsed:.1f} s ({elapsed / max(total_bills, 1):.3f} s/bill)")


if __name__ == "__main__":
    main()
