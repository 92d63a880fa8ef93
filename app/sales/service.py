"""Sale rules: one transaction writes the customer, bill, lines, stock, udhaar and the SMS.

Order matters for throughput: stock is taken (row locks in product order) first, and the
per-shop bill number is assigned by the last statement, so the shop-wide counter lock is
held for the shortest time.
"""

import datetime as dt
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.visibility import for_role
from app.core.errors import InvalidInput, NotFound
from app.core.money import money_within_range, quantity_within_range, round_money
from app.core.pagination import Page
from app.core.responses import dumps
from app.core.security import Principal
from app.idempotency import service as idempotency
from app.idempotency.service import Reply
from app.models import Sale
from app.notifications import service as notifications
from app.notifications.service import Recipient
from app.notifications.templates import BillItem
from app.parties import service as parties
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


def line_amounts(quantities: list[Decimal], prices: list[Decimal], what: str) -> list[Decimal]:
    """`quantity x price` per line, rounded to paise.

    A line whose amount does not fit NUMERIC(14,2) is a 422 naming that line's quantity and
    the limit (each input can be valid while their product is not).
    """
    return [
        money_within_range(round_money(q * p), what, ("body", "products", index, "quantity"))
        for index, (q, p) in enumerate(zip(quantities, prices, strict=True))
    ]


def bill_sum(amounts: list[Decimal], what: str) -> Decimal:
    """The bill's total of its lines' amounts; past NUMERIC(14,2) it is a 422 on `products`."""
    return money_within_range(sum(amounts, Decimal("0.00")), what, ("body", "products"))


def bill_quantity(quantities: list[Decimal]) -> Decimal:
    """The bill's total quantity; past NUMERIC(14,3) it is a 422 on `products`."""
    return quantity_within_range(
        sum(quantities, Decimal(0)), "total quantity", ("body", "products")
    )


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


async def record_sale(
    connection: asyncpg.Connection,
    principal: Principal,
    data: SaleCreate,
    *,
    idempotency_key: str | None,
    fingerprint: str,
) -> Reply:
    """The sale in three round trips (see `app.sales.repository`); the reply as JSON text.

    The first claims the Idempotency-Key, takes the stock and upserts the customer; the
    rules are then checked here (any failure rolls all of it back); the second writes the
    bill, its lines, movements, udhaar, message and stored reply; the third numbers the
    bill and commits, so the shop's counter lock lives only inside that one message.
    """
    shop_id = principal.shop_id
    shop = await auth_service.shop_settings_on(connection, shop_id)
    sale_date = bill_date(data.transaction_date, shop.today(), "transaction_date")
    phone = party_phone(data.phone_no, shop.region)

    async def take(key: str | None) -> repository.Taken:
        return await repository.take_for_sale(
            connection,
            shop_id,
            user_id=principal.user_id,
            key=key,
            fingerprint=fingerprint,
            key_ttl_s=idempotency.TTL_S,
            product_ids=[line.product_id for line in data.products],
            name_keys=[
                products.name_key(line.product_name)
                if line.product_id is None and line.product_name
                else None
                for line in data.products
            ],
            quantities=[line.quantity for line in data.products],
            allow_negative=shop.allow_negative_stock,
            phone=phone,
            customer_name=parties.clean_name(data.customer_name),
        )

    taken = await take(idempotency_key)
    claim_id = taken.claim_id
    if not taken.claimed:
        # Another request used the key: replay its reply (or reclaim an expired key).
        assert idempotency_key is not None  # only a key can be held by another request
        claimed = await idempotency.claim_on(connection, principal, idempotency_key, fingerprint)
        if claimed.is_replay:
            return claimed.replay()
        taken, claim_id = await take(None), claimed.record_id

    catalogue = products.BillCatalogue(
        {p.id: p for p in taken.products}, {p.name_key: p for p in taken.products}
    )
    resolved = [catalogue.require(line, index) for index, line in enumerate(data.products)]
    stock_lines = [
        StockLine(product_id=p.id, change=-line.quantity, reason="sale")
        for line, p in zip(data.products, resolved, strict=True)
    ]
    short = [p for p in resolved if p.after is None]
    if short:
        product = min(short, key=lambda p: p.id)  # the first short product, as locked
        requested = sum((-s.change for s in stock_lines if s.product_id == product.id), Decimal(0))
        raise stock.shortage(product.id, product.name, product.quantity, requested)

    rates = [
        line.rate if line.rate is not None else p.price_sale
        for line, p in zip(data.products, resolved, strict=True)
    ]
    quantities = [line.quantity for line in data.products]
    line_totals = line_amounts(quantities, rates, "line total")
    total = bill_sum(line_totals, "bill total")
    total_quantity = bill_quantity(quantities)
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
    if on_credit > 0:
        due_date = due_date or sale_date + dt.timedelta(days=DEFAULT_CREDIT_DAYS)

    # The cost is read from the locked row: the moving average at the moment of the sale.
    line_costs = line_amounts(quantities, [p.price_purchase for p in resolved], "line cost")
    total_cost = bill_sum(line_costs, "bill cost")
    customer = taken.customer
    message = None
    if customer is not None:
        recipient = Recipient(
            "customer", customer.id, customer.name, customer.phone, customer.opted_out
        )
        text = notifications.sale_bill_text(
            shop,
            recipient,
            bill_no=repository.BILL_NO_MARK,
            items=[
                BillItem(p.name, line.quantity, line_total)
                for line, p, line_total in zip(data.products, resolved, line_totals, strict=True)
            ],
            total=total,
            paid=paid,
            due_date=due_date if on_credit > 0 else None,
        )
        if text is not None:
            message = repository.OutboxText(
                shop.message_channel, customer.phone, shop.language, text
            )
    reply = _reply_template(principal, total, total - total_cost)
    sale_id = await repository.write_sale(
        connection,
        shop_id,
        sale_date=sale_date,
        customer_id=customer.id if customer else None,
        total=total,
        total_cost=total_cost,
        total_quantity=total_quantity,
        paid=paid,
        payment_mode=data.payment_mode or ("cash" if paid > 0 else "credit"),
        created_by=principal.user_id,
        lines=repository.BillLines(
            product_ids=[p.id for p in resolved],
            quantities=[line.quantity for line in data.products],
            rates=rates,
            costs=[p.price_purchase for p in resolved],
            totals=line_totals,
            profits=[t - c for t, c in zip(line_totals, line_costs, strict=True)],
            changes=[s.change for s in stock_lines],
            balances_after=stock.balances_after(
                stock_lines, {p.id: p.after for p in resolved if p.after is not None}
            ),
        ),
        credit=on_credit if on_credit > 0 else None,
        due_date=due_date,
        message=message,
        claim_id=claim_id,
        reply=reply,
    )
    bill_no = await repository.number_and_commit(
        connection, shop_id, sale_id, fiscal_year(sale_date), claim_id
    )
    body = reply.replace(repository.SALE_ID_MARK, str(sale_id))
    return Reply(201, body.replace(repository.BILL_NO_MARK, bill_no))


