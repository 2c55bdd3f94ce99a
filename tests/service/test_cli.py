"""The `landstock` command, run as a user runs it, on both databases.

Most tests run the command in this process through its own entry point (`service.cli.main`: the
same parsing, error handling and exit status as the installed script), which saves starting a
Python per command; `landstock_process` runs the real `python -m service.cli` for what only a
process shows (signals, the exit status the shell sees).
"""

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from gis import migrate
from gis.database import make_engine
from service import cli
from service.cli import app


@dataclass
class Ran:
    """What a command printed and its exit status, as subprocess.CompletedProcess has them."""

    returncode: int
    stdout: str
    stderr: str


def landstock(*args: str, url: str, input_: str | None = None, **env: str) -> Ran:
    """Run `landstock ARGS` in this process, with its own environment, input and output."""
    environment = {"LANDSTOCK_DATABASE_URL": url, "NO_COLOR": "1", "COLUMNS": "160", **env}
    argv = sys.argv
    with CliRunner().isolation(input=input_, env=environment) as (out, err, _mixed):
        sys.argv = ["landstock", *args]
        try:
            cli.main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        return Ran(code, out.getvalue().decode(), err.getvalue().decode())


def landstock_process(
    *args: str, url: str, input_: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `python -m service.cli ARGS` as a process of its own."""
    environment = {**os.environ, "LANDSTOCK_DATABASE_URL": url, "NO_COLOR": "1", "COLUMNS": "160", **env}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        input=input_,
    )


def test_demo_creates_loads_and_is_idempotent_then_stats_add_up(databases, backend):
    url = databases.blank_url(backend)

    first = landstock("demo", url=url)
    second = landstock("demo", url=url)
    stats = landstock("stats", url=url)

    assert first.returncode == 0, first.stderr
    assert "556 个地块" in first.stdout and "101 个厂房" in first.stdout
    assert "演示账号" in first.stdout and "kfq" in first.stdout and "landstock-demo" in first.stdout
    assert "演示账号" not in second.stdout
    assert second.returncode == 0 and "已有 556 个地块" in second.stdout
    assert stats.returncode == 0
    assert "吕四港经济开发区" in stats.stdout and "可供" in stats.stdout
    total = next(line for line in stats.stdout.splitlines() if "合计" in line)
    assert "556" in total


def test_stats_by_town_in_english(databases, backend):
    url = databases.url(backend, sample=True)

    done = landstock("stats", "--by", "town", url=url, LANDSTOCK_LANGUAGE="en")

    assert done.returncode == 0, done.stderr
    assert "Available" in done.stdout and "汇龙镇" in done.stdout


def test_db_upgrade_reports_the_revision(databases, backend):
    done = landstock("db", "upgrade", url=databases.blank_url(backend))

    assert done.returncode == 0, done.stderr
    assert migrate.head_revision() in done.stdout


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("mysql://nowhere/x", {}, "postgresql+psycopg://"),
        (
            "sqlite:////tmp/landstock-test.sqlite",
            {"LANDSTOCK_DATABASE_SPATIALITE_LIBRARY": "mod_missing"},
            "libsqlite3-mod-spatialite",
        ),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", {}, "数据库暂时不可用"),
        (
            "sqlite:////tmp/landstock-test.sqlite",
            {"LANDSTOCK_ENVIRONMENT": "production"},
            "LANDSTOCK_SECRET_KEY",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_1(url, env, expected):
    done = landstock("db", "upgrade", url=url, **env)

    assert done.returncode == 1
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2


def test_the_real_process_exits_1_with_one_line_and_0_when_done(databases):
    refused = landstock_process("db", "upgrade", url="mysql://nowhere/x")
    done = landstock_process("db", "upgrade", url=databases.blank_url("spatialite"))

    assert refused.returncode == 1 and "postgresql+psycopg://" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert done.returncode == 0 and migrate.head_revision() in done.stdout


def test_every_command_has_help():
    # In-process: help needs no database, and a subprocess per command costs seconds.
    runner = CliRunner()
    for command in (
        ["--help"],
        ["demo", "--help"],
        ["serve", "--help"],
        ["stats", "--help"],
        ["db", "upgrade", "--help"],
        ["user", "--help"],
        ["user", "add", "--help"],
        ["user", "token", "--help"],
        ["backup", "--help"],
        ["restore", "--help"],
    ):
        done = runner.invoke(app, command)
        assert done.exit_code == 0 and "Usage" in done.output, command


def test_user_commands(databases, backend):
    url = databases.url(backend, sample=True)

    add = "user add kfq2 --role park_manager --area P01 --area T01 --display-name 陆主任 --password-stdin"
    added = landstock(*shlex.split(add), url=url, input_="a-long-password\n")
    token = landstock("user", "token", "kfq2", "--label", "脚本", "--days", "7", url=url)
    listed = landstock("user", "list", url=url)
    disabled = landstock("user", "disable", "kfq2", url=url)
    weak = landstock("user", "add", "x", "--role", "leader", "--password-stdin", url=url, input_="short\n")
    unknown = landstock("user", "disable", "nobody", url=url)

    assert added.returncode == 0, added.stderr
    assert token.returncode == 0 and token.stdout.strip().splitlines()[-1].startswith("ls_")
    assert "kfq2" in listed.stdout and "P01 T01" in listed.stdout and "陆主任" in listed.stdout
    assert disabled.returncode == 0
    assert weak.returncode == 1 and "至少需要 10 个字符" in weak.stderr
    assert unknown.returncode == 1 and "nobody" in unknown.stderr


def test_production_refuses_the_demo_and_touches_nothing(databases, backend):
    url = databases.blank_url(backend)

    done = landstock("demo", url=url, LANDSTOCK_ENVIRONMENT="production", LANDSTOCK_SECRET_KEY="x" * 40)

    assert done.returncode == 1 and "landstock db upgrade" in done.stderr
    assert "演示账号" not in done.stdout
    assert migrate.current_revision(make_engine(url)) is None


def test_report_commands_write_the_workbook_or_the_pdf_by_the_suffix(databases, backend, tmp_path):
    import io

    import openpyxl
    import pypdf

    from tests.db.test_reports import plant

    url = databases.url(backend, sample=True)
    plant(databases.open_url(url))

    weekly_to = shlex.split("report weekly --week 2018-W11 --as-of 2018-03-18 -o")
    weekly = landstock(*weekly_to, str(tmp_path / "周汇总.xlsx"), url=url)
    card_to = shlex.split("report scorecard --period 2018-Q1 --as-of 2018-03-31 -o")
    card = landstock(*card_to, str(tmp_path / "考核.pdf"), url=url)

    assert weekly.returncode == 0 and "周汇总.xlsx" in weekly.stdout and "2018-03-18" in weekly.stdout
    book = openpyxl.load_workbook(tmp_path / "周汇总.xlsx")
    assert list(book["周汇总"].iter_rows(values_only=True))[1][:4] == ("新增线索", 1, 3, -2)
    assert card.returncode == 0, card.stderr
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO((tmp_path / "考核.pdf").read_bytes())).pages
    )
    assert "启东经济开发区" in text and "25.50" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("report", "weekly", "--week", "2026-W60", "-o", "w.xlsx"), "2026-W48"),
        (("report", "scorecard", "--period", "2026-Q5", "-o", "c.xlsx"), "2026-Q3"),
        (("report", "scorecard", "--period", "2026-Q3", "-o", "c.docx"), ".xlsx"),
        (("report", "weekly", "--as-of", "yesterday", "-o", "w.pdf"), "YYYY-MM-DD"),
    ],
)
def test_report_commands_refuse_bad_values_in_one_line(databases, args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = databases.url("spatialite", sample=True)

    ran = landstock(*args, url=url)

    assert ran.returncode == 1 and expected in ran.stderr and "Traceback" not in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []
