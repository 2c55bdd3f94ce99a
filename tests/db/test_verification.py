"""核实无变化 through the write gateway, on both databases: who may verify, what it stamps and
records (and what it leaves alone), and which other writes count as a verification."""

import datetime as dt

import pytest
from sqlalchemy import select

from gis.access import Principal, Role, operator
from gis.errors import Forbidden, NotFound, VersionConflict
from gis.gateway import sites
from gis.history import changes_of
from gis.io.importer import ImportOptions, import_file
from gis.models import Factory, Parcel
from gis.vocabulary import SiteKind
from tests.corpus import collection, feature, write_json
from tests.db.test_gateway import a_parcel_in, digest, manager

ADMIN = operator("管理员")


def long_ago(db, model, code):
    """Pretend the record was last verified a year ago by someone else."""
    with db.write() as session:
        record = session.scalar(select(model).where(model.code == code))
        record.verified_at = dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC)
        record.verified_by = "旧核实人"
        session.flush()
        return record.version


def stamp(db, model, code):
    with db.read() as session:
        row = session.execute(
            select(model.verified_at, model.verified_by, model.version, model.updated_at).where(
                model.code == code
            )
        ).one()
    return row


def test_a_park_manager_verifies_a_parcel_of_their_park(sample_db):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
        who = manager(session, "P01", name="kfq_manager")
    version = long_ago(sample_db, Parcel, code)
    updated = stamp(sample_db, Parcel, code).updated_at
    with sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=who)
    at, by, after_version, after_updated = stamp(sample_db, Parcel, code)
    assert by == "kfq_manager"
    assert dt.datetime.now(dt.UTC) - at < dt.timedelta(minutes=5)
    assert after_version == version  # nothing the record says changed
    assert after_updated == updated
    with sample_db.read() as session:
        last = changes_of(session, SiteKind.PARCEL, code)[-1]
    assert (last.action, last.actor, last.version) == ("verify", "kfq_manager", version)
    assert last.changes["verified_by"] == ["旧核实人", "kfq_manager"]
    assert last.changes["verified_at"][0].startswith("2025-01-02T03:04")


def test_an_administrator_verifies_a_factory(sample_db):
    with sample_db.read() as session:
        code = session.scalar(select(Factory.code).order_by(Factory.code).limit(1))
    with sample_db.write() as session:
        sites.verify(session, SiteKind.FACTORY, code, who=ADMIN)
    assert stamp(sample_db, Factory, code).verified_by == "管理员"


@pytest.mark.parametrize("role", [Role.INVESTMENT, Role.LEADER])
def test_who_may_not_change_a_status_may_not_verify(sample_db, role):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
    before = digest(sample_db)
    with pytest.raises(Forbidden), sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=Principal(id=9, name="x", role=role))
    assert digest(sample_db) == before


def test_a_park_manager_may_not_verify_another_park(sample_db):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P02").code
        who = manager(session, "P01")
    before = digest(sample_db)
    with pytest.raises(Forbidden), sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=who)
    assert digest(sample_db) == before


def test_a_stale_version_or_a_missing_record_is_refused(sample_db):
    with sample_db.read() as session:
        record = a_parcel_in(session, "P01")
        code, version = record.code, record.version
    with pytest.raises(VersionConflict), sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=ADMIN, expected_version=version - 1)
    with pytest.raises(NotFound), sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, "NO-SUCH-1", who=ADMIN)
    with sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=ADMIN, expected_version=version)
    assert stamp(sample_db, Parcel, code).verified_by == "管理员"


def test_a_deleted_record_cannot_be_verified(sample_db):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
    with sample_db.write() as session:
        sites.delete(session, SiteKind.PARCEL, code, who=ADMIN, expected_version=None)
    with pytest.raises(NotFound), sample_db.write() as session:
        sites.verify(session, SiteKind.PARCEL, code, who=ADMIN)


def test_an_edit_and_a_status_change_count_as_verification(sample_db):
    with sample_db.read() as session:
        first, second = [
            p.code
            for p in session.scalars(
                select(Parcel).where(Parcel.status == "available").order_by(Parcel.code).limit(2)
            )
        ]
    for code in (first, second):
        long_ago(sample_db, Parcel, code)
    with sample_db.write() as session:
        sites.update(
            session, SiteKind.PARCEL, first, {"remarks": "现场核查"}, who=ADMIN, expected_version=None
        )
        sites.change_status(session, SiteKind.PARCEL, second, "unavailable", who=ADMIN, note="权属纠纷")
    for code in (first, second):
        at, by, _version, updated = stamp(sample_db, Parcel, code)
        assert (at, by) == (updated, "管理员")
    with sample_db.read() as session:
        edit = changes_of(session, SiteKind.PARCEL, first)[-1]
    assert "verified_at" not in edit.changes  # the edit's entry lists what the edit changed


def test_a_survey_import_verifies_what_it_writes(sample_db, tmp_path):
    with sample_db.read() as session:
        record = a_parcel_in(session, "P01")
        code, remarks = record.code, record.remarks
    long_ago(sample_db, Parcel, code)
    path = write_json(
        tmp_path / "survey.geojson", collection(feature(None, 地块编号=code, 备注=f"{remarks or ''}复核"))
    )
    report = import_file(sample_db, path, ImportOptions("parcels", who=ADMIN))
    assert report.written, report.rows
    at, by, _version, updated = stamp(sample_db, Parcel, code)
    assert (at, by) == (updated, "管理员")
