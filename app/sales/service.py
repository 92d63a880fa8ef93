"""Sale rules: one transaction writes the customer, bill, lines, stock, udhaar and the SMS.

Order matters for throughput: stock is taken (row locks in product order) first, and the
per-shop bill number is assigned by the last statement, so the shop-wide counter lock is
held for the shortest time.
"""

import datetime as dt
import json
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.visibility import for_role
from app.bills.dates import bill_date, credit_due_date, fiscal_year
from app.bills.documents import (
    COMPOSITION_DECLARATION,
    Supply,
    check_buyer_details,
    supply_for,
)
from app.bills.gst_rates import buyer_details_threshold, rate_problem
from app.bills.pricing import price_bill, price_line
from app.bills.settlement import settle
from app.bills.tax import LineTax
from app.core.errors import InvalidInput, NotFound
from app.core.gstin import STATE_NAMES
from app.core.pagination import Page
from app.core.phone import phone_in_region
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

WALK_IN = "Walk-in"
ZERO = Decimal("0.00")


def party_phone(raw: str | None, region: str) -> str | None:
    """The bill's phone in E.164, or None for a walk-in (no phone, or a blank one)."""
    if raw is None or not raw.strip():
        return None
    return phone_in_region(raw, region)


async def record_sale(
    connection: asyncpg.Connection,
    principal: Principal,
    data: SaleCreate,
    *,
    idempotency_key: str | None,
    fingerprint: str,
    bill_link: bool = False,
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
    supply = supply_for(
        shop.gst_scheme,
        shop.state_code,
        buyer_gstin=data.buyer_gstin,
        buyer_address=data.buyer_address,
        place_of_supply=data.place_of_supply,
    )
    buyer_name = data.buyer_name or parties.clean_name(data.customer_name) or None

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

    # The cost is read from the locked row: the moving average at the moment of the sale.
    bill = price_bill(
        [
            price_line(
                line.quantity,
                line.rate if line.rate is not None else p.price_sale,
                discount=line.discount,
                discount_percent=line.discount_percent,
                unit_cost=p.price_purchase,
                tax=_line_tax(supply, p, sale_date, index),
                loc=("body", "products", index),
            )
            for index, (line, p) in enumerate(zip(data.products, resolved, strict=True))
        ],
        round_to_rupee=shop.round_to_rupee,
    )
    check_buyer_details(
        supply,
        bill.heads.taxable,
        buyer_details_threshold(sale_date),
        buyer_gstin=data.buyer_gstin,
        buyer_name=buyer_name,
        buyer_address=data.buyer_address,
    )
    total = bill.total
    settled = settle(
        total,
        bill_paid=data.bill_paid,
        amount_paid=data.amount_paid,
        claimed_total=data.total_amount,
    )
    paid, on_credit = settled.paid, settled.on_credit
    if on_credit > 0 and phone is None:
        raise InvalidInput(
            "A sale on udhaar needs the customer's phone number", loc=("body", "phone_no")
        )
    due_date = credit_due_date(on_credit > 0, data.payment_due_date, sale_date)

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
                BillItem(p.name, amounts.quantity, amounts.total, amounts.discount)
                for p, amounts in zip(resolved, bill.lines, strict=True)
            ],
            total=total,
            paid=paid,
            due_date=due_date,
            tax=bill.heads if supply.taxed else None,
            bill_link=bill_link,
        )
        if text is not None:
            message = repository.OutboxText(
                shop.message_channel, customer.phone, shop.language, text
            )
    reply = _reply_template(principal, total, bill.profit)
    sale_id = await repository.write_sale(
        connection,
        shop_id,
        sale_date=sale_date,
        customer_id=customer.id if customer else None,
        total=total,
        total_cost=bill.cost,
        profit=bill.profit,
        total_quantity=bill.quantity,
        discount_total=bill.discount,
        paid=paid,
        payment_mode=data.payment_mode or ("cash" if paid > 0 else "credit"),
        created_by=principal.user_id,
        lines=repository.BillLines(
            product_ids=[p.id for p in resolved],
            quantities=[a.quantity for a in bill.lines],
            rates=[a.rate for a in bill.lines],
            costs=[a.unit_cost for a in bill.lines],
            totals=[a.total for a in bill.lines],
            profits=[a.profit for a in bill.lines],
            discounts=[a.discount for a in bill.lines],
            changes=[s.change for s in stock_lines],
            balances_after=stock.balances_after(
                stock_lines, {p.id: p.after for p in resolved if p.after is not None}
            ),
            hsn_codes=[p.hsn_code if supply.document_type != "bill" else None for p in resolved],
            gst_rates=[p.gst_rate if supply.taxed else ZERO for p in resolved],
            cess_rates=[p.cess_rate if supply.taxed else ZERO for p in resolved],
            heads=[a.heads for a in bill.lines],
        ),
        document=repository.SaleDocument(
            document_type=supply.document_type,
            heads=bill.heads,
            round_off=bill.round_off,
            buyer_gstin=data.buyer_gstin,
            buyer_name=buyer_name,
            buyer_address=data.buyer_address,
            place_of_supply=supply.place_of_supply,
        ),
        credit=on_credit if on_credit > 0 else None,
        due_date=due_date,
        message=message,
        claim_id=claim_id,
        reply=reply,
    )
    bill_no = await repository.number_and_commit(
        connection, shop_id, sale_id, fiscal_year(sale_date), claim_id, shop.invoice_prefix
    )
    body = reply.replace(repository.SALE_ID_MARK, str(sale_id))
    return Reply(201, body.replace(repository.BILL_NO_MARK, bill_no))


