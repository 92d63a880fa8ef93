"""Share links: a short signed token that opens one document of one shop without a login.

A token names its document (`kind`, shop, id), when it was issued and until when it is good,
and carries an HMAC-SHA256 over all of that (cut to 96 bits) under a key derived from the
service's secret. Nothing is stored to issue one, so the bill SMS can carry a link without a
write on the sale path; the owner revokes a document's links by recording a time, and a token
issued at or before it is refused (`app.invoices`). A changed byte breaks the MAC; a token
names exactly one document, so it can never open another.

Layout before base64url (no padding): version (1 byte), kind (1), shop id and document id
(unsigned LEB128 varints), issued and expires (Unix seconds, 4 bytes each), MAC (12 bytes):
about 30 characters for a young shop. Pure: no I/O.
"""

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

ShareKind = Literal["sale", "return", "purchase", "customer_statement", "vendor_statement"]
_KINDS: tuple[ShareKind, ...] = (
    "sale",
    "return",
    "purchase",
    "customer_statement",
    "vendor_statement",
)
BILL_LINK_MARK = "[[bill-link]]"
"""Stands in a queued bill message for the bill's share link: the sale's id is not known
when its message is written (in the sale's one statement), so the dispatcher mints the link
as it sends (`app.notifications.links`)."""
STATEMENT_LINK_MARK = "[[statement-link]]"
"""Stands in a queued reminder for the customer's statement link, minted the same way."""

_VERSION = 1
_MAC_BYTES = 12
_MAX_TOKEN = 64
_KEY_CONTEXT = b"dukaan-sahaayak share links v1"


@dataclass(frozen=True, slots=True)
class ShareGrant:
    """What a valid token opens."""

    kind: ShareKind
    shop_id: int
    document_id: int
    issued_at: dt.datetime
    expires_at: dt.datetime


def link_key(secret: str) -> bytes:
    """The signing key for links: derived from the service secret, so a link's MAC can never
    be replayed as (or made from) anything else signed with that secret."""
    return hmac.new(secret.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    for index in range(at, min(len(data), at + 9)):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index + 1
        shift += 7
    raise ValueError("bad number")


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def issue(
    key: bytes,
    kind: ShareKind,
    shop_id: int,
    document_id: int,
    *,
    issued_at: dt.datetime,
    expires_at: dt.datetime,
) -> str:
    """A token for one document; `issued_at` and `expires_at` are kept to the second."""
    payload = (
        bytes((_VERSION, _KINDS.index(kind)))
        + _varint(shop_id)
        + _varint(document_id)
        + int(issued_at.timestamp()).to_bytes(4, "big")
        + int(expires_at.timestamp()).to_bytes(4, "big")
    )
    raw = payload + _mac(key, payload)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def read(key: bytes, token: str, *, now: dt.datetime) -> ShareGrant | None:
    """The document a token opens, or None: malformed, altered, or expired (all alike, so a
    caller learns nothing about which)."""
    if not 16 <= len(token) <= _MAX_TOKEN or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if len(payload) < 12 or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    if payload[0] != _VERSION or payload[1] >= len(_KINDS):
        return None
    try:
        shop_id, at = _read_varint(payload, 2)
        document_id, at = _read_varint(payload, at)
    except ValueError:
        return None
    if len(payload) != at + 8:
        return None
    issued = dt.datetime.fromtimestamp(int.from_bytes(payload[at : at + 4], "big"), dt.UTC)
    expires = dt.datetime.fromtimestamp(int.from_bytes(payload[at + 4 : at + 8], "big"), dt.UTC)
    if expires <= now:
        return None
    return ShareGrant(_KINDS[payload[1]], shop_id, document_id, issued, expires)
