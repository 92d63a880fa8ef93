"""Which GST document a bill is, and where its goods are supplied: pure rules.

- A regular GST shop issues a tax invoice (rule 46), with tax per head on every line.
- A composition shop issues a bill of supply (rule 49): no tax lines, and the declaration
  below printed on it; it may not supply goods to another state (section 10(2)(c)).
- An unregistered shop issues a plain bill, as before GST.

The place of supply is the buyer's state: as stated on the bill, else the state of the
buyer's GSTIN, else the shop's own (IGST Act section 10(1)(ca): a walk-in buyer with no
address recorded is supplied in the shop's state).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.core.errors import InvalidInput
from app.core.gstin import state_of

DocumentType = Literal["bill", "tax_invoice", "bill_of_supply"]
COMPOSITION_DECLARATION = "composition taxable person, not eligible to collect tax on supplies"

_DOCUMENTS: dict[str, DocumentType] = {
    "unregistered": "bill",
    "regular": "tax_invoice",
    "composition": "bill_of_supply",
}


@dataclass(frozen=True, slots=True)
class Supply:
    """How a bill is taxed: the document, the place of supply and whether it crosses states."""

    document_type: DocumentType
    place_of_supply: str | None
    inter_state: bool

    @property
    def taxed(self) -> bool:
        """Only a tax invoice carries tax per line."""
        return self.document_type == "tax_invoice"

    @property
    def declaration(self) -> str | None:
        """The text the document must carry (a bill of supply's), or None."""
        return COMPOSITION_DECLARATION if self.document_type == "bill_of_supply" else None


def supply_for(
    scheme: str,
    shop_state: str | None,
    *,
    buyer_gstin: str | None,
    buyer_address: str | None,
    place_of_supply: str | None,
) -> Supply:
    """The bill's document and place of supply for a shop under `scheme` in `shop_state`."""
    document = _DOCUMENTS[scheme]
    if document == "bill":
        return Supply(document, place_of_supply, inter_state=False)
    place = place_of_supply or (state_of(buyer_gstin) if buyer_gstin else None) or shop_state
    inter_state = place != shop_state
    if inter_state and not buyer_gstin and not buyer_address:
        raise InvalidInput(
            "an unregistered buyer's place of supply is the state of the address on the "
            f"invoice: give buyer_address for a supply to state {place} (without one the sale "
            "is in the shop's own state)",
            loc=("body", "buyer_address"),
        )
    if inter_state and document == "bill_of_supply":
        raise InvalidInput(
            "a composition shop cannot supply goods to another state "
            f"(place of supply {place}, shop in {shop_state})",
            loc=("body", "place_of_supply" if place_of_supply else "buyer_gstin"),
        )
    return Supply(document, place, inter_state)


def check_buyer_details(
    supply: Supply,
    taxable: Decimal,
    threshold: Decimal,
    *,
    buyer_gstin: str | None,
    buyer_name: str | None,
    buyer_address: str | None,
) -> None:
    """Rule 46(e): a tax invoice to an unregistered buyer with a taxable value of `threshold`
    or more names the buyer and their address (the state is the place of supply)."""
    if not supply.taxed or buyer_gstin or taxable < threshold:
        return
    for field, value in (("buyer_name", buyer_name), ("buyer_address", buyer_address)):
        if not value:
            raise InvalidInput(
                f"a tax invoice of taxable value {taxable} (from {threshold}) to an "
                f"unregistered buyer must carry the buyer's name and address: give {field}",
                loc=("body", field),
            )
