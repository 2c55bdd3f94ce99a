"""Text cells of the spreadsheets and CSV files Landstock writes, and reads back.

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken for a
formula by spreadsheet programs (CSV injection): as OWASP advises, such a cell is written behind
a single quote (text that already began with quotes before a leader gets one more), and XLSX
text cells are always plain strings. Characters a workbook cannot hold (XML 1.0 control
characters, U+FFFE, U+FFFF) are dropped, in CSV too, rather than failing the whole file, and an
XLSX cell keeps at most the 32,767 characters Excel shows. Landstock's importers take one quote
off again (`unescape_frame`), so its own exports import back to the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

LEADERS = "=+-@\t\r"
QUOTE = "'"
XLSX_MAX_CHARS = 32_767
ILLEGAL = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ufffe\uffff]")
_LEADER = f"[{re.escape(LEADERS)}]"
# Text already quoted before a leader gets one quote more, so that taking one off gives it back
_NEEDS_QUOTE = re.compile(f"{QUOTE}*{_LEADER}")
_ESCAPED = re.compile(f"{QUOTE}+{_LEADER}")


def escape(text: str) -> str:
    """`text` fit for a cell: illegal characters dropped, a formula leader behind a quote."""
    text = ILLEGAL.sub("", text)
    return QUOTE + text if _NEEDS_QUOTE.match(text) else text


def unescape(text: str) -> str:
    """`text` as it was before `escape` quoted a formula leader."""
    return text[1:] if _ESCAPED.match(text) else text


def cell(value: Any) -> Any:
    """A value for an XLSX cell: text escaped and cut to what a cell holds, anything else as is."""
    if isinstance(value, str):
        return escape(value)[:XLSX_MAX_CHARS]
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """A row of XLSX cells."""
    return [cell(value) for value in values]


def _texts(values: pd.Series) -> pd.Series | None:
    """Which values are text (None when the column holds none: `.str` refuses such columns)."""
    if values.dtype.kind != "O":
        return None
    try:
        return values.str.len().notna()
    except AttributeError:
        return None


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of `frame` escaped, column by column (a CSV export of the whole county)."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame keeps its columns
    for column in out.columns:
        values = out[column]
        texts = _texts(values)
        if texts is None or not texts.any():
            continue
        cleaned = values[texts].str.replace(ILLEGAL, "", regex=True)
        leading = cleaned.str.match(_NEEDS_QUOTE, na=False)
        cleaned[leading] = QUOTE + cleaned[leading]
        out[column] = values.mask(texts, cleaned)
    return out


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of a CSV or XLSX table with the quote `escape` added taken off."""
    out = frame.copy(deep=False)
    for column in out.columns:
        values = out[column]
        if _texts(values) is None:
            continue
        quoted = values.str.match(_ESCAPED, na=False)
        if quoted.any():
            out[column] = values.mask(quoted, values[quoted].str[1:])
    return out
