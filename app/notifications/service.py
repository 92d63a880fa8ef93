"""Writing messages into the outbox, inside the business transaction (docs/architecture.md rule 6).

Nothing is sent here: a rolled-back bill leaves no row, so it sends nothing, and the
dispatcher delivers what committed. Every message goes through `queue()`, which applies the
rules that hold for all of them: a party that opted out gets nothing, the text comes from
the shop's templates in the shop's language, and a manual send over the shop's daily cap is
refused (automatic ones are queued and the dispatcher holds them for the next day).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.service import ShopSettings
from app.bills.tax import TaxHeads
from app.core.errors import Conflict, RateLimited
from app.core.message_templates import TemplateName
from app.core.pagination import Page
from app.core.share_links import BILL_LINK_MARK, STATEMENT_LINK_MARK
from app.core.upi import payment_uri
from app.models import Notification
from app.notifications import repository
from app.notifications.schemas import OutboxMessage
from app.notifications.templates import BillItem, item_lines, render
from app.parties import service as parties
from app.parties.schemas import PartyRef
from app.parties.sides import PartySide


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message is for: a customer or a vendor of the shop."""

    side: Literal["customer", "vendor"]
    party_id: int
    name: str
    phone: str
    opted_out: bool


def recipient(side: PartySide, party: PartyRef) -> Recipient:
    """Who a message to this customer (or vendor) goes to."""
    return Recipient(side.key, party.id, party.name, party.phone, party.opted_out)


OWNER_ONLY_TEMPLATES: tuple[TemplateName, ...] = ("daily_summary",)
"""Messages to the owner about the business, which staff may not read in the outbox."""


class OptedOut(Conflict):
    code = "opted_out"


async def queue(
    session: AsyncSession,
    shop: ShopSettings,
    recipient: Recipient,
    template: TemplateName,
    values: dict[str, object],
    *,
    reference: str,
    dedupe_key: str | None = None,
    manual: bool = False,
) -> int | None:
    """Queue one message; returns its id, or None when it is not to be sent.

    `manual` sends (a shop owner pressing "send reminder") answer for themselves: an
    opted-out party is a 409 and a full daily quota a 429. Automatic ones are skipped or
    wait quietly, because the bill that triggers them must not fail for a message.
    """
    if recipient.opted_out:
        if manual:
            raise OptedOut(f"{recipient.phone} asked not to receive messages")
        return None
    if manual and await repository.used_today(session, shop.shop_id, shop.today()) >= (
        shop.daily_message_cap
    ):
        raise RateLimited(
            f"The shop's daily limit of {shop.daily_message_cap} messages is used up",
            retry_after_s=shop.seconds_to_midnight(),
        )
    return await repository.add(
        session,
        {
            "shop_id": shop.shop_id,
            "customer_id": recipient.party_id if recipient.side == "customer" else None,
            "vendor_id": recipient.party_id if recipient.side == "vendor" else None,
            "channel": shop.message_channel,
            "to": recipient.phone,
            "template": template,
            "language": shop.language,
            "body": message_text(shop, recipient, template, values),
            "reference": reference,
            "dedupe_key": dedupe_key,
        },
    )


def message_text(
    shop: ShopSettings, recipient: Recipient, template: TemplateName, values: dict[str, object]
) -> str:
    """The text of a message: the shop's own wording or ours, in the shop's language."""
    return render(
        template,
        shop.language,
        {"shop": shop.name, "party": recipient.name} | values,
        shop.message_templates,
    )


def _bill_values(
    bill_no: str, items: list[BillItem], total: Decimal, paid: Decimal, due_date: dt.date | None
) -> dict[str, object]:
    return {
        "bill_no": bill_no,
        "lines": item_lines(items),
        "total": total,
        "paid": paid,
        "balance": total - paid,
        "due_date": due_date.isoformat() if due_date else "-",
    }


def tax_summary(heads: TaxHeads) -> str:
    """A tax invoice's GST in a few characters: '15.26 (CGST 7.63+SGST 7.63)', 'IGST 15.25'."""
    parts = [
        f"{name} {amount}"
        for name, amount in (
            ("CGST", heads.cgst),
            ("SGST", heads.sgst),
            ("IGST", heads.igst),
            ("Cess", heads.cess),
        )
        if amount
    ]
    if len(parts) == 1:
        return parts[0]
    return f"{heads.tax} ({'+'.join(parts)})" if parts else ""


def sale_bill_text(
    shop: ShopSettings,
    recipient: Recipient,
    *,
    bill_no: str,
    items: list[BillItem],
    total: Decimal,
    paid: Decimal,
    due_date: dt.date | None,
    tax: TaxHeads | None = None,
    bill_link: bool = False,
) -> str | None:
    """The bill SMS of a sale, for a sale that writes its own outbox row in its statement;
    None when it is not to be sent (the shop sends no bills, or the customer opted out).
    A tax invoice's GST (`tax`) is stated in one short sentence. With `bill_link` (the
    deployment has a public address) the text ends with the bill's share link, minted by the
    dispatcher as it sends (`BILL_LINK_MARK`)."""
    if not shop.send_bill_messages or recipient.opted_out:
        return None
    values = _bill_values(bill_no, items, total, paid, due_date)
    values["tax"] = tax_summary(tax) if tax is not None and tax.tax else ""
    values["link"] = BILL_LINK_MARK if bill_link else ""
    return message_text(shop, recipient, "sale_bill", values)


