"""The park manager's workspace in a real browser: own records only, edit with an uploaded
outline, the field history, a stale form and another park's record refused with the reason."""

import json

import httpx
import openpyxl
import shapely
from shapely import affinity

from gis.accounts import create_user, get_user, issue_token
from gis.database import Database, make_engine
from tests.conftest import OPERATOR
from tests.corpus import LAT, LON, SIZE, collection, feature, parcel, square

PASSWORD = "correct horse battery staple"


def manager(server, name: str, areas: list[str]) -> None:
    db = Database(make_engine(server.database_url))
    with db.write() as session:
        create_user(session, OPERATOR, name, "park_manager", PASSWORD, areas=areas)
    db.dispose()


def bearer_of(server, name: str) -> dict[str, str]:
    """Bearer headers of an existing account: remarks are shown to signed-in readers only."""
    db = Database(make_engine(server.database_url))
    with db.write() as session:
        token = issue_token(session, OPERATOR, get_user(session, name), "test", None)
    db.dispose()
    return {"Authorization": f"Bearer {token}"}


def test_workspace_edit_with_uploaded_outline_history_and_refusals(page, live_server, tmp_path):
    manager(live_server, "p02-manager", ["P02"])
    signed_in = bearer_of(live_server, "p02-manager")
    page.sign_in("p02-manager", PASSWORD)
    page.goto("/workspace")
    rows = page.page.locator("#my-parcels tbody tr[data-code]")
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    park = {
        f["id"]: f["properties"]["park_code"]
        for f in httpx.get(f"{live_server.base}/api/parcels", params={"park": "P02", "limit": 1000}).json()[
            "features"
        ]
    }
    assert codes and all(park.get(c) == "P02" for c in codes)
    page.screenshot(f"workspace-{live_server.backend}")

    code = codes[0]
    before = httpx.get(f"{live_server.base}/api/parcels/{code}").json()
    smaller = affinity.scale(shapely.geometry.shape(before["geometry"]), 0.8, 0.8)
    outline = tmp_path / "outline.geojson"
    outline.write_text(json.dumps(shapely.geometry.mapping(smaller)))
    page.goto(f"/parcels/{code}/edit")
    stale = page.page.context.new_page()
    stale.goto(f"{live_server.base}/parcels/{code}/edit", wait_until="networkidle")
    page.page.fill("#f-remarks", "已完成土地平整")
    page.page.set_input_files("#geometry-file", str(outline))
    page.page.wait_for_function("() => document.getElementById('geometry').value.length > 0")
    page.screenshot(f"edit-{live_server.backend}")
    page.expect_refusal(f"/parcels/{code}/edit")  # the area shrinks by a third: asked first
    with page.page.expect_navigation():
        page.page.click("#edit-form button[type=submit]")
    assert "确认修改？" in page.page.inner_text("#area-confirm")
    assert page.page.input_value("#f-remarks") == "已完成土地平整"
    with page.page.expect_navigation():
        page.page.click("#confirm-area")

    after = httpx.get(f"{live_server.base}/api/parcels/{code}", headers=signed_in).json()["properties"]
    assert after["remarks"] == "已完成土地平整" and after["version"] == before["properties"]["version"] + 1
    assert 0.6 < after["area_m2"] / before["properties"]["area_m2"] < 0.7
    changes = page.page.locator("#changes").inner_text()
    assert "已完成土地平整" in changes and "p02-manager" in changes

    stale.fill("#f-remarks", "另一人的修改")
    with stale.expect_navigation():
        stale.click("#edit-form button[type=submit]")
    assert "刷新" in stale.locator("#edit-problem").inner_text()
    stale.close()

    other = httpx.get(f"{live_server.base}/api/parcels", params={"park": "P01", "limit": 1}).json()[
        "features"
    ][0]["id"]
    # another park's parcel: read-only, with the reason, and no form to fill in even by its address
    page.goto(f"/parcels/{other}")
    assert "不在您负责的园区或镇" in page.page.locator("#read-only").inner_text()
    assert page.page.locator("#edit-link, #status-form").count() == 0
    page.expect_refusal(f"/parcels/{other}/edit")
    refused = page.page.goto(f"{live_server.base}/parcels/{other}/edit")
    assert refused is not None and refused.status == 403 and page.page.locator("#edit-form").count() == 0


def upload(page, path, *, dry_run: bool = False) -> tuple[str, str]:
    """Send a survey file through the workspace's import form: the outcome line it then shows,
    and its table of the rows not simply accepted ("" when there are none)."""
    page.page.evaluate("() => document.getElementById('import-report').replaceChildren()")
    page.page.set_input_files("#import-file", str(path))
    page.page.set_checked("#import-dry", dry_run)
    page.page.click("#import-form button[type=submit]")
    outcome = page.page.locator("#import-outcome")
    outcome.wait_for()
    rows = page.page.locator("#import-rows")
    return outcome.inner_text(), rows.inner_text() if rows.count() else ""


