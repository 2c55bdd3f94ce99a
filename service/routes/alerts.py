"""/api/alerts: the reader's to-do list (待办) — late starts, 签约未供地, reservations held, projects
without follow-up, idle land — on any day. Confidential like the projects (signed-in readers
only); each reader gets what gis/access.py lets them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gis import localtime
from gis.labels import label
from gis.pipeline import alerts
from service.dependencies import Language, ReadSession, SettingsDep
from service.filters import AlertFilters
from service.project_schemas import AlertOut, AlertsOut, PersonOut
from service.read_access import ProjectReader

router = APIRouter(prefix="/api/alerts", tags=["projects 招商项目"])

Filters = Annotated[AlertFilters, Depends()]


def alert_out(alert: alerts.Alert, lang: str) -> AlertOut:
    """An alert as the API answers it."""
    return AlertOut(
        kind=alert.kind.value,
        kind_label=label("alert", alert.kind.value, lang),
        record=alert.record,
        code=alert.code,
        name=alert.name,
        url=alert.url,
        since=alert.since,
        days=alert.days,
        responsible=[PersonOut(name=p.name) for p in alert.responsible],
        project=alert.project,
    )


@router.get("", summary="To-do alerts 待办提醒", responses={401: {"description": "Sign-in required"}})
def list_alerts(
    session: ReadSession, settings: SettingsDep, lang: Language, who: ProjectReader, filters: Filters
) -> AlertsOut:
    """The alerts the reader may read on `as_of` (default today), of the kinds asked (all by default),
    only those naming the reader with `mine`; most overdue first within each kind."""
    day = filters.as_of or localtime.today()
    found = alerts.alerts(
        session,
        who,
        settings.pipeline.config(),
        day,
        kinds=[alerts.Kind(k) for k in filters.kind or ()],
        mine=filters.mine,
    )
    return AlertsOut(
        as_of=day,
        counts={k.value: n for k, n in alerts.counts(found).items()},
        alerts=[alert_out(a, lang) for a in found],
    )
