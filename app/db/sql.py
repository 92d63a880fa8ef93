"""SQL with named parameters (`:quantity`), compiled once to asyncpg's `$n`.

A statement is written with names, never with hand-counted positions: `Sql(text)` finds its
`:name` parameters once, at import, and `.args(**values)` lays the values out in `$n` order,
refusing a missing or an unknown name. `::casts`, string literals, quoted identifiers,
dollar-quoted bodies and comments are left alone.

This module holds text only: no I/O, no rules.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def _code_spans(source: str) -> Iterator[tuple[int, int, bool]]:
    """Split `source` into (start, end, is_code) spans: code, or a literal/identifier/comment."""
    i, n, start = 0, len(source), 0
    while i < n:
        c = source[i]
        end = -1
        if c == "'":
            j = i + 1
            escapes = i > 0 and source[i - 1] in "eE"
            while j < n:
                if escapes and source[j] == "\\":
                    j += 2
                    continue
                if source[j] == "'":
                    if j + 1 < n and source[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            end = j + 1
        elif c == '"':
            j = source.find('"', i + 1)
            while j != -1 and j + 1 < n and source[j + 1] == '"':
                j = source.find('"', j + 2)
            end = n if j == -1 else j + 1
        elif c == "-" and source.startswith("--", i):
            j = source.find("\n", i)
            end = n if j == -1 else j
        elif c == "/" and source.startswith("/*", i):
            j = source.find("*/", i + 2)
            end = n if j == -1 else j + 2
        elif c == "$":
            tag = _DOLLAR_TAG.match(source, i)
            follows_word = i > 0 and (source[i - 1].isalnum() or source[i - 1] == "_")
            if tag is not None and not follows_word:
                j = source.find(tag.group(0), tag.end())
                end = n if j == -1 else j + len(tag.group(0))
        if end == -1:
            i += 1
            continue
        if start < i:
            yield start, i, True
        yield i, end, False
        i = start = end
    if start < n:
        yield start, n, True


def _parameters(source: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of every `:name` parameter outside literals, comments and casts."""
    for start, end, is_code in _code_spans(source):
        if not is_code:
            continue
        i = start
        while True:
            i = source.find(":", i, end)
            if i == -1:
                break
            if source.startswith("::", i):
                i += 2
                continue
            if i > 0 and source[i - 1] == ":":
                i += 1
                continue
            match = _NAME.match(source, i + 1)
            if match is None or match.end() > end:
                i += 1
                continue
            yield i, match.end(), match.group(0)
            i = match.end()


def split_statements(source: str) -> list[str]:
    """The statements of a script, split at its top-level semicolons (not inside bodies)."""
    statements, begin = [], 0
    for start, end, is_code in _code_spans(source):
        if not is_code:
            continue
        i = source.find(";", start, end)
        while i != -1:
            statements.append(source[begin:i])
            begin = i + 1
            i = source.find(";", begin, end)
    statements.append(source[begin:])
    return [s.strip() for s in statements if s.strip()]


class Sql:
    """A statement with `:name` parameters, compiled to `$n` once.

    `text` is what the driver receives; `names` the parameters in `$n` order (a name used
    twice is one parameter).
    """

    __slots__ = ("_pieces", "names", "source", "text")

    def __init__(self, source: str) -> None:
        names: list[str] = []
        pieces: list[str] = []
        uses: list[int] = []
        last = 0
        for start, end, name in _parameters(source):
            if name not in names:
                names.append(name)
            pieces.append(source[last:start])
            uses.append(names.index(name))
            last = end
        pieces.append(source[last:])
        self.source = source
        self.names: tuple[str, ...] = tuple(names)
        self.text = "".join(
            piece + (f"${uses[i] + 1}" if i < len(uses) else "") for i, piece in enumerate(pieces)
        )
        self._pieces = (tuple(pieces), tuple(uses))

    def bind(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The values in `$n` order; a missing or an unknown name is an error."""
        missing = [name for name in self.names if name not in values]
        unknown = [name for name in values if name not in self.names]
        if missing or unknown:
            raise TypeError(f"SQL parameters: missing {missing}, unknown {unknown}")
        return tuple(values[name] for name in self.names)

    def args(self, **values: Any) -> tuple[Any, ...]:
        return self.bind(values)

    def inline(self, **values: int | str | None) -> str:
        """The statement with its values written in as literals, for a simple-query batch
        (which takes no parameters). Only integers, NULL and text (quoted) are accepted."""
        literals = [_literal(value) for value in self.bind(values)]
        pieces, uses = self._pieces
        out = [pieces[0]]
        for index, piece in zip(uses, pieces[1:], strict=True):
            out += [literals[index], piece]
        return "".join(out)

    def __repr__(self) -> str:
        return f"Sql({self.names!r})"


def _literal(value: int | str | None) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"cannot write {type(value).__name__} into a simple-query batch")
    if isinstance(value, int):
        return str(int(value))
    if "\x00" in value:
        raise ValueError("text with a NUL byte")
    return "'" + value.replace("'", "''") + "'"
