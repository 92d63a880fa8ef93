"""Amounts in words: Indian grouping (lakh, crore), rupees and paise, English and Hindi."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.invoices.render.words import _HI_BELOW_100, amount_in_words

D = Decimal
MAX = D("999999999999.99")

CASES = [
    ("0", "en", "Rupees Zero Only"),
    ("0.00", "en", "Rupees Zero Only"),
    ("-0.00", "en", "Rupees Zero Only"),
    ("1", "en", "Rupees One Only"),
    ("0.50", "en", "Fifty Paise Only"),
    ("0.01", "en", "One Paise Only"),
    ("0.005", "en", "One Paise Only"),  # rounded half up to the paisa
    ("10", "en", "Rupees Ten Only"),
    ("11", "en", "Rupees Eleven Only"),
    ("19", "en", "Rupees Nineteen Only"),
    ("20", "en", "Rupees Twenty Only"),
    ("21", "en", "Rupees Twenty One Only"),
    ("99", "en", "Rupees Ninety Nine Only"),
    ("100", "en", "Rupees One Hundred Only"),
    ("101", "en", "Rupees One Hundred One Only"),
    ("110.10", "en", "Rupees One Hundred Ten and Ten Paise Only"),
    ("999", "en", "Rupees Nine Hundred Ninety Nine Only"),
    ("1000", "en", "Rupees One Thousand Only"),
    ("1001", "en", "Rupees One Thousand One Only"),
    ("40404", "en", "Rupees Forty Thousand Four Hundred Four Only"),
    ("100000", "en", "Rupees One Lakh Only"),
    ("120050.50", "en", "Rupees One Lakh Twenty Thousand Fifty and Fifty Paise Only"),
    ("1000000", "en", "Rupees Ten Lakh Only"),
    ("10000000", "en", "Rupees One Crore Only"),
    ("10000001", "en", "Rupees One Crore One Only"),
    ("1000000000", "en", "Rupees One Hundred Crore Only"),
    ("12345678901.23", "en",
     "Rupees One Thousand Two Hundred Thirty Four Crore Fifty Six Lakh Seventy Eight Thousand"
     " Nine Hundred One and Twenty Three Paise Only"),
    ("999999999999.99", "en",
     "Rupees Ninety Nine Thousand Nine Hundred Ninety Nine Crore Ninety Nine Lakh Ninety Nine"
     " Thousand Nine Hundred Ninety Nine and Ninety Nine Paise Only"),
    ("-1.50", "en", "Minus Rupees One and Fifty Paise Only"),
    ("-0.75", "en", "Minus Seventy Five Paise Only"),
    ("0", "hi", "शून्य रुपये मात्र"),
    ("1", "hi", "एक रुपया मात्र"),
    ("2", "hi", "दो रुपये मात्र"),
    ("0.50", "hi", "पचास पैसे मात्र"),
    ("0.01", "hi", "एक पैसा मात्र"),
    ("45", "hi", "पैंतालीस रुपये मात्र"),
    ("51", "hi", "इक्यावन रुपये मात्र"),
    ("79", "hi", "उन्यासी रुपये मात्र"),
    ("99", "hi", "निन्यानवे रुपये मात्र"),
    ("100", "hi", "एक सौ रुपये मात्र"),
    ("101.01", "hi", "एक सौ एक रुपये और एक पैसा मात्र"),
    ("1000", "hi", "एक हज़ार रुपये मात्र"),
    ("120050.50", "hi", "एक लाख बीस हज़ार पचास रुपये और पचास पैसे मात्र"),
    ("3800000", "hi", "अड़तीस लाख रुपये मात्र"),
    ("10000000", "hi", "एक करोड़ रुपये मात्र"),
    ("1000000000", "hi", "एक सौ करोड़ रुपये मात्र"),
    ("-25", "hi", "ऋण पच्चीस रुपये मात्र"),
    ("999999999999.99", "hi",
     "निन्यानवे हज़ार नौ सौ निन्यानवे करोड़ निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे रुपये और"
     " निन्यानवे पैसे मात्र"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "language", "words"), CASES)
def test_amount_in_words(value, language, words):
    assert amount_in_words(D(value), language) == unicodedata.normalize("NFC", words)


def test_not_a_number_is_refused():
    with pytest.raises(ValueError, match="not an amount"):
        amount_in_words(D("NaN"), "en")


def test_hindi_has_its_own_word_for_each_number_below_100():
    assert len(_HI_BELOW_100) == 100
    assert len(set(_HI_BELOW_100)) == 100
    assert all(" " not in word and word for word in _HI_BELOW_100)
    assert all(unicodedata.normalize("NFC", word) == word for word in _HI_BELOW_100)
    # Spot checks written independently of the table: the tens and the irregular ones.
    expected = {
        10: "दस", 19: "उन्नीस", 20: "बीस", 29: "उनतीस", 30: "तीस", 39: "उनतालीस", 40: "चालीस",
        49: "उनचास", 50: "पचास", 59: "उनसठ", 60: "साठ", 67: "सड़सठ", 69: "उनहत्तर", 70: "सत्तर",
        80: "अस्सी", 89: "नवासी", 90: "नब्बे", 98: "अट्ठानवे",
    }  # fmt: skip
    for number, word in expected.items():
        assert _HI_BELOW_100[number] == unicodedata.normalize("NFC", word), number


# A parser written from the rules, not from the code: the words must mean the amount.
_EN_UNITS = (
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
)  # fmt: skip
_EN_SMALL = {word: value for value, word in enumerate(_EN_UNITS)}
_EN_TENS = {
    word: 10 * value
    for value, word in enumerate(
        ("Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"), start=2
    )
}


def _parse_number(words: list[str], small: dict[str, int], scales: dict[str, int]) -> int:
    assert words, "a number with no words"
    total = current = 0
    for word in words:
        if word in small:
            if current % 100:  # only "Twenty" + "One": a tens word, then a unit
                assert current % 10 == 0 and current % 100 >= 20 and small[word] < 10, words
            current += small[word]
        elif word == "hundred":
            assert 0 < current < 10, words
            current *= 100
        elif scales.get(word) == 10**7:
            total = (total + current) * 10**7  # what came before is the count of crores
            current = 0
        elif word in scales:
            assert 0 < current < 100, words
            total += current * scales[word]
            current = 0
        else:
            raise AssertionError(f"unknown word {word!r} in {words}")
    return total + current


def _parse_english(text: str) -> Decimal:
    words = text.split()
    sign = 1
    if words[0] == "Minus":
        sign, words = -1, words[1:]
    assert words[-1] == "Only"
    words = words[:-1]
    small = {**_EN_SMALL, **_EN_TENS}
    scales = {"Thousand": 1000, "Lakh": 10**5, "Crore": 10**7}
    mapped = ["hundred" if w == "Hundred" else w for w in words]
    rupees = paise = 0
    if mapped[0] == "Rupees":
        mapped = mapped[1:]
        if "and" in mapped:
            cut = mapped.index("and")
            rupees = _parse_number(mapped[:cut], small, scales)
            assert mapped[-1] == "Paise"
            paise = _parse_number(mapped[cut + 1 : -1], small, scales)
            assert 0 < paise < 100 and rupees > 0, text
        else:
            rupees = _parse_number(mapped, small, scales)
    else:
        assert mapped[-1] == "Paise", text
        paise = _parse_number(mapped[:-1], small, scales)
        assert 0 < paise < 100, text
    return sign * (Decimal(rupees) + Decimal(paise) / 100)


def _parse_hindi(text: str) -> Decimal:
    words = text.split()
    sign = 1
    if words[0] == "ऋण":
        sign, words = -1, words[1:]
    assert words[-1] == "मात्र"
    words = words[:-1]
    small = {word: value for value, word in enumerate(_HI_BELOW_100)}
    scales = {"हज़ार": 1000, "लाख": 10**5, "करोड़": 10**7}
    scales = {unicodedata.normalize("NFC", word): value for word, value in scales.items()}
    mapped = ["hundred" if w == "सौ" else w for w in words]
    rupees = paise = 0
    for unit in ("रुपये", "रुपया"):
        if unit in mapped:
            cut = mapped.index(unit)
            rupees = _parse_number(mapped[:cut], small, scales)
            assert (rupees == 1) == (unit == "रुपया"), text
            mapped = mapped[cut + 1 :]
            if mapped:
                assert mapped[0] == "और", text
                mapped = mapped[1:]
    if mapped:
        assert mapped[-1] in ("पैसे", "पैसा"), text
        paise = _parse_number(mapped[:-1], small, scales)
        assert (paise == 1) == (mapped[-1] == "पैसा"), text
    return sign * (Decimal(rupees) + Decimal(paise) / 100)


amounts = st.decimals(min_value=0, max_value=MAX, places=2, allow_nan=False)
lakh_edges = st.sampled_from(
    [
        *(D(0), D("0.01"), D("0.99"), D(1), D(99), D(100), D(99999), D(100000), D(9999999)),
        *(D(10**7), D(10**9), D(10**11), MAX, D("100000.01"), D("10000000.10")),
    ]
)


@settings(max_examples=800, deadline=None)
@given(st.one_of(amounts, lakh_edges))
def test_english_words_read_back_as_the_amount(value):
    words = amount_in_words(value, "en")
    assert _parse_english(words) == value, words
    assert words == " ".join(words.split())
    assert all(word[0].isupper() for word in words.split() if word != "and"), words


@settings(max_examples=500, deadline=None)
@given(st.one_of(amounts, lakh_edges))
def test_hindi_words_read_back_as_the_amount(value):
    words = amount_in_words(value, "hi")
    assert _parse_hindi(words) == value, words


@settings(max_examples=200, deadline=None)
@given(amounts.filter(lambda value: value > 0))
def test_negative_amounts_are_the_same_words_after_minus(value):
    assert amount_in_words(-value, "en") == "Minus " + amount_in_words(value, "en")
    assert amount_in_words(-value, "hi") == "ऋण " + amount_in_words(value, "hi")
