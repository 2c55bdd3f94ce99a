"""An update-only import (`--only-existing`): a status file that covers some of the records and
names codes the inventory does not hold writes the known ones in one transaction and lists the
unknown ones, from the CLI and the API, on both databases."""

import csv
import json

from sqlalchemy import select

from gis.models import Parcel
from tests.service.test_cli import landstock
from tests.service.test_dry_run import available_parcels

KNOWN = 12
UNKNOWN = ["GONE-1", "GONE-2", "GONE-3"]


def partial_file(path, db):
    codes = available_parcels(db, KNOWN)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["地块编号", "备注"])
        writer.writerows([code, "年度核查已核实"] for code in [*codes[:6], *UNKNOWN, *codes[6:]])
    return path, codes


def test_only_existing_writes_the_known_codes_and_lists_the_unknown(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    db = databases.open_url(url)
    path, known = partial_file(tmp_path / "核查.csv", db)

    whole = landstock("import", str(path), "--layer", "parcels", url=url)
    partial = landstock(
        "import",
        str(path),
        "--layer",
        "parcels",
        "--only-existing",
        "--report",
        str(tmp_path / "r.json"),
        url=url,
    )

    assert whole.returncode == 1  # without the option, unknown codes without geometry are refused
    assert partial.returncode == 0, partial.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["counts"]["skipped"] == len(UNKNOWN) and report["counts"]["updated"] == KNOWN
    assert report["skipped"] == UNKNOWN and report["counts"]["rejected"] == 0
    assert "跳过 3 行" in partial.stdout and "GONE-2" in partial.stdout
    with db.read() as session:
        remarks = set(session.scalars(select(Parcel.remarks).where(Parcel.code.in_(known))))
        assert remarks == {"年度核查已核实"}
        assert session.scalar(select(Parcel.id).where(Parcel.code.in_(UNKNOWN))) is None


def test_only_existing_and_replace_together_are_refused_in_one_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path, _ = partial_file(tmp_path / "核查.csv", databases.open_url(url))

    refused = landstock("import", str(path), "--layer", "parcels", "--only-existing", "--replace", url=url)

    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "不能同时使用" in refused.stderr.strip().splitlines()[-1]


def test_the_api_takes_only_existing_too(sample_app, tmp_path):
    path, _ = partial_file(tmp_path / "核查.csv", sample_app.db)

    answer = sample_app.client.post(
        "/api/imports",
        data={"layer": "parcels", "only_existing": "true"},
        files={"file": ("核查.csv", path.read_bytes())},
        headers=sample_app.headers("admin"),
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["skipped"] == UNKNOWN and answer.json()["counts"]["updated"] == KNOWN
