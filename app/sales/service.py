"""Sale rules: one transaction writes the customer, bill, lines, stock, udhaar and the SMS.

A new sale is one call to the database, or two (`app.sales.repository`): the quote (the
shop's settings and the bill's products, or the stored reply of a retried request), which a
worker skips when it remembers them (`app.sales.quotes`); then, once the rules here have
priced and checked the bill, one call that checks it was priced from what is there, writes
it whole and numbers it last, so the shop-wide counter lock is held for the shortest time.
"""

import datetime as dt
from decimal import Decimal

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth_service
from app.auth.service import ShopSettings
from app.auth.visibility import for_role
from app.bills.dates import bill_date, credit_due_date, fiscal_year
from app.bills.documents import (
    COMPOSITION_DECLARATION,
    Supply,
    check_buyer_details,
    supply_for,
)
from app.bills.gst_rates import buyer_details_threshold, rate_problem
from app.bills.pricing import BillAmounts, price_bill, price_line
from app.bills.settlement import settle
from app.bills.tax import LineTax
from app.core import jsoncodec
from app.core.errors import AppError, Conflict, InvalidInput, NotFound
from app.core.gstin import STATE_NAMES
from app.core.pagination import Page
from app.core.phone import phone_in_region
from app.core.security import Principal
from app.idempotency import service as idempotency
from app.idempotency.service import Reply
from app.models import Sale
from app.notifications import service as notifications
from app.notifications.templates import BillItem, no_name
from app.parties import service as parties
from app.products import service as products
from app.sales import repository
from app.sales.quotes import QuoteCache, ShopQuote
from app.sales.schemas import (
    CustomerBrief,
    SaleCreate,
    SaleCreated,
    SaleDetail,
    SaleLineOut,
    SaleSummary,
)
from app.stock import service as stock

WALK_IN = "Walk-in"
ZERO = Decimal("0.00")
PRICING_ATTEMPTS = 3
"""How often a bill is quoted again when a product's price, cost or tax changed between the
quote and the write (a purchase landing at that moment), or a concurrent request with its
Idempotency-Key finished first (the next quote replays its reply); then the caller is asked
to retry."""


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
    quotes: QuoteCache,
    bill_link: bool = False,
) -> Reply:
    """The sale in one call, or two (see `app.sales.repository`); the reply as JSON text.

    The bill is priced from what this worker remembers of the shop and its products
    (`app.sales.quotes`), or else from a fresh quote (which also finds the key's stored
    reply). The rules here resolve, price and check the bill (a failure writes nothing);
    then one call checks the login session, locks the products, checks the shop and the
    products are as priced, takes the stock, writes the bill, keeps the key with its reply,
    and numbers the bill. A shop or product changed since it was priced is quoted and priced
    again; a concurrent request with the key that finished first is replayed.
    """
    refs = data.products
    ids = sorted({line.product_id for line in refs if line.product_id is not None})
    keys = sorted(
        {
            products.name_key(line.product_name)
            for line in refs
            if line.product_id is None and line.product_name
        }
    )
    shop_id = principal.shop_id
    known = quotes.recall(shop_id, ids, keys)
    for _ in range(PRICING_ATTEMPTS):
        if known is None:
            try:
                quote = await repository.quote(
                    connection,
                    principal,
                    product_ids=ids,
                    name_keys=keys,
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    catalogue=quotes.catalogue_for(shop_id),
                )
            except asyncpg.PostgresError as error:
                raise _refusal(error) from None
            if quote.replay is not None:
                status, body = quote.replay
                return Reply(status, body, replayed=True)
            if quote.shop is None:
                raise NotFound("This shop no longer exists")
            shop = ShopQuote(auth_service.settings_of_row(quote.shop), quote.shop_version)
            quotes.remember(shop_id, shop, quote.products)
            fresh, found = True, quote.products
        else:
            fresh, shop, found = False, known.shop, known.products
        try:
            bill = _priced_bill(
                shop.settings, principal, data, found, bill_link=bill_link, fresh=fresh
            )
        except AppError:
            if fresh:
                raise
            known = None  # refused on remembered figures: check against a fresh quote
            continue
        call = {
            "shop_version": shop.version,
            "session_id": principal.session_id,
            "role": principal.role,
            "key": idempotency_key,
            "fingerprint": fingerprint,
            "key_ttl_s": idempotency.TTL_S,
        }
        try:
            done = await repository.record(connection, bill | call)
        except asyncpg.PostgresError as error:
            again = repository.AGAIN if fresh else (*repository.AGAIN, repository.SHORT_STOCK)
            if error.sqlstate in again:
                # Quoted afresh: a retried request whose stock has gone since finds its
                # stored reply there (the key is kept only after the stock is taken).
                known = None
                continue
            raise _refusal(error) from None
        return Reply(done.status, done.body, replayed=done.replayed)
    raise Conflict("The bill's products changed while it was being recorded; send it again")


def _refusal(error: asyncpg.PostgresError) -> Exception:
    """The API error for the database's refusal of a sale (the error itself if it is none:
    an ended login session, `SESSION_ENDED`, is rendered by the web layer)."""
    if error.sqlstate == repository.SHORT_STOCK:
        short = jsoncodec.loads(getattr(error, "detail", None) or "{}")
        return stock.shortage(
            short["product_id"],
            short["name"],
            Decimal(short["available"]),
            Decimal(short["requested"]),
        )
    return idempotency.refusal(error) or error


