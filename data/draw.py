"""Drawing from a seeded numpy generator: the few ways the sample generators pick values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def choose(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    """Pick a value with the given weights."""
    values, weights = zip(*weighted, strict=True)
    p = np.asarray(weights, dtype=float)
    return str(values[int(rng.choice(len(values), p=p / p.sum()))])


def one_of(rng: np.random.Generator, values: Sequence[T]) -> T:
    """Pick one of `values`, each as likely."""
    return values[int(rng.integers(len(values)))]


def random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end]."""
    return start + dt.timedelta(days=int(rng.integers(0, max(1, (end - start).days) + 1)))


def days(rng: np.random.Generator, low: int, high: int) -> dt.timedelta:
    """A span of `low` to `high` days (both included)."""
    return dt.timedelta(days=int(rng.integers(low, high + 1)))
