"""An `Intent` compiled into one parameterised SELECT over the semantic layer's views.

Every piece of SQL here is a constant of this module, chosen by an enum member; values from
the question (dates, a product or party name, the limit) only ever go in as bound parameters.
A combination the layer cannot answer (stock by customer) is `Unanswerable`, never a guess.
The views (`app/ask/sql/semantic_layer.sql`) run as the caller, so the shop's row-level
security applies, and expose only the columns named here.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.ask.intent import Dimension, Intent, Metric, Sort

LOW_STOCK_DEFAULT = 5
"""A product without a reorder level counts as low at or below this many units."""


class Unanswerable(ValueError):
    """The intent asks for something the semantic layer does not hold."""


@dataclass(frozen=True, slots=True)
class _View:
    name: str
    day: str | None
    """The column dates filter on; None: a figure as of now (stock, open udhaar)."""
    dimensions: dict[Dimension, str]
    product: bool = False
    party: tuple[str, str] | None = None
    """The name and phone columns a party filter matches."""


_TIME = {Dimension.DAY: "day", Dimension.MONTH: "to_char(day, 'YYYY-MM')"}
_BILLS = _View(
    "ask_bills",
    "day",
    {**_TIME, Dimension.CUSTOMER: "customer", Dimension.PAYMENT_MODE: "payment_mode"},
    party=("customer", "customer_phone"),
)
_LINES = _View(
    "ask_sale_lines",
    "day",
    {
        **_TIME,
        Dimension.PRODUCT: "product",
        Dimension.CUSTOMER: "customer",
        Dimension.PAYMENT_MODE: "payment_mode",
    },
    product=True,
    party=("customer", "customer_phone"),
)
_PURCHASES = _View(
    "ask_purchases",
    "day",
    {**_TIME, Dimension.VENDOR: "vendor", Dimension.PAYMENT_MODE: "payment_mode"},
    party=("vendor", "vendor_phone"),
)
_PAYMENTS = _View(
    "ask_payments",
    "day",
    {**_TIME, Dimension.CUSTOMER: "customer", Dimension.PAYMENT_MODE: "payment_mode"},
    party=("customer", "customer_phone"),
)
_RECEIVABLE = _View(
    "ask_receivable", None, {Dimension.CUSTOMER: "customer"}, party=("customer", "customer_phone")
)
_PAYABLE = _View(
    "ask_payable", None, {Dimension.VENDOR: "vendor"}, party=("vendor", "vendor_phone")
)
_STOCK = _View("ask_stock", None, {Dimension.PRODUCT: "product"}, product=True)

_VALUE: dict[Metric, str] = {
    Metric.SALES: "sum(amount)",
    Metric.PROFIT: "sum(profit)",
    Metric.QUANTITY_SOLD: "sum(quantity)",
    Metric.BILLS: "count(DISTINCT sale_id)",
    Metric.PURCHASES: "sum(amount)",
    Metric.PAYMENTS_RECEIVED: "sum(amount)",
    Metric.UDHAAR_DUE: "sum(balance)",
    Metric.PAYABLE: "sum(balance)",
    Metric.STOCK: "sum(quantity)",
}


def _view(intent: Intent) -> _View:
    metric = intent.metric
    if metric in (Metric.SALES, Metric.PROFIT, Metric.BILLS):
        by_product = intent.product is not None or Dimension.PRODUCT in intent.dimensions
        return _LINES if by_product else _BILLS
    return {
        Metric.QUANTITY_SOLD: _LINES,
        Metric.PURCHASES: _PURCHASES,
        Metric.PAYMENTS_RECEIVED: _PAYMENTS,
        Metric.UDHAAR_DUE: _RECEIVABLE,
        Metric.PAYABLE: _PAYABLE,
        Metric.STOCK: _STOCK,
    }[metric]


def like_pattern(text: str) -> str:
    """`text` as a contains-pattern, its own `%`, `_` and `\\` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class Query:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    """The result's columns: the dimensions' names, then the metric's."""


