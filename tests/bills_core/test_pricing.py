"""Line and bill pricing (app.bills.pricing): pure functions, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bills.pricing import price_bill, price_line
from app.core.errors import InvalidInput
from app.core.money import MAX_MONEY

D = Decimal
quantities = st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)
rates = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)
percents = st.decimals(min_value=D("0"), max_value=D("100"), places=2)


def test_three_at_19_90_with_ten_percent_off_is_53_73():
    line = price_line(D(3), D("19.90"), discount_percent=D(10))
    assert (line.gross, line.discount, line.net) == (D("59.70"), D("5.97"), D("53.73"))


def test_a_line_without_discount_is_quantity_times_rate_rounded_half_up():
    line = price_line(D("1.25"), D("37.90"), unit_cost=D("30.00"))
    assert (line.net, line.discount, line.cost, line.profit) == (
        D("47.38"),
        D("0.00"),
        D("37.50"),
        D("9.88"),
    )


def test_a_discount_comes_out_of_the_profit():
    line = price_line(D(2), D("50.00"), discount=D("10.00"), unit_cost=D("30.00"))
    assert (line.net, line.cost, line.profit) == (D("90.00"), D("60.00"), D("30.00"))


def test_tax_is_zero_until_gst():
    assert price_line(D(2), D("50.00")).tax == 0


def test_a_discount_larger_than_the_line_is_a_422_on_that_line():
    with pytest.raises(InvalidInput) as raised:
        price_line(D(1), D("10.00"), discount=D("10.01"), loc=("body", "products", 2))
    assert raised.value.extra["errors"][0]["loc"] == ["body", "products", 2, "discount"]


def test_both_kinds_of_discount_are_a_422():
    with pytest.raises(InvalidInput):
        price_line(D(1), D("10.00"), discount=D(1), discount_percent=D(1))


def test_a_line_past_the_column_is_a_422_naming_its_quantity():
    with pytest.raises(InvalidInput) as raised:
        price_line(D(2), MAX_MONEY, loc=("body", "products", 0))
    assert raised.value.extra["errors"][0]["loc"] == ["body", "products", 0, "quantity"]
    assert "line total 1999999999999.98 exceeds the maximum" in raised.value.detail


def test_a_bill_sums_its_lines():
    bill = price_bill(
        [
            price_line(D(3), D("19.90"), discount_percent=D(10), unit_cost=D(15)),
            price_line(D(1), D("10.00"), unit_cost=D(8)),
        ]
    )
    assert (bill.total, bill.discount, bill.gross, bill.cost, bill.profit, bill.quantity) == (
        D("63.73"),
        D("5.97"),
        D("69.70"),
        D("53.00"),
        D("10.73"),
        D(4),
    )


@given(quantities, rates, percents)
def test_net_is_gross_less_discount_and_never_negative(quantity, rate, percent):
    line = price_line(quantity, rate, discount_percent=percent)
    assert line.net == line.gross - line.discount
    assert D(0) <= line.discount <= line.gross
    assert line.net.as_tuple().exponent >= -2


@given(st.lists(st.tuples(quantities, rates, percents), min_size=1, max_size=20))
def test_a_bill_total_is_exactly_the_sum_of_its_line_totals(lines):
    priced = [price_line(q, r, discount_percent=p) for q, r, p in lines]
    bill = price_bill(priced)
    assert bill.total == sum((line.net for line in priced), D(0))
    assert bill.gross == bill.total + bill.discount
