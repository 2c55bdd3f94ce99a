"""The import template a park office fills in: headers the importer recognises, drop-down lists,
a guide sheet whose example row imports as it reads; from the CLI and the API (both databases)."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from gis.errors import UnreadableFile
from gis.io.importer import ImportOptions, import_file
from gis.io.template import write_template
from gis.models import Factory, Parcel
from gis.vocabulary import Layer
from tests.service.test_cli import landstock


def filled_with_the_example(template, target):
    """The template with the guide's example row copied under the headers, as a user fills it."""
    book = load_workbook(template)
    sheet, guide = book.worksheets[0], book.worksheets[2]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.value for c in guide[1]]
    sheet.append([c.value for c in guide[2]])
    book.save(target)
    return target


@pytest.mark.parametrize("layer", [Layer.PARCELS, Layer.FACTORIES])
def test_the_example_row_of_the_template_imports_as_it_reads(databases, backend, tmp_path, layer):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        write_template(session, layer, tmp_path / "模板.xlsx")

    with pytest.raises(UnreadableFile):  # the blank template imports nothing
        import_file(db, tmp_path / "模板.xlsx", ImportOptions(layer, dry_run=True))
    report = import_file(
        db, filled_with_the_example(tmp_path / "模板.xlsx", tmp_path / "填好.xlsx"), ImportOptions(layer)
    )

    assert report.written and report.counts()["inserted"] == 1, report.to_dict("zh")
    assert not [n for n in report.notes if n.key == "import.column_ignored"], report.to_dict("zh")["notes"]
    with db.read() as session:
        if layer == Layer.PARCELS:
            row = session.execute(
                select(Parcel.land_use, Parcel.stock_type, Parcel.cert_area_m2).where(
                    Parcel.code == "QD-2026-001"
                )
            ).one()
            assert row == ("100102", "idle", pytest.approx(86.5 * 10000 / 15))
        else:
            row = session.execute(
                select(Factory.building_type, Factory.floor_area_m2).where(Factory.code == "CF-2026-001")
            ).one()
            assert row == ("standard", 6000)


def test_the_template_offers_drop_down_lists_from_a_hidden_sheet(sample_db, tmp_path):
    with sample_db.read() as session:
        write_template(session, Layer.PARCELS, tmp_path / "模板.xlsx")

    book = load_workbook(tmp_path / "模板.xlsx")
    sheet, options, guide = book.worksheets
    headers = [c.value for c in sheet[1]]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    column = {h: chr(ord("A") + k) for k, h in enumerate(headers) if k < 26}

    assert sheet.title == "地块" and options.sheet_state == "hidden" and guide.title == "填写说明"
    assert {"状态", "用地性质", "存量类型"} <= set(column) and "证载面积(亩)" in headers
    for name in ("状态", "用地性质", "存量类型"):
        listed = lists[f"{column[name]}2"]
        letter = listed.split("$")[1]
        words = [c.value for c in options[letter][1:] if c.value]
        assert words, name
    status_words = [c.value for c in options[lists[f"{column['状态']}2"].split("$")[1]][1:] if c.value]
    assert "可供" in status_words and "已供地" in status_words


def test_the_cli_writes_a_template_and_says_what_it_needs(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)

    done = landstock("import", "--template", "parcels", "-o", str(tmp_path / "模板.xlsx"), url=url)
    missing = landstock("import", "--template", "parcels", url=url)
    nothing = landstock("import", url=url)

    assert done.returncode == 0 and (tmp_path / "模板.xlsx").exists(), done.stderr
    assert missing.returncode == 1 and "-o" in missing.stderr.strip().splitlines()[-1]
    assert nothing.returncode == 1 and "--template" in nothing.stderr.strip().splitlines()[-1]


def test_the_api_downloads_a_template_for_signed_in_users(sample_app):
    http = sample_app.client

    anonymous = http.get("/api/imports/template", params={"layer": "factories"})
    english = http.get(
        "/api/imports/template",
        params={"layer": "factories", "lang": "en"},
        headers=sample_app.headers("park_manager", "P01"),
    )

    assert anonymous.status_code == 401
    assert english.status_code == 200 and english.headers["content-type"].startswith(
        "application/vnd.openxml"
    )
    book = load_workbook(io.BytesIO(english.content))
    headers = [c.value for c in book.worksheets[0][1]]
    assert book.worksheets[2].title == "How to fill in" and "Floor area (m²)" in headers and "Code" in headers
