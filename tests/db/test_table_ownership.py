"""Each table is written only by its owning domain (app.db.ownership), in SQL and in the ORM.

Every SQL statement in `app/` is parsed with pglast (PostgreSQL's own parser): string constants
in the source (module constants, `text()` calls), the statements modules build at import
(`Sql` objects, `text()` clauses), and the `.sql` sources of database functions (their
PL/pgSQL bodies included). Every INSERT, UPDATE, DELETE and MERGE target must be owned by the
package of the module (or the `sql/` folder) that holds the statement: a function writing
several domains' tables calls their owners' functions. ORM writes (`insert(Model)`, `update(Model)`,
`delete(Model)`, `session.add(Model(...))`, `add_all`) are checked the same way, statically.
"""

import ast
import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pglast
import pytest
from pglast import ast as pg
from pglast.stream import RawStream
from sqlalchemy.sql.elements import TextClause

import app
from app.db import ownership
from app.db.sql import Sql
from app.models import Base

APP = Path(app.__file__).parent
_WRITES = re.compile(
    r"\b(INSERT\s+INTO|DELETE\s+FROM|MERGE\s+INTO|UPDATE\s+\"?\w+\"?(\s+(AS\s+)?\w+)?\s+SET)\b"
)


@dataclass(frozen=True)
class Write:
    where: str
    package: str
    table: str
    columns: frozenset[str] | None

    def allowed(self) -> bool:
        return ownership.may_write(self.package, self.table, self.columns)

    def __str__(self) -> str:
        columns = f" ({', '.join(sorted(self.columns))})" if self.columns else ""
        return f"{self.where}: {self.package} writes {self.table}{columns}"


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _parseable(sql: str) -> str:
    """Named parameters (ours and SQLAlchemy's) as `$1`, which PostgreSQL's parser reads: one
    number for every name, so a fragment reads the same wherever it is composed."""
    return re.sub(r"\$[0-9]+", "$1", Sql(sql).text)


def _deparse(node: Any) -> str:
    return str(RawStream()(node))


def _targets(node: Any) -> Iterator[tuple[str, frozenset[str] | None]]:
    """(table, columns set by an UPDATE) of every write in `node`."""
    if isinstance(node, pg.InsertStmt | pg.DeleteStmt | pg.MergeStmt):
        yield node.relation.relname, None
    elif isinstance(node, pg.UpdateStmt):
        columns = frozenset(target.name for target in node.targetList or ())
        yield node.relation.relname, columns
    elif isinstance(node, pg.CreateFunctionStmt):
        yield from _function_targets(node)
    if isinstance(node, pg.Node):
        for name in node.__slots__:
            yield from _targets(getattr(node, name))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _targets(item)


def _function_targets(node: pg.CreateFunctionStmt) -> Iterator[tuple[str, frozenset[str] | None]]:
    options = {o.defname: o.arg for o in node.options or ()}
    language = options.get("language")
    body = options.get("as")
    if body is None:
        return
    source = body[0].sval
    if language is not None and language.sval == "plpgsql":
        tree = json.loads(pglast.parser.parse_plpgsql_json(_deparse(node)))
        for query in _plpgsql_queries(tree):
            for statement in pglast.parse_sql(query):
                yield from _targets(statement.stmt)
    else:
        for statement in pglast.parse_sql(source):
            yield from _targets(statement.stmt)


def _plpgsql_queries(tree: Any) -> Iterator[str]:
    """The SQL of every statement and expression in a parsed PL/pgSQL function."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "query" and isinstance(value, str):
                if _WRITES.search(value):  # not an expression such as `NULL`
                    yield value
            else:
                yield from _plpgsql_queries(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _plpgsql_queries(item)


def sql_writes(sql: str, where: str, package: str) -> list[Write]:
    """The writes of a SQL text (one or several statements); it must parse."""
    writes = []
    for statement in pglast.parse_sql(_parseable(sql)):
        for table, columns in _targets(statement.stmt):
            writes.append(Write(where, package, table, columns))
    return writes


def _modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages([str(APP)], prefix="app.")
        if not info.name.startswith("app.main")
    ] + ["app.main"]


def _constants_with_writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """String constants that look like SQL writes (not the pieces of an f-string)."""
    inside_fstrings = {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for value in node.values
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings
            and _WRITES.search(node.value)
        ):
            yield node.lineno, node.value


_TABLES = {mapper.class_.__name__: mapper.local_table.name for mapper in Base.registry.mappers}


def _model_table(node: ast.expr | None, made: dict[str, str]) -> str | None:
    """The table of a model class, a model instance `Model(...)`, or a name bound to one."""
    if isinstance(node, ast.Name):
        return _TABLES.get(node.id) or made.get(node.id)
    if isinstance(node, ast.Attribute):
        return _TABLES.get(node.attr)
    if isinstance(node, ast.Call):
        return _model_table(node.func, made) if isinstance(node.func, ast.Name) else None
    return None


def orm_writes(tree: ast.AST, where: str, package: str) -> Iterator[Write]:
    """ORM writes found statically: insert/update/delete(Model), session.add(Model(...))."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        made = {
            target.id: table
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and (table := _model_table(node.value, {})) is not None
            and isinstance(node.value, ast.Call)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        set_columns = {
            id(inner): frozenset(k.arg for k in node.keywords if k.arg)
            for node in ast.walk(function)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "values"
            and not any(k.arg is None for k in node.keywords)
            for inner in ast.walk(node.func.value)
        }
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            found: list[str | None] = []
            if name in ("insert", "update", "delete") and isinstance(node.func, ast.Name):
                found = [_model_table(first, {})]
            elif name == "add" and isinstance(node.func, ast.Attribute):
                found = [_model_table(first, made)]
            elif name == "add_all" and isinstance(node.func, ast.Attribute):
                items = first.elts if isinstance(first, ast.List | ast.Tuple) else [first]
                if isinstance(first, ast.ListComp | ast.GeneratorExp):
                    items = [first.elt]
                found = [_model_table(item, made) for item in items]
            columns = set_columns.get(id(node)) if name == "update" else None
            for table in found:
                if table is not None:
                    yield Write(f"{where}:{node.lineno}", package, table, columns)


