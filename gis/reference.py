"""Reference tables (industries, land-use classes, the units that bring investment leads, the
protection distances industries keep from sensitive receptors):
editable CSV files loaded into the database."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.models import Industry, LandUseClass, ProtectionDistance, Unit


def _nullable(value: str, cast: type) -> Any:
    return cast(value) if value.strip() else None


def _industry(row: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"].strip(),
        "name": row["name"].strip(),
        "code_2002": row["code_2002"].strip() or None,
        "plot_ratio_min": _nullable(row["plot_ratio_min"], float),
        "nuisance_class": _nullable(row["nuisance_class"], int),
        "collective_decision": row["collective_decision"].strip().lower() == "true",
        "sector": row["sector"].strip() or None,
        "edition": row["edition"].strip(),
        "source": row["source"].strip(),
    }


def _land_use(row: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"].strip(),
        "name": row["name"].strip(),
        "parent_code": row["parent_code"].strip() or None,
        "kind": row["kind"].strip(),
        "max_nuisance": _nullable(row["max_nuisance"], int),
        "legacy_codes": [c.strip() for c in row["legacy_codes"].split(";") if c.strip()],
        "source": row["source"].strip(),
    }


def _unit(row: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"].strip(),
        "name": row["name"].strip(),
        "kind": row["kind"].strip(),
        "area_code": row["area_code"].strip() or None,
    }


def _protection(row: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"].strip(),
        "industry_code": row["industry_code"].strip() or None,
        "nuisance_class": _nullable(row["nuisance_class"], int),
        "distance_m": float(row["distance_m"]),
        "source": row["source"].strip(),
    }


TABLES = (
    ("industries.csv", Industry, _industry),
    ("land_use_classes.csv", LandUseClass, _land_use),
    ("units.csv", Unit, _unit),
    ("protection_distances.csv", ProtectionDistance, _protection),
)


def sync_reference(session: Session, directory: Path) -> dict[str, int]:
    """Insert or update every reference row from the CSV files in `directory`; return counts."""
    counts: dict[str, int] = {}
    for filename, model, parse in TABLES:
        path = directory / filename
        if not path.exists():
            raise NotFound(kind=Text("kind.reference"), code=str(path))
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [parse(row) for row in csv.DictReader(handle)]
        for values in rows:
            session.merge(model(**values))
        counts[filename] = len(rows)
    session.flush()
    return counts


def land_use_class(session: Session, code: str) -> LandUseClass:
    """The land-use class for `code`, or `InvalidInput` naming the valid form."""
    found = session.get(LandUseClass, code.strip())
    if found is None:
        raise InvalidInput("error.unknown_land_use", code=code)
    return found


def industry_codes(session: Session) -> set[str]:
    """All known industry codes."""
    return set(session.scalars(select(Industry.code)))
