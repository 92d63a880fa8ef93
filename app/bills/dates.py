"""Bill dates: the date a bill may carry, its Indian financial year, a credit's due date."""

import datetime as dt

from app.core.errors import InvalidInput

EARLIEST_DATE = dt.date(2000, 1, 1)
DEFAULT_CREDIT_DAYS = 30
"""Days of udhaar a bill (or a manual entry) gets when no due date is given."""


def fiscal_year(day: dt.date) -> str:
    """Indian financial year, April to March: 2026-04-01 .. 2027-03-31 is '2026-27'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def bill_date(requested: dt.date | None, today: dt.date, field: str) -> dt.date:
    """The bill's date: today when not given; at most a day ahead (time zones), not before 2000."""
    if requested is None:
        return today
    if requested > today + dt.timedelta(days=1):
        raise InvalidInput(f"{field} {requested} is in the future", loc=("body", field))
    if requested < EARLIEST_DATE:
        raise InvalidInput(f"{field} {requested} is too far in the past", loc=("body", field))
    return requested


def default_due_date(start: dt.date) -> dt.date:
    """When udhaar opened on `start` falls due if nobody said: DEFAULT_CREDIT_DAYS later."""
    return start + dt.timedelta(days=DEFAULT_CREDIT_DAYS)


def credit_due_date(
    on_credit: bool, requested: dt.date | None, bill_day: dt.date
) -> dt.date | None:
    """When a bill's udhaar falls due: None when nothing is on credit; the client's
    `payment_due_date` (never before the bill) or, by default, DEFAULT_CREDIT_DAYS later."""
    if requested is not None and requested < bill_day:
        raise InvalidInput(
            "payment_due_date is before the bill date", loc=("body", "payment_due_date")
        )
    if not on_credit:
        return None
    return requested or default_due_date(bill_day)
