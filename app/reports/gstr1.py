"""GSTR-1 of a month from its documents: pure rules, Decimal sums, GSTN's JSON keys.

Which table a document goes to (GSTN's rules for a retailer):

- A non-void tax invoice to a registered buyer (a GSTIN on the invoice) is **B2B**, grouped
  by the buyer's GSTIN (`ctin`).
- To an unregistered buyer: **B2CL**, one by one, when it is inter-state (place of supply
  not the shop's state) and its value is above the B2CL threshold of its date
  (`app.bills.gst_rates.b2cl_threshold`); otherwise **B2CS**, summed per (supply type,
  place of supply, rate).
- A credit note (a return of a tax invoice) dated in the month follows its invoice: to a
  registered buyer **CDNR** (grouped by `ctin`); against a B2CL invoice **CDNUR** with
  `typ` B2CL; against a B2CS invoice it is not reported on its own: GSTN takes no B2CS notes
  in CDNUR, so it is netted into the B2CS row of its invoice's place and rate in the note's
  month (a row may then be negative, which the B2CS table allows).
- Void invoices (cancelled) appear only in the documents table, as cancelled; so do credit
  notes whose invoice was later voided (the whole invoice is then out of the return).
- **HSN** summary: per (HSN, rate, unit) with quantity and heads, split B2B (B2B invoices
  and their CDNR notes) and B2C (the rest), net of the month's credit notes.
- **Documents issued**: every invoice number and credit-note number of the month, per
  number series, lowest to highest, voids counted as cancelled.

So the month adds up: b2b + b2cl + b2cs - cdnr - cdnur = the HSN totals = the non-void tax
invoices of the month minus their credit notes of the month (taxable value and every head).

Intra-state items carry `camt`/`samt` and inter-state ones `iamt` (never both), as GSTN's
offline tool writes them; the HSN table carries all four heads.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from app.bills.gst_rates import b2cl_threshold
from app.bills.tax import TaxHeads

ZERO = Decimal("0.00")
DESCRIPTION_MAX = 30
"""GSTN's limit on an HSN row's description."""

UQC: dict[str, str] = {
    "pcs": "NOS",
    "kg": "KGS",
    "g": "GMS",
    "l": "LTR",
    "ml": "MLT",
    "pack": "PAC",
    "box": "BOX",
    "dozen": "DOZ",
    "m": "MTR",
    "bottle": "BTL",
    "bag": "BAG",
}
"""A product's unit -> GSTN's unit quantity code (UQC)."""

Kind = Literal["b2b", "b2cl", "b2cs"]


@dataclass(frozen=True, slots=True)
class Line:
    """A line of an invoice or credit note (`document_id` is the sale's or the return's id)."""

    document_id: int
    rate: Decimal
    hsn_code: str | None
    quantity: Decimal
    amounts: TaxHeads
    unit: str
    product_name: str


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int
    number: str
    date: dt.date
    void: bool
    value: Decimal
    buyer_gstin: str | None
    place_of_supply: str | None
    buyer_name: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A credit note and the invoice it is against."""

    id: int
    number: str
    date: dt.date
    value: Decimal
    invoice: Invoice


@dataclass(frozen=True, slots=True)
class Month:
    """What the month's return is built from."""

    gstin: str
    state_code: str
    first_day: dt.date
    invoices: list[Invoice]
    invoice_lines: list[Line]
    notes: list[Note]
    note_lines: list[Line]


def period_code(first_day: dt.date) -> str:
    """GSTN's `fp`: MMYYYY."""
    return f"{first_day:%m%Y}"