async def queue_bill(
    session: AsyncSession,
    shop: ShopSettings,
    recipient: Recipient,
    *,
    template: Literal["sale_bill", "purchase_bill"],
    reference: str,
    bill_no: str,
    items: list[BillItem],
    total: Decimal,
    paid: Decimal,
    due_date: dt.date | None,
) -> int | None:
    """The bill to the customer (sale) or vendor (purchase), if the shop sends bills."""
    if not shop.send_bill_messages:
        return None
    return await queue(
        session,
        shop,
        recipient,
        template,
        _bill_values(bill_no, items, total, paid, due_date),
        reference=reference,
    )


async def queue_receipt(
    session: AsyncSession,
    shop: ShopSettings,
    recipient: Recipient,
    *,
    payment_id: int,
    amount: Decimal,
    paid_on: dt.date,
    balance: Decimal,
) -> int | None:
    """A receipt for udhaar a customer paid, if the shop sends receipts."""
    if not shop.send_payment_receipts:
        return None
    return await queue(
        session,
        shop,
        recipient,
        "payment_receipt",
        {"amount": amount, "paid_on": paid_on.isoformat(), "balance": balance},
        reference=f"payment:{payment_id}",
    )


async def queue_reminder(
    session: AsyncSession,
    shop: ShopSettings,
    recipient: Recipient,
    *,
    entry_id: int,
    bill_no: str | None,
    balance: Decimal,
    due_date: dt.date | None,
    manual: bool,
    on: dt.date | None = None,
    statement_link: bool = False,
) -> int | None:
    """A reminder of what is owed on one udhaar entry (to a vendor: when the shop will pay).

    Automatic reminders carry the key `reminder:<entry>:<day>`, unique per shop, so however
    many dispatchers scan at once an entry is reminded at most once a day. A customer's
    reminder carries a way to pay: the UPI link for the balance when the shop has a UPI id,
    and, with `statement_link` (the deployment has a public address), their statement's
    share link, minted by the dispatcher as it sends (`STATEMENT_LINK_MARK`).
    """
    customer = recipient.side == "customer"
    pay_link = ""
    if customer and shop.upi_id and balance > 0:
        note = f"Bill {bill_no}" if bill_no else f"Udhaar {shop.name}"
        pay_link = payment_uri(
            vpa=shop.upi_id, payee_name=shop.payee_name, amount=balance, note=note
        )
    return await queue(
        session,
        shop,
        recipient,
        "reminder" if customer else "purchase_reminder",
        {
            "bill_no": bill_no or "-",
            "balance": balance,
            "due_date": due_date.isoformat() if due_date else "-",
            "pay_link": pay_link,
            "statement_link": STATEMENT_LINK_MARK if customer and statement_link else "",
        },
        reference=udhaar_reference(entry_id),
        dedupe_key=None if on is None else f"reminder:{entry_id}:{on.isoformat()}",
        manual=manual,
    )


def udhaar_reference(entry_id: int) -> str:
    return f"udhaar:{entry_id}"


def _outbox_message(row: Notification) -> OutboxMessage:
    return OutboxMessage(
        notification_id=row.id,
        channel=row.channel,
        to=row.to,
        template=row.template,
        language=row.language,
        body=row.body,
        status=row.status,
        attempts=row.attempts,
        provider_id=row.provider_id,
        last_error=row.last_error,
        reference=row.reference,
        customer_id=row.customer_id,
        vendor_id=row.vendor_id,
        next_attempt_at=row.next_attempt_at if row.status in ("queued", "sending") else None,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def outbox(
    session: AsyncSession,
    shop_id: int,
    page: Page,
    *,
    status: str | None,
    party: str | None,
    customer_id: int | None,
    vendor_id: int | None,
    owner: bool,
) -> tuple[list[OutboxMessage], int]:
    """The shop's messages, newest first; `party` is a phone as typed, read in the shop's region.
    Without `owner` (a staff login) the owner's own messages (`OWNER_ONLY_TEMPLATES`: the
    daily summary, which states the profit) are left out."""
    to = None
    if party is not None:
        to = await parties.normalise_phone(session, shop_id, party, loc=("query", "party"))
    rows, total = await repository.list_page(
        session,
        shop_id,
        page,
        status=status,
        to=to,
        customer_id=customer_id,
        vendor_id=vendor_id,
        hidden_templates=() if owner else OWNER_ONLY_TEMPLATES,
    )
    return [_outbox_message(row) for row in rows], total
