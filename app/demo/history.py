"""The demo shop's three months, played forward a day at a time through the services.

Each day: the morning's restocking purchases (some on the vendor's udhaar), the vendor bills
that fall due and the day's expenses, in one transaction confined to the shop; then the
day's bills, each written as `POST /api/sales/` writes it (`db.session.shop_caller`,
`sales.service.record_sale`, with the history's own `QuoteCache`); then the regulars who come
to pay their udhaar. Every choice is drawn from the seeded `random.Random` it is given.

The goods on the shelf and what each party owes are tracked here as well, so no bill asks for
more stock than there is and no payment is more than the balance (the services would refuse
both, and the run would stop). Returns and a void can only be dated today (the services
date them), so they close the run.
"""

import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.auth import service as auth
from app.core import jsoncodec
from app.core.security import Principal
from app.db.session import shop_caller
from app.demo.catalogue import AISLES, FESTIVALS, FIXED_FESTIVALS, VENDORS_ON_CREDIT, Item
from app.expenses import service as expenses
from app.expenses.schemas import ExpenseCreate
from app.idempotency.service import fingerprint_post
from app.parties.sides import CUSTOMERS
from app.parties.sides import VENDORS as VENDOR_SIDE
from app.purchases import service as purchases
from app.purchases.schemas import PurchaseCreate, PurchaseLineIn
from app.sales import returns
from app.sales import service as sales
from app.sales.quotes import QuoteCache
from app.sales.schemas import ReturnIn, ReturnLineIn, SaleCreate, SaleLineIn
from app.udhaar import accounts
from app.udhaar.schemas import PaymentIn

PAISE = Decimal("0.01")
STOCK_TARGET = 4
"""A restock fills a product up to this many times its reorder level."""
DEFAULTERS = 2
"""Regulars who stopped paying: their weekly udhaar goes overdue."""
DEFAULTER_LIMIT = Decimal(2500)
"""What a defaulter may owe before the shop gives them no more udhaar."""
RETURNS = 3


@dataclass
class Tally:
    """What the run recorded, for the closing summary."""

    products: int = 0
    customers: int = 0
    vendors: int = 0
    sales: int = 0
    credit_sales: int = 0
    purchases: int = 0
    purchases_on_credit: int = 0
    customer_payments: int = 0
    vendor_payments: int = 0
    returns: int = 0
    voids: int = 0
    expenses: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None


@dataclass(frozen=True)
class Product:
    product_id: int
    item: Item
    cost: Decimal
    reorder: Decimal
    weight: int
    """How often a basket picks it (its aisle's popularity)."""


@dataclass(frozen=True)
class Party:
    party_id: int
    name: str
    phone: str


@dataclass(frozen=True)
class _Sold:
    sale_id: int
    day: dt.date
    lines: tuple[tuple[int, Decimal], ...]
    walk_in_cash: bool


@dataclass
class World:
    """The shop as the run knows it: its records and what is on the shelf and owed."""

    products: list[Product] = field(default_factory=list)
    customers: list[Party] = field(default_factory=list)
    vendors: list[Party] = field(default_factory=list)
    stock: dict[int, Decimal] = field(default_factory=dict)
    customer_owed: dict[int, Decimal] = field(default_factory=dict)
    vendor_bills: list[tuple[dt.date, int, Decimal]] = field(default_factory=list)
    """Purchases on credit still open: (pay on, vendor index, amount)."""
    sold: list[_Sold] = field(default_factory=list)


def rupees(value: Decimal) -> Decimal:
    return value.quantize(PAISE, rounding=ROUND_HALF_UP)


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@contextlib.asynccontextmanager
async def as_owner(
    maker: async_sessionmaker[AsyncSession], owner: Principal
) -> AsyncIterator[AsyncSession]:
    """A transaction as the owner's request has it: the shop switch and the check of the
    login session (`auth.service.enter_shop`, as `ShopSessionDep` does)."""
    async with maker() as session, session.begin():
        await auth.enter_shop(session, owner)
        yield session


