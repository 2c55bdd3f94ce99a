"""The typed rows of gis/rows.py are the rows the queries return, key for key and type for type,
on both databases."""

import types
import typing

from gis import inventory, projects
from gis.inventory import AreaQuery, FactoryQuery, ParcelQuery
from gis.projects import ProjectQuery
from gis.rows import AreaRow, AreaShapeRow, FactoryRow, ParcelRow, ProjectListRow, ProjectRow


def _allowed(hint):
    """The classes a value of `hint` may be (`X | None`, `list[str]`, a class)."""
    if isinstance(hint, types.UnionType):
        return tuple(c for part in typing.get_args(hint) for c in _allowed(part))
    origin = typing.get_origin(hint)
    return (type(None),) if hint is type(None) else ((origin,) if origin else (hint,))


def _wrong(row, typed):
    """Keys missing or extra, and values of another type than the typed dict declares."""
    hints = typing.get_type_hints(typed)
    problems = [f"keys: {sorted(set(row) ^ set(hints))}"] if set(row) != set(hints) else []
    for key, hint in hints.items():
        value = row.get(key)
        if not isinstance(value, _allowed(hint)):
            problems.append(f"{key}: {type(value).__name__} is not {hint}")
    return problems


def _every(rows, typed):
    return [p for row in rows for p in _wrong(row, typed)]


def test_inventory_rows_are_their_typed_dicts(sample_db):
    with sample_db.read() as session:
        parcels = inventory.list_parcels(session, ParcelQuery(limit=50)).rows
        factories = inventory.list_factories(session, FactoryQuery(limit=50)).rows
        areas = inventory.area_page(session, AreaQuery(limit=50)).rows
        assert parcels and factories and areas
        assert _every(parcels, ParcelRow) == []
        assert _every([inventory.get_parcel(session, parcels[0]["code"])], ParcelRow) == []
        assert _every(factories, FactoryRow) == []
        assert _every([inventory.get_factory(session, factories[0]["code"])], FactoryRow) == []
        assert _every(areas, AreaShapeRow) == []
        assert _every([inventory.get_area(session, areas[0]["code"])], AreaShapeRow) == []
        assert _every(inventory.list_areas(session), AreaRow) == []


def test_project_rows_are_their_typed_dicts(sample_db):
    with sample_db.read() as session:
        rows, matched = projects.find_projects(session, ProjectQuery(limit=50))
        assert rows and matched
        assert _every(rows, ProjectListRow) == []
        assert _every([projects.get_project(session, rows[0]["code"])], ProjectRow) == []
