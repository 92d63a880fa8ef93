"""The rows of a CSV or XLSX file, streamed: (row number as the spreadsheet shows it, cells).

The header row is the first non-empty row; blank rows are skipped; every cell is text
(`Row.cells`: heading -> text, blanks left out). Nothing is loaded whole: CSV goes through
the csv module over a text stream, XLSX through openpyxl's read-only rows.

What the file is comes from its first bytes, not its name: a zip is a workbook; text is
CSV in UTF-8 (with or without BOM), UTF-16 with a BOM, or else Windows-1252 (what Excel
writes on Indian Windows PCs); anything else is refused with a `FileProblem` saying what
was found. A workbook is checked for a zip bomb before openpyxl opens it: the uncompressed
sizes in the zip's directory must add up to at most `MAX_UNCOMPRESSED`.
"""

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

MAX_UNCOMPRESSED = 512 * 1024 * 1024
"""Bytes a workbook may unpack to: far above any shop's catalogue, far below a bomb."""
MAX_CELL_CHARACTERS = 10_000
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, for the shop."""


@dataclass(frozen=True)
class Row:
    number: int
    """The row's number as the spreadsheet shows it (1 is the first line of the file)."""
    cells: dict[str, str]
    """Heading -> the cell's text, stripped; empty cells left out."""


