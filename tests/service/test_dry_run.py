"""A dry run is the import without the write: the same checks, the same counts, the same exit
status (CLI) and the same answer (API), on both databases."""

import csv
import json

from sqlalchemy import select

from gis.models import Parcel
from tests.service.test_cli import landstock

CHANGED = 30


def available_parcels(db, limit):
    """The codes of the first `limit` available parcels."""
    with db.read() as session:
        statement = select(Parcel.code).where(Parcel.status == "available").order_by(Parcel.code)
        return list(session.scalars(statement.limit(limit)))


def status_file(path, db, *, broken=False):
    """A 台账 that takes CHANGED available parcels out of supply with a reason, and (broken) a row
    for a parcel that does not exist and has no outline."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["地块编号", "状态", "状态说明", "备注"])
        writer.writerows([code, "不可供", "规划调整", "年度核查"] for code in available_parcels(db, CHANGED))
        if broken:
            writer.writerow(["NO-SUCH-PARCEL", "可供", "", ""])
    return path


def dry_then_real(url, source, folder):
    """Import `source` as a dry run, then for real: what each printed and its JSON report."""
    runs = []
    for name, flags in (("dry", ["--dry-run"]), ("real", [])):
        ran = landstock(
            "import", str(source), "--layer", "parcels", *flags, "--report", str(folder / name), url=url
        )
        runs.append((ran, json.loads((folder / name).read_text(encoding="utf-8"))))
    return runs


def test_a_dry_run_reports_the_counts_the_import_writes(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    source = status_file(tmp_path / "台账.csv", databases.open_url(url))

    (dry, dry_report), (real, real_report) = dry_then_real(url, source, tmp_path)

    real_counts = real_report["counts"]
    assert dry.returncode == real.returncode == 0, (dry.stderr, real.stderr)
    assert (
        dry_report["counts"] == real_counts
        and real_counts["status_changes"] == real_counts["updated"] == CHANGED
    )
    # row by row the same, each status change said once (the real run checks twice: read, then write)
    assert dry_report["rows"] == real_report["rows"]
    assert all(len(row["messages"]) == 1 for row in real_report["rows"]), real_report["rows"][0]


def test_a_dry_run_of_a_refused_file_exits_as_the_import_does(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    source = status_file(tmp_path / "台账.csv", databases.open_url(url), broken=True)

    (dry, dry_report), (real, real_report) = dry_then_real(url, source, tmp_path)

    dry_counts = dry_report["counts"]
    assert dry.returncode == real.returncode == 1
    assert (
        dry_counts == real_report["counts"] and dry_counts["rejected"] == 1 and "NO-SUCH-PARCEL" in dry.stdout
    )
    assert dry_report["rows"] == real_report["rows"]


def test_the_api_answers_a_refused_dry_run_as_it_answers_the_import(sample_app, tmp_path):
    http, headers = sample_app.client, sample_app.headers("admin")
    body = status_file(tmp_path / "台账.csv", sample_app.db, broken=True).read_bytes()

    def upload(**form):
        return http.post(
            "/api/imports",
            data={"layer": "parcels", **form},
            files={"file": ("台账.csv", body)},
            headers=headers,
        )

    dry, real = upload(dry_run="true"), upload()

    assert dry.status_code == real.status_code == 422
    assert dry.headers["content-type"].startswith("application/problem+json")
    assert dry.json()["report"]["counts"] == real.json()["report"]["counts"]
    assert dry.json()["report"]["dry_run"] is True and dry.json()["report"]["written"] is False
