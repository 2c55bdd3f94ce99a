"""A lead as read (gis/matching/lead.py) as plain data in the reader's language: the need, each
phrase understood with its field's label and what it became in words, each piece not placed with
why. What POST /api/match/parse answers, the matching page shows and `landstock match --text`
prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gis.labels import label, message
from gis.matching.lead import Lead, Phrase, Piece

REASONS = {
    "unknown": "lead.reason.unknown",
    "conflict": "lead.reason.conflict",
    "out_of_range": "lead.reason.out_of_range",
}


def shown(value: float) -> str:
    """A figure as people write it: 54, 29.42, 30000 (not 54.0 or 3e+04)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def value_words(field: str, value: Any, industries: Mapping[str, str], lang: str) -> str:
    """What a phrase set, in words: 27 医药制造业, 二类工业, 通路、通电, 港口 10 km, 54."""
    if field == "industry_code":
        return f"{value} {industries.get(value, '')}".strip()
    if field == "nuisance_class":
        return label("nuisance", value, lang)
    if field == "needs_waterfront":
        return message("lead.yes", lang)
    if field == "required_readiness":
        return "、".join(label("ready", item, lang) for item in value)
    if field == "max_distance_km":
        return "; ".join(f"{label('infra_kind', kind, lang)} ≤ {shown(km)} km" for kind, km in value.items())
    return shown(value)


def phrase_dict(phrase: Phrase, industries: Mapping[str, str], lang: str) -> dict[str, Any]:
    """One phrase understood: span, text, field and value, the field's label and the value in words."""
    words = value_words(phrase.field, phrase.value, industries, lang)
    field_label = message(f"field.{phrase.field}", lang)
    return {
        "start": phrase.start,
        "end": phrase.end,
        "text": phrase.text,
        "field": phrase.field,
        "value": phrase.value,
        "label": field_label,
        "says": f"{field_label} = {words}",
    }


def piece_dict(piece: Piece, lang: str) -> dict[str, Any]:
    """One piece not placed: span, text, and why."""
    return {
        "start": piece.start,
        "end": piece.end,
        "text": piece.text,
        "reason": piece.reason,
        "reason_label": message(REASONS[piece.reason], lang),
    }


def lead_dict(lead: Lead, industries: Mapping[str, str], lang: str) -> dict[str, Any]:
    """The lead as the API answers it."""
    return {
        "need": lead.need,
        "understood": [phrase_dict(p, industries, lang) for p in lead.understood],
        "unplaced": [piece_dict(p, lang) for p in lead.unplaced],
    }
