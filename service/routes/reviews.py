"""/api/projects/{code}/reviews: joint reviews (联合会审) as records — held for a project, read,
the departments' opinions entered, the outcome decided, and each downloaded as a printable A4
PDF, an XLSX workbook or an HTML page.

A review is named in URLs by its slug, 2026-007; the number as printed, 会审〔2026〕007号
(URL-encoded), names it too. Readers are those who may read its project (401 for anonymous
readers, 404 for a project they may not read); investment staff and administrators hold reviews
and enter opinions, administrators alone enter the outcome. The sheet computed on the fly
(`/api/projects/{code}/review`) is the preview before a record exists.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from gis.access import Action, Principal
from gis.gateway import reviews as writes
from gis.pipeline import reviews
from gis.pipeline.reviews import APPROVED, Department, Record
from service import sites
from service.auth import requires
from service.dependencies import DatabaseDep, Language, ReadSession, SettingsDep
from service.read_access import (
    ProjectCode,
    ProjectReader,
    ReadableProject,
    ReadableReview,
    ReviewNumber,
    visible_projects,
)
from service.review_schemas import (
    OPINIONS_EXAMPLE,
    DecisionIn,
    OpinionIn,
    ReviewCreate,
    ReviewList,
    ReviewRecordOut,
    opinion_values,
)
from service.review_sheet import record_dict, to_html, to_pdf, to_xlsx

router = APIRouter(prefix="/api/projects", tags=["reviews 联合会审"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ReviewEditor = Annotated[Principal, requires(Action.EDIT_PROJECT)]
Decider = Annotated[Principal, requires(Action.DECIDE_REVIEW)]
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sign-in required"},
    404: {"description": "No such review of this project, or a project the reader may not read"},
}
CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Sign-in required"},
    403: {
        "description": (
            "Role may not hold reviews; only administrators enter an outcome or touch a decided review"
        )
    },
    404: {"description": "No such project, site or review"},
    **sites.IF_MATCH_RESPONSES,
}


def _out(record: Record, lang: str) -> ReviewRecordOut:
    return ReviewRecordOut.model_validate(record_dict(record, lang))


def _answer(record: Record, lang: str, response: Response) -> ReviewRecordOut:
    response.headers["ETag"] = sites.etag(record.version)
    return _out(record, lang)


@router.post(
    "/{code}/reviews", status_code=201, responses=CHANGE_RESPONSES, summary="Hold a joint review 新建联合会审"
)
def create_review(
    body: ReviewCreate,
    code: ProjectCode,
    db: DatabaseDep,
    settings: SettingsDep,
    user: ReviewEditor,
    lang: Language,
    response: Response,
) -> ReviewRecordOut:
    """Number (会审〔year〕serial号, a serial per year), date and keep a review of the project on
    the site, its indicators as they stand today; pending until an administrator decides."""
    with db.write() as session:
        record = writes.create(
            session, body.new(code), who=user, config=settings.review_config(), match=settings.match_config()
        )
        out = _answer(record, lang, response)  # before the commit: an answer that cannot be built undoes it
    response.headers["Location"] = out.links["self"]
    return out


@router.get("/{code}/reviews", summary="A project's joint reviews 项目联合会审", responses=READ_RESPONSES)
def project_reviews(
    code: ReadableProject, session: ReadSession, lang: Language, who: ProjectReader
) -> ReviewList:
    """Every review of the project in the order held, and whether one approved it."""
    records = reviews.reviews_of(session, code, visible=visible_projects(session, who))
    return ReviewList(
        project_code=code,
        approved=any(r.outcome in APPROVED for r in records),
        reviews=[_out(r, lang) for r in records],
    )


def _download(record: Record, suffix: str) -> dict[str, str]:
    """Content-Disposition naming the file by its number (an ASCII name for old clients)."""
    return {
        "Content-Disposition": f'attachment; filename="review-{record.slug}.{suffix}"; '
        f"filename*=UTF-8''{quote(f'{record.number}.{suffix}')}"
    }


# The downloads come before /reviews/{number}, which would take "2026-007.pdf" for a number
@router.get(
    "/{code}/reviews/{number}.pdf",
    response_class=Response,
    summary="Joint review as PDF 会审表 PDF",
    responses={
        200: {"content": {PDF: {}}, "description": "A4 PDF, Chinese font embedded"},
        501: {"description": "The server lacks Pango or the font (fonts-wqy-microhei)"},
        **READ_RESPONSES,
    },
)
def review_pdf(record: ReadableReview, lang: Language) -> Response:
    """The review as a printable A4 PDF, rendered on the server."""
    return Response(to_pdf(record_dict(record, lang), lang), media_type=PDF, headers=_download(record, "pdf"))


@router.get(
    "/{code}/reviews/{number}.xlsx",
    response_class=Response,
    summary="Joint review as XLSX 会审表下载",
    responses={200: {"content": {XLSX: {}}, "description": "XLSX workbook"}, **READ_RESPONSES},
)
def review_xlsx(record: ReadableReview, lang: Language) -> Response:
    """The review as an Excel workbook, every text cell plain text."""
    data = record_dict(record, lang)
    return Response(to_xlsx(data["sheet"], lang, data), media_type=XLSX, headers=_download(record, "xlsx"))


@router.get(
    "/{code}/reviews/{number}.html",
    response_class=HTMLResponse,
    summary="Joint review to print 会审表打印",
    responses=READ_RESPONSES,
)
def review_html(record: ReadableReview, lang: Language) -> HTMLResponse:
    """The review as a printable A4 page."""
    data = record_dict(record, lang)
    return HTMLResponse(to_html(data["sheet"], lang, data))


@router.get("/{code}/reviews/{number}", summary="One joint review 联合会审", responses=READ_RESPONSES)
def get_review(record: ReadableReview, lang: Language, response: Response) -> ReviewRecordOut:
    """The review with its version as the ETag (send it back in If-Match to change it)."""
    return _answer(record, lang, response)


@router.patch(
    "/{code}/reviews/{number}/opinions",
    responses=CHANGE_RESPONSES,
    summary="Departments' opinions 录入部门意见",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": OPINIONS_EXAMPLE}}}},
)
def record_opinions(
    body: dict[Department, OpinionIn],
    code: ProjectCode,
    number: ReviewNumber,
    request: Request,
    db: DatabaseDep,
    user: ReviewEditor,
    lang: Language,
    response: Response,
) -> ReviewRecordOut:
    """The opinions of the departments given (发改 development_reform, 商务 commerce, 自然资源
    natural_resources, 住建 housing_construction, 行政审批 administrative_approval): the fields sent
    change, null clears one. Once decided, administrators only. Send the ETag in If-Match."""
    version = sites.if_match(request)
    with db.write() as session:
        record = writes.record_opinions(
            session, code, number, opinion_values(body), who=user, expected_version=version
        )
        return _answer(record, lang, response)


@router.put("/{code}/reviews/{number}/outcome", responses=CHANGE_RESPONSES, summary="Decide 录入会审结论")
def decide(
    body: DecisionIn,
    code: ProjectCode,
    number: ReviewNumber,
    request: Request,
    db: DatabaseDep,
    user: Decider,
    lang: Language,
    response: Response,
) -> ReviewRecordOut:
    """The outcome (administrators only): 通过, 有条件通过 with the conditions, 不通过 with the
    reasons. Send the ETag in If-Match."""
    version = sites.if_match(request)
    with db.write() as session:
        record = writes.decide(
            session, code, number, body.outcome, body.outcome_note, who=user, expected_version=version
        )
        return _answer(record, lang, response)
