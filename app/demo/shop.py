"""Build a demo kirana shop with three months of history, through the domains' services.

Nothing here writes a table: the shop and its owner come from `auth.service.register`, the
catalogue from `products.service.create`, customers and vendors from
`parties.service.create_party`, and the history (`app.demo.history`) from the sales,
purchases, udhaar and expenses services, each step in a transaction of its own confined to
the shop the way a request is. So every rule of the API holds: stock is the sum of its
movements, udhaar the amounts less the payments, profit the rate less the moving-average
cost at the sale. The same seed, size and day build the same shop.

The run acts as the owner, through a login session of its own (ended at the end; its tokens
are signed with a throwaway key and never leave the process). Messages are switched off for
the demo shop (bills, receipts, reminders): its customers' numbers are made up, and
`make run`'s dispatcher must not text them.
"""

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.auth import service as auth
from app.auth import sessions
from app.auth.schemas import RegisterIn, ShopUpdate
from app.config import Settings
from app.core.pagination import Page
from app.core.security import Principal, read_token
from app.db.session import driver_connection, enter_shop
from app.demo.catalogue import (
    AISLES,
    CATALOGUE,
    FIRST_NAMES,
    LAST_NAMES,
    MOBILE_STARTS,
    VENDORS,
    Item,
)
from app.demo.history import History, Party, Product, Tally, World, as_owner, rupees
from app.expenses import service as expenses
from app.parties import service as parties
from app.parties.sides import CUSTOMERS
from app.parties.sides import VENDORS as VENDOR_SIDE
from app.products import service as products
from app.products.schemas import ProductCreate
from app.purchases import service as purchases
from app.sales import service as sales
from app.udhaar import accounts

SHOP_NAME = "Sharma Kirana Store (demo)"
OWNER_NAME = "Ramesh Sharma"
DEFAULT_PHONE = "+919000012345"
DEFAULT_PASSWORD = "chai-biscuit-demo"  # noqa: S105 - printed for the demo login
DEVICE = "dukaan demo"
GSTIN = "09ABNPS4321K1Z7"
"""A well-formed GSTIN (check digit included) in Uttar Pradesh; no real registration."""


@dataclass(frozen=True)
class DemoSize:
    """How big a shop to build; the defaults are the full demo (tests build a small one)."""

    products: int = 200
    customers: int = 30
    days: int = 90
    bills_per_day: int = 28
    """Bills on an ordinary weekday; weekends and festivals bring more."""
    seed: int = 21


@dataclass(frozen=True)
class ShopFacts:
    """A demo shop as the database has it (the same for a new and an existing one)."""

    shop_id: int
    name: str
    products: int
    sales: int
    purchases: int
    expenses: int
    receivable: Decimal
    payable: Decimal
    overdue_receivable: Decimal
    customers_owing: int


def catalogue_of(count: int) -> list[Item]:
    """`count` products spread over every aisle (a small demo still has every vendor)."""
    total = len(CATALOGUE)
    return [CATALOGUE[index * total // count] for index in range(min(count, total))]


def ean13(first12: str) -> str:
    """An EAN-13 barcode: the 12 digits and their check digit (890: India's GS1 prefix)."""
    total = sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first12))
    return first12 + str(-total % 10)


