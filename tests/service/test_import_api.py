"""POST /api/imports and the export downloads, over HTTP, on both databases."""

import io
import json
import zipfile
from dataclasses import replace

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient

from gis import accounts
from gis.database import Database, make_engine
from gis.history import status_events
from service.main import create_app
from service.settings import ImportSettings
from tests.conftest import OPERATOR, settings_for
from tests.corpus import collection, parcel


class Client:
    """A test client whose requests carry a bearer token of a user of the given role."""

    def __init__(self, test_client, db):
        self.http, self.db, self.token = test_client, db, None

    def sign_in(self, role, *areas):
        name = f"{role}_{'_'.join(areas)}"
        with self.db.write() as session:
            accounts.create_user(session, OPERATOR, name, role, "correct-horse-battery", areas=list(areas))
            self.token = accounts.issue_token(
                session, OPERATOR, accounts.get_user(session, name), "test", None
            )
        return name

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def post(self, url, **kwargs):
        return self.http.post(url, headers=self.headers(), **kwargs)

    def get(self, url, **kwargs):
        return self.http.get(url, headers=self.headers(), **kwargs)


@pytest.fixture
def client(databases, backend):
    url = databases.url(backend, sample=True)
    settings = replace(settings_for(url), imports=ImportSettings(max_upload_mb=0.05))
    db = Database(make_engine(url))
    with TestClient(create_app(settings)) as test_client:
        user = Client(test_client, db)
        user.sign_in("admin")
        yield user
    db.dispose()


def geojson(*features):
    return json.dumps(collection(*features), ensure_ascii=False).encode()


def test_an_upload_is_checked_then_written_and_answers_the_report(client):
    body = geojson(parcel(0, code="API-1"), parcel(1, code="API-2"))

    dry = client.post(
        "/api/imports", data={"layer": "parcels", "dry_run": "true"}, files={"file": ("survey.geojson", body)}
    )
    done = client.post("/api/imports", data={"layer": "parcels"}, files={"file": ("survey.geojson", body)})
    listed = client.get("/api/parcels", params={"q": "API-"})

    assert dry.status_code == 200 and dry.json()["written"] is False and dry.json()["counts"]["inserted"] == 2
    assert done.status_code == 200 and done.json()["written"] is True
    assert [r["outcome"] for r in done.json()["rows"]] == ["accepted", "accepted"]
    assert listed.json()["numberMatched"] == 2


def test_a_refused_upload_is_422_problem_json_with_the_report(client):
    body = geojson(parcel(0, code="SAME"), parcel(1, code="SAME"))

    answer = client.post(
        "/api/imports?lang=en", data={"layer": "parcels"}, files={"file": ("s.geojson", body)}
    )

    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert (
        problem["type"] == "urn:landstock:problem:import.refused"
        and "nothing was changed" in problem["detail"]
    )
    assert problem["report"]["counts"]["rejected"] == 2 and "same code" in problem["report"]["problems"][0]
    assert client.get("/api/parcels", params={"q": "SAME"}).json()["numberMatched"] == 0


@pytest.mark.parametrize(
    ("name", "data", "status", "key"),
    [
        ("big.geojson", b" " * 80_000, 413, "import.too_large"),
        ("drawing.dwg", b"AC1032", 415, "import.unsupported"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00", 422, "import.not_a_table"),
        ("cut.geojson", geojson(parcel(0))[:50], 422, "import.unreadable"),
    ],
)
def test_hostile_uploads_get_a_clear_4xx(client, name, data, status, key):
    answer = client.post("/api/imports", data={"layer": "parcels"}, files={"file": (name, data)})

    assert answer.status_code == status and answer.json()["type"] == f"urn:landstock:problem:{key}"


def test_a_path_traversal_zip_is_refused_before_extraction(client, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.geojson", geojson(parcel(0)))

    answer = client.post(
        "/api/imports", data={"layer": "parcels"}, files={"file": ("evil.zip", buffer.getvalue())}
    )

    assert answer.status_code == 422 and "import.zip_path" in answer.json()["type"]
    assert not (tmp_path.parent / "escape.geojson").exists()


def test_an_upload_with_a_mapping_file(client):
    body = json.dumps(
        collection(
            {
                "type": "Feature",
                "properties": {"ZDBM": "MAP-1", "YT": "工业"},
                "geometry": parcel(0)["geometry"],
            }
        ),
        ensure_ascii=False,
    ).encode()
    mapping = (
        b"columns: {ZDBM: code, YT: land_use}\nvalues: {land_use: {\xe5\xb7\xa5\xe4\xb8\x9a: '100102'}}\n"
    )

    answer = client.post(
        "/api/imports",
        data={"layer": "parcels"},
        files={"file": ("s.geojson", body), "mapping": ("m.yaml", mapping)},
    )

    assert answer.status_code == 200, answer.json()
    assert client.get("/api/parcels/MAP-1").json()["properties"]["land_use"] == "100102"


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("geojson", "application/geo+json"),
        ("gpkg", "geopackage"),
        ("shp", "application/zip"),
        ("csv", "text/csv"),
        ("xlsx", "spreadsheetml"),
    ],
)
def test_downloads_with_the_list_filters(client, fmt, media, tmp_path):
    answer = client.get("/api/parcels/export", params={"format": fmt, "park": "P04", "status": "available"})
    listed = client.get("/api/parcels", params={"park": "P04", "status": "available"}).json()["numberMatched"]

    assert answer.status_code == 200 and media in answer.headers["content-type"]
    assert "attachment" in answer.headers["content-disposition"]
    if fmt in ("geojson", "gpkg"):
        path = tmp_path / f"x.{fmt}"
        path.write_bytes(answer.content)
        assert len(gpd.read_file(path)) == listed


