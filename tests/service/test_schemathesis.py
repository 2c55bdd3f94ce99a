"""Schemathesis against the OpenAPI document: no server errors, no response off its schema."""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from harness.live import serve
from service.main import create_app
from tests.conftest import BACKENDS, SampleApp, settings_for

# A deeper search by hand: LANDSTOCK_SCHEMATHESIS_EXAMPLES=200 make test (or pytest this file)
EXAMPLES_PER_OPERATION = int(os.environ.get("LANDSTOCK_SCHEMATHESIS_EXAMPLES", "12"))
# A PDF is laid out by WeasyPrint at about 10 ms a table row: the sample's weekly summary (some 260
# rows, most of them overdue projects) takes several seconds on a busy test machine, more than
# schemathesis' default of 10 s allows. Other requests keep that default.
PDF_TIMEOUT_S = 60
PDF = r"\.pdf$"
PDF_EXAMPLES = max(3, EXAMPLES_PER_OPERATION // 4)


@pytest.fixture(scope="module", params=BACKENDS)
def live_api(request, databases) -> Iterator[tuple[str, dict[str, str]]]:
    app = SampleApp(databases.url(request.param, sample=True))
    headers = app.headers("admin")
    with serve(create_app(settings_for(app.url))) as base:
        yield base, headers
    app.db.dispose()


# The document is built without touching a database (create_app connects only in its lifespan).
schema = schemathesis.openapi.from_dict(create_app(settings_for("sqlite:///unused.sqlite")).openapi())


def _call(case, live_api, **options):
    base, headers = live_api
    case.call_and_validate(
        base_url=base,
        headers=headers,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        **options,
    )


@schema.exclude(path_regex=PDF).parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, live_api):
    _call(case, live_api)


# A PDF takes seconds to lay out, and its parameters are the same as its JSON twin's, searched above
# with every example: a few examples a PDF operation find what is its own (the file, its type).
@schema.include(path_regex=PDF).parametrize()
@settings(max_examples=PDF_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_pdf_operations_conform_to_their_schema(case, live_api):
    _call(case, live_api, timeout=PDF_TIMEOUT_S)
