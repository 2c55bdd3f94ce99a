"""The to-do page (待办): the signed-in user's alerts grouped by kind with their counts, each row
linked to its record, filtered like /api/alerts; and the count the navigation shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError

from gis import freshness, localtime
from gis.access import Principal
from gis.errors import InvalidInput
from gis.labels import Text
from gis.pipeline import alerts
from gis.pipeline.config import PipelineConfig
from service.auth import OptionalUser
from service.dependencies import ReadSession, SettingsDep
from service.filters import AlertFilters
from service.read_access import ProjectPageReader
from service.web.frame import page

router = APIRouter(include_in_schema=False)

FORM = TypeAdapter(AlertFilters)
# each filter's name on the page, and what a refused value should be
WORDS = {
    "kind": ("web.todo.kind", "web.error.choice"),
    "mine": ("web.todo.mine", "web.error.choice"),
    "as_of": ("web.supply.as_of", "web.error.format"),
}


def page_filters(request: Request) -> AlertFilters:
    """The to-do filters as the page's form sends them (an empty field means any), checked as
    /api/alerts checks them; a refusal names the field."""
    params = request.query_params
    values = {
        "kind": [k for k in params.getlist("kind") if k],
        "mine": params.get("mine") or False,
        "as_of": params.get("as_of") or None,
    }
    try:
        return FORM.validate_python(values)
    except ValidationError as error:
        first = error.errors()[0]
        name, reason = WORDS[str(first["loc"][0])]
        raise InvalidInput(field=Text(name), value=str(first["input"]), reason=Text(reason)) from None


Filters = Annotated[AlertFilters, Depends(page_filters)]


def limits(config: PipelineConfig) -> dict[str, int]:
    """The setting each kind's explanation names (days, or years for idle land)."""
    return {
        "signed_unsupplied": config.signed_unsupplied_days,
        "reservation_held": config.reservation_days,
        "no_follow_up": config.follow_up_days,
        "idle_fee": config.idle_fee_years,
        "idle_reclaim": config.idle_reclaim_years,
    }


def shows_due(who: Principal, filters: AlertFilters) -> bool:
    """Whether the page lists the records due for verification: to those who keep them, unless
    the reader asked for one kind of alert, or for theirs while keeping none in particular."""
    return freshness.verifies(who) and not filters.kind and (who.scoped or not filters.mine)


@router.get("/todo", response_class=HTMLResponse)
def todo_page(
    request: Request, session: ReadSession, settings: SettingsDep, who: ProjectPageReader, filters: Filters
) -> HTMLResponse:
    """The reader's alerts on a day, by kind, most overdue first."""
    day = filters.as_of or localtime.today()
    config = settings.pipeline.config()
    kinds = [alerts.Kind(k) for k in filters.kind or ()]
    found = alerts.alerts(session, who, config, day, kinds=kinds, mine=filters.mine)
    groups = [(kind, [a for a in found if a.kind == kind]) for kind in (kinds or list(alerts.Kind))]
    after_days = settings.verify.after_days
    return page(
        request,
        "todo.html",
        {
            "user": who,
            "day": day,
            "today": localtime.today(),
            "filters": filters,
            "groups": groups,
            "groups_all": list(alerts.Kind),
            "limits": limits(config),
            "due": freshness.due(session, who, after_days) if shows_due(who, filters) else None,
            "verify_after_days": after_days,
        },
    )


@router.get("/todo/count", response_class=HTMLResponse)
def todo_count(
    request: Request, session: ReadSession, settings: SettingsDep, who: OptionalUser
) -> HTMLResponse:
    """The navigation's badge: how many alerts the reader has today, with the records due for
    verification. Nothing for a reader signed out meanwhile (a page drawn before is still
    asking): no error in their console, nothing told."""
    if who is None:
        return HTMLResponse("")
    found = alerts.alerts(session, who, settings.pipeline.config())
    due = freshness.count_due(session, who, settings.verify.after_days)
    return page(request, "_todo_count.html", {"total": len(found) + due})
