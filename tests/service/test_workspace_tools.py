"""The workspace's tools over HTTP, on both databases: the project picker (only projects the
reader may read), many status steps at once (each as if alone, refusals listed, nothing written
for them; two writers at once), a large outline change confirmed first (API and form), forms
that keep what was typed, and a history people can read."""

import re
import threading

import shapely
from shapely import affinity

from service.web.edit_fields import PARCEL
from tests.conftest import TEST_PASSWORD

OWN_PROJECT = "XM-2026-004"  # prefers P02


def signed_in(app, role, *areas):
    """A browser-like client signed in as a new account of `role`; its name."""
    name = app.user(role, *areas)
    client = app.client
    client.cookies.clear()
    client.post(
        "/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": csrf(client, "/login")}
    )
    return name


def csrf(client, path):
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def parcels(client, headers, park, status="available", limit=5):
    found = client.get(
        "/api/parcels", params={"park": park, "status": status, "limit": limit}, headers=headers
    )
    return [(f["id"], f["properties"]["version"]) for f in found.json()["features"]]


def unreadable_project(app, manager):
    """A project an administrator reads and the park manager may not."""
    everyone = app.client.get("/api/projects", params={"limit": 1000}, headers=app.headers("admin")).json()
    theirs = app.client.get("/api/projects", params={"limit": 1000}, headers=manager).json()
    own = {p["code"] for p in theirs["projects"]}
    return next(p for p in everyone["projects"] if p["code"] not in own)


def test_the_picker_offers_only_projects_the_reader_may_read(sample_app):
    client = sample_app.client
    manager, staff = sample_app.headers("park_manager", "P02"), sample_app.headers("investment")
    secret = unreadable_project(sample_app, manager)

    anonymous = client.get("/api/projects/choices", params={"q": "XM"})
    by_code = client.get("/api/projects/choices", params={"q": OWN_PROJECT[-3:]}, headers=manager).json()
    by_name = client.get("/api/projects/choices", params={"q": secret["name"]}, headers=manager).json()
    staff_sees = client.get("/api/projects/choices", params={"q": secret["name"]}, headers=staff).json()

    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    assert OWN_PROJECT in [c["code"] for c in by_code]
    assert secret["code"] not in [c["code"] for c in by_name]
    assert secret["code"] in [c["code"] for c in staff_sees]


def test_a_reservation_names_its_project_by_name_and_a_refusal_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "park_manager", "P02")
    manager = sample_app.headers("park_manager", "P02")
    secret = unreadable_project(sample_app, manager)
    own = client.get(f"/api/projects/{OWN_PROJECT}", headers=manager).json()
    code, version = parcels(client, manager, "P02")[0]
    token = csrf(client, f"/parcels/{code}")

    refused = client.post(
        f"/parcels/{code}/status",
        data={
            "csrf_token": token,
            "version": version,
            "status": "reserved",
            "project": secret["code"],
            "note": "洽谈中，待签约",
        },
    )
    after_refusal = client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]
    done = client.post(
        f"/parcels/{code}/status",
        data={
            "csrf_token": token,
            "version": version,
            "status": "reserved",
            "project": own["name"],
            "note": "已考察",
        },
    )
    reserved = client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]

    assert refused.status_code == 422 and "没有您可查看的此编号或名称的项目" in refused.text
    assert 'value="洽谈中，待签约"' in refused.text and f'value="{secret["code"]}"' in refused.text
    assert re.search(r'<option value="reserved" selected>', refused.text)
    assert after_refusal["status"] == "available" and after_refusal["version"] == version
    assert done.status_code == 200 and reserved["status"] == "reserved"
    assert reserved["reserved_project_code"] == OWN_PROJECT


def batch(client, headers, records, status, **more):
    body = {
        "status": status,
        "records": [{"kind": k, "code": c, "version": v} for k, c, v in records],
        **more,
    }
    return client.post("/api/status/batch", json=body, headers=headers)


