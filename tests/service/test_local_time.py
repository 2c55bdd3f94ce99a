"""Times are shown in LANDSTOCK_TIMEZONE (Beijing time by default) while the database keeps UTC:
a record's page, the spreadsheet export (over HTTP and from the CLI); another zone shows another
time; an unknown zone is a readable settings error."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select, update

from gis import localtime
from gis.database import Database, make_engine
from gis.models import Parcel
from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, Settings
from tests.conftest import bearer
from tests.service.test_cli import landstock

UPDATED = dt.datetime(2026, 3, 1, 18, 30, 5, tzinfo=dt.UTC)
BEIJING, NEW_YORK = "2026-03-02 02:30", "2026-03-01 13:30"  # New York is UTC-5 on 1 March


def _stamped(url: str) -> str:
    """The code of a parcel whose last change is stamped UPDATED (in UTC, as the database keeps it)."""
    db = Database(make_engine(url))
    with db.write() as session:
        code = session.scalars(select(Parcel.code).order_by(Parcel.code).limit(1)).one()
        session.execute(update(Parcel).where(Parcel.code == code).values(updated_at=UPDATED))
    with db.read() as session:
        stored = session.scalars(select(Parcel.updated_at).where(Parcel.code == code)).one()
    db.dispose()
    assert stored == UPDATED and stored.utcoffset() == dt.timedelta(0)
    return code


def _app(url: str, **app: str) -> TestClient:
    return TestClient(
        create_app(
            Settings(
                database=DatabaseSettings(url=url),
                app=AppSettings(environment="test", warm_tiles=False, **app),  # type: ignore[arg-type]
            )
        )
    )


def _cells(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}


@pytest.mark.parametrize(("zone", "shown"), [(None, BEIJING), ("America/New_York", NEW_YORK)])
def test_a_record_page_and_its_export_show_the_update_in_the_zone_set(databases, backend, zone, shown):
    url = databases.url(backend, sample=True)
    code = _stamped(url)
    with _app(url, **({"timezone": zone} if zone else {})) as client:
        page = client.get(f"/parcels/{code}")
        api = client.get(f"/api/parcels/{code}").json()["properties"]
        export = client.get("/api/parcels/export?format=xlsx", headers=bearer(client, "investment"))

    assert page.status_code == 200 and f"{shown} " in page.text
    assert "2026-03-01 18:30" not in page.text or zone is not None  # never UTC in Beijing
    # the API keeps UTC with its offset
    assert dt.datetime.fromisoformat(api["updated_at"].replace("Z", "+00:00")) == UPDATED
    assert export.status_code == 200
    offset = "+08:00" if zone is None else "-05:00"
    assert f"{shown}:05{offset}" in _cells(export.content)


def test_the_cli_writes_times_in_the_zone_set(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    _stamped(url)
    for zone, shown in (("Asia/Shanghai", BEIJING + ":05+08:00"), ("UTC", "2026-03-01 18:30:05+00:00")):
        target = tmp_path / f"parcels-{zone.replace('/', '-')}.xlsx"
        ran = landstock(
            "export",
            "--layer",
            "parcels",
            "--format",
            "xlsx",
            "-o",
            str(target),
            url=url,
            LANDSTOCK_TIMEZONE=zone,
        )
        assert ran.returncode == 0, ran.stderr
        assert shown in _cells(target.read_bytes()), zone


@pytest.mark.parametrize("zone", ["Asia/Beijing", "UTC+8", "../etc/passwd", ""])
def test_an_unknown_zone_is_a_readable_settings_error(zone):
    with pytest.raises(ValidationError) as refused:
        AppSettings(timezone=zone)
    assert "LANDSTOCK_TIMEZONE" in str(refused.value) and "Asia/Shanghai" in str(refused.value)


def test_the_cli_refuses_an_unknown_zone_in_one_line(databases, backend):
    ran = landstock("stats", url=databases.url(backend), LANDSTOCK_TIMEZONE="Mars/Olympus")
    assert ran.returncode == 1
    assert "设置错误" in ran.stderr and "LANDSTOCK_TIMEZONE" in ran.stderr and "Traceback" not in ran.stderr


def test_times_are_beijing_time_unless_set():
    assert AppSettings().timezone == "Asia/Shanghai"
    assert localtime.shown(UPDATED) == BEIJING
    with localtime.reading_in(localtime.zone("Europe/London")):
        assert localtime.shown(UPDATED) == "2026-03-01 18:30"
        assert localtime.stamp(UPDATED) == "2026-03-01 18:30:05+00:00"
    assert localtime.shown(None) == "" and localtime.shown(UPDATED.replace(tzinfo=None)) == BEIJING


# 25 hours apart: at any moment the calendar day in one differs from the day in the other
FAR_EAST, FAR_WEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def test_today_is_the_day_in_the_zone_set():
    days = {}
    for name in (FAR_EAST, FAR_WEST):
        with localtime.reading_in(localtime.zone(name)):
            days[name] = localtime.today()
        assert days[name] in {
            dt.datetime.now(localtime.zone(name)).date() + dt.timedelta(days=d) for d in (-1, 0)
        }
    assert days[FAR_EAST] > days[FAR_WEST]


@pytest.mark.parametrize("zone", [FAR_EAST, FAR_WEST])
def test_a_status_change_is_dated_on_the_day_it_is_where_the_service_is(databases, backend, zone):
    url = databases.url(backend, sample=True)
    db = Database(make_engine(url))
    with db.read() as session:
        code = session.scalars(
            select(Parcel.code).where(Parcel.status == "available").order_by(Parcel.code).limit(1)
        ).one()
    db.dispose()
    with _app(url, timezone=zone) as client:
        headers = bearer(client, "admin")
        etag = client.get(f"/api/parcels/{code}").headers["etag"]
        before = dt.datetime.now(localtime.zone(zone)).date()
        changed = client.post(
            f"/api/parcels/{code}/status",
            json={"status": "暂不可供", "note": "规划调整"},
            headers={**headers, "If-Match": etag},
        )
        after = dt.datetime.now(localtime.zone(zone)).date()
        since = client.get(f"/api/parcels/{code}").json()["properties"]["status_since"]

    assert changed.status_code == 200, changed.text
    assert dt.date.fromisoformat(since) in {before, after}  # the service's day, not the UTC day
