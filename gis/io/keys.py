"""The key column: how a mapping file transforms its values before they join records, and
whether its values are cadastral codes whose structure is checked (gis/cadastre.py).

A mapping file's `key` section, each step optional, applied in this order:

    key:
      strip: "-"              # characters taken out anywhere in the value
      match: 'PIN(\\d+)'       # a regular expression: the first group, or the whole match
      upper: true             # upper-cased
      pad: 14                 # zero-padded on the left to this width
      cadastral: true         # the values are 宗地代码 / 不动产单元代码 (false: never checked)

A key column headed 宗地代码, ZDDM, 不动产单元代码, 不动产单元号 or BDCDYH is cadastral unless the
mapping says `cadastral: false`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gis import cadastre
from gis.errors import InvalidInput
from gis.labels import Text

# Headers (loosely compared, see columns.key) whose values are cadastral codes
CADASTRAL_HEADERS = frozenset({"宗地代码", "zddm", "不动产单元代码", "不动产单元号", "bdcdyh"})
ACCEPTED = "strip: \"-\", match: '(\\d+)', upper: true, pad: 14, cadastral: true"
MAX_PAD = 40  # the longest code a record holds
MAX_PATTERN = 200
SEARCHED = 100  # characters of a value the expression looks at (codes hold at most 40)
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


@dataclass(frozen=True)
class KeyRule:
    """A mapping file's transforms of the key, and whether its values are cadastral codes
    (None: as the header says)."""

    strip: str = ""
    match: re.Pattern[str] | None = None
    upper: bool = False
    pad: int | None = None
    cadastral: bool | None = None

    @property
    def transforms(self) -> bool:
        """Whether any transform is asked for."""
        return bool(self.strip or self.match or self.upper or self.pad)

    def apply(self, value: str) -> str:
        """The key as it joins records; `KeyMismatch` when the expression does not match."""
        if self.strip:
            value = value.translate({ord(c): None for c in self.strip})
        if self.match is not None:
            found = self.match.search(value[:SEARCHED])
            if found is None:
                raise KeyMismatch(
                    Text("import.key_no_match", {"value": value[:60], "pattern": self.match.pattern})
                )
            value = found.group(1) if self.match.groups else found.group(0)
        if self.upper:
            value = value.upper()
        if self.pad:
            value = value.zfill(self.pad)
        return value


class KeyMismatch(ValueError):
    """A key the mapping's expression finds nothing in."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.key)


def _refused(name: str, step: str) -> InvalidInput:
    return InvalidInput("import.mapping_key", name=name, key=step, accepted=ACCEPTED)


def rule(data: Any, name: str) -> KeyRule:
    """The `key` section of the mapping file `name`, checked: one readable error naming the
    step that is wrong and the accepted forms."""
    if data is None:
        return KeyRule()
    if not isinstance(data, dict):
        raise _refused(name, "key")
    unknown = sorted(set(map(str, data)) - {"strip", "match", "upper", "pad", "cadastral"})
    if unknown:
        raise _refused(name, unknown[0])
    strip, match, upper, pad, cadastral = (
        data.get(k) for k in ("strip", "match", "upper", "pad", "cadastral")
    )
    if strip is not None and (not isinstance(strip, str) or not strip):
        raise _refused(name, "strip")
    pattern = None if match is None else _pattern(match, name)
    for step, flag in (("upper", upper), ("cadastral", cadastral)):
        if flag is not None and not isinstance(flag, bool):
            raise _refused(name, step)
    if pad is not None and (isinstance(pad, bool) or not isinstance(pad, int) or not 1 <= pad <= MAX_PAD):
        raise _refused(name, "pad")
    return KeyRule(strip or "", pattern, bool(upper), pad, cadastral)


def _pattern(match: Any, name: str) -> re.Pattern[str]:
    """A mapping's expression compiled; refused when it is none, too long or nested."""
    try:
        if isinstance(match, str) and 0 < len(match) <= MAX_PATTERN and not _nested(match):
            return re.compile(match)
    except re.error:
        pass
    raise _refused(name, "match")


def _nested(pattern: str) -> bool:
    """Whether a repetition holds another (`(a+)+`): such an expression can take exponential
    time on a value that almost matches, so a mapping file may not use one."""
    from re import _parser  # type: ignore[attr-defined]

    def walk(items: Any, inside: bool) -> bool:
        for op, arg in items:
            name = str(op)
            if name in _REPEATS:
                _low, high, sub = arg
                if inside and high != 1:
                    return True
                if walk(sub, inside or high > 1):
                    return True
            elif name in ("SUBPATTERN", "BRANCH") and any(walk(sub, inside) for sub in _parts(name, arg)):
                return True
        return False

    return walk(_parser.parse(pattern), False)


def _parts(name: str, arg: Any) -> list[Any]:
    """The sub-expressions of a group (its last item) or of an alternation (its branches)."""
    return [arg[-1]] if name == "SUBPATTERN" else list(arg[1])


def is_cadastral(header_key: str, key_rule: KeyRule) -> bool:
    """Whether the key column (its header loosely compared) holds cadastral codes."""
    if key_rule.cadastral is not None:
        return key_rule.cadastral
    return header_key in CADASTRAL_HEADERS


def check_cadastral(value: str, county: str) -> cadastre.CadastralCode:
    """The parts of a cadastral key, refused (as `cadastre.Malformed`) when it is malformed or
    names another county than `county`."""
    try:
        parsed = cadastre.parse(value)
    except cadastre.Malformed as exc:
        raise cadastre.Malformed(
            Text(
                "import.cadastral_malformed",
                {"value": value[:60], "reason": exc.text, "shape": cadastre.shape(value)},
            )
        ) from None
    if parsed.county != county:
        raise cadastre.Malformed(
            Text("import.cadastral_county", {"value": value, "county": parsed.county, "expected": county})
        )
    return parsed
