"""One bill line written freely, read into name, quantity, rate and amount.

Kachha (handwritten) bills and POS receipts do not keep columns: `Toor Dal 1kg  2 x 140 = 280`,
`Sugar 5 kg @ 44`, `3 pkt Maggi - 45`, `1) Sugar 5kg - 220/-`, `2 x 22.50   45.00`. The text is cut
into words, numbers (with the unit written next to them) and the marks people use (`x`, `@`,
`=`, a dash before the amount). Every way of taking up to three of the numbers as quantity, rate
and amount is then scored: a reading where quantity x rate = amount wins outright; the marks
(`2 x 140`, `@ 44`, `= 280`), a measure unit after the quantity and the usual order add smaller
weights; a number left over outside the name costs. A number glued into the name (`Toor Dal
1kg`) is a pack size and stays in the name unless the arithmetic needs it.

The weights are small integers on purpose: they rank a handful of readings of one line, and a
clear arithmetic agreement must outweigh every hint together.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import product
from typing import Literal

from app.extraction.arithmetic import consistent, repairable
from app.extraction.numbers import (
    UNITS,
    NumberRead,
    fix_sizes,
    fix_words,
    fractions_as_decimals,
    parse_number,
)
from app.extraction.units import same_dimension_factor

Mark = Literal["x", "@", "=", "-"]
Label = Literal["quantity", "rate", "amount"]

LABELS: dict[str, Label] = {
    "qty": "quantity",
    "quantity": "quantity",
    "rate": "rate",
    "price": "rate",
    "amt": "amount",
    "amount": "amount",
}
"""`Qty: 2  Rate: 140.00  Amt: 280.00`: a word that says what the number after it is."""
MONEY_SIGN = "\u00a4"
"""`Rs.`, `INR` and `₹` become this sign glued to the number after them: a price, not a count."""

MEASURE_UNITS = frozenset({"kg", "g", "l", "ml", "dozen", "pcs", "pack", "box", "bag", "bottle"})
"""Units that say "this number is how much was bought" (not `m`: too often a stray letter)."""

_MARKS = re.compile(r"\s*(\u00d7|\*|@|=|(?<=\d)\s*[xX](?=\s*\u00a4?\d)|(?<=\s)[xX](?=\s))\s*")
RUPEE_WORDS = r"rs|inr|rupees?|rupaye|rupay"
"""How bills write the currency in letters (a regex alternation)."""
_CURRENCY = re.compile(rf"(?:(?<![A-Za-z])(?:{RUPEE_WORDS})(?![A-Za-z])\.?|₹)\s*", re.IGNORECASE)
"""`Rs.44`, `Rs 44`, `Rs44` (OCR drops the space), `₹44`, `rupees 44`."""
_CURRENCY_AFTER = re.compile(
    rf"(\d[\d,]*(?:\.\d+)?)\s?(?:{RUPEE_WORDS}|₹)\.?(?![A-Za-z])", re.IGNORECASE
)
"""`5rs`, `280 Rs`: the sign after the number."""
_BRACKETED = re.compile(r"[(\[]\s*(\d[^()\[\]]{0,12}?)\s*[)\]]")
"""`Sugar (5kg) 220`: a quantity in brackets."""
_DASH_SUFFIX = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)\s*/\s*[-=]")
"""`220/-`: rupees, written the way cheques and bills close an amount."""
_NUMBER_UNIT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)([A-Za-z][A-Za-z01I|]*)\.?$")
_PER_UNIT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s*/\s*([A-Za-z]+)$")
_SERIAL = re.compile(r"^\(?\d{1,3}[.)\-]$|^#\d{1,3}$")


_COUNTS = frozenset({"pcs", "pack", "dozen", "box", "bag", "bottle"})
_CONSISTENT = 8
_REPAIRABLE = 3
"""The weight of quantity x rate = amount: more than every hint together."""
_LABELLED = 4
"""A number its label (`Rate:`) names: strong, but arithmetic still decides."""
_MONEY_QUANTITY = 10
"""`Rs.44 x 5`: money is never the quantity, whatever the marks around it say."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: Literal["word", "number", "mark"]
    text: str
    number: NumberRead | None = None
    unit: str | None = None
    per_unit: bool = False
    """`44/kg`: a rate per unit, never a quantity."""
    money: bool = False
    """`Rs.44`, `₹44`: a rate or an amount, never a quantity."""
    label: Label | None = None
    """What the word before it (`Qty:`, `Rate:`, `Amt:`) says this number is."""


