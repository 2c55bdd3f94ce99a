"""`landstock match --text`: a pasted lead read, shown in one block, then matched; the options
given override what it says; on both databases."""

import json

from tests.service.test_cli import landstock

EXAMPLE = "医药制造，固定资产投资3亿元，需地约60亩，二类工业，靠近港口，层高8米以上"


def test_a_pasted_lead_is_shown_then_matched(databases, backend):
    url = databases.url(backend, sample=True)

    as_json = landstock("match", "--text", EXAMPLE, "--json", url=url)
    as_tables = landstock("match", "--text", EXAMPLE, "--limit", "3", url=url)

    assert as_json.returncode == 0, as_json.stderr
    need = json.loads(as_json.stdout)["need"]  # the block goes to stderr: stdout stays JSON
    assert (need["industry_code"], need["nuisance_class"]) == ("27", 2)
    assert (need["land_min_mu"], need["land_max_mu"]) == (54, 66)
    assert "已识别" in as_json.stderr and "需地约60亩 → 用地需求下限（亩） = 54" in as_json.stderr
    assert "全部内容均已识别" in as_json.stderr
    assert as_tables.returncode == 0, as_tables.stderr
    block, _, tables = as_tables.stdout.partition("全部内容均已识别")
    assert "医药制造 → 行业 = 27 医药制造业" in block and "推荐地块" in tables


def test_options_given_override_what_the_lead_says(databases, backend):
    url = databases.url(backend, sample=True)
    text = "医药，需地约60亩，距港口10公里以内，靠近高速"

    ran = landstock(
        "match", "--text", text, "--min-mu", "40", "--max-mu", "50", "--max-km", "port=30", "--json", url=url
    )

    assert ran.returncode == 0, ran.stderr
    need = json.loads(ran.stdout)["need"]
    assert (need["industry_code"], need["land_min_mu"], need["land_max_mu"]) == ("27", 40, 50)


def test_a_lead_without_an_industry_says_what_it_could_not_place_and_asks_for_one(databases, backend):
    url = databases.url(backend, sample=True)

    ran = landstock("match", "--text", "做火箭发动机的，需地60亩", url=url, LANDSTOCK_LANGUAGE="en")
    given = landstock("match", "--text", "做火箭发动机的，需地60亩", "--industry", "37", "--json", url=url)

    assert ran.returncode != 0 and "Traceback" not in ran.stderr
    assert "Not placed: 做火箭发动机的 (not understood)" in ran.stdout
    assert "--industry" in ran.stdout + ran.stderr
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["need"]["industry_code"] == "37"


def test_a_lead_with_a_saved_project_or_too_long_is_refused(databases, backend):
    url = databases.url(backend, sample=True)

    both = landstock("match", "XM-2026-012", "--text", EXAMPLE, url=url)
    long = landstock("match", "--text", "医" * 2001, url=url)

    assert both.returncode != 0 and "--text" in both.stdout + both.stderr
    assert long.returncode != 0 and "2000" in long.stdout + long.stderr
    assert "Traceback" not in both.stderr + long.stderr
