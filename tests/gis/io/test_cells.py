"""The cell rules of every spreadsheet and CSV writer (gis/io/cells.py), without a database."""

import io

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from gis.io import cells

DANGEROUS = [
    "=1+1",
    "+86 513 8321",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTab",
    "\rReturn",
    '=HYPERLINK("http://evil.example","点我")',
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_formula_leader_goes_behind_a_quote_and_comes_back(text):
    escaped = cells.escape(text)

    assert escaped == "'" + text
    assert cells.unescape(escaped) == text


@pytest.mark.parametrize("text", ["启东经济开发区", "KFQ-001", "a=b", "'quoted by the user", "", "'", "'x=1"])
def test_other_text_is_left_as_it_is(text):
    assert cells.escape(text) == text
    assert cells.unescape(text) == text


@pytest.mark.parametrize("text", ["'=1+1", "''@x"])
def test_text_already_quoted_before_a_leader_comes_back_as_it_was(text):
    assert cells.escape(text) == "'" + text
    assert cells.unescape(cells.escape(text)) == text


def test_characters_a_workbook_cannot_hold_are_dropped_before_the_leader_is_checked():
    assert cells.escape("备注\x00\x07\x1b结束\ufffe") == "备注结束"
    assert cells.escape("\x01=cmd") == "'=cmd"
    assert cells.escape("line\nbreak\ttab") == "line\nbreak\ttab"  # XML keeps these


def test_cells_of_a_row_other_than_text_are_kept_and_text_is_cut_to_what_excel_shows():
    row = cells.row([None, 1, -2.5, True, "x" * 40_000])

    assert row[:4] == [None, 1, -2.5, True]
    assert len(row[4]) == cells.XLSX_MAX_CHARS


def test_every_dangerous_cell_is_a_quoted_string_in_a_workbook():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(cells.row([*DANGEROUS, "bell\x07"]))
    buffer = io.BytesIO()
    book.save(buffer)

    read = list(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())[0]

    assert all(c.data_type == "s" for c in read)
    assert [c.value for c in read] == ["'" + t for t in DANGEROUS] + ["bell"]


def test_a_frame_is_escaped_column_by_column_and_unescaped_back():
    frame = pd.DataFrame(
        {
            "name": ["=A1", "plain", None, "-x\x02"],
            "number": [-1, 2, 3, 4],
            "mixed": [1.5, "@me", None, "ok"],
            "empty": [None, None, None, None],
        }
    )

    escaped = cells.escape_frame(frame)
    back = cells.unescape_frame(escaped)

    assert escaped["name"].tolist()[:2] == ["'=A1", "plain"] and escaped["name"].tolist()[3] == "'-x"
    assert escaped["number"].tolist() == [-1, 2, 3, 4]  # numbers are not text: no quote
    assert escaped["mixed"].tolist()[:2] == [1.5, "'@me"]
    assert frame["name"].tolist()[0] == "=A1"  # the caller's frame is untouched
    assert back["name"].tolist()[0] == "=A1" and back["mixed"].tolist()[1] == "@me"
    assert back["name"].tolist()[3] == "-x"
