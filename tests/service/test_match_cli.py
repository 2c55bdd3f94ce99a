"""`landstock match`, run as a user runs it, on both databases."""

import json

from tests.service.test_cli import landstock


def test_match_a_saved_project_an_ad_hoc_need_and_a_parcel(databases, backend):
    url = databases.url(backend, sample=True)

    saved = landstock("match", "XM-2026-012", "--limit", "3", url=url)
    adhoc = landstock(
        "match",
        "--industry",
        "27",
        "--min-mu",
        "50",
        "--max-mu",
        "70",
        "--max-km",
        "port=40",
        "--json",
        url=url,
    )
    best = json.loads(adhoc.stdout)["parcels"][0]["members"][0]
    reverse = landstock("match", "--parcel", best, url=url, LANDSTOCK_LANGUAGE="en")
    wrong = landstock("match", "--industry", "27", "--max-km", "port", url=url)

    assert saved.returncode == 0, saved.stderr
    assert "冷链物流中心" in saved.stdout and "推荐地块" in saved.stdout and "得分" in saved.stdout
    assert adhoc.returncode == 0, adhoc.stderr
    assert json.loads(adhoc.stdout)["need"]["plot_ratio_min"] == 1.2
    assert reverse.returncode == 0 and "Pipeline projects that fit" in reverse.stdout
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr


def test_the_match_table_gives_each_size_its_own_unit(databases, backend):
    url = databases.url(backend, sample=True)
    land, floor = ("--min-mu", "50", "--max-mu", "70"), ("--floor-area", "2000")

    parcels = json.loads(landstock("match", "--industry", "27", *land, "--json", url=url).stdout)["parcels"]
    factories = json.loads(landstock("match", "--industry", "27", *floor, "--json", url=url).stdout)[
        "factories"
    ]
    shown_land = landstock("match", "--industry", "27", *land, url=url)
    shown_floor = landstock("match", "--industry", "27", *floor, url=url)

    assert parcels and factories and shown_land.returncode == shown_floor.returncode == 0
    code = parcels[0]["members"][0] if parcels[0]["kind"] == "assembly" else parcels[0]["code"]
    assert any(code in line and "亩" in line for line in shown_land.stdout.splitlines())
    lines = shown_floor.stdout.splitlines()
    assert any(factories[0]["code"] in line and "m²" in line and "亩" not in line for line in lines)
    assert "面积(亩)" not in shown_floor.stdout  # floor area is not under a 亩 header
