"""How bills print numbers: `45.00`, `45`, `1,250.00` (Indian grouping), amounts in words."""

from decimal import Decimal


def qty(value: Decimal) -> str:
    """2, 2.5, 0.25 - as few digits as the value needs."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def short(value: Decimal) -> str:
    """280 for whole rupees, 112.50 otherwise (handwritten bills)."""
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def indian(value: Decimal, paise: bool = True) -> str:
    """1,25,000.00 - lakhs grouping, as Indian bills print."""
    whole = int(value)
    digits = str(whole)
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join([*groups, tail])
    if not paise:
        return digits
    return f"{digits}.{int((value - whole) * 100):02d}"


_ONES = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
_TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


def _below_hundred(number: int) -> str:
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def _words(number: int) -> str:
    parts = []
    for size, name in ((10**7, "Crore"), (10**5, "Lakh"), (1000, "Thousand"), (100, "Hundred")):
        if number >= size:
            count, number = divmod(number, size)
            parts.append(f"{_words(count)} {name}")
    if number or not parts:
        parts.append(_below_hundred(number))
    return " ".join(parts)


def in_words(value: Decimal) -> str:
    """'Rupees One Thousand Two Hundred Fifty and Paise Fifty Only'."""
    rupees = int(value)
    paise = int((value - rupees) * 100)
    text = f"Rupees {_words(rupees)}"
    if paise:
        text += f" and Paise {_words(paise)}"
    return text + " Only"
