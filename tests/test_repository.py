"""The repository itself: the README's layout tree is true, the documentation's links lead somewhere
and it names every setting, the wheel carries the migrations and
no development tool, the benchmarks stand apart from the tests, and the production image and
compose file migrate and serve while only the demo profile loads the sample."""

import ast
import json
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from typer.testing import CliRunner

from service.cli import app

ROOT = Path(__file__).resolve().parent.parent


def layout_paths() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Layout", 1)[1].split("```", 2)[1]
    paths, parents = [], []
    for line in tree.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match:
            continue
        depth = len(match.group(1)) // 2
        parents = parents[:depth]
        paths.append("".join(parents) + match.group(2))
        if match.group(2).endswith("/"):
            parents.append(match.group(2))
    return paths


def test_every_path_in_the_readme_layout_exists():
    paths = layout_paths()

    assert len(paths) > 30
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_every_package_module_is_in_the_readme_layout():
    listed = set(layout_paths())
    # every module by name, sub-packages too; service/routes/ is listed as one line (a module per resource)
    modules = [
        p.relative_to(ROOT).as_posix()
        for pkg in ("service", "gis", "data", "harness")
        for p in (ROOT / pkg).rglob("*.py")
        if p.name != "__init__.py" and not {"migrations", "routes"} & set(p.parts)
    ]

    assert [m for m in modules if m not in listed] == []


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (fenced code left out)."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slug(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.M)}


def test_every_link_of_the_readme_and_docs_leads_to_a_file_and_heading_that_exist():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken, checked = [], 0
    for document in documents:
        text = re.sub(r"^```.*?^```", "", document.read_text(encoding="utf-8"), flags=re.S | re.M)
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://", link):
                continue
            target, _, anchor = link.partition("#")
            path = (document.parent / target).resolve() if target else document
            checked += 1
            if not path.exists() or (anchor and anchor not in anchors(path)):
                broken.append(f"{document.relative_to(ROOT)}: {link}")

    assert checked > 40
    assert broken == []


def test_the_configuration_reference_names_every_setting():
    from service import settings

    reference = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    # a row may name several settings of one family: `LANDSTOCK_MATCH_NEAR_MISS_POOL`, `…_SLACK`
    # (the end of the name), `LANDSTOCK_MATCH_PRICE_LOW_WAN_PER_MU`, `…_HIGH_…` (a word of it); the
    # pipeline's are named without their prefix, under it
    ends = set(re.findall(r"`…_(\w+)`", reference))
    words = set(re.findall(r"`…_(\w+)_…`", reference))
    undocumented = []
    for group in vars(settings).values():
        if not (isinstance(group, type) and issubclass(group, settings.BaseSettings)):
            continue
        prefix = str(group.model_config.get("env_prefix") or "")
        if not prefix:
            continue
        for field, info in group.model_fields.items():
            # a setting read under a name of its own (validation_alias) is documented under it
            name = str(info.validation_alias or prefix + field).upper()
            if name in reference or f"`{field.upper()}`" in reference:
                continue
            if any(name.endswith(f"_{end}") for end in ends) or any(f"_{w}_" in name for w in words):
                continue
            undocumented.append(name)

    assert undocumented == []


def test_the_wheel_carries_migrations_and_no_tests(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    names = zipfile.ZipFile(next(tmp_path.glob("landstock-*.whl"))).namelist()

    assert "gis/migrations/env.py" in names and "gis/migrations/script.py.mako" in names
    assert any(n.startswith("gis/migrations/versions/0001") for n in names)
    assert "service/templates/ogc/items.html" in names
    assert "gis/labels.yaml" in names
    assert not any(n.startswith(("tests/", "bench/", "harness/")) for n in names)


def imported_modules(path: Path) -> set[str]:
    """The modules a Python file imports (absolute imports; relative ones are its own package's)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_benchmarks_and_the_harness_never_import_the_tests():
    # What both need lives in harness/; the tests are free to change without breaking a benchmark.
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for folder, banned in (("bench", ("tests",)), ("harness", ("tests", "bench")))
        for path in (ROOT / folder).rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in banned
    }

    assert offending == set()


def landstock_commands(text: str) -> list[list[str]]:
    """Every `landstock ...` command line in a shell command, up to its `&&` or `;`."""
    commands = []
    for part in re.split(r"&&|;|\|\|", text):
        words = shlex.split(part)
        if "landstock" in words:
            commands.append(words[words.index("landstock") + 1 :])
    return commands


def dockerfile_cmd() -> str:
    """The shell command of the image's last CMD (exec form: ["sh", "-c", "..."])."""
    lines = [line for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()]
    cmd = json.loads([line for line in lines if line.startswith("CMD ")][-1].removeprefix("CMD "))
    assert cmd[:2] == ["sh", "-c"]
    return str(cmd[2])


def test_the_image_migrates_and_serves_and_never_loads_the_demo():
    commands = landstock_commands(dockerfile_cmd())

    assert commands == [["db", "upgrade"], ["serve"]]


def test_compose_serves_production_on_a_healthy_postgis_and_the_demo_only_by_profile():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    postgis, production, demo = services["postgis"], services["app"], services["demo"]

    assert postgis["image"].startswith("postgis/postgis:") and "pg_isready" in " ".join(
        postgis["healthcheck"]["test"]
    )
    # production: the image's own command (migrate, serve), after PostGIS is healthy, in production
    assert "command" not in production and "profiles" not in production
    assert production["depends_on"]["postgis"]["condition"] == "service_healthy"
    assert production["environment"]["LANDSTOCK_ENVIRONMENT"] == "production"
    assert "@postgis:5432/" in production["environment"]["LANDSTOCK_DATABASE_URL"]
    assert "/healthz" in " ".join(production["healthcheck"]["test"])
    # the demo: only with `--profile demo`, never in production, on a database of its own
    assert demo["profiles"] == ["demo"]
    assert demo["environment"]["LANDSTOCK_ENVIRONMENT"] != "production"
    assert (
        demo["environment"]["LANDSTOCK_DATABASE_URL"] != production["environment"]["LANDSTOCK_DATABASE_URL"]
    )
    assert landstock_commands(demo["command"][-1])[0] == ["demo"]
    assert "/healthz" in " ".join(demo["healthcheck"]["test"])


def test_every_landstock_command_of_the_image_and_compose_file_exists():
    compose_text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    compose = yaml.safe_load(compose_text)
    commands = landstock_commands(dockerfile_cmd())
    for service in compose["services"].values():
        commands += landstock_commands(" ".join(service.get("command", [])[-1:]))
    # the commands the comments tell a reader to type
    for text in ((ROOT / "Dockerfile").read_text(encoding="utf-8"), compose_text):
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                commands += [m.split() for m in re.findall(r"\blandstock((?: [a-z][\w-]*)+)", line)]
    runner = CliRunner()

    assert len(commands) >= 5
    for command in commands:
        done = runner.invoke(app, [*command, "--help"])
        assert done.exit_code == 0, command


def test_the_image_installs_every_package_the_wheel_ships():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    shipped = json.loads(
        re.search(r"\[tool\.hatch\.build\.targets\.wheel\]\npackages = (\[.*\])", pyproject)[1]
    )
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert [p for p in shipped if f"COPY {p} ./{p}" not in dockerfile] == []
