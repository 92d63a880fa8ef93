"""A report's pydantic model laid out as spreadsheet tables: pure, no I/O, no file format.

The CSV and XLSX writers both draw this layout, so the two files always hold the same cells.
The rules, so any report renders without code of its own:
- top-level scalar fields (dates, `group`, `as_of`, a day's opening cash ...) are the header
  block, one `label: value` each;
- each list of objects is a table, one row per item, nested objects flattened into columns
  (`last_vendor.name` is `Last vendor name`);
- `totals` becomes a Totals row under the first table when every figure in it has a column
  there, else it joins the summary;
- the other objects (the GST summary's `output.invoices`, `input`, ...) form one Summary
  table, a row per object that holds figures, columns the union of their fields;
- a dict of objects (`totals_by_mode`) is a small table keyed by its keys.

A column's kind decides how both files write it. `Number` (the response decimal) does not say
whether it is money or a quantity, so a decimal is a quantity when its name says so or when a
value carries three places (NUMERIC(14,3) arrives from PostgreSQL as `4.000`), else money;
`kinds` lets a route say otherwise for a field (e.g. `days_left` is a plain number).
"""

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeAlias, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

ColumnKind = Literal["money", "quantity", "number", "integer", "date", "datetime", "time", "text"]
Cell: TypeAlias = Decimal | int | dt.date | dt.datetime | dt.time | str | None
"""A cell's value: decimals stay exact; `datetime` values are the shop's local wall time."""

_QUANTITY_WORDS = ("quantity", "qty", "reorder_level", "sold_in_window", "daily_rate")
_ACRONYMS = {"id", "gst", "gstin", "cgst", "sgst", "igst", "hsn", "upi", "uqc", "sms", "pos"}
_DECIMAL: Literal["decimal"] = "decimal"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: ColumnKind


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    totals: list[Cell] | None = None
    """A Totals row under the rows: `Totals` in the first column, figures in theirs."""


@dataclass(frozen=True)
class HeaderItem:
    label: str
    value: Cell
    kind: ColumnKind


@dataclass(frozen=True)
class Heading:
    """What every exported file opens with: whose books, which report, which period, when."""

    shop: str
    title: str
    period: str
    generated_at: dt.datetime
    """The shop's local wall time, naive."""


@dataclass(frozen=True)
class Layout:
    header: list[HeaderItem]
    tables: list[Table]


def heading(name: str, info: FieldInfo | None = None) -> str:
    """A field's heading: its `title` when it has one, else its name (its alias when it has
    one) in sentence case with acronyms kept upper case (`vendor_id` -> `Vendor ID`,
    `net_profit` -> `Net profit`)."""
    if info is not None and info.title:
        return info.title
    if info is not None and info.alias:
        name = info.alias  # the name clients know: `from`, not `date_from`
    words = [w.upper() if w in _ACRONYMS else w for w in name.strip("_").split("_") if w]
    text = " ".join(words) or name
    return text[0].upper() + text[1:]


def _join(prefix: str, child: str) -> str:
    """`Last vendor` + `Vendor ID` -> `Last vendor ID`; `Last vendor` + `Name` -> `Last vendor
    name` (a word the prefix already ends with is not repeated)."""
    if not prefix:
        return child
    first, _, rest = child.partition(" ")
    if rest and prefix.split(" ")[-1].lower() == first.lower():
        child = rest
    elif child.split(" ")[0] not in {w.upper() for w in _ACRONYMS}:
        child = child[0].lower() + child[1:]
    return f"{prefix} {child}"


# ---- what a field's type is -------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """A field's type reduced to what the layout needs."""

    form: Literal["scalar", "object", "objects", "scalars", "object_map", "scalar_map"]
    kind: ColumnKind | Literal["decimal"] = "text"
    model: type[BaseModel] | None = None
    places: int | None = None
    """Places a money type (`Money`, `Quantity`) declares in its metadata, if any."""


