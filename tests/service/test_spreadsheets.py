"""Hostile text in every spreadsheet and CSV Landstock writes, on both databases.

Names that a spreadsheet would take for a formula, and control characters that XLSX cannot hold,
are put into the database with SQL (as legacy rows hold them, past any check of today's write
paths). Every download still answers 200; every such cell is a quoted string (gis/io/cells.py);
the exports import back to the same names.
"""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from gis.access import operator
from gis.io.importer import ImportOptions, import_file
from gis.labels import message
from gis.models import Area, Factory, Parcel, Project
from tests.service.test_cli import landstock

NAMES = {
    "KFQ-001": "=1+1",
    "KFQ-002": "+86 513 8321",
    "KFQ-003": "-2+3",
    "KFQ-004": "@SUM(A1:A9)",
    "KFQ-005": "\tTab",
    "KFQ-006": "\rReturn",
    "KFQ-007": '=HYPERLINK("http://evil.example","点我")',
    "KFQ-009": "'=already quoted",
}
REMARKED = ("KFQ-008", "备注\x07响铃\x1b结束", "备注响铃结束")  # code, in the database, in a spreadsheet
PROJECT = ("XM-2022-101", "=cmd|' /C calc'!A0\x07", "'=cmd|' /C calc'!A0")
PARK = ("P01", "@开发区\x01", "'@开发区")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plant(db):
    """The hostile values, written past every write path."""
    with db.write() as session:
        for code, name in NAMES.items():
            session.execute(update(Parcel).where(Parcel.code == code).values(name=name))
        session.execute(update(Parcel).where(Parcel.code == REMARKED[0]).values(remarks=REMARKED[1]))
        session.execute(update(Project).where(Project.code == PROJECT[0]).values(name=PROJECT[1]))
        session.execute(update(Area).where(Area.code == PARK[0]).values(name=PARK[1]))


def quoted(name):
    return "'" + name


def xlsx_rows(content):
    """The parcels sheet: {code: {header: cell}}."""
    sheet = load_workbook(io.BytesIO(content))[message("kind.parcel")]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return {r[header.index("编号")].value: dict(zip(header, r, strict=True)) for r in rows[1:]}


def assert_xlsx_ledger(content):
    rows = xlsx_rows(content)
    for code, name in NAMES.items():
        cell = rows[code]["名称"]
        assert cell.data_type == "s" and cell.value == quoted(name), code
    assert rows[REMARKED[0]]["备注"].value == REMARKED[2]
    assert rows["KFQ-001"]["园区名称"].value == PARK[2]
    formulas = [c for row in rows.values() for c in row.values() if c.data_type == "f"]
    assert formulas == []


def assert_csv(content):
    table = {row["code"]: row for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))}
    for code, name in NAMES.items():
        assert table[code]["name"] == quoted(name), code
    assert table[REMARKED[0]]["remarks"] == REMARKED[2]
    assert table["KFQ-001"]["park_name"] == PARK[2]


def test_the_api_exports_answer_and_quote_every_dangerous_cell(sample_app):
    plant(sample_app.db)
    headers = sample_app.headers("admin")

    xlsx = sample_app.client.get("/api/parcels/export", params={"format": "xlsx"}, headers=headers)
    csv_ = sample_app.client.get("/api/parcels/export", params={"format": "csv"}, headers=headers)

    assert xlsx.status_code == 200, xlsx.text
    assert csv_.status_code == 200, csv_.text
    assert_xlsx_ledger(xlsx.content)
    assert_csv(csv_.content)


def test_the_cli_exports_quote_every_dangerous_cell(sample_app, tmp_path):
    plant(sample_app.db)

    done = [
        landstock(
            "export",
            "--layer",
            "parcels",
            "--format",
            fmt,
            "-o",
            str(tmp_path / f"out.{fmt}"),
            url=sample_app.url,
        )
        for fmt in ("xlsx", "csv")
    ]

    assert [d.returncode for d in done] == [0, 0], [d.stderr for d in done]
    assert_xlsx_ledger((tmp_path / "out.xlsx").read_bytes())
    assert_csv((tmp_path / "out.csv").read_bytes())


def test_review_sheet_and_supply_workbook_answer_with_plain_text_cells(sample_app):
    plant(sample_app.db)
    headers = sample_app.headers("admin")

    review = sample_app.client.get(
        f"/api/projects/{PROJECT[0]}/review.xlsx", params={"site": "KFQ-010"}, headers=headers
    )
    supply = sample_app.client.get("/supply.xlsx", headers=headers)

    assert review.status_code == 200, review.text
    assert supply.status_code == 200, supply.text
    project = load_workbook(io.BytesIO(review.content)).active["B2"]
    assert project.data_type == "s" and project.value == f"{PROJECT[0]} =cmd|' /C calc'!A0"
    book = load_workbook(io.BytesIO(supply.content))
    texts = {
        c.value: c.data_type
        for sheet in book
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    assert texts[PROJECT[2]] == "s" and texts[PARK[2]] == "s"
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def reimported(databases, backend, path):
    """Import `path` into a fresh sample database; the parcels' names there afterwards."""
    target = databases.open(backend, sample=True)
    report = import_file(target, path, ImportOptions("parcels", who=operator("测试")))
    assert report.written, report.to_dict("en")
    with target.read() as session:
        return dict(session.execute(select(Parcel.code, Parcel.name)).all())


def test_the_exports_import_back_to_the_same_names(sample_app, databases, backend, tmp_path):
    plant(sample_app.db)
    headers = sample_app.headers("admin")
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"back.{fmt}"
        path.write_bytes(
            sample_app.client.get(
                "/api/parcels/export", params={"format": fmt, "park": "P01"}, headers=headers
            ).content
        )

        names = reimported(databases, backend, path)

        # Imported text is stripped of surrounding white space: a tab or CR leader does not survive
        for code, name in NAMES.items():
            assert names[code] == name.strip(), (fmt, code)


def test_the_factory_exports_quote_and_clean_their_cells_too(sample_app):
    with sample_app.db.write() as session:
        session.execute(
            update(Factory).where(Factory.code == "CF-BX-099").values(name="=1+1", remarks="a\x1bb")
        )
    headers = sample_app.headers("admin")

    xlsx, csv_ = (
        sample_app.client.get("/api/factories/export", params={"format": fmt}, headers=headers)
        for fmt in ("xlsx", "csv")
    )

    assert xlsx.status_code == 200 and csv_.status_code == 200, xlsx.text + csv_.text
    rows = list(load_workbook(io.BytesIO(xlsx.content))[message("kind.factory")].iter_rows())
    header = [c.value for c in rows[0]]
    [row] = [
        dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("编号")].value == "CF-BX-099"
    ]
    assert row["名称"].data_type == "s" and row["名称"].value == "'=1+1" and row["备注"].value == "ab"
    [line] = [
        r
        for r in csv.DictReader(io.StringIO(csv_.content.decode("utf-8-sig"), newline=""))
        if r["code"] == "CF-BX-099"
    ]
    assert line["name"] == "'=1+1" and line["remarks"] == "ab"