def compile_intent(intent: Intent, shop_id: int, today: dt.date) -> Query:
    """The SELECT answering `intent` for the shop (raises `Unanswerable`). The query names
    its shop like every other; row-level security stays the net beneath it."""
    view = _view(intent)
    groups: list[tuple[str, str]] = []
    for dimension in intent.dimensions:
        expression = view.dimensions.get(dimension)
        if expression is None:
            raise Unanswerable(f"{intent.metric.value} cannot be split by {dimension.value}")
        groups.append((dimension.value, expression))
    where = ["shop_id = :shop_id"]
    for dimension in intent.dimensions:
        if dimension in (Dimension.CUSTOMER, Dimension.VENDOR):
            # Walk-in bills have no customer: a ranking of customers leaves them out.
            where.append(f"{view.dimensions[dimension]} IS NOT NULL")
    params: dict[str, Any] = {"limit": intent.limit, "shop_id": shop_id}
    if view.day is not None:
        if intent.date_from is not None:
            where.append(f"{view.day} >= :date_from")
            params["date_from"] = intent.date_from
        if intent.date_to is not None:
            where.append(f"{view.day} <= :date_to")
            params["date_to"] = intent.date_to
    if intent.product is not None:
        if not view.product:
            raise Unanswerable(f"{intent.metric.value} is not kept per product")
        where.append("product ILIKE :product")
        params["product"] = like_pattern(intent.product)
    if intent.party is not None:
        if view.party is None:
            raise Unanswerable(f"{intent.metric.value} is not kept per customer or vendor")
        name, phone = view.party
        digits = "".join(ch for ch in intent.party if ch.isdigit())
        if len(digits) >= 4:
            where.append(f"{phone} LIKE :party_phone")
            params["party_phone"] = f"%{digits[-10:]}%"
        else:
            where.append(f"{name} ILIKE :party")
            params["party"] = like_pattern(intent.party)
    if intent.overdue:
        if view not in (_RECEIVABLE, _PAYABLE):
            raise Unanswerable("only udhaar can be overdue")
        where.append("due_date < :today")
        params["today"] = today
    if intent.low_stock:
        if view is not _STOCK:
            raise Unanswerable("only stock can be low")
        where.append(f"quantity <= coalesce(nullif(reorder_level, 0), {LOW_STOCK_DEFAULT})")
    value = f"coalesce({_VALUE[intent.metric]}, 0)"
    metric = intent.metric.value
    if view is _LINES and intent.dimensions == (Dimension.PRODUCT,) and intent.sort is Sort.ASC:
        return _slowest(intent, where, params, value)
    select = [f"{expression} AS {label}" for label, expression in groups]
    sql = f"SELECT {', '.join([*select, f'{value} AS {metric}'])} FROM {view.name} "  # noqa: S608
    sql += f"WHERE {' AND '.join(where)}"
    if groups:
        direction = "DESC" if intent.sort is Sort.DESC else "ASC"
        keys = ", ".join(str(i + 1) for i in range(len(groups)))
        order = keys if intent.sort is Sort.TIME else f"{len(groups) + 1} {direction}, {keys}"
        sql += f" GROUP BY {keys} ORDER BY {order} LIMIT :limit"
    return Query(sql, params, (*(label for label, _ in groups), metric))


def _slowest(intent: Intent, where: list[str], params: dict[str, Any], value: str) -> Query:
    """The slowest products: every live product, those that sold nothing first (a ranking
    of the lines alone would never show a product that did not sell)."""
    metric = intent.metric.value
    sold = f"SELECT product_id, {value} AS value FROM ask_sale_lines "  # noqa: S608
    sold += f"WHERE {' AND '.join(where)} GROUP BY product_id"
    listed = "p.shop_id = :shop_id"
    if intent.product is not None:
        listed += " AND p.product ILIKE :product"
    sql = (
        f"SELECT p.product AS product, coalesce(s.value, 0) AS {metric} "  # noqa: S608
        f"FROM ask_stock p LEFT JOIN ({sold}) AS s ON s.product_id = p.product_id "
        f"WHERE {listed} ORDER BY 2 ASC, 1 LIMIT :limit"
    )
    return Query(sql, params, ("product", metric))
