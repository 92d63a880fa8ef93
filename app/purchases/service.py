"""Purchase rules: vendor by phone, unknown products created, stock in at moving-average cost."""

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.money import round_money
from app.core.pagination import Page
from app.core.security import Principal
from app.models import Product, Purchase
from app.notifications import service as notifications
from app.notifications.templates import BillItem
from app.parties import service as parties
from app.parties.service import vendor_recipient
from app.products import service as products
from app.purchases import repository
from app.purchases.schemas import (
    PurchaseCreate,
    PurchaseCreated,
    PurchaseDetail,
    PurchaseLineIn,
    PurchaseLineOut,
    PurchaseSummary,
    VendorBrief,
)
from app.sales.service import DEFAULT_CREDIT_DAYS, bill_date, party_phone, settle_amounts
from app.stock import service as stock
from app.stock.service import StockLine
from app.udhaar import service as udhaar


def purchase_bill_no(purchase_id: int) -> str:
    """How a purchase is named to its vendor: purchases have no bill series of their own."""
    return f"P-{purchase_id}"


async def _resolve_or_create(
    session: AsyncSession, shop_id: int, lines: list[PurchaseLineIn]
) -> list[Product]:
    """The lines' products; a name the shop does not stock yet becomes a new product."""
    catalogue = await products.for_bill(session, shop_id, lines)
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
            )
            catalogue.add(product.id, product.name_key, product)
        resolved.append(product or catalogue.require(line, index))
    return resolved


async def record_purchase(
    session: AsyncSession, principal: Principal, data: PurchaseCreate
) -> PurchaseCreated:
    shop_id = principal.shop_id
    shop = await auth_service.shop_settings(session, shop_id)
    purchase_date = bill_date(data.transaction_date, shop.today(), "transaction_date")
    phone = party_phone(data.phone_no, shop.region)
    if phone is None:
        raise InvalidInput("phone_no is required for a purchase", loc=("body", "phone_no"))
    line_totals = [round_money(line.quantity * line.price_purchase) for line in data.products]
    total = sum(line_totals, Decimal("0.00"))
    paid = settle_amounts(
        total,
        bill_paid=data.bill_paid,
        amount_paid=data.amount_paid,
        claimed_total=data.total_amount,
    )
    if data.payment_due_date is not None and data.payment_due_date < purchase_date:
        raise InvalidInput(
            "payment_due_date is before the bill date", loc=("body", "payment_due_date")
        )

    resolved = await _resolve_or_create(session, shop_id, data.products)
    applied = await stock.receive(
        session,
        shop_id,
        [
            (p.id, line.quantity, line.price_purchase, line.price_sale)
            for line, p in zip(data.products, resolved, strict=True)
        ],
    )
    vendor = await parties.upsert_vendor(session, shop_id, phone, data.vendor_name)
    purchase_id = await repository.add_purchase(
        session,
        {
            "shop_id": shop_id,
            "vendor_id": vendor.id,
            "purchase_date": purchase_date,
            "total_amount": total,
            "total_quantity": sum((line.quantity for line in data.products), Decimal(0)),
            "amount_paid": paid,
            "payment_mode": data.payment_mode or ("cash" if paid > 0 else "credit"),
            "created_by": principal.user_id,
        },
    )
    await repository.add_lines(
        session,
        [
            {
                "shop_id": shop_id,
                "purchase_id": purchase_id,
                "product_id": p.id,
                "quantity": line.quantity,
                "price_purchase": line.price_purchase,
                "line_total": line_total,
            }
            for line, p, line_total in zip(data.products, resolved, line_totals, strict=True)
        ],
    )
    await stock.record_movements(
        session,
        shop_id,
        [
            StockLine(p.id, line.quantity, "purchase", purchase_id=purchase_id)
            for line, p in zip(data.products, resolved, strict=True)
        ],
        {pid: quantity for pid, (quantity, _) in applied.items()},
    )
    due_date = None
    if total > paid:
        due_date = data.payment_due_date or purchase_date + dt.timedelta(days=DEFAULT_CREDIT_DAYS)
        await udhaar.open_purchase_credit(
            session,
            shop_id,
            vendor_id=vendor.id,
            purchase_id=purchase_id,
            amount=total - paid,
            entry_date=purchase_date,
            due_date=due_date,
        )
    await notifications.queue_bill(
        session,
        shop,
        vendor_recipient(vendor),
        template="purchase_bill",
        reference=f"purchase:{purchase_id}",
        bill_no=purchase_bill_no(purchase_id),
        items=[
            BillItem(p.name, line.quantity, line_total)
            for line, p, line_total in zip(data.products, resolved, line_totals, strict=True)
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
    )


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
            )
            for line, name in lines
        ],
        vendor=VendorBrief(vend_id=vendor.id, vendor_name=vendor.name, phone_no=vendor.phone),
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


async def void_purchase(session: AsyncSession, shop_id: int, purchase_id: int, reason: str) -> None:
    """Take the bill's goods back out of stock and cancel the vendor's udhaar.

    The moving-average cost is left as it is: later sales were priced on it, and unwinding
    it exactly is not possible once stock has mixed.
    """
    purchase = await get_purchase(session, shop_id, purchase_id, lock=True)
    if purchase.status == "void":
        raise Conflict(f"Purchase {purchase_id} is already void")
    shop = await auth_service.shop_settings(session, shop_id)
    lines = await repository.lines_with_names(session, shop_id, purchase_id)
    await stock.put_back(
        session,
        shop_id,
        [
            StockLine(line.product_id, -line.quantity, "void", purchase_id=purchase_id)
            for line, _ in lines
        ],
        allow_negative=shop.allow_negative_stock,
    )
    await udhaar.reverse_bill_credit(
        session, shop_id, purchase_id=purchase_id, kind="void", amount=None, on=shop.today()
    )
    await repository.mark_void(session, shop_id, purchase_id, reason)
