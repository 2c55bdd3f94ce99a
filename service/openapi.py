"""The OpenAPI document, told the truth about errors: every 4xx/5xx is application/problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.errors import PROBLEM
from service.paging import document_largest_page

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; `detail` is in the reader's language (?lang=zh|en).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:landstock:problem:error.not_found"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
ERRORS = {"4XX": "Client error (problem+json)", "5XX": "Server or database unavailable (problem+json)"}
PROBLEM_CONTENT = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _errors_as_problems(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for code, response in list(responses.items()):
        if code[0] in "45":
            response["content"] = PROBLEM_CONTENT
        for body in response.get("content", {}).values():
            # FastAPI adds {"type": "string"} for a custom response class beside the model's $ref.
            if "$ref" in body.get("schema", {}):
                body["schema"] = {"$ref": body["schema"]["$ref"]}
    for code, description in ERRORS.items():
        responses.setdefault(code, {"description": description, "content": PROBLEM_CONTENT})


def install(app: FastAPI) -> None:
    """Make `app.openapi()` describe problem+json errors instead of FastAPI's default 422 body,
    and the largest page the settings allow."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = PROBLEM_SCHEMA
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    _errors_as_problems(operation)
                    document_largest_page(operation, app.state.settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
