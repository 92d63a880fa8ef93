"""The accuracy fixture of "ask the shop" (issue 16, item 5): three months of a kirana's books
as plain data, the same books seeded through the HTTP API, and questions with the rows
they must get back.

The expected rows are computed here, in Python, from the plan alone (never by asking our API
or database for the answer), by the rules the owner would use on paper:
- sales: totals of live (not void) sale bills by bill date, returns not deducted; for a
  product, the line totals of its lines. Profit: (sale price - cost) x quantity per line.
- udhaar: what each customer still owes now (bills on credit less what was paid at the
  counter, less payments, which settle the oldest bill first); overdue: bills past their due
  date. Payable: the same for vendors. Stock: opening + bought - sold (void bills put back).
- lists: largest first (smallest for "slowest", which counts the products that did not sell
  at all, and for low stock), ties by name, 10 rows unless the question asks for a number;
  low stock, and day and month series (in date order), whole; a ranking of customers
  leaves walk-ins out.

The shop is not registered for GST and no line has a discount, so a line's total is quantity x
price, and every product is bought at its own purchase price (the moving-average cost never
moves). Dates are relative to the shop's today (Asia/Kolkata), and valid on any day: a week
starts on Monday; "earlier this month" never falls before the 1st.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from tests.bills import exact, purchase, sale
from tests.conftest import ShopSession, create_product

D = Decimal
PAISE = D("0.01")
ZERO = D("0.00")
NO_LEVEL = D(0)
TODAY = dt.datetime.now(ZoneInfo("Asia/Kolkata")).date()
DEFAULT_LIMIT = 10
ALL = 100
"""The limit of a list the owner wants whole (a day-by-day series, what to reorder)."""
LOW_STOCK_DEFAULT = D(5)
"""A product without a reorder level is low at or below this many units."""

Period = tuple[dt.date, dt.date]
Row = dict[str, Any]
Language = Literal["en", "hi", "hinglish"]


def rupees(value: Decimal) -> Decimal:
    return value.quantize(PAISE)


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    name: str
    price_purchase: Decimal
    price_sale: Decimal
    opening: Decimal
    reorder_level: Decimal = NO_LEVEL


@dataclass(frozen=True)
class Party:
    name: str
    """Empty: the books show the phone instead."""
    phone: str
    """Ten digits, as the owner types it; the books keep +91 in front."""

    @property
    def shown(self) -> str:
        return self.name or f"+91{self.phone}"


Lines = tuple[tuple[str, Decimal], ...]
"""(product key, quantity) per line."""


@dataclass(frozen=True)
class Bill:
    day: dt.date
    customer: str | None
    """A key of CUSTOMERS; None for a walk-in."""
    lines: Lines
    mode: str
    paid: Decimal | None = None
    """Paid at the counter; None: paid in full."""
    due: dt.date | None = None
    void: bool = False


@dataclass(frozen=True)
class Purchase:
    day: dt.date
    vendor: str
    lines: Lines
    mode: str
    paid: Decimal | None = None


@dataclass(frozen=True)
class Payment:
    """Udhaar paid by a customer to the shop, or by the shop to a vendor."""

    party: str
    side: Literal["customer", "vendor"]
    amount: Decimal
    day: dt.date
    mode: str


PRODUCTS: dict[str, Product] = {
    "atta": Product("Aashirvaad Atta 5kg", D("200.00"), D("250.00"), D(40), D(10)),
    "salt": Product("Tata Salt 1kg", D("20.00"), D("28.00"), D(60), D(10)),
    "maggi": Product("Maggi Noodles 70g", D("12.00"), D("14.00"), D(80), D(20)),
    "oil": Product("Fortune Oil 1L", D("140.00"), D("165.00"), D(12), D(8)),
    "parle": Product("Parle G Biscuit", D("8.00"), D("10.00"), D(100)),
    "butter": Product("Amul Butter 100g", D("50.00"), D("58.00"), D(9), D(5)),
    "sugar": Product("Sugar Loose", D("40.00"), D("45.00"), D(24), D(10)),
    "surf": Product("Surf Excel 1kg", D("110.00"), D("130.00"), D(6)),
    "colgate": Product("Colgate Toothpaste 100g", D("45.00"), D("55.00"), D(15), D(4)),
    "tea": Product("Red Label Tea 250g", D("100.00"), D("120.00"), D(10), D(3)),
}
CUSTOMERS: dict[str, Party] = {
    "ramesh": Party("Ramesh Kumar", "9810000001"),
    "meena": Party("Meena Devi", "9810000002"),
    "suresh": Party("Suresh Yadav", "9810000003"),
    "priya": Party("Priya Sharma", "9810000004"),
    "abdul": Party("Abdul Rahman", "9810000005"),
    "nameless": Party("", "9810000006"),
}
VENDORS: dict[str, Party] = {
    "agarwal": Party("Agarwal Traders", "9820000001"),
    "gupta": Party("Gupta Wholesale", "9820000002"),
    "sharma": Party("Sharma Distributors", "9820000003"),
}


@dataclass(frozen=True)
class Calendar:
    """The periods an owner names, as (first day, last day), for one `today`."""

    today: dt.date

    @property
    def monday(self) -> dt.date:
        return self.today - dt.timedelta(days=self.today.weekday())

    @property
    def month_start(self) -> dt.date:
        return self.today.replace(day=1)

    @property
    def last_month(self) -> Period:
        end = self.month_start - dt.timedelta(days=1)
        return end.replace(day=1), end

    @property
    def two_months_ago(self) -> dt.date:
        """The 10th of the month before last month."""
        return (self.last_month[0] - dt.timedelta(days=1)).replace(day=10)

    @property
    def on_today(self) -> Period:
        return self.today, self.today

    @property
    def yesterday(self) -> Period:
        day = self.today - dt.timedelta(days=1)
        return day, day

    @property
    def this_week(self) -> Period:
        return self.monday, self.today

    @property
    def last_week(self) -> Period:
        return self.monday - dt.timedelta(days=7), self.monday - dt.timedelta(days=1)

    @property
    def this_month(self) -> Period:
        return self.month_start, self.today

    @property
    def last_7_days(self) -> Period:
        return self.today - dt.timedelta(days=6), self.today

    @property
    def this_year(self) -> Period:
        return self.today.replace(month=1, day=1), self.today

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def this_month_ago(self, days: int) -> dt.date:
        """`days` before today, but never before the 1st of this month."""
        return max(self.month_start, self.ago(days))


@dataclass(frozen=True)
class Plan:
    calendar: Calendar
    bills: tuple[Bill, ...]
    purchases: tuple[Purchase, ...]
    payments: tuple[Payment, ...]
    products: dict[str, Product] = field(default_factory=lambda: PRODUCTS)
    customers: dict[str, Party] = field(default_factory=lambda: CUSTOMERS)
    vendors: dict[str, Party] = field(default_factory=lambda: VENDORS)


def _lines(*pairs: tuple[str, int | str]) -> Lines:
    return tuple((product, D(quantity)) for product, quantity in pairs)


def plan_for(today: dt.date) -> Plan:
    c = Calendar(today)
    t, y = c.today, c.ago(1)
    this_week = max(c.monday, c.ago(2))
    last_week_monday, last_week_friday = c.last_week[0], c.last_week[0] + dt.timedelta(days=4)
    month_a, month_b = c.this_month_ago(9), c.this_month_ago(5)
    last_month_5th = c.last_month[0] + dt.timedelta(days=4)
    last_month_20th = c.last_month[0] + dt.timedelta(days=19)
    older = c.two_months_ago
    later = t + dt.timedelta(days=15)
    week = dt.timedelta(days=7)
    bills = (
        # today
        Bill(t, "ramesh", _lines(("atta", 2), ("salt", 1)), "credit", D(100), later),
        Bill(t, None, _lines(("maggi", 5), ("parle", 4)), "cash"),
        Bill(t, "meena", _lines(("sugar", "2.5")), "upi"),
        Bill(t, None, _lines(("oil", 1)), "upi"),
        Bill(t, "suresh", _lines(("butter", 2), ("maggi", 2)), "cash"),
        Bill(t, "priya", _lines(("salt", 1)), "cash"),
        # yesterday
        Bill(y, "priya", _lines(("atta", 1), ("oil", 2)), "card"),
        Bill(y, None, _lines(("salt", 3), ("parle", 10)), "cash"),
        Bill(y, "abdul", _lines(("surf", 1)), "credit", D(0), later),
        Bill(y, "meena", _lines(("oil", 2)), "credit", D(0), later, void=True),
        # earlier this week (two days ago; the Monday when today is a Monday or Tuesday)
        Bill(this_week, None, _lines(("maggi", 6)), "cash"),
        Bill(this_week, "priya", _lines(("sugar", 3), ("salt", 2)), "upi"),
        # last week
        Bill(last_week_monday, "suresh", _lines(("atta", 3)), "credit", D(250), later),
        Bill(last_week_monday, None, _lines(("parle", 12)), "cash"),
        Bill(
            last_week_friday,
            "nameless",
            _lines(("oil", 1), ("salt", 2)),
            "credit",
            D(0),
            last_week_friday,
        ),
        Bill(last_week_friday, "priya", _lines(("butter", 3)), "upi"),
        # earlier this month
        Bill(month_a, None, _lines(("maggi", 4), ("parle", 6)), "cash"),
        Bill(month_b, "meena", _lines(("atta", 1)), "credit", D(0), later),
        Bill(month_b, "abdul", _lines(("colgate", 1)), "cash"),
        # last month: udhaar now overdue
        Bill(
            last_month_5th,
            "ramesh",
            _lines(("atta", 2), ("sugar", 4)),
            "credit",
            D(0),
            last_month_5th + week,
        ),
        Bill(last_month_5th, None, _lines(("salt", 5)), "cash"),
        Bill(last_month_20th, "priya", _lines(("oil", 2), ("maggi", 10)), "card"),
        Bill(
            last_month_20th,
            "suresh",
            _lines(("sugar", 5)),
            "credit",
            D(100),
            last_month_20th + week,
        ),
        Bill(last_month_20th, None, _lines(("parle", 20)), "upi"),
        # the month before
        Bill(older, "abdul", _lines(("atta", 4)), "credit", D(0), older + week),
        Bill(older, None, _lines(("salt", 4), ("maggi", 3)), "cash"),
    )
    purchases = (
        Purchase(month_a, "agarwal", _lines(("salt", 20), ("maggi", 24)), "credit", D(0)),
        Purchase(last_month_5th, "gupta", _lines(("atta", 10)), "credit", D(500)),
        Purchase(t, "sharma", _lines(("tea", 5)), "cash"),
    )
    payments = (
        Payment("ramesh", "customer", D("300.00"), y, "cash"),
        Payment("suresh", "customer", D("125.00"), t, "upi"),
        Payment("abdul", "customer", D("200.00"), this_week, "cash"),
        Payment("gupta", "vendor", D("300.00"), t, "upi"),
    )
    return Plan(c, bills, purchases, payments)


# --- the books, worked out by hand ---------------------------------------------------------


@dataclass
class _Credit:
    party: str
    amount: Decimal
    day: dt.date
    due: dt.date | None
    order: int
    paid: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid


def _settle(credits: list[_Credit], payments: Iterable[Payment]) -> None:
    """Each payment settles the party's open credits oldest first (by date, then as made)."""
    for payment in payments:
        left = payment.amount
        mine = sorted(
            (c for c in credits if c.party == payment.party), key=lambda c: (c.day, c.order)
        )
        for credit in mine:
            take = min(left, credit.balance)
            credit.paid += take
            left -= take
        assert left == 0, f"the plan over-pays {payment.party}"