def all_writes() -> list[Write]:
    built: list[tuple[str, str]] = []
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for attribute, value in vars(module).items():
            if isinstance(value, Sql) and _WRITES.search(value.source):
                built.append((f"{module_name}.{attribute}", value.source))
            elif isinstance(value, TextClause) and _WRITES.search(value.text):
                built.append((f"{module_name}.{attribute}", value.text))

    writes: list[Write] = []
    for where, sql in built:
        writes += sql_writes(sql, where, package_of(where))
    for path in sorted(APP.rglob("*.py")):
        module_name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(), str(path))
        where = str(path.relative_to(APP.parent))
        for line, sql in _constants_with_writes(tree):
            writes += sql_writes(sql, f"{where}:{line}", package_of(module_name))
        writes += orm_writes(tree, where, package_of(module_name))
    for path in sorted(APP.rglob("*.sql")):
        module_name = ".".join(path.relative_to(APP.parent).parent.parts)
        writes += sql_writes(
            path.read_text(), str(path.relative_to(APP.parent)), package_of(module_name)
        )
    return writes


def test_every_table_has_one_owner() -> None:
    tables = set(Base.metadata.tables)
    assert set(ownership.OWNERS) == tables


def test_every_table_is_written_only_by_its_owner() -> None:
    writes = all_writes()
    assert {w.table for w in writes} >= {"sales", "stock_movements", "idempotency_keys"}
    assert [str(w) for w in writes if not w.allowed()] == []


# The checker itself: a statement writing another domain's table is caught, however written.
_BAD_MODULE = '''
from sqlalchemy import insert, text
from app.models import StockMovement, Customer

_TAKE = """
WITH gone AS (
    UPDATE products SET quantity = quantity - :q, name = 'x' WHERE id = :id RETURNING id
)
INSERT INTO stock_movements (product_id, quantity) SELECT id, :q FROM gone
"""
_OPT_OUT = text("UPDATE customers SET opted_out = true WHERE id = :id")


async def write(session) -> None:
    await session.execute(insert(StockMovement).values(quantity=1))
    customer = Customer(name="x")
    session.add(customer)
'''


def test_the_checker_catches_a_sale_writing_other_domains_tables() -> None:
    tree = ast.parse(_BAD_MODULE)
    writes = [
        w
        for line, sql in _constants_with_writes(tree)
        for w in sql_writes(sql, f"bad:{line}", "app.sales")
    ] + list(orm_writes(tree, "bad", "app.sales"))
    refused = sorted({(w.table, w.columns) for w in writes if not w.allowed()}, key=str)
    assert refused == [
        ("customers", None),
        ("customers", frozenset({"opted_out"})),
        ("products", frozenset({"name", "quantity"})),
        ("stock_movements", None),
    ]


def test_the_checker_reads_writes_inside_plpgsql_functions() -> None:
    source = """
    CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        INSERT INTO daily_sales (shop_id) SELECT shop_id FROM new_rows;
        RETURN NULL;
    END
    $fn$
    """
    assert [w.table for w in sql_writes(source, "f", "app.sales")] == ["daily_sales"]


@pytest.mark.parametrize("sql", ["UPDATE idempotency_keys SET x = 1 WHERE"])
def test_a_write_that_does_not_parse_fails_loudly(sql: str) -> None:
    with pytest.raises(pglast.parser.ParseError):
        sql_writes(sql, "broken", "app.sales")


# One transaction owner (docs/architecture.md rule 1): only app.db.session begins and ends them.
TRANSACTION_OWNER = APP / "db" / "session.py"
_TRANSACTION_WORD = re.compile(r"\b(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|END)\b", re.I)


def transaction_statements(source: str, where: str) -> list[str]:
    """Where SQL in a module's string constants begins, commits or rolls back a transaction,
    and where it calls `.commit()` / `.rollback()`."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not _TRANSACTION_WORD.search(node.value):
                continue
            try:
                statements = pglast.parse_sql(_parseable(node.value))
            except pglast.parser.ParseError:
                continue  # prose, or a PL/pgSQL block's BEGIN ... END
            if any(isinstance(s.stmt, pg.TransactionStmt) for s in statements):
                found.append(f"{where}:{node.lineno}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")
        ):
            found.append(f"{where}:{node.lineno}")
    return found


def test_only_the_transaction_owner_begins_and_commits() -> None:
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path != TRANSACTION_OWNER:
            found += transaction_statements(path.read_text(), str(path.relative_to(APP.parent)))
    assert found == []
    owner = transaction_statements(TRANSACTION_OWNER.read_text(), "owner")
    assert owner, "the owner itself issues them"


def test_the_transaction_check_catches_a_repository_that_commits() -> None:
    bad = '_NUMBER = "UPDATE sales SET bill_no = 1; COMMIT;"\nawait session.commit()\n'
    assert transaction_statements(bad, "bad") == ["bad:1", "bad:2"]
