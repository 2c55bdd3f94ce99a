"""Parcels and factories: everything the service's routes, pages and documents say differently
of the two kinds of site, one row each. The code that uses a row is written once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import Session

from gis import inventory
from gis.inventory import Page
from gis.models import Factory, Parcel
from gis.rows import FactoryRow, ParcelRow, SiteRow
from gis.vocabulary import Layer, SiteKind
from service.filters import FactoryFilters, ParcelFilters, sort_by
from service.geojson import factory_properties, parcel_properties
from service.schemas import (
    FactoryCollection,
    FactoryFeature,
    FactoryPatch,
    NewFactory,
    NewParcel,
    ParcelCollection,
    ParcelFeature,
    ParcelPatch,
)
from service.templating import mu, number


@dataclass(frozen=True)
class ServedKind:
    """One kind of site: its names, how it is read and shown, and its schemas in /docs."""

    name: SiteKind  # the domain's word for it (gateway, history, workflow)
    plural: Layer  # its URLs, layers and collections
    zh: str  # its Chinese name in /docs summaries and tags
    code_example: str
    model: type[Parcel] | type[Factory]
    get: Callable[[Session, str], SiteRow]
    list: Callable[[Session, Any], Page[ParcelRow] | Page[FactoryRow]]
    statements: Callable[[Session, Any], tuple[Select[Any], Select[Any]]]  # `list`'s count and page
    properties: Callable[[Any, str], dict[str, Any]]  # its kind's row (`get`, `list`) as Feature properties
    filters: type[ParcelFilters] | type[FactoryFilters]
    sort: Callable[[str], str]  # the list's `sort` dependency
    feature: type[BaseModel]
    collection: type[BaseModel]
    new: type[BaseModel]
    patch: type[BaseModel]
    shows: str  # what a reader reads of one, for /docs
    fits: str  # which projects fit one, for /docs
    status_class: str  # CSS class prefix of its status colours
    size_label: str  # the size the workspace lists, and how it is written
    size_text: Callable[[float | None], str]

    @property
    def code(self) -> Any:
        """Its code as a path parameter, described in /docs."""
        return Path(max_length=40, description=f"{self.zh}编号", examples=[self.code_example])


PARCEL = ServedKind(
    name=SiteKind.PARCEL,
    plural=Layer.PARCELS,
    zh="地块",
    code_example="KFQ-001",
    model=Parcel,
    get=inventory.get_parcel,
    list=inventory.list_parcels,
    statements=inventory.parcel_page_statement,
    properties=parcel_properties,
    filters=ParcelFilters,
    sort=sort_by(inventory.PARCEL_SORTS),
    feature=ParcelFeature,
    collection=ParcelCollection,
    new=NewParcel,
    patch=ParcelPatch,
    shows="contacts, owner, remarks and account names for signed-in readers; the reserving project "
    "for readers of the site's reservations",
    fits="Pipeline projects (negotiating or signed, no land yet) that the parcel fits, best first; of "
    "the projects the reader may read (signed-in users; a park manager those of their own areas).",
    status_class="ls-status-",
    size_label="field.area_mu",
    size_text=lambda m2: mu(m2, 1),
)
FACTORY = ServedKind(
    name=SiteKind.FACTORY,
    plural=Layer.FACTORIES,
    zh="厂房",
    code_example="CF-KFQ-001",
    model=Factory,
    get=inventory.get_factory,
    list=inventory.list_factories,
    statements=inventory.factory_page_statement,
    properties=factory_properties,
    filters=FactoryFilters,
    sort=sort_by(inventory.FACTORY_SORTS),
    feature=FactoryFeature,
    collection=FactoryCollection,
    new=NewFactory,
    patch=FactoryPatch,
    shows="personal data and the reserving project as for parcels",
    fits="Pipeline projects with a floor-area need (or steered to factories) that fit, best first; of "
    "the projects the reader may read.",
    status_class="ls-fstatus-",
    size_label="field.vacant_area_m2",
    size_text=number,
)
# looked up by the words of URLs and histories (str), which a SiteKind and a Layer equal
KINDS: dict[str, ServedKind] = {kind.name: kind for kind in (PARCEL, FACTORY)}
BY_PLURAL: dict[str, ServedKind] = {kind.plural: kind for kind in KINDS.values()}


def kind_of_page(request: Request) -> ServedKind:
    """The kind of site a page's route is about, from its first segment (/parcels/…, /factories/…)."""
    return BY_PLURAL[request.scope["route"].path.split("/")[1]]


PageKind = Annotated[ServedKind, Depends(kind_of_page)]
# A web form's path: the kind as its URL spells it, and the record's code.
SitePlural = Annotated[str, Path(pattern="^(parcels|factories)$")]
SiteCode = Annotated[str, Path(max_length=40)]