@dataclass(frozen=True, slots=True)
class FreeReading:
    """A line as read: the name's text and the numbers chosen, with their units."""

    name: str
    quantity: NumberRead | None
    rate: NumberRead | None
    amount: NumberRead | None
    unit: str | None
    score: int


def respace(text: str) -> str:
    """Put back spaces the OCR model drops: 'TataSalt1kg' -> 'Tata Salt 1kg'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z]{2})", " ", text)
    text = re.sub(r"(?<=[A-Za-z])(?=\d)", " ", text)
    text = re.sub(
        r"(\d)([A-Za-z]+)",
        lambda m: m.group(0) if m.group(2).casefold() in UNITS else f"{m.group(1)} {m.group(2)}",
        text,
    )
    return " ".join(text.split())


_UNIT_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_UNIT_TIMES = re.compile(rf"(?<=\d)(\s?(?:{_UNIT_WORDS}))[xX](?=\s*\u00a4?[\dIlOS])", re.IGNORECASE)
_UNIT_THEN_DIGIT = re.compile(rf"(?<=\d)({_UNIT_WORDS})(?=\d)", re.IGNORECASE)
_UNIT_THEN_WORD = re.compile(
    r"(?<=\d)(\s?)(PCS|PKT|NOS|KGS?|DOZ|LTR|GMS?|BTL|BOX|BAG)(?=[A-Z]{3,})"
)
_CURRENCY_MISREAD = re.compile(r"(?<![\w.])[tzF](?=\d{2,}(?:\.\d+)?(?!\w))")
_GLUED_SERIAL = re.compile(r"^\s*\(?\d{1,2}\s*[.)\-]\s*(?=[A-Za-z])")
"""'1)RED CHILLI', '4.CLINIC', '9-Mustard': a serial number run into the name."""
_SPLIT_DECIMAL = re.compile(r"(?<=\d)\.\s+(?=\d)")


def _number_like(token: str) -> str:
    """A token that is a number but for OCR's look-alike letters ('I43', '36O', '1S'), as
    digits, so spacing the words apart does not cut it; anything else unchanged."""
    sign = MONEY_SIGN if token.startswith(MONEY_SIGN) else ""
    token = token.removeprefix(sign)
    if not any(ch.isdigit() for ch in token) or sum(ch.isalpha() for ch in token) > 1:
        return sign + token
    read = parse_number(token)
    return sign + (token if read is None else format(read.value, "f"))


_LABEL_GLUED = re.compile(
    rf"((?<![A-Za-z])(?i:{'|'.join(LABELS)})|(?<=[A-Za-z])(?:{'|'.join(map(str.title, LABELS))}))"
    r"\s*[:.]+\s*"
)
"""`Qty:2`, `Qty.: 24`, `25KGPrice:54.00`, `2BagPrice:`: a label and its colon, glued to
what is around (after letters only capitalised, so no word's ending is taken for one)."""
_ZERO_IN_WORD = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")
"""A zero between letters is an O ('33/B0X' is 33 a box, not '33/B 0 x')."""
_RUPEES_GLUED = re.compile(r"(?<=[A-Za-z])(?=(?:Rs|RS)\.?\s?\d)")
"""`Vim Bar 200gRs.19`: OCR ran the unit into the rupee sign."""
_UNIT_GLUED = re.compile(rf"(?<=\d)((?i:{_UNIT_WORDS}))(?![A-Za-z])")
"""`2BoX`: a unit glued to its number, lower-cased so that spacing words apart keeps it whole
(one-letter units stay: a lower-case `l` after digits reads as a `1`)."""
_UNIT_LOOKALIKE_GLUED = re.compile(r"(?<=\d)([A-Za-z]{1,3}[1I|])(?!\w)")
"""`20bt1`, `3btI`: a unit whose last letter OCR read as a digit or an I."""
_UNIT_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "5": "s", "|": "l"})


def _unit_spelling(word: str) -> str | None:
    """The unit table's spelling of a unit word, OCR's look-alikes undone ('Itr' is 'ltr', 'bt1'
    is 'btl'); None when the word names no unit."""
    folded = word.casefold()
    if folded in UNITS:
        return folded
    repaired = folded.translate(_UNIT_LOOKALIKES).replace("i", "l") if len(folded) > 1 else ""
    return repaired if repaired in UNITS and repaired.endswith(("l", "tr", "tl")) else None


def _unit_word(word: str) -> str | None:
    """The unit a word names (`kg`, `l`, `bottle`...), look-alikes undone."""
    spelling = _unit_spelling(word)
    return UNITS[spelling] if spelling is not None else None


def _unit_text(word: str) -> str:
    """A unit word as the unit table spells it; any other word as read."""
    return _unit_spelling(word) or word


