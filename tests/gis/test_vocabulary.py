"""The vocabularies: every word has its label in both languages, and the database's check
constraints allow exactly the words the enums hold (no migration hides behind a new member)."""

import re
from enum import StrEnum

import pytest

from gis.access import Role
from gis.labels import CATALOGUES
from gis.models import Area, Factory, FollowUp, Parcel, ProjectDuplicate, ProjectSite, RecordChange, User
from gis.pipeline.stages import Stage
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import (
    AreaKind,
    BuildingType,
    CandidateKind,
    DuplicateStatus,
    FollowUpKind,
    Layer,
    ReadyItem,
    RecordAction,
    RecordKind,
    SiteKind,
    SiteRole,
    StockType,
)

LABELLED = [
    (SiteKind, "kind"),
    (RecordKind, "kind"),
    (CandidateKind, "match.kind"),
    (RecordAction, "history"),
    (AreaKind, "area_kind"),
    (BuildingType, "building_type"),
    (StockType, "stock_type"),
    (ParcelStatus, "parcel_status"),
    (FactoryStatus, "factory_status"),
    (Role, "role"),
    (Stage, "project_stage"),
    (FollowUpKind, "follow_up"),
    (ReadyItem, "ready"),
    (DuplicateStatus, "web.project.duplicate_status"),
]


@pytest.mark.parametrize(("enum", "group"), LABELLED, ids=[e.__name__ for e, _ in LABELLED])
def test_every_word_has_a_label_in_both_languages(enum: type[StrEnum], group: str):
    for lang, catalogue in CATALOGUES.items():
        missing = [m.value for m in enum if f"{group}.{m.value}" not in catalogue]
        assert missing == [], (lang, missing)


def _allowed(model: type, name: str) -> set[str]:
    """The words a table's check constraint `name` allows."""
    found = [c for c in model.__table__.constraints if str(getattr(c, "name", "")).endswith(f"_{name}")]
    found = [c for c in found if "IN (" in str(getattr(c, "sqltext", ""))]
    assert len(found) == 1, (model, name)
    return set(re.findall(r"'([^']+)'", str(found[0].sqltext)))


@pytest.mark.parametrize(
    ("model", "constraint", "enum"),
    [
        (Parcel, "status", ParcelStatus),
        (Factory, "status", FactoryStatus),
        (Area, "kind", AreaKind),
        (User, "role", Role),
        (FollowUp, "kind", FollowUpKind),
        (RecordChange, "action", RecordAction),
        (ProjectSite, "role", SiteRole),
        (ProjectDuplicate, "status", DuplicateStatus),
    ],
)
def test_the_database_allows_exactly_the_enum_s_words(model: type, constraint: str, enum: type[StrEnum]):
    assert _allowed(model, constraint) == {m.value for m in enum}


def test_a_site_kind_and_its_layer_name_each_other():
    assert [k.layer for k in SiteKind] == [Layer.PARCELS, Layer.FACTORIES]
    assert [layer.site_kind for layer in Layer] == [SiteKind.PARCEL, SiteKind.FACTORY, None, None, None]
    # the map names its site layers in both languages
    assert all(f"map.layer.{k.layer}" in catalogue for k in SiteKind for catalogue in CATALOGUES.values())
    # stored and written as the plain words
    assert SiteKind.PARCEL == "parcel" and f"/{SiteKind.FACTORY.layer}/" == "/factories/"


def test_a_readiness_item_names_its_parcel_column():
    columns = {c.name for c in Parcel.__table__.columns}
    assert all(item.column in columns for item in ReadyItem)
    assert ReadyItem.NET_LAND.column == "net_land" and ReadyItem.ROAD.column == "ready_road"
