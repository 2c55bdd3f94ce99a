"""The page a list answers: `limit` checked against LANDSTOCK_MAX_PAGE_SIZE in one place, and
/docs told that maximum (it is a setting, so no route can declare it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError

from service.dependencies import SettingsDep
from service.settings import Settings

# Marks a `limit` whose maximum is the setting; service/openapi.py writes the number in its place.
LARGEST_PAGE = "x-largest-page"
MAX_OFFSET = 10_000_000
# The largest row id or version either database stores (a 64-bit signed integer): a larger number
# in a path or a form is refused with 422 instead of overflowing the driver
MAX_ROW_ID = 2**63 - 1


def checked_limit(limit: int, settings: Settings, *, clamp: bool = False) -> int:
    """`limit` if the setting allows it; above, a 422 naming the maximum, or the maximum itself
    where a standard says a larger limit is no error (`clamp`: OGC API – Features)."""
    largest = settings.app.max_page_size
    if limit <= largest:
        return limit
    if clamp:
        return largest
    raise RequestValidationError(
        [
            {
                "type": "less_than_equal",
                "loc": ("query", "limit"),
                "input": limit,
                "ctx": {"le": largest},
                "msg": f"Input should be less than or equal to {largest}",
            }
        ]
    )


@dataclass(frozen=True)
class Paging:
    """Which page of a list: at most `limit` rows after the first `offset`."""

    limit: int
    offset: int


def paging(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, description="每页条数", json_schema_extra={LARGEST_PAGE: True})] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过的条数 (paging)")] = 0,
) -> Paging:
    """The page asked for, its limit checked against the setting."""
    return Paging(checked_limit(limit, settings), offset)


PagingDep = Annotated[Paging, Depends(paging)]


def document_largest_page(operation: dict[str, Any], settings: Settings) -> None:
    """Give each marked `limit` of an OpenAPI operation the setting as its maximum."""
    for parameter in operation.get("parameters", []):
        if parameter.get("schema", {}).pop(LARGEST_PAGE, False):
            parameter["schema"]["maximum"] = settings.app.max_page_size
