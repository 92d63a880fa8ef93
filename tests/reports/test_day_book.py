"""The day book (issue 17 item 2): every money movement of a day in order, totals by mode,
udhaar given and received, and the cash from opening to closing with the owner's counts.

Every expected figure is worked out here from what the test posted (quantities, rates,
amounts paid and their modes), and the day's sums are also read back from the raw tables
with SQL of the test's own; nothing is taken from the day book to check the day book.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from tests.auth_helpers import add_staff
from tests.bills import exact, purchase, sale, scalar
from tests.conftest import ShopSession, create_product

D = Decimal
URL = "/api/reports/day-book"
COUNT_URL = "/api/reports/day-book/cash-count"
MODES = ("cash", "upi", "card", "bank")


async def day_book(client, shop: ShopSession, day: dt.date | None = None) -> dict[str, Any]:
    params = {} if day is None else {"date": day.isoformat()}
    response = await client.get(URL, params=params, headers=shop.headers)
    assert response.status_code == 200, response.text
    book: dict[str, Any] = exact(response)
    return book


async def shop_today(client, shop: ShopSession) -> dt.date:
    return dt.date.fromisoformat((await day_book(client, shop))["date"])


@dataclass
class Move:
    """What the test expects one entry to be."""

    kind: str
    id: int
    mode: str
    amount_in: Decimal = Decimal("0.00")
    amount_out: Decimal = Decimal("0.00")
    udhaar_given: Decimal | None = None
    udhaar_received: Decimal | None = None
    party: str | None = None

    def as_entry(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "mode": self.mode,
            "amount_in": self.amount_in,
            "amount_out": self.amount_out,
            "udhaar_given": self.udhaar_given,
            "udhaar_received": self.udhaar_received,
            "party": self.party,
        }


def without_time(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = ("kind", "id", "mode", "amount_in", "amount_out", "udhaar_given", "udhaar_received")
    return [{key: entry[key] for key in (*keep, "party")} for entry in entries]


def totals_of(moves: list[Move]) -> dict[str, dict[str, Decimal]]:
    totals = {mode: {"amount_in": D("0.00"), "amount_out": D("0.00")} for mode in MODES}
    for move in moves:
        if move.mode in totals:
            totals[move.mode]["amount_in"] += move.amount_in
            totals[move.mode]["amount_out"] += move.amount_out
    return {
        mode: sums | {"net": sums["amount_in"] - sums["amount_out"]}
        for mode, sums in totals.items()
    }


class Shop:
    """A shop's counter, as the tests drive it through the HTTP API."""

    def __init__(self, client, shop: ShopSession) -> None:
        self.client = client
        self.shop = shop

    async def post(self, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.shop.headers)
        assert response.status_code == status, response.text
        made: dict[str, Any] = exact(response)
        return made

    async def get(self, path: str) -> dict[str, Any]:
        response = await self.client.get(path, headers=self.shop.headers)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = exact(response)
        return found

    async def sell(
        self, lines: list[tuple[int, str, str]], customer: str = "Ramesh Gupta", **fields: Any
    ) -> int:
        response = await sale(
            self.client,
            self.shop,
            [{"product_id": p, "quantity": q, "rate": r} for p, q, r in lines],
            customer_name=customer,
            **fields,
        )
        assert response.status_code == 201, response.text
        sale_id: int = response.json()["sale_id"]
        return sale_id

    async def buy(self, product_id: int, quantity: str, price: str, **fields: Any) -> int:
        response = await purchase(
            self.client,
            self.shop,
            [{"product_id": product_id, "quantity": quantity, "price_purchase": price}],
            **fields,
        )
        assert response.status_code == 201, response.text
        purchase_id: int = response.json()["purchase_id"]
        return purchase_id

    async def customer_of(self, sale_id: int) -> int:
        customer_id: int = (await self.get(f"/api/sales/{sale_id}"))["customer"]["cust_id"]
        return customer_id

    async def vendor_of(self, purchase_id: int) -> int:
        vendor_id: int = (await self.get(f"/api/purchases/{purchase_id}"))["vendor_id"]
        return vendor_id

    async def spend(self, amount: str, mode: str, **fields: Any) -> int:
        body = {"category": "wages", "amount": amount, "payment_mode": mode} | fields
        expense_id: int = (await self.post("/api/expenses/", body))["expense_id"]
        return expense_id

    async def give_back(self, sale_id: int, product_id: int, quantity: str, mode: str) -> dict:
        body = {"products": [{"product_id": product_id, "quantity": quantity}]}
        return await self.post(f"/api/sales/{sale_id}/returns", body | {"refund_mode": mode})

    async def void(self, path: str) -> None:
        await self.post(path, {"reason": "Entered twice"}, status=200)


