"""The report of an import: one line per source row, notes about the file, and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gis.errors import ImportRefused
from gis.labels import Text

ACCEPTED, REPAIRED, REJECTED = "accepted", "repaired", "rejected"


def _values(report: object, *names: str) -> dict[str, Any]:
    """The report's plain values by name, for its JSON form."""
    return {name: getattr(report, name) for name in names}


@dataclass
class RowReport:
    """What happened to one source row (row numbers as the user sees them in the file)."""

    row: int
    code: str | None
    messages: list[Text] = field(default_factory=list)
    repairs: list[Text] = field(default_factory=list)
    rejection: list[Text] = field(default_factory=list)
    action: str | None = None

    @property
    def outcome(self) -> str:
        """accepted, repaired or rejected."""
        return REJECTED if self.rejection else REPAIRED if self.repairs else ACCEPTED

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON-ready, messages in `lang`."""
        return {
            **_values(self, "row", "code", "outcome", "action"),
            "messages": [t.render(lang) for t in self.rejection + self.repairs + self.messages],
        }


@dataclass
class ImportReport:
    """Everything an import found, and whether it was written."""

    layer: str
    source: str
    format: str = ""
    source_layer: str | None = None
    crs: str | None = None
    notes: list[Text] = field(default_factory=list)
    problems: list[Text] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # codes an update-only import left out
    status_changes: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def acceptable(self) -> bool:
        """True when no row is rejected and the file itself has no problem."""
        return not self.problems and all(r.outcome != REJECTED for r in self.rows)

    def counts(self) -> dict[str, int]:
        """Rows by outcome and by action, deletions and status changes."""
        outcomes = Counter(r.outcome for r in self.rows)
        actions = Counter(r.action for r in self.rows if r.action and r.outcome != REJECTED)
        return {
            "rows": len(self.rows),
            ACCEPTED: outcomes[ACCEPTED],
            REPAIRED: outcomes[REPAIRED],
            REJECTED: outcomes[REJECTED],
            "inserted": actions["insert"],
            "updated": actions["update"],
            "unchanged": actions["unchanged"],
            "restored": actions["restore"],
            "deleted": len(self.deleted),
            "skipped": len(self.skipped),
            "status_changes": self.status_changes,
        }

    def refusal(self) -> ImportRefused:
        """The error that refuses this import, carrying the report."""
        return ImportRefused(self, rejected=self.counts()[REJECTED], problems=len(self.problems))

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON-ready report with messages in `lang`."""
        return {
            **_values(
                self, "layer", "source", "format", "source_layer", "crs", "dry_run", "acceptable", "written"
            ),
            "counts": self.counts(),
            "notes": [t.render(lang) for t in self.notes],
            "problems": [t.render(lang) for t in self.problems],
            "deleted": self.deleted,
            "skipped": self.skipped,
            "rows": [r.to_dict(lang) for r in self.rows],
        }
