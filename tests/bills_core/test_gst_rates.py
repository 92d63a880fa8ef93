"""The dated GST rate table (app.bills.gst_rates and data/gst_rates.toml): slabs and B2CL.

The slabs changed on 22 September 2025 (12% and 28% went, 40% came); the B2CL threshold fell
from ₹2.5 lakh to ₹1 lakh on 1 August 2024. A rate is judged by the bill's date.
"""

import datetime as dt
from decimal import Decimal

import pytest

from app.bills.gst_rates import b2cl_threshold, rate_problem, slabs_on

D = Decimal
LAST_DAY_OLD_SLABS = dt.date(2025, 9, 21)
FIRST_DAY_NEW_SLABS = dt.date(2025, 9, 22)


@pytest.mark.parametrize("rate", ["12", "28"])
def test_12_and_28_percent_are_valid_until_21_september_2025_only(rate):
    assert rate_problem(D(rate), LAST_DAY_OLD_SLABS) is None
    assert rate_problem(D(rate), FIRST_DAY_NEW_SLABS) is not None


def test_40_percent_is_valid_from_22_september_2025_only():
    assert rate_problem(D(40), LAST_DAY_OLD_SLABS) is not None
    assert rate_problem(D(40), FIRST_DAY_NEW_SLABS) is None


@pytest.mark.parametrize("rate", ["0", "0.1", "0.25", "1.5", "3", "5", "18"])
@pytest.mark.parametrize(
    "on", [dt.date(2017, 7, 1), LAST_DAY_OLD_SLABS, FIRST_DAY_NEW_SLABS, dt.date(2030, 1, 1)]
)
def test_the_slabs_both_tables_share_are_valid_throughout(rate, on):
    assert rate_problem(D(rate), on) is None


def test_the_slabs_in_force_on_each_side_of_the_change():
    old = {D(r) for r in ["0", "0.1", "0.25", "1.5", "3", "5", "12", "18", "28"]}
    new = {D(r) for r in ["0", "0.1", "0.25", "1.5", "3", "5", "18", "40"]}
    assert slabs_on(dt.date(2017, 7, 1)) == old
    assert slabs_on(LAST_DAY_OLD_SLABS) == old
    assert slabs_on(FIRST_DAY_NEW_SLABS) == new
    assert slabs_on(dt.date(2099, 12, 31)) == new


@pytest.mark.parametrize("rate", ["18.00", "5.0", "0.10", "0.00", "1.50"])
def test_a_rate_as_the_database_returns_it_is_the_same_slab(rate):
    """NUMERIC(5,2) columns give `18.00`: equal to the table's `18`, so it is accepted."""
    assert rate_problem(D(rate), FIRST_DAY_NEW_SLABS) is None


@pytest.mark.parametrize("rate", ["17", "18.01", "0.5", "2.5", "9", "100"])
def test_a_rate_off_the_slabs_is_refused(rate):
    assert rate_problem(D(rate), FIRST_DAY_NEW_SLABS) is not None


def test_the_refusal_names_the_rate_the_date_and_the_slabs_then():
    assert rate_problem(D("12.00"), FIRST_DAY_NEW_SLABS) == (
        "12% is not a GST rate on 2025-09-22 (rates then: 0, 0.1, 0.25, 1.5, 3, 5, 18, 40)"
    )


def test_there_are_no_slabs_before_gst_began():
    assert slabs_on(dt.date(2017, 6, 30)) == frozenset()
    problem = rate_problem(D(18), dt.date(2017, 6, 30))
    assert problem is not None
    assert problem == "2017-06-30 is before GST began (1 July 2017)"


@pytest.mark.parametrize(
    ("on", "threshold"),
    [
        (dt.date(2017, 6, 30), "250000"),
        (dt.date(2017, 7, 1), "250000"),
        (dt.date(2024, 7, 31), "250000"),
        (dt.date(2024, 8, 1), "100000"),
        (dt.date(2030, 1, 1), "100000"),
    ],
)
def test_the_b2cl_threshold_is_2_5_lakh_before_august_2024_and_1_lakh_after(on, threshold):
    assert b2cl_threshold(on) == D(threshold)