async def cash_by_sql(app, shop_id: int, day: dt.date) -> Decimal:
    """The day's net cash from the raw tables, written apart from the day book's query, for
    a day on which nothing was voided or refunded (those are checked against the entries)."""
    total: Decimal = await scalar(
        app,
        """
        SELECT (SELECT coalesce(sum(amount_paid), 0) FROM sales WHERE shop_id = :s
                 AND sale_date = :d AND payment_mode IN ('cash', 'credit'))
             - (SELECT coalesce(sum(amount_paid), 0) FROM purchases WHERE shop_id = :s
                 AND purchase_date = :d AND payment_mode IN ('cash', 'credit'))
             - (SELECT coalesce(sum(amount), 0) FROM expenses WHERE shop_id = :s
                 AND expense_date = :d AND payment_mode = 'cash' AND reverses_id IS NULL)
             + (SELECT coalesce(sum(CASE kind WHEN 'sale' THEN amount ELSE -amount END), 0)
                  FROM udhaar_payments WHERE shop_id = :s AND paid_on = :d
                   AND payment_mode IN ('cash', 'other'))
        """,
        s=shop_id,
        d=day,
    )
    return total


async def test_a_days_every_movement_is_listed_in_order_and_totalled_by_mode(client, app, shop):
    counter = Shop(client, shop)
    today = await shop_today(client, shop)
    jeera = (await create_product(client, shop, product_name="Jeera", unit="kg", quantity=50))[
        "product_id"
    ]
    atta = (await create_product(client, shop, product_name="Aashirvaad Atta 5kg", quantity=80))[
        "product_id"
    ]
    moves: list[Move] = []

    def sold(kind_id: int, mode: str, paid: str, total: str, party: str) -> None:
        given = D(total) - D(paid)
        moves.append(
            Move("sale", kind_id, mode, amount_in=D(paid), udhaar_given=given, party=party)
        )

    # Paid in full by each money mode: 0.250 kg of jeera at 480 is 120.00.
    cash_sale = await counter.sell([(jeera, "0.250", "480.00")], "Sunita Devi")
    sold(cash_sale, "cash", "120.00", "120.00", "Sunita Devi")
    upi_sale = await counter.sell([(atta, "2", "265.50")], "Anil Kumar", payment_mode="upi")
    sold(upi_sale, "upi", "531.00", "531.00", "Anil Kumar")
    card_sale = await counter.sell([(atta, "1", "265.50")], "Priya Nair", payment_mode="card")
    sold(card_sale, "card", "265.50", "265.50", "Priya Nair")
    bank_sale = await counter.sell([(atta, "10", "250.00")], "Chandra Traders", payment_mode="bank")
    sold(bank_sale, "bank", "2500.00", "2500.00", "Chandra Traders")
    # On udhaar with nothing paid: listed at 0 as credit, all of it udhaar given.
    credit_sale = await counter.sell(
        [(atta, "3", "260.00")], "Mohan Lal", bill_paid=False, payment_mode="credit"
    )
    sold(credit_sale, "credit", "0.00", "780.00", "Mohan Lal")
    # Part paid by UPI, and part paid on a bill marked credit (that part counts as cash).
    part_upi = await counter.sell(
        [(jeera, "1.500", "480.00")],
        "Kavita Sharma",
        bill_paid=False,
        amount_paid="300.00",
        payment_mode="upi",
    )
    sold(part_upi, "upi", "300.00", "720.00", "Kavita Sharma")
    part_credit = await counter.sell(
        [(atta, "1", "265.50")],
        "Ravi Verma",
        bill_paid=False,
        amount_paid="65.50",
        payment_mode="credit",
    )
    sold(part_credit, "cash", "65.50", "265.50", "Ravi Verma")

    # Mohan Lal pays 500 of his udhaar in cash, then 100 by cheque (a legacy mode: bank).
    mohan = await counter.customer_of(credit_sale)
    paid = await counter.post(
        f"/api/customers/{mohan}/payments", {"amount": "500.00", "payment_mode": "cash"}
    )
    moves.append(
        Move(
            "customer_payment",
            paid["payment_id"],
            "cash",
            amount_in=D("500.00"),
            udhaar_received=D("500.00"),
            party="Mohan Lal",
        )
    )
    cheque = await counter.post(
        f"/api/customers/{mohan}/payments", {"amount": "100.00", "payment_mode": "cheque"}
    )
    assert cheque["payment_mode"] == "cheque"  # stored and answered as sent
    moves.append(
        Move(
            "customer_payment",
            cheque["payment_id"],
            "bank",
            amount_in=D("100.00"),
            udhaar_received=D("100.00"),
            party="Mohan Lal",
        )
    )

    # A purchase on udhaar, then 1,500 paid to the vendor by bank; a purchase paid in cash.
    on_credit = await counter.buy(
        atta,
        "20",
        "210.00",
        vendor_name="Bansal Wholesale",
        phone_no="9876500002",
        bill_paid=False,
    )
    moves.append(Move("purchase", on_credit, "credit", party="Bansal Wholesale"))
    bansal = await counter.vendor_of(on_credit)
    to_vendor = await counter.post(
        f"/api/vendors/{bansal}/payments", {"amount": "1500.00", "payment_mode": "bank"}
    )
    moves.append(
        Move(
            "vendor_payment",
            to_vendor["payment_id"],
            "bank",
            amount_out=D("1500.00"),
            party="Bansal Wholesale",
        )
    )
    cash_purchase = await counter.buy(
        jeera, "2.750", "400.00", vendor_name="Agarwal Traders", phone_no="9876500001"
    )
    moves.append(
        Move("purchase", cash_purchase, "cash", amount_out=D("1100.00"), party="Agarwal Traders")
    )

    # Wages in cash; tea by UPI, voided the same day (its reversal comes back in).
    wages = await counter.spend("750.00", "cash")
    moves.append(Move("expense", wages, "cash", amount_out=D("750.00")))
    tea = await counter.spend("85.00", "upi", category="tea and snacks")
    moves.append(Move("expense", tea, "upi", amount_out=D("85.00")))
    await counter.void(f"/api/expenses/{tea}/void")
    moves.append(Move("expense_void", tea, "upi", amount_in=D("85.00")))

    # Returns: 1 kg atta off the bank sale refunded in cash; 0.500 kg jeera off the UPI
    # part-paid sale first takes its udhaar down (240 of 420 left), so nothing is refunded:
    # not a money movement. 1 atta off the UPI sale refunded by UPI.
    cash_refund = await counter.give_back(bank_sale, atta, "1", "cash")
    assert (cash_refund["refund_amount"], cash_refund["refund_mode"]) == (D("250.00"), "cash")
    moves.append(
        Move(
            "sale_refund",
            cash_refund["return_id"],
            "cash",
            amount_out=D("250.00"),
            party="Chandra Traders",
        )
    )
    no_refund = await counter.give_back(part_upi, jeera, "0.500", "upi")
    assert (no_refund["refund_amount"], no_refund["udhaar_reduced"]) == (D("0.00"), D("240.00"))
    upi_refund = await counter.give_back(upi_sale, atta, "1", "upi")
    assert (upi_refund["refund_amount"], upi_refund["refund_mode"]) == (D("265.50"), "upi")
    moves.append(
        Move(
            "sale_refund",
            upi_refund["return_id"],
            "upi",
            amount_out=D("265.50"),
            party="Anil Kumar",
        )
    )

    # A cash sale voided today: in, then out again.
    voided = await counter.sell([(jeera, "0.100", "500.00")], "Deepak Yadav")
    sold(voided, "cash", "50.00", "50.00", "Deepak Yadav")
    await counter.void(f"/api/sales/{voided}/void")
    moves.append(Move("sale_void", voided, "cash", amount_out=D("50.00"), party="Deepak Yadav"))

    # Entered today but dated two days ago: it lands on its own day, not today.
    two_days_ago = today - dt.timedelta(days=2)
    backdated = await counter.sell(
        [(atta, "4", "262.25")], "Geeta Bai", transaction_date=two_days_ago.isoformat()
    )

    book = await day_book(client, shop, today)
    assert book["date"] == today.isoformat()
    assert without_time(book["entries"]) == [move.as_entry() for move in moves]
    times = [dt.datetime.fromisoformat(entry["time"]) for entry in book["entries"]]
    assert times == sorted(times)
    assert book["totals_by_mode"] == totals_of(moves)
    # The figures this test stands on, spelled out once.
    assert book["totals_by_mode"]["cash"] == {
        "amount_in": D("120.00") + D("65.50") + D("500.00") + D("50.00"),
        "amount_out": D("1100.00") + D("750.00") + D("250.00") + D("50.00"),
        "net": D("735.50") - D("2150.00"),
    }
    assert book["udhaar_given"] == D("780.00") + D("420.00") + D("200.00")
    assert book["udhaar_received"] == D("600.00")
    opening = D("1049.00")  # the backdated cash sale: 4 x 262.25
    assert book["opening_cash"] == opening
    assert (book["cash_in"], book["cash_out"]) == (D("735.50"), D("2150.00"))
    assert book["closing_cash"] == opening + D("735.50") - D("2150.00")
    assert book["cash_count"] is None

    earlier = await day_book(client, shop, two_days_ago)
    assert without_time(earlier["entries"]) == [
        Move(
            "sale",
            backdated,
            "cash",
            amount_in=D("1049.00"),
            udhaar_given=D("0.00"),
            party="Geeta Bai",
        ).as_entry()
    ]
    assert (
        earlier["closing_cash"]
        == D("1049.00")
        == await cash_by_sql(app, shop.shop_id, two_days_ago)
    )


