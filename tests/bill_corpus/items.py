"""Random but seeded bill contents: items with vendor spellings, quantities, units, rates, and
the vendor's header (name, address, GSTIN, bill number, date)."""

import random
from dataclasses import dataclass
from decimal import Decimal

from tests.bill_corpus.catalogue import CATALOGUE, CatalogueProduct
from tests.bill_corpus.model import Drawn, convert

UNIT_TEXT = {
    "kg": ("kg", "Kg", "KG", "kgs"),
    "g": ("g", "gm", "gms"),
    "l": ("L", "ltr", "Ltr"),
    "ml": ("ml", "ML"),
    "pcs": ("pcs", "nos", "Pcs"),
    "pack": ("pkt", "pack", "Pkt"),
    "box": ("box", "Box"),
    "dozen": ("dozen", "doz", "Dozen"),
    "m": ("m", "mtr"),
    "bottle": ("btl", "bottle"),
    "bag": ("bag", "Bag"),
}
"""Normalised unit -> how bills print it."""

_HALVES = (Decimal("0.5"), Decimal("1.5"), Decimal("2.5"), Decimal("0.25"), Decimal("1.25"))


def _rate(rng: random.Random, product: CatalogueProduct, whole: bool) -> Decimal:
    """Near the product's usual rate; whole rupees when the quantity has decimals (so the amount
    is exact in paise), else sometimes 50 paise."""
    base = float(product.rate) * rng.uniform(0.85, 1.15)
    if whole or base >= 100 or rng.random() < 0.6:
        return Decimal(max(1, round(base)))
    return Decimal(round(base * 2)) / 2


def _quantity(rng: random.Random, unit: str) -> Decimal:
    if unit in ("kg", "l", "m", "dozen") and rng.random() < 0.4:
        return rng.choice(_HALVES)
    if unit in ("kg", "l"):
        return Decimal(rng.choice((1, 2, 3, 5, 10, 25)))
    if unit in ("dozen", "bag", "m"):
        return Decimal(rng.choice((1, 2, 3, 4, 5, 6, 10)))
    return Decimal(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 30, 36, 48)))


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def plain(rng: random.Random, product: CatalogueProduct, name: str) -> Drawn:
    """No unit printed: the quantity is in the product's own unit (never g/ml products)."""
    quantity = _quantity(rng, product.unit)
    rate = _rate(rng, product, whole=quantity != quantity.to_integral_value())
    return Drawn(product, name, quantity, None, "", rate, _money(quantity * rate))


def own_unit(rng: random.Random, product: CatalogueProduct, name: str) -> Drawn:
    """The product's own unit printed beside the quantity (`2.5 kg`, `12 pcs`)."""
    if product.unit in ("g", "ml"):
        quantity = Decimal(rng.choice((50, 100, 200, 250, 500)))
        rate = _money(product.rate)
        amount = _money(quantity * rate)
        return Drawn(
            product, name, quantity, product.unit, rng.choice(UNIT_TEXT[product.unit]), rate, amount
        )
    drawn = plain(rng, product, name)
    text = rng.choice(UNIT_TEXT[product.unit])
    return Drawn(product, name, drawn.quantity, product.unit, text, drawn.rate, drawn.amount)


def any_unit(rng: random.Random, product: CatalogueProduct, name: str) -> Drawn:
    """A unit as a kachha bill or estimate prints it, often not the product's own: `500 g` of a
    kg product, `1 dozen` eggs, `500 ml` milk, `6 pcs` banana. Rate per printed unit, or no rate
    (amount only) where a per-gram or per-piece rate would be absurd."""
    unit = product.unit
    choice = rng.random()
    if unit == "kg" and choice < 0.35:
        grams = Decimal(rng.choice((250, 500, 750)))
        return _amount_only(rng, product, name, grams, "g")
    if unit == "g":
        if choice < 0.5:
            kilos = rng.choice((Decimal("0.25"), Decimal("0.5"), Decimal("1")))
            rate = Decimal(round(float(product.rate) * 1000 / 10) * 10)
            return _drawn(rng, product, name, kilos, "kg", rate)
        return _amount_only(rng, product, name, Decimal(rng.choice((50, 100, 200, 250))), "g")
    if unit == "l" and choice < 0.35:
        return _amount_only(rng, product, name, Decimal(rng.choice((250, 500))), "ml")
    if product.name == "Eggs" and choice < 0.6:
        dozens = rng.choice((Decimal(1), Decimal(2), Decimal("2.5"), Decimal(3)))
        return _drawn(rng, product, name, dozens, "dozen", product.rate * 12)
    if unit == "dozen" and choice < 0.35:
        return _amount_only(rng, product, name, Decimal(rng.choice((6, 18, 30))), "pcs")
    return own_unit(rng, product, name)


