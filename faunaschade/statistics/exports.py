"""CSV and XLSX exports: machine-readable headers (codes), amounts as plain decimals with a dot;
and CSV for Dutch Excel (``DUTCH_EXCEL``): `;` between fields, decimal comma, UTF-8 with BOM.

CSV is produced as a stream of text chunks, so an export of any size runs in constant memory.
XLSX is written by openpyxl in write-only mode (rows go straight to temporary files) and sent
once finished, because a ZIP container cannot be streamed before it is complete. openpyxl
(with lxml, about 0.1 s of imports) is imported by the XLSX export itself, not with the app.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CsvFlavour:
    """How a CSV file separates fields and writes numbers."""

    delimiter: str  #: Between fields.
    decimal: str  #: Decimal separator of amounts and fractions.
    bom: bool  #: Starts with U+FEFF, the byte-order mark.


#: For programs: commas, a decimal dot, no BOM.
PLAIN = CsvFlavour(",", ".", bom=False)
#: For people opening the file in Excel with Dutch settings: there the comma is the decimal
#: separator and the list separator is `;`, and without a BOM Excel reads the bytes as
#: Windows-1252 (Fryslân becomes FryslÃ¢n).
DUTCH_EXCEL = CsvFlavour(";", ",", bom=True)


def text_value(value: Any, decimal: str = ".") -> str:
    """One CSV field: amounts `1234.50` (or `1234,50`), dates ISO, None empty, formulas
    neutralised."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", decimal)
    if isinstance(value, float):
        return str(value).replace(".", decimal)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], flavour: CsvFlavour = PLAIN
) -> Iterator[str]:
    """The CSV text in chunks of about 64 KB: header first, one line per row."""
    buffer = io.StringIO()
    if flavour.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=flavour.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([text_value(value, flavour.decimal) for value in row])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(sheet: Any, value: Any, cell_type: type) -> Any:
    # cell_type: openpyxl's WriteOnlyCell, handed in by xlsx_bytes (which imports openpyxl).
    if isinstance(value, Decimal):
        cell = cell_type(sheet, value=value)
        cell.number_format = "0.00"
        return cell
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: write the UTC moment as ISO text, unambiguous.
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        return cell
    return value


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows); rows are spooled to disk while
    written, only the compressed result is held in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        return out.read()
