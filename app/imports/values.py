"""One spreadsheet cell's text -> a typed value, or a `CellError` saying why not. Pure.

Shops type numbers the way they write them on paper: `1,00,000.50` (Indian grouping),
`₹ 45`, `45/-`, `Rs. 45.00`, sometimes in Devanagari digits (`४५`). Everything here is
exact (`Decimal` parsed from text, never through binary floating point) and refuses
rather than guesses: `1.2.3`, `1,2,3`, a negative price or a third decimal place of money
is an error with a reason the shop can act on.
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from app.core.money import MAX_MONEY, MAX_QUANTITY

UNITS = ("pcs", "kg", "g", "l", "ml", "pack", "box", "dozen", "m", "bottle", "bag")
"""The units a product may have (`app.products.schemas.Unit`, the `products.unit` CHECK)."""


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message is the reason."""


class NegativeNumber(CellError):
    """A number written with a minus sign (or in brackets): a column may give it its own reason."""


_DEVANAGARI_DIGITS = {ord(digit): str(value) for value, digit in enumerate("०१२३४५६७८९")}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# Currency marks in front (`₹`, `Rs.`, `Rs`, `INR`, `रु.`) and the `/-` written after rupees.
_CURRENCY_PREFIX = re.compile(r"^(₹|rs\.?|inr|रु\.?|रू\.?)", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"(/-|/=|-/|₹)$")
_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_WESTERN_GROUPS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_INDIAN_GROUPS = re.compile(r"[0-9]{1,2}(,[0-9]{2})*,[0-9]{3}")


def _number_text(raw: str, what: str) -> str:
    """`₹ 1,00,000.50/-` -> `100000.50`; the sign is refused here (never a valid input)."""
    text = unicodedata.normalize("NFKC", raw).translate(_DEVANAGARI_DIGITS)
    text = _SPACES.sub("", text)
    for _ in range(2):  # `Rs.45/-` and `45 ₹`, in either order
        text = _CURRENCY_PREFIX.sub("", text)
        text = _CURRENCY_SUFFIX.sub("", text)
    if text.startswith(("-", "\u2212", "(")):
        raise NegativeNumber(f"{what} cannot be negative ('{raw.strip()}')")
    text = text.removeprefix("+")
    if text.count(".") > 1:
        raise CellError(f"'{raw.strip()}' is not a number (more than one decimal point)")
    whole, point, fraction = text.partition(".")
    if "," in whole:
        if not (_WESTERN_GROUPS.fullmatch(whole) or _INDIAN_GROUPS.fullmatch(whole)):
            raise CellError(f"'{raw.strip()}' is not a number (commas in the wrong places)")
        whole = whole.replace(",", "")
    text = f"{whole}{point}{fraction}"
    if not _PLAIN.fullmatch(text):
        raise CellError(f"'{raw.strip()}' is not a number")
    return text


def _decimal(raw: str, what: str, places: int, maximum: Decimal) -> Decimal:
    text = _number_text(raw, what)
    value = Decimal(text)  # only digits and one point get here
    # Trailing zeros are not places: `45.500` is 45.5 rupees.
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        limit = "2 decimal places (paise)" if places == 2 else f"{places} decimal places"
        raise CellError(f"{what} '{raw.strip()}' has more than {limit}")
    if value > maximum:
        raise CellError(f"{what} '{raw.strip()}' is too large (at most {maximum:,})")
    return value.quantize(Decimal(1).scaleb(-places))


def parse_money(raw: str, what: str = "Amount") -> Decimal:
    """Rupees with at most 2 decimals, >= 0: `1,00,000.50`, `₹ 45`, `45/-`, `Rs. 45.00`."""
    return _decimal(raw, what, 2, MAX_MONEY)


def parse_quantity(raw: str, what: str = "Quantity") -> Decimal:
    """A stock figure with at most 3 decimals (`2.5` kg, `1,200` pcs), >= 0."""
    return _decimal(raw, what, 3, MAX_QUANTITY)


def parse_gst_rate(raw: str) -> Decimal:
    """`18`, `18%`, `18.0`, `18 %`, `GST 18%` -> 18; from 0 to 100 with at most 2 decimals.

    Whether it is a slab in force is the product service's check (it knows the shop's today).
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw)).translate(_DEVANAGARI_DIGITS)
    text = re.sub(r"^(gst|igst|tax)[@:]?", "", text, flags=re.IGNORECASE).removesuffix("%")
    if text.startswith(("-", "\u2212")):
        raise CellError(f"GST rate cannot be negative ('{raw.strip()}')")
    if not _PLAIN.fullmatch(text):
        raise CellError(f"'{raw.strip()}' is not a GST rate (write it as 18 or 18%)")
    value = Decimal(text)
    if value > 100:
        raise CellError(f"GST rate '{raw.strip()}' is above 100%")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise CellError(f"GST rate '{raw.strip()}' has more than 2 decimal places")
    return value.quantize(Decimal("0.01"))


_UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "pcs": (
        "pcs", "pc", "piece", "pieces", "nos", "no", "number", "numbers", "unit", "units",
        "ea", "each", "qty", "नग", "पीस", "नंबर",
    ),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "किलो", "किग्रा", "किलोग्राम"),
    "g": ("g", "gm", "gms", "gram", "grams", "gr", "grm", "grms", "gramme", "ग्राम"),
    "l": ("l", "lt", "ltr", "ltrs", "litre", "litres", "liter", "liters", "lit", "लीटर", "लिटर"),
    "ml": ("ml", "mls", "millilitre", "millilitres", "milliliter", "milliliters", "मिली"),
    "pack": ("pack", "packs", "pkt", "pkts", "packet", "packets", "pk", "पैकेट", "पैक"),
    "box": ("box", "boxes", "bx", "carton", "ctn", "डिब्बा", "बॉक्स"),
    "dozen": ("dozen", "dozens", "doz", "dz", "dzn", "दर्जन"),
    "m": ("m", "mtr", "mtrs", "meter", "meters", "metre", "metres", "मीटर"),
    "bottle": ("bottle", "bottles", "btl", "btls", "बोतल"),
    "bag": ("bag", "bags", "bori", "sack", "बोरी", "थैला", "बैग"),
}  # fmt: skip


def unit_key(raw: str) -> str:
    """`' Kg. '` -> `kg`, `कि.ग्रा.` -> `किग्रा`: case, spaces and dots do not matter."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    return re.sub(r"[\s.\-_()]+", "", text)


