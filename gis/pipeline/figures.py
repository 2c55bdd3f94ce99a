"""A report's number with the rows behind it: how many, the investment they carry, and the codes
of the projects, so that every figure of a report leads to its projects. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gis.pipeline.ledger import ProjectRow


@dataclass(frozen=True)
class Figure:
    """A count, the investment of the projects behind it (万元; foreign projects' 万美元 beside),
    and their codes."""

    count: int
    investment_wan: float
    foreign_wusd: float
    codes: tuple[str, ...]


NOTHING = Figure(0, 0.0, 0.0, ())


def of_projects(projects: Iterable[ProjectRow]) -> Figure:
    """The projects counted once each, with their investment summed."""
    unique = {p.code: p for p in projects}
    rows = [unique[code] for code in sorted(unique)]
    return Figure(
        len(rows),
        round(sum(p.investment_wan or 0.0 for p in rows), 2),
        round(sum(p.foreign_wusd or 0.0 for p in rows), 2),
        tuple(p.code for p in rows),
    )


def of_entries(projects: Iterable[ProjectRow]) -> Figure:
    """Entries (follow-ups, steps) counted each, behind them the projects they belong to."""
    entries = list(projects)
    return Figure(len(entries), 0.0, 0.0, tuple(sorted({p.code for p in entries})))


@dataclass(frozen=True)
class Compared:
    """A figure for the period reported on beside the same figure for the period before it."""

    current: Figure
    previous: Figure
    change: int

    @classmethod
    def of(cls, current: Figure, previous: Figure) -> Compared:
        """The two figures and the change of the count."""
        return cls(current, previous, current.count - previous.count)