def _reply_template(principal: Principal, total: Decimal, profit: Decimal) -> str:
    """The 201 body with marks where the sale's id and number go (see `repository`)."""
    created = for_role(
        principal,
        SaleCreated(sale_id=0, bill_no=repository.BILL_NO_MARK, total_amount=total, profit=profit),
    )
    content = created.model_dump(mode="python") | {"sale_id": repository.SALE_ID_MARK_VALUE}
    return dumps(content).decode()


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


async def sale_detail(connection: asyncpg.Connection, shop_id: int, sale_id: int) -> SaleDetail:
    """One bill with its lines and customer, read in one statement (the most read page)."""
    row = await repository.detail(connection, shop_id, sale_id)
    if row is None:
        raise NotFound(f"Sale {sale_id} not found")
    lines = zip(
        row["product_ids"] or [],
        row["names"] or [],
        row["quantities"] or [],
        row["rates"] or [],
        row["totals"] or [],
        row["costs"] or [],
        row["profits"] or [],
        row["returned"] or [],
        strict=True,
    )
    return SaleDetail(
        sales_id=row["id"],
        bill_no=row["bill_no"],
        customer_id=row["customer_id"],
        transaction_date=row["sale_date"],
        total_amount=row["total_amount"],
        total_quantity=row["total_quantity"],
        amount_paid=row["amount_paid"],
        status=row["status"],
        payment_mode=row["payment_mode"],
        profit=row["profit"],
        void_reason=row["void_reason"],
        products=[
            SaleLineOut(
                product_id=product_id,
                product_name=name,
                quantity=quantity,
                rate=rate,
                sale_price=total,
                cost_price=cost,
                profit=profit,
                returned_quantity=returned,
            )
            for product_id, name, quantity, rate, total, cost, profit, returned in lines
        ],
        customer=CustomerBrief(
            cust_id=row["customer_id"],
            customer_name=(row["customer_name"] or row["customer_phone"])
            if row["customer_id"] is not None
            else WALK_IN,
            phone_no=row["customer_phone"],
        ),
    )