def test_workspace_import_reports_every_row_and_writes_only_an_accepted_file(page, live_server, tmp_path):
    manager(live_server, "p01-importer", ["P01"])
    page.sign_in("p01-importer", PASSWORD)
    page.goto("/workspace")
    x, y = LON + 0.006, LAT
    bow_tie = feature(
        {
            "type": "Polygon",
            "coordinates": [[[x, y], [x + SIZE, y + SIZE], [x + SIZE, y], [x, y + SIZE], [x, y]]],
        },
        地块编号="WEB-2",
        用地性质="M2",
    )
    collapsed = feature(
        {"type": "Polygon", "coordinates": [[[x, y], [x + SIZE, y], [x, y]]]}, 地块编号="WEB-3", 用地性质="M2"
    )
    refused, accepted = tmp_path / "refused.geojson", tmp_path / "survey.geojson"
    refused.write_text(json.dumps(collection(parcel(0, code="WEB-1"), collapsed), ensure_ascii=False))
    accepted.write_text(json.dumps(collection(parcel(0, code="WEB-1"), bow_tie), ensure_ascii=False))

    def listed() -> int:
        return httpx.get(f"{live_server.base}/api/parcels", params={"q": "WEB-"}).json()["numberMatched"]

    page.expect_refusal("/api/imports?lang=zh")  # a refused file answers 422 with its report
    outcome, rows = upload(page, refused)
    page.screenshot(f"workspace-import-{live_server.backend}")
    assert outcome == "文件未被接受，数据库未作任何修改。" and listed() == 0
    assert "WEB-3" in rows and "拒绝" in rows and "WEB-1" not in rows  # accepted rows are not listed
    outcome, rows = upload(page, refused, dry_run=True)  # a dry run is refused as the import is
    assert outcome == "文件未被接受，数据库未作任何修改。" and "WEB-3" in rows and listed() == 0
    assert "alert-danger" in page.page.locator("#import-outcome").get_attribute("class")
    assert "检查通过" not in page.page.inner_text("#import-report")  # no green line above rejected rows

    outcome, rows = upload(page, accepted, dry_run=True)
    assert outcome == "检查通过（未写入）：共 2 行。" and listed() == 0
    assert "WEB-2" in rows and "已修复" in rows

    assert upload(page, accepted)[0] == "已导入：新增 2，更新 0，无变化 0，状态变更 0。"
    new = httpx.get(f"{live_server.base}/api/parcels/WEB-2").json()["properties"]
    assert listed() == 2 and new["park_code"] == "P01" and new["land_use"] == "100102"


ENGLISH_DRAW_WORDS = """() => {
  const english = [];
  (function walk(node, path) {
    Object.entries(node).forEach(([key, value]) => {
      if (value && typeof value === "object") { walk(value, path + key + "."); }
      else if (/[A-Za-z]{3,}/.test(String(value).replace(/<[^>]+>/g, ""))) { english.push(path + key); }
    });
  })(L.drawLocal, "");
  return english;
}"""


def click_like_a_person(page, x: float, y: float) -> None:
    """Move, press, release, pause: Leaflet.draw takes a click faster than a hand can make for
    a touch and a click at once (Leaflet/Leaflet.draw#789) and then refuses the shape."""
    page.mouse.move(x, y, steps=4)
    page.mouse.down()
    page.wait_for_timeout(80)
    page.mouse.up()
    page.wait_for_timeout(300)


def test_drawing_an_outline_speaks_chinese(page, live_server):
    manager(live_server, "p03-manager", ["P03"])
    page.sign_in("p03-manager", PASSWORD)
    code = httpx.get(f"{live_server.base}/api/parcels", params={"park": "P03", "limit": 1}).json()[
        "features"
    ][0]["id"]
    page.goto(f"/parcels/{code}/edit")

    assert page.page.evaluate(ENGLISH_DRAW_WORDS) == []
    tool = page.page.locator(".leaflet-draw-draw-polygon")
    assert tool.get_attribute("title") == "绘制多边形"
    tool.click()
    assert page.page.locator(".leaflet-draw-tooltip").inner_text() == "单击开始绘制边界。"
    assert page.page.locator(".leaflet-draw-actions-top").inner_text().split() == [
        "完成",
        "删除最后一点",
        "取消",
    ]
    box = page.page.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-60, -60), (60, -60), (60, 60), (-60, 60), (-60, -60)):
        click_like_a_person(page.page, x + dx, y + dy)
    drawn = json.loads(page.page.input_value("#geometry"))
    assert drawn["type"] == "MultiPolygon" and len(drawn["coordinates"]) == 2  # the outline and the new one


def test_the_import_form_offers_templates_and_update_only_at_every_width(page, live_server, tmp_path):
    manager(live_server, "p01-templates", ["P01"])
    page.sign_in("p01-templates", PASSWORD)
    for width in (390, 900, 1440):
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/workspace")
        links = page.page.locator("#import-templates a")
        page.page.locator("#import-templates").scroll_into_view_if_needed()
        box = page.page.locator("#import-form").bounding_box()
        page.screenshot(f"workspace-import-form-{width}-{live_server.backend}")

        assert links.count() == 2 and all(links.nth(k).is_visible() for k in range(2))
        assert page.page.locator("#import-only-existing").is_visible()
        assert page.page.locator("#import-accept-moves").is_visible()
        assert box is not None and box["x"] + box["width"] <= width, (
            f"the import form overflows at {width} px"
        )

    with page.page.expect_download() as fetched:
        page.page.click("#import-templates a >> nth=1")
    saved = tmp_path / fetched.value.suggested_filename
    fetched.value.save_as(saved)
    assert saved.name == "factories-template.xlsx" and saved.stat().st_size > 0