@dataclass(frozen=True)
class Sheet:
    """An opened file: its headings, an estimate of its rows (for a progress bar) and rows."""

    kind: str
    """`csv` or `xlsx`."""
    encoding: str | None
    headings: list[str]
    header_row: int
    estimated_rows: int | None
    rows: Iterator[Row]


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a shop would have typed.

    Numbers are written without exponent or a trailing `.0`: a barcode in a number cell
    (8901234567890.0) reads `8901234567890`. A number cell is a binary double; a computed
    one carries noise (`=0.1+0.2` is 0.30000000000000004), so it is read at the 15
    significant digits a spreadsheet shows at most, as text, never through arithmetic.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return format(Decimal(value), "f")
    if isinstance(value, float):
        text = format(Decimal(format(value, ".15g")), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _headings(values: list[str], row_number: int) -> list[str]:
    """The header row's headings; the same heading twice is refused (which one would count?)."""
    seen: dict[str, int] = {}
    headings = []
    for index, value in enumerate(values):
        heading = " ".join(value.split())
        if heading:
            key = heading.casefold()
            if key in seen:
                # Imported here: openpyxl loads with the first workbook, not every API worker.
                from openpyxl.utils import get_column_letter

                raise FileProblem(
                    f"Row {row_number}: the heading '{heading}' appears twice (columns "
                    f"{get_column_letter(seen[key] + 1)} and {get_column_letter(index + 1)})"
                )
            seen[key] = index
        headings.append(heading)
    return headings


def _rows_of(
    records: Iterator[tuple[int, list[str]]],
) -> tuple[list[str], int, Iterator[Row]]:
    """Split (number, cell texts) records into the header row and the data rows."""
    for number, values in records:
        if any(value.strip() for value in values):
            headings = _headings(values, number)
            break
    else:
        raise FileProblem("The file has no rows: not even a heading row")

    def data() -> Iterator[Row]:
        for row_number, cells in records:
            texts = {
                heading: cell.strip()
                for heading, cell in zip(headings, cells, strict=False)
                if heading and cell.strip()
            }
            if texts:
                for heading, text in texts.items():
                    if len(text) > MAX_CELL_CHARACTERS:
                        raise FileProblem(
                            f"Row {row_number}, column '{heading}': a cell of {len(text):,} "
                            f"characters (at most {MAX_CELL_CHARACTERS:,})"
                        )
                yield Row(row_number, texts)

    return headings, number, data()


# ---- what kind of file --------------------------------------------------------------------

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_KNOWN_BINARIES = {
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook: save it as .xlsx or CSV and try again",
    b"%PDF": "a PDF: export the catalogue as CSV or XLSX instead",
    b"\x89PNG": "a PNG image, not a spreadsheet",
    b"\xff\xd8\xff": "a JPEG image, not a spreadsheet",
    b"\x1f\x8b": "a gzip archive: unpack it first",
    b"Rar!": "a RAR archive: unpack it first",
}


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    for magic, what in _KNOWN_BINARIES.items():
        if head.startswith(magic):
            raise FileProblem(f"{path.name} is {what}")
    return "csv"


def _valid_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8, checked in chunks (never loaded whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text_encoding(path: Path, head: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252; binary data is refused."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    if b"\x00" in head:
        raise FileProblem(
            f"{path.name} is not a CSV or XLSX file (it holds binary data; "
            "UTF-16 text needs a byte order mark)"
        )
    if _valid_utf8(path):
        return "utf-8"
    return "cp1252"


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


def _delimiter(sample: str) -> str:
    """The separator the heading line uses most: `,` (also the default), `;`, tab or `|`.

    (Europe-set Excel writes `;`; some billing apps export tab-separated text as `.csv`.)
    """
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in ",;\t|"}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


# ---- CSV ------------------------------------------------------------------------------------


def _csv_records(stream: IO[str], delimiter: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"Row {number + 1}: the text is not valid {encoding} ({exc.reason})"
        ) from exc
    except csv.Error as exc:
        raise FileProblem(f"Row {number + 1}: the CSV cannot be read ({exc})") from exc


def _cp1252_check(path: Path) -> None:
    """Windows-1252 leaves five bytes undefined: a file with them is no text we know."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"{path.name} is not text in UTF-8, UTF-16 or Windows-1252 "
                "(save it from the spreadsheet as 'CSV UTF-8')"
            ) from exc


@contextmanager
def _open_csv(path: Path, head: bytes) -> Iterator[Sheet]:
    encoding = _text_encoding(path, head)
    if encoding == "cp1252":
        _cp1252_check(path)
    with path.open(encoding=encoding, newline="") as stream:
        try:
            sample = stream.read(_SNIFF_BYTES)
        except UnicodeDecodeError as exc:
            raise FileProblem(f"{path.name} is not valid {encoding} text ({exc.reason})") from exc
        stream.seek(0)
        headings, header_row, rows = _rows_of(_csv_records(stream, _delimiter(sample), encoding))
        yield Sheet(
            "csv", encoding, headings, header_row, max(_line_count(path) - header_row, 0), rows
        )


# ---- XLSX -----------------------------------------------------------------------------------


def _check_zip(path: Path, limit: int) -> None:
    """Refuse a zip that is no workbook, or one that unpacks to more than `limit` bytes."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(f"{path.name} looks like a zip but cannot be opened ({exc})") from exc
    total = sum(member.file_size for member in members)
    if total > limit:
        raise FileProblem(
            f"{path.name} would unpack to {total:,} bytes (at most {limit:,}): refused"
        )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileProblem(f"{path.name} is a zip archive, not an XLSX workbook")


def _xlsx_records(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[str]]]:
    # Read-only rows come one per sheet row, the empty ones included, from row 1.
    for number, values in enumerate(rows, start=1):
        yield number, [_cell_text(value) for value in values]


@contextmanager
def _open_xlsx(path: Path, limit: int) -> Iterator[Sheet]:
    _check_zip(path, limit)
    # openpyxl (about 24 MB) is loaded by the first workbook read, not by every API worker
    # (the upload's header check reads CSV without it).
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        estimated = sheet.max_row if isinstance(sheet.max_row, int) else None
        sheet.reset_dimensions()  # some exporters write a wrong size; read every row there is
        headings, header_row, rows = _rows_of(_xlsx_records(sheet.iter_rows(values_only=True)))
        if estimated is not None:
            estimated = max(estimated - header_row, 0)
        yield Sheet("xlsx", None, headings, header_row, estimated, _guarded(rows, path))
    finally:
        workbook.close()


def _guarded(rows: Iterator[Row], path: Path) -> Iterator[Row]:
    """A workbook damaged further in fails while rows are read: that too is a `FileProblem`."""
    try:
        yield from rows
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem(f"{path.name}: the workbook is damaged ({exc})") from exc


@contextmanager
def open_sheet(path: Path, *, max_uncompressed: int = MAX_UNCOMPRESSED) -> Iterator[Sheet]:
    """Open a CSV or XLSX file for reading its rows; raises `FileProblem` with the reason."""
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except FileNotFoundError as exc:
        raise FileProblem(f"No file at {path}") from exc
    except IsADirectoryError as exc:
        raise FileProblem(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise FileProblem(f"{path} cannot be read ({exc.strerror})") from exc
    if not head:
        raise FileProblem(f"{path.name} is empty")
    kind = _kind(path, head)
    opened = _open_xlsx(path, max_uncompressed) if kind == "xlsx" else _open_csv(path, head)
    with opened as sheet:
        yield sheet
