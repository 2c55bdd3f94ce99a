"""Photos and documents of parcels and factories: upload (multipart, one or several files) and
list per site, one file or its thumbnail, delete. Uploads and deletes go through the write
gateway (gis/gateway/attachments.py); photos are read as their site is, documents by signed-in
readers only (gis/attachments.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import Response

from gis import attachments
from gis.gateway import attachments as gateway
from service.attachments import AttachmentOut, file_response, listed, uploads
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, ReadSession, SettingsDep
from service.kinds import KINDS, ServedKind
from service.paging import MAX_ROW_ID
from service.read_access import InventoryReader

AttachmentId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="附件编号 (the id the list gives)")]
Files = Annotated[
    list[UploadFile], File(description="JPEG or PNG photos, PDF documents; the type is read from the bytes")
]
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Role or scope does not allow it"},
    413: {"description": "A file, or its pixels, over the limit"},
    415: {"description": "Neither JPEG, PNG nor PDF"},
    422: {"description": "A damaged file, or none"},
}


def _upload(kind: ServedKind) -> Callable[..., list[AttachmentOut]]:
    def upload_attachments(
        code: Annotated[str, kind.code],
        files: Files,
        db: DatabaseDep,
        user: CurrentUser,
        settings: SettingsDep,
    ) -> list[AttachmentOut]:
        sent = uploads(files, settings.attachments)
        with db.write() as session:
            made = gateway.attach(
                session, kind.name, code, sent, who=user, limits=settings.attachments.limits()
            )
            made_ids = {a.id for a in made}
            shown = listed(session, kind, code, user, settings.attachments)
        return [a for a in shown if a.id in made_ids]

    return upload_attachments


def _list(kind: ServedKind) -> Callable[..., list[AttachmentOut]]:
    def list_attachments(
        code: Annotated[str, kind.code], session: ReadSession, who: InventoryReader, settings: SettingsDep
    ) -> list[AttachmentOut]:
        return listed(session, kind, code, who, settings.attachments)

    return list_attachments


def routes_of(kind: ServedKind) -> APIRouter:
    """The attachment routes of one kind of site."""
    router = APIRouter(prefix=f"/api/{kind.plural}", tags=[f"{kind.plural} {kind.zh}"])
    router.add_api_route(
        "/{code}/attachments",
        _upload(kind),
        methods=["POST"],
        name=f"upload_{kind.name}_attachments",
        status_code=201,
        summary=f"Attach photos or documents 上传{kind.zh}照片和文件",
        description=(
            "Multipart `files`: JPEG or PNG photos (re-encoded upright, at most 2560 px, every EXIF tag "
            "but the time taken and the GPS position dropped, a 320 px thumbnail) and PDF documents; "
            "who may edit the site may attach (park managers: their own parks and towns). All or none."
        ),
        responses=REFUSALS,
    )
    router.add_api_route(
        "/{code}/attachments",
        _list(kind),
        methods=["GET"],
        name=f"{kind.name}_attachments",
        summary=f"Photos and documents 照片和文件 of a {kind.name}",
        description="Photos for whoever reads the site; documents for signed-in readers only.",
    )
    return router


router = APIRouter()
for kind in KINDS.values():
    router.include_router(routes_of(kind))


@router.get(
    "/api/attachments/{attachment_id}",
    tags=["attachments 附件"],
    summary="A photo or document 附件",
    response_class=Response,
    responses={200: {"content": {t: {} for t in ("image/jpeg", "image/png", "application/pdf")}}},
)
def get_attachment(
    attachment_id: AttachmentId, request: Request, session: ReadSession, who: InventoryReader
) -> Response:
    """The file as stored, named as it was uploaded; documents for signed-in readers only (401)."""
    served = attachments.read(session, attachment_id, who)
    return file_response(request, served, f"a{attachment_id}")


@router.get(
    "/api/attachments/{attachment_id}/thumbnail",
    tags=["attachments 附件"],
    summary="A photo's thumbnail 缩略图",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def get_thumbnail(
    attachment_id: AttachmentId, request: Request, session: ReadSession, who: InventoryReader
) -> Response:
    """A 320 px JPEG of a photo (documents have none: 404)."""
    served = attachments.read(session, attachment_id, who, thumbnail=True)
    return file_response(request, served, f"t{attachment_id}")


@router.delete(
    "/api/attachments/{attachment_id}",
    tags=["attachments 附件"],
    summary="Delete a photo or document 删除附件",
    status_code=204,
    responses={k: v for k, v in REFUSALS.items() if k in (401, 403)},
)
def delete_attachment(attachment_id: AttachmentId, db: DatabaseDep, user: CurrentUser) -> Response:
    """Soft delete: the file leaves the site's list but stays in the database and its history."""
    with db.write() as session:
        gateway.remove(session, attachment_id, who=user)
    return Response(status_code=204)