def _matches_party(party: Party, text: str) -> bool:
    """By name (any part, any case), or by phone when the text has at least 4 digits."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        return digits[-10:] in f"+91{party.phone}"
    return text.lower() in party.shown.lower()


class Books:
    """The figures an owner would work out from the plan with pencil and paper."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.live = [bill for bill in plan.bills if not bill.void]
        self.receivable = self._credits(
            (bill.customer, self.total(bill), bill.paid, bill.day, bill.due)
            for bill in self.live
            if bill.paid is not None and bill.customer is not None
        )
        _settle(self.receivable, (p for p in plan.payments if p.side == "customer"))
        self.payable_credits = self._credits(
            (buy.vendor, self.purchase_total(buy), buy.paid, buy.day, None)
            for buy in plan.purchases
            if buy.paid is not None
        )
        _settle(self.payable_credits, (p for p in plan.payments if p.side == "vendor"))

    @staticmethod
    def _credits(
        bills: Iterable[tuple[str, Decimal, Decimal, dt.date, dt.date | None]],
    ) -> list[_Credit]:
        return [
            _Credit(party, total - paid, day, due, order)
            for order, (party, total, paid, day, due) in enumerate(bills)
            if total > paid
        ]

    # one bill
    def line_total(self, product: str, quantity: Decimal) -> Decimal:
        return rupees(self.plan.products[product].price_sale * quantity)

    def line_profit(self, product: str, quantity: Decimal) -> Decimal:
        item = self.plan.products[product]
        return rupees((item.price_sale - item.price_purchase) * quantity)

    def total(self, bill: Bill) -> Decimal:
        return sum((self.line_total(p, q) for p, q in bill.lines), D("0.00"))

    def profit_of(self, bill: Bill) -> Decimal:
        return sum((self.line_profit(p, q) for p, q in bill.lines), D("0.00"))

    def purchase_total(self, buy: Purchase) -> Decimal:
        return sum(
            (rupees(self.plan.products[p].price_purchase * q) for p, q in buy.lines), D("0.00")
        )

    # bills in a period
    def bills_in(self, period: Period | None) -> list[Bill]:
        return [bill for bill in self.live if period is None or period[0] <= bill.day <= period[1]]

    def customer_of(self, bill: Bill) -> str | None:
        return None if bill.customer is None else self.plan.customers[bill.customer].shown

    def _product_lines(self, period: Period | None, product: str | None = None):
        """(bill, product name, quantity, line total, line profit) of live bills."""
        for bill in self.bills_in(period):
            for key, quantity in bill.lines:
                name = self.plan.products[key].name
                if product is None or product.lower() in name.lower():
                    yield (
                        bill,
                        name,
                        quantity,
                        self.line_total(key, quantity),
                        self.line_profit(key, quantity),
                    )

    def sales(self, period: Period | None, product: str | None = None) -> Decimal:
        if product is None:
            return sum((self.total(b) for b in self.bills_in(period)), D("0.00"))
        return sum((line[3] for line in self._product_lines(period, product)), D("0.00"))

    def profit(self, period: Period | None, product: str | None = None) -> Decimal:
        if product is None:
            return sum((self.profit_of(b) for b in self.bills_in(period)), D("0.00"))
        return sum((line[4] for line in self._product_lines(period, product)), D("0.00"))

    def quantity_sold(self, period: Period | None, product: str | None = None) -> Decimal:
        return sum((line[2] for line in self._product_lines(period, product)), D(0))

    def bill_count(self, period: Period | None) -> int:
        return len(self.bills_in(period))

    def per_product(
        self, period: Period | None, what: str, *, unsold_too: bool = False
    ) -> dict[str, Decimal]:
        """`what` per product sold in the period; with `unsold_too`, 0 for every other."""
        index = {"quantity_sold": 2, "sales": 3, "profit": 4}[what]
        out: dict[str, Decimal] = defaultdict(Decimal)
        if unsold_too:
            out |= {item.name: D(0) for item in self.plan.products.values()}
        for line in self._product_lines(period):
            out[line[1]] += line[index]
        return dict(out)

    def sales_per(
        self, period: Period | None, key: Callable[[Bill], Any], *, walk_ins: bool = True
    ) -> dict[Any, Decimal]:
        out: dict[Any, Decimal] = defaultdict(Decimal)
        for bill in self.bills_in(period):
            if walk_ins or bill.customer is not None:
                out[key(bill)] += self.total(bill)
        return dict(out)

    def purchases(self, period: Period) -> Decimal:
        return sum(
            (
                self.purchase_total(b)
                for b in self.plan.purchases
                if period[0] <= b.day <= period[1]
            ),
            D("0.00"),
        )

    def payments_received(self, period: Period) -> Decimal:
        return sum(
            (
                p.amount
                for p in self.plan.payments
                if p.side == "customer" and period[0] <= p.day <= period[1]
            ),
            D("0.00"),
        )

    # as of now
    def udhaar(self, *, overdue: bool = False, party: str | None = None) -> dict[str, Decimal]:
        """Open udhaar per customer (shown name), only customers who owe something."""
        today = self.plan.calendar.today
        out: dict[str, Decimal] = defaultdict(Decimal)
        for credit in self.receivable:
            customer = self.plan.customers[credit.party]
            if credit.balance <= 0 or (overdue and not (credit.due and credit.due < today)):
                continue
            if party is not None and not _matches_party(customer, party):
                continue
            out[customer.shown] += credit.balance
        return dict(out)

    def payable(self, party: str | None = None) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for credit in self.payable_credits:
            vendor = self.plan.vendors[credit.party]
            if credit.balance > 0 and (party is None or _matches_party(vendor, party)):
                out[vendor.shown] += credit.balance
        return dict(out)

    def stock(self, product: str | None = None) -> dict[str, Decimal]:
        left = {key: item.opening for key, item in self.plan.products.items()}
        for buy in self.plan.purchases:
            for key, quantity in buy.lines:
                left[key] += quantity
        for bill in self.live:
            for key, quantity in bill.lines:
                left[key] -= quantity
        return {
            self.plan.products[key].name: quantity
            for key, quantity in left.items()
            if product is None or product.lower() in self.plan.products[key].name.lower()
        }

    def low_stock(self) -> dict[str, Decimal]:
        levels = {item.name: item.reorder_level for item in self.plan.products.values()}
        return {
            name: quantity
            for name, quantity in self.stock().items()
            if quantity <= (levels[name] if levels[name] > 0 else LOW_STOCK_DEFAULT)
        }


