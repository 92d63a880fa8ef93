"""Purchase rules: vendor by phone, unknown products created, stock in at moving-average cost."""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import service as auth_service
from app.bills.dates import bill_date, credit_due_date
from app.bills.pricing import price_bill, price_line
from app.bills.settlement import settle
from app.bills.tax import LineTax, TaxHeads
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import Page
from app.core.security import Principal
from app.models import Product, Purchase, PurchaseLine
from app.notifications import service as notifications
from app.notifications.templates import BillItem
from app.parties import service as parties
from app.parties.sides import VENDORS
from app.products import service as products
from app.products.service import BillCatalogue
from app.purchases import repository
from app.purchases.input_tax import check_rates, input_tax
from app.purchases.schemas import (
    PurchaseCreate,
    PurchaseCreated,
    PurchaseDetail,
    PurchaseLineIn,
    PurchaseLineOut,
    PurchaseSummary,
    VendorBrief,
)
from app.sales.service import party_phone
from app.stock import service as stock
from app.stock.service import StockLine
from app.udhaar import service as udhaar

ZERO = Decimal("0.00")


def purchase_bill_no(purchase_id: int) -> str:
    """How a purchase is named to its vendor: purchases have no bill series of their own."""
    return f"P-{purchase_id}"


async def _resolve_or_create(
    session: AsyncSession,
    shop_id: int,
    lines: list[PurchaseLineIn],
    catalogue: BillCatalogue[Product],
) -> list[Product]:
    """The lines' products; a name the shop does not stock yet becomes a new product."""
    resolved = []
    for index, line in enumerate(lines):
        product = catalogue.find(line)
        if product is None and line.product_id is None:
            product = await products.create_for_purchase(
                session,
                shop_id,
                line.product_name or "",
                price_sale=line.price_sale if line.price_sale is not None else line.price_purchase,
                price_purchase=line.price_purchase,
                # The vendor's bill is what the shop knows of the product's tax so far.
                hsn_code=line.hsn_code,
                gst_rate=line.gst_rate if line.gst_rate is not None else ZERO,
                cess_rate=line.cess_rate if line.cess_rate is not None else ZERO,
                price_includes_tax=line.price_includes_tax is not False,
            )
            catalogue.add(product.id, product.name_key, product)
        resolved.append(product or catalogue.require(line, index))
    return resolved


def _line_columns(
    line: PurchaseLineIn, found: Product | None, tax: LineTax | None
) -> dict[str, Any]:
    """A purchase line's HSN code and rates as stored: the line's, else its product's (`found`
    None for a product the purchase creates); rates 0 on a line without tax."""
    return {
        "hsn_code": line.hsn_code if line.hsn_code is not None or found is None else found.hsn_code,
        "gst_rate": ZERO if tax is None else tax.rate,
        "cess_rate": ZERO if tax is None else tax.cess_rate,
    }


def _heads(heads: TaxHeads) -> dict[str, Decimal]:
    return {
        "taxable_value": heads.taxable,
        "cgst": heads.cgst,
        "sgst": heads.sgst,
        "igst": heads.igst,
        "cess": heads.cess,
    }


