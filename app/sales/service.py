"""Sale rules: one transaction writes the customer, bill, lines, stock, udhaar and the SMS.

Order matters for throughput: stock is taken (row locks in product order) first, and the
per-shop bill number is assigned by the last statement, so the shop-wide counter lock is
held for the shortest time.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.core.errors import InvalidInput, NotFound
from app.core.money import round_money
from app.core.pagination import Page
from app.core.security import Principal
from app.models import Sale
from app.notifications import service as notifications
from app.notifications.templates import BillItem
from app.parties import service as parties
from app.parties.service import customer_recipient
from app.products import service as products
from app.sales import repository
from app.sales.schemas import (
    CustomerBrief,
    SaleCreate,
    SaleCreated,
    SaleDetail,
    SaleLineOut,
    SaleSummary,
)
from app.stock import service as stock
from app.stock.service import StockLine
from app.udhaar import service as udhaar

DEFAULT_CREDIT_DAYS = 30
WALK_IN = "Walk-in"
EARLIEST_DATE = dt.date(2000, 1, 1)


def fiscal_year(day: dt.date) -> str:
    """Indian financial year, April to March: 2026-04-01 .. 2027-03-31 is '2026-27'."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def bill_date(requested: dt.date | None, today: dt.date, field: str) -> dt.date:
    if requested is None:
        return today
    if requested > today + dt.timedelta(days=1):
        raise InvalidInput(f"{field} {requested} is in the future", loc=("body", field))
    if requested < EARLIEST_DATE:
        raise InvalidInput(f"{field} {requested} is too far in the past", loc=("body", field))
    return requested


def party_phone(raw: str | None, region: str) -> str | None:
    """The bill's phone in E.164, or None for a walk-in (no phone, or a blank one)."""
    if raw is None or not raw.strip():
        return None
    return parties.phone_in_region(raw, region)


def settle_amounts(
    total: Decimal,
    *,
    bill_paid: bool,
    amount_paid: Decimal | None,
    claimed_total: Decimal | None,
) -> Decimal:
    """How much was paid at the counter, after checking the client's arithmetic."""
    if claimed_total is not None and abs(claimed_total - total) > Decimal("0.01"):
        raise InvalidInput(
            f"total_amount {claimed_total} does not match the lines' total {total}",
            loc=("body", "total_amount"),
            computed_total=total,
        )
    if amount_paid is not None:
        if amount_paid > total:
            raise InvalidInput(
                f"amount_paid {amount_paid} is more than the bill total {total}",
                loc=("body", "amount_paid"),
            )
        return amount_paid
    return total if bill_paid else Decimal(0)


