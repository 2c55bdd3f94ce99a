"""The joint review records on a project's page, on both databases: the list with its downloads,
who sees which form, each form's success and refusal (nothing written, what was typed kept), and
the note on why signing waits for an approved review."""

from tests.pipeline_helpers import TODAY, day, land_project
from tests.service.test_project_page import page_csrf, signed_in, step

PROJECT = "XM-2026-001"  # reserves KFQ-009 and BX-009; prefers P03
LIST = f"/api/projects/{PROJECT}/reviews"
DEPARTMENTS = (
    "development_reform",
    "commerce",
    "natural_resources",
    "housing_construction",
    "administrative_approval",
)


def listed(app, code=PROJECT):
    return app.client.get(f"/api/projects/{code}/reviews", headers=app.headers("admin")).json()["reviews"]


def hold(app, token, code=PROJECT, **values):
    return app.client.post(
        f"/projects/{code}/reviews", follow_redirects=False, data={"csrf_token": token, **values}
    )


def opinions(record, **rows):
    """The opinions form as the page sends it: every department's three fields, as stored unless given."""
    data = {"version": record["version"]}
    for d in record["departments"]:
        row = {
            "opinion": d["opinion"] or "",
            "signatory": d["signatory"] or "",
            "signed_on": d["signed_on"] or "",
            **rows.get(d["department"], {}),
        }
        data.update({f"{d['department']}.{k}": v for k, v in row.items()})
    return data


def held_by_staff(app):
    """Investment staff signed in hold a review of PROJECT on KFQ-009: their form token, the record."""
    signed_in(app, "investment")
    token = page_csrf(app.client, f"/projects/{PROJECT}")
    hold(app, token, site="KFQ-009", held_on=day(3))
    return token, listed(app)[0]


def send_opinions(app, token, record, follow=False, **rows):
    """Post the opinions form of `record` (as stored, but for `rows`); a 303 is followed if asked."""
    return app.client.post(
        f"/projects/{PROJECT}/reviews/{record['slug']}/opinions",
        follow_redirects=follow,
        data={"csrf_token": token, **opinions(record, **rows)},
    )