async def record_purchase(
    session: AsyncSession, principal: Principal, data: PurchaseCreate
) -> PurchaseCreated:
    shop_id = principal.shop_id
    shop = await auth_service.shop_settings(session, shop_id)
    purchase_date = bill_date(data.transaction_date, shop.today(), "transaction_date")
    phone = party_phone(data.phone_no, shop.region)
    check_rates(data.products, purchase_date)
    taxes = input_tax(shop, data.vendor_gstin, reverse_charge=data.reverse_charge)
    catalogue = await products.for_bill(session, shop_id, data.products)
    found = [catalogue.find(line) for line in data.products]
    line_taxes = [
        taxes.line_tax(line, product) for line, product in zip(data.products, found, strict=True)
    ]
    bill = price_bill(
        [
            price_line(
                line.quantity,
                line.price_purchase,
                discount=line.discount,
                discount_percent=line.discount_percent,
                tax=tax,
                loc=("body", "products", index),
            )
            for index, (line, tax) in enumerate(zip(data.products, line_taxes, strict=True))
        ]
    )
    total = taxes.owed(bill)
    settled = settle(
        total,
        bill_paid=data.bill_paid,
        amount_paid=data.amount_paid,
        claimed_total=data.total_amount,
    )
    paid = settled.paid
    if phone is None and settled.on_credit > 0:
        raise InvalidInput(
            "phone_no is required for a purchase on udhaar (not paid in full)",
            loc=("body", "phone_no"),
        )
    due_date = credit_due_date(settled.on_credit > 0, data.payment_due_date, purchase_date)

    resolved = await _resolve_or_create(session, shop_id, data.products, catalogue)
    stock.check_room(
        {product.id: product.quantity for product in resolved},
        [
            (product.id, line.quantity, f"'{product.name}'")
            for line, product in zip(data.products, resolved, strict=True)
        ],
        after="this purchase",
    )
    applied = await stock.receive(
        session,
        shop_id,
        [
            # The moving average takes the line's net value (a discount lowers the cost), tax
            # included unless the shop claims it back.
            (p.id, amounts.quantity, taxes.stock_value(amounts), line.price_sale)
            for line, p, amounts in zip(data.products, resolved, bill.lines, strict=True)
        ],
    )
    vendor = (
        await parties.walk_in(session, VENDORS, shop_id)
        if phone is None
        else await parties.upsert(session, VENDORS, shop_id, phone, data.vendor_name)
    )
    purchase_id = await repository.add_purchase(
        session,
        {
            "shop_id": shop_id,
            "vendor_id": vendor.id,
            "purchase_date": purchase_date,
            "total_amount": total,
            "total_quantity": bill.quantity,
            "amount_paid": paid,
            "payment_mode": data.payment_mode or ("cash" if paid > 0 else "credit"),
            "created_by": principal.user_id,
            "vendor_gstin": data.vendor_gstin,
            "reverse_charge": data.reverse_charge,
            "invoice_no": data.invoice_no or None,
            **_heads(bill.heads),
        },
    )
    await repository.add_lines(
        session,
        [
            {
                "shop_id": shop_id,
                "purchase_id": purchase_id,
                "product_id": p.id,
                "quantity": amounts.quantity,
                "price_purchase": amounts.rate,
                "line_total": taxes.owed(amounts),
                "discount": amounts.discount,
                **_heads(amounts.heads),
                **_line_columns(line, product, tax),
            }
            for line, product, tax, p, amounts in zip(
                data.products, found, line_taxes, resolved, bill.lines, strict=True
            )
        ],
    )
    await stock.record_movements(
        session,
        shop_id,
        [
            StockLine(p.id, line.quantity, "purchase", purchase_id=purchase_id)
            for line, p in zip(data.products, resolved, strict=True)
        ],
        applied,
        on=purchase_date,
    )
    if due_date is not None:  # some of it is on udhaar
        await udhaar.open_credit(
            session,
            shop_id,
            "purchase",
            party_id=vendor.id,
            bill_id=purchase_id,
            amount=settled.on_credit,
            entry_date=purchase_date,
            due_date=due_date,
        )
    if phone is not None:  # a walk-in vendor has no phone to send the bill to
        await notifications.queue_bill(
            session,
            shop,
            notifications.recipient(VENDORS, vendor),
            template="purchase_bill",
            reference=f"purchase:{purchase_id}",
            bill_no=purchase_bill_no(purchase_id),
            items=[
                BillItem(p.name, amounts.quantity, taxes.owed(amounts), amounts.discount)
                for p, amounts in zip(resolved, bill.lines, strict=True)
            ],
            total=total,
            paid=paid,
            due_date=due_date,
        )
    return PurchaseCreated(purchase_id=purchase_id, total_amount=total)