def prepare(text: str) -> str:
    """A row's text made ready to cut into tokens (the order matters: sizes and numbers are
    repaired before words are spaced apart, so '5OOG' stays a size and 'I43' a number)."""
    text = _ZERO_IN_WORD.sub("O", text)  # 'MUSTARD0IL', 'B0X': before '0IL' becomes '01L'
    text = _GLUED_SERIAL.sub("", fix_sizes(fractions_as_decimals(text)))
    text = _LABEL_GLUED.sub(r" \1 ", text)  # 'Amt:220.00', 'Qty:2Rate:140.00'
    text = _BRACKETED.sub(r" \1 ", text)
    text = _RUPEES_GLUED.sub(" ", text)
    text = _UNIT_LOOKALIKE_GLUED.sub(lambda m: _unit_text(m[1]), text)
    text = _CURRENCY_AFTER.sub(lambda m: f" {MONEY_SIGN}{m[1]} ", text)
    text = _CURRENCY.sub(f" {MONEY_SIGN}", text)
    text = _DASH_SUFFIX.sub(lambda m: f"{MONEY_SIGN}{m[1]} ", text)
    text = _UNIT_TIMES.sub(r"\1 x ", text)  # '8PCSX25': the x right after the unit
    text = _UNIT_GLUED.sub(lambda m: m[1].casefold() if len(m[1]) > 1 else m[1], text)
    text = _MARKS.sub(lambda m: f" {_mark_of(m.group(1))} ", text)
    # a dash between a word or number and a number: "Maggi - 45", "5kg-220"
    text = re.sub(r"(?<=[\w)])\s*-\s*(?=\u00a4?\d)", " - ", text)
    text = _SPLIT_DECIMAL.sub(".", text)
    text = _CURRENCY_MISREAD.sub("", text)  # a rupee sign read as a letter: 't260'
    text = " ".join(_number_like(token) for token in text.split())
    text = respace(fix_words(text))
    text = _UNIT_THEN_DIGIT.sub(r"\1 ", text)  # '500 g1 x 59': the unit, then the quantity
    return _UNIT_THEN_WORD.sub(r"\1\2 ", text)  # '18 PCSBANANA'


def _mark_of(symbol: str) -> str:
    symbol = symbol.strip()
    return "x" if symbol in ("\u00d7", "*", "x", "X") else symbol


def tokenize(text: str) -> list[Token]:
    """Words, numbers with their units, and the marks `x @ = -`."""
    tokens: list[Token] = []
    for raw in prepare(text).split(" "):
        money = raw.startswith(MONEY_SIGN)
        raw = raw.lstrip(MONEY_SIGN)
        if not raw:
            continue
        if not tokens and _SERIAL.match(raw):
            continue  # `1)`, `2.`, `(3)` before the text: a serial number, not a quantity
        if raw in ("x", "@", "=", "-"):
            tokens.append(Token("mark", raw))
            continue
        per = _PER_UNIT.match(raw)
        if per and per.group(2).casefold() in UNITS:
            number = parse_number(per.group(1))
            if number is not None:
                per_unit = UNITS[per.group(2).casefold()]
                tokens.append(Token("number", raw, number, per_unit, per_unit=True, money=money))
                continue
        glued = _NUMBER_UNIT.match(raw)
        if glued and _unit_word(glued.group(2)) is not None:
            number = parse_number(glued.group(1))
            if number is not None:
                glued_unit = _unit_word(glued.group(2))
                tokens.append(Token("number", raw, number, glued_unit, money=money))
                continue
        word = raw.strip(".,:;")
        unit = _unit_word(word) if word else None
        if unit and tokens and tokens[-1].kind == "number" and tokens[-1].unit is None:
            previous = tokens[-1]
            tokens[-1] = Token("number", f"{previous.text} {raw}", previous.number, unit)
            continue
        number = parse_number(raw) if any(ch.isdigit() for ch in raw) else None
        if number is not None:
            tokens.append(Token("number", raw, number, money=money))
        elif word:
            tokens.append(Token("word", word))
    return _labelled(tokens)


def _labelled(tokens: list[Token]) -> list[Token]:
    """`Qty: 2`, `Rate 140`: the label becomes a mark and says what the number after it is."""
    for index, token in enumerate(tokens[:-1]):
        label = LABELS.get(token.text.casefold()) if token.kind == "word" else None
        following = tokens[index + 1]
        if label is not None and following.kind == "number":
            tokens[index] = Token("mark", token.text)
            tokens[index + 1] = replace(following, label=label)
    return tokens


