"""GSTINs and state codes, checked without any I/O: the pattern, the state, the check character."""

import pytest

from app.core.gstin import STATE_NAMES, gstin_problem, state_of, state_problem

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check_character(first_14: str) -> str:
    """GST's check character, written out from the rule (a Luhn variant in base 36): each of
    the first 14 characters' values times 1 (odd positions) or 2 (even), each product p folded
    to `p // 36 + p % 36`, summed to S; the check is `(36 - S mod 36) mod 36`."""
    total = 0
    for position, char in enumerate(first_14, start=1):
        product = ALPHABET.index(char) * (1 if position % 2 else 2)
        total += product // 36 + product % 36
    return ALPHABET[(36 - total % 36) % 36]


def test_the_worked_example_by_hand():
    """`27AAPFU0939F1Z?`, position by position, gives S = 221 and the check character V."""
    values = [2, 7, 10, 10, 25, 15, 30, 0, 9, 3, 9, 15, 1, 35]  # 2 7 A A P F U 0 9 3 9 F 1 Z
    assert values == [ALPHABET.index(char) for char in "27AAPFU0939F1Z"]
    products = [value * factor for value, factor in zip(values, [1, 2] * 7, strict=True)]
    assert products == [2, 14, 10, 20, 25, 30, 30, 0, 9, 6, 9, 30, 1, 70]
    folded = [p // 36 + p % 36 for p in products]
    assert folded == [2, 14, 10, 20, 25, 30, 30, 0, 9, 6, 9, 30, 1, 35]  # 70 = 36 + 34 -> 35
    assert sum(folded) == 221
    assert 221 % 36 == 5
    assert (36 - 5) % 36 == 31
    assert ALPHABET[31] == "V"
    assert check_character("27AAPFU0939F1Z") == "V"
    assert gstin_problem("27AAPFU0939F1ZV") is None


@pytest.mark.parametrize("gstin", ["27AAPFU0939F1ZV", "29AAFCC9980M1ZR", "06AAMCS8709B1ZA"])
def test_the_issues_valid_gstins(gstin):
    assert gstin_problem(gstin) is None
    assert check_character(gstin[:14]) == gstin[14]
    assert state_of(gstin) == gstin[:2]


@pytest.mark.parametrize("gstin", ["27AAPFU0939F1ZV", "29AAFCC9980M1ZR", "06AAMCS8709B1ZA"])
def test_every_other_check_character_is_refused(gstin):
    for char in ALPHABET.replace(gstin[14], ""):
        problem = gstin_problem(gstin[:14] + char)
        assert problem is not None
        assert "check character" in problem


def test_the_issues_invalid_gstin():
    problem = gstin_problem("27AAPFU0939F1ZO")
    assert problem is not None
    assert "check character" in problem


@pytest.mark.parametrize(
    ("gstin", "says"),
    [
        ("27AAPFU0939F1Z", "15 characters"),
        ("27AAPFU0939F1ZVV", "15 characters"),
        ("", "15 characters"),
        ("2AAAPFU0939F1ZV", "PAN"),  # the state is two digits
        ("27AAPF00939F1ZV", "PAN"),  # the PAN is 5 letters, 4 digits, a letter
        ("27AAPFU0939F0ZV", "PAN"),  # the entity number is never 0
        ("27AAPFU0939F1CV", "PAN"),  # the 14th character is Z, 1-9, A, B or D-J
        ("27aapfu0939f1zv", "PAN"),  # upper case only: the edge upper-cases first
    ],
)
def test_malformed_gstins_say_what_is_wrong(gstin, says):
    problem = gstin_problem(gstin)
    assert problem is not None
    assert says in problem


@pytest.mark.parametrize("state", ["38", "97", "01", "26", "25"])
def test_gstins_of_ladakh_other_territory_and_old_codes_are_valid(state):
    """python-stdnum refuses 38 and 97; GSTN issues them."""
    first_14 = f"{state}AAPFU0939F1Z"
    assert gstin_problem(first_14 + check_character(first_14)) is None


@pytest.mark.parametrize("state", ["00", "39", "96", "98", "99"])
def test_a_gstin_of_no_state_is_refused_even_with_the_right_check(state):
    first_14 = f"{state}AAPFU0939F1Z"
    problem = gstin_problem(first_14 + check_character(first_14))
    assert problem is not None
    assert f"not '{state}'" in problem


def test_state_codes_01_to_38_and_97_are_accepted():
    accepted = [f"{n:02d}" for n in range(1, 39)] + ["97"]
    assert [code for code in accepted if state_problem(code) is not None] == []
    assert sorted(STATE_NAMES) == accepted
    assert STATE_NAMES["38"] == "Ladakh"


@pytest.mark.parametrize("code", ["00", "39", "96", "98", "7", "007", "", "2a", " 27", "٢٧"])
def test_other_state_codes_are_refused(code):
    problem = state_problem(code)
    assert problem is not None
    assert "01-38 or 97" in problem
