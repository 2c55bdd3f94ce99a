"""A park office's own 台账 without geometry: attribute updates of its own parcels are checked
against where each record is stored, on both databases."""

import csv

from sqlalchemy import select

from gis.access import Principal, Role
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Parcel
from gis.vocabulary import Layer


def ledger(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["地块编号", "园区", "价格(万元/亩)", "备注"])
        writer.writerows(rows)
    return path


def park_manager(session, park):
    park_id = session.scalar(select(Area.id).where(Area.code == park))
    return Principal(id=99, name="园区填报员", role=Role.PARK_MANAGER, area_ids=frozenset({park_id}))


def test_a_park_managers_ledger_without_geometry_updates_their_own_parcels(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        who = park_manager(session, "P01")
        park_id = next(iter(who.area_ids))
        own = session.scalars(
            select(Parcel.code).where(Parcel.park_id == park_id).order_by(Parcel.code).limit(5)
        ).all()
        names = dict(session.execute(select(Area.code, Area.name)).all())
    rows = [[code, names["P01"], 42.5, "2026年核查"] for code in own]

    report = import_file(db, ledger(tmp_path / "台账.csv", rows), ImportOptions(Layer.PARCELS, who=who))

    assert report.written and report.counts()["updated"] == len(own), report.to_dict("zh")
    with db.read() as session:
        stored = session.execute(
            select(Parcel.price_wan_per_mu, Parcel.remarks, Parcel.updated_by).where(Parcel.code.in_(own))
        ).all()
    assert set(stored) == {(42.5, "2026年核查", "园区填报员")}


def test_a_ledger_row_for_another_parks_parcel_is_refused_and_nothing_written(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        who = park_manager(session, "P01")
        park_id = next(iter(who.area_ids))
        own = session.scalar(select(Parcel.code).where(Parcel.park_id == park_id).order_by(Parcel.code))
        other = session.scalar(
            select(Parcel.code)
            .where(Parcel.park_id.is_not(None), Parcel.park_id != park_id)
            .order_by(Parcel.code)
        )
    path = ledger(tmp_path / "台账.csv", [[own, "", 42.5, "核查"], [other, "", 42.5, "越权"]])

    report = import_file(db, path, ImportOptions(Layer.PARCELS, who=who))

    rejected = {r.code: r for r in report.rows if r.outcome == "rejected"}
    assert not report.written and set(rejected) == {other}
    assert any("园区" in t.render("zh") or "镇" in t.render("zh") for t in rejected[other].rejection)
    with db.read() as session:
        assert session.scalar(select(Parcel.remarks).where(Parcel.code == own)) != "核查"