def _drawn(
    rng: random.Random,
    product: CatalogueProduct,
    name: str,
    quantity: Decimal,
    unit: str,
    rate: Decimal,
) -> Drawn:
    return Drawn(
        product, name, quantity, unit, rng.choice(UNIT_TEXT[unit]), rate, _money(quantity * rate)
    )


def _amount_only(
    rng: random.Random, product: CatalogueProduct, name: str, quantity: Decimal, unit: str
) -> Drawn:
    """`Jeera 100 g - 40`: no rate printed; the amount at the product's rate, whole rupees."""
    amount = Decimal(max(1, round(float(convert(quantity, unit, product.unit) * product.rate))))
    return Drawn(product, name, quantity, unit, rng.choice(UNIT_TEXT[unit]), None, _money(amount))


def pick(
    rng: random.Random,
    count: int,
    *,
    loose: bool | None = None,
    allow_small_units: bool = True,
) -> list[CatalogueProduct]:
    """`count` distinct products; loose=True only loose goods and other units, False only
    packed goods, None any; without small units, no g/ml products (their bills need units)."""
    pool = [
        product
        for index, product in enumerate(CATALOGUE)
        if (loose is None or (index >= 28) == loose)
        and (allow_small_units or product.unit not in ("g", "ml"))
    ]
    return rng.sample(pool, min(count, len(pool)))


def spelling(rng: random.Random, product: CatalogueProduct) -> str:
    return rng.choice(product.spellings)


@dataclass(frozen=True)
class Header:
    vendor: str
    address: str
    phone: str
    gstin: str
    bill_no: str
    date: tuple[int, int, int]  # year, month, day

    def date_text(self, style: int = 0) -> str:
        year, month, day = self.date
        return (
            f"{day:02d}/{month:02d}/{year}",
            f"{day:02d}-{month:02d}-{year % 100:02d}",
            f"{day}.{month}.{year}",
        )[style % 3]

    @property
    def iso_date(self) -> str:
        year, month, day = self.date
        return f"{year:04d}-{month:02d}-{day:02d}"


_FIRST = (
    "Agarwal",
    "Shree Ganesh",
    "Jai Bhavani",
    "Gupta",
    "Sai Krishna",
    "Mahalaxmi",
    "Bansal",
    "New Balaji",
    "Patel",
    "Om Sai",
    "Annapurna",
    "Raj",
    "Maruti",
    "Sri Venkateswara",
)
_SECOND = (
    "Traders",
    "Kirana Store",
    "General Stores",
    "Wholesale",
    "Provision Stores",
    "Enterprises",
    "Supermart",
    "& Sons",
    "Agencies",
    "Distributors",
)
_STREETS = (
    "Station Road",
    "MG Road",
    "Main Bazaar",
    "Gandhi Chowk",
    "Sadar Bazar",
    "Nehru Nagar",
    "Market Yard",
    "Old City",
    "Ring Road",
    "Subhash Marg",
)
_CITIES = (
    "Jaipur",
    "Indore",
    "Pune",
    "Nagpur",
    "Lucknow",
    "Surat",
    "Bhopal",
    "Nashik",
    "Kanpur",
    "Vadodara",
    "Hubli",
    "Madurai",
)
_STATES = ("08", "23", "27", "09", "24", "29", "33")


def header(rng: random.Random) -> Header:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    pan = "".join(rng.choice(letters) for _ in range(5)) + f"{rng.randrange(10000):04d}"
    gstin = f"{rng.choice(_STATES)}{pan}{rng.choice(letters)}1Z{rng.randrange(10)}"
    return Header(
        vendor=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}",
        address=f"{rng.randrange(1, 240)}, {rng.choice(_STREETS)}, {rng.choice(_CITIES)}",
        phone=f"{rng.choice('6789')}{rng.randrange(10**8, 10**9)}",
        gstin=gstin,
        bill_no=str(rng.randrange(100, 99999)),
        date=(2026, rng.randrange(1, 13), rng.randrange(1, 29)),
    )