def _strip(annotation: Any) -> tuple[Any, list[Any]]:
    """The annotation without `Annotated` and `| None`, and the metadata collected on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = annotation.__origin__
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation, metadata
            annotation = members[0]
        else:
            return annotation, metadata


def _scalar_kind(annotation: Any) -> ColumnKind | Literal["decimal"]:
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return "text"
        if issubclass(annotation, Decimal):
            return _DECIMAL
        if issubclass(annotation, enum.Enum):
            return "text"
        if issubclass(annotation, int):
            return "integer"
        if issubclass(annotation, dt.datetime):
            return "datetime"
        if issubclass(annotation, dt.date):
            return "date"
        if issubclass(annotation, dt.time):
            return "time"
    return "text"  # str, Literal, and unions of several types


def _declared_places(metadata: Iterable[Any]) -> int | None:
    for item in metadata:
        places = getattr(item, "decimal_places", None)
        if isinstance(places, int):
            return places
        for inner in getattr(item, "metadata", ()):
            places = getattr(inner, "decimal_places", None)
            if isinstance(places, int):
                return places
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _shape(annotation: Any) -> _Shape:
    bare, metadata = _strip(annotation)
    origin, args = typing.get_origin(bare), typing.get_args(bare)
    if _is_model(bare):
        return _Shape("object", model=bare)
    if origin in (list, tuple, set, frozenset) and args:
        item, _ = _strip(args[0])
        return _Shape("objects", model=item) if _is_model(item) else _Shape("scalars")
    if origin is dict and len(args) == 2:
        value, value_metadata = _strip(args[1])
        if _is_model(value):
            return _Shape("object_map", model=value)
        places = _declared_places(value_metadata)
        return _Shape("scalar_map", kind=_scalar_kind(value), places=places)
    return _Shape("scalar", kind=_scalar_kind(bare), places=_declared_places(metadata))


# ---- columns of a list's items ----------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    """A column before its kind is settled: where its values come from."""

    name: str
    heading: str
    kind: ColumnKind | Literal["decimal"]
    places: int | None
    read: Callable[[Any], Any]
    nested: bool = False
    """From an object inside the item (`last_vendor.name`), not the item's own field."""


