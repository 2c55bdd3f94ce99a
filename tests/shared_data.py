"""Find the public data shared beside the project (../shared/data), never copied into it.

Looked for in LANDSTOCK_SHARED_DATA, then beside this checkout, then beside the repository
this checkout was cloned from (a fresh clone in a temporary folder). Tests that need it fail
with this message when it is nowhere: they check real requirements and must not be skipped.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATAV_NANTONG = "nantong_320600_datav_gcj02.json"


def _origin() -> Path | None:
    try:
        url = subprocess.run(
            ["git", "-C", str(ROOT), "config", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    path = Path(url.removeprefix("file://"))
    return path if url and path.is_absolute() and path.exists() else None


def shared_file(name: str) -> Path:
    """The path of a shared data file, or a test failure naming where it was looked for."""
    candidates = []
    if os.environ.get("LANDSTOCK_SHARED_DATA"):
        candidates.append(Path(os.environ["LANDSTOCK_SHARED_DATA"]))
    candidates.append(ROOT.parent / "shared" / "data")
    origin = _origin()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "data")
    for folder in candidates:
        if (folder / name).exists():
            return folder / name
    pytest.fail(
        f"{name} not found in {', '.join(map(str, candidates))}; "
        "set LANDSTOCK_SHARED_DATA to the folder holding it",
        pytrace=False,
    )