async def record_sale(session: AsyncSession, principal: Principal, data: SaleCreate) -> SaleCreated:
    shop_id = principal.shop_id
    shop = await auth_service.shop_settings(session, shop_id)
    sale_date = bill_date(data.transaction_date, shop.today(), "transaction_date")
    phone = party_phone(data.phone_no, shop.region)

    catalogue = await products.for_bill(session, shop_id, data.products)
    resolved = [catalogue.require(line, index) for index, line in enumerate(data.products)]
    rates = [
        line.rate if line.rate is not None else p.price_sale
        for line, p in zip(data.products, resolved, strict=True)
    ]
    line_totals = [
        round_money(line.quantity * rate) for line, rate in zip(data.products, rates, strict=True)
    ]
    total = sum(line_totals, Decimal("0.00"))
    paid = settle_amounts(
        total,
        bill_paid=data.bill_paid,
        amount_paid=data.amount_paid,
        claimed_total=data.total_amount,
    )
    on_credit = total - paid
    if on_credit > 0 and phone is None:
        raise InvalidInput(
            "A sale on udhaar needs the customer's phone number", loc=("body", "phone_no")
        )
    due_date = data.payment_due_date
    if due_date is not None and due_date < sale_date:
        raise InvalidInput(
            "payment_due_date is before the bill date", loc=("body", "payment_due_date")
        )

    stock_lines = [
        StockLine(product_id=p.id, change=-line.quantity, reason="sale")
        for line, p in zip(data.products, resolved, strict=True)
    ]
    applied = await stock.take_out(
        session,
        shop_id,
        stock_lines,
        {p.id: p.name for p in resolved},
        allow_negative=shop.allow_negative_stock,
    )
    costs = {pid: cost for pid, (_, cost) in applied.items()}

    customer = None
    if phone is not None:
        customer = await parties.upsert_customer(session, shop_id, phone, data.customer_name)

    line_costs = [
        round_money(line.quantity * costs[p.id])
        for line, p in zip(data.products, resolved, strict=True)
    ]
    total_cost = sum(line_costs, Decimal("0.00"))
    sale_id = await repository.add_sale(
        session,
        {
            "shop_id": shop_id,
            "customer_id": customer.id if customer else None,
            "sale_date": sale_date,
            "total_amount": total,
            "total_cost": total_cost,
            "profit": total - total_cost,
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
                "sale_id": sale_id,
                "product_id": p.id,
                "quantity": line.quantity,
                "rate": rate,
                "cost_price": costs[p.id],
                "line_total": line_total,
                "profit": line_total - line_cost,
            }
            for line, p, rate, line_total, line_cost in zip(
                data.products, resolved, rates, line_totals, line_costs, strict=True
            )
        ],
    )
    await stock.record_movements(
        session,
        shop_id,
        [StockLine(s.product_id, s.change, s.reason, sale_id=sale_id) for s in stock_lines],
        {pid: quantity for pid, (quantity, _) in applied.items()},
    )
    if on_credit > 0 and customer is not None:
        due_date = due_date or sale_date + dt.timedelta(days=DEFAULT_CREDIT_DAYS)
        await udhaar.open_sale_credit(
            session,
            shop_id,
            customer_id=customer.id,
            sale_id=sale_id,
            amount=on_credit,
            entry_date=sale_date,
            due_date=due_date,
        )
    bill_no = await repository.assign_bill_no(session, shop_id, sale_id, fiscal_year(sale_date))
    if customer is not None:
        await notifications.queue_bill(
            session,
            shop,
            customer_recipient(customer),
            template="sale_bill",
            reference=f"sale:{sale_id}",
            bill_no=bill_no,
            items=[
                BillItem(p.name, line.quantity, line_total)
                for line, p, line_total in zip(data.products, resolved, line_totals, strict=True)
            ],
            total=total,
            paid=paid,
            due_date=due_date if on_credit > 0 else None,
        )
    return SaleCreated(
        sale_id=sale_id, bill_no=bill_no, total_amount=total, profit=total - total_cost
    )


def _summary(sale: Sale) -> SaleSummary:
    return SaleSummary(
        sales_id=sale.id,
        bill_no=sale.bill_no,
        customer_id=sale.customer_id,
        transaction_date=sale.sale_date,
        total_amount=sale.total_amount,
        total_quantity=sale.total_quantity,
        amount_paid=sale.amount_paid,
        status=sale.status,
    )


async def list_sales(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    customer_id: int | None,
) -> tuple[list[SaleSummary], int]:
    rows, total = await repository.list_sales(
        session, shop_id, page, date_from=date_from, date_to=date_to, customer_id=customer_id
    )
    return [_summary(row) for row in rows], total


async def get_sale(
    session: AsyncSession, shop_id: int, sale_id: int, *, lock: bool = False
) -> Sale:
    sale = await repository.get(session, shop_id, sale_id, lock=lock)
    if sale is None:
        raise NotFound(f"Sale {sale_id} not found")
    return sale


async def sale_detail(session: AsyncSession, shop_id: int, sale_id: int) -> SaleDetail:
    sale = await get_sale(session, shop_id, sale_id)
    lines = await repository.lines_with_names(session, shop_id, sale_id)
    customer = (
        await repository.customer_of(session, shop_id, sale.customer_id)
        if sale.customer_id is not None
        else None
    )
    return SaleDetail(
        **_summary(sale).model_dump(),
        payment_mode=sale.payment_mode,
        profit=sale.profit,
        void_reason=sale.void_reason,
        products=[
            SaleLineOut(
                product_id=line.product_id,
                product_name=name,
                quantity=line.quantity,
                rate=line.rate,
                sale_price=line.line_total,
                cost_price=line.cost_price,
                profit=line.profit,
                returned_quantity=line.returned_quantity,
            )
            for line, name in lines
        ],
        customer=CustomerBrief(
            cust_id=customer.id if customer else None,
            customer_name=(customer.name or customer.phone) if customer else WALK_IN,
            phone_no=customer.phone if customer else None,
        ),
    )
