"""/api/areas: parks, zones and towns."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from gis import inventory
from gis.area import M2_PER_MU
from gis.labels import label
from service.dependencies import Language, ReadSession
from service.schemas import AreaOut

router = APIRouter(prefix="/api/areas", tags=["areas 园区与镇"])


@router.get("", summary="List parks, zones and towns 园区与镇")
def list_areas(
    session: ReadSession,
    lang: Language,
    kind: Annotated[Literal["park", "town", "zone"] | None, Query(description="类型")] = None,
) -> list[AreaOut]:
    """Every park, zone or town, with its leading industries and size in 亩."""
    return [AreaOut(**{k: v for k, v in row.items() if k != "area_m2"},
                    kind_label=label("area_kind", row["kind"], lang),
                    area_mu=round(row["area_m2"] / M2_PER_MU, 1))
            for row in inventory.list_areas(session, kind)]
