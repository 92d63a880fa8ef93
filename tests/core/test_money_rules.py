"""docs/architecture.md rule 2: no binary float anywhere in the money path."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# Settings hold timeouts in seconds; they never touch money.
ALLOWED = {
    APP / "config.py",
    APP / "core" / "production.py",  # + a secret's entropy in bits
    # Page geometry in millimetres and font units; money reaches the PDF as formatted text
    # (`app.invoices.render.amounts`), never as a number.
    APP / "invoices" / "render" / "pdf.py",
    APP / "invoices" / "render" / "pdf_fonts.py",
    APP / "invoices" / "render" / "pdf_page.py",
    APP / "invoices" / "render" / "pdf_qr.py",
}
# A call, an annotation or a type argument: prose about floats in docstrings is fine.
FLOAT = re.compile(r"\bfloat\s*\(|:\s*float\b|->\s*float\b|\[float\b|\|\s*float\b|float\s*\|")
# Durations are floats of seconds, named so (`lease_s`, `delay_s`, `start_by`, a `*_delay`
# function); they never touch money, so they are taken out before the check.
DURATION = re.compile(
    r"\b\w*_s\s*:\s*float(\s*\|\s*None)?|\bstart_by\s*:\s*float"
    r"|\bdef \w*delay\(.*\)\s*->\s*float"
)


def test_no_float_in_application_code():
    offenders = [
        f"{path.relative_to(APP.parent)}:{number}: {line.strip()}"
        for path in sorted(APP.rglob("*.py"))
        if path not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if FLOAT.search(DURATION.sub("", line))
    ]
    assert offenders == []


def test_money_columns_are_numeric_with_two_places():
    from sqlalchemy import Numeric

    from app.models import Base

    money = {
        "price_purchase",
        "price_sale",
        "total_amount",
        "total_cost",
        "amount_paid",
        "rate",
        "cost_price",
        "line_total",
        "amount",
        "refund_amount",
        "cost",
        "profit",
    }
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if column.name in money:
                assert isinstance(column.type, Numeric), f"{table.name}.{column.name}"
                assert (column.type.precision, column.type.scale) == (14, 2), (
                    f"{table.name}.{column.name}"
                )
