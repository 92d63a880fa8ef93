"""Bill dates, fiscal years and payment settlement (app.bills.dates, app.bills.settlement)."""

import datetime as dt
from decimal import Decimal

import pytest

from app.bills.dates import bill_date, credit_due_date, fiscal_year
from app.bills.settlement import settle
from app.core.errors import InvalidInput

D = Decimal


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 4, 1), "2026-27"),
        (dt.date(2027, 3, 31), "2026-27"),
        (dt.date(2000, 1, 1), "1999-00"),
    ],
)
def test_the_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year(day) == year


def test_a_bill_date_more_than_a_day_ahead_is_a_422():
    today = dt.date(2026, 12, 3)
    assert bill_date(None, today, "transaction_date") == today
    assert bill_date(dt.date(2026, 12, 4), today, "transaction_date") == dt.date(2026, 12, 4)
    with pytest.raises(InvalidInput):
        bill_date(dt.date(2026, 12, 5), today, "transaction_date")


def test_credit_falls_due_in_thirty_days_unless_told():
    day = dt.date(2026, 12, 3)
    assert credit_due_date(True, None, day) == dt.date(2027, 1, 2)
    assert credit_due_date(True, dt.date(2026, 12, 10), day) == dt.date(2026, 12, 10)
    assert credit_due_date(False, None, day) is None
    with pytest.raises(InvalidInput):
        credit_due_date(True, dt.date(2026, 12, 2), day)


def test_a_part_payment_leaves_the_rest_on_udhaar():
    settled = settle(D("53.73"), bill_paid=False, amount_paid=D(20), claimed_total=None)
    assert (settled.paid, settled.on_credit) == (D(20), D("33.73"))


def test_an_unpaid_bill_is_all_udhaar_and_a_paid_one_none():
    assert settle(D(10), bill_paid=False, amount_paid=None, claimed_total=None).on_credit == 10
    assert settle(D(10), bill_paid=True, amount_paid=None, claimed_total=None).on_credit == 0


def test_a_claimed_total_off_by_more_than_a_paisa_is_a_422():
    settle(D("59.70"), bill_paid=True, amount_paid=None, claimed_total=D("59.71"))
    with pytest.raises(InvalidInput):
        settle(D("59.70"), bill_paid=True, amount_paid=None, claimed_total=D("59.72"))


def test_paying_more_than_the_total_is_a_422():
    with pytest.raises(InvalidInput):
        settle(D(10), bill_paid=True, amount_paid=D("10.01"), claimed_total=None)
