"""Import a shop's customers or vendors, with the udhaar they carried in the old notebook.

Columns (headings in English or Hindi, `app.imports.headers`): name and phone (both
required), opening balance (for customers what they owe the shop, for vendors what the
shop owes them), its date, its due date and a note. Anything else (address, GSTIN, ...) is
listed as ignored: a party here is a name and a phone.

A party is found by its phone, read in the shop's region the way the API reads it
(`98123 45678`, `+91-98123-45678`, `098123 45678` are one customer):

- a new phone -> `parties.service.create_party`;
- a known phone with another name -> `parties.service.rename_party` (the file is the
  owner's list); the same name -> unchanged. A phone the file has twice is applied once;
  the later row is an error naming the earlier one.

An opening balance goes through the udhaar domain (`udhaar.accounts.add_opening_balance`,
which opens the entry with `udhaar.service.open_credit`, bill_id NULL), so it is an
ordinary udhaar entry: in balances, statements, due lists, reminders, payments.

**Re-importing.** The entry an import opens carries a note starting with `OPENING_MARK`
("Opening balance imported from FILE, row N", then the row's own note). A party has at
most one such entry, whichever file brought it:

- no imported opening balance yet -> one is opened (the row counts as created/updated);
- one with the same amount -> nothing is written (unchanged), even if it was paid since;
- one with another amount -> the row is an error: what is owed changes through payments
  and credit bills, so the owner records a payment or a credit sale/purchase instead;
- a blank or zero balance -> no entry, and an earlier imported one is left as it is.

Opening balances entered through the API (`POST /api/udhaar/sales/`) carry no mark and are
not compared. A negative balance (an advance the party paid) is a row error: an udhaar
entry is an amount owed, never below zero.

Batches, savepoints, dry run and all-or-nothing are `app.imports.batches`'.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.service import ShopOwner
from app.core.pagination import Page
from app.core.phone import InvalidPhone, to_e164
from app.core.text import clean_text
from app.imports.batches import (
    BATCH_ROWS,
    ImportResult,
    Outcome,
    RowError,
    RowImporter,
    RowRefused,
    new_result,
    run_batches,
)
from app.imports.headers import CUSTOMER_FIELDS, VENDOR_FIELDS, FieldSet, Mapping, map_headings
from app.imports.reading import Row, Sheet
from app.imports.values import CellError, NegativeNumber, parse_date, parse_money
from app.parties import service as parties
from app.parties.schemas import NAME_MAX
from app.parties.sides import CUSTOMERS, VENDORS, PartySide
from app.udhaar import accounts as udhaar_accounts
from app.udhaar import service as udhaar_service
from app.udhaar.schemas import BILL_ID_FIELD, PurchaseOpeningIn, SalesOpeningIn

__all__ = ["FIELD_SETS", "OPENING_MARK", "Side", "import_parties"]

Side = Literal["customers", "vendors"]
OPENING_MARK = "Opening balance imported from"
"""How an udhaar entry opened by an import begins its note (see the module's docstring)."""
OPENING_BALANCES = "opening balances"
"""The `ImportResult.recorded` key of the opening entries written."""
NOTE_MAX = 300
"""A row's note; with the mark, the file's name and the row it stays within the 500 of
`udhaar_entries.note`."""
_SOURCE_MAX = 150
_PAGE = 1000
_SIDES: dict[Side, PartySide] = {"customers": CUSTOMERS, "vendors": VENDORS}
FIELD_SETS: dict[Side, FieldSet] = {"customers": CUSTOMER_FIELDS, "vendors": VENDOR_FIELDS}
"""The headings each side maps (`map_headings(headings, FIELD_SETS[side])`)."""
_OWED = {
    "customers": "what the customer owes the shop",
    "vendors": "what the shop owes the vendor",
}


@dataclass(frozen=True)
class PartyValues:
    """One row, checked: who (name, E.164 phone) and what they owed on which dates."""

    row: int
    name: str
    phone: str
    balance: Decimal | None
    """None: blank or zero, no opening entry."""
    entry_date: dt.date | None
    due_date: dt.date | None
    note: str | None


@dataclass(frozen=True)
class _Known:
    """A party of the shop as this import knows it: its id and name, its imported opening."""

    party_id: int
    name: str
    opening: tuple[Decimal, str] | None = None
    """(amount, note) of the udhaar entry an import opened for the party, if any."""


def opening_note(source: str, row: int, note: str | None) -> str:
    """`Opening balance imported from udhaar.xlsx, row 7: page 12 of the old notebook`."""
    text = f"{OPENING_MARK} {clean_text(source)[:_SOURCE_MAX]}, row {row}"
    return f"{text}: {note}" if note else text


@dataclass(frozen=True)
class _Applied:
    party: _Known
    opened: bool
    """Whether the row opened an udhaar entry."""


class _Importer(RowImporter[PartyValues, _Applied]):
    def __init__(
        self, owner: ShopOwner, mapping: Mapping, side: Side, source: str, result: ImportResult
    ) -> None:
        super().__init__(owner, mapping, result)
        self.side = _SIDES[side]
        self.written_tables = (side, "udhaar_entries")
        self.owed = _OWED[side]
        self.source = source
        self.region = "IN"
        self.known: dict[str, _Known] = {}
        """E.164 phone -> the party with it."""
        self.seen: dict[str, int] = {}
        """E.164 phone -> the row of this file that applied it."""

    # ---- what the shop has -------------------------------------------------------------------

    async def load(self, session: AsyncSession) -> None:
        """The shop's region, its parties of this side, and their imported opening entries."""
        shop_id = self.owner.shop_id
        self.region = await parties.shop_region(session, shop_id)
        openings = await self._imported_openings(session)
        self.known = {}
        offset = 0
        while True:
            page, _ = await parties.list_parties(
                session,
                self.side,
                shop_id,
                Page(limit=_PAGE, offset=offset),
                udhaar_service.balances,
                q=None,
            )
            for party in page:
                party_id: int = getattr(party, self.side.id_field)
                if party.phone_no:  # the walk-in vendor has none, and no file can name it
                    self.known[party.phone_no] = _Known(
                        party_id, getattr(party, self.side.name_field), openings.get(party_id)
                    )
            if len(page) < _PAGE:
                return
            offset += _PAGE

    async def _imported_openings(self, session: AsyncSession) -> dict[int, tuple[Decimal, str]]:
        """Party id -> (amount, note) of the oldest bill-less entry carrying the import mark."""
        found: dict[int, tuple[Decimal, str]] = {}
        bill_field = BILL_ID_FIELD[self.side.key]
        offset = 0
        while True:
            entries, _ = await udhaar_accounts.list_entries(
                session,
                self.owner.shop_id,
                self.side,
                Page(limit=_PAGE, offset=offset),
                status="all",
                before=None,
            )
            for entry in entries:
                note = entry.note or ""
                if getattr(entry, bill_field) is None and note.startswith(OPENING_MARK):
                    party_id: int = getattr(getattr(entry, self.side.key), self.side.id_field)
                    found.setdefault(party_id, (entry.amount, note))
            if len(entries) < _PAGE:
                return found
            offset += _PAGE

    # ---- one row ------------------------------------------------------------------------------

    def _cell(self, row: Row, name: str) -> str:
        heading = self.mapping.heading(name)
        return row.cells.get(heading, "") if heading else ""

    def validate(self, row: Row) -> tuple[PartyValues | None, list[RowError]]:
        """Every bad cell of the row, not only the first."""
        errors: list[RowError] = []

        def problem(name: str, reason: str) -> None:
            errors.append(RowError(row.number, self.mapping.heading(name), reason))

        text = self._cell(row, "name")
        name = clean_text(text)
        if not name:
            problem("name", f"the {self.side.key}'s name is empty")
        elif len(name) > NAME_MAX:
            problem("name", f"the name has {len(name)} characters (at most {NAME_MAX})")

        phone = ""
        text = self._cell(row, "phone_no")
        if not text:
            problem("phone_no", "the phone number is empty")
        else:
            try:
                phone = to_e164(text, self.region)
            except InvalidPhone as exc:
                problem("phone_no", str(exc))

        balance: Decimal | None = None
        text = self._cell(row, "opening_balance")
        if text:
            try:
                balance = parse_money(text, "Opening balance") or None
            except NegativeNumber:
                problem(
                    "opening_balance",
                    f"a negative balance ('{text}', an advance paid) cannot be imported: "
                    f"udhaar is {self.owed}; leave it blank",
                )
            except CellError as exc:
                problem("opening_balance", str(exc))

        dates: dict[str, dt.date | None] = {}
        for field in ("entry_date", "due_date"):
            text = self._cell(row, field)
            dates[field] = None
            if text:
                try:
                    dates[field] = parse_date(text)
                except CellError as exc:
                    problem(field, str(exc))

        note = self._cell(row, "note")
        note = clean_text(note)
        if len(note) > NOTE_MAX:
            problem("note", f"the note has {len(note)} characters (at most {NOTE_MAX})")

        if errors:
            return None, errors
        return (
            PartyValues(
                row=row.number,
                name=name,
                phone=phone,
                balance=balance,
                entry_date=dates["entry_date"],
                due_date=dates["due_date"],
                note=note or None,
            ),
            [],
        )

    def duplicate(self, values: PartyValues) -> RowError | None:
        earlier = self.seen.get(values.phone)
        if earlier is None:
            return None
        return RowError(
            values.row,
            self.mapping.heading("phone_no"),
            f"phone {values.phone} is already on row {earlier} of this file",
        )

    async def apply(self, session: AsyncSession, values: PartyValues) -> tuple[Outcome, _Applied]:
        shop_id, side = self.owner.shop_id, self.side
        known = self.known.get(values.phone)
        outcome: Outcome = "unchanged"
        if known is None:
            party = await parties.create_party(
                session, side, shop_id, name=values.name, raw_phone=values.phone
            )
            known = _Known(getattr(party, side.id_field), getattr(party, side.name_field))
            outcome = "created"
        elif parties.clean_name(values.name) != known.name:
            renamed = await parties.rename_party(
                session, side, shop_id, known.party_id, values.name, udhaar_service.balances
            )
            known = _Known(known.party_id, getattr(renamed, side.name_field), known.opening)
            outcome = "updated"
        if values.balance is None:
            return outcome, _Applied(known, opened=False)
        if known.opening is not None:
            amount, note = known.opening
            if amount != values.balance:
                raise RowRefused([self._changed_opening(values, amount, note)])
            return outcome, _Applied(known, opened=False)
        note = opening_note(self.source, values.row, values.note)
        opening = (SalesOpeningIn if side is CUSTOMERS else PurchaseOpeningIn).model_validate(
            {
                "phone_no": values.phone,
                side.name_field: values.name,
                "amount": values.balance,
                "entry_date": values.entry_date,
                "due_date": values.due_date,
                "note": note,
            }
        )
        entry = await udhaar_accounts.add_opening_balance(session, shop_id, side, opening)
        known = _Known(known.party_id, known.name, (entry.amount, note))
        return ("created" if outcome == "created" else "updated"), _Applied(known, opened=True)

    def _changed_opening(self, values: PartyValues, amount: Decimal, note: str) -> RowError:
        where = note.removeprefix(OPENING_MARK).split(":", 1)[0].strip()
        return RowError(
            values.row,
            self.mapping.heading("opening_balance"),
            f"an opening balance of {amount} was already imported for {values.phone} "
            f"(from {where}); this file says {values.balance}. It is not changed by "
            "importing: record a payment, or a credit bill, for the difference",
        )

    def forget_rows_from(self, first_row: int) -> None:
        self.seen = {phone: row for phone, row in self.seen.items() if row < first_row}

    def applied(self, values: PartyValues, done: _Applied) -> None:
        self.seen[values.phone] = values.row
        if values.phone in self.known:  # a new party is found again only as a duplicate
            self.known[values.phone] = done.party
        if done.opened:
            self.result.record(OPENING_BALANCES)


async def import_parties(
    maker: async_sessionmaker[AsyncSession],
    owner: ShopOwner,
    sheet: Sheet,
    *,
    side: Side,
    source: str,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    on_row: Callable[[], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportResult:
    """Import the sheet's customers or vendors into the owner's shop; raises `HeaderError`.

    `source` names the file in the opening entries' notes; `on_row` is called after each row
    (a progress bar). A file problem met while reading rows propagates (`run_batches`).
    """
    mapping = map_headings(sheet.headings, FIELD_SETS[side])
    result = new_result(sheet, mapping, side, dry_run=dry_run, all_or_nothing=all_or_nothing)
    return await run_batches(
        maker,
        sheet,
        _Importer(owner, mapping, side, source, result),
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        on_row=on_row,
        batch_rows=batch_rows,
    )