# --- rows as the API returns them ----------------------------------------------------------


def one(metric: str, value: Decimal | int) -> list[Row]:
    return [{metric: value}]


def ranked(
    dimension: str,
    metric: str,
    values: dict[Any, Decimal],
    *,
    smallest_first: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> list[Row]:
    """Largest first (or smallest), ties by name (a walk-in's missing name last)."""
    sign = 1 if smallest_first else -1
    order = sorted(values.items(), key=lambda kv: (sign * kv[1], kv[0] is None, kv[0] or ""))
    return [{dimension: name, metric: value} for name, value in order[:limit]]


def in_date_order(dimension: str, metric: str, values: dict[str, Decimal]) -> list[Row]:
    """Every day (or month) of the series, oldest first."""
    return [{dimension: key, metric: values[key]} for key in sorted(values)]


# --- the questions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    question: str
    language: Language
    intent: dict[str, Any]
    """What the fake Gemini answers for it: the keys of `app.ask.intent.Intent`."""
    expected: list[Row]
    """The rows of `intent`: what the owner must get."""
    also: tuple[list[Row], ...] = ()
    """The same figures in another shape, as good an answer (a named product's stock as its
    own row); never a different number."""

    def answered_by(self, rows: list[Row]) -> bool:
        return rows == self.expected or rows in self.also


def intent(
    metric: str,
    *dimensions: str,
    period: Period | None = None,
    product: str | None = None,
    party: str | None = None,
    overdue: bool = False,
    low_stock: bool = False,
    sort: str = "desc",
    limit: int | None = None,
) -> dict[str, Any]:
    return {
        "metric": metric,
        "dimensions": list(dimensions),
        "date_from": period[0].isoformat() if period else None,
        "date_to": period[1].isoformat() if period else None,
        "product": product,
        "party": party,
        "overdue": overdue,
        "low_stock": low_stock,
        "sort": sort,
        "limit": limit,
    }


def questions_for(plan: Plan) -> list[Question]:
    b, c = Books(plan), plan.calendar
    today, yesterday, week, last_week = c.on_today, c.yesterday, c.this_week, c.last_week
    month, last_month, year = c.this_month, c.last_month, c.this_year
    qs: list[Question] = []

    def q(
        text: str, language: Language, asked: dict[str, Any], rows: list[Row], *also: list[Row]
    ) -> None:
        qs.append(Question(text, language, asked, rows, also))

    # sales by period
    for text, language in [
        ("todays sale", "en"),
        ("How much did I sell today", "en"),
        ("aaj kitni bikri hui", "hinglish"),
        ("आज की बिक्री", "hi"),
        ("aaj ka sale kitna hua", "hinglish"),
    ]:
        q(text, language, intent("sales", period=today), one("sales", b.sales(today)))
    for text, language in [
        ("can you tell me how much I sold yesterday", "en"),
        ("kal ki bikri", "hinglish"),
        ("कल कितना बेचा", "hi"),
    ]:
        q(text, language, intent("sales", period=yesterday), one("sales", b.sales(yesterday)))
    for text, language, period in [
        ("sales this week", "en", week),
        ("is hafte ki sale", "hinglish", week),
        ("last week sales", "en", last_week),
        ("pichle hafte kitna becha", "hinglish", last_week),
        ("this month sales", "en", month),
        ("is mahine ki bikri kitni hai", "hinglish", month),
        ("इस महीने की कुल बिक्री", "hi", month),
        ("last month sale", "en", last_month),
        ("pichle mahine ki sale", "hinglish", last_month),
        ("sales in last 7 days", "en", c.last_7_days),
    ]:
        q(text, language, intent("sales", period=period), one("sales", b.sales(period)))

    # profit by period
    for text, language, period in [
        ("todays profitt", "en", today),
        ("aaj ka munafa", "hinglish", today),
        ("आज कितना मुनाफा हुआ", "hi", today),
        ("kal ka munafa", "hinglish", yesterday),
        ("yesterday profit", "en", yesterday),
        ("profit this week", "en", week),
        ("is hafte ka profit", "hinglish", week),
        ("last week profit", "en", last_week),
        ("how much profit did i make this month", "en", month),
        ("इस महीने का मुनाफा", "hi", month),
        ("last month profit", "en", last_month),
        ("pichle mahine ka munafa", "hinglish", last_month),
    ]:
        q(text, language, intent("profit", period=period), one("profit", b.profit(period)))

    # top and slowest products
    q(
        "top products this month",
        "en",
        intent("sales", "product", period=month),
        ranked("product", "sales", b.per_product(month, "sales")),
    )
    q(
        "top 5 products by sales this month",
        "en",
        intent("sales", "product", period=month, limit=5),
        ranked("product", "sales", b.per_product(month, "sales"), limit=5),
    )
    q(
        "top products last month by sales",
        "en",
        intent("sales", "product", period=last_month),
        ranked("product", "sales", b.per_product(last_month, "sales")),
    )
    q(
        "top 3 items by quantity this week",
        "en",
        intent("quantity_sold", "product", period=week, limit=3),
        ranked("product", "quantity_sold", b.per_product(week, "quantity_sold"), limit=3),
    )
    for text, language in [
        ("most sold items this month", "en"),
        ("sabse zyada bikne wale products is mahine", "hinglish"),
        ("इस महीने सबसे ज़्यादा बिकने वाले सामान", "hi"),
    ]:
        q(
            text,
            language,
            intent("quantity_sold", "product", period=month),
            ranked("product", "quantity_sold", b.per_product(month, "quantity_sold")),
        )
    for text, language, period in [
        ("slowest products this month", "en", month),
        ("kaunsa saman kam bik raha hai is mahine", "hinglish", month),
        ("least selling items last month", "en", last_month),
    ]:
        q(
            text,
            language,
            intent("quantity_sold", "product", period=period, sort="asc"),
            ranked(
                "product",
                "quantity_sold",
                b.per_product(period, "quantity_sold", unsold_too=True),
                smallest_first=True,
            ),
        )
    q(
        "which product gave most profit this month",
        "en",
        intent("profit", "product", period=month),
        ranked("product", "profit", b.per_product(month, "profit")),
    )

    # low stock
    low = ranked("product", "stock", b.low_stock(), smallest_first=True, limit=ALL)
    for text, language in [
        ("low stock", "en"),
        ("what should i reorder", "en"),
        ("which items are running out", "en"),
        ("kya khatam hone wala hai", "hinglish"),
        ("स्टॉक कम वाले सामान", "hi"),
        ("maal kam hai kya", "hinglish"),
    ]:
        q(text, language, intent("stock", "product", low_stock=True, sort="asc", limit=ALL), low)

    # udhaar customers owe
    owes = ranked("customer", "udhaar_due", b.udhaar())
    for text, language in [
        ("who owes me the most", "en"),
        ("udhaar list", "en"),
        ("sabse zyada udhaar kiska hai", "hinglish"),
        ("किसका उधार सबसे ज़्यादा है", "hi"),
    ]:
        q(text, language, intent("udhaar_due", "customer"), owes)
    overdue = ranked("customer", "udhaar_due", b.udhaar(overdue=True))
    for text, language in [
        ("overdue udhaar", "en"),
        ("kiska udhaar due date nikal gaya", "hinglish"),
        ("जिनका उधार समय पर नहीं आया", "hi"),
    ]:
        q(text, language, intent("udhaar_due", "customer", overdue=True), overdue)
    q(
        "total overdue amount",
        "en",
        intent("udhaar_due", overdue=True),
        one("udhaar_due", sum(b.udhaar(overdue=True).values(), D("0.00"))),
    )
    total_due = one("udhaar_due", sum(b.udhaar().values(), D("0.00")))
    for text, language in [
        ("total udhaar", "en"),
        ("kitna udhaar baaki hai kul", "hinglish"),
        ("कुल उधार कितना है", "hi"),
    ]:
        q(text, language, intent("udhaar_due"), total_due)
    for text, language, party in [
        ("how much does ramesh owe", "en", "ramesh"),
        ("ramesh ka udhaar", "hinglish", "ramesh"),
        ("meena devi ka kitna baaki hai", "hinglish", "meena devi"),
        ("9810000003 ka balance", "hinglish", "9810000003"),
        ("balance of 98100 00006", "en", "98100 00006"),
        ("+91 98100 00005 ka hisaab", "hinglish", "+91 98100 00005"),
    ]:
        q(
            text,
            language,
            intent("udhaar_due", party=party),
            one("udhaar_due", sum(b.udhaar(party=party).values(), D("0.00"))),
        )

    # what the shop owes vendors
    payable_total = one("payable", sum(b.payable().values(), D("0.00")))
    for text, language in [
        ("how much do i owe vendors", "en"),
        ("supplier ko kitna dena hai", "hinglish"),
    ]:
        q(text, language, intent("payable"), payable_total)
    by_vendor = ranked("vendor", "payable", b.payable())
    for text, language in [
        ("vendor wise payable", "en"),
        ("किस विक्रेता का कितना बाकी है", "hi"),
    ]:
        q(text, language, intent("payable", "vendor"), by_vendor)
    q(
        "how much do i owe agarwal traders",
        "en",
        intent("payable", party="agarwal traders"),
        one("payable", sum(b.payable("agarwal traders").values(), D("0.00"))),
    )

    # best customers
    for text, language, period in [
        ("best customers this month", "en", month),
        ("is mahine sabse bade customer kaun", "hinglish", month),
        ("top customers last month", "en", last_month),
    ]:
        q(
            text,
            language,
            intent("sales", "customer", period=period),
            ranked("customer", "sales", b.sales_per(period, b.customer_of, walk_ins=False)),
        )

    # bills, payments received, purchases
    for text, language, period in [
        ("how many bills today", "en", today),
        ("aaj kitne bill bane", "hinglish", today),
        ("number of bills this week", "en", week),
    ]:
        q(text, language, intent("bills", period=period), one("bills", b.bill_count(period)))
    for text, language, period in [
        ("payments received this week", "en", week),
        ("aaj kitna udhaar wapas aaya", "hinglish", today),
        ("udhaar collection this month", "en", month),
        ("इस महीने कितना उधार वसूल हुआ", "hi", month),
    ]:
        q(
            text,
            language,
            intent("payments_received", period=period),
            one("payments_received", b.payments_received(period)),
        )
    for text, language, period in [
        ("purchases this month", "en", month),
        ("is mahine kitni kharidari hui", "hinglish", month),
        ("last month purchase", "en", last_month),
    ]:
        q(text, language, intent("purchases", period=period), one("purchases", b.purchases(period)))

    # one product
    for text, language, product in [
        ("maggi stock", "en", "maggi"),
        ("how much atta is left", "en", "atta"),
        ("चीनी कितनी बची है", "hi", "sugar"),
        ("surf excel kitna bacha hai", "hinglish", "surf excel"),
    ]:
        q(
            text,
            language,
            intent("stock", product=product),
            one("stock", sum(b.stock(product).values(), D(0))),
            ranked("product", "stock", b.stock(product)),
        )
    q(
        "sales of tata salt this month",
        "en",
        intent("sales", period=month, product="tata salt"),
        one("sales", b.sales(month, "tata salt")),
    )
    q(
        "parle g kitna bika is hafte",
        "hinglish",
        intent("quantity_sold", period=week, product="parle g"),
        one("quantity_sold", b.quantity_sold(week, "parle g")),
    )
    q(
        "how much maggi sold today",
        "en",
        intent("quantity_sold", period=today, product="maggi"),
        one("quantity_sold", b.quantity_sold(today, "maggi")),
    )
    q(
        "atta ki sale pichle mahine",
        "hinglish",
        intent("sales", period=last_month, product="atta"),
        one("sales", b.sales(last_month, "atta")),
    )

    # splits by payment mode, day and month
    for text, language, period in [
        ("sales by payment mode this month", "en", month),
        ("aaj cash kitna aaya aur upi kitna", "hinglish", today),
        ("upi vs cash this week", "en", week),
    ]:
        q(
            text,
            language,
            intent("sales", "payment_mode", period=period),
            ranked("payment_mode", "sales", b.sales_per(period, lambda bill: bill.mode)),
        )
    for text, language, period in [
        ("sales by day this week", "en", week),
        ("daily sales this month", "en", month),
        ("is hafte roz ki bikri", "hinglish", week),
    ]:
        per_day = b.sales_per(period, lambda bill: bill.day.isoformat())
        q(
            text,
            language,
            intent("sales", "day", period=period, sort="time", limit=ALL),
            in_date_order("day", "sales", per_day),
        )
    q(
        "month wise sales this year",
        "en",
        intent("sales", "month", period=year, sort="time", limit=ALL),
        in_date_order("month", "sales", b.sales_per(year, lambda bill: f"{bill.day:%Y-%m}")),
    )
    return qs


PLAN = plan_for(TODAY)
BOOKS = Books(PLAN)
QUESTIONS = questions_for(PLAN)


# --- the same books, through the HTTP API ---------------------------------------------------


def _payload(lines: Lines, ids: dict[str, int]) -> list[dict[str, Any]]:
    return [{"product_id": ids[p], "quantity": str(q)} for p, q in lines]


async def seed(client, shop: ShopSession, plan: Plan = PLAN) -> None:
    """Record the plan through the API; each bill's total and profit must be the plan's."""
    books = Books(plan)
    ids: dict[str, int] = {}
    for key, item in plan.products.items():
        made = await create_product(
            client,
            shop,
            product_name=item.name,
            price_purchase=str(item.price_purchase),
            price_sale=str(item.price_sale),
            quantity=str(item.opening),
            reorder_level=str(item.reorder_level),
        )
        ids[key] = made["product_id"]

    customer_ids: dict[str, int] = {}
    for bill in plan.bills:
        party = plan.customers[bill.customer] if bill.customer else None
        fields: dict[str, Any] = {
            "customer_name": (party.name or None) if party else None,
            "phone_no": party.phone if party else None,
            "transaction_date": bill.day.isoformat(),
            "payment_mode": bill.mode,
            "bill_paid": bill.paid is None,
        }
        if bill.paid is not None:
            fields |= {"amount_paid": str(bill.paid), "payment_due_date": bill.due.isoformat()}
        response = await sale(client, shop, _payload(bill.lines, ids), **fields)
        assert response.status_code == 201, response.text
        made = exact(response)
        assert (made["total_amount"], made["profit"]) == (books.total(bill), books.profit_of(bill))
        if bill.customer and bill.customer not in customer_ids:
            detail = await client.get(f"/api/sales/{made['sale_id']}", headers=shop.headers)
            customer_ids[bill.customer] = detail.json()["customer_id"]
        if bill.void:
            voided = await client.post(
                f"/api/sales/{made['sale_id']}/void",
                json={"reason": "wrong customer"},
                headers=shop.headers,
            )
            assert voided.status_code == 200, voided.text

    vendor_ids: dict[str, int] = {}
    for buy in plan.purchases:
        vendor = plan.vendors[buy.vendor]
        fields = {
            "vendor_name": vendor.name,
            "phone_no": vendor.phone,
            "transaction_date": buy.day.isoformat(),
            "payment_mode": buy.mode,
            "bill_paid": buy.paid is None,
        }
        if buy.paid is not None:
            fields["amount_paid"] = str(buy.paid)
        lines = [
            {
                "product_id": ids[p],
                "quantity": str(q),
                "price_purchase": str(plan.products[p].price_purchase),
            }
            for p, q in buy.lines
        ]
        response = await purchase(client, shop, lines, **fields)
        assert response.status_code == 201, response.text
        made = exact(response)
        assert made["total_amount"] == books.purchase_total(buy)
        detail = await client.get(f"/api/purchases/{made['purchase_id']}", headers=shop.headers)
        vendor_ids[buy.vendor] = detail.json()["vendor_id"]

    for payment in plan.payments:
        if payment.side == "customer":
            path = f"/api/customers/{customer_ids[payment.party]}/payments"
        else:
            path = f"/api/vendors/{vendor_ids[payment.party]}/payments"
        body = {
            "amount": str(payment.amount),
            "payment_mode": payment.mode,
            "paid_on": payment.day.isoformat(),
        }
        response = await client.post(path, json=body, headers=shop.headers)
        assert response.status_code == 201, response.text
