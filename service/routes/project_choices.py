"""GET /api/projects/choices: the project picker's matches, among the projects the reader may
read (gis/project_choice.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gis import project_choice
from service.dependencies import ReadSession
from service.read_access import ProjectReader, visible_projects

router = APIRouter(prefix="/api/projects", tags=["projects"])


class ProjectChoiceOut(BaseModel):
    """A project the reader may pick: its code and name."""

    code: str
    name: str


@router.get(
    "/choices",
    summary="Pick a project 项目选择",
    responses={401: {"description": "Sign-in required"}},
)
def project_choices(
    session: ReadSession,
    who: ProjectReader,
    q: Annotated[str, Query(max_length=100, description="Part of a code or name")] = "",
    limit: Annotated[int, Query(ge=1, le=project_choice.MAX_CHOICES)] = 10,
) -> list[ProjectChoiceOut]:
    """The projects the reader may read whose code or name holds `q`, codes starting with it
    first: a park manager is offered their own parks' and towns' projects only."""
    found = project_choice.choices(session, q, visible_projects(session, who), limit=limit)
    return [ProjectChoiceOut(code=c["code"], name=c["name"]) for c in found]
