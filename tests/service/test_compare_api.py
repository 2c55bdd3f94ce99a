"""Comparing 2–4 sites (POST /api/match/compare, /compare.xlsx): each site scored as the match
scores it, the ranking under the city's weights and under weights given per request (computed
here independently from each criterion's normalised value), the refusals, the workbook; on both
databases."""

import io
import json
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from tests.conftest import bearer

PROBLEM = "application/problem+json"
NEED = {
    "industry_code": "27",
    "land_min_mu": 50,
    "land_max_mu": 70,
    "nuisance_class": 2,
    "floor_area_min_m2": 2000,
}
# the criteria every kind of site is scored on (a weight for a parcel-only one cannot flip a factory)
EVERY_KIND = ("industry_fit", "priority", "idle", "port", "highway_exit", "rail_station", "area_fit", "price")


@pytest.fixture(autouse=True, scope="module")
def investment_staff(sample_client):
    sample_client.headers.update(bearer(sample_client, "investment"))


@pytest.fixture(scope="module")
def matched(sample_client):
    """The match of NEED: ranked parcels (assemblies among them) and factories."""
    response = sample_client.post("/api/match", json={**NEED, "limit": 30})
    assert response.status_code == 200
    return response.json()


def ref(c):
    return f"{c['kind']}:{c['code']}"


@pytest.fixture(scope="module")
def refs(matched):
    """Two single parcels, an assembly when the match made one, and a factory."""
    singles = [c for c in matched["parcels"] if c["kind"] == "parcel"]
    assembled = [c for c in matched["parcels"] if c["kind"] == "assembly"]
    assert len(singles) >= 2 and matched["factories"], "the sample has parcels and factories for NEED"
    picked = singles[:2] + assembled[:1] + matched["factories"][:1]
    return [ref(c) for c in picked][:4]


def compare(client, refs, weights=None, **extra):
    body = {**NEED, "sites": refs, **extra}
    if weights is not None:
        body["weights"] = weights
    return client.post("/api/match/compare", json=body)


def expected_scores(sites, weights):
    """Each site's score under `weights` (by name, over the defaults the answer lists), from its
    criteria's normalised values alone: weights of the criteria it is scored on that weigh
    something, scaled to 100, times the values; less an assembly's penalty."""
    totals = {}
    for s in sites:
        rows = [k for k in s["site"]["criteria"] if k["name"] != "assembly"]
        used = {k["name"]: weights[k["name"]] for k in rows if weights[k["name"]] > 0}
        scale = 100.0 / sum(used.values())
        penalty = -sum(k["points"] for k in s["site"]["criteria"] if k["name"] == "assembly")
        total = sum(scale * used[k["name"]] * k["value"] for k in rows if k["name"] in used)
        totals[s["ref"]] = max(0.0, total - penalty)
    return totals


def ranking_of(totals):
    return sorted(totals, key=lambda r: (-round(totals[r], 1), r))


def test_each_site_scores_as_in_the_match_and_the_ranking_follows_the_scores(sample_client, matched, refs):
    response = compare(sample_client, refs)

    assert response.status_code == 200
    answer = response.json()
    scores = {ref(c): c["score"] for c in matched["parcels"] + matched["factories"]}
    assert [s["ref"] for s in answer["sites"]] == refs  # in the order given
    for s in answer["sites"]:
        assert s["site"]["score"] == scores[s["ref"]]  # the match's own engine and weights
        assert sum(k["points"] for k in s["site"]["criteria"]) == pytest.approx(s["site"]["score"], abs=0.2)
        assert s["site"]["checks"] and all(k["status_label"] for k in s["site"]["checks"])
        assert {"investment_intensity", "tax_per_mu"} <= {i["name"] for i in s["review"]["indicators"]}
        assert s["review"]["site_code"] == s["site"]["code"]
    ranked = sorted(answer["sites"], key=lambda s: s["rank"])
    assert [s["ref"] for s in ranked] == answer["ranking"]
    assert [s["rank"] for s in ranked] == list(range(1, len(refs) + 1))
    assert [s["site"]["score"] for s in ranked] == sorted(scores[r] for r in refs)[::-1]
    defaults = {w["name"]: w["default"] for w in answer["weights"]}
    assert {w["name"]: w["weight"] for w in answer["weights"]} == defaults
    assert ranking_of(expected_scores(answer["sites"], defaults)) == answer["ranking"]


