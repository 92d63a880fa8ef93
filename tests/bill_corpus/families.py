"""The layout families: each draws one random (seeded) bill and says exactly what it drew.

1-5 generalise tests/bill_images.py's layouts; 6-11 are the receipts and kachha bills of issue 19;
12 mixes the other shapes lines take on one memo.
A family returns a `Drawing`: the page, its paper colour, the finish, the item lines drawn (in
order), the header and the grand total printed.
"""

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageFont

from tests.bill_corpus import items as gen
from tests.bill_corpus import text as fmt
from tests.bill_corpus.draw import Finish, Page, paper, random_finish
from tests.bill_corpus.fonts import Font, available
from tests.bill_corpus.items import Header
from tests.bill_corpus.model import Drawn

RUPEE = "\u20b9"

PRINTED = (
    ("DejaVu Sans", 1.0),
    ("Liberation Sans", 1.05),
    ("Nimbus Sans", 1.05),
    ("FreeSans", 1.05),
    ("Source Sans Pro", 1.1),
)
SERIF = (
    ("DejaVu Serif", 1.0),
    ("Liberation Serif", 1.1),
    ("Nimbus Roman", 1.1),
    ("FreeSerif", 1.1),
    ("C059", 1.0),
)
MONO = (
    ("Nimbus Mono PS", 1.0),
    ("FreeMono", 1.0),
    ("Liberation Mono", 1.0),
    ("DejaVu Sans Mono", 1.0),
)
CONDENSED = (("DejaVu Sans Condensed", 1.0), ("Nimbus Sans Narrow", 1.1), ("Source Sans Pro", 1.05))
HANDWRITING = (("Humor Sans", 1.1), ("Comic Neue", 1.05), ("Intuitive", 1.15), ("Amatic SC", 1.7))
"""(family name, size scale): Amatic SC is drawn 1.7x - narrower and thinner than the rest."""
HANDWRITING_SECOND = (
    ("Intuitive", 1.15),
    ("Comic Neue", 1.05),
    ("Amatic SC", 1.7),
    ("Humor Sans", 1.1),
)
BOLD = (("DejaVu Sans Bold", 1.0), ("Liberation Sans Bold", 1.05), ("DejaVu Sans", 1.0))


@dataclass(frozen=True)
class Drawing:
    image: Image.Image
    paper: str
    finish: Finish
    lines: tuple[Drawn, ...]
    header: Header
    total: Decimal
    font: str  # 'Name 28px'


def _font(
    rng: random.Random, wanted: tuple[tuple[str, float], ...], size: int
) -> tuple[Font, ImageFont.FreeTypeFont]:
    font = rng.choice(available(wanted))
    return font, font.at(size)


def _bold(size: int) -> ImageFont.FreeTypeFont:
    """Headers and totals: DejaVu Sans Bold whatever the body font (a bill printer's default)."""
    return available(BOLD)[0].at(size)


