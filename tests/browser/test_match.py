"""The matching page in a real browser: a project's needs in, ranked sites out and on the map.

The page is a client of /api/match (issue 4). Until the service has it, the page must say so
and offer nothing that cannot work; once it has, the form must bring candidates and the map
must highlight them.
"""


def has_matching(server) -> bool:
    import httpx
    return "/api/match" in httpx.get(f"{server.base}/openapi.json").json()["paths"]


def test_matching_form_ranks_and_highlights_sites(page, live_server):
    page.goto("/match")
    page.screenshot(f"match-{live_server.backend}")

    if not has_matching(live_server):
        assert page.page.locator("#match-disabled").is_visible()
        assert page.page.locator("#match-form button[type=submit]").is_disabled()
        return
    page.page.fill("#industry", "27")
    page.page.fill("#land_min_mu", "20")
    page.page.fill("#land_max_mu", "80")
    with page.page.expect_response(lambda r: "/api/match" in r.url):
        page.page.click("#match-form button[type=submit]")
    page.page.wait_for_selector(".ls-candidate")
    ranked = page.page.locator(".ls-candidate:not(.ls-near)").count()
    assert ranked > 0
    assert page.page.evaluate("() => landstock.highlighted()") > 0
    page.screenshot(f"match-results-{live_server.backend}")
