"""Rows of CSV and XLSX files, with the row numbers a spreadsheet shows; malformed files."""

import codecs
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.imports.reading import FileProblem, Row, open_sheet


def _rows(path: Path, **options: int) -> tuple[list[str], list[Row]]:
    with open_sheet(path, **options) as sheet:
        return sheet.headings, list(sheet.rows)


CATALOGUE = 'नाम,MRP,Qty\nपारले जी बिस्कुट,"1,250.00",10\n\n  ,  ,\nTata Salt 1kg,28,5\n'


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_csv_in_every_unicode_encoding_excel_writes(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_bytes(prefix + CATALOGUE.encode(encoding))
    headings, rows = _rows(path)
    assert headings == ["नाम", "MRP", "Qty"]
    # Blank rows are skipped but still counted: row numbers are the spreadsheet's.
    assert rows == [
        Row(2, {"नाम": "पारले जी बिस्कुट", "MRP": "1,250.00", "Qty": "10"}),
        Row(5, {"नाम": "Tata Salt 1kg", "MRP": "28", "Qty": "5"}),
    ]


def test_windows_1252_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("Item Name;Rate\r\nCafé Coffee 50g;Rs. 45\r\n".encode("cp1252"))
    with open_sheet(path) as sheet:
        assert sheet.encoding == "cp1252"
        assert list(sheet.rows) == [Row(2, {"Item Name": "Café Coffee 50g", "Rate": "Rs. 45"})]


def test_header_row_is_the_first_non_empty_one_and_tabs_work(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("\n\t\t\nProduct\tPrice\tRemarks\nSugar\t44\t\n", encoding="utf-8")
    with open_sheet(path) as sheet:
        assert sheet.header_row == 3
        assert list(sheet.rows) == [Row(4, {"Product": "Sugar", "Price": "44"})]


def test_the_same_heading_twice_is_refused_with_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Item,Qty,MRP,qty\nSalt,1,2,3\n", encoding="utf-8")
    with pytest.raises(FileProblem, match=r"heading 'qty' appears twice \(columns B and D\)"):
        _rows(path)


def test_xlsx_number_cells_read_as_the_digits_shown(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Item Name", "Sale Price", "Stock", "Barcode", "HSN"])
    sheet.append(["आशीर्वाद आटा 5kg", 245.5, 12, 8901234567890, 1101])
    sheet.append([])
    sheet.append(["Surf Excel", 120, 2.5, 8901030865278.0, None])
    sheet.append(["Vim Bar", 0.1 + 0.2, 40.000000000000004, "", 3402])  # computed cells
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    headings, rows = _rows(path)
    assert headings == ["Item Name", "Sale Price", "Stock", "Barcode", "HSN"]
    assert rows == [
        Row(
            2,
            {
                "Item Name": "आशीर्वाद आटा 5kg",
                "Sale Price": "245.5",
                "Stock": "12",
                "Barcode": "8901234567890",
                "HSN": "1101",
            },
        ),
        Row(
            4,
            {
                "Item Name": "Surf Excel",
                "Sale Price": "120",
                "Stock": "2.5",
                "Barcode": "8901030865278",
            },
        ),
        Row(5, {"Item Name": "Vim Bar", "Sale Price": "0.3", "Stock": "40", "HSN": "3402"}),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x01\x02binary\x00" * 20, "not a CSV or XLSX file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel \.xls"),
        (b"%PDF-1.7\n", "a PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"Name,Rate\nSalt,\x81\x8d\n", "not text in UTF-8, UTF-16 or Windows-1252"),
        (b"", "is empty"),
        (b"\n\n , \n", "no rows"),
    ],
)
def test_malformed_files_are_clear_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=reason):
        _rows(path)


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="No file at"):
        _rows(tmp_path / "nahin-hai.csv")
    with pytest.raises(FileProblem, match="is a folder"):
        _rows(tmp_path)


def test_a_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "hello")
    with pytest.raises(FileProblem, match="a zip archive, not an XLSX workbook"):
        _rows(path)


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)  # ~5 KB compressed
    assert path.stat().st_size < 100_000
    with pytest.raises(FileProblem, match=r"would unpack to 5,000,\d+ bytes \(at most 1,000,000\)"):
        _rows(path, max_uncompressed=1_000_000)


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    with pytest.raises(FileProblem, match="not a readable XLSX workbook"):
        _rows(path)


def test_a_bad_byte_half_way_through_names_its_row(tmp_path: Path) -> None:
    """UTF-16 is decoded while rows are read: damage further in is a row's problem."""
    path = tmp_path / "cut.csv"
    rows = "".join(f"Namkeen {n},{n}\n" for n in range(10_000))  # beyond the first look
    text = "Item,Rate\n" + rows
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le") + b"\x00\xd8")
    with (
        open_sheet(path) as sheet,
        pytest.raises(FileProblem, match=r"Row 10002: .*not valid utf-16"),
    ):
        list(sheet.rows)
