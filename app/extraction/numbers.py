"""Numbers as printed on Indian bills, read as exact decimals.

Handles `1,25,000.00`, `Rs.450`, `₹ 450/-`, a quantity with its unit (`2kg`, `1.5 L`, `12 pcs`),
and the letters OCR confuses with digits (`O`->0, `l`/`I`->1, `S`->5, `B`->8) - but only in a cell
that is otherwise a number, so a product name is never rewritten.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNITS = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "g": "g",
    "gm": "g",
    "gms": "g",
    "gram": "g",
    "grams": "g",
    "l": "l",
    "lt": "l",
    "ltr": "l",
    "ltrs": "l",
    "litre": "l",
    "liter": "l",
    "ml": "ml",
    "pcs": "pcs",
    "pc": "pcs",
    "piece": "pcs",
    "pieces": "pcs",
    "nos": "pcs",
    "no": "pcs",
    "pkt": "pack",
    "pk": "pack",
    "pkts": "pack",
    "pack": "pack",
    "packet": "pack",
    "box": "box",
    "doz": "dozen",
    "dozen": "dozen",
    "bag": "bag",
    "bags": "bag",
    "btl": "bottle",
    "btls": "bottle",
    "botl": "bottle",
    "botle": "bottle",
    "bottles": "bottle",
    "bottle": "bottle",
    "m": "m",
    "mtr": "m",
    "mtrs": "m",
    "meter": "m",
    "metre": "m",
}
"""Unit spellings on bills -> the catalogue's units."""

_CONFUSED = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5"})
_CONFUSED_STRICT = str.maketrans({"B": "8", "Z": "2"})
_CURRENCY = re.compile(r"^(?:rs\.?|inr|₹|\$)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:/-|/=|-)$")
_PLAIN = re.compile(r"^\d{1,3}(?:,\d{2,3})*(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_QUANTITY = re.compile(r"^(?P<number>[0-9OoDlI|S.,]+?)\s*(?P<unit>[A-Za-z]{1,6})?\.?$")


MAX_VALUE = Decimal("99999999999")
"""Larger numbers are misreads, not bills (and would not fit the NUMERIC(14,3) quantity)."""


@dataclass(frozen=True, slots=True)
class NumberRead:
    """A number and the text it was read from (to tell a lost decimal point from a typo)."""

    value: Decimal
    text: str


def _to_decimal(text: str) -> Decimal | None:
    if not _PLAIN.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def parse_number(raw: str) -> NumberRead | None:
    """A money or plain number cell, or None when the text is not one."""
    text = _SUFFIX.sub("", _CURRENCY.sub("", raw.strip())).strip().replace(" ", "")
    if not text or not any(ch.isdigit() for ch in text):
        return None
    value = _to_decimal(text)
    if value is None:
        value = _to_decimal(text.translate(_CONFUSED).translate(_CONFUSED_STRICT))
    if value is None or value > MAX_VALUE:
        return None
    return NumberRead(value, text)


_FRACTION = re.compile(r"(?<![\d/.,])(?:(\d{1,3})\s+|(\d)(?=[13]/))?([13])\s*/\s*([24])(?![\d/])")
"""`1/2`, `1 1/2`, and `11/2` (OCR drops the space: a whole and a half, never 5.5)."""
_VULGAR = {"\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4"}


def fractions_as_decimals(text: str) -> str:
    """Halves and quarters as people write a quantity (`1/2 kg`, `1 1/2`, `½`, `2¾ L`) in
    decimals; a date (`3/4/2026`) or a bigger fraction is left alone."""
    for glyph, written in _VULGAR.items():
        text = re.sub(rf"(\d?)\s*{glyph}", rf"\1 {written}", text)

    def decimal(match: re.Match[str]) -> str:
        numerator, denominator = int(match[3]), int(match[4])
        if numerator >= denominator:
            return match[0]
        value = int(match[1] or match[2] or 0) + Decimal(numerator) / Decimal(denominator)
        return format(value, "f")

    return _FRACTION.sub(decimal, text)


def parse_quantity(raw: str) -> tuple[NumberRead, str | None] | None:
    """A quantity cell: the number and its unit when one is printed (`2kg`, `1.5 L`, `12`)."""
    text = fractions_as_decimals(raw).strip()
    match = _QUANTITY.match(text)
    if match is None:
        return None
    unit_text = (match.group("unit") or "").casefold()
    unit = UNITS.get(unit_text)
    if unit_text and unit is None:
        return None
    number = parse_number(match.group("number"))
    if number is None:
        return None
    return number, unit


def looks_numeric(raw: str) -> bool:
    """True for a cell that is a number, with or without a unit or currency mark."""
    return parse_number(raw) is not None or parse_quantity(raw) is not None


def tidy_quantity(value: Decimal) -> Decimal:
    """At most 3 places, written as people write it: `20.000` -> `20`, `1.500` -> `1.5`."""
    text = format(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), "f")
    return Decimal(text.rstrip("0").rstrip("."))


