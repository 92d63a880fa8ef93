"""Refunds of partial returns (app.bills.refund): pro rata at the net rate, exact in sum."""

import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.bills.pricing import price_line
from app.bills.refund import returned_value

D = Decimal


def test_one_of_three_discounted_units_refunds_a_third_of_the_net():
    line = price_line(D(3), D("19.90"), discount_percent=D(10))  # 53.73
    assert returned_value(line.net, D(3), D(0), D(1)) == D("17.91")


def test_the_last_unit_takes_the_rounding_remainder():
    # 3 x 10.00 less 1.00 = 29.00: 9.67, then 9.66, then the remaining 9.67.
    refunds = [returned_value(D("29.00"), D(3), D(n), D(1)) for n in range(3)]
    assert refunds == [D("9.67"), D("9.66"), D("9.67")]
    assert sum(refunds) == D("29.00")


def test_a_whole_line_returned_in_one_go_gives_back_its_whole_value():
    assert returned_value(D("24.00"), D(3), D(0), D(3)) == D("24.00")


@st.composite
def partitions(draw):
    """A line (quantity, net) and the quantities of its returns, summing to the quantity."""
    units = draw(st.integers(min_value=2, max_value=5000))
    quantity = D(units) / 1000
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=units - 1), max_size=8)))
    bounds = [0, *cuts, units]
    parts = [D(b - a) / 1000 for a, b in itertools.pairwise(bounds)]
    net = draw(st.decimals(min_value=D(0), max_value=D("99999"), places=2))
    return quantity, net, parts


@given(partitions())
def test_the_refunds_of_any_partition_sum_to_the_line_total(case):
    quantity, net, parts = case
    returned, total = D(0), D(0)
    for part in parts:
        refund = returned_value(net, quantity, returned, part)
        assert refund >= 0
        total += refund
        returned += part
    assert total == net
