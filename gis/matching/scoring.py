"""The fixed 0–1 scales the score criteria use (gis/matching/criteria.py), and the ranking.

Normalisation uses fixed scales from the settings, never the spread of the candidates, so a site's
score does not depend on which other sites exist: adding a site cannot change another's score,
and the score of a parcel in a reverse match is the one it has in a forward match. Everything is
vectorised over numpy arrays (a scalar works too). Pure: no database, no I/O.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Array = np.ndarray
INDUSTRY_LEADING_SHARE = 0.6


def area_fit(area: ArrayLike, need_min: float) -> Array:
    """1 when the site is exactly the least the project needs, falling as land would be wasted."""
    area = np.asarray(area, dtype=float)
    if need_min <= 0:
        return np.ones_like(area)
    fit: Array = np.clip(need_min / np.maximum(area, 1e-9), 0.0, 1.0)
    return fit


def distance_fit(km: ArrayLike, scale_km: float) -> Array:
    """1 at the door, falling linearly to 0 at `scale_km` and beyond; unknown (NaN) counts 0."""
    fit = np.clip(1.0 - np.asarray(km, dtype=float) / scale_km, 0.0, 1.0)
    return np.nan_to_num(fit, nan=0.0)


def price_fit(price: ArrayLike, low: float, high: float) -> Array:
    """1 at or below `low`, 0 at or above `high`; an unknown price is neutral (0.5)."""
    fit = np.clip((high - np.asarray(price, dtype=float)) / (high - low), 0.0, 1.0)
    return np.nan_to_num(fit, nan=0.5)


def idle_fit(years: ArrayLike, full_years: float) -> Array:
    """Reviving long-idle land: 0 for none, 1 from `full_years` of idleness on."""
    fit = np.clip(np.asarray(years, dtype=float) / full_years, 0.0, 1.0)
    return np.nan_to_num(fit, nan=0.0)


def class_fit(site_class: ArrayLike, need_class: int) -> Array:
    """Prefer the lowest adequate land class: 1 on the project's own class, −0.5 a class above."""
    return np.clip(1.0 - (np.asarray(site_class, dtype=float) - need_class) / 2.0, 0.0, 1.0)


def industry_fit(leading: ArrayLike, chain_firms: ArrayLike, full_firms: int) -> Array:
    """Leading industry of the park (60 %) and firms of the same chain already there (40 %)."""
    firms = np.clip(np.asarray(chain_firms, dtype=float) / max(full_firms, 1), 0.0, 1.0)
    return INDUSTRY_LEADING_SHARE * np.asarray(leading, dtype=float) + (1 - INDUSTRY_LEADING_SHARE) * firms


def readiness_fit(items: ArrayLike) -> Array:
    """Share of 七通一平 items and 净地 in place (rows: sites, columns: items)."""
    items = np.atleast_2d(np.asarray(items, dtype=float))
    return np.asarray(items.mean(axis=1))


def ranking(total: Array, codes: list[str]) -> list[int]:
    """Indices best first; scores compared at 0.01 so both databases rank alike, ties by code."""
    rounded = np.round(np.asarray(total, dtype=float), 2)
    return sorted(range(len(codes)), key=lambda i: (-rounded[i], codes[i]))


def top(total: Array, codes: list[str], n: int) -> list[int]:
    """The first `n` of `ranking`, without sorting the rest (a partition finds the cut)."""
    rounded = np.round(np.asarray(total, dtype=float), 2)
    if len(rounded) <= n:
        return ranking(rounded, codes)
    cut = np.partition(rounded, len(rounded) - n)[len(rounded) - n]
    chosen = np.flatnonzero(rounded >= cut)  # ties at the cut stay in, to be ordered by code
    return sorted(chosen.tolist(), key=lambda i: (-rounded[i], codes[i]))[:n]