def _total(lines: list[Drawn]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def _gst(subtotal: Decimal, rate: Decimal = Decimal("2.5")) -> Decimal:
    return (subtotal * rate / 100).quantize(Decimal("0.01"))


# --- table bills (families 1-5, 10, 11) -------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    chars: float
    right: bool = False


Cell = Callable[[Drawn, int, str], list[str]]
"""(line, serial number, column key) -> the cell's text, one string per printed line."""


def _table_bill(
    rng: random.Random,
    lines: list[Drawn],
    columns: list[Column],
    cell: Cell,
    wanted: tuple[tuple[str, float], ...],
    size: int,
    *,
    papers: tuple[str, ...] = ("white", "cream", "grey"),
    title: str | None = None,
    gst: bool = True,
    gstin: bool = False,
    grid: bool = False,
    total_text: Callable[[Decimal], str] = fmt.money,
    words: bool = False,
    finish: Finish | None = None,
) -> Drawing:
    head = gen.header(rng)
    font_choice, font = _font(rng, wanted, size)
    bold = _bold(round(font.size * 1.05))
    char = font.getlength("0")
    xs: dict[str, float] = {}
    x = 40.0
    for column in columns:
        xs[column.key] = x
        x += column.chars * char + 26
    kind, colour = paper(rng, papers)
    page = Page(max(int(x + 40), 760), colour)
    step = round(font.size * rng.uniform(1.7, 2.0))
    y = 36.0
    page.text(40, y, head.vendor, _bold(round(font.size * 1.35)))
    y += step * 1.3
    page.text(40, y, head.address, font)
    y += step
    if gstin or rng.random() < 0.5:
        page.text(40, y, f"GSTIN: {head.gstin}   Ph: {head.phone}", font)
    else:
        page.text(40, y, f"Ph: {head.phone}", font)
    y += step
    if title:
        page.text(page.width / 2, y, title, bold, align="center")
        y += step
    page.text(40, y, f"Bill No: {head.bill_no}      Date: {head.date_text(rng.randrange(3))}", font)
    y += step * 1.4

    def put(column: Column, y: float, text: str, face: ImageFont.FreeTypeFont) -> None:
        if column.right:
            page.text(xs[column.key] + column.chars * char, y, text, face, align="right")
        else:
            page.text(xs[column.key], y, text, face)

    right_edge = xs[columns[-1].key] + columns[-1].chars * char + 10
    if grid:
        page.rule(y - step * 0.25, 30, right_edge)
    headers = {column.key: _wrap(column.header, int(column.chars)) for column in columns}
    for column in columns:
        for offset, text in enumerate(headers[column.key]):
            put(column, y + offset * font.size * 1.2, text, bold)
    y += step * 1.1 + (max(len(texts) for texts in headers.values()) - 1) * font.size * 1.2
    if grid:
        page.rule(y - step * 0.2, 30, right_edge)
    leading = font.size * 1.2
    for index, line in enumerate(lines, start=1):
        cells = {column.key: cell(line, index, column.key) for column in columns}
        for column in columns:
            for offset, text in enumerate(cells[column.key]):
                put(column, y + offset * leading, text, font)
        y += step + (max(len(texts) for texts in cells.values()) - 1) * leading
    if grid:
        page.rule(y - step * 0.2, 30, right_edge)
    subtotal = _total(lines)
    rows: list[tuple[str, Decimal]] = [("Sub Total", subtotal)]
    total = subtotal
    if gst:
        tax = _gst(subtotal)
        rows += [("CGST 2.5%", tax), ("SGST 2.5%", tax)]
        total = subtotal + 2 * tax
    rows.append(("Grand Total", total))
    y += step * 0.4
    label_x = xs[columns[1].key] if len(columns) > 4 else xs[columns[0].key]
    for label, value in rows:
        page.text(label_x, y, label, bold)
        put(columns[-1], y, total_text(value), bold)
        y += step
    if words:
        per_row = int((page.width - 80) / char)
        for text in _wrap(f"Amount in words: {fmt.in_words(total)}", per_row):
            page.text(40, y, text, font)
            y += font.size * 1.3
    thanks = rng.choice(
        ("Thank you, visit again", "Thank You!", "Goods once sold will not be taken back")
    )
    page.text(40, y + step * 0.5, thanks, font)
    chosen = finish or random_finish(rng)
    return Drawing(
        page.crop(),
        colour,
        chosen,
        tuple(lines),
        head,
        total,
        f"{font_choice.name} {font.size}px paper={kind}",
    )


def _count(rng: random.Random) -> int:
    return rng.randint(4, 12)


def _packed_or_loose(rng: random.Random, maker: Callable[..., Drawn], **pick: bool) -> list[Drawn]:
    return [
        maker(rng, product, gen.spelling(rng, product))
        for product in gen.pick(rng, _count(rng), **pick)
    ]


def classic(rng: random.Random) -> Drawing:
    lines = _packed_or_loose(rng, gen.plain, allow_small_units=False)
    columns = [
        Column("name", "Item", 22),
        Column("qty", rng.choice(("Qty", "Quantity")), 8),
        Column("rate", "Rate", 8),
        Column("amount", "Amount", 9),
    ]
    return _table_bill(rng, lines, columns, _simple_cell, PRINTED, rng.randint(24, 30))


def serial_rate_before_qty(rng: random.Random) -> Drawing:
    lines = _packed_or_loose(rng, gen.plain, allow_small_units=False)
    columns = [
        Column("serial", "S.No", 4),
        Column("name", "Particulars", 22),
        Column("rate", "Rate", 8, True),
        Column("qty", "Qty", 6, True),
        Column("amount", "Amount", 9, True),
    ]
    return _table_bill(rng, lines, columns, _simple_cell, SERIF, rng.randint(23, 28))


def qty_first_units_noisy(rng: random.Random) -> Drawing:
    lines = _packed_or_loose(rng, gen.own_unit, allow_small_units=False)
    columns = [
        Column("qtyunit", "Qty", 9),
        Column("name", "Description", 22),
        Column("rate", "Price", 8),
        Column("amount", "Total", 9),
    ]
    finish = random_finish(rng, blur=1.0, noise=22)
    finish = dataclasses.replace(
        finish, blur=max(finish.blur, 0.5), noise=max(finish.noise, 10), jpeg=rng.randint(45, 65)
    )
    return _table_bill(rng, lines, columns, _simple_cell, MONO, rng.randint(22, 26), finish=finish)


def small_font_rotated_unit_column(rng: random.Random) -> Drawing:
    lines = _packed_or_loose(rng, gen.own_unit, allow_small_units=False)
    columns = [
        Column("name", "Item Name", 24),
        Column("qty", "Qty", 5, True),
        Column("unit", "Unit", 5),
        Column("rate", "Rate", 8, True),
        Column("amount", "Amt", 9, True),
    ]
    finish = random_finish(rng, blur=0.8)
    angle = rng.uniform(1.5, 3.0) * rng.choice((-1, 1))
    finish = dataclasses.replace(finish, rotate=round(angle, 1))
    return _table_bill(
        rng, lines, columns, _simple_cell, CONDENSED, rng.randint(19, 23), finish=finish
    )


def handwriting(rng: random.Random) -> Drawing:
    lines = _packed_or_loose(rng, gen.plain, allow_small_units=False)
    columns = [
        Column("name", "Item", 22),
        Column("qty", "Qty", 6),
        Column("rate", "Rate", 8),
        Column("amount", "Amount", 9),
    ]
    return _table_bill(
        rng,
        lines,
        columns,
        _simple_cell,
        HANDWRITING,
        rng.randint(28, 34),
        papers=("white", "cream"),
        gst=rng.random() < 0.5,
    )


def _simple_cell(line: Drawn, index: int, key: str) -> list[str]:
    if key == "serial":
        return [f"{index}."]
    if key == "name":
        return [line.printed_name]
    if key == "qty":
        return [fmt.qty(line.quantity)]
    if key == "qtyunit":
        return [f"{fmt.qty(line.quantity)} {line.unit_text}".strip()]
    if key == "unit":
        return [line.unit_text]
    if key == "rate":
        return [fmt.money(line.rate)] if line.rate is not None else [""]
    return [fmt.money(line.amount)]


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most `width` characters (a longer word stands alone)."""
    rows: list[str] = []
    for word in text.split():
        if rows and len(rows[-1]) + 1 + len(word) <= width:
            rows[-1] += f" {word}"
        else:
            rows.append(word)
    return rows


_HSN = {
    "kg": "1006",
    "l": "1508",
    "g": "0909",
    "pcs": "3401",
    "pack": "1905",
    "box": "3307",
    "bottle": "3808",
    "bag": "1101",
    "dozen": "0803",
    "m": "5607",
}
_GST = {
    "kg": "5",
    "l": "5",
    "g": "5",
    "pcs": "18",
    "pack": "18",
    "box": "12",
    "bottle": "18",
    "bag": "5",
    "dozen": "0",
    "m": "12",
}


def gst_invoice_wrapped(rng: random.Random) -> Drawing:
    width = rng.randint(14, 17)
    lines = _packed_or_loose(rng, gen.own_unit, allow_small_units=False)
    columns = [
        Column("serial", "S.No", 3),
        Column("desc", "Description of Goods", width),
        Column("hsn", "HSN", 4),
        Column("qty", "Qty", 5, True),
        Column("unit", "Unit", 4),
        Column("rate", "Rate", 7, True),
        Column("gst", "GST %", 4, True),
        Column("amount", "Amount", 9, True),
    ]

    def cell(line: Drawn, index: int, key: str) -> list[str]:
        if key == "desc":
            return _wrap(line.printed_name, width)
        if key == "hsn":
            return [_HSN[line.product.unit]]
        if key == "gst":
            return [_GST[line.product.unit]]
        return _simple_cell(line, index, key)

    return _table_bill(
        rng,
        lines,
        columns,
        cell,
        PRINTED,
        rng.randint(20, 24),
        papers=("white", "white", "cream"),
        title="TAX INVOICE",
        gstin=True,
        grid=True,
        words=True,
    )


def estimate_units(rng: random.Random) -> Drawing:
    with_rupee = tuple((font.name, font.scale) for font in available(PRINTED) if font.has(RUPEE))
    rupee = bool(with_rupee) and rng.random() < 0.5
    mark = f"{RUPEE} " if rupee else "Rs. "
    lines = _packed_or_loose(rng, gen.any_unit)

    def cell(line: Drawn, index: int, key: str) -> list[str]:
        if key == "rate":
            if line.rate is None:
                return ["-"]
            per = f"/{line.unit_text}" if line.unit and index % 2 else ""
            return [f"{mark}{fmt.short(line.rate)}{per}"]
        if key == "amount":
            return [
                f"{mark}{fmt.indian(line.amount, paise=False)}/-"
                if line.amount == line.amount.to_integral_value()
                else f"{mark}{fmt.indian(line.amount)}"
            ]
        return _simple_cell(line, index, key)

    columns = [
        Column("serial", "No.", 3),
        Column("name", "Item", 26),
        Column("qtyunit", "Qty", 8),
        Column("rate", "Rate", 10),
        Column("amount", "Amount", 11, True),
    ]
    title = rng.choice(("ESTIMATE", "Rough Estimate", "Kachha Bill / Estimate"))
    wanted = with_rupee if rupee else PRINTED
    return _table_bill(
        rng,
        lines,
        columns,
        cell,
        wanted,
        rng.randint(23, 28),
        title=title,
        gst=False,
        total_text=lambda value: f"{mark}{fmt.indian(value)}",
    )


# --- thermal POS receipts (families 6, 7) ------------------------------------------------


def _receipt(rng: random.Random, chars: int) -> tuple[Page, ImageFont.FreeTypeFont, str, str, int]:
    """A narrow greyish page whose monospace font fits `chars` characters across."""
    pixels = max(rng.randint(380, 600), chars * 11 + 24)  # >= 11 px a character, as printed
    font_choice = rng.choice(available(MONO))
    probe = font_choice.at(100)
    size = int((pixels - 24) / chars / probe.getlength("0") * 100)
    font = font_choice.at(size)
    kind, colour = paper(rng, ("grey", "grey", "white", "cream"))
    return Page(pixels, colour), font, colour, f"{font_choice.name} {size}px paper={kind}", chars


def _centre(text: str, chars: int) -> str:
    return text[:chars].center(chars).rstrip()


def _two_ends(left: str, right: str, chars: int) -> str:
    return left + right.rjust(chars - len(left))


def _thermal_header(rng: random.Random, head: Header, chars: int) -> list[str]:
    rule = rng.choice(("-", "="))
    rows = [
        _centre(head.vendor.upper(), chars),
        _centre(head.address, chars),
        _centre(f"Ph: {head.phone}", chars),
        _centre(f"GSTIN: {head.gstin}", chars),
        rule * chars,
        _two_ends(f"Bill No: {head.bill_no}", head.date_text(1), chars),
        rule * chars,
    ]
    return rows


def _thermal_footer(
    rng: random.Random, lines: list[Drawn], chars: int
) -> tuple[list[str], Decimal]:
    subtotal = _total(lines)
    tax = _gst(subtotal)
    total = subtotal + 2 * tax
    rows = [
        "-" * chars,
        _two_ends(f"Items: {len(lines)}", "", chars),
        _two_ends("Sub Total", fmt.money(subtotal), chars),
        _two_ends("CGST @2.5%", fmt.money(tax), chars),
        _two_ends("SGST @2.5%", fmt.money(tax), chars),
        "=" * chars,
        _two_ends("TOTAL", fmt.money(total), chars),
        "=" * chars,
        _two_ends("Cash", fmt.money(total), chars),
        "",
        _centre(rng.choice(("Thank You! Visit Again", "THANK YOU", "** Thank you **")), chars),
    ]
    return rows, total


def _cut(text: str, width: int) -> str:
    return text[:width].rstrip()


def _thermal_drawing(
    rng: random.Random,
    rows: list[str],
    page: Page,
    font: ImageFont.FreeTypeFont,
    colour: str,
    described: str,
    lines: list[Drawn],
    head: Header,
    total: Decimal,
) -> Drawing:
    step = font.size * rng.uniform(1.25, 1.45)
    y = 20.0
    for row in rows:
        if row:
            page.text(12, y, row, font)
        y += step
    page.bottom = int(y)
    finish = random_finish(rng, scale=(1.6, 2.4), png_share=0.0)
    return Drawing(page.crop(), colour, finish, tuple(lines), head, total, described)


def thermal_two_line(rng: random.Random) -> Drawing:
    page, font, colour, described, chars = _receipt(rng, rng.choice((32, 32, 42, 48)))
    head = gen.header(rng)
    cut = rng.randint(20, 24)
    style = rng.randrange(3)
    lines: list[Drawn] = []
    rows = _thermal_header(rng, head, chars)
    rows.append(_two_ends("Item / Qty x Rate", "Amount", chars))
    rows.append("-" * chars)
    for product in gen.pick(rng, _count(rng), allow_small_units=False):
        name = _cut(
            gen.spelling(rng, product).upper()
            if rng.random() < 0.5
            else gen.spelling(rng, product),
            cut,
        )
        line = gen.plain(rng, product, name)
        lines.append(line)
        rows.append(name)
        rate, amount = fmt.money(line.rate or Decimal(0)), fmt.money(line.amount)
        if style == 0:
            rows.append(_two_ends(f"{fmt.qty(line.quantity)} x {rate}", amount, chars))
        elif style == 1:
            rows.append(_two_ends(f"  {fmt.qty(line.quantity)} @ {rate}", amount, chars))
        else:
            rows.append(_two_ends(f"{line.quantity:.3f} X {rate} =", amount, chars))
    footer, total = _thermal_footer(rng, lines, chars)
    return _thermal_drawing(rng, rows + footer, page, font, colour, described, lines, head, total)


def thermal_one_line(rng: random.Random) -> Drawing:
    page, font, colour, described, chars = _receipt(rng, rng.choice((42, 44, 48)))
    head = gen.header(rng)
    name_width = chars - 25
    lines: list[Drawn] = []
    rows = _thermal_header(rng, head, chars)

    def row(name: str, quantity: str, rate: str, amount: str) -> str:
        return f"{name:<{name_width}} {quantity:>5} {rate:>8} {amount:>9}"

    rows.append(row("ITEM", "QTY", "RATE", "AMT"))
    rows.append("-" * chars)
    extra = rng.random() < 0.6
    for product in gen.pick(rng, _count(rng), allow_small_units=False):
        name = _cut(gen.spelling(rng, product), name_width)
        line = gen.plain(rng, product, name)
        lines.append(line)
        rows.append(
            row(
                name,
                fmt.qty(line.quantity),
                fmt.money(line.rate or Decimal(0)),
                fmt.money(line.amount),
            )
        )
        if extra and rng.random() < 0.5:
            if rng.random() < 0.5:
                rows.append(f"  HSN: {_HSN[product.unit]}{rng.randrange(10, 99)}")
            else:
                mrp = ((line.rate or Decimal(0)) * Decimal("1.12")).quantize(Decimal("1"))
                rows.append(f"  MRP: {fmt.money(mrp)}")
    footer, total = _thermal_footer(rng, lines, chars)
    return _thermal_drawing(rng, rows + footer, page, font, colour, described, lines, head, total)


# --- handwritten kachha bills (families 8, 9) --------------------------------------------


def _kachha_page(
    rng: random.Random, wanted: tuple[tuple[str, float], ...]
) -> tuple[Page, Font, ImageFont.FreeTypeFont, str, float, str]:
    font_choice = rng.choice(available(wanted))
    font = font_choice.at(rng.randint(30, 36))
    kind, colour = paper(rng, ("white", "cream", "cream"))
    page = Page(rng.randint(900, 1100), colour)
    pitch = round(font.size * rng.uniform(1.7, 1.9))
    page.ink = rng.choice(((20, 30, 90), (25, 25, 30), (30, 40, 120)))  # blue or black pen
    return (
        page,
        font_choice,
        font,
        colour,
        float(pitch),
        f"{font_choice.name} {font.size}px paper={kind}",
    )


def _ruled(page: Page, pitch: float, top: float, rows: int) -> None:
    """Faint blue ruling and a red margin, drawn before the writing."""
    bottom = page.bottom
    for number in range(rows + 2):
        y = top + pitch * number + pitch * 0.85
        page.rule(y, 0, page.width, 1, (170, 190, 225))
    page.rule(0, 0, 0, 1, (170, 190, 225))
    page.draw.line([(70, 0), (70, top + pitch * (rows + 2))], fill=(225, 150, 150), width=2)
    page.bottom = bottom


def _kachha_items(rng: random.Random) -> list[Drawn]:
    lines = []
    for product in gen.pick(rng, _count(rng)):
        name = gen.spelling(rng, product)
        if product.loose or product.unit in ("dozen", "m") or product.name == "Eggs":
            lines.append(gen.any_unit(rng, product, name))
        elif rng.random() < 0.5:
            lines.append(gen.plain(rng, product, name))
        else:
            lines.append(gen.own_unit(rng, product, name))
    return lines


def _write_lines(
    rng: random.Random,
    page: Page,
    font: ImageFont.FreeTypeFont,
    pitch: float,
    texts: list[str],
    top: float,
) -> None:
    for number, text in enumerate(texts):
        x = 90 + rng.uniform(-8, 20)
        page.text(x, top + pitch * number + pitch * 0.85 - font.size * 1.05, text, font)


def _no_rate(line: Drawn) -> Drawn:
    return dataclasses.replace(line, rate=None)


def kachha_free_lines(rng: random.Random) -> Drawing:
    page, _font_choice, font, colour, pitch, described = _kachha_page(rng, HANDWRITING)
    head = gen.header(rng)
    drawn: list[Drawn] = []
    texts = [f"{head.vendor}", f"Date {head.date_text(rng.choice((0, 1, 2)))}", ""]
    for line in _kachha_items(rng):
        name, q, u = line.printed_name, fmt.qty(line.quantity), line.unit_text
        choice = rng.randrange(4)
        if line.unit is None:
            texts.append(
                f"{name}   {q} x {fmt.short(line.rate or Decimal(0))} = {fmt.short(line.amount)}"
            )
        elif line.rate is None or choice == 0:
            line = _no_rate(line)
            texts.append(
                rng.choice(
                    (
                        f"{q} {u} {name} - {fmt.short(line.amount)}",
                        f"{name} {q} {u}   {fmt.short(line.amount)}",
                    )
                )
            )
        elif choice == 1:
            texts.append(f"{name} {q} {u} @ {fmt.short(line.rate)}")
        elif choice == 2:
            texts.append(f"{name} {q}{u} @ {fmt.short(line.rate)} = {fmt.short(line.amount)}")
        else:
            texts.append(
                f"{name} {q} {u}   {q} x {fmt.short(line.rate)} = {fmt.short(line.amount)}"
            )
        drawn.append(line)
    total = _total(drawn)
    texts += [
        "",
        rng.choice(
            (
                f"Total {fmt.short(total)}/-",
                f"Total = {fmt.short(total)}",
                f"TOTAL {fmt.short(total)}/-",
            )
        ),
    ]
    top = 30.0
    page.bottom = int(top + pitch * (len(texts) + 1))
    _ruled(page, pitch, top, len(texts))
    _write_lines(rng, page, font, pitch, texts, top)
    finish = random_finish(rng, shear=0.15, png_share=0.1)
    return Drawing(page.crop(), colour, finish, tuple(drawn), head, total, described)


def kachha_serial_rupees(rng: random.Random) -> Drawing:
    page, font_choice, font, colour, pitch, described = _kachha_page(rng, HANDWRITING_SECOND)
    head = gen.header(rng)
    rupee = RUPEE if font_choice.has(RUPEE) else "Rs."
    drawn: list[Drawn] = []
    texts = [f"{head.vendor}", f"Bill {head.bill_no}   {head.date_text(rng.choice((0, 1, 2)))}", ""]
    for number, line in enumerate(_kachha_items(rng), start=1):
        name, q, u = line.printed_name, fmt.qty(line.quantity), line.unit_text
        serial = rng.choice((f"{number})", f"{number}.", f"{number}-"))
        amount = fmt.short(line.amount)
        choice = rng.randrange(4)
        if line.unit is None:
            texts.append(
                f"{serial} {name}  {q} x {fmt.short(line.rate or Decimal(0))} = {amount}/-"
            )
        elif line.rate is None or choice == 0:
            line = _no_rate(line)
            texts.append(
                rng.choice(
                    (
                        f"{serial} {name} {q}{u} - {amount}/-",
                        f"{serial} {name} - {q} {u} - {rupee}{amount}",
                    )
                )
            )
        elif choice == 1:
            texts.append(f"{serial} {name} {q} {u} @ {fmt.short(line.rate)} = {amount}")
        elif choice == 2:
            texts.append(f"{serial} {name} {q} {u} x {fmt.short(line.rate)} = Rs.{amount}")
        else:
            texts.append(
                f"{serial} {name} {q}{u} @ {rupee}{fmt.short(line.rate)} = {rupee}{amount}/-"
            )
        drawn.append(line)
    total = _total(drawn)
    texts += ["", f"Total Rs. {fmt.indian(total, paise=total != total.to_integral_value())}/-"]
    top = 30.0
    page.bottom = int(top + pitch * (len(texts) + 1))
    _ruled(page, pitch, top, len(texts))
    _write_lines(rng, page, font, pitch, texts, top)
    finish = random_finish(rng, shear=0.12, png_share=0.1)
    return Drawing(page.crop(), colour, finish, tuple(drawn), head, total, described)


# --- mixed shapes (family 12): one printed memo, every line written its own way ----------

_FRACTIONS = {
    Decimal("0.25"): "1/4",
    Decimal("0.5"): "1/2",
    Decimal("0.75"): "3/4",
    Decimal("1.25"): "1 1/4",
    Decimal("1.5"): "1 1/2",
    Decimal("2.5"): "2 1/2",
}


def _labelled(rng: random.Random, line: Drawn, rupee: str) -> list[str]:
    """`Qty: 2   Rate: 140.00   Amt: 280.00` under the name, labels in the vendor's words."""
    quantity = f"{fmt.qty(line.quantity)}{' ' + line.unit_text if line.unit_text else ''}"
    parts = [
        f"{rng.choice(('Qty', 'Qty.', 'Quantity'))}: {quantity}",
        f"{rng.choice(('Rate', 'Price'))}: {rupee}{fmt.money(line.rate or Decimal(0))}",
        f"{rng.choice(('Amt', 'Amount'))}: {fmt.money(line.amount)}",
    ]
    if rng.random() < 0.3:
        parts[0], parts[1] = parts[1], parts[0]
    return [line.printed_name, "   " + "   ".join(parts)]


def _mixed_line(rng: random.Random, line: Drawn, rupee: str) -> tuple[Drawn, list[str]]:
    """One item in one of the shapes shops print or write, and the line as drawn."""
    name, q, u = line.printed_name, fmt.qty(line.quantity), line.unit_text
    amount = fmt.short(line.amount)
    if line.unit is not None and line.quantity in _FRACTIONS and rng.random() < 0.6:
        written = _FRACTIONS[line.quantity]
        if line.rate is not None and rng.random() < 0.5:
            return line, [f"{name} {written} {u} @ {fmt.short(line.rate)} = {amount}"]
        return _no_rate(line), [f"{name} {written} {u} = {amount}/-"]
    if line.unit is not None and (line.rate is None or rng.random() < 0.3):
        return _no_rate(line), [
            rng.choice((f"{name} ({q} {u}) {amount}/-", f"{name} ({q}{u}) - {amount}"))
        ]
    if line.rate is None:
        return line, [f"{name} {q} {u} - {amount}"]
    rate = fmt.money(line.rate)
    shape = rng.randrange(4)
    if shape == 0:
        return line, _labelled(rng, line, rupee if rng.random() < 0.3 else "")
    if shape == 1 and line.unit is None:
        return line, [f"{name}   {rupee}{fmt.short(line.rate)} x {q} = {rupee}{amount}"]
    if shape == 2:
        unit = f" {u}" if u else ""
        return line, [name, f"      @{rate} x {q}{unit}          {fmt.money(line.amount)}"]
    hsn = _HSN[line.product.unit] + (str(rng.randrange(10, 99)) if rng.random() < 0.5 else "")
    prefix = rng.choice((f"HSN:{hsn} ", f"HSN {hsn} "))
    return line, [f"{prefix}{name}", f"      {q} {u}  x  {rate}          {fmt.money(line.amount)}"]


def mixed_shapes(rng: random.Random) -> Drawing:
    """A printed memo where the lines do not share one shape: labelled numbers under the name, a
    rupee-signed rate before the quantity, `@ rate x qty` under the name, an HSN code before the
    name, a quantity in brackets, halves as fractions. Printed or typewriter fonts."""
    font_choice, font = _font(rng, PRINTED + MONO, rng.randint(26, 32))
    kind, colour = paper(rng, ("white", "cream", "grey"))
    page = Page(rng.randint(1000, 1150), colour)
    pitch = float(round(font.size * rng.uniform(1.6, 1.9)))
    head = gen.header(rng)
    rupee = rng.choice((RUPEE, "Rs.", "Rs ")) if font_choice.has(RUPEE) else "Rs."
    texts = [head.vendor, f"Memo {head.bill_no}   Date {head.date_text(rng.choice((0, 1, 2)))}", ""]
    drawn: list[Drawn] = []
    for line in _kachha_items(rng):
        line, rows = _mixed_line(rng, line, rupee)
        texts += rows
        drawn.append(line)
    total = _total(drawn)
    texts += ["", f"Total {fmt.money(total)}", fmt.in_words(total)]
    top = 30.0
    page.bottom = int(top + pitch * (len(texts) + 1))
    for number, text in enumerate(texts):
        page.text(50, top + pitch * number, text, font)
    finish = random_finish(rng, rotate=2.5, png_share=0.1)
    described = f"{font_choice.name} {font.size}px paper={kind}"
    return Drawing(page.crop(), colour, finish, tuple(drawn), head, total, described)


FAMILY_DRAWERS: dict[str, Callable[[random.Random], Drawing]] = {
    "classic": classic,
    "serial_rate_before_qty": serial_rate_before_qty,
    "qty_first_units_noisy": qty_first_units_noisy,
    "small_font_rotated_unit_column": small_font_rotated_unit_column,
    "handwriting": handwriting,
    "thermal_two_line": thermal_two_line,
    "thermal_one_line": thermal_one_line,
    "kachha_free_lines": kachha_free_lines,
    "kachha_serial_rupees": kachha_serial_rupees,
    "gst_invoice_wrapped": gst_invoice_wrapped,
    "estimate_units": estimate_units,
    "mixed_shapes": mixed_shapes,
}