def test_staff_hold_a_review_on_a_site_picked_or_typed_and_a_refused_one_keeps_what_was_typed(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")
    token = page_csrf(client, f"/projects/{PROJECT}")
    page = client.get(f"/projects/{PROJECT}").text

    future = hold(sample_app, token, site="KFQ-009", held_on=day(-2), plot_ratio="1.5", office_share="6")
    unknown = hold(sample_app, token, other_site="NOPE-404", held_on=day(1), building_coefficient="45")
    wrong = hold(sample_app, token, site="KFQ-009", plot_ratio="一点五")
    none_held = listed(sample_app)
    picked = hold(sample_app, token, site="KFQ-009", held_on=day(2), plot_ratio="1.5", office_share="6")
    typed = hold(sample_app, token, site="KFQ-009", other_site=" SMC-001 ")

    assert (
        'id="review-form"' in page and '<option value="KFQ-009">KFQ-009' in page and 'id="no-reviews"' in page
    )
    assert (
        future.status_code == 422 and 'id="review-problem"' in future.text and "不能晚于今天" in future.text
    )
    assert f'value="{day(-2)}"' in future.text and 'value="1.5"' in future.text and 'value="6"' in future.text
    assert 'value="KFQ-009" selected' in future.text
    assert unknown.status_code == 404 and 'value="NOPE-404"' in unknown.text and 'value="45"' in unknown.text
    assert wrong.status_code == 422 and 'value="一点五"' in wrong.text
    assert none_held == []
    assert picked.status_code == typed.status_code == 303
    assert picked.headers["location"] == f"/projects/{PROJECT}?done=review#review-card"
    first, second = listed(sample_app)
    assert (first["site"], first["held_on"], first["planned"]["plot_ratio"]) == ("KFQ-009", day(2), 1.5)
    assert first["planned"]["office_share"] == 6 and second["site"] == "SMC-001"
    assert second["held_on"] == TODAY.isoformat()


def test_the_list_shows_each_record_and_its_downloads_answer(sample_app):
    client = sample_app.client
    signed_in(sample_app, "admin")
    token = page_csrf(client, f"/projects/{PROJECT}")
    hold(sample_app, token, site="KFQ-009", held_on=day(3))
    record = listed(sample_app)[0]
    client.post(
        f"/projects/{PROJECT}/reviews/{record['slug']}/outcome",
        data={
            "csrf_token": token,
            "version": record["version"],
            "outcome": "conditional",
            "outcome_note": "容积率不低于 1.2",
        },
    )
    signed_in(sample_app, "leader")

    page = client.get(f"/projects/{PROJECT}").text
    answers = {
        kind: client.get(f"/api/projects/{PROJECT}/reviews/{record['slug']}.{kind}")
        for kind in ("pdf", "xlsx", "html")
    }

    rows = page[page.index('id="review-list"') : page.index("</table>", page.index('id="review-list"'))]
    assert record["number"] in rows and day(3) in rows and "KFQ-009" in rows
    assert "有条件通过" in rows and "容积率不低于 1.2" in rows
    for kind, answer in answers.items():
        assert f'href="{record["links"][kind]}"' in rows
        assert answer.status_code == 200, kind
    assert answers["pdf"].headers["content-type"] == "application/pdf"
    assert answers["pdf"].content.startswith(b"%PDF")
    assert (
        answers["xlsx"]
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    assert (
        answers["html"].headers["content-type"].startswith("text/html")
        and record["number"] in answers["html"].text
    )


def test_each_role_sees_the_forms_it_may_use(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")
    hold(sample_app, page_csrf(client, f"/projects/{PROJECT}"), site="KFQ-009")
    seen = {}
    for role, areas in (("investment", ()), ("admin", ()), ("leader", ()), ("park_manager", ("P03",))):
        signed_in(sample_app, role, *areas)
        seen[role] = client.get(f"/projects/{PROJECT}").text

    assert all('id="review-list"' in text for text in seen.values())
    assert all(
        'id="review-form"' in seen[r] and "ls-opinions-form" in seen[r] for r in ("investment", "admin")
    )
    assert "ls-outcome-form" in seen["admin"] and "ls-outcome-form" not in seen["investment"]
    assert all(
        'id="review-form"' not in seen[r]
        and "ls-opinions-form" not in seen[r]
        and "ls-outcome-form" not in seen[r]
        for r in ("leader", "park_manager")
    )


def test_opinions_are_entered_and_a_stale_form_keeps_what_was_typed(sample_app):
    token, record = held_by_staff(sample_app)
    land = {"opinion": "用地符合国土空间规划", "signatory": "张自然", "signed_on": day(3)}

    entered = send_opinions(sample_app, token, record, natural_resources=land)
    after_first = listed(sample_app)[0]
    stale = send_opinions(
        sample_app, token, record, True, commerce={"opinion": "同意引进，纳入重点项目", "signatory": "李商务"}
    )
    future = send_opinions(
        sample_app, token, after_first, True, housing_construction={"opinion": "同意", "signed_on": day(-1)}
    )

    assert entered.status_code == 303
    assert (
        entered.headers["location"]
        == f"/projects/{PROJECT}?done=opinions-{record['slug']}#opinions-{record['slug']}-card"
    )
    rows = {d["department"]: d for d in after_first["departments"]}
    assert (rows["natural_resources"]["opinion"], rows["natural_resources"]["signatory"]) == (
        "用地符合国土空间规划",
        "张自然",
    )
    assert rows["natural_resources"]["signed_on"] == day(3) and rows["commerce"]["opinion"] is None
    assert stale.status_code == 412 and f'id="opinions-{record["slug"]}-problem"' in stale.text
    assert "同意引进，纳入重点项目" in stale.text and 'value="李商务"' in stale.text
    assert future.status_code == 422 and f'value="{day(-1)}"' in future.text
    assert listed(sample_app)[0] == after_first  # nothing written by either refusal


def test_only_an_administrator_decides_and_then_alone_changes_the_opinions(sample_app):
    client = sample_app.client
    staff_token, record = held_by_staff(sample_app)
    base = f"/projects/{PROJECT}/reviews/{record['slug']}"

    by_staff = client.post(
        f"{base}/outcome", data={"csrf_token": staff_token, "version": record["version"], "outcome": "passed"}
    )
    signed_in(sample_app, "admin")
    token = page_csrf(client, f"/projects/{PROJECT}")
    bare = client.post(
        f"{base}/outcome",
        data={"csrf_token": token, "version": record["version"], "outcome": "failed", "outcome_note": " "},
    )
    undecided = listed(sample_app)[0]
    decided = client.post(
        f"{base}/outcome",
        follow_redirects=False,
        data={
            "csrf_token": token,
            "version": record["version"],
            "outcome": "conditional",
            "outcome_note": "设计容积率须不低于 1.2",
        },
    )
    after = listed(sample_app)[0]
    signed_in(sample_app, "investment")
    staff_page = client.get(f"/projects/{PROJECT}").text
    late = send_opinions(
        sample_app, page_csrf(client, f"/projects/{PROJECT}"), after, True, commerce={"opinion": "补充意见"}
    )
    signed_in(sample_app, "admin")
    by_admin = send_opinions(
        sample_app, page_csrf(client, f"/projects/{PROJECT}"), after, commerce={"opinion": "补充意见"}
    )

    assert by_staff.status_code == 403 and f'id="outcome-{record["slug"]}-problem"' not in by_staff.text
    assert 'id="page-problem"' not in by_staff.text and "管理员" in by_staff.text
    assert bare.status_code == 422 and "须写明说明" in bare.text
    assert '<option value="failed" selected>' in bare.text
    assert undecided["outcome"] == "pending" and undecided["version"] == record["version"]
    assert decided.status_code == 303 and after["outcome"] == "conditional"
    assert after["outcome_note"] == "设计容积率须不低于 1.2"
    assert "ls-decided" in staff_page and "ls-opinions-form" not in staff_page
    assert late.status_code == 403 and "只有管理员可以修改" in late.text and "补充意见" in late.text
    assert by_admin.status_code == 303
    assert {d["department"]: d["opinion"] for d in listed(sample_app)[0]["departments"]}[
        "commerce"
    ] == "补充意见"


def test_the_page_says_why_signing_waits_and_signs_once_a_review_passed(sample_app):
    client, code = sample_app.client, "XM-SIGN-PAGE"
    created = client.post(
        "/api/projects",
        headers=sample_app.headers("investment"),
        json=land_project(code, "签约规则页面测试", "签约页面测试有限公司"),
    )
    assert created.status_code == 201, created.text
    signed_in(sample_app, "admin")
    path = f"/projects/{code}"
    token = page_csrf(client, path)
    waiting = client.get(path).text
    version = client.get(f"/api/projects/{code}", headers=sample_app.headers("admin")).json()["version"]
    refused = step(sample_app, token, version, "signed", 0, code, note="签约")

    held = hold(sample_app, token, code=code, other_site="SMC-001", held_on=day(1))
    record = listed(sample_app, code)[0]
    decided = client.post(
        f"{path}/reviews/{record['slug']}/outcome",
        follow_redirects=False,
        data={"csrf_token": token, "version": record["version"], "outcome": "passed"},
    )
    approved = client.get(path).text
    signed = step(sample_app, token, version, "signed", 0, code, False)

    assert 'id="review-waits"' in waiting and 'id="stage-review-waits"' in waiting
    assert "按本市规定须经联合会审" in waiting and "LANDSTOCK_" not in waiting  # the rule, not a setting
    assert (
        refused.status_code == 422 and "尚无联合会审记录" in refused.text and 'value="签约"' in refused.text
    )
    assert held.status_code == decided.status_code == 303
    assert 'id="review-waits"' not in approved and 'id="stage-review-waits"' not in approved
    assert signed.status_code == 303
    assert (
        client.get(f"/api/projects/{code}", headers=sample_app.headers("admin")).json()["stage"] == "signed"
    )
