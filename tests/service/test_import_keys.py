"""Key transforms and cadastral keys through the command line and POST /api/imports, on both
databases (tests/db/io/test_keys.py covers the cases themselves)."""

import json

from sqlalchemy import select

from gis.database import Database, make_engine
from gis.models import Parcel
from tests.corpus import collection, feature, parcel, square, write_json
from tests.service.test_cli import landstock

PINS = ("20042230470000", "20042230470001")
STRIP = 'key: {strip: "-"}\n'


def pin_files(tmp_path):
    """Parcels coded by PIN14 without dashes, and a 台账 naming them with dashes."""
    new = write_json(
        tmp_path / "pins.geojson", collection(*(parcel(k, code=pin) for k, pin in enumerate(PINS)))
    )
    ledger = tmp_path / "台账.csv"
    ledger.write_text("PIN14,名称\n20-04-223-047-0000,改名0\n20-04-223-047-0001,改名1\n", encoding="utf-8")
    return new, ledger


def written(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def names(url):
    db = Database(make_engine(url))
    try:
        with db.read() as session:
            return dict(session.execute(select(Parcel.code, Parcel.name).where(Parcel.code.in_(PINS))).all())
    finally:
        db.dispose()


def test_the_cli_joins_pin14_keys_through_a_mapping_strip(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    new, ledger = pin_files(tmp_path)
    rules = written(tmp_path / "m.yaml", STRIP)

    first = landstock("import", str(new), "--layer", "parcels", url=url)
    dry = landstock(
        "import", str(ledger), "--layer", "parcels", "--mapping", str(rules), "--dry-run", url=url
    )
    done = landstock("import", str(ledger), "--layer", "parcels", "--mapping", str(rules), url=url)

    assert first.returncode == dry.returncode == done.returncode == 0, done.stderr
    assert names(url) == {PINS[0]: "改名0", PINS[1]: "改名1"}


def test_the_cli_says_a_wrong_transform_in_one_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    _, ledger = pin_files(tmp_path)

    done = landstock(
        "import",
        str(ledger),
        "--layer",
        "parcels",
        "--mapping",
        str(written(tmp_path / "m.yaml", "key: {pad: wide}\n")),
        url=url,
    )

    assert done.returncode == 1 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "“pad”" in last and "strip" in last and "cadastral" in last


def test_the_api_refuses_a_malformed_cadastral_code_with_its_reason(sample_app):
    http, headers = sample_app.client, sample_app.headers("admin")
    body = json.dumps(
        collection(
            feature(square(0), 宗地代码="320681001002GB00001", 用地性质="100102"),
            feature(square(2), 宗地代码="320681001002XB00002", 用地性质="100102"),
        ),
        ensure_ascii=False,
    ).encode()

    answer = http.post(
        "/api/imports",
        data={"layer": "parcels"},
        files={"file": ("宗地.geojson", body)},
        headers=headers,
        params={"lang": "en"},
    )

    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    rows = answer.json()["report"]["rows"]
    assert [r["outcome"] for r in rows] == ["accepted", "rejected"]
    assert "Position 13 (parcel feature code)" in rows[1]["messages"][0]


def test_the_api_takes_a_mapping_with_key_transforms(sample_app, tmp_path):
    http, headers = sample_app.client, sample_app.headers("admin")
    new, ledger = pin_files(tmp_path)

    def upload(path, **files):
        return http.post(
            "/api/imports",
            data={"layer": "parcels"},
            files={"file": (path.name, path.read_bytes()), **files},
            headers=headers,
        )

    first = upload(new)
    done = upload(ledger, mapping=("m.yaml", STRIP.encode()))

    assert first.status_code == done.status_code == 200, done.json()
    assert done.json()["counts"]["updated"] == 2
    assert names(sample_app.url) == {PINS[0]: "改名0", PINS[1]: "改名1"}


def test_the_cli_shows_a_town_mismatch_and_writes_the_row(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path = write_json(
        tmp_path / "宗地.geojson",
        collection(feature(square(0), 宗地代码="320681002001GB00004", 用地性质="100102")),
    )

    report = tmp_path / "report.json"

    done = landstock("import", str(path), "--layer", "parcels", "--report", str(report), url=url)

    assert done.returncode == 0, done.stderr
    row = json.loads(report.read_text(encoding="utf-8"))["rows"][0]
    assert row["action"] == "insert" and row["outcome"] == "accepted"
    assert row["messages"] == ["编号的地籍区为 002，但该行位于汇龙镇（T01），其地籍区为 001（仍已写入）。"]
    assert "地籍区" in done.stdout  # the printed report groups it with the rows not simply accepted
