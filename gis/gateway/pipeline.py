"""How a project's stage follows the site it is on: the one rule by which a site's status step
moves a project along (signing, supplying, starting, producing), never backwards, only when the
writer may change projects, and always recorded in the project's history. A park manager's step
on a site therefore leaves the project where investment staff put it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from gis.access import ALLOWED, Action, Principal
from gis.history import record_change, snapshot
from gis.models import Project, ProjectStageEvent, utcnow
from gis.pipeline.stages import FORWARD

STAGES = tuple(s.value for s in FORWARD)
STAGE_BY_STATUS = {"signed": "signed", "supplied": "supplied", "under_construction": "started",
                   "in_production": "producing", "leased": "supplied", "sold": "supplied"}


def stage_after(stage: str, site_status: str) -> str | None:
    """The stage a project at `stage` reaches when its site reaches `site_status` (None: it stays)."""
    target = STAGE_BY_STATUS.get(site_status)
    if target is None or (stage in STAGES and STAGES.index(target) <= STAGES.index(stage)):
        return None
    return target


def follow_site(session: Session, project: Project | None, site_status: str, *, who: Principal) -> None:
    """Move `project` along when its site's step takes it further and `who` may change projects."""
    if project is None or Action.EDIT_PROJECT not in ALLOWED[who.role]:
        return
    stage = stage_after(project.stage, site_status)
    if stage is None:
        return
    today = dt.date.today()
    before = snapshot(project)
    project.stage, project.stage_since = stage, today
    if stage == "signed" or (stage == "supplied" and project.signed_on is None):
        project.signed_on = project.signed_on or today
    if stage == "started":
        project.started_on = project.started_on or today
    project.updated_by, project.updated_at = who.name, utcnow()
    session.add(ProjectStageEvent(project_id=project.id, day=today, actor=who.name,
                                  from_stage=before["stage"], to_stage=stage, note=None))
    session.flush()
    record_change(session, "project", project, "update", before, snapshot(project), who.name)
