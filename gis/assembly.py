"""Assembled sites (拼地): adjacent available parcels of one park whose union meets the need.

Pure search over a small pool that gis/matching.py fetched through the spatial index around a
bounded number of seeds. Adjacency is measured in metres in the Gauss-Krüger zone: parcels that
touch, or lie within the configured gap (an internal road of 12–15 m), are neighbours. From each
seed the search grows connected sets up to `max_members`, stops growing a set once it meets the
need (more land would only be waste) and keeps the smallest set that meets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

MAX_SETS_PER_SEED = 400


@dataclass(frozen=True)
class Assembly:
    """Indices (into the pool) of the members and their total official area in 亩."""

    members: tuple[int, ...]
    area_mu: float


def neighbours(geoms_m: np.ndarray, parks: Sequence[int | None], gap_m: float) -> list[set[int]]:
    """For each parcel, the parcels of the same park within `gap_m` metres (touching included)."""
    tree = shapely.STRtree(geoms_m)
    left, right = tree.query(geoms_m, predicate="dwithin", distance=gap_m)
    adjacent: list[set[int]] = [set() for _ in range(len(geoms_m))]
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b and parks[a] is not None and parks[a] == parks[b]:
            adjacent[a].add(b)
    return adjacent


def _grow(seed: int, adjacent: list[set[int]], areas: Sequence[float], low: float,
          high: float | None, max_members: int) -> list[tuple[int, ...]]:
    """Connected sets containing `seed` that meet [low, high], breadth first, bounded."""
    found: list[tuple[int, ...]] = []
    frontier = [frozenset([seed])]
    seen = set(frontier)
    for _ in range(max_members - 1):
        grown = []
        for members in frontier:
            for n in sorted(set().union(*(adjacent[m] for m in members)) - members):
                candidate = members | {n}
                if candidate in seen or len(seen) > MAX_SETS_PER_SEED:
                    continue
                seen.add(candidate)
                total = sum(areas[i] for i in candidate)
                if high is not None and total > high:
                    continue
                if total >= low:
                    found.append(tuple(sorted(candidate)))
                else:
                    grown.append(candidate)
        frontier = grown
    return found


def assemble(seeds: Sequence[int], adjacent: list[set[int]], areas: Sequence[float],
             codes: Sequence[str], low: float, high: float | None, max_members: int) -> list[Assembly]:
    """For each seed, the least wasteful connected set meeting the need; distinct sets only."""
    best: dict[tuple[int, ...], Assembly] = {}
    for seed in seeds:
        options = _grow(seed, adjacent, areas, low, high, max_members)
        if not options:
            continue
        pick = min(options, key=lambda s: (sum(areas[i] for i in s), [codes[i] for i in s]))
        best[pick] = Assembly(pick, round(sum(areas[i] for i in pick), 4))
    return sorted(best.values(), key=lambda a: (a.area_mu, [codes[i] for i in a.members]))