def test_a_batch_changes_each_record_as_if_alone_and_lists_the_refused(sample_app):
    client = sample_app.client
    manager = sample_app.headers("park_manager", "P02")
    (a, va), (b, vb), (c, vc) = parcels(client, manager, "P02", limit=3)
    (other, vo), *_ = parcels(client, manager, "P01")
    records = [
        ("parcel", a, va),
        ("parcel", b, vb - 1 if vb > 1 else vb + 5),
        ("parcel", other, vo),
        ("parcel", c, vc),
    ]

    answer = batch(client, manager, records, "reserved", project=OWN_PROJECT, note="批量意向")
    factory = batch(client, manager, [("factory", "NO-SUCH", 1)], "可供")
    anonymous = batch(client, {}, records, "reserved", project=OWN_PROJECT)
    unknown = batch(client, manager, records, "reserved", project="没有这个项目")
    history = client.get(f"/api/parcels/{a}/history", headers=manager).json()["entries"]
    refused_history = client.get(f"/api/parcels/{other}/history", headers=sample_app.headers("admin")).json()

    body = answer.json()
    outcome = {r["code"]: r for r in body["results"]}
    assert answer.status_code == 200 and (body["changed"], body["refused"]) == (2, 2)
    assert outcome[a]["changed"] and outcome[a]["to_status"] == "reserved" and outcome[a]["version"] == va + 1
    assert not outcome[b]["changed"] and "刷新" in outcome[b]["reason"]
    assert not outcome[other]["changed"] and outcome[other]["reason"]
    assert outcome[c]["changed"]
    assert [e["action"] for e in history].count("status") == 1
    assert all(e["action"] != "status" or e["version"] < vo for e in refused_history["entries"])
    assert factory.status_code == 200 and not factory.json()["results"][0]["changed"]
    assert anonymous.status_code == 401 and unknown.status_code == 422
    for code, version in ((b, vb), (other, vo)):
        assert client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]["version"] == version


def test_two_batches_at_once_move_each_record_once(sample_app):
    client = sample_app.client
    staff = [sample_app.headers("admin"), sample_app.headers("admin")]
    records = [("parcel", code, version) for code, version in parcels(client, staff[0], "P02", limit=6)]
    answers: list = [None, None]

    def send(i):
        answers[i] = batch(client, staff[i], records[:: 1 if i == 0 else -1], "unavailable", note=f"写者{i}")

    threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    changed = [{r["code"] for r in a.json()["results"] if r["changed"]} for a in answers]
    assert all(a.status_code == 200 for a in answers)
    assert changed[0] | changed[1] == {code for _, code, _ in records} and not changed[0] & changed[1]
    for _, code, version in records:
        entries = client.get(f"/api/parcels/{code}/history", headers=staff[0]).json()["entries"]
        assert [e["action"] for e in entries].count("status") == 1
        assert (
            client.get(f"/api/parcels/{code}", headers=staff[0]).json()["properties"]["version"]
            == version + 1
        )


def shrunk(client, code, factor):
    feature = client.get(f"/api/parcels/{code}").json()
    smaller = affinity.scale(shapely.geometry.shape(feature["geometry"]), factor, factor)
    return feature, shapely.geometry.mapping(smaller)


def test_an_outline_changing_the_area_by_more_than_a_tenth_needs_confirming_on_the_api(sample_app):
    client = sample_app.client
    manager = sample_app.headers("park_manager", "P02")
    code, version = parcels(client, manager, "P02")[0]
    feature, geometry = shrunk(client, code, 0.9)  # 19 % smaller
    headers = {**manager, "If-Match": f'"{version}"'}

    refused = client.patch(f"/api/parcels/{code}", json={"geometry": geometry}, headers=headers)
    unchanged = client.get(f"/api/parcels/{code}").json()["properties"]
    confirmed = client.patch(
        f"/api/parcels/{code}", params={"confirm_area": "true"}, json={"geometry": geometry}, headers=headers
    )

    problem = refused.json()
    before = feature["properties"]["area_mu"]
    assert refused.status_code == 409 and problem["change_percent"].startswith("−19.")
    assert (
        abs(problem["area_mu_before"] - before) < 0.06 and abs(problem["area_mu_after"] - before * 0.81) < 0.2
    )
    assert f"面积将由 {problem['area_mu_before']} 亩变为 {problem['area_mu_after']} 亩" in problem["detail"]
    assert unchanged["version"] == version
    assert confirmed.status_code == 200 and confirmed.json()["properties"]["version"] == version + 1


