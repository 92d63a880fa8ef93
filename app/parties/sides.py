"""Customers and vendors: what differs between the two sides, described once as data.

The rules (one party per phone, E.164, balances from udhaar, payments, statements) are the
same for both; only names, labels and a few facts differ, and those are here. Services and
routers take a `PartySide` rather than keeping a customer copy and a vendor copy of each
function. No logic and no I/O here.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.core.errors import NotFound
from app.models import Customer, Vendor
from app.parties.schemas import CustomerRead, PartyRef, VendorRead

SideKey = Literal["customer", "vendor"]
UdhaarKind = Literal["sale", "purchase"]


@dataclass(frozen=True, slots=True)
class PartySide:
    """One side of the shop's books: who they are, what the JSON calls them, their udhaar."""

    key: SideKey
    """'customer': the word in paths (`/api/customers`), JSON names, messages, the outbox."""
    id_field: str
    """'cust_id': the party's id in JSON replies."""
    model: type[Customer] | type[Vendor]
    """The table of this side's parties."""
    read_model: type[CustomerRead] | type[VendorRead]
    """The reply that describes one party with its balance."""
    udhaar_kind: UdhaarKind
    """'sale': the udhaar entries of this side (customers owe on sales)."""
    udhaar_label: str
    """'Sales': how an error message names this side's udhaar."""
    walk_in_name: str | None
    """The name of the party a bill without a phone goes to; None: such a bill has none."""

    @property
    def label(self) -> str:
        """'Customer': how an error message names one."""
        return self.key.capitalize()

    @property
    def name_field(self) -> str:
        """'customer_name': the party's name in JSON requests and replies."""
        return f"{self.key}_name"

    @property
    def phone_query(self) -> str:
        """'customer_phone_no': the query parameter that looks one up by phone."""
        return f"{self.key}_phone_no"

    @property
    def udhaar_segment(self) -> str:
        """'sales': the path segment of this side's udhaar (`/api/udhaar/sales`)."""
        return f"{self.udhaar_kind}s"

    def phone_out(self, phone: str) -> str | None:
        """The phone as replies show it: the walk-in party has none (null, not '')."""
        return (phone or None) if self.walk_in_name is not None else phone

    def ref_fields(self, party: PartyRef) -> dict[str, object]:
        """The party as JSON names it: `{'cust_id': 7, 'customer_name': ..., 'phone_no': ...}`."""
        return {
            self.id_field: party.id,
            self.name_field: party.name,
            "phone_no": self.phone_out(party.phone),
        }

    def read(self, party: PartyRef, balance: Decimal) -> CustomerRead | VendorRead:
        return self.read_model.model_validate(self.ref_fields(party) | {"balance": balance})

    def not_found(self, party_id: int) -> NotFound:
        return NotFound(f"{self.label} {party_id} not found")


# In the order of the fields above.
CUSTOMERS = PartySide("customer", "cust_id", Customer, CustomerRead, "sale", "Sales", None)
VENDORS = PartySide("vendor", "vend_id", Vendor, VendorRead, "purchase", "Purchase", "Walk-in")
