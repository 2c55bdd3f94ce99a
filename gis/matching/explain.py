"""A match result as plain data in the reader's language, for the API, the CLI and the sheets."""

from __future__ import annotations

from typing import Any

import orjson

from gis.area import M2_PER_MU
from gis.labels import Text, label, message
from gis.matching import protection
from gis.matching.candidates import Candidate
from gis.matching.constraints import COLLECTIVE, Check, infra_label
from gis.matching.criteria import CRITERION, figure
from gis.matching.kinds import KINDS
from gis.matching.need import Resolved
from gis.matching.run import MatchResult
from gis.vocabulary import CandidateKind


def check_label(name: str, lang: str) -> str:
    """The name of a check in words ("distance.port" → "距港口距离")."""
    if name.startswith("distance."):
        target = infra_label(name.removeprefix("distance."))
        return message("match.check.distance", lang, target=target)
    return message(f"match.check.{name}", lang)


def check_dict(check: Check, lang: str) -> dict[str, Any]:
    """One check with its labels and gap."""
    return {
        "name": check.name,
        "label": check_label(check.name, lang),
        "status": check.status,
        "status_label": label("match.check_status", check.status, lang),
        "site": check.site,
        "required": check.required,
        "gap": check.gap.render(lang) if check.gap else None,
    }


def _mu(m2: float | None) -> float | None:
    return None if m2 is None else round(m2 / M2_PER_MU, 2)


def _facts(c: Candidate) -> dict[str, Any]:
    f = c.facts
    keys = (
        "name",
        "park_code",
        "park_name",
        "town_code",
        "town_name",
        "land_use",
        "land_use_name",
        "status",
        "price_wan_per_mu",
        "building_type",
        "vacant_area_m2",
        "floor_area_m2",
        "clear_height_m",
        "floor_load_kn_m2",
        "crane_t",
        "power_kva",
        "rent_yuan_m2_month",
        "plot_ratio_max",
        "idle_since",
    )
    out = {k: f.get(k) for k in keys if k in f}
    if c.kind == CandidateKind.PARCEL:
        out.update(area_mu=_mu(f["area_m2"]), cert_area_mu=_mu(f.get("cert_area_m2")))
    elif c.kind == CandidateKind.ASSEMBLY:
        out["area_mu"] = round(f["area_mu"], 2)
        out["name"] = " + ".join(m["name"] or m["code"] for m in f["members"])
    return out


def criterion_fact(name: str, raw: Any, kind: str, lang: str) -> str | None:
    """The fact behind a criterion's points in words ("6.3 公里", "闲置 7 年"), or None."""
    if name == "assembly":  # the penalty of an assembled site, beside its criteria
        return message("match.fact.members", lang, count=figure(raw))
    criterion = CRITERION.get(name)
    return criterion.words(raw, KINDS[kind], lang) if criterion else None


def candidate_dict(c: Candidate, lang: str, rank: int | None = None) -> dict[str, Any]:
    """One candidate: score, each criterion's points, each check, the gaps and the geometry."""
    return {
        "rank": rank,
        "kind": c.kind,
        "kind_label": label("match.kind", c.kind, lang),
        "code": c.code,
        "members": c.members,
        "score": c.score,
        **_facts(c),
        "criteria": [
            {
                **row,
                "label": label("match.criterion", row["name"], lang),
                "fact": criterion_fact(row["name"], row["raw"], c.kind, lang),
            }
            for row in c.criteria
        ],
        "checks": [check_dict(k, lang) for k in c.checks],
        "gaps": [k.gap.render(lang) for k in c.checks if k.failed and k.gap],
        "collective_decision": any(k.status == COLLECTIVE for k in c.checks),
        "geometry": orjson.loads(c.geojson) if c.geojson else None,
        "protection": protection_dict(c, lang),
    }


def protection_dict(c: Candidate, lang: str) -> dict[str, Any] | None:
    """The receptor a site is too near and the ring of the distance required around the site,
    for the map (None: no receptor is too near, or the need keeps no distance)."""
    fact = c.facts.get("protection")
    if not fact or not fact["receptor"] or not c.geojson:
        return None
    receptor = fact["receptor"]
    return {
        "required_m": fact["required_m"],
        "receptor": {**receptor, "kind_label": label("receptor_kind", receptor["kind"], lang)},
        "ring": protection.ring(c.geojson, fact["required_m"]),
    }


def need_dict(need: Resolved, lang: str) -> dict[str, Any]:
    """What was matched, once resolved: class, land range, plot-ratio minimum, floor area."""
    return {
        "project_code": need.need.project_code,
        "name": need.need.name,
        "industry_code": need.industry.code,
        "industry_name": need.industry.name,
        "nuisance_class": need.nuisance_class,
        "nuisance_label": label("nuisance", need.nuisance_class, lang),
        "land_min_mu": need.land_min_mu,
        "land_max_mu": need.land_max_mu,
        "land_derived": need.land_derived,
        "plot_ratio_min": need.plot_ratio_min,
        "collective_decision": need.collective,
        "floor_area_min_m2": need.floor_area_min_m2,
        "steer_to_factories": need.steer_to_factories,
    }


def result_dict(result: MatchResult, lang: str) -> dict[str, Any]:
    """The whole match: the need, notes, ranked lists, near misses and counts."""
    return {
        "need": need_dict(result.need, lang),
        "notes": [n.render(lang) for n in result.notes],
        "order": ["factories", "parcels"] if result.need.steer_to_factories else ["parcels", "factories"],
        "parcels": [candidate_dict(c, lang, i + 1) for i, c in enumerate(result.parcels)],
        "factories": [candidate_dict(c, lang, i + 1) for i, c in enumerate(result.factories)],
        "near_misses": {
            "parcels": [candidate_dict(c, lang) for c in result.near_parcels],
            "factories": [candidate_dict(c, lang) for c in result.near_factories],
        },
        "counts": result.counts,
    }


def text(value: Text | str, lang: str) -> str:
    """A Text or a plain string, rendered."""
    return value.render(lang) if isinstance(value, Text) else value