def as_typed(value):
    """A record's value as its form field sends it."""
    return "on" if value is True else str(value)


def test_the_edit_form_asks_before_a_large_area_change_and_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "park_manager", "P02")
    manager = sample_app.headers("park_manager", "P02")
    code, version = parcels(client, manager, "P02")[0]
    _, geometry = shrunk(client, code, 0.9)
    form = client.get(f"/parcels/{code}/edit").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    record = client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]
    data = {f.name: as_typed(record.get(f.name)) for f in PARCEL if record.get(f.name) not in (None, False)}
    data |= {"csrf_token": token, "version": version, "remarks": "新测绘边界"}
    data["geometry"] = shapely.to_geojson(shapely.geometry.shape(geometry))

    asked = client.post(f"/parcels/{code}/edit", data=data)
    unchanged = client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]
    done = client.post(f"/parcels/{code}/edit", data={**data, "confirm_area": "1"}, follow_redirects=False)
    saved = client.get(f"/api/parcels/{code}", headers=manager).json()["properties"]
    record_page = client.get(f"/parcels/{code}").text

    assert asked.status_code == 409 and 'id="area-confirm"' in asked.text and "确认修改？" in asked.text
    assert re.search(r"面积将由 [\d.]+ 亩变为 [\d.]+ 亩（−19\.\d %）", asked.text)
    assert "新测绘边界" in asked.text and "MultiPolygon" in asked.text
    assert unchanged["version"] == version and unchanged["remarks"] != "新测绘边界"
    assert done.status_code == 303, re.findall(r"alert[^>]*>([^<]+)", done.text)
    assert saved["version"] == version + 1 and saved["remarks"] == "新测绘边界"
    assert "ls-outline-before" in record_page and "ls-outline-after" in record_page
    assert re.search(r"边界</span>：面积 [\d.,]+ → <b>[\d.,]+ 亩</b>", record_page)


def test_a_history_people_can_read(sample_app):
    client = sample_app.client
    admin = sample_app.headers("admin")
    code, version = parcels(client, admin, "P02")[0]
    client.post(
        f"/api/parcels/{code}/status",
        json={"status": "reserved", "project": OWN_PROJECT},
        headers={**admin, "If-Match": f'"{version}"'},
    )
    own = client.get(f"/api/projects/{OWN_PROJECT}", headers=admin).json()
    signed_in(sample_app, "park_manager", "P02")
    theirs = client.get(f"/parcels/{code}").text
    signed_in(sample_app, "park_manager", "P04")
    others = client.get(f"/parcels/{code}").text

    changes = theirs[theirs.index('id="changes"') :]
    assert "状态</span>：可供 → <b>意向</b>" in changes
    assert f"{OWN_PROJECT} {own['name']}" in changes and "reserved_project_id" not in changes
    assert OWN_PROJECT not in others and own["name"] not in others and "（某项目）" in others


