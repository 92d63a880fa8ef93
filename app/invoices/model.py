"""What a printed bill or statement shows, already worked out: the renderers only lay it out.

Every amount is a `Decimal` with two places, every label comes from `render.labels` by the
document's language; nothing here computes money. The service (`app.invoices.service`) fills
these from the database, so a PDF, the HTML page and a thermal receipt of one bill always
agree to the paisa.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from app.core.message_templates import Language

ZERO = Decimal("0.00")

DocumentKind = Literal[
    "tax_invoice", "bill_of_supply", "bill", "credit_note", "purchase_bill", "statement"
]
"""Which document: decides its title (`render.labels.TITLES`)."""

ReceiptWidth = Literal[32, 48]
"""Characters per line of a 58 mm and an 80 mm thermal printer (Font A)."""


@dataclass(frozen=True, slots=True)
class ShopBlock:
    """The issuer (a sale, credit note or statement) or the buyer (a purchase bill)."""

    name: str
    legal_name: str | None = None
    """Printed under the trade name when different (rule 46 asks for the supplier's name)."""
    address: str | None = None
    phone: str | None = None
    gstin: str | None = None
    state: str | None = None
    """`27-Maharashtra`: the state code and name, when the shop has set its state."""


@dataclass(frozen=True, slots=True)
class PartyBlock:
    """The other side of the document: the buyer of a sale, the vendor of a purchase."""

    name: str
    phone: str | None = None
    gstin: str | None = None
    address: str | None = None
    place_of_supply: str | None = None
    """`29-Karnataka`: printed on tax invoices and credit notes when known."""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One line. `amount` is what the line adds to the total (after discount, with tax)."""

    name: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    discount: Decimal = ZERO
    hsn_code: str | None = None
    gst_rate: Decimal | None = None
    """None on a document that carries no tax (a plain bill, a bill of supply)."""
    taxable_value: Decimal = ZERO
    tax: Decimal = ZERO
    """All heads of the line together (CGST + SGST + IGST + cess)."""


@dataclass(frozen=True, slots=True)
class TaxRow:
    """The tax of all lines at one GST rate: the summary table under a tax invoice's lines."""

    gst_rate: Decimal
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    cess: Decimal


@dataclass(frozen=True, slots=True)
class UpiRequest:
    """A request to pay the shop over UPI: the `upi://pay?...` link and what it asks for."""

    uri: str
    payee_vpa: str
    payee_name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """A sale's bill (tax invoice, bill of supply or plain bill), a credit note, or a
    purchase bill as the shop recorded it."""

    kind: DocumentKind
    language: Language
    shop: ShopBlock
    party: PartyBlock | None
    """None for a walk-in sale with no buyer details."""
    number: str
    date: dt.date
    lines: list[DocumentLine]
    subtotal: Decimal
    """Sum of quantity x rate over the lines, before discounts."""
    discount_total: Decimal
    total: Decimal
    total_in_words: str
    """`Rupees One Lakh Twenty Thousand and Fifty Paise Only` (or Hindi): from `render.words`."""
    paid: Decimal
    taxed: bool = False
    """A tax invoice or its credit note: lines show HSN, rate and tax; `tax_rows` is set."""
    inter_state: bool = False
    """IGST instead of CGST + SGST."""
    taxable_value: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO
    igst: Decimal = ZERO
    cess: Decimal = ZERO
    round_off: Decimal = ZERO
    tax_rows: list[TaxRow] = field(default_factory=list)
    previous_balance: Decimal | None = None
    """What the party owed before this bill (udhaar); None when there is no party account."""
    balance_due: Decimal | None = None
    """What the party owes after this bill and its payment: previous + total - paid."""
    original: str | None = None
    """A credit note's original invoice: `SK2026-27/000042 dated 03-12-2026`."""
    declaration: str | None = None
    """Printed as is, e.g. a composition dealer's "composition taxable person, ..."."""
    void: bool = False
    """A voided bill: printed with a clear VOID mark (it stays numbered)."""
    upi: UpiRequest | None = None
    """Set when the shop has a UPI id and something is due: printed as a QR code and link."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    date: dt.date
    kind: str
    """bill | payment | void | return | opening (labelled by `render.labels`)."""
    reference: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class StatementDocument:
    """A party's udhaar account between two dates, with the running balance."""

    language: Language
    shop: ShopBlock
    party: PartyBlock
    side: Literal["customer", "vendor"]
    """A customer owes the shop; the shop owes a vendor."""
    date_from: dt.date | None
    date_to: dt.date | None
    generated_on: dt.date
    opening_balance: Decimal
    lines: list[StatementLine]
    closing_balance: Decimal
    closing_in_words: str
    upi: UpiRequest | None = None
    """For a customer who owes something, when the shop has a UPI id."""


Document = InvoiceDocument | StatementDocument
