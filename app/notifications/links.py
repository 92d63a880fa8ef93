"""Share links in outgoing messages, minted as the dispatcher sends.

A bill's message is written inside the sale's one statement, before the sale has an id, so
it carries `BILL_LINK_MARK` where its link goes; a reminder carries `STATEMENT_LINK_MARK`.
Just before sending, the dispatcher replaces each mark with a fresh signed link
(`app.core.share_links`) to the sale (the message's `sale:<id>` reference) or to the
customer's statement, and a WhatsApp bill gets the bill's PDF attached (Twilio `MediaUrl`,
which Twilio fetches from the link). Without `PUBLIC_BASE_URL` no link can be made: the
marks are removed (and the sale path does not write them in the first place).
"""

import datetime as dt
from dataclasses import dataclass

from app.core import share_links
from app.core.share_links import BILL_LINK_MARK, STATEMENT_LINK_MARK

LINK_DAYS = 30


@dataclass(frozen=True, slots=True)
class Outgoing:
    body: str
    media_url: str | None = None


class LinkMinter:
    """Fills the link marks of a message; `base_url` None makes no links."""

    def __init__(self, key: bytes, base_url: str | None, *, days: int = LINK_DAYS) -> None:
        self._key = key
        self._base = base_url.rstrip("/") if base_url else None
        self._days = days

    def _url(self, kind: share_links.ShareKind, shop_id: int, document_id: int) -> str:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        token = share_links.issue(
            self._key,
            kind,
            shop_id,
            document_id,
            issued_at=now,
            expires_at=now + dt.timedelta(days=self._days),
        )
        return f"{self._base}/b/{token}"

    def fill(
        self,
        body: str,
        *,
        shop_id: int,
        reference: str | None,
        customer_id: int | None,
        attach_pdf: bool,
    ) -> Outgoing:
        """The text to send and, for a bill sent where media can go, its PDF's address."""
        media_url = None
        if BILL_LINK_MARK in body:
            sale_id = _id_after("sale:", reference)
            url = self._url("sale", shop_id, sale_id) if self._base and sale_id is not None else ""
            body = body.replace(BILL_LINK_MARK, url)
            if url and attach_pdf:
                media_url = f"{url}?format=pdf"
        if STATEMENT_LINK_MARK in body:
            url = (
                self._url("customer_statement", shop_id, customer_id)
                if self._base and customer_id is not None
                else ""
            )
            body = body.replace(STATEMENT_LINK_MARK, url)
        return Outgoing(body, media_url)


def _id_after(prefix: str, reference: str | None) -> int | None:
    if reference is None or not reference.startswith(prefix):
        return None
    tail = reference[len(prefix) :]
    return int(tail) if tail.isdigit() else None