def test_factory_download_and_a_bad_format(client):
    answer = client.get("/api/factories/export", params={"format": "geojson", "status": "vacant"})
    bad = client.get("/api/factories/export", params={"format": "dwg"})

    assert answer.status_code == 200 and {f["properties"]["status"] for f in answer.json()["features"]} == {
        "vacant"
    }
    assert bad.status_code == 422


def test_uploads_need_a_user_allowed_to_import(client):
    body = geojson(parcel(0, code="AUTH-1"))
    client.token = None
    anonymous = client.post("/api/imports", data={"layer": "parcels"}, files={"file": ("s.geojson", body)})
    client.sign_in("investment")
    investment = client.post("/api/imports", data={"layer": "parcels"}, files={"file": ("s.geojson", body)})

    assert anonymous.status_code == 401 and investment.status_code == 403


def test_a_park_manager_imports_only_into_their_parks_and_events_carry_their_name(client):
    body = geojson(parcel(0, code="PM-1", 状态="暂不可供", 状态说明="规划调整"))
    client.sign_in("park_manager", "P02")
    elsewhere = client.post("/api/imports", data={"layer": "parcels"}, files={"file": ("s.geojson", body)})
    name = client.sign_in("park_manager", "P01")
    home = client.post("/api/imports", data={"layer": "parcels"}, files={"file": ("s.geojson", body)})

    assert elsewhere.status_code == 422
    assert elsewhere.json()["report"]["rows"][0]["messages"][0].startswith(
        "“PM-1”的新图形不在您负责的园区或镇内"
    )
    assert home.status_code == 200, home.json()
    with client.db.read() as session:
        events = status_events(session, "parcel", "PM-1")
    assert [(e.actor, e.to_status, e.note) for e in events] == [(name, "unavailable", "规划调整")]


def test_an_upload_over_the_limit_is_refused_while_it_streams(databases, monkeypatch):
    from fastapi.testclient import TestClient

    from service.main import create_app
    from tests.conftest import SampleApp, settings_for

    monkeypatch.setenv("LANDSTOCK_IMPORT_MAX_UPLOAD_MB", "1")
    app = SampleApp(databases.url("spatialite", sample=True))
    headers = app.headers("admin")

    def chunks():  # no Content-Length: the body is refused once 2 MB have arrived
        for _ in range(8):
            yield b"x" * (512 * 1024)

    with TestClient(create_app(settings_for(app.url))) as client:
        streamed = client.post(
            "/api/imports",
            content=chunks(),
            headers={**headers, "content-type": "multipart/form-data; boundary=abc"},
        )
        declared = client.post(
            "/api/imports",
            content=b"x" * (3 * 1024 * 1024),
            headers={**headers, "content-type": "multipart/form-data; boundary=abc"},
        )
        big_json = client.patch(
            "/api/parcels/KFQ-001",
            content=b"[" + b"1," * (11 * 1024 * 1024) + b"1]",
            headers={**headers, "content-type": "application/json", "If-Match": '"1"'},
        )
    app.db.dispose()
    assert streamed.status_code == 413 and streamed.headers["content-type"] == "application/problem+json"
    assert declared.status_code == 413 and "1.0 MB" in declared.json()["detail"]
    assert big_json.status_code == 413


def test_an_upload_whose_answer_cannot_be_built_writes_nothing(databases, backend, monkeypatch):
    # a fault after the import but before its report leaves: a 500, and the file is not half-kept
    from gis.io.report import ImportReport

    def broken(*_args, **_kwargs):
        raise RuntimeError("the report could not be built")

    url = databases.url(backend, sample=True)
    db = Database(make_engine(url))
    with TestClient(create_app(settings_for(url)), raise_server_exceptions=False) as http:
        user = Client(http, db)
        user.sign_in("admin")
        monkeypatch.setattr(ImportReport, "to_dict", broken)
        answer = user.post(
            "/api/imports",
            data={"layer": "parcels"},
            files={"file": ("survey.geojson", geojson(parcel(0, code="API-9")))},
        )
        monkeypatch.undo()
        listed = user.get("/api/parcels", params={"q": "API-9"})
    db.dispose()

    assert answer.status_code == 500 and answer.headers["content-type"] == "application/problem+json"
    assert listed.json()["numberMatched"] == 0
