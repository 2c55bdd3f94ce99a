"""Hostile input gets one clear refusal, never a 500 or a traceback: API and CLI, both databases.

Files nested 100,000 deep, files without a feature, uploads named "..", "", with NUL or 300
characters long, dates past the calendar, and commands run on a database never migrated.
"""

import json

import pytest

from gis import migrate
from tests.corpus import collection, parcel, write_json
from tests.service.test_cli import landstock

PROBLEM = "application/problem+json"
DEPTH = 100_000
DEEP_GEOJSON = (
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
    b'"geometry": {"type": "Polygon", "coordinates": ' + b"[" * DEPTH + b"]" * DEPTH + b"}}]}"
)
DEEP_JSON = b'{"columns": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"
DEEP_YAML = b"columns: " + b"[" * DEPTH + b"]" * DEPTH + b"\n"
EMPTY = b'{"type": "FeatureCollection", "features": []}'
GOOD = json.dumps(collection(parcel(0, code="NAME-1"))).encode()


def upload(app, name, content, *, mapping=None):
    """A dry-run import of one file as an administrator."""
    files = {"file": (name, content, "application/octet-stream")}
    if mapping is not None:
        files["mapping"] = mapping
    return app.client.post(
        "/api/imports",
        files=files,
        data={"layer": "parcels", "dry_run": "true"},
        headers=app.headers("admin"),
    )


def raw_upload(app, name):
    """The same, with the file name's bytes as they are (httpx would percent-encode NUL)."""
    boundary = b"landstock-boundary"
    parts = [
        b'name="layer"\r\n\r\nparcels',
        b'name="dry_run"\r\n\r\ntrue',
        b'name="file"; filename="' + name.encode() + b'"\r\nContent-Type: application/json\r\n\r\n' + GOOD,
    ]
    body = b"".join(b"--" + boundary + b"\r\nContent-Disposition: form-data; " + p + b"\r\n" for p in parts)
    return app.client.post(
        "/api/imports",
        content=body + b"--" + boundary + b"--\r\n",
        headers={
            **app.headers("admin"),
            "content-type": f"multipart/form-data; boundary={boundary.decode()}",
        },
    )


def assert_refused(response, status, *words):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    for word in words:
        assert word in response.json()["detail"], response.json()


def assert_one_line(done, *words):
    """Exit 1 with the reason on one line (an import's progress lines may come before it)."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "error" in line]
    for word in words:
        assert word in line, done.stderr


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("deep.geojson", DEEP_GEOJSON, ["嵌套层级过深"]),
        ("deep-array.json", b"[" * DEPTH + b"]" * DEPTH, ["嵌套层级过深"]),
        ("empty.geojson", EMPTY, ["没有要素"]),
        ("empty-array.geojson", b"[]", ["没有要素"]),
    ],
    ids=["deep_geojson", "deep_array", "empty_collection", "empty_array"],
)
def test_a_file_nested_too_deep_or_without_features_is_refused_over_http(sample_app, name, content, words):
    assert_refused(upload(sample_app, name, content), 422, *words)


@pytest.mark.parametrize(
    ("name", "content"),
    [("deep.json", DEEP_JSON), ("deep.yaml", DEEP_YAML), ("list.yaml", b"values: [1, 2]\n")],
)
def test_a_hostile_mapping_file_is_refused_over_http(sample_app, name, content):
    response = upload(sample_app, "ok.geojson", GOOD, mapping=(name, content, "text/plain"))

    assert_refused(response, 422, "字段映射文件")


@pytest.mark.parametrize(
    "name", ["..", ".", "x/..", "\x00", "\x00..\x07", "a" * 300 + ".geojson", "地" * 90 + ".geojson"]
)
def test_an_unusable_upload_name_is_refused(sample_app, name):
    response = raw_upload(sample_app, name)

    assert_refused(response, 422, "文件名")


def test_an_upload_without_a_file_name_is_refused(sample_app):
    assert_refused(upload(sample_app, "", GOOD), 422)


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("../../escape.geojson", "escape.geojson"),
        ("C:\\Users\\王科长\\survey.geojson", "survey.geojson"),
        ("a\x00b\x07.geojson", "ab.geojson"),
    ],
)
def test_an_upload_keeps_only_its_base_name_without_control_characters(sample_app, name, saved):
    response = raw_upload(sample_app, name)

    assert response.status_code == 200, response.text
    assert response.json()["source"] == saved


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
@pytest.mark.parametrize("path", ["/api/stats/supply", "/supply", "/supply.xlsx"])
def test_a_date_out_of_range_is_refused_on_the_figures(sample_app, path, day):
    headers = sample_app.headers("leader")

    refused = sample_app.client.get(path, params={"as_of": day}, headers=headers)
    answered = sample_app.client.get(path, params={"as_of": "2999-12-31"}, headers=headers)

    assert_refused(refused, 422, "as_of")
    assert answered.status_code == 200, answered.text


def test_the_cli_refuses_deep_and_empty_files_and_mappings_in_one_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    (tmp_path / "deep.geojson").write_bytes(DEEP_GEOJSON)
    (tmp_path / "deep.yaml").write_bytes(DEEP_YAML)
    empty = write_json(tmp_path / "empty.geojson", collection())
    good = write_json(tmp_path / "good.geojson", collection(parcel(0, code="CLI-DEEP")))

    deep = landstock("import", str(tmp_path / "deep.geojson"), "--layer", "parcels", url=url)
    nothing = landstock("import", str(empty), "--layer", "parcels", url=url)
    mapping = landstock(
        "import", str(good), "--layer", "parcels", "--mapping", str(tmp_path / "deep.yaml"), url=url
    )

    assert_one_line(deep, "嵌套层级过深")
    assert_one_line(nothing, "没有要素")
    assert_one_line(mapping, "字段映射文件", "嵌套层级过深")


@pytest.mark.parametrize(
    "command",
    [
        ("user", "list"),
        ("stats",),
        ("match", "--parcel", "KFQ-001"),
        ("export", "--layer", "parcels", "--format", "csv", "-o", "out.csv"),
        ("serve", "--host", "256.0.0.0"),  # refused before listening (an address no server can take)
    ],
    ids=lambda c: c[0],
)
def test_a_command_on_a_database_never_migrated_says_to_upgrade(
    databases, backend, command, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    url = databases.blank_url(backend)

    done = landstock(*command, url=url)

    assert_one_line(done, "没有 Landstock 的数据结构", "landstock db upgrade")
    assert not (tmp_path / "out.csv").exists()


def test_a_database_behind_the_code_is_named_with_both_revisions(databases, backend):
    db = databases.open(backend)
    migrate.downgrade(db.engine, "0008")

    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()

    done = landstock("user", "list", url=url)
    upgraded = landstock("db", "upgrade", url=url)
    listed = landstock("user", "list", url=url)

    assert_one_line(done, "0008", migrate.head_revision(), "landstock db upgrade")
    assert upgraded.returncode == 0 and listed.returncode == 0, listed.stderr
