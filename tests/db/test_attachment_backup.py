"""`landstock backup` and `landstock restore` carry the photos and documents of the inventory
(their bytes live in the database), byte for byte, on both databases."""

from sqlalchemy import select

from gis import attachments
from gis.access import operator
from gis.gateway.attachments import Upload, attach
from gis.media import MediaLimits
from gis.models import Parcel
from gis.vocabulary import SiteKind
from tests.photos import pdf, phone_jpeg
from tests.service.test_cli import landstock


def test_a_record_with_a_photo_and_a_document_is_restored_byte_identical(databases, backend, tmp_path):
    url, file = databases.url(backend, sample=True), tmp_path / "with-photos.backup"
    db = databases.open_url(url)
    with db.write() as session:
        code = session.scalar(select(Parcel.code).order_by(Parcel.code).limit(1))
        uploads = [Upload("现场.jpg", phone_jpeg()), Upload("证书.pdf", pdf())]
        made = attach(session, SiteKind.PARCEL, code, uploads, who=operator("tests"), limits=MediaLimits())
        ids = [a.id for a in made]
    with db.read() as session:
        before = [attachments.read(session, i, operator("tests")) for i in ids]
        thumbnail = attachments.read(session, ids[0], None, thumbnail=True)
    db.dispose()

    made_backup = landstock("backup", str(file), url=url)
    target_url = databases.blank_url(backend)
    restored = landstock("restore", str(file), url=target_url)

    assert made_backup.returncode == 0 and restored.returncode == 0, restored.stderr
    target = databases.open_url(target_url)
    with target.read() as session:
        after = [attachments.read(session, i, operator("tests")) for i in ids]
        listed = attachments.of_site(session, SiteKind.PARCEL, code, documents=True)
        assert attachments.read(session, ids[0], None, thumbnail=True) == thumbnail
    assert after == before and after[1].data == pdf()
    assert [(a["id"], a["file_name"]) for a in listed] == [(ids[0], "现场.jpg"), (ids[1], "证书.pdf")]