def gstn_date(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def place_of(invoice: Invoice, state_code: str) -> str:
    """The invoice's place of supply (a registered shop's sales always record one)."""
    return invoice.place_of_supply or state_code


def kind_of(invoice: Invoice, state_code: str) -> Kind:
    if invoice.buyer_gstin:
        return "b2b"
    inter = place_of(invoice, state_code) != state_code
    if inter and invoice.value > b2cl_threshold(invoice.date):
        return "b2cl"
    return "b2cs"


def item_detail(rate: Decimal, amounts: TaxHeads, *, inter: bool) -> dict[str, Decimal]:
    detail = {"rt": rate, "txval": amounts.taxable}
    if inter:
        detail["iamt"] = amounts.igst
    else:
        detail |= {"camt": amounts.cgst, "samt": amounts.sgst}
    return detail | {"csamt": amounts.cess}


def _by_rate(lines: Iterable[Line]) -> dict[Decimal, TaxHeads]:
    rates: dict[Decimal, TaxHeads] = defaultdict(TaxHeads)
    for line in lines:
        rates[line.rate] += line.amounts
    return dict(sorted(rates.items()))


def items(lines: Iterable[Line], *, inter: bool) -> list[dict[str, Any]]:
    """One item per rate, numbered 1, 2, ... in ascending rate."""
    return [
        {"num": num, "itm_det": item_detail(rate, amounts, inter=inter)}
        for num, (rate, amounts) in enumerate(_by_rate(lines).items(), start=1)
    ]


def _grouped(lines: Iterable[Line]) -> dict[int, list[Line]]:
    grouped: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        grouped[line.document_id].append(line)
    return grouped


@dataclass(slots=True)
class _HsnRow:
    quantity: Decimal
    amounts: TaxHeads
    names: set[str]


class _Hsn:
    """HSN rows per (section, code, rate, unit), net of credit notes."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, Decimal, str], _HsnRow] = {}

    def add(self, section: str, lines: Iterable[Line], sign: int) -> None:
        for line in lines:
            code = line.hsn_code or ""
            service = code.startswith("99")  # services: no quantity (GSTN's rule)
            uqc = "NA" if service else UQC.get(line.unit, "OTH")
            row = self.rows.setdefault(
                (section, code, line.rate, uqc), _HsnRow(Decimal("0.000"), TaxHeads(), set())
            )
            row.quantity += 0 if service else sign * line.quantity
            row.amounts += line.amounts if sign > 0 else -line.amounts
            row.names.add(line.product_name)

    def section(self, name: str) -> list[dict[str, Any]]:
        keys = sorted(k for k, row in self.rows.items() if k[0] == name and not _empty(row))
        listed = []
        for num, key in enumerate(keys, start=1):
            _, code, rate, uqc = key
            row = self.rows[key]
            listed.append(
                {
                    "num": num,
                    "hsn_sc": code,
                    "desc": min(row.names)[:DESCRIPTION_MAX],
                    "uqc": uqc,
                    "qty": row.quantity,
                    "rt": rate,
                    "txval": row.amounts.taxable,
                    "iamt": row.amounts.igst,
                    "camt": row.amounts.cgst,
                    "samt": row.amounts.sgst,
                    "csamt": row.amounts.cess,
                }
            )
        return listed


def _empty(row: _HsnRow) -> bool:
    return row.amounts.zero and row.quantity == 0


_SERIAL = re.compile(r"^(.*?)([0-9]+)$")


def _series(number: str) -> tuple[str, int]:
    """`2026-27/000123` -> (`2026-27/`, 123): the series and the counter within it."""
    match = _SERIAL.match(number)
    return (match.group(1), int(match.group(2))) if match else (number, 0)


def document_ranges(documents: Iterable[tuple[str, bool]]) -> list[dict[str, Any]]:
    """`docs` of one document kind from (number, cancelled) pairs: one range per series."""
    series: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    for number, void in documents:
        prefix, counter = _series(number)
        series[prefix].append((counter, number, void))
    ranges = []
    for num, prefix in enumerate(sorted(series), start=1):
        used = sorted(series[prefix])
        cancelled = sum(1 for _, _, void in used if void)
        ranges.append(
            {
                "num": num,
                "from": used[0][1],
                "to": used[-1][1],
                "totnum": len(used),
                "cancel": cancelled,
                "net_issue": len(used) - cancelled,
            }
        )
    return ranges


_REGISTERED = {"rchrg": "N", "inv_typ": "R"}
"""A registered buyer's document: no reverse charge, a regular invoice."""


def _invoice(
    invoice: Invoice, lines: list[Line], inter: bool, more: dict[str, str]
) -> dict[str, Any]:
    return {
        "inum": invoice.number,
        "idt": gstn_date(invoice.date),
        "val": invoice.value,
        **more,
        "itms": items(lines, inter=inter),
    }


def _note(note: Note, lines: list[Line], inter: bool, more: dict[str, str]) -> dict[str, Any]:
    return {
        "ntty": "C",
        "nt_num": note.number,
        "nt_dt": gstn_date(note.date),
        "val": note.value,
        **more,
        "itms": items(lines, inter=inter),
    }


def _order(invoice: Invoice | Note) -> tuple[dt.date, tuple[str, int]]:
    return invoice.date, _series(invoice.number)


def build(month: Month) -> dict[str, Any]:
    """The month's GSTR-1 as GSTN's JSON (a dict of Decimals, strings and lists)."""
    state = month.state_code
    invoice_lines = _grouped(month.invoice_lines)
    note_lines = _grouped(month.note_lines)
    b2b: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cl: dict[str, list[dict[str, Any]]] = defaultdict(list)
    b2cs: dict[tuple[str, str, Decimal], TaxHeads] = defaultdict(TaxHeads)
    cdnr: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cdnur: list[dict[str, Any]] = []
    hsn = _Hsn()

    for invoice in sorted((i for i in month.invoices if not i.void), key=_order):
        lines = invoice_lines.get(invoice.id, [])
        pos = place_of(invoice, state)
        inter = pos != state
        kind = kind_of(invoice, state)
        hsn.add("hsn_b2b" if kind == "b2b" else "hsn_b2c", lines, +1)
        if kind == "b2b":
            assert invoice.buyer_gstin is not None
            b2b[invoice.buyer_gstin].append(
                _invoice(invoice, lines, inter, {"pos": pos, **_REGISTERED})
            )
        elif kind == "b2cl":
            b2cl[pos].append(_invoice(invoice, lines, inter, {}))
        else:
            for rate, amounts in _by_rate(lines).items():
                b2cs["INTER" if inter else "INTRA", pos, rate] += amounts

    for note in sorted((n for n in month.notes if not n.invoice.void), key=_order):
        lines = note_lines.get(note.id, [])
        pos = place_of(note.invoice, state)
        inter = pos != state
        kind = kind_of(note.invoice, state)
        hsn.add("hsn_b2b" if kind == "b2b" else "hsn_b2c", lines, -1)
        if kind == "b2b":
            assert note.invoice.buyer_gstin is not None
            cdnr[note.invoice.buyer_gstin].append(
                _note(note, lines, inter, {"pos": pos, **_REGISTERED})
            )
        elif kind == "b2cl":
            cdnur.append({"typ": "B2CL"} | _note(note, lines, inter, {"pos": pos}))
        else:
            for rate, amounts in _by_rate(lines).items():
                b2cs["INTER" if inter else "INTRA", pos, rate] += -amounts

    return {
        "gstin": month.gstin,
        "fp": period_code(month.first_day),
        "b2b": [{"ctin": ctin, "inv": b2b[ctin]} for ctin in sorted(b2b)],
        "b2cl": [{"pos": pos, "inv": b2cl[pos]} for pos in sorted(b2cl)],
        "b2cs": [
            {"sply_ty": supply, "pos": pos, "typ": "OE"}
            | item_detail(rate, amounts, inter=supply == "INTER")
            for (supply, pos, rate), amounts in sorted(b2cs.items())
            if not amounts.zero
        ],
        "cdnr": [{"ctin": ctin, "nt": cdnr[ctin]} for ctin in sorted(cdnr)],
        "cdnur": cdnur,
        "hsn": {"hsn_b2b": hsn.section("hsn_b2b"), "hsn_b2c": hsn.section("hsn_b2c")},
        "doc_issue": {"doc_det": _documents(month)},
    }


def buyer_names(month: Month) -> dict[str, str]:
    """A name per buyer GSTIN, as on their latest invoice or note of the month (for the
    offline tool's "Receiver Name")."""
    names: dict[str, str] = {}
    documents = [*month.invoices, *(note.invoice for note in month.notes)]
    for invoice in sorted(documents, key=lambda i: (i.date, i.id)):
        if invoice.buyer_gstin and invoice.buyer_name:
            names[invoice.buyer_gstin] = invoice.buyer_name
    return names


def _documents(month: Month) -> list[dict[str, Any]]:
    groups = [
        (1, "Invoices for outward supply", [(i.number, i.void) for i in month.invoices]),
        (5, "Credit Note", [(n.number, n.invoice.void) for n in month.notes]),
    ]
    return [
        {"doc_num": doc_num, "doc_typ": doc_typ, "docs": document_ranges(documents)}
        for doc_num, doc_typ, documents in groups
        if documents
    ]