def _inside_name(tokens: list[Token], index: int) -> bool:
    """A number between words, or right after the words with its unit glued on: a pack size."""
    before = tokens[index - 1] if index > 0 else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if before is None or before.kind != "word":
        return False
    return (after is not None and after.kind == "word") or tokens[index].unit is not None


def _money_like(token: Token) -> bool:
    """Printed like money (`77.50`, `12.00`: paise, ending in 0) and without a unit."""
    return token.unit is None and bool(re.fullmatch(r"\d[\d,]*\.\d0", token.text))


def _rate_unit_factor(tokens: list[Token], quantity: int | None, rate: int | None) -> Decimal:
    """`250 g @ 400/kg`: the quantity's unit in the rate's (0.001), else 1."""
    if quantity is None or rate is None or not tokens[rate].per_unit:
        return Decimal(1)
    factor = same_dimension_factor(tokens[quantity].unit, tokens[rate].unit)
    return factor if factor is not None else Decimal(1)


def _score(
    tokens: list[Token], quantity: int | None, rate: int | None, amount: int | None, last: int
) -> int:
    """How likely this choice of quantity, rate and amount is (`last`: the last number's index)."""
    chosen = [i for i in (quantity, rate, amount) if i is not None]
    q = tokens[quantity].number if quantity is not None else None
    r = tokens[rate].number if rate is not None else None
    a = tokens[amount].number if amount is not None else None
    score = 0
    if q and r and a:
        if consistent(q.value * _rate_unit_factor(tokens, quantity, rate), r.value, a.value):
            score += _CONSISTENT
        else:  # one misread digit ('0. 51' for '0.5 L') is corrected later, and flagged
            pack_size = quantity is not None and _inside_name(tokens, quantity)
            score += _REPAIRABLE if repairable(q, r, a) and not pack_size else -6
    elif q and a:
        score += 1
    elif q and r:  # people write the quantity and the amount more often than the rate
        score += 0
    elif r and a:  # people write the quantity and the amount; a rate alone is rarer
        score += 0 if r.value and a.value % r.value == 0 else -1
    elif q:
        score -= 4
    if q is not None and q.value <= 0:
        return -100
    for role, index in (("quantity", quantity), ("rate", rate), ("amount", amount)):
        label = tokens[index].label if index is not None else None
        if label is not None:
            score += _LABELLED if label == role else -_LABELLED
    if quantity is not None and tokens[quantity].money:
        score -= _MONEY_QUANTITY
    if quantity is not None and rate is not None and _money_like(tokens[quantity]):
        score -= 0 if _money_like(tokens[rate]) else _MONEY_QUANTITY - 1  # '77.50 x 30'
    if a is not None and r is not None and q is not None and q.value >= 1 and a.value < r.value:
        score -= 3

    def mark_before(index: int) -> str | None:
        return tokens[index - 1].text if index > 0 and tokens[index - 1].kind == "mark" else None

    def mark_after(index: int) -> str | None:
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        return following.text if following is not None and following.kind == "mark" else None

    if quantity is not None:
        token = tokens[quantity]
        if mark_after(quantity) in ("x", "@"):
            score += 3
        if token.per_unit:
            score -= 6
        elif token.unit in MEASURE_UNITS:
            score += 2
        if mark_before(quantity) == "x" and rate is None:
            score += 3  # 'Atta 10kg bag x 1 = 380', 'Milk 1/2 ltr x 4 = 120': times how many
        if mark_before(quantity) == "@":
            score -= 6  # '@ 14.00 x 2': what follows an @ is a rate
        elif mark_before(quantity) == "=":
            score -= 3
        if _inside_name(tokens, quantity) and mark_after(quantity) not in ("x", "@"):
            score -= 1
    if rate is not None:
        if mark_before(rate) in ("x", "@"):
            score += 3
        if tokens[rate].per_unit:
            score += 2
        if mark_before(rate) == "=":
            score -= 3
        if tokens[rate].unit in MEASURE_UNITS and not tokens[rate].per_unit:
            score -= 3  # '1L', '500g': a size or a quantity, not a price
    if amount is not None:
        if mark_before(amount) == "=":
            score += 3
        elif mark_before(amount) == "-":
            score += 1
        if mark_before(amount) in ("x", "@"):
            score -= 3
        if amount == last:
            score += 1
        if tokens[amount].unit in MEASURE_UNITS:
            score -= 3
    order = [i for i in (quantity, rate, amount) if i is not None]
    if order != sorted(order):
        score -= 2
    first_chosen = min(chosen)
    for index, token in enumerate(tokens):
        if token.kind != "number" or index in chosen:
            continue
        if index > first_chosen or not _inside_name(tokens, index):
            score -= 3
    return score


