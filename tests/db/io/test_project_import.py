"""Investment projects in and out of files on both databases: an XLSX or CSV of projects with
Chinese headers creates, updates and leaves alone by code through the projects' gateway, refuses
rows with reasons and then writes nothing, tries a dry run the very way it imports, refuses a role
that may not enter projects, and an export imports back with nothing changed."""

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from gis.access import Principal, Role, operator
from gis.errors import Forbidden, InvalidInput
from gis.io import exporter
from gis.io.importer import ImportOptions, import_file
from gis.io.template import write_template
from gis.models import Project, RecordChange
from gis.vocabulary import Layer

ADMIN = operator("导入测试")
STAFF = Principal(id=0, name="招商员", role=Role.INVESTMENT)
HEADERS = [
    "项目编号",
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "行业",
    "计划投资额（万元）",
    "用地需求（亩）",
    "阶段",
    "联系人",
    "联系电话",
    "招商单位",
]
ROWS = [
    # new, by Chinese labels
    [
        "XM-IMP-001",
        "导入测试项目一",
        "启澜新材料有限公司",
        None,
        "27",
        50000,
        "50-80",
        "在谈",
        "王经理",
        "13800000001",
        None,
    ],
    # new, by English label and code
    ["XM-IMP-002", "导入测试项目二", "启澜精工有限公司", None, "34", "12,000", 30, "Lead", None, None, None],
    # an existing project, its investment changed, its stage repeated
    ["XM-2026-001", "创新药CDMO生产基地", None, None, None, 130000, None, "negotiating", None, None, None],
]


def table(tmp_path, rows, name="projects.xlsx", headers=HEADERS):
    frame = pd.DataFrame(rows, columns=headers, dtype=object)
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(path, index=False)
    return path


def run(db, path, who=ADMIN, **options):
    return import_file(db, path, ImportOptions(Layer.PROJECTS, who=who, **options))


def projects_state(db):
    with db.read() as session:
        rows = session.execute(select(Project.code, Project.version, Project.investment_total_wan)).all()
        changes = session.scalar(select(func.count()).select_from(RecordChange))
    return sorted(rows), changes


@pytest.mark.parametrize("name", ["projects.xlsx", "projects.csv"])
def test_a_file_of_projects_creates_updates_and_leaves_alone_by_code(sample_db, tmp_path, name):
    path = table(
        tmp_path,
        [
            *ROWS,
            ["XM-2026-002", "高端医疗器械产业化项目", None, None, None, None, None, None, None, None, None],
        ],
        name,
    )

    report = run(sample_db, path, who=STAFF)

    actions = {r.code: r.action for r in report.rows}
    assert report.acceptable and report.written, [r.to_dict("zh") for r in report.rows]
    assert actions == {
        "XM-IMP-001": "insert",
        "XM-IMP-002": "insert",
        "XM-2026-001": "update",
        "XM-2026-002": "unchanged",
    }
    assert report.counts()["inserted"] == 2 and report.counts()["unchanged"] == 1
    with sample_db.read() as session:
        one = session.scalar(select(Project).where(Project.code == "XM-IMP-001"))
        two = session.scalar(select(Project).where(Project.code == "XM-IMP-002"))
        old = session.scalar(select(Project).where(Project.code == "XM-2026-001"))
        kept = session.scalar(select(Project).where(Project.code == "XM-2026-002"))
        history = session.scalars(select(RecordChange.action).where(RecordChange.project_id == one.id)).all()
    assert (one.stage, one.land_min_mu, one.land_max_mu, one.investment_total_wan) == (
        "negotiating",
        50,
        80,
        50000,
    )
    assert one.contact == "王经理 13800000001" and one.updated_by == "招商员" and history == ["create"]
    assert (two.stage, two.investment_total_wan, two.land_min_mu, two.land_max_mu) == ("lead", 12000, 30, 30)
    assert old.investment_total_wan == 130000 and old.version == 2
    assert kept.version == 1