async def test_opening_cash_is_the_previous_days_closing_across_three_days(client, app, shop):
    counter = Shop(client, shop)
    today = await shop_today(client, shop)
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]
    rice = (await create_product(client, shop, product_name="Sona Masoori 1kg", quantity=100))[
        "product_id"
    ]
    # Day 1: two cash sales and a UPI one; day 2: cash sale, cash wages, a udhaar payment
    # in cash; day 3: a cash purchase bigger than the day's takings.
    await counter.sell([(rice, "5", "62.00")], transaction_date=days[0].isoformat())
    await counter.sell([(rice, "2.5", "62.00")], transaction_date=days[0].isoformat())
    await counter.sell(
        [(rice, "3", "62.00")], payment_mode="upi", transaction_date=days[0].isoformat()
    )
    on_credit = await counter.sell(
        [(rice, "10", "60.00")],
        "Lakshmi Iyer",
        bill_paid=False,
        transaction_date=days[1].isoformat(),
    )
    await counter.sell([(rice, "1", "62.00")], transaction_date=days[1].isoformat())
    await counter.spend("400.00", "cash", expense_date=days[1].isoformat())
    lakshmi = await counter.customer_of(on_credit)
    await counter.post(
        f"/api/customers/{lakshmi}/payments",
        {"amount": "250.00", "payment_mode": "cash", "paid_on": days[1].isoformat()},
    )
    await counter.buy(
        rice, "20", "48.00", vendor_name="Reddy Rice Mill", transaction_date=days[2].isoformat()
    )

    net = [D("465.00"), D("62.00") - D("400.00") + D("250.00"), D("-960.00")]
    books = [await day_book(client, shop, day) for day in days]
    closing = D("0.00")
    for book, day, day_net in zip(books, days, net, strict=True):
        assert await cash_by_sql(app, shop.shop_id, day) == day_net
        assert book["opening_cash"] == closing
        assert book["cash_in"] - book["cash_out"] == day_net
        closing = book["opening_cash"] + day_net
        assert book["closing_cash"] == closing
    assert books[1]["opening_cash"] == books[0]["closing_cash"]
    assert books[2]["opening_cash"] == books[1]["closing_cash"]
    assert books[0]["totals_by_mode"]["upi"]["amount_in"] == D("186.00")
    assert (await day_book(client, shop, today))["opening_cash"] == D("465.00") - D("88.00") - D(
        "960.00"
    )


