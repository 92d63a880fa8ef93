"""Undoing sales: voids (the whole bill) and returns (some goods). Nothing is deleted.

Both write reversing rows: stock movements back in, and udhaar settlements of kind
`void`/`return`; the bill keeps its lines, and a voided bill drops out of totals and profit.
"""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import service as auth_service
from app.bills.dates import fiscal_year
from app.bills.refund import returned_heads, returned_value
from app.bills.tax import NO_HEADS, TaxHeads
from app.core.errors import Conflict, InvalidInput
from app.models import SaleLine
from app.sales import repository
from app.sales.schemas import ReturnCreated, ReturnIn
from app.sales.service import get_sale
from app.stock import service as stock
from app.stock.service import StockLine
from app.udhaar import service as udhaar


def _heads(line: SaleLine) -> TaxHeads:
    return TaxHeads(line.taxable_value, line.cgst, line.sgst, line.igst, line.cess)


def _head_columns(heads: TaxHeads) -> dict[str, Decimal]:
    return {
        "taxable_value": heads.taxable,
        "cgst": heads.cgst,
        "sgst": heads.sgst,
        "igst": heads.igst,
        "cess": heads.cess,
    }


async def void_sale(
    session: AsyncSession, shop_id: int, sale_id: int, reason: str, *, user_id: int | None
) -> None:
    sale = await get_sale(session, shop_id, sale_id, lock=True)
    if sale.status == "void":
        raise Conflict(f"Sale {sale_id} is already void")
    before = {"status": sale.status, "void_reason": sale.void_reason}
    shop = await auth_service.shop_settings(session, shop_id)
    lines = await repository.lines_with_names(session, shop_id, sale_id, lock=True)
    # The stock ledger unwinds the whole bill on the days it touched, so the stock summary
    # counts a voided sale on no day: all its goods back on the bill's date, and what its
    # returns had already put back taken out again on each return's date. Together they put
    # back what was not returned.
    back = [StockLine(line.product_id, line.quantity, "void", sale_id=sale_id) for line, _ in lines]
    await stock.put_back(session, shop_id, back, on=sale.sale_date)
    returned = await repository.returned_by_day(session, shop_id, sale_id)
    for day in sorted({row[0] for row in returned}):
        await stock.put_back(
            session,
            shop_id,
            [StockLine(pid, -q, "void", sale_id=sale_id) for d, pid, q in returned if d == day],
            on=day,
        )
    await udhaar.reverse_bill_credit(
        session, shop_id, sale_id=sale_id, kind="void", amount=None, on=shop.today()
    )
    await repository.mark_void(session, shop_id, sale_id, reason)
    await audit.record(
        session,
        shop_id=shop_id,
        user_id=user_id,
        action=audit.SALE_VOIDED,
        entity="sale",
        entity_id=sale_id,
        before=before,
        after={"status": "void", "void_reason": reason},
    )


async def return_goods(
    session: AsyncSession, shop_id: int, sale_id: int, data: ReturnIn, *, user_id: int | None
) -> ReturnCreated:
    sale = await get_sale(session, shop_id, sale_id, lock=True)
    if sale.status == "void":
        raise Conflict(f"Sale {sale_id} is void; nothing can be returned")
    shop = await auth_service.shop_settings(session, shop_id)
    lines = [
        line for line, _ in await repository.lines_with_names(session, shop_id, sale_id, lock=True)
    ]
    left = {line.id: line.quantity - line.returned_quantity for line in lines}

    taken: dict[int, Decimal] = defaultdict(Decimal)  # sale line id -> quantity returned now
    for index, wanted in enumerate(data.products):
        needed = wanted.quantity
        for line in lines:
            if line.product_id != wanted.product_id or needed == 0:
                continue
            take = min(needed, left[line.id])
            if take > 0:
                taken[line.id] += take
                left[line.id] -= take
                needed -= take
        if needed > 0:
            raise InvalidInput(
                f"Product {wanted.product_id} was not sold on this bill in that quantity "
                f"({wanted.quantity - needed} can still be returned)",
                loc=("body", "products", index, "quantity"),
            )

    ids = [wanted.product_id for wanted in data.products]
    stock.check_room(
        await stock.quantities(session, shop_id, ids),
        [(w.product_id, w.quantity, f"product {w.product_id}") for w in data.products],
        after="this return",
    )
    by_id = {line.id: line for line in lines}
    # Pro rata at the line's net (discounted) taxable value, each tax head and cost, counting
    # what came back before, so the returns of a whole line give back exactly its total, every
    # head and its cost (app.bills.refund). The value returned is the heads' total.
    heads = {
        lid: returned_heads(
            _heads(by_id[lid]), by_id[lid].quantity, by_id[lid].returned_quantity, q
        )
        for lid, q in taken.items()
    }
    costs = {
        lid: returned_value(
            by_id[lid].taxable_value - by_id[lid].profit,
            by_id[lid].quantity,
            by_id[lid].returned_quantity,
            q,
        )
        for lid, q in taken.items()
    }
    amounts = {lid: back.total for lid, back in heads.items()}
    reversed_heads = sum(heads.values(), NO_HEADS)
    amount = reversed_heads.total
    cost = sum(costs.values(), Decimal("0.00"))
    credit_note_no = None
    if sale.document_type == "tax_invoice":
        credit_note_no = await repository.next_credit_note_no(
            session, shop_id, fiscal_year(shop.today())
        )

    await stock.put_back(
        session,
        shop_id,
        [
            StockLine(by_id[lid].product_id, q, "return", sale_id=sale_id)
            for lid, q in taken.items()
        ],
        on=shop.today(),
    )
    reduced = await udhaar.reverse_bill_credit(
        session, shop_id, sale_id=sale_id, kind="return", amount=amount, on=shop.today()
    )
    refund = amount - reduced
    return_id = await repository.add_return(
        session,
        {
            "shop_id": shop_id,
            "sale_id": sale_id,
            "return_date": shop.today(),
            "amount": amount,
            "cost": cost,
            "refund_amount": refund,
            "refund_mode": data.refund_mode,
            "note": data.note,
            "credit_note_no": credit_note_no,
            **_head_columns(reversed_heads),
        },
    )
    await repository.add_return_lines(
        session,
        [
            {
                "shop_id": shop_id,
                "return_id": return_id,
                "sale_line_id": lid,
                "quantity": q,
                "amount": amounts[lid],
                "cost": costs[lid],
                **_head_columns(heads[lid]),
            }
            for lid, q in taken.items()
        ],
    )
    await repository.add_returned(session, shop_id, taken)
    created = ReturnCreated(
        return_id=return_id,
        sale_id=sale_id,
        amount=amount,
        udhaar_reduced=reduced,
        refund_amount=refund,
        refund_mode=data.refund_mode,
        credit_note_no=credit_note_no,
        invoice_no=sale.bill_no,
        invoice_date=sale.sale_date,
        **_head_columns(reversed_heads),
    )
    await audit.record(
        session,
        shop_id=shop_id,
        user_id=user_id,
        action=audit.SALE_RETURNED,
        entity="sale",
        entity_id=sale_id,
        after={
            "return_id": return_id,
            "credit_note_no": credit_note_no,
            "amount": amount,
            "udhaar_reduced": reduced,
            "refund_amount": refund,
            "refund_mode": data.refund_mode,
            "products": [
                {"product_id": by_id[lid].product_id, "quantity": q} for lid, q in taken.items()
            ],
        },
    )
    return created
