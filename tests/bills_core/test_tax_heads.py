"""GST per head on a line and a bill (app.bills.tax, app.bills.pricing): the worked examples.

Pure functions, no database. Every figure below is worked by hand from the rules (CGST rule
35 for prices that include tax): each head of each line rounded half-up to the paisa, the
taxable value of an inclusive line is what is left, a bill's heads are its lines' sums.
"""

from decimal import Decimal

import pytest

from app.bills.pricing import price_bill, price_line
from app.bills.tax import LineTax, TaxHeads, rupee_round_off, split_tax

D = Decimal

INTRA_18 = LineTax(D(18))
INTER_18 = LineTax(D(18), inter_state=True)


def heads(taxable: str, cgst="0", sgst="0", igst="0", cess="0") -> TaxHeads:
    return TaxHeads(D(taxable), D(cgst), D(sgst), D(igst), D(cess))


# Prices that include tax (rule 35): the line still totals what the customer was shown.


def test_100_at_18_percent_within_the_state_is_7_63_and_7_63_on_84_74():
    split = split_tax(D("100.00"), INTRA_18)
    assert split == heads("84.74", cgst="7.63", sgst="7.63")
    assert split.total == D("100.00")


def test_100_at_18_percent_between_states_is_15_25_igst_on_84_75():
    split = split_tax(D("100.00"), INTER_18)
    assert split == heads("84.75", igst="15.25")
    assert split.total == D("100.00")


def test_an_inclusive_line_at_5_percent_rounds_each_half_on_its_own():
    # 10 x 2.5 / 105 = 0.238.. -> 0.24 each; 10 x 5 / 105 = 0.476.. -> 0.48.
    assert split_tax(D("10.00"), LineTax(D(5))) == heads("9.52", cgst="0.24", sgst="0.24")
    assert split_tax(D("10.00"), LineTax(D(5), inter_state=True)) == heads("9.52", igst="0.48")


def test_a_paisa_line_carries_no_tax_it_cannot_round_to():
    # 0.01 x 9 / 118 is well under half a paisa.
    assert split_tax(D("0.01"), INTRA_18) == heads("0.01")


# Prices before tax: the heads go on top.


def test_an_exclusive_price_adds_the_heads_on_top():
    split = split_tax(D("100.00"), LineTax(D(18), inclusive=False))
    assert split == heads("100.00", cgst="9.00", sgst="9.00")
    assert split.total == D("118.00")


def test_an_exclusive_head_rounds_half_up():
    # 84.75 x 18 / 100 = 15.255 -> 15.26 (half-up, not to even); 0.10 x 5% = 0.005 -> 0.01.
    split = split_tax(D("84.75"), LineTax(D(18), inclusive=False, inter_state=True))
    assert split == heads("84.75", igst="15.26")
    assert split.total == D("100.01")
    tiny = split_tax(D("0.10"), LineTax(D(5), inclusive=False, inter_state=True))
    assert tiny == heads("0.10", igst="0.01")


def test_each_exclusive_half_is_rounded_not_the_whole_then_halved():
    # 84.74 x 9 / 100 = 7.6266 -> 7.63 each: 15.26 in all, where 18% of 84.74 is 15.2532.
    split = split_tax(D("84.74"), LineTax(D(18), inclusive=False))
    assert split == heads("84.74", cgst="7.63", sgst="7.63")
    assert split.total == D("100.00")


# Cess: ad valorem, on top of CGST+SGST or of IGST.


def test_cess_goes_on_top_of_an_exclusive_price():
    tax = LineTax(D(28), cess_rate=D(12), inclusive=False)
    assert split_tax(D("100.00"), tax) == heads("100.00", cgst="14.00", sgst="14.00", cess="12.00")
    inter = LineTax(D(28), cess_rate=D(12), inclusive=False, inter_state=True)
    assert split_tax(D("100.00"), inter) == heads("100.00", igst="28.00", cess="12.00")


def test_cess_is_backed_out_of_an_inclusive_price_with_the_gst():
    # 154 / 1.40 = 110 taxable: CGST and SGST 14% of it, cess 12%.
    tax = LineTax(D(28), cess_rate=D(12))
    split = split_tax(D("154.00"), tax)
    assert split == heads("110.00", cgst="15.40", sgst="15.40", cess="13.20")
    assert split.total == D("154.00")
    inter = split_tax(D("154.00"), LineTax(D(28), cess_rate=D(12), inter_state=True))
    assert inter == heads("110.00", igst="30.80", cess="13.20")


def test_cess_alone_on_a_zero_rated_line_is_still_tax():
    split = split_tax(D("100.00"), LineTax(D(0), cess_rate=D(5), inclusive=False))
    assert split == heads("100.00", cess="5.00")


# 0% lines.


@pytest.mark.parametrize("inclusive", [True, False])
@pytest.mark.parametrize("inter_state", [True, False])
def test_a_zero_rated_line_is_all_taxable_value(inclusive, inter_state):
    split = split_tax(D("57.30"), LineTax(D(0), inclusive=inclusive, inter_state=inter_state))
    assert split == heads("57.30")
    assert split.tax == 0