def _split_readings(tokens: list[Token]) -> list[tuple[list[Token], int]]:
    """`10 x 30.00` read as one number, `1030.00` (or `6056.00` for `6 x 56.00`): each way
    of cutting a long number into a quantity and a rate, as another token list to score, with
    the cut's index (whole-number quantities, no part starting with 0). A split reading counts
    only when its quantity and rate are the cut's two parts."""
    readings = []
    for index, token in enumerate(tokens):
        number = token.number
        if token.kind != "number" or number is None or token.unit is not None:
            continue
        whole, _, decimals = number.text.replace(",", "").partition(".")
        if len(whole) < 3 or not whole.isdigit():
            continue
        cuts = [(cut, cut) for cut in range(1, len(whole))]
        # the `x` itself read as a 0: `6 x 56.00` -> `6056.00`
        cuts += [(cut, cut + 1) for cut in range(1, len(whole) - 1) if whole[cut] == "0"]
        for end, resume in cuts:
            quantity = whole[:end]
            rate = whole[resume:] + (f".{decimals}" if decimals else "")
            if rate.startswith("0"):
                continue
            parts = [
                Token("number", quantity, NumberRead(Decimal(quantity), quantity)),
                Token("mark", "x"),
                Token("number", rate, NumberRead(Decimal(rate), rate)),
            ]
            readings.append(([*tokens[:index], *parts, *tokens[index + 1 :]], index))
    return readings


def _best(tokens: list[Token]) -> tuple[int, int | None, int | None, int | None] | None:
    numbers = [i for i, token in enumerate(tokens) if token.kind == "number"]
    options: list[int | None] = [*numbers[-6:], None]
    best: tuple[int, int | None, int | None, int | None] | None = None
    for quantity, rate, amount in product(options, repeat=3):
        if quantity is None and rate is None and amount is None:
            continue
        chosen = [i for i in (quantity, rate, amount) if i is not None]
        if len(set(chosen)) != len(chosen):
            continue
        score = _score(tokens, quantity, rate, amount, numbers[-1])
        if best is None or score > best[0]:
            best = (score, quantity, rate, amount)
    return best


_SPLIT_COST = 4
"""A cut number must add up to beat the reading as printed."""


def read_free_line(text: str) -> FreeReading | None:
    """The best reading of one line of free text, or None when no numbers make an item."""
    tokens = tokenize(text)
    if not any(token.kind == "number" for token in tokens):
        return None
    best = _best(tokens)
    if best is not None and best[0] < _CONSISTENT:
        for split, cut in _split_readings(tokens):
            candidate = _best(split)
            if (
                candidate is not None
                and candidate[1:3] == (cut, cut + 2)  # the cut's two parts: quantity x rate
                and candidate[0] >= _CONSISTENT
                and candidate[0] - _SPLIT_COST > best[0]
            ):
                best, tokens = (candidate[0] - _SPLIT_COST, *candidate[1:]), split
    if best is None or best[0] <= 0:
        return None
    score, quantity, rate, amount = best
    used = {i for i in (quantity, rate, amount) if i is not None}
    unit = tokens[quantity].unit if quantity is not None else None
    if quantity is not None and unit is None:
        # 'Eggs 2 dozen  2 x 84 = 168': the quantity written again with its unit before it
        for index in range(quantity - 1, -1, -1):
            token = tokens[index]
            number = token.number
            if token.kind == "number" and number is not None and token.unit in MEASURE_UNITS:
                # a weight glued on ('Tata Salt 1kg') is the pack's size, not the quantity's
                counted = token.unit in _COUNTS or " " in token.text
                same = number.value == tokens[quantity].number.value  # type: ignore[union-attr]
                if counted and same:
                    unit = token.unit
                    used.add(index)
                break
    read_quantity = tokens[quantity].number if quantity is not None else None
    factor = _rate_unit_factor(tokens, quantity, rate)
    if read_quantity is not None and factor != 1:
        # '250 g @ 400/kg = 100': the quantity in the rate's unit, 0.25 kg
        read_quantity = NumberRead(read_quantity.value * factor, read_quantity.text)
        unit = tokens[rate].unit  # type: ignore[index]
    name = " ".join(
        token.text
        for index, token in enumerate(tokens)
        if index not in used
        and (token.kind == "word" or index < min(used) or _inside_name(tokens, index))
        and token.kind != "mark"
    )
    return FreeReading(
        name=name,
        quantity=read_quantity,
        rate=tokens[rate].number if rate is not None else None,
        amount=tokens[amount].number if amount is not None else None,
        unit=unit,
        score=score,
    )
