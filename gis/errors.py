"""Domain errors: each carries a message key and parameters, rendered in the user's language.

The HTTP layer maps each class to one status code (service/errors.py); the CLI prints
`message()` and exits non-zero. Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gis.labels import Text, message


class LandstockError(Exception):
    """Base of every error a user can cause and fix."""

    key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The user-facing text in `lang`."""
        return message(self.key, lang, **self.params)

    def details(self, _lang: str = "zh") -> dict[str, Any]:
        """Structured details a client may show beside the message (none by default)."""
        return {}


class NotFound(LandstockError):
    """A record named by code or id does not exist."""

    key = "error.not_found"


class InvalidInput(LandstockError):
    """A value is malformed, out of range or unknown."""

    key = "error.invalid_input"

    @classmethod
    def not_a_choice(cls, name: str, value: str, group: str, choices: Iterable[str]) -> InvalidInput:
        """A value outside field `name`'s vocabulary: what was given, and the choices by their
        labels (`group.choice`)."""
        return cls(field=Text(f"field.{name}"), value=value, reason=[Text(f"{group}.{c}") for c in choices])


class InvalidGeometry(InvalidInput):
    """A geometry cannot be accepted, even after repair."""

    key = "geometry.invalid"


class DuplicateCode(LandstockError):
    """A unique code is already taken."""

    key = "error.duplicate_code"


class ConflictingWrite(LandstockError):
    """The database refused a write that clashes with existing data (e.g. a unique code)."""

    key = "error.integrity"


class AreaChangeUnconfirmed(ConflictingWrite):
    """A new outline that changes a parcel's area by more than the threshold, not confirmed: the
    area before and after, and the change in per cent."""

    key = "error.area_change"

    def details(self, _lang: str = "zh") -> dict[str, Any]:
        """The areas in 亩 and the change, for a client to ask its user."""
        return {
            "area_mu_before": self.params["before_mu"],
            "area_mu_after": self.params["after_mu"],
            "change_percent": self.params["percent"],
        }


class IllegalTransition(LandstockError):
    """A status change that the workflow does not allow."""

    key = "status.illegal"


class VersionConflict(LandstockError):
    """The record changed since the client read it."""

    key = "error.version_conflict"


class NotAuthenticated(LandstockError):
    """The request carries no valid sign-in."""

    key = "error.not_authenticated"


class Forbidden(LandstockError):
    """The signed-in user's role or scope does not allow this."""

    key = "error.forbidden"


class TooManyAttempts(LandstockError):
    """Too many failed sign-ins; `retry_after` seconds until the next try is accepted."""

    key = "error.too_many_attempts"

    def __init__(self, key: str | None = None, /, *, retry_after: int, **params: Any) -> None:
        self.retry_after = retry_after
        super().__init__(key, minutes=max(1, round(retry_after / 60)), **params)


class MissingPackage(LandstockError):
    """The server lacks a system package a feature needs (Pango or a CJK font for PDFs); its
    administrator installs it."""

    key = "error.missing_package"


class InsecureSetup(LandstockError):
    """A production service that would start with a known password (the demo accounts')."""

    key = "error.demo_passwords"


class PreconditionRequired(LandstockError):
    """A change was sent without the version (If-Match) it was based on."""

    key = "error.precondition_required"


class DatabaseUnavailable(LandstockError):
    """The database cannot be reached or is locked; retrying later may succeed."""

    key = "error.database_unavailable"


class UnreadableFile(InvalidInput):
    """An uploaded or named file cannot be read: malformed, truncated, empty or unknown."""

    key = "import.unreadable"


class UnsafeArchive(UnreadableFile):
    """A zip archive that could harm the server: too many entries, a bomb, escaping paths."""

    key = "import.zip_unsafe"


class TooLarge(LandstockError):
    """A file or a feature count exceeds a configured limit."""

    key = "import.too_large"


class UnsupportedFormat(LandstockError):
    """A file whose format Landstock does not read."""

    key = "import.unsupported"


class AmbiguousCrs(InvalidInput):
    """The coordinate system cannot be decided from the file; the user must name it."""

    key = "crs.ambiguous"


class ImportRefused(LandstockError):
    """An import with rejected rows or file problems; nothing was written. Carries the report."""

    key = "import.refused"

    def __init__(self, report: Any, /, **params: Any) -> None:
        self.report = report
        super().__init__(**params)

    def details(self, lang: str = "zh") -> dict[str, Any]:
        """The row-by-row report."""
        return {"report": self.report.to_dict(lang)}


class BackupFailed(LandstockError):
    """A backup or restore cannot be made: a missing tool or file, or a refused overwrite."""

    key = "backup.failed"


class InvalidParameter(InvalidInput):
    """A parameter of a request or command (a week, a period) is not of the form expected; the
    answer names it, beside the form it should take."""

    def __init__(self, key: str, /, *, field: str, **params: Any) -> None:
        super().__init__(key, field=field, **params)

    def details(self, lang: str = "zh") -> dict[str, Any]:
        """The field, as the request validation errors name theirs."""
        return {
            "errors": [{"field": self.params["field"], "message": self.message(lang), "type": "value_error"}]
        }
