"""The status workflows that park managers drive, as one table per kind of record.

Parcels: 可供 → 意向 (for a named project) → 已签约 → 已供地 → 已开工 → 已投产; 暂不可供 (with a
reason) from any state; a reservation can be released back to 可供, and an unavailable parcel
returns to 可供 when the reason is resolved.
Factories: 空置 → 意向 → 已出租 / 已出售; a reservation can be released, and a lease that ends or
a sold building offered again returns the factory to 空置. Partly vacant factories keep their
status and report the vacant floor area.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gis.errors import IllegalTransition, InvalidInput
from gis.labels import Text, label
from gis.vocabulary import SiteKind


class ParcelStatus(StrEnum):
    """Status of a parcel (存量地块)."""

    AVAILABLE = "available"
    RESERVED = "reserved"
    SIGNED = "signed"
    SUPPLIED = "supplied"
    UNDER_CONSTRUCTION = "under_construction"
    IN_PRODUCTION = "in_production"
    UNAVAILABLE = "unavailable"


class FactoryStatus(StrEnum):
    """Status of a factory building (存量厂房)."""

    VACANT = "vacant"
    RESERVED = "reserved"
    LEASED = "leased"
    SOLD = "sold"


P, F = ParcelStatus, FactoryStatus

PARCEL_TRANSITIONS: dict[ParcelStatus, frozenset[ParcelStatus]] = {
    P.AVAILABLE: frozenset({P.RESERVED, P.UNAVAILABLE}),
    P.RESERVED: frozenset({P.AVAILABLE, P.SIGNED, P.UNAVAILABLE}),
    P.SIGNED: frozenset({P.SUPPLIED, P.UNAVAILABLE}),
    P.SUPPLIED: frozenset({P.UNDER_CONSTRUCTION, P.UNAVAILABLE}),
    P.UNDER_CONSTRUCTION: frozenset({P.IN_PRODUCTION, P.UNAVAILABLE}),
    P.IN_PRODUCTION: frozenset({P.UNAVAILABLE}),
    P.UNAVAILABLE: frozenset({P.AVAILABLE}),
}

FACTORY_TRANSITIONS: dict[FactoryStatus, frozenset[FactoryStatus]] = {
    F.VACANT: frozenset({F.RESERVED}),
    F.RESERVED: frozenset({F.VACANT, F.LEASED, F.SOLD}),
    F.LEASED: frozenset({F.VACANT}),
    F.SOLD: frozenset({F.VACANT}),
}

WORKFLOWS: dict[SiteKind, tuple[type[StrEnum], Mapping[Any, frozenset[Any]], str]] = {
    SiteKind.PARCEL: (ParcelStatus, PARCEL_TRANSITIONS, "parcel_status"),
    SiteKind.FACTORY: (FactoryStatus, FACTORY_TRANSITIONS, "factory_status"),
}

# States that tie a site to a project and need the project named.
NEEDS_PROJECT = {P.RESERVED, F.RESERVED}
NEEDS_NOTE = {P.UNAVAILABLE}


def parse_status(kind: SiteKind, value: str) -> StrEnum:
    """Accept a status code ("available") or its Chinese or English label ("可供")."""
    enum, _, group = WORKFLOWS[kind]
    text = value.strip()
    for member in enum:
        if text in (member.value, label(group, member.value, "zh"), label(group, member.value, "en")):
            return member
    raise InvalidInput.not_a_choice("status", value, group, enum)


def check_transition(
    kind: SiteKind,
    code: str,
    current: str,
    target: str,
    *,
    project: str | None = None,
    note: str | None = None,
) -> None:
    """Raise unless `kind` record `code` may go from `current` to `target` with these details."""
    enum, table, group = WORKFLOWS[kind]
    source, dest = enum(current), enum(target)
    if source == dest:
        raise IllegalTransition("status.unchanged", label=Text(f"{group}.{dest.value}"))
    allowed = table[source]
    if dest not in allowed:
        names = [Text(f"{group}.{s.value}") for s in enum if s in allowed] or [Text("status.none_allowed")]
        raise IllegalTransition(
            kind=Text(f"kind.{kind}"),
            code=code,
            from_label=Text(f"{group}.{source.value}"),
            to_label=Text(f"{group}.{dest.value}"),
            allowed=names,
        )
    if dest in NEEDS_PROJECT and not project:
        raise InvalidInput("status.needs_project")
    if dest in NEEDS_NOTE and not (note and note.strip()):
        raise InvalidInput("status.needs_note")
