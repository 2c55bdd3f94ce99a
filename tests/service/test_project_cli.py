"""`landstock project add`, and `landstock import`/`export` of investment projects, as a user runs
them: readable refusals with exit status 1, the acting account's role, nothing written when refused."""

import pandas as pd
from sqlalchemy import select

from gis import accounts
from gis.database import Database, make_engine
from gis.models import Project
from tests.conftest import OPERATOR, TEST_PASSWORD
from tests.service.test_cli import landstock


def stored(url, code):
    db = Database(make_engine(url))
    with db.read() as session:
        found = session.scalar(select(Project).where(Project.code == code))
    db.dispose()
    return found


def account(url, name, role, *areas):
    db = Database(make_engine(url))
    with db.write() as session:
        accounts.create_user(session, OPERATOR, name, role, TEST_PASSWORD, areas=list(areas))
    db.dispose()


def test_project_add_enters_a_project_through_the_gateway(databases, backend):
    url = databases.url(backend, sample=True)
    account(url, "zhaoshang_cli", "investment")
    args = ["--code", "XM-CLI-001", "--name", "命令行项目", "--investor", "启澜科技有限公司"]
    args += ["--industry", "医药制造业", "--amount", "8000", "--area-mu", "30-45", "--stage", "在谈"]

    done = landstock("project", "add", *args, "--as", "zhaoshang_cli", url=url)

    assert done.returncode == 0, done.stderr
    assert "已录入项目 XM-CLI-001“命令行项目”（在谈）" in done.stdout
    made = stored(url, "XM-CLI-001")
    assert (made.industry_code, made.investment_total_wan, made.land_min_mu, made.land_max_mu) == (
        "27",
        8000,
        30,
        45,
    )
    assert (made.stage, made.updated_by) == ("negotiating", "zhaoshang_cli")


def test_project_add_refusals_exit_1_with_one_readable_line(databases, backend):
    url = databases.url(backend, sample=True)
    account(url, "yuanqu_cli", "park_manager", "P01")

    taken = landstock("project", "add", "--code", "XM-2026-001", "--name", "重复", url=url)
    bad_code = landstock(
        "project", "add", "--code", "XM-CLI-2", "--name", "坏代码", "--credit-code", "123", url=url
    )
    bad_stage = landstock(
        "project", "add", "--code", "XM-CLI-3", "--name", "坏阶段", "--stage", "谈恋爱", url=url
    )
    bad_area = landstock(
        "project", "add", "--code", "XM-CLI-4", "--name", "坏面积", "--area-mu", "很多", url=url
    )
    role = landstock("project", "add", "--code", "XM-CLI-5", "--name", "无权", "--as", "yuanqu_cli", url=url)

    for ran in (taken, bad_code, bad_stage, bad_area, role):
        assert ran.returncode == 1 and "Traceback" not in ran.stderr
        assert ran.stderr.strip().count("\n") == 0 and "错误" in ran.stderr
    assert "XM-2026-001" in taken.stderr and "谈恋爱" in bad_stage.stderr and "很多" in bad_area.stderr
    assert "无权管理招商项目" in role.stderr
    assert all(stored(url, f"XM-CLI-{k}") is None for k in range(2, 6))


def test_import_and_export_of_projects_from_the_command_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    account(url, "yuanqu_cli2", "park_manager", "P01")
    path = tmp_path / "项目.csv"
    frame = pd.DataFrame(
        [["XM-CLI-101", "导入项目", "27", "线索"], ["XM-CLI-102", "缺行业", None, "线索"]],
        columns=["项目编号", "项目名称", "行业", "阶段"],
    )
    frame.to_csv(path, index=False, encoding="utf-8-sig")

    refused = landstock("import", str(path), "--layer", "projects", url=url)
    role = landstock("import", str(path), "--layer", "projects", "--user", "yuanqu_cli2", url=url)
    frame.iloc[:1].to_csv(path, index=False, encoding="utf-8-sig")
    dry = landstock("import", str(path), "--layer", "projects", "--dry-run", url=url)
    after_dry = stored(url, "XM-CLI-101")
    done = landstock("import", str(path), "--layer", "projects", url=url)
    exported = landstock(
        "export", "--layer", "projects", "--format", "xlsx", "-o", str(tmp_path / "p.xlsx"), url=url
    )
    filtered = landstock(
        "export",
        "--layer",
        "projects",
        "--format",
        "csv",
        "-o",
        str(tmp_path / "p.csv"),
        "--park",
        "P01",
        url=url,
    )
    template = landstock("import", "--template", "projects", "-o", str(tmp_path / "t.xlsx"), url=url)

    assert refused.returncode == 1 and "XM-CLI-102" in refused.stdout and "行业" in refused.stdout
    assert role.returncode == 1 and "无权管理招商项目" in role.stderr
    assert dry.returncode == 0 and "新增 1" in dry.stdout and after_dry is None
    assert done.returncode == 0 and "已写入数据库" in done.stdout, done.stdout
    assert stored(url, "XM-CLI-101").name == "导入项目"
    assert exported.returncode == 0, exported.stderr
    assert "XM-CLI-101" in pd.read_excel(tmp_path / "p.xlsx", dtype=str)["编号"].tolist()
    assert filtered.returncode == 1 and "--park" in filtered.stderr
    assert template.returncode == 0 and (tmp_path / "t.xlsx").exists()