_UNITS: dict[str, str] = {
    unit_key(spelling): unit
    for unit, spellings in _UNIT_SPELLINGS.items()
    for spelling in spellings
}


def parse_unit(raw: str) -> str:
    """One of `UNITS`, from the ways shops write them (`KG`, `Kg.`, `किलो`, `pkt`, `ltr`...)."""
    unit = _UNITS.get(unit_key(raw))
    if unit is None:
        raise CellError(f"unknown unit '{raw.strip()}' (use one of: {', '.join(UNITS)})")
    return unit


_BARCODE = re.compile(r"[0-9A-Za-z\-]{1,64}")
_WHOLE_NUMBER_TEXT = re.compile(r"([0-9]+)\.0*")
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?e\+?[0-9]+", re.IGNORECASE)


def parse_barcode(raw: str) -> str:
    """Digits kept as text: `8901234567890.0` (a spreadsheet number cell) -> `8901234567890`.

    `8.90123E+12` is what a spreadsheet writes when it showed a long barcode as a number: the
    last digits are gone, so it is refused rather than stored wrong.
    """
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw)).translate(_DEVANAGARI_DIGITS)
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(
            f"barcode '{raw.strip()}' lost its digits (scientific notation): "
            "format the column as text and export again"
        )
    whole = _WHOLE_NUMBER_TEXT.fullmatch(text)
    if whole:
        text = whole.group(1)
    if not _BARCODE.fullmatch(text):
        raise CellError(
            f"'{raw.strip()}' is not a barcode (letters, digits and '-', at most 64 characters)"
        )
    return text


def parse_hsn(raw: str) -> str:
    """An HSN/SAC code: 4 to 8 digits, as text (`3401`, `3401.0` from a number cell)."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", raw)).translate(_DEVANAGARI_DIGITS)
    whole = _WHOLE_NUMBER_TEXT.fullmatch(text)
    if whole:
        text = whole.group(1)
    if not re.fullmatch(r"[0-9]{4,8}", text):
        raise CellError(f"'{raw.strip()}' is not an HSN code (4 to 8 digits)")
    return text


_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4}|[0-9]{2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})([T ][0-9:.]+)?")
_MONTH_NAME = re.compile(r"([0-9]{1,2})[-/. ]*([a-z]{3,9})[-/., ]*([0-9]{4}|[0-9]{2})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_EXCEL_SERIAL = re.compile(r"[0-9]{5}")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of a spreadsheet's date serial numbers (Excel's 1900 system, its leap-year bug
included: 1 March 1900 onwards is right, which is every date a shop will have)."""
_EXCEL_SERIALS = range(36_526, 73_051)
"""2000-01-01 .. 2099-12-31: a five-digit number outside it is no date."""


def _full_year(text: str) -> int:
    """`26` -> 2026: a two-digit year in a shop's books is this century's."""
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(raw: str) -> dt.date:
    """`dd-mm-yyyy`, `dd/mm/yyyy`, `dd.mm.yyyy`, `dd/mm/yy` (the Indian order), `5-Apr-2026`
    or `5 April 26` (what Tally and many apps print), `yyyy-mm-dd` (what a spreadsheet's date
    cell reads as, with or without a time), or a spreadsheet's date serial number (`46115`,
    a date cell that lost its format in a CSV). `03/04/2026` is 3 April, never 4 March."""
    text = raw.strip().translate(_DEVANAGARI_DIGITS)
    day_first = _DAY_FIRST.fullmatch(text)
    iso = _ISO.fullmatch(text)
    named = _MONTH_NAME.fullmatch(text.casefold())
    if day_first:
        day, month = int(day_first.group(1)), int(day_first.group(2))
        year = _full_year(day_first.group(3))
    elif iso:
        year, month, day = (int(part) for part in iso.groups()[:3])
    elif named and named.group(2) in _MONTHS:
        day, month, year = int(named.group(1)), _MONTHS[named.group(2)], _full_year(named.group(3))
    elif _EXCEL_SERIAL.fullmatch(text) and int(text) in _EXCEL_SERIALS:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    else:
        raise CellError(f"'{raw.strip()}' is not a date (write it as dd-mm-yyyy)")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"'{raw.strip()}' is not a date on the calendar") from exc
