"""From a bill's stored detail to the document the renderers print: pure.

Every amount comes from the stored bill (or the bills core, `app.bills.printed`); nothing is
priced again here, so a printed bill always matches the bill on record.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from app.auth.service import ShopSettings
from app.bills import printed
from app.bills.tax import TaxHeads
from app.core.gstin import STATE_NAMES
from app.core.message_templates import Language
from app.core.upi import payment_uri
from app.invoices.model import (
    ZERO,
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    PartyBlock,
    ShopBlock,
    StatementDocument,
    StatementLine,
    TaxRow,
    UpiRequest,
)
from app.invoices.render.words import amount_in_words
from app.invoices.repository import BillAccount, SaleReturn
from app.purchases.schemas import PurchaseDetail
from app.sales.schemas import SaleDetail
from app.udhaar.schemas import CustomerRef, Statement


def language_of(shop: ShopSettings, override: Language | None = None) -> Language:
    if override is not None:
        return override
    return "hi" if shop.language == "hi" else "en"


def state_label(code: str | None) -> str | None:
    """`27-Maharashtra`, as invoices write a state."""
    if not code:
        return None
    name = STATE_NAMES.get(code)
    return f"{code}-{name}" if name else code


def shop_block(shop: ShopSettings, phone: str | None) -> ShopBlock:
    registered = shop.gst_scheme != "unregistered"
    return ShopBlock(
        name=shop.name,
        legal_name=shop.legal_name if shop.legal_name and shop.legal_name != shop.name else None,
        address=shop.address,
        phone=phone,
        gstin=shop.gstin if registered else None,
        state=state_label(shop.state_code),
    )


def upi_request(shop: ShopSettings, amount: Decimal, note: str) -> UpiRequest | None:
    """A request for `amount` to the shop's UPI id; None without one or with nothing due."""
    if not shop.upi_id or amount <= 0:
        return None
    payee = shop.payee_name
    uri = payment_uri(vpa=shop.upi_id, payee_name=payee, amount=amount, note=note)
    return UpiRequest(uri=uri, payee_vpa=shop.upi_id, payee_name=payee, amount=amount)


class _Taxed(Protocol):
    """A stored bill, line or return: its taxable value and heads."""

    @property
    def taxable_value(self) -> Decimal: ...
    @property
    def cgst(self) -> Decimal: ...
    @property
    def sgst(self) -> Decimal: ...
    @property
    def igst(self) -> Decimal: ...
    @property
    def cess(self) -> Decimal: ...


class _RatedLine(_Taxed, Protocol):
    @property
    def gst_rate(self) -> Decimal: ...


def _heads(row: _Taxed) -> TaxHeads:
    return TaxHeads(row.taxable_value, row.cgst, row.sgst, row.igst, row.cess)


def _tax_rows(lines: list[tuple[Decimal, TaxHeads]]) -> list[TaxRow]:
    return [
        TaxRow(rate, heads.taxable, heads.cgst, heads.sgst, heads.igst, heads.cess)
        for rate, heads in printed.tax_by_rate(lines)
    ]


def _money_fields(
    bill: SaleDetail | PurchaseDetail,
    lines: Sequence[_RatedLine],
    *,
    taxed: bool,
    language: Language,
) -> dict[str, Any]:
    """The totals a stored bill carries, as an `InvoiceDocument` names them."""
    return {
        "total": bill.total_amount,
        "total_in_words": amount_in_words(bill.total_amount, language),
        "paid": bill.amount_paid,
        "taxed": taxed,
        "inter_state": bill.igst > 0,
        "taxable_value": bill.taxable_value,
        "cgst": bill.cgst,
        "sgst": bill.sgst,
        "igst": bill.igst,
        "cess": bill.cess,
        "tax_rows": _tax_rows([(line.gst_rate, _heads(line)) for line in lines]) if taxed else [],
    }


def sale_document(
    detail: SaleDetail,
    shop: ShopSettings,
    *,
    language: Language,
    shop_phone: str | None,
    account: BillAccount | None,
) -> InvoiceDocument:
    """A sale's bill: tax invoice, bill of supply or plain bill, as its `document_type`."""
    taxed = detail.document_type == "tax_invoice"
    kind: DocumentKind = detail.document_type
    walk_in = detail.customer_id is None and not detail.buyer_name
    party = None
    if not walk_in:
        party = PartyBlock(
            name=detail.buyer_name or detail.customer.customer_name,
            phone=detail.customer.phone_no,
            gstin=detail.buyer_gstin,
            address=detail.buyer_address,
            place_of_supply=state_label(detail.place_of_supply) if taxed else None,
        )
    lines = [
        DocumentLine(
            name=line.product_name,
            quantity=line.quantity,
            rate=line.rate,
            amount=line.sale_price,
            discount=line.discount,
            hsn_code=line.hsn_code if detail.document_type != "bill" else None,
            gst_rate=line.gst_rate if taxed else None,
            taxable_value=line.taxable_value,
            tax=_heads(line).tax,
        )
        for line in detail.products
    ]
    live = detail.status != "void"
    previous = account.previous if account is not None else None
    due = (
        printed.balance_after(previous, detail.total_amount, detail.amount_paid)
        if previous is not None
        else None
    )
    upi = None
    if live and account is not None:
        upi = upi_request(shop, account.open_now, f"Bill {detail.bill_no}")
    return InvoiceDocument(
        kind=kind,
        language=language,
        shop=shop_block(shop, shop_phone),
        party=party,
        number=detail.bill_no or str(detail.sales_id),
        date=detail.transaction_date,
        lines=lines,
        subtotal=printed.subtotal((line.quantity, line.rate) for line in detail.products),
        discount_total=detail.discount_total,
        **_money_fields(detail, detail.products, taxed=taxed, language=language),
        round_off=detail.round_off,
        previous_balance=previous,
        balance_due=due,
        declaration=detail.declaration,
        void=not live,
        upi=upi,
    )


