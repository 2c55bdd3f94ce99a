"""The `landstock` command, run as a user runs it, on both databases."""

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gis import migrate
from service.cli import app


def landstock(*args: str, url: str, input_: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LANDSTOCK_DATABASE_URL": url, "NO_COLOR": "1", "COLUMNS": "160", **env}
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True,
                          env=environment, timeout=300, input=input_)


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


@pytest.mark.parametrize(("url", "env", "expected"), [
    ("mysql://nowhere/x", {}, "postgresql+psycopg://"),
    ("sqlite:////tmp/landstock-test.sqlite", {"LANDSTOCK_DATABASE_SPATIALITE_LIBRARY": "mod_missing"},
     "libsqlite3-mod-spatialite"),
    ("postgresql+psycopg://nobody@127.0.0.1:1/none", {}, "数据库暂时不可用"),
    ("sqlite:////tmp/landstock-test.sqlite", {"LANDSTOCK_ENVIRONMENT": "production"}, "LANDSTOCK_SECRET_KEY"),
])
def test_user_errors_are_one_line_and_exit_1(url, env, expected):
    done = landstock("db", "upgrade", url=url, **env)

    assert done.returncode == 1
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 2


def test_every_command_has_help():
    # In-process: help needs no database, and a subprocess per command costs seconds.
    runner = CliRunner()
    for command in (["--help"], ["demo", "--help"], ["serve", "--help"], ["stats", "--help"],
                    ["db", "upgrade", "--help"], ["user", "--help"], ["user", "add", "--help"],
                    ["user", "token", "--help"], ["backup", "--help"], ["restore", "--help"]):
        done = runner.invoke(app, command)
        assert done.exit_code == 0 and "Usage" in done.output, command


def test_user_commands(databases, backend):
    url = databases.url(backend, sample=True)

    added = landstock("user", "add", "kfq2", "--role", "park_manager", "--area", "P01", "--area", "T01",
                      "--display-name", "陆主任", "--password-stdin", url=url, input_="a-long-password\n")
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


def test_production_gets_no_demo_accounts(databases, backend):
    url = databases.blank_url(backend)

    done = landstock("demo", url=url, LANDSTOCK_ENVIRONMENT="production", LANDSTOCK_SECRET_KEY="x" * 40)

    assert done.returncode == 0, done.stderr
    assert "演示账号" not in done.stdout