async def test_a_cash_count_closes_its_day_and_a_later_day_opens_from_it(client, shop):
    counter = Shop(client, shop)
    today = await shop_today(client, shop)
    first, second = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    dal = (await create_product(client, shop, product_name="Toor Dal 1kg", quantity=60))[
        "product_id"
    ]
    await counter.sell([(dal, "10", "145.00")], transaction_date=first.isoformat())
    await counter.spend("120.00", "cash", expense_date=first.isoformat())
    await counter.sell([(dal, "4", "145.00")], transaction_date=second.isoformat())

    # The drawer holds 1,300 at the first day's close: 30 short of the books' 1,330.
    counted = await counter.post(
        COUNT_URL, {"date": first.isoformat(), "counted": "1300.00", "note": "Evening count"}
    )
    assert {key: counted[key] for key in ("date", "counted", "expected", "difference")} == {
        "date": first.isoformat(),
        "counted": D("1300.00"),
        "expected": D("1330.00"),
        "difference": D("-30.00"),
    }
    assert (counted["note"], counted["counted_by"]) == ("Evening count", shop.user_id)

    book = await day_book(client, shop, first)
    assert book["closing_cash"] == D("1300.00")
    assert book["cash_count"] == counted
    # The next day opens from the count, not from the books.
    later = await day_book(client, shop, second)
    assert later["opening_cash"] == D("1300.00")
    assert later["closing_cash"] == D("1300.00") + D("580.00")
    assert (await day_book(client, shop, today))["opening_cash"] == D("1880.00")

    # Counting the day again (a miscount) replaces the count: the latest row wins.
    recount = await counter.post(COUNT_URL, {"date": first.isoformat(), "counted": "1330"})
    assert recount["count_id"] > counted["count_id"]
    assert (recount["difference"], recount["note"]) == (D("0.00"), None)
    assert (await day_book(client, shop, first))["cash_count"] == recount
    assert (await day_book(client, shop, second))["opening_cash"] == D("1330.00")

    # Today's count by default; a day with no movements expects its opening.
    today_count = await counter.post(COUNT_URL, {"counted": "1910.00"})
    assert today_count["date"] == today.isoformat()
    assert (today_count["expected"], today_count["difference"]) == (D("1910.00"), D("0.00"))


async def test_the_day_book_and_counts_are_the_owners(client, shop):
    staff = await add_staff(client, shop)
    assert (await client.get(URL, headers=staff.headers)).status_code == 403
    refused = await client.post(COUNT_URL, json={"counted": "10"}, headers=staff.headers)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2999-01-01"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "04-12-2026"}, "date"),
        ({"date": "1999-12-31"}, "date"),
    ],
)
async def test_a_bad_or_future_date_is_a_422(client, shop, params, field):
    response = await client.get(URL, params=params, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"counted": "-1.00"}, "counted"),
        ({"counted": "12.345"}, "counted"),
        ({}, "counted"),
        ({"counted": "5", "date": "2999-01-01"}, "date"),
        ({"counted": "5", "note": "n" * 501}, "note"),
    ],
)
async def test_a_bad_cash_count_is_a_422_and_writes_nothing(client, app, shop, body, field):
    response = await client.post(COUNT_URL, json=body, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert any(e["loc"][:2] == ["body", field] for e in response.json()["errors"])
    rows = await scalar(app, "SELECT count(*) FROM cash_counts WHERE shop_id = :s", s=shop.shop_id)
    assert rows == 0


async def test_another_shops_money_never_appears(client, shop, other_shop):
    mine, theirs = Shop(client, shop), Shop(client, other_shop)
    today = await shop_today(client, shop)
    sugar = (await create_product(client, other_shop, product_name="Sugar", quantity=10))[
        "product_id"
    ]
    await theirs.sell([(sugar, "2", "45.00")])
    await theirs.spend("300.00", "cash")
    await theirs.post(COUNT_URL, {"counted": "999.00"})
    await mine.spend("20.00", "upi")

    book = await day_book(client, shop, today)
    assert [entry["kind"] for entry in book["entries"]] == ["expense"]
    assert book["cash_count"] is None
    assert (book["opening_cash"], book["closing_cash"]) == (D("0.00"), D("0.00"))
    assert book["totals_by_mode"]["upi"]["amount_out"] == D("20.00")
    assert sum(t["amount_in"] for t in book["totals_by_mode"].values()) == 0


async def test_a_void_takes_the_money_back_on_the_day_it_is_done(client, shop):
    counter = Shop(client, shop)
    today = await shop_today(client, shop)
    yesterday, before = today - dt.timedelta(days=1), today - dt.timedelta(days=2)
    biscuit = (await create_product(client, shop, product_name="Parle-G", quantity=200))[
        "product_id"
    ]
    # Sold two days ago by UPI, voided today: its day keeps the sale, today gives it back.
    old_sale = await counter.sell(
        [(biscuit, "12", "10.00")],
        "Salim Khan",
        payment_mode="upi",
        transaction_date=before.isoformat(),
    )
    # Bought yesterday for cash, voided today: the cash comes back today.
    old_purchase = await counter.buy(
        biscuit,
        "24",
        "8.50",
        vendor_name="Parle Agencies",
        phone_no="9876500009",
        transaction_date=yesterday.isoformat(),
    )
    # Sold today for cash, 1 of 5 returned (refunded in cash), then voided: only the 4 left
    # are handed back by the void.
    today_sale = await counter.sell([(biscuit, "5", "10.00")], "Salim Khan")
    refund = await counter.give_back(today_sale, biscuit, "1", "cash")
    assert refund["refund_amount"] == D("10.00")
    await counter.void(f"/api/sales/{old_sale}/void")
    await counter.void(f"/api/purchases/{old_purchase}/void")
    await counter.void(f"/api/sales/{today_sale}/void")

    book = await day_book(client, shop, today)
    assert without_time(book["entries"]) == [
        m.as_entry()
        for m in (
            Move(
                "sale",
                today_sale,
                "cash",
                amount_in=D("50.00"),
                udhaar_given=D("0.00"),
                party="Salim Khan",
            ),
            Move(
                "sale_refund",
                refund["return_id"],
                "cash",
                amount_out=D("10.00"),
                party="Salim Khan",
            ),
            Move("sale_void", old_sale, "upi", amount_out=D("120.00"), party="Salim Khan"),
            Move(
                "purchase_void", old_purchase, "cash", amount_in=D("204.00"), party="Parle Agencies"
            ),
            Move("sale_void", today_sale, "cash", amount_out=D("40.00"), party="Salim Khan"),
        )
    ]
    assert book["totals_by_mode"]["upi"] == {
        "amount_in": D("0.00"),
        "amount_out": D("120.00"),
        "net": D("-120.00"),
    }
    # Two days ago: +0 cash (UPI); yesterday: -204; today: +50 - 10 + 204 - 40.
    assert (book["opening_cash"], book["cash_in"], book["cash_out"]) == (
        D("-204.00"),
        D("254.00"),
        D("50.00"),
    )
    assert book["closing_cash"] == D("0.00")
    earlier = await day_book(client, shop, before)
    assert [(e["kind"], e["amount_in"]) for e in earlier["entries"]] == [("sale", D("120.00"))]
    assert earlier["totals_by_mode"]["upi"]["amount_in"] == D("120.00")
    assert (await day_book(client, shop, yesterday))["closing_cash"] == D("-204.00")


async def voided_on(app, sale_id: int, day: dt.date) -> None:
    """Move a void the API just did to 11:00 of an earlier `day` in the shop's time zone, as
    if it had been done then (the API voids now; the books must carry a past void)."""
    async with app.state.sessionmaker() as session:
        await session.execute(
            text(
                "UPDATE sales b SET voided_at = (CAST(:day AS date) + time '11:00') "
                "AT TIME ZONE (SELECT timezone FROM shops WHERE id = b.shop_id) WHERE id = :id"
            ),
            {"day": day, "id": sale_id},
        )
        await session.commit()


async def cash_before_by_sql(app, shop_id: int, day: dt.date) -> Decimal:
    """The cash of every movement before `day` from the raw tables alone (no summary): bills
    in cash (a credit bill's part paid counts), less their voids done before the day (what
    refunds left of them), refunds, purchases, expenses; udhaar payments and purchase voids
    and expense voids as they go."""
    total: Decimal = await scalar(
        app,
        """
        WITH zone AS (SELECT (CAST(:d AS date) + time '00:00')
                               AT TIME ZONE (SELECT timezone FROM shops WHERE id = :s) AS start)
        SELECT (SELECT coalesce(sum(amount_paid), 0) FROM sales WHERE shop_id = :s
                 AND sale_date < :d AND payment_mode IN ('cash', 'credit'))
             - (SELECT coalesce(sum(greatest(s.amount_paid - coalesce(r.refunded, 0), 0)), 0)
                  FROM sales s
                  LEFT JOIN (SELECT sale_id, sum(refund_amount) AS refunded FROM sale_returns
                              WHERE shop_id = :s GROUP BY sale_id) r ON r.sale_id = s.id
                 WHERE s.shop_id = :s AND s.payment_mode IN ('cash', 'credit')
                   AND s.voided_at < (SELECT start FROM zone))
             - (SELECT coalesce(sum(refund_amount), 0) FROM sale_returns WHERE shop_id = :s
                 AND return_date < :d AND refund_mode = 'cash')
             + (SELECT coalesce(sum(CASE kind WHEN 'sale' THEN amount ELSE -amount END), 0)
                  FROM udhaar_payments WHERE shop_id = :s AND paid_on < :d
                   AND payment_mode IN ('cash', 'other'))
             - (SELECT coalesce(sum(amount_paid), 0) FROM purchases WHERE shop_id = :s
                 AND purchase_date < :d AND payment_mode IN ('cash', 'credit'))
             + (SELECT coalesce(sum(amount_paid), 0) FROM purchases WHERE shop_id = :s
                 AND voided_at < (SELECT start FROM zone) AND payment_mode IN ('cash', 'credit'))
             - (SELECT coalesce(sum(amount), 0) FROM expenses WHERE shop_id = :s
                 AND expense_date < :d AND payment_mode = 'cash' AND reverses_id IS NULL)
             - (SELECT coalesce(sum(amount), 0) FROM expenses WHERE shop_id = :s
                 AND created_at < (SELECT start FROM zone) AND payment_mode = 'cash'
                 AND reverses_id IS NOT NULL)
        """,
        s=shop_id,
        d=day,
    )
    return total


async def test_opening_cash_carries_voids_done_on_later_days_and_counts(client, app, shop):
    """The opening cash comes from the daily summary, which leaves void bills out: a bill
    voided days after its date must still count on its own day and go out on the void's."""
    counter = Shop(client, shop)
    today = await shop_today(client, shop)
    t4, t3, t2, t1 = (today - dt.timedelta(days=n) for n in (4, 3, 2, 1))
    besan = (await create_product(client, shop, product_name="Besan", unit="kg", quantity=40))[
        "product_id"
    ]
    ghee = (await create_product(client, shop, product_name="Amul Ghee 1L", quantity=30))[
        "product_id"
    ]

    # Four days ago: 2 ghee in cash (one comes back today, refunded in cash, then the bill is
    # voided as if two days ago); a credit bill part paid 90 at the counter; a UPI bill.
    ghee_sale = await counter.sell(
        [(ghee, "2", "120.00")], "Farida Begum", transaction_date=t4.isoformat()
    )
    part_paid = await counter.sell(
        [(besan, "3.000", "80.00")],
        "Farhan Qureshi",
        bill_paid=False,
        amount_paid="90.00",
        payment_mode="credit",
        transaction_date=t4.isoformat(),
    )
    await counter.sell(
        [(besan, "1.500", "100.00")], payment_mode="upi", transaction_date=t4.isoformat()
    )
    # Three days ago: 1.250 kg of besan in cash, and a cash bill voided the same day.
    await counter.sell([(besan, "1.250", "400.00")], "Meena Joshi", transaction_date=t3.isoformat())
    same_day = await counter.sell([(ghee, "5", "30.00")], transaction_date=t3.isoformat())
    # Two days ago: wages, 100 of Farhan's udhaar in cash, stock bought for cash.
    await counter.spend("75.00", "cash", expense_date=t2.isoformat())
    farhan = await counter.customer_of(part_paid)
    await counter.post(
        f"/api/customers/{farhan}/payments",
        {"amount": "100.00", "payment_mode": "cash", "paid_on": t2.isoformat()},
    )
    await counter.buy(
        besan, "10", "30.00", vendor_name="Jain Dal Mill", transaction_date=t2.isoformat()
    )
    # Yesterday: a cash bill and tea paid in cash, both voided today.
    yesterdays = await counter.sell([(ghee, "1", "60.00")], transaction_date=t1.isoformat())
    tea = await counter.spend(
        "40.00", "cash", category="tea and snacks", expense_date=t1.isoformat()
    )
    await counter.void(f"/api/expenses/{tea}/void")

    refund = await counter.give_back(ghee_sale, ghee, "1", "cash")
    assert refund["refund_amount"] == D("120.00")
    for bill in (ghee_sale, same_day, yesterdays):
        await counter.void(f"/api/sales/{bill}/void")
    await voided_on(app, ghee_sale, t2)
    await voided_on(app, same_day, t3)

    # Worked out by hand, day by day: +240 +90; +500 +150 -150; -(240 - 120) -75 +100 -300;
    # +60 -40; today +40 (the tea voided) -120 (the refund) -60 (yesterday's bill voided).
    expected = {t4: D("0.00"), t3: D("330.00"), t2: D("830.00"), t1: D("435.00")}
    expected[today] = D("455.00")
    for day, opening in expected.items():
        book = await day_book(client, shop, day)
        assert book["opening_cash"] == opening == await cash_before_by_sql(app, shop.shop_id, day)
    book = await day_book(client, shop, today)
    assert (book["cash_in"], book["cash_out"], book["closing_cash"]) == (
        D("40.00"),
        D("180.00"),
        D("315.00"),
    )
    assert (await day_book(client, shop, t3))["closing_cash"] == D("830.00")

    # Counted at 800 on the close of three days ago: later days open from the count, and
    # the void done two days ago still goes out (the bill's own day is before the count).
    await counter.post(COUNT_URL, {"date": t3.isoformat(), "counted": "800.00"})
    assert (await day_book(client, shop, t2))["opening_cash"] == D("800.00")
    assert (await day_book(client, shop, t1))["opening_cash"] == D("800.00") - D("395.00")
    assert (await day_book(client, shop, today))["opening_cash"] == D("425.00")