def test_refused_rows_say_why_and_nothing_is_written(sample_db, tmp_path):
    rows = [
        ROWS[0],
        ["XM-IMP-003", "缺行业", None, None, None, None, None, None, None, None, None],
        ["XM-IMP-004", "坏代码", None, "91350100M000100Y44", "27", None, None, None, None, None, None],
        ["XM-IMP-005", "坏数字", None, None, "27", "很多", None, None, None, None, None],
        ["XM-IMP-006", "坏阶段", None, None, "27", None, None, "谈恋爱", None, None, None],
        ["XM-IMP-007", "负投资", None, None, "27", -5, None, None, None, None, None],
        ["XM-IMP-008", "无此行业", None, None, "9999", None, None, None, None, None, None],
        ["XM-2026-001", "创新药CDMO生产基地", None, None, None, None, None, "签约", None, None, None],
    ]
    before = projects_state(sample_db)

    dry = run(sample_db, table(tmp_path, rows), dry_run=True)
    report = run(sample_db, table(tmp_path, rows))

    assert projects_state(sample_db) == before and not report.written and not report.acceptable
    reasons = {r.code: " ".join(t.render("zh") for t in r.rejection) for r in report.rows}
    assert reasons["XM-IMP-001"] == ""
    assert "行业" in reasons["XM-IMP-003"]
    assert "校验" in reasons["XM-IMP-004"] or "信用代码" in reasons["XM-IMP-004"]
    assert "很多" in reasons["XM-IMP-005"] and "谈恋爱" in reasons["XM-IMP-006"]
    assert "-5" in reasons["XM-IMP-007"] and "9999" in reasons["XM-IMP-008"]
    assert reasons["XM-2026-001"] != ""  # the stage moves by steps, not by a file
    assert dry.to_dict("zh") | {"dry_run": False} == report.to_dict("zh")


def test_a_dry_run_reports_what_the_import_then_does(sample_db, tmp_path):
    path = table(tmp_path, ROWS)
    before = projects_state(sample_db)

    dry = run(sample_db, path, dry_run=True)
    assert projects_state(sample_db) == before and not dry.written
    done = run(sample_db, path)

    assert dry.to_dict("zh") | {"dry_run": False, "written": True} == done.to_dict("zh")
    assert done.counts()["inserted"] == 2 and done.counts()["updated"] == 1


def test_a_role_that_may_not_enter_projects_is_refused(sample_db, tmp_path):
    path = table(tmp_path, ROWS)
    before = projects_state(sample_db)
    for role in (Role.PARK_MANAGER, Role.LEADER):
        with pytest.raises(Forbidden):
            run(sample_db, path, who=Principal(id=0, name="x", role=role))
    assert projects_state(sample_db) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(sample_db, tmp_path, fmt):
    run(sample_db, table(tmp_path, ROWS))
    target = tmp_path / f"projects.{fmt}"
    with sample_db.read() as session:
        count = exporter.write(session, Layer.PROJECTS, fmt, target)
    before = projects_state(sample_db)

    report = run(sample_db, target)

    assert report.acceptable, [r.to_dict("zh") for r in report.rows if r.rejection][:3]
    assert report.counts()["unchanged"] == count == len(before[0]) and report.counts()["updated"] == 0
    assert projects_state(sample_db) == before
    header = pd.read_excel(target) if fmt == "xlsx" else pd.read_csv(target)
    assert list(header.columns[:3]) == ["编号", "名称", "投资方"]


def test_the_project_template_has_drop_downs_and_its_example_imports(sample_db, tmp_path):
    template = tmp_path / "项目模板.xlsx"
    with sample_db.read() as session:
        write_template(session, Layer.PROJECTS, template)
    book = load_workbook(template)
    sheet, options, guide = book.worksheets
    headers = [c.value for c in sheet[1]]
    listed = {
        options.cell(row=1, column=k).value: [c.value for c in col[1:] if c.value]
        for k, col in enumerate(options.iter_cols(), start=1)
    }

    assert (
        headers[:3] == ["编号", "名称", "投资方"] and "项目阶段" in headers and "几何（WKT）" not in headers
    )
    assert listed["项目阶段"][:3] == ["线索", "在谈", "签约"] and "终止" not in listed["项目阶段"]
    assert "医药制造业" in listed["行业"] and len(sheet.data_validations.dataValidation) >= 5
    sheet.append([c.value for c in guide[2]])
    book.save(tmp_path / "填好.xlsx")
    report = run(sample_db, tmp_path / "填好.xlsx")
    assert report.written and report.counts()["inserted"] == 1, report.to_dict("zh")
    assert not [n for n in report.notes if n.key == "import.column_ignored"]
    with sample_db.read() as session:
        made = session.scalar(select(Project).where(Project.code == "XM-2026-901"))
    assert (made.industry_code, made.land_min_mu, made.preferred_areas) == ("26", 50, ["P01", "P04"])


def test_update_only_skips_new_codes_and_replace_is_refused(sample_db, tmp_path):
    path = table(tmp_path, ROWS)
    before = projects_state(sample_db)

    with pytest.raises(InvalidInput) as refused:
        run(sample_db, path, replace=True)
    report = run(sample_db, path, only_existing=True)

    assert refused.value.key == "import.projects_replace"
    assert (
        report.written and report.skipped == ["XM-IMP-001", "XM-IMP-002"] and report.counts()["updated"] == 1
    )
    assert len(projects_state(sample_db)[0]) == len(before[0])
