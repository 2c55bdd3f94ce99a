"""The CLI's import report of a large refused file: grouped by reason (how many, the first rows,
the message) unless `--every-row`; the JSON report keeps every row."""

import json

from tests.corpus import collection, parcel, write_json
from tests.service.test_cli import landstock

MANY = 60


def refused_file(tmp_path):
    rows = [parcel(k, code=f"BAD-{k:03d}", 状态="闲着呢") for k in range(MANY)]
    rows += [parcel(MANY, code="TWICE"), parcel(MANY + 1, code="TWICE")]
    return write_json(tmp_path / "survey.geojson", collection(*rows))


def test_the_report_groups_refused_rows_by_reason(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path = refused_file(tmp_path)

    grouped = landstock(
        "import", str(path), "--layer", "parcels", "--report", str(tmp_path / "r.json"), url=url
    )
    every = landstock("import", str(path), "--layer", "parcels", "--every-row", url=url)

    assert grouped.returncode == every.returncode == 1
    assert str(MANY) in grouped.stdout and "BAD-000" in grouped.stdout and "BAD-004" in grouped.stdout
    assert "BAD-005" not in grouped.stdout and "闲着呢" in grouped.stdout and "TWICE" in grouped.stdout
    assert all(f"BAD-{k:03d}" in every.stdout for k in range(MANY))
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["rows"]
    assert len(rows) == MANY + 2 and sum(r["outcome"] == "rejected" for r in rows) == MANY + 2