_UNIT_PATTERN = "|".join(sorted(UNITS, key=len, reverse=True))
_SIZE_TOKEN = re.compile(
    rf"(?<![A-Za-z0-9])((?-i:[0-9OoIl|]+(?:\.[0-9OoIl|]+)?))(\s?(?:{_UNIT_PATTERN}))(?![A-Za-z])",
    re.IGNORECASE,
)


def fix_sizes(text: str) -> str:
    """Pack sizes inside a name, with OCR's letter-for-digit slips undone: 'Oil lLtr' ->
    'Oil 1Ltr', 'Atta 5OOg' -> 'Atta 500g'. Words like 'Oil' are left alone: the number part
    must hold a digit, or be a lone `l`/`I` right before a unit.
    """

    def repair(match: re.Match[str]) -> str:
        number, unit = match.group(1), match.group(2)
        lone = number in ("l", "I", "|") and (len(unit.strip()) > 1 or unit == "L")
        if not any(ch.isdigit() for ch in number) and not lone:
            return match.group(0)
        return number.translate(_CONFUSED) + unit

    return _LETTER_SIZE.sub(_repair_letter_size, _SIZE_TOKEN.sub(repair, text))


PACK_SIZES = frozenset(
    {1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80, 100, 125, 150, 175, 200, 250, 300, 400}
    | {450, 500, 750, 800, 900, 1000}
)
"""The sizes packs come in: a size spelt only in look-alike letters must be one of them."""
_LETTER_SIZE = re.compile(
    r"(?<![0-9])((?-i:[0-9OoIlS|]{1,4}))(\s?)(kgs?|gms?|g|ml|ltrs?|l)(?![A-Za-z])", re.IGNORECASE
)


def _repair_letter_size(match: re.Match[str]) -> str:
    """Handwriting read as letters: 'SOOG' -> '500G', 'IOOGM' -> '100GM', 'IKG' -> '1KG'.

    With no digit at all, the letters must spell a pack size with no leading zero; three or
    more of them (`SOO`), one `I` before a multi-letter unit (`IKG`, `DETIKG`), or two that make
    10 or more standing as their own word (`-SOG`). Words like 'Oil', 'Soil' or 'Gold Oil' never
    qualify, and a letter glued to a word stays the word's ('Oil25ltr').
    """
    number, space, unit = match.groups()
    digits = number.translate(_CONFUSED).replace("s", "5")
    if not digits.isdigit() or digits.startswith("0") or int(digits) not in PACK_SIZES:
        return match.group(0)
    start = match.start()
    own_word = start == 0 or not match.string[start - 1].isalpha()
    if not any(ch.isdigit() for ch in number):
        one = len(number) == 1 and len(unit) > 1  # no word ends in 'ikg', 'iml', 'iltr'
        two = len(number) == 2 and int(digits) >= 10 and own_word
        if len(number) < 3 and not (one or two):
            return match.group(0)
    elif number[0].isalpha() and not own_word:
        return match.group(0)  # 'Oil25ltr': the l is the word's, the size is 25ltr
    return f"{digits}{space}{unit}"


_DIGIT_AS_LETTER = {"0": "o", "1": "l", "5": "s", "8": "b"}
_MIXED_WORD = re.compile(r"(?<![\w.])(?=\w*[A-Za-z])(?=\w*\d)\w+(?![\w.])")


def _letter_for(digit: str, neighbour: str) -> str:
    if neighbour.isupper():
        return "I" if digit == "1" else _DIGIT_AS_LETTER[digit].upper()
    return _DIGIT_AS_LETTER[digit]


def fix_words(text: str) -> str:
    """Digits OCR read for letters inside words, undone: 'T00THPASTE' -> 'TOOTHPASTE',
    '0il' -> 'oil', 'R1N' -> 'RIN'. A run of 0/1/5/8 is changed only between letters, or (0
    and 1) at the start of a word before two letters; a number followed by a unit ('Harpic500ml',
    '1LTR') is a pack size and is kept, as is a number at the end of a word.
    """

    def repair(match: re.Match[str]) -> str:
        word = match.group(0)
        pieces: list[str] = []
        last = 0
        for run in re.finditer(r"\d+", word):
            start, end = run.span()
            following = re.match(r"[A-Za-z]+", word[end:])
            letters_after = following.group(0) if following else ""
            is_size = letters_after.casefold() in UNITS
            between = start > 0 and word[start - 1].isalpha() and bool(letters_after)
            # at a word's start only O and l/I are misread ('0il'); a '5' there is a number
            leading = start == 0 and len(letters_after) >= 2 and set(run.group(0)) <= {"0", "1"}
            if set(run.group(0)) <= set(_DIGIT_AS_LETTER) and not is_size and (between or leading):
                neighbour = letters_after[0]
                pieces.append(word[last:start])
                pieces.append("".join(_letter_for(d, neighbour) for d in run.group(0)))
                last = end
        pieces.append(word[last:])
        fixed = "".join(pieces)
        # 'SHAMPO0': a last 0 after an O is the word's own second O
        if len(fixed) > 3 and fixed[-1] == "0" and fixed[-2] in "Oo" and fixed[:-1].isalpha():
            fixed = fixed[:-1] + fixed[-2]
        return fixed

    return _MIXED_WORD.sub(repair, text)