def listed(html, plural="parcels"):
    table = html[html.index(f'id="my-{plural}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr data-code="([^"]+)"', table)


def test_the_workspace_list_searches_filters_and_sorts_in_the_url(sample_app):
    client = sample_app.client
    signed_in(sample_app, "park_manager", "P02")
    manager = sample_app.headers("park_manager", "P02")
    everything = client.get("/workspace").text
    own = client.get("/api/parcels", params={"park": "P02", "limit": 1000}, headers=manager).json()[
        "features"
    ]
    first = own[0]["properties"]
    by_area = sorted(own, key=lambda f: (-f["properties"]["area_m2"], f["id"]))

    found = client.get("/workspace", params={"q": first["name"] or first["code"]}).text
    reserved = client.get("/workspace", params={"status": "reserved", "kind": "parcel"}).text
    largest = client.get("/workspace", params={"sort": "-size", "kind": "parcel"}).text
    fragment = client.get("/workspace", params={"sort": "-size"}, headers={"HX-Request": "true"}).text
    bad_sort = client.get("/workspace", params={"sort": "colour"}, headers={"Accept": "text/html"})
    other_area = client.get("/workspace", params={"area": "P04"}, headers={"Accept": "text/html"})

    assert listed(everything) and set(listed(everything)) <= {f["id"] for f in own}
    assert first["code"] in listed(found)
    statuses = {f["id"]: f["properties"]["status"] for f in own}
    assert all(statuses[c] == "reserved" for c in listed(reserved)) and 'id="my-factories"' not in reserved
    assert listed(largest)[:5] == [f["id"] for f in by_area[:5]]
    assert fragment.lstrip().startswith('<div id="ws-list">') and "<html" not in fragment
    assert 'id="ws-sites"' in fragment and '"parcel:' in fragment
    assert bad_sort.status_code == 422 and other_area.status_code == 422


def test_the_bulk_form_reports_each_record_and_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "park_manager", "P02")
    manager = sample_app.headers("park_manager", "P02")
    (a, va), (b, vb) = parcels(client, manager, "P02", limit=2)
    token = csrf(client, "/workspace")
    picks = [f"parcel:{a}:{va}", f"parcel:{b}:{vb + 7}"]

    nothing = client.post(
        "/workspace/status", data={"csrf_token": token, "status": "reserved", "note": "备注甲"}
    )
    done = client.post(
        "/workspace/status",
        data={
            "csrf_token": token,
            "status": "reserved",
            "project": OWN_PROJECT,
            "note": "批量意向",
            "pick": picks,
        },
    )

    assert nothing.status_code == 422 and "请先勾选" in nothing.text and 'value="备注甲"' in nothing.text
    assert done.status_code == 200 and "已变更 1 条，未变更 1 条。" in done.text
    result = done.text[done.text.index('id="bulk-result"') :]
    assert re.search(rf'ls-bulk-changed" data-code="{a}"', result) and "可供 → <b>意向</b>" in result
    assert re.search(rf'ls-bulk-refused table-danger" data-code="{b}"', result) and "刷新" in result
    assert client.get(f"/api/parcels/{b}", headers=manager).json()["properties"]["version"] == vb
    recent = client.get("/workspace").text
    recent = recent[recent.index('id="ws-recent"') :]
    assert f">{a}</a>" in recent[: recent.index("</tr>", recent.index(f">{a}</a>"))]
    assert "状态</span>：可供 → <b>意向</b>" in recent and "reserved_project_id" not in recent


def test_the_bulk_form_takes_every_record_the_filters_select(sample_app):
    client = sample_app.client
    signed_in(sample_app, "park_manager", "P02")
    manager = sample_app.headers("park_manager", "P02")
    available = client.get(
        "/api/parcels", params={"park": "P02", "status": "available", "limit": 1000}, headers=manager
    ).json()["features"]
    token = csrf(client, "/workspace")

    done = client.post(
        "/workspace/status",
        data={
            "csrf_token": token,
            "status": "unavailable",
            "note": "整体调整",
            "all_filtered": "1",
            "filters": "kind=parcel&status=available",
        },
    )
    left = client.get("/api/parcels", params={"park": "P02", "status": "available"}, headers=manager).json()

    assert done.status_code == 200 and f"已变更 {len(available)} 条，未变更 0 条。" in done.text
    assert left["numberMatched"] == 0