def fill_parcels_template(template, filled, code: str) -> None:
    """Fill in the downloaded template as a park office would: one row below the headers, the
    listed columns chosen from their drop-down lists, an outline as WKT inside its park."""
    book = openpyxl.load_workbook(template)
    sheet, options = book.worksheets[0], book["选项"]
    headers = [c.value for c in sheet[1]]
    listed = {column[0]: column[1:] for column in options.iter_cols(values_only=True) if column[0]}
    typed = {
        "编号": code,
        "名称": "模板填报地块",
        "用地性质": listed["用地性质"][2],  # 二类工业用地
        "存量类型": listed["存量类型"][0],
        "状态": listed["状态"][0],
        "价格(万元/亩)": 31.5,
        "联系人": "王工",
        "几何(WKT)": square(6).wkt,
    }
    for column, value in typed.items():
        sheet.cell(row=2, column=headers.index(column) + 1, value=value)
    book.save(filled)


def test_a_park_manager_fills_the_template_checks_it_and_imports_it_on_the_workspace(
    page, live_server, tmp_path
):
    manager(live_server, "p01-template-user", ["P01"])
    page.sign_in("p01-template-user", PASSWORD)
    page.page.set_viewport_size({"width": 900, "height": 900})
    page.goto("/workspace")
    with page.page.expect_download() as fetched:
        page.page.click("#import-templates a >> nth=0")
    template = tmp_path / fetched.value.suggested_filename
    fetched.value.save_as(template)

    def listed() -> int:
        return httpx.get(f"{live_server.base}/api/parcels", params={"q": "TPL-"}).json()["numberMatched"]

    page.expect_refusal("/api/imports?lang=zh")  # the untouched template: headers alone
    page.page.set_input_files("#import-file", str(template))
    page.page.set_checked("#import-dry", True)
    page.page.click("#import-form button[type=submit]")
    page.page.wait_for_function("document.getElementById('import-status').textContent.startsWith('未能导入')")
    assert "只有表头，没有数据行" in page.page.inner_text("#import-status") and listed() == 0

    filled = tmp_path / "园区台账.xlsx"
    fill_parcels_template(template, filled, "TPL-1")
    outcome, rows = upload(page, filled, dry_run=True)
    page.screenshot(f"workspace-template-checked-{live_server.backend}")
    assert outcome == "检查通过（未写入）：共 1 行。" and rows == "" and listed() == 0

    assert upload(page, filled)[0] == "已导入：新增 1，更新 0，无变化 0，状态变更 0。"
    new = httpx.get(f"{live_server.base}/api/parcels/TPL-1").json()["properties"]
    assert (new["park_code"], new["land_use"], new["status"], new["name"]) == (
        "P01",
        "100102",
        "available",
        "模板填报地块",
    )
    assert new["price_wan_per_mu"] == 31.5
    assert (
        upload(page, filled)[0] == "已导入：新增 0，更新 0，无变化 1，状态变更 0。"
    )  # again: nothing changes


def test_moving_an_outline_far_asks_for_the_accept_moves_box(page, live_server, tmp_path):
    manager(live_server, "p01-mover", ["P01"])
    park = shapely.geometry.shape(httpx.get(f"{live_server.base}/api/areas/P01").json()["geometry"])
    features = httpx.get(f"{live_server.base}/api/parcels", params={"park": "P01", "limit": 200}).json()
    moved = next(  # a parcel that stays inside its park when moved ~190 m east
        (f["id"], shifted)
        for f in features["features"]
        if park.contains(shifted := affinity.translate(shapely.geometry.shape(f["geometry"]), xoff=0.002))
    )
    survey = tmp_path / "moved.geojson"
    survey.write_text(json.dumps(collection(feature(moved[1], 地块编号=moved[0])), ensure_ascii=False))
    page.sign_in("p01-mover", PASSWORD)
    page.goto("/workspace")

    page.expect_refusal("/api/imports?lang=zh")
    outcome, _ = upload(page, survey)
    said = page.page.inner_text("#import-report")
    assert outcome == "文件未被接受，数据库未作任何修改。"
    assert "整体移动约" in said and "勾选“接受整体移动”" in said, said

    page.page.set_checked("#import-accept-moves", True)
    outcome, _ = upload(page, survey)
    assert outcome.startswith("已导入：新增 0，更新 1"), outcome
    assert "已按要求接受移动" in page.page.inner_text("#import-report")
    stored = shapely.geometry.shape(
        httpx.get(f"{live_server.base}/api/parcels/{moved[0]}").json()["geometry"]
    )
    assert stored.centroid.distance(moved[1].centroid) < 1e-6