def test_a_weight_given_per_request_flips_the_ranking_as_computed_from_the_points(sample_client, refs):
    answer = compare(sample_client, refs).json()
    defaults = {w["name"]: w["default"] for w in answer["weights"]}
    first, second = (s for s in sorted(answer["sites"], key=lambda s: s["rank"])[:2])
    values = {k["name"]: k["value"] for k in second["site"]["criteria"]}
    better = [
        k["name"]
        for k in first["site"]["criteria"]
        if k["name"] in EVERY_KIND and k["name"] in values and values[k["name"]] > k["value"] + 0.05
    ]
    assert better, "the runner-up beats the leader on some criterion"
    flip = None
    for name in better:
        for w in (50, 100, 200, 500, 1000):
            expected = expected_scores(answer["sites"], {**defaults, name: w})
            ranking = ranking_of(expected)
            if ranking.index(second["ref"]) < ranking.index(first["ref"]) and (
                expected[second["ref"]] - expected[first["ref"]] > 0.5
            ):
                flip = {name: w}, expected, ranking
                break
        if flip:
            break
    if flip is None:  # no single weight is enough: leave only that criterion
        name = better[0]
        weights = {**dict.fromkeys(defaults, 0), name: 10}
        flip = {**dict.fromkeys(defaults, 0), name: 10}, expected_scores(answer["sites"], weights), None
        flip = flip[0], flip[1], ranking_of(flip[1])
    weights, expected, ranking = flip

    changed = compare(sample_client, refs, weights).json()

    assert changed["ranking"] == ranking
    assert changed["ranking"].index(second["ref"]) < changed["ranking"].index(first["ref"])
    for s in changed["sites"]:
        assert s["site"]["score"] == pytest.approx(expected[s["ref"]], abs=0.06)
    used = {w["name"]: w["weight"] for w in changed["weights"]}
    assert all(used[n] == w for n, w in weights.items())
    # /api/match takes the same weights and scores alike
    matched = sample_client.post("/api/match", json={**NEED, "limit": 30, "weights": weights}).json()
    again = {ref(c): c["score"] for c in matched["parcels"] + matched["factories"]}
    assert all(again[s["ref"]] == s["site"]["score"] for s in changed["sites"] if s["ref"] in again)


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"sites": "one"}, 422, "2 至 4"),
        ({"sites": "five"}, 422, "（现为 5 处）"),
        ({"sites": ["parcel:NO-SUCH-1", "parcel:NO-SUCH-2"]}, 404, "NO-SUCH-1"),
        ({"sites": ["factory:NO-SUCH-F", "plot:X"]}, 422, "plot:X"),
        ({"weights": {"beauty": 5}}, 422, "beauty"),
        ({"weights": {"price": -1}}, 422, "weights"),
        ({"weights": dict.fromkeys(EVERY_KIND + ("class_fit", "readiness", "preferred"), 0)}, 422, "0"),
        ({"sites": "twice"}, 422, "重复"),
    ],
)
def test_refusals_say_what_to_fix(sample_client, refs, change, status, says):
    named = {"one": refs[:1], "five": [*refs, *refs][:5], "twice": [refs[0], refs[0]]}
    sites = change.get("sites", refs[:2])
    sites = named[sites] if isinstance(sites, str) else sites

    response = compare(sample_client, sites, change.get("weights"))

    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    assert says in response.text


def test_an_unknown_weight_is_refused_by_the_match_too(sample_client):
    response = sample_client.post("/api/match", json={**NEED, "weights": {"beauty": 5}})

    assert response.status_code == 422 and "beauty" in response.json()["detail"]


def test_the_workbook_has_the_sites_best_first_their_scores_and_the_weights(sample_client, refs):
    weights = {"area_fit": 40, "price": 0}
    answer = compare(sample_client, refs, weights).json()
    query = urlencode(
        [("site", r) for r in refs] + [("need", json.dumps(NEED)), ("w_area_fit", "40"), ("w_price", "0")]
    )

    response = sample_client.get(f"/compare.xlsx?{query}")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == "对比项")
    ranked = sorted(answer["sites"], key=lambda s: s["rank"])
    assert [h.split(" ")[0] for h in header[1 : len(refs) + 1]] == [f"{s['rank']}." for s in ranked]
    assert [str(h).split(" ")[1] for h in header[1 : len(refs) + 1]] == [s["site"]["code"] for s in ranked]
    score = next(r for r in rows if r[0] == "综合得分")
    assert list(score[1 : len(refs) + 1]) == [s["site"]["score"] for s in ranked]
    titles = {r[0] for r in rows}
    assert {
        "基本情况",
        "评分项得分",
        "硬性条件",
        "联合会审指标",
        "评分权重",
        "总体结论",
    } <= titles
    assert any(str(t).startswith("投资强度") for t in titles)
    start = rows.index(next(r for r in rows if r[0] == "评分权重")) + 1
    used = {r[0]: r[1] for r in rows[start:] if r[0]}
    assert used == {w["label"]: w["weight"] for w in answer["weights"]}
    assert {w["name"]: w["weight"] for w in answer["weights"]}.items() >= weights.items()


def test_the_page_and_the_table_rank_as_the_api_does(sample_client, refs):
    weights = {"area_fit": 45, "port": 0}
    answer = compare(sample_client, refs, weights).json()
    query = urlencode(
        [("site", r) for r in refs] + [("need", json.dumps(NEED)), ("w_area_fit", "45"), ("w_port", "0")]
    )

    page = sample_client.get(f"/compare?{query}")
    table = sample_client.get(f"/compare/table?{query}")

    assert page.status_code == 200 and 'type="range"' in page.text and 'id="w-area_fit"' in page.text
    for text in (page.text, table.text):
        order = [text.index(f'data-ref="{r}" data-rank') for r in answer["ranking"]]
        assert order == sorted(order)
    refused = sample_client.get(f"/compare/table?{query}&w_beauty=3")
    assert refused.status_code == 422 and "beauty" in refused.text