class History:
    """The days of one shop, recorded as its owner (`owner`: the login session's principal)."""

    def __init__(
        self,
        engine: AsyncEngine,
        maker: async_sessionmaker[AsyncSession],
        owner: Principal,
        world: World,
        rng: random.Random,
        *,
        bills_per_day: int,
        tally: Tally,
    ) -> None:
        self.engine = engine
        self.maker = maker
        self.owner = owner
        self.world = world
        self.rng = rng
        self.bills_per_day = bills_per_day
        self.tally = tally
        self.quotes = QuoteCache()

    def _in_shop(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return as_owner(self.maker, self.owner)

    def _owes(self, customer: Party) -> Decimal:
        return self.world.customer_owed.get(customer.party_id, Decimal(0))

    async def play(self, days: list[dt.date], on_day: Callable[[dt.date], None]) -> None:
        """Every day in order, then today's returns and void."""
        self.tally.first_day, self.tally.last_day = days[0], days[-1]
        for index, day in enumerate(days):
            await self.morning(day, index)
            if index == 0:  # the defaulters' first weekly bills: overdue by the end
                for defaulter in self.world.customers[:DEFAULTERS]:
                    await self.sell(day, on_account_of=defaulter)
            for _ in range(self.bills_on(day)):
                await self.sell(day)
            await self.evening(day)
            on_day(day)
        await self.close_today()

    def bills_on(self, day: dt.date) -> int:
        """An ordinary day's bills, more on weekends and far more on festivals."""
        base = self.bills_per_day
        if day in FESTIVALS or (day.month, day.day) in FIXED_FESTIVALS:
            base = base * 2
        elif day.weekday() == 6:
            base = base * 3 // 2
        elif day.weekday() == 5:
            base = base * 5 // 4
        return max(1, round(base * self.rng.uniform(0.8, 1.2)))

    async def morning(self, day: dt.date, index: int) -> None:
        """Restocking purchases, bills of vendors that fall due, and the day's expenses."""
        async with self._in_shop() as session:
            for vendor_index in range(len(self.world.vendors)):
                await self._restock(session, day, index, vendor_index)
            await self._pay_vendors(session, day)
            await self._expenses(session, day, index)

    async def _restock(
        self, session: AsyncSession, day: dt.date, index: int, vendor_index: int
    ) -> None:
        stock = self.world.stock
        mine = [p for p in self.world.products if AISLES[p.item.aisle].vendor == vendor_index]
        visiting = index == 0 or index % 7 == vendor_index % 7
        low = [p for p in mine if stock[p.product_id] <= p.reorder]
        urgent = any(stock[p.product_id] <= p.reorder / 3 for p in low)
        if not low or not (visiting or urgent):
            return
        lines = []
        for product in low:
            quantity = product.reorder * STOCK_TARGET - stock[product.product_id]
            price = rupees(product.cost * Decimal(self.rng.randint(97, 103)) / 100)
            lines.append((product, _whole(quantity), price))
        vendor = self.world.vendors[vendor_index]
        expected = sum((quantity * price for _, quantity, price in lines), Decimal(0))
        on_credit = vendor_index in VENDORS_ON_CREDIT and self.rng.random() < 0.7
        paid_now = _whole(expected * Decimal("0.3")) if on_credit else None
        created = await purchases.record_purchase(
            session,
            self.owner,
            PurchaseCreate(
                vendor_name=vendor.name,
                phone_no=vendor.phone,
                products=[
                    PurchaseLineIn(product_id=p.product_id, quantity=q, price_purchase=price)
                    for p, q, price in lines
                ],
                transaction_date=day,
                bill_paid=not on_credit,
                amount_paid=paid_now,
            ),
        )
        for product, quantity, _ in lines:
            stock[product.product_id] += quantity
        self.tally.purchases += 1
        if on_credit and paid_now is not None:
            self.tally.purchases_on_credit += 1
            owed = created.total_amount - paid_now
            pay_on = day + dt.timedelta(days=self.rng.randint(7, 15))
            self.world.vendor_bills.append((pay_on, vendor_index, owed))

    async def _pay_vendors(self, session: AsyncSession, day: dt.date) -> None:
        due = [bill for bill in self.world.vendor_bills if bill[0] <= day]
        if not due:
            return
        self.world.vendor_bills = [bill for bill in self.world.vendor_bills if bill[0] > day]
        by_vendor: dict[int, Decimal] = {}
        for _, vendor_index, owed in due:
            by_vendor[vendor_index] = by_vendor.get(vendor_index, Decimal(0)) + owed
        for vendor_index, amount in sorted(by_vendor.items()):
            await accounts.pay_party(
                session,
                self.owner.shop_id,
                VENDOR_SIDE,
                self.world.vendors[vendor_index].party_id,
                PaymentIn(amount=amount, payment_mode="bank", paid_on=day, note="Bills cleared"),
            )
            self.tally.vendor_payments += 1

    async def _expenses(self, session: AsyncSession, day: dt.date, index: int) -> None:
        spent: list[tuple[str, Decimal, str, str]] = []
        if day.day == 1:
            spent.append(("rent", Decimal(12000), "bank", f"Shop rent, {day:%B %Y}"))
            spent.append(("wages", Decimal(9000), "cash", f"Helper Chhotu's wages, {day:%B}"))
        if day.day == 10:
            units = self.rng.randint(240, 360)
            spent.append(("electricity", Decimal(units * 8), "upi", f"UPPCL bill, {units} units"))
        if index % 3 == 0:
            spent.append(
                (
                    "tea and snacks",
                    Decimal(self.rng.randint(4, 12) * 10),
                    "cash",
                    "Chai for the shop",
                )
            )
        if index % 7 == 3:
            spent.append(
                (
                    "transport",
                    Decimal(self.rng.randint(15, 40) * 10),
                    "cash",
                    "Tempo from the mandi",
                )
            )
        for category, amount, mode, note in spent:
            await expenses.record(
                session,
                self.owner,
                ExpenseCreate(
                    expense_date=day,
                    category=category,
                    amount=amount,
                    payment_mode=mode,
                    note=note,
                ),
            )
            self.tally.expenses += 1

    def _bill_lines(self) -> list[tuple[Product, Decimal]]:
        """A basket: a few distinct products the shelf has, staples most often."""
        count = self.rng.choices((1, 2, 3, 4, 5, 6, 8), (30, 25, 18, 12, 8, 5, 2))[0]
        chosen = self.rng.choices(
            self.world.products, [p.weight for p in self.world.products], k=count
        )
        lines: list[tuple[Product, Decimal]] = []
        seen: set[int] = set()
        for product in chosen:
            if product.product_id in seen:
                continue
            seen.add(product.product_id)
            if product.item.loose:
                quantity = Decimal(self.rng.choice(("0.5", "1", "1", "2", "5")))
            else:
                quantity = Decimal(self.rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3)))
            if self.world.stock[product.product_id] >= quantity:
                lines.append((product, quantity))
        return lines

    async def sell(self, day: dt.date, *, on_account_of: Party | None = None) -> None:
        """One bill: a walk-in's (cash, UPI, card) or a regular's, some on udhaar;
        `on_account_of`: a regular's bill on udhaar, whatever the draw."""
        lines = self._bill_lines()
        if not lines:
            return
        fields: dict[str, object] = {}
        customer: Party | None = None
        roll = 1.0 if on_account_of is not None else self.rng.random()
        defaulters = self.world.customers[:DEFAULTERS]
        if roll < 0.42:
            fields = {"payment_mode": "cash"}
        elif roll < 0.64:
            fields = {"payment_mode": "upi"}
        elif roll < 0.70:
            fields = {"payment_mode": "card"}
        elif roll < 0.86:
            customer = self.rng.choice(self.world.customers)
            fields = {"payment_mode": self.rng.choice(("cash", "upi"))}
        else:
            customer = on_account_of or self.rng.choice(self.world.customers)
            if customer in defaulters and self._owes(customer) >= DEFAULTER_LIMIT:
                # the shop stops giving them udhaar; another regular takes the bill
                customer = self.rng.choice(self.world.customers[DEFAULTERS:] or defaulters)
            fields = {"bill_paid": False, "amount_paid": Decimal(0), "payment_mode": "credit"}
            if customer in defaulters:  # a weekly account, so a missed week shows as overdue
                fields["payment_due_date"] = day + dt.timedelta(days=7)
        if customer is not None:
            fields |= {"customer_name": customer.name, "phone_no": customer.phone}
        data = SaleCreate.model_validate(
            {
                "products": [SaleLineIn(product_id=p.product_id, quantity=q) for p, q in lines],
                "transaction_date": day,
            }
            | fields
        )
        async with shop_caller(self.engine) as connection:
            reply = await sales.record_sale(
                connection,
                self.owner,
                data,
                idempotency_key=None,
                fingerprint=fingerprint_post("/api/sales/", data),
                quotes=self.quotes,
            )
        body = jsoncodec.loads(reply.body)
        for product, quantity in lines:
            self.world.stock[product.product_id] -= quantity
        self.tally.sales += 1
        if customer is not None and not data.bill_paid:
            self.tally.credit_sales += 1
            owed = self.world.customer_owed.get(customer.party_id, Decimal(0))
            self.world.customer_owed[customer.party_id] = owed + body["total_amount"]
        self.world.sold.append(
            _Sold(
                body["sale_id"],
                day,
                tuple((p.product_id, q) for p, q in lines),
                walk_in_cash=customer is None and data.payment_mode == "cash",
            )
        )
        del self.world.sold[:-200]  # only recent bills are returned or voided

    async def evening(self, day: dt.date) -> None:
        """Regulars settle some of their udhaar (the defaulters never do)."""
        payers = [
            c
            for c in self.world.customers[DEFAULTERS:]
            if self.world.customer_owed.get(c.party_id, Decimal(0)) > 0
        ]
        paying = [c for c in payers if self.rng.random() < 0.2]
        if not paying:
            return
        async with self._in_shop() as session:
            for customer in paying:
                owed = self.world.customer_owed[customer.party_id]
                amount = owed if self.rng.random() < 0.75 else _whole(owed / 2)
                if amount <= 0:
                    continue
                recorded = await accounts.pay_party(
                    session,
                    self.owner.shop_id,
                    CUSTOMERS,
                    customer.party_id,
                    PaymentIn(
                        amount=amount,
                        payment_mode=self.rng.choice(("cash", "upi")),
                        paid_on=day,
                    ),
                )
                self.world.customer_owed[customer.party_id] = recorded.party_balance
                self.tally.customer_payments += 1

    async def close_today(self) -> None:
        """Today's returns of recent bills and one voided bill (a bill keyed twice)."""
        recent = self.world.sold[-60:]
        shop_id = self.owner.shop_id
        async with self._in_shop() as session:
            voided = next((s for s in reversed(recent) if s.walk_in_cash), None)
            if voided is not None:
                await returns.void_sale(
                    session,
                    shop_id,
                    voided.sale_id,
                    "Billed twice by mistake",
                    user_id=self.owner.user_id,
                )
                self.tally.voids += 1
            candidates = [s for s in recent if s is not voided]
            for sold in self.rng.sample(candidates, min(RETURNS, len(candidates))):
                product_id, quantity = sold.lines[0]
                await returns.return_goods(
                    session,
                    shop_id,
                    sold.sale_id,
                    ReturnIn(
                        products=[
                            ReturnLineIn(product_id=product_id, quantity=min(quantity, Decimal(1)))
                        ],
                        refund_mode="cash",
                        note="Packet damaged",
                    ),
                    user_id=self.owner.user_id,
                )
                self.tally.returns += 1