def _summary(purchase: Purchase) -> PurchaseSummary:
    return PurchaseSummary(
        purch_id=purchase.id,
        vendor_id=purchase.vendor_id,
        transaction_date=purchase.purchase_date,
        total_amount=purchase.total_amount,
        total_quantity=purchase.total_quantity,
        amount_paid=purchase.amount_paid,
        status=purchase.status,
        vendor_gstin=purchase.vendor_gstin,
        reverse_charge=purchase.reverse_charge,
        invoice_no=purchase.invoice_no,
        **_stored_heads(purchase),
    )


def _stored_heads(row: Purchase | PurchaseLine) -> dict[str, Decimal]:
    return {
        "taxable_value": row.taxable_value,
        "cgst": row.cgst,
        "sgst": row.sgst,
        "igst": row.igst,
        "cess": row.cess,
    }


async def get_purchase(
    session: AsyncSession, shop_id: int, purchase_id: int, *, lock: bool = False
) -> Purchase:
    purchase = await repository.get(session, shop_id, purchase_id, lock=lock)
    if purchase is None:
        raise NotFound(f"Purchase {purchase_id} not found")
    return purchase


async def purchase_detail(session: AsyncSession, shop_id: int, purchase_id: int) -> PurchaseDetail:
    purchase = await get_purchase(session, shop_id, purchase_id)
    lines = await repository.lines_with_names(session, shop_id, purchase_id)
    vendor = await repository.vendor_of(session, shop_id, purchase.vendor_id)
    assert vendor is not None  # the composite foreign key guarantees it
    return PurchaseDetail(
        **_summary(purchase).model_dump(),
        payment_mode=purchase.payment_mode,
        void_reason=purchase.void_reason,
        products=[
            PurchaseLineOut(
                product_id=line.product_id,
                product_name=name,
                quantity=line.quantity,
                price_purchase=line.price_purchase,
                line_total=line.line_total,
                discount=line.discount,
                hsn_code=line.hsn_code,
                gst_rate=line.gst_rate,
                cess_rate=line.cess_rate,
                **_stored_heads(line),
            )
            for line, name in lines
        ],
        vendor=VendorBrief(
            vend_id=vendor.id, vendor_name=vendor.name, phone_no=vendor.phone or None
        ),
        discount_total=sum((line.discount for line, _ in lines), Decimal("0.00")),
    )


async def list_purchases(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    vendor_id: int | None,
) -> tuple[list[PurchaseSummary], int]:
    rows, total = await repository.list_purchases(
        session, shop_id, page, date_from=date_from, date_to=date_to, vendor_id=vendor_id
    )
    return [_summary(row) for row in rows], total


async def void_purchase(
    session: AsyncSession, shop_id: int, purchase_id: int, reason: str, *, user_id: int | None
) -> None:
    """Take the bill's goods back out of stock and cancel the vendor's udhaar.

    The moving-average cost is left as it is: later sales were priced on it, and unwinding
    it exactly is not possible once stock has mixed.
    """
    purchase = await get_purchase(session, shop_id, purchase_id, lock=True)
    if purchase.status == "void":
        raise Conflict(f"Purchase {purchase_id} is already void")
    before = {"status": purchase.status, "void_reason": purchase.void_reason}
    shop = await auth_service.shop_settings(session, shop_id)
    lines = await repository.lines_with_names(session, shop_id, purchase_id)
    await stock.put_back(
        session,
        shop_id,
        [
            StockLine(line.product_id, -line.quantity, "void", purchase_id=purchase_id)
            for line, _ in lines
        ],
        on=purchase.purchase_date,
        allow_negative=shop.allow_negative_stock,
    )
    await udhaar.reverse_bill_credit(
        session, shop_id, purchase_id=purchase_id, kind="void", amount=None, on=shop.today()
    )
    await repository.mark_void(session, shop_id, purchase_id, reason)
    await audit.record(
        session,
        shop_id=shop_id,
        user_id=user_id,
        action=audit.PURCHASE_VOIDED,
        entity="purchase",
        entity_id=purchase_id,
        before=before,
        after={"status": "void", "void_reason": reason},
    )
