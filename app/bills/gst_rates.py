"""GST rate slabs and the B2CL threshold, as data with effective dates (never constants).

The slabs changed on 22 September 2025 (12% and 28% went, 40% came): a product's rate is
checked against the slabs in force on the bill's date, so a bill dated before the change
may still use 12%. The table lives in `data/gst_rates.toml`; a new notification is one more
period there.
"""

import datetime as dt
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_TABLE = Path(__file__).with_name("data") / "gst_rates.toml"


@dataclass(frozen=True, slots=True)
class Period(Generic[T]):
    starts: dt.date
    value: T


def _periods(rows: list[dict[str, Any]], value: str, parse: Any) -> list[Period[T]]:
    return sorted((Period(row["from"], parse(row[value])) for row in rows), key=lambda p: p.starts)


@cache
def _table() -> tuple[
    list[Period[frozenset[Decimal]]], list[Period[Decimal]], list[Period[Decimal]]
]:
    data = tomllib.loads(_TABLE.read_text(encoding="utf-8"))
    slabs: list[Period[frozenset[Decimal]]] = _periods(
        data["slabs"], "rates", lambda rates: frozenset(map(Decimal, rates))
    )
    thresholds: list[Period[Decimal]] = _periods(data["b2cl_threshold"], "amount", Decimal)
    details: list[Period[Decimal]] = _periods(
        data["b2c_buyer_details_threshold"], "amount", Decimal
    )
    return slabs, thresholds, details


def _in_force(periods: list[Period[T]], on: dt.date) -> T | None:
    index = bisect_right([p.starts for p in periods], on)
    return periods[index - 1].value if index else None


def slabs_on(on: dt.date) -> frozenset[Decimal]:
    """The GST rates (percent) in force on `on`; empty before GST began."""
    return _in_force(_table()[0], on) or frozenset()


def rate_problem(rate: Decimal, on: dt.date) -> str | None:
    """Why `rate` is not a GST rate on `on`, or None."""
    slabs = slabs_on(on)
    if rate in slabs:
        return None
    if not slabs:
        return f"{on.isoformat()} is before GST began (1 July 2017)"
    listed = ", ".join(f"{s.normalize():f}" for s in sorted(slabs))
    return f"{rate.normalize():f}% is not a GST rate on {on.isoformat()} (rates then: {listed})"


def b2cl_threshold(on: dt.date) -> Decimal:
    """Invoice value above which an inter-state B2C invoice is reported one by one (B2CL)."""
    threshold = _in_force(_table()[1], on)
    return threshold if threshold is not None else Decimal(250000)


def buyer_details_threshold(on: dt.date) -> Decimal:
    """Taxable value from which a tax invoice to an unregistered buyer names the buyer, with
    address and state (rule 46(e))."""
    threshold = _in_force(_table()[2], on)
    return threshold if threshold is not None else Decimal(50000)
