"""The parcel and factory routes, made from one row per kind, keep each kind's own operations in /docs."""

import pytest

from service.kinds import KINDS
from service.main import create_app
from tests.conftest import settings_for

# The document is built without a database (create_app connects only in its lifespan).
SPEC = create_app(settings_for("sqlite:///unused.sqlite")).openapi()


def operations(prefix: str) -> dict[str, tuple[str, str]]:
    return {
        op["operationId"]: (op["summary"], op["tags"][0])
        for path, methods in SPEC["paths"].items()
        if path.startswith(prefix) and "/export" not in path
        for op in methods.values()
    }


@pytest.mark.parametrize(
    ("kind", "zh", "code"), [("parcel", "地块", "KFQ-001"), ("factory", "厂房", "CF-KFQ-001")]
)
def test_each_kind_has_its_own_operations_summaries_and_schemas(kind, zh, code):
    plural = KINDS[kind].plural
    found = operations(f"/api/{plural}")
    body = SPEC["paths"][f"/api/{plural}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    path = SPEC["paths"][f"/api/{plural}/{{code}}"]["get"]["parameters"][0]

    assert {name.split("_api_")[0] for name in found} == {
        f"list_{plural}",
        f"get_{kind}",
        f"create_{kind}",
        f"update_{kind}",
        f"delete_{kind}",
        f"restore_{kind}",
        f"change_{kind}_status",
        f"{kind}_history",
        f"projects_for_{kind}",
        f"verify_{kind}",
        f"{kind}_attachments",
        f"upload_{kind}_attachments",
        "site_brochure",  # one route for both kinds, /api/{kind}/{code}/brochure.pdf
    }
    assert found[f"list_{plural}_api_{plural}_get"] == (f"List {plural} {zh}列表", f"{plural} {zh}")
    assert body["$ref"].endswith(f"New{kind.capitalize()}")
    assert path["description"] == f"{zh}编号" and path["schema"]["examples"] == [code]
