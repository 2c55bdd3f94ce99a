"""A reservation row of a parcel or factory import names its project (意向项目) by code or by its
exact name, on both databases: a name of one project is taken for its code, a name of several is
refused naming their codes, and a name the importing user may not read is refused exactly as one
that does not exist."""

import pandas as pd
from sqlalchemy import select

from gis.access import Principal, Role, operator
from gis.gateway import projects
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Parcel, Project
from gis.vocabulary import Layer

ADMIN = operator("预留测试")


def plant(db):
    """Two projects of one name, one of P01 and a confidential one of P04; a P01 park manager."""
    with db.write() as session:
        for code, name, platform in (
            ("XM-RES-1", "同名项目", "P04"),
            ("XM-RES-2", "同名项目", "P04"),
            ("XM-RES-3", "本园唯一项目", "P01"),
            ("XM-RES-4", "机密项目", "P04"),
        ):
            projects.create(
                session, {"code": code, "name": name, "industry_code": "27", "platform": platform}, who=ADMIN
            )
        park = session.scalar(select(Area.id).where(Area.code == "P01"))
        parcels = session.scalars(
            select(Parcel.code)
            .where(Parcel.park_id == park, Parcel.status == "available", Parcel.deleted_at.is_(None))
            .order_by(Parcel.code)
            .limit(5)
        ).all()
    return Principal(id=0, name="园区管理员", role=Role.PARK_MANAGER, area_ids=frozenset({park})), parcels


def reserve(db, tmp_path, who, rows):
    path = tmp_path / "预留.csv"
    pd.DataFrame(rows, columns=["地块编号", "状态", "意向项目"]).to_csv(
        path, index=False, encoding="utf-8-sig"
    )
    return import_file(db, path, ImportOptions(Layer.PARCELS, who=who, dry_run=True))


def reasons(report):
    return {r.code: " ".join(t.render("zh") for t in r.rejection) for r in report.rows}


def test_a_reservation_names_its_project_by_code_or_by_name(sample_db, tmp_path):
    _manager, parcels = plant(sample_db)
    path = tmp_path / "预留.csv"
    rows = [[parcels[0], "意向", "本园唯一项目"], [parcels[1], "意向", "XM-RES-3"]]
    pd.DataFrame(rows, columns=["地块编号", "状态", "意向项目"]).to_csv(
        path, index=False, encoding="utf-8-sig"
    )

    report = import_file(sample_db, path, ImportOptions(Layer.PARCELS, who=ADMIN))

    assert report.written, reasons(report)
    with sample_db.read() as session:
        target = session.scalar(select(Project.id).where(Project.code == "XM-RES-3"))
        reserved = session.execute(
            select(Parcel.status, Parcel.reserved_project_id).where(Parcel.code.in_(parcels[:2]))
        ).all()
    assert reserved == [("reserved", target), ("reserved", target)]


def test_an_ambiguous_or_unknown_name_is_refused_saying_how_to_fix_it(sample_db, tmp_path):
    _manager, parcels = plant(sample_db)

    report = reserve(
        sample_db, tmp_path, ADMIN, [[parcels[0], "意向", "同名项目"], [parcels[1], "意向", "没有这个项目"]]
    )

    found = reasons(report)
    assert (
        "同名项目" in found[parcels[0]]
        and "XM-RES-1、XM-RES-2" in found[parcels[0]]
        and "编号" in found[parcels[0]]
    )
    assert "没有这个项目" in found[parcels[1]] and "完整名称" in found[parcels[1]]
    assert found[parcels[1]].count("没有这个项目") == 1  # one reason, not two


def test_a_name_the_importer_may_not_read_is_refused_as_an_unknown_one(sample_db, tmp_path):
    manager, parcels = plant(sample_db)

    report = reserve(
        sample_db,
        tmp_path,
        manager,
        [
            [parcels[0], "意向", "机密项目"],
            [parcels[1], "意向", "没有的项目"],
            [parcels[2], "意向", "本园唯一项目"],
        ],
    )

    found = reasons(report)
    assert found[parcels[0]].replace("机密项目", "?") == found[parcels[1]].replace("没有的项目", "?") != ""
    assert "XM-RES-4" not in str(report.to_dict("zh")) and found[parcels[2]] == ""
    # two projects of one name, both unreadable to the park manager, are not told apart either
    same = reserve(sample_db, tmp_path, manager, [[parcels[0], "意向", "同名项目"]])
    assert reasons(same)[parcels[0]].replace("同名项目", "?") == found[parcels[1]].replace("没有的项目", "?")
