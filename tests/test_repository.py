"""The repository itself: the README's layout tree is true, and the wheel carries the migrations."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

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
        for pkg in ("service", "gis", "data")
        for p in (ROOT / pkg).rglob("*.py")
        if p.name != "__init__.py" and not {"migrations", "routes"} & set(p.parts)
    ]

    assert [m for m in modules if m not in listed] == []


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
    assert not any(n.startswith("tests/") for n in names)
