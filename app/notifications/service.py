"""Writing messages into the outbox, inside the business transaction (ARCHITECTURE rule 6).

Nothing is sent here: a rolled-back bill leaves no row, so it sends nothing, and the
dispatcher (the notifications issue) delivers what committed.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.notifications import repository
from app.notifications.templates import BillMessage, sale_bill

DEFAULT_CHANNEL = "sms"


async def queue_sale_bill(
    session: AsyncSession,
    shop_id: int,
    *,
    customer_id: int,
    phone: str,
    sale_id: int,
    message: BillMessage,
    language: str = "en",
) -> None:
    await repository.add(
        session,
        {
            "shop_id": shop_id,
            "customer_id": customer_id,
            "channel": DEFAULT_CHANNEL,
            "to": phone,
            "template": "sale_bill",
            "language": language,
            "body": sale_bill(message, language),
            "reference": f"sale:{sale_id}",
        },
    )