def credit_note_document(
    detail: SaleDetail,
    returned: SaleReturn,
    shop: ShopSettings,
    *,
    language: Language,
    shop_phone: str | None,
) -> InvoiceDocument:
    """A return of goods: the credit note against the sale (rule 53), valued as returned."""
    taxed = detail.document_type == "tax_invoice"
    sale = sale_document(detail, shop, language=language, shop_phone=shop_phone, account=None)
    heads = _heads(returned)
    return InvoiceDocument(
        kind="credit_note",
        language=language,
        shop=sale.shop,
        party=sale.party,
        number=returned.credit_note_no or f"R-{returned.id}",
        date=returned.return_date,
        lines=[
            DocumentLine(
                name=line.name,
                quantity=line.quantity,
                rate=line.rate,
                amount=line.amount,
                hsn_code=line.hsn_code if taxed else None,
                gst_rate=line.gst_rate if taxed else None,
                taxable_value=line.taxable_value,
                tax=_heads(line).tax,
            )
            for line in returned.lines
        ],
        subtotal=returned.amount,
        discount_total=ZERO,
        total=returned.amount,
        total_in_words=amount_in_words(returned.amount, language),
        paid=returned.refund_amount,
        taxed=taxed,
        inter_state=heads.igst > 0,
        taxable_value=heads.taxable,
        cgst=heads.cgst,
        sgst=heads.sgst,
        igst=heads.igst,
        cess=heads.cess,
        tax_rows=_tax_rows([(line.gst_rate, _heads(line)) for line in returned.lines])
        if taxed
        else [],
        original=f"{detail.bill_no} dated {detail.transaction_date:%d-%m-%Y}",
    )


def purchase_document(
    detail: PurchaseDetail,
    shop: ShopSettings,
    *,
    number: str,
    language: Language,
    shop_phone: str | None,
    account: BillAccount,
) -> InvoiceDocument:
    """A purchase bill as the shop recorded it: the vendor issued it, the shop is the buyer."""
    taxed = any(_heads(line).tax for line in detail.products)
    previous = account.previous
    return InvoiceDocument(
        kind="purchase_bill",
        language=language,
        shop=shop_block(shop, shop_phone),
        party=PartyBlock(
            name=detail.vendor.vendor_name,
            phone=detail.vendor.phone_no,
            gstin=detail.vendor_gstin,
        ),
        number=number,
        date=detail.transaction_date,
        lines=[
            DocumentLine(
                name=line.product_name,
                quantity=line.quantity,
                rate=line.price_purchase,
                amount=line.line_total,
                discount=line.discount,
                hsn_code=line.hsn_code,
                gst_rate=line.gst_rate if taxed else None,
                taxable_value=line.taxable_value,
                tax=_heads(line).tax,
            )
            for line in detail.products
        ],
        subtotal=printed.subtotal((line.quantity, line.price_purchase) for line in detail.products),
        discount_total=detail.discount_total,
        **_money_fields(detail, detail.products, taxed=taxed, language=language),
        previous_balance=previous,
        balance_due=printed.balance_after(previous, detail.total_amount, detail.amount_paid),
        void=detail.status == "void",
    )


def statement_document(
    statement: Statement,
    shop: ShopSettings,
    *,
    language: Language,
    shop_phone: str | None,
    today: dt.date,
    balance_now: Decimal,
) -> StatementDocument:
    """A party's udhaar statement; a customer who owes something gets a UPI request for
    everything they owe today (`balance_now`), whatever period the statement shows."""
    party = statement.party
    is_customer = isinstance(party, CustomerRef)
    name = party.customer_name if isinstance(party, CustomerRef) else party.vendor_name
    upi = upi_request(shop, balance_now, f"Udhaar {name}") if is_customer else None
    return StatementDocument(
        language=language,
        shop=shop_block(shop, shop_phone),
        party=PartyBlock(name=name, phone=party.phone_no),
        side="customer" if is_customer else "vendor",
        date_from=statement.date_from,
        date_to=statement.date_to,
        generated_on=today,
        opening_balance=statement.opening_balance,
        lines=[
            StatementLine(
                date=entry.date,
                kind=entry.kind,
                reference=entry.reference,
                debit=entry.debit,
                credit=entry.credit,
                balance=entry.balance,
            )
            for entry in statement.entries
        ],
        closing_balance=statement.closing_balance,
        closing_in_words=amount_in_words(statement.closing_balance, language),
        upi=upi,
    )