def _priced_bill(
    shop: ShopSettings,
    principal: Principal,
    data: SaleCreate,
    found: list[repository.FoundProduct],
    *,
    bill_link: bool,
    fresh: bool,
) -> dict[str, object]:
    """The bill as `sales_record` takes it: resolved, priced and checked by the rules.

    `fresh`: the products were just quoted, so their stock can refuse a short bill here,
    before any write; remembered figures leave that to `sales_record`, under lock."""
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

    catalogue = products.BillCatalogue({p.id: p for p in found}, {p.name_key: p for p in found})
    resolved = [catalogue.require(line, index) for index, line in enumerate(data.products)]
    if fresh and not shop.allow_negative_stock:
        _refuse_short(data, resolved)

    # The cost is the moving average as quoted; `sales_record` checks it under lock.
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
    heads = bill.heads
    return {
        "shop_id": principal.shop_id,
        "user_id": principal.user_id,
        "allow_negative": shop.allow_negative_stock,
        "phone": phone,
        "customer_name": parties.clean_name(data.customer_name),
        "fiscal_year": fiscal_year(sale_date),
        "prefix": shop.invoice_prefix,
        "products": [p.priced_from() for p in {p.id: p for p in resolved}.values()],
        "lines": _lines(bill, resolved, supply),
        "sale": {
            "sale_date": sale_date,
            "total": total,
            "total_cost": bill.cost,
            "profit": bill.profit,
            "total_quantity": bill.quantity,
            "discount_total": bill.discount,
            "paid": paid,
            "payment_mode": data.payment_mode or ("cash" if paid > 0 else "credit"),
            "document_type": supply.document_type,
            "round_off": bill.round_off,
            "taxable_value": heads.taxable,
            "cgst": heads.cgst,
            "sgst": heads.sgst,
            "igst": heads.igst,
            "cess": heads.cess,
            "buyer_gstin": data.buyer_gstin,
            "buyer_name": buyer_name,
            "buyer_address": data.buyer_address,
            "place_of_supply": supply.place_of_supply,
        },
        "credit": on_credit if on_credit > 0 else None,
        "due_date": due_date,
        "message": _bill_message(
            shop, bill, resolved, paid=paid, due_date=due_date, supply=supply, bill_link=bill_link
        )
        if phone is not None
        else None,
        "no_name": no_name(shop.language),
        "reply": _reply_template(principal, total, bill.profit),
    }


def _refuse_short(data: SaleCreate, resolved: list[repository.FoundProduct]) -> None:
    """The 409 for a bill asking more than the quote showed in stock, before any write
    (`sales_record` checks again under lock)."""
    asked: dict[int, Decimal] = {}
    for line, p in zip(data.products, resolved, strict=True):
        asked[p.id] = asked.get(p.id, Decimal(0)) + line.quantity
    by_id = {p.id: p for p in resolved}
    short = [i for i in sorted(asked) if by_id[i].quantity - asked[i] < 0]
    if short:
        product = by_id[short[0]]  # the first short product by id, as the lock order finds it
        raise stock.shortage(product.id, product.name, product.quantity, asked[product.id])


def _lines(
    bill: BillAmounts, resolved: list[repository.FoundProduct], supply: Supply
) -> list[dict[str, object]]:
    return [
        {
            "product_id": p.id,
            "quantity": a.quantity,
            "rate": a.rate,
            "cost": a.unit_cost,
            "total": a.total,
            "profit": a.profit,
            "discount": a.discount,
            "hsn_code": p.hsn_code if supply.document_type != "bill" else None,
            "gst_rate": p.gst_rate if supply.taxed else ZERO,
            "cess_rate": p.cess_rate if supply.taxed else ZERO,
            "taxable_value": a.heads.taxable,
            "cgst": a.heads.cgst,
            "sgst": a.heads.sgst,
            "igst": a.heads.igst,
            "cess": a.heads.cess,
        }
        for p, a in zip(resolved, bill.lines, strict=True)
    ]


def _bill_message(
    shop: ShopSettings,
    bill: BillAmounts,
    resolved: list[repository.FoundProduct],
    *,
    paid: Decimal,
    due_date: dt.date | None,
    supply: Supply,
    bill_link: bool,
) -> dict[str, str] | None:
    """The bill SMS with marks for the bill number and the customer's name, which the
    database fills in (it also leaves it unsent to a customer who opted out)."""
    text = notifications.sale_bill_text(
        shop,
        notifications.Recipient("customer", 0, repository.PARTY_MARK, "", opted_out=False),
        bill_no=repository.BILL_NO_MARK,
        items=[
            BillItem(p.name, amounts.quantity, amounts.total, amounts.discount)
            for p, amounts in zip(resolved, bill.lines, strict=True)
        ],
        total=bill.total,
        paid=paid,
        due_date=due_date,
        tax=bill.heads if supply.taxed else None,
        bill_link=bill_link,
    )
    if text is None:
        return None
    return {"channel": shop.message_channel, "language": shop.language, "body": text}


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
    return jsoncodec.dumps(content).decode()


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
        credit_notes=jsoncodec.loads(row["credit_notes"]),
    )
