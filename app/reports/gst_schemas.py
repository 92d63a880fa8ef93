"""Response models of the GST reports: the tax summary and GSTR-1 (documentation and shape).

GSTR-1 keeps GSTN's own key names (`ctin`, `inum`, `txval`, ...), so the reply can be
uploaded as it is; the models here document them. Money is `Decimal` to the wire with its
two places (`app.core.responses.respond`); rates are percent (`18.00`); quantities keep three
places.
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.money import Number

PERIOD_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
"""A return's month, `YYYY-MM` (years 2000-2099; GST began in July 2017)."""

Gstr1Format = Literal["json", "csv", "xlsx"]


class Heads(BaseModel):
    cgst: Number
    sgst: Number
    igst: Number
    cess: Number
    tax: Number = Field(description="cgst + sgst + igst + cess")


class TaxFigures(Heads):
    taxable_value: Number = Field(description="Value before tax")


class CountedTax(TaxFigures):
    count: int = Field(description="How many documents")


class OutputTax(BaseModel):
    invoices: CountedTax = Field(description="Non-void tax invoices dated in the range")
    credit_notes: CountedTax = Field(
        description="Credit notes dated in the range (returns of non-void tax invoices): the "
        "tax they reverse"
    )
    net: TaxFigures = Field(description="invoices - credit_notes")


class GstSummary(BaseModel):
    """Output tax, input tax and what is left to pay, per head, over a date range."""

    model_config = ConfigDict(populate_by_name=True)

    date_from: dt.date | None = Field(alias="from", description="First day, as asked")
    date_to: dt.date | None = Field(alias="to", description="Last day, as asked")
    output: OutputTax
    input: CountedTax = Field(
        description="Non-void purchases dated in the range, not under reverse charge: the tax "
        "the vendors charged (an untaxed purchase counts its whole value as taxable, tax 0)"
    )
    reverse_charge: CountedTax = Field(
        description="Non-void purchases under reverse charge: the shop pays this tax itself "
        "(in cash) and may claim it back, so it is both payable and claimable and leaves "
        "`net_payable` unchanged"
    )
    net_payable: Heads = Field(
        description="output.net - input, per head (negative: credit carried forward)"
    )


class ItemDetail(BaseModel):
    """Tax of one rate on a document. Intra-state documents carry `camt`/`samt`, inter-state
    ones `iamt`, as GSTN's own tool writes them."""

    rt: Number = Field(description="GST rate, percent")
    txval: Number
    iamt: Number | None = None
    camt: Number | None = None
    samt: Number | None = None
    csamt: Number


class Item(BaseModel):
    num: int = Field(description="1, 2, ... per rate, ascending")
    itm_det: ItemDetail


class B2bInvoice(BaseModel):
    inum: str
    idt: str = Field(description="dd-mm-yyyy")
    val: Number = Field(description="Invoice value, tax and round-off included")
    pos: str = Field(description="Place of supply, 2-digit state code")
    rchrg: Literal["N"]
    inv_typ: Literal["R"]
    itms: list[Item]


class B2b(BaseModel):
    ctin: str = Field(description="The buyer's GSTIN")
    inv: list[B2bInvoice]


class B2clInvoice(BaseModel):
    inum: str
    idt: str
    val: Number
    itms: list[Item]


class B2cl(BaseModel):
    pos: str
    inv: list[B2clInvoice]


class B2cs(BaseModel):
    sply_ty: Literal["INTRA", "INTER"]
    pos: str
    typ: Literal["OE"]
    rt: Number
    txval: Number = Field(description="Net of the credit notes of B2CS invoices (may be < 0)")
    iamt: Number | None = None
    camt: Number | None = None
    samt: Number | None = None
    csamt: Number


class CreditNote(BaseModel):
    ntty: Literal["C"]
    nt_num: str
    nt_dt: str = Field(description="dd-mm-yyyy")
    val: Number = Field(description="The note's value, tax included")
    pos: str
    rchrg: Literal["N"]
    inv_typ: Literal["R"]
    itms: list[Item]


class Cdnr(BaseModel):
    ctin: str
    nt: list[CreditNote]


class Cdnur(BaseModel):
    typ: Literal["B2CL"]
    ntty: Literal["C"]
    nt_num: str
    nt_dt: str
    val: Number
    pos: str
    itms: list[Item]


class HsnRow(BaseModel):
    num: int
    hsn_sc: str
    desc: str = Field(description="A product's name (at most 30 characters)")
    uqc: str = Field(description="GSTN unit code: NOS, KGS, GMS, LTR, MLT, PAC, BOX, ...")
    qty: Number = Field(description="Sold minus credited")
    rt: Number
    txval: Number
    iamt: Number
    camt: Number
    samt: Number
    csamt: Number


class Hsn(BaseModel):
    hsn_b2b: list[HsnRow]
    hsn_b2c: list[HsnRow]


class DocRange(BaseModel):
    num: int
    from_: str = Field(alias="from")
    to: str
    totnum: int
    cancel: int
    net_issue: int


class DocGroup(BaseModel):
    doc_num: Literal[1, 5] = Field(description="1: invoices for outward supply; 5: credit notes")
    doc_typ: str
    docs: list[DocRange] = Field(description="One range per number series")


class DocIssue(BaseModel):
    doc_det: list[DocGroup]


class Gstr1(BaseModel):
    """GSTR-1 of a month, in GSTN's JSON (docs/api.md, "GSTR-1")."""

    gstin: str = Field(description="The shop's GSTIN")
    fp: str = Field(description="The period as MMYYYY")
    b2b: list[B2b]
    b2cl: list[B2cl]
    b2cs: list[B2cs]
    cdnr: list[Cdnr]
    cdnur: list[Cdnur]
    hsn: Hsn
    doc_issue: DocIssue