def _reader(outer: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def read(item: Any) -> Any:
        parent = outer(item)
        return None if parent is None else getattr(parent, name, None)

    return read


def _identity(item: Any) -> Any:
    return item


def _leaves(
    model: type[BaseModel], prefix: str = "", outer: Callable[[Any], Any] = _identity
) -> list[_Leaf]:
    nested = bool(prefix)
    """The model's scalar fields, nested objects flattened; lists inside items are left out
    (a spreadsheet row holds one value per column)."""
    leaves: list[_Leaf] = []
    for name, info in model.model_fields.items():
        shape = _shape(info.annotation)
        title = _join(prefix, heading(name, info))
        read = _reader(outer, name)
        if shape.form == "scalar":
            leaves.append(_Leaf(name, title, shape.kind, shape.places, read, nested))
        elif shape.form == "scalars":
            leaves.append(_Leaf(name, title, "text", None, _joined(read), nested))
        elif shape.form == "object" and shape.model is not None:
            leaves.extend(_leaves(shape.model, title, read))
    return leaves


def _joined(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def join(item: Any) -> Any:
        values = read(item)
        return None if values is None else ", ".join(str(v) for v in values)

    return join


# ---- kinds and cells --------------------------------------------------------------------


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _settle(
    name: str,
    kind: ColumnKind | Literal["decimal"],
    places: int | None,
    values: Iterable[Any],
    kinds: Mapping[str, ColumnKind],
) -> ColumnKind:
    """The column's kind: the route's word first, then the type, then (decimals) the name
    and the values' places."""
    if name in kinds:
        return kinds[name]
    if kind != "decimal":
        return kind
    if places is not None:
        return "quantity" if places >= 3 else "money"
    if any(word in name for word in _QUANTITY_WORDS):
        return "quantity"
    if any(isinstance(v, Decimal) and _places(v) >= 3 for v in values):
        return "quantity"
    return "money"


def _cell(value: Any, tz: dt.tzinfo | None) -> Cell:
    if value is None or isinstance(value, Decimal | str | dt.date | dt.time):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            local = value.astimezone(tz) if tz is not None else value
            return local.replace(tzinfo=None)
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


@dataclass
class _Builder:
    kinds: Mapping[str, ColumnKind]
    tz: dt.tzinfo | None
    tables: list[Table] = field(default_factory=list)
    summary: list[tuple[str, BaseModel]] = field(default_factory=list)

    def table(
        self,
        title: str,
        leaves: list[_Leaf],
        items: list[Any],
        *,
        key: tuple[str, list[str]] | None = None,
    ) -> Table:
        """A table of `items`; `key` adds a first text column (its heading, one text per item)."""
        columns: list[Column] = []
        raw: list[list[Any]] = []
        for leaf in leaves:
            values = [leaf.read(item) for item in items]
            kind = _settle(leaf.name, leaf.kind, leaf.places, values, self.kinds)
            columns.append(Column(leaf.heading, kind))
            raw.append(values)
        if key is not None:
            columns.insert(0, Column(key[0], "text"))
            raw.insert(0, key[1])
        rows = [[_cell(column[i], self.tz) for column in raw] for i in range(len(items))]
        return Table(title, columns, rows)


def _summary_rows(label: str, obj: BaseModel, out: list[tuple[str, BaseModel]]) -> None:
    """A row per object holding scalar figures: `output.invoices` -> `Output invoices`."""
    fields = type(obj).model_fields
    if any(_shape(info.annotation).form == "scalar" for info in fields.values()):
        out.append((label, obj))
    for name, info in fields.items():
        if _shape(info.annotation).form == "object":
            child = getattr(obj, name)
            if child is not None:
                _summary_rows(_join(label, heading(name, info)), child, out)


def _summary_table(builder: _Builder) -> Table | None:
    if not builder.summary:
        return None
    leaves: dict[str, _Leaf] = {}
    for _, obj in builder.summary:
        for name, info in type(obj).model_fields.items():
            shape = _shape(info.annotation)
            if shape.form == "scalar" and name not in leaves:
                leaves[name] = _Leaf(
                    name, heading(name, info), shape.kind, shape.places, _reader(_identity, name)
                )
    labels = [label for label, _ in builder.summary]
    objects = [obj for _, obj in builder.summary]
    return builder.table("Summary", list(leaves.values()), objects, key=("Item", labels))


def _map_key_heading(name: str) -> str:
    """`totals_by_mode` -> `Mode`: what the keys of a dict are."""
    _, by, what = name.rpartition("_by_")
    return heading(what) if by else "Key"


def _totals_row(table: Table, leaves: list[_Leaf], totals: BaseModel) -> list[Cell] | None:
    """The Totals row under `table` when every figure of `totals` has a column there; the
    word Totals goes in the first text column that holds no figure (`Period`, `Key`)."""
    names = {leaf.name: index for index, leaf in enumerate(leaves) if not leaf.nested}
    figures = type(totals).model_fields
    if not figures or any(name not in names for name in figures):
        return None
    taken = {names[name] for name in figures}
    free = [
        index
        for index, column in enumerate(table.columns)
        if column.kind == "text" and index not in taken
    ]
    if not free:
        return None
    row: list[Cell] = [None] * len(table.columns)
    row[free[0]] = "Totals"
    for name in figures:
        row[names[name]] = _cell(getattr(totals, name), None)
    return row


def _with_totals_kinds(table: Table, row: list[Cell]) -> Table:
    """Kinds settled from the rows and the totals together (an empty table's columns take the
    totals' places)."""
    columns = [
        Column(c.heading, "quantity")
        if c.kind == "money" and isinstance(v, Decimal) and _places(v) >= 3
        else c
        for c, v in zip(table.columns, row, strict=True)
    ]
    return Table(table.title, columns, table.rows, row)


def layout(
    report: BaseModel,
    *,
    kinds: Mapping[str, ColumnKind] | None = None,
    tz: dt.tzinfo | None = None,
) -> Layout:
    """Lay out any report model (see the module's rules); `tz` is the shop's time zone, into
    which aware datetimes are turned (spreadsheets have no time zones)."""
    builder = _Builder(kinds or {}, tz)
    header: list[HeaderItem] = []
    main: tuple[int, list[_Leaf]] | None = None
    totals: tuple[str, BaseModel] | None = None
    for name, info in type(report).model_fields.items():
        value = getattr(report, name)
        shape = _shape(info.annotation)
        title = heading(name, info)
        if shape.form == "scalar":
            kind = _settle(name, shape.kind, shape.places, [value], builder.kinds)
            header.append(HeaderItem(title, _cell(value, tz), kind))
        elif shape.form == "scalars":
            joined = "" if value is None else ", ".join(str(v) for v in value)
            header.append(HeaderItem(title, joined, "text"))
        elif shape.form == "objects" and shape.model is not None:
            leaves = _leaves(shape.model)
            builder.tables.append(builder.table(title, leaves, list(value or [])))
            if main is None:
                main = (len(builder.tables) - 1, leaves)
        elif shape.form == "object":
            if value is None:
                continue
            if name == "totals":
                totals = (title, value)
            else:
                _summary_rows(title, value, builder.summary)
        elif shape.form == "object_map" and shape.model is not None:
            keys = [str(k) for k in (value or {})]
            items = list((value or {}).values())
            key = (_map_key_heading(name), keys)
            builder.tables.append(builder.table(title, _leaves(shape.model), items, key=key))
        elif shape.form == "scalar_map":
            entries = list((value or {}).items())
            leaf = _Leaf(name, "Value", shape.kind, shape.places, lambda pair: pair[1])
            key = (_map_key_heading(name), [str(k) for k, _ in entries])
            builder.tables.append(builder.table(title, [leaf], entries, key=key))
    if totals is not None:
        row = None
        if main is not None:
            index, leaves = main
            row = _totals_row(builder.tables[index], leaves, totals[1])
            if row is not None:
                builder.tables[index] = _with_totals_kinds(builder.tables[index], row)
        if row is None:
            builder.summary.append(totals)
    summary = _summary_table(builder)
    tables = builder.tables if summary is None else [summary, *builder.tables]
    return Layout(header, tables)


def date_text(day: dt.date) -> str:
    """dd-mm-yyyy, as dates are written in India."""
    return day.strftime("%d-%m-%Y")


_RISKY_START = re.compile(r"^[=+\-@\t\r]")


def is_risky(text: str) -> bool:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(A1)`, `-2+3`)."""
    return bool(_RISKY_START.match(text))