def _line_tax(
    supply: Supply, product: repository.FoundProduct, on: dt.date, index: int
) -> LineTax | None:
    """How a tax invoice's line is taxed: the product's rates, which must be GST rates in
    force on the bill's date; None on a bill that carries no tax."""
    if not supply.taxed:
        return None
    problem = rate_problem(product.gst_rate, on)
    if problem is not None:
        raise InvalidInput(
            f"product '{product.name}' has gst_rate {problem}; correct the product's gst_rate",
            loc=("body", "products", index),
        )
    return LineTax(
        product.gst_rate, product.cess_rate, product.price_includes_tax, supply.inter_state
    )


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
        document_type=sale.document_type,
        round_off=sale.round_off,
        taxable_value=sale.taxable_value,
        cgst=sale.cgst,
        sgst=sale.sgst,
        igst=sale.igst,
        cess=sale.cess,
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
    columns = (
        "product_ids", "names", "quantities", "rates", "totals", "costs", "profits", "returned",
        "discounts", "hsn_codes", "gst_rates", "cess_rates", "taxable_values", "cgsts", "sgsts",
        "igsts", "cesses",
    )  # fmt: skip
    lines = [dict(zip(columns, values, strict=True)) for values in zip(
        *(row[column] or [] for column in columns), strict=True
    )]  # fmt: skip
    place = row["place_of_supply"]
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
                product_id=line["product_ids"],
                product_name=line["names"],
                quantity=line["quantities"],
                rate=line["rates"],
                sale_price=line["totals"],
                cost_price=line["costs"],
                profit=line["profits"],
                returned_quantity=line["returned"],
                discount=line["discounts"],
                hsn_code=line["hsn_codes"],
                gst_rate=line["gst_rates"],
                cess_rate=line["cess_rates"],
                taxable_value=line["taxable_values"],
                cgst=line["cgsts"],
                sgst=line["sgsts"],
                igst=line["igsts"],
                cess=line["cesses"],
            )
            for line in lines
        ],
        customer=CustomerBrief(
            cust_id=row["customer_id"],
            customer_name=(row["customer_name"] or row["customer_phone"])
            if row["customer_id"] is not None
            else WALK_IN,
            phone_no=row["customer_phone"],
        ),
        discount_total=row["discount_total"],
        document_type=row["document_type"],
        round_off=row["round_off"],
        taxable_value=row["taxable_value"],
        cgst=row["cgst"],
        sgst=row["sgst"],
        igst=row["igst"],
        cess=row["cess"],
        buyer_gstin=row["buyer_gstin"],
        buyer_name=row["buyer_name"],
        buyer_address=row["buyer_address"],
        place_of_supply=place,
        place_of_supply_name=STATE_NAMES.get(place) if place else None,
        declaration=COMPOSITION_DECLARATION if row["document_type"] == "bill_of_supply" else None,
        credit_notes=json.loads(row["credit_notes"], parse_float=Decimal),
    )