def test_a_line_without_tax_is_its_net():
    line = price_line(D(2), D("50.00"), discount=D("5.00"), unit_cost=D("30.00"))
    assert (line.net, line.taxable, line.tax, line.total) == (
        D("95.00"),
        D("95.00"),
        D("0.00"),
        D("95.00"),
    )


# Discounts come off before tax; tax is never profit.


def test_the_discount_comes_off_an_inclusive_price_before_the_tax_is_backed_out():
    line = price_line(D(2), D("59.00"), discount=D("18.00"), tax=INTRA_18)
    assert (line.gross, line.discount, line.net) == (D("118.00"), D("18.00"), D("100.00"))
    assert line.heads == heads("84.74", cgst="7.63", sgst="7.63")
    assert line.total == D("100.00")


def test_the_discount_comes_off_an_exclusive_price_before_the_tax_goes_on():
    tax = LineTax(D(18), inclusive=False)
    line = price_line(D(2), D("50.00"), discount_percent=D(10), tax=tax)
    assert (line.gross, line.discount, line.net) == (D("100.00"), D("10.00"), D("90.00"))
    assert line.heads == heads("90.00", cgst="8.10", sgst="8.10")
    assert line.total == D("106.20")


def test_profit_is_the_taxable_value_less_cost():
    line = price_line(D(1), D("118.00"), unit_cost=D("80.00"), tax=INTRA_18)
    assert line.heads == heads("100.00", cgst="9.00", sgst="9.00")
    assert (line.cost, line.profit) == (D("80.00"), D("20.00"))
    tax = LineTax(D(18), inclusive=False, inter_state=True)
    exclusive = price_line(D(1), D("100.00"), unit_cost=D("80.00"), tax=tax)
    assert (exclusive.taxable, exclusive.tax, exclusive.profit) == (
        D("100.00"),
        D("18.00"),
        D("20.00"),
    )


# A bill: its heads are its lines' sums, plus an optional rupee round-off.


def test_a_bills_heads_are_its_lines_sums_never_recomputed_from_its_total():
    # Each ₹100 line: 7.63 + 7.63. Recomputing 200 x 9 / 118 would give 15.25 per head.
    lines = [price_line(D(1), D("100.00"), tax=INTRA_18) for _ in range(2)]
    bill = price_bill(lines)
    assert bill.heads == heads("169.48", cgst="15.26", sgst="15.26")
    assert (bill.total, bill.round_off) == (D("200.00"), D("0.00"))


def test_a_bill_mixes_rates_cess_and_untaxed_lines():
    bill = price_bill(
        [
            price_line(D(1), D("100.00"), tax=INTRA_18, unit_cost=D("50.00")),
            price_line(D(1), D("154.00"), tax=LineTax(D(28), D(12)), unit_cost=D("90.00")),
            price_line(D(3), D("10.00"), tax=LineTax(D(0)), unit_cost=D("8.00")),
        ]
    )
    assert bill.heads == heads("224.74", cgst="23.03", sgst="23.03", cess="13.20")
    assert bill.total == D("284.00")
    assert bill.cost == D("164.00")
    assert bill.profit == D("60.74")  # 224.74 - 164.00


@pytest.mark.parametrize(
    ("total", "round_off"),
    [
        ("100.00", "0.00"),
        ("100.01", "-0.01"),
        ("100.49", "-0.49"),
        ("100.50", "0.50"),
        ("100.51", "0.49"),
        ("100.99", "0.01"),
        ("0.50", "0.50"),
        ("0.49", "-0.49"),
    ],
)
def test_the_round_off_reaches_the_nearest_rupee_and_50_paise_round_up(total, round_off):
    assert rupee_round_off(D(total)) == D(round_off)
    assert (D(total) + D(round_off)) % 1 == 0


def test_a_rounded_bill_adds_its_round_off_to_the_total_and_the_profit():
    tax = LineTax(D(18), inclusive=False, inter_state=True)
    line = price_line(D(1), D("84.75"), unit_cost=D("80.00"), tax=tax)  # 100.01
    bill = price_bill([line], round_to_rupee=True)
    assert (bill.round_off, bill.total) == (D("-0.01"), D("100.00"))
    assert bill.heads == heads("84.75", igst="15.26")
    assert bill.heads.total + bill.round_off == bill.total
    assert bill.profit == D("4.74")  # 84.75 - 80.00 - 0.01


def test_a_bill_ending_in_50_paise_rounds_up():
    line = price_line(D(1), D("100.50"), tax=INTRA_18)
    bill = price_bill([line], round_to_rupee=True)
    assert (bill.round_off, bill.total) == (D("0.50"), D("101.00"))


def test_an_unrounded_bill_has_no_round_off():
    line = price_line(D(1), D("100.50"), tax=INTRA_18)
    bill = price_bill([line])
    assert (bill.round_off, bill.total) == (D("0.00"), D("100.50"))
