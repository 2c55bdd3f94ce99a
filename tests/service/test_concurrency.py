"""50 people saving the same version of one parcel at once: one wins, 49 are told, nothing lost."""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from harness.live import serve
from service.main import create_app
from tests.conftest import settings_for

ROUNDS, CLIENTS = 20, 50


async def same_version_round(
    base: str, headers: dict[str, str], path: str, body: Callable[[str], Any], round_: int
) -> list[int]:
    """CLIENTS writers PATCH `path` at once, each with its own remark, all from the version read
    just before; their answers' status codes."""
    async with httpx.AsyncClient(
        base_url=base, timeout=120, limits=httpx.Limits(max_connections=CLIENTS)
    ) as client:
        etag = (await client.get(path)).headers["etag"]
        requests = [
            client.patch(path, headers={**headers, "If-Match": etag}, json=body(f"第{round_}轮-客户端{i}"))
            for i in range(CLIENTS)
        ]
        return [r.status_code for r in await asyncio.gather(*requests)]


def parcel_remarks(remark: str) -> dict[str, Any]:
    return {"properties": {"remarks": remark}}


async def one_round(base: str, headers: dict[str, str], code: str, round_: int) -> list[int]:
    return await same_version_round(base, headers, f"/api/parcels/{code}", parcel_remarks, round_)


def test_concurrent_updates_with_the_same_version(sample_app):
    headers = sample_app.headers("admin")
    code = "KFQ-001"
    before = sample_app.client.get(f"/api/parcels/{code}/history", headers=headers).json()["entries"]

    with serve(create_app(settings_for(sample_app.url))) as base:
        rounds = [asyncio.run(one_round(base, headers, code, r)) for r in range(ROUNDS)]

    after = sample_app.client.get(f"/api/parcels/{code}/history", headers=headers).json()["entries"]
    updates = after[len(before) :]
    final = sample_app.client.get(f"/api/parcels/{code}", headers=headers).json()["properties"]
    assert [sorted(set(r)) for r in rounds] == [[200, 412]] * ROUNDS
    assert [r.count(200) for r in rounds] == [1] * ROUNDS
    assert len(updates) == ROUNDS and all(u["action"] == "update" for u in updates)
    assert [u["version"] for u in updates] == list(
        range(updates[0]["version"], updates[0]["version"] + ROUNDS)
    )
    assert final["remarks"] == updates[-1]["changes"]["remarks"][1]
    assert final["version"] == updates[-1]["version"]