def mobile_numbers(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct valid Indian mobile numbers (10 digits), none in `taken`."""
    numbers: list[str] = []
    while len(numbers) < count:
        number = rng.choice(MOBILE_STARTS) + f"{rng.randrange(10**8):08d}"
        if number in taken or not phonenumbers.is_valid_number(phonenumbers.parse(number, "IN")):
            continue
        taken.add(number)
        numbers.append(number)
    return numbers


def customer_names(rng: random.Random, count: int) -> list[str]:
    """Distinct first-and-last names, each first name used once while they last."""
    firsts = list(FIRST_NAMES)
    rng.shuffle(firsts)
    names: list[str] = []
    index = 0
    while len(names) < count:
        name = f"{firsts[index % len(firsts)]} {rng.choice(LAST_NAMES)}"
        index += 1
        if name not in names:
            names.append(name)
    return names


async def find_existing(
    maker: async_sessionmaker[AsyncSession], phone: str, region: str
) -> int | None:
    """The shop whose owner logs in with `phone`, if any (the demo is never built twice)."""
    async with maker() as session, session.begin():
        try:
            owner = await auth.owner_by_phone(session, phone, region)
        except auth.OwnerNotFound:
            return None
    return owner.shop_id


async def facts(maker: async_sessionmaker[AsyncSession], shop_id: int) -> ShopFacts:
    """Counts and udhaar totals of a shop, read through the services, confined to the shop."""
    one = Page(limit=1, offset=0)
    async with maker() as session, session.begin():
        await enter_shop(session, shop_id)
        settings = await auth.shop_settings(session, shop_id)
        connection = await driver_connection(session)
        _, product_count = await products.search(connection, shop_id, one, q=None, low_stock=False)
        _, sale_count = await sales.list_sales(
            session, shop_id, one, date_from=None, date_to=None, customer_id=None
        )
        _, purchase_count = await purchases.list_purchases(
            session, shop_id, one, date_from=None, date_to=None, vendor_id=None
        )
        _, expense_count = await expenses.list_expenses(
            session, shop_id, one, date_from=None, date_to=None, category=None, payment_mode=None
        )
        udhaar = await accounts.summary(session, shop_id)
    return ShopFacts(
        shop_id=shop_id,
        name=settings.name,
        products=product_count,
        sales=sale_count,
        purchases=purchase_count,
        expenses=expense_count,
        receivable=udhaar.total_receivable,
        payable=udhaar.total_payable,
        overdue_receivable=udhaar.overdue_receivable,
        customers_owing=udhaar.customers_owing,
    )


class DemoBuilder:
    """Plays the demo shop's history forward; `build` runs it all."""

    def __init__(
        self,
        engine: AsyncEngine,
        maker: async_sessionmaker[AsyncSession],
        settings: Settings,
        secret: str,
        size: DemoSize,
    ) -> None:
        self.engine = engine
        self.maker = maker
        self.settings = settings
        self.secret = secret
        self.size = size
        self.rng = random.Random(size.seed)  # noqa: S311 - made-up history, not a secret
        self.world = World()
        self.tally = Tally()
        self.principal: Principal | None = None
        self.owner_phone = DEFAULT_PHONE

    # ---- transactions ----------------------------------------------------------------------

    def _in_shop(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return as_owner(self.maker, self._owner)

    @property
    def _owner(self) -> Principal:
        if self.principal is None:
            raise RuntimeError("the demo shop is not registered yet")
        return self.principal

    # ---- setting up ------------------------------------------------------------------------

    async def open_shop(self, phone: str, password: str) -> dt.date:
        """Register the shop and its owner, make it GST-registered and quiet; its today."""
        async with self.maker() as session, session.begin():
            registered = await auth.register(
                session,
                RegisterIn(
                    shop_name=SHOP_NAME, owner_name=OWNER_NAME, phone_no=phone, password=password
                ),
                device=DEVICE,
                defaults=self.settings.shop,
                secret=self.secret,
                auth=self.settings.auth,
            )
            self.principal = read_token(registered.access_token, self.secret)
            # Then PATCH /api/auth/shop's work, on the same system session, so the shop is
            # registered with its tax profile or not at all.
            await auth.check_session(session, self._owner)
            await auth.update_shop(
                session,
                self._owner.shop_id,
                ShopUpdate(
                    gst_scheme="regular",
                    gstin=GSTIN,
                    legal_name="Ramesh Sharma (Sharma Kirana Store)",
                    address="14 Aminabad Road, Lucknow, Uttar Pradesh 226018",
                    invoice_prefix="SK",
                    round_to_rupee=True,
                    send_bill_messages=False,
                    send_payment_receipts=False,
                    reminders_enabled=False,
                ),
                user_id=self._owner.user_id,
            )
            today = (await auth.shop_settings(session, self._owner.shop_id)).today()
        return today

    async def stock_the_catalogue(self) -> None:
        """Products without stock: their first purchase brings it (and the cost)."""
        shop_id = self._owner.shop_id
        async with self._in_shop() as session:
            for index, item in enumerate(catalogue_of(self.size.products)):
                aisle = AISLES[item.aisle]
                cost = rupees(item.price * aisle.margin)
                reorder = aisle.reorder
                created = await products.create(
                    session,
                    shop_id,
                    ProductCreate(
                        product_name=item.name,
                        price_purchase=cost,
                        price_sale=item.price,
                        unit=item.unit,
                        barcode=ean13(f"890{self.size.seed % 1000:03d}{index:06d}"),
                        reorder_level=reorder,
                        hsn_code=item.hsn,
                        gst_rate=item.gst,
                    ),
                )
                self.world.products.append(
                    Product(created.product_id, item, cost, reorder, aisle.popularity)
                )
                self.world.stock[created.product_id] = Decimal(0)
        self.tally.products = len(self.world.products)

    async def add_parties(self) -> None:
        """The shop's regulars and its wholesalers, each by a distinct mobile number."""
        shop_id = self._owner.shop_id
        owner = str(phonenumbers.parse(self.owner_phone, self.settings.shop.region).national_number)
        taken = {owner} | {phone for _, phone in VENDORS}
        names = customer_names(self.rng, self.size.customers)
        phones = mobile_numbers(self.rng, self.size.customers, taken)
        async with self._in_shop() as session:
            for name, phone in zip(names, phones, strict=True):
                made = await parties.create_party(
                    session, CUSTOMERS, shop_id, name=name, raw_phone=phone
                )
                self.world.customers.append(Party(getattr(made, CUSTOMERS.id_field), name, phone))
            for name, phone in VENDORS:
                made = await parties.create_party(
                    session, VENDOR_SIDE, shop_id, name=name, raw_phone=phone
                )
                self.world.vendors.append(Party(getattr(made, VENDOR_SIDE.id_field), name, phone))
        self.tally.customers = len(self.world.customers)
        self.tally.vendors = len(self.world.vendors)

    # ---- the whole run ---------------------------------------------------------------------

    async def build(
        self,
        phone: str,
        password: str,
        *,
        on_start: Callable[[int], None] = lambda total: None,
        on_day: Callable[[dt.date], None] = lambda day: None,
    ) -> int:
        """Build the shop; returns its id. `on_start` gets the number of days, `on_day`
        is called after each (a progress bar)."""
        self.owner_phone = phone
        today = await self.open_shop(phone, password)
        await self.stock_the_catalogue()
        await self.add_parties()
        days = [today - dt.timedelta(days=n) for n in range(self.size.days - 1, -1, -1)]
        on_start(len(days))
        history = History(
            self.engine,
            self.maker,
            self._owner,
            self.world,
            self.rng,
            bills_per_day=self.size.bills_per_day,
            tally=self.tally,
        )
        await history.play(days, on_day)
        await self.log_out()
        return self._owner.shop_id

    async def log_out(self) -> None:
        """End the login session the run used: its tokens were never handed out."""
        async with self.maker() as session, session.begin():
            await sessions.end_session(session, self._owner)
