"""Chinese cadastral codes read part by part.

A 宗地代码 (TD/T 1001-2012) has 19 characters: the 6-digit county-level administrative code,
the 3-digit 地籍区 and 3-digit 地籍子区, the 2-letter 宗地特征码 (the right holder's kind, G 国有 /
J 集体 / Z 争议, then the parcel's: A B S X C D E W Y) and the 5-digit 宗地顺序号. A 不动产单元代码
(GB/T 37346-2019) has 28: the 宗地代码 followed by the 9-character 定着物单元代码, one of F 房屋 /
L 林木 / Q 构筑物 / W 无定着物 and 8 digits (`W00000000` for land alone, `F00010001` for a unit
of a building).

`parse` gives the parts, or refuses a malformed value with a `Malformed` saying which position
is wrong and what belongs there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from gis.labels import Text

PARCEL_LENGTH, UNIT_LENGTH = 19, 28
RIGHT_KINDS = "GJZ"
PARCEL_KINDS = "ABSXCDEWY"
FIXTURE_KINDS = "FLQW"
LAND_ALONE = "W00000000"
# (first position, last position, what each character must be, the part's label), 1-based as
# the standards count
DIGITS, RIGHT, PARCEL, FIXTURE = "digit", "right", "parcel", "fixture"
PARTS: tuple[tuple[int, int, str, str], ...] = (
    (1, 6, DIGITS, "cadastre.part.county"),
    (7, 9, DIGITS, "cadastre.part.district"),
    (10, 12, DIGITS, "cadastre.part.subdistrict"),
    (13, 13, RIGHT, "cadastre.part.feature"),
    (14, 14, PARCEL, "cadastre.part.feature"),
    (15, 19, DIGITS, "cadastre.part.sequence"),
    (20, 20, FIXTURE, "cadastre.part.unit"),
    (21, 28, DIGITS, "cadastre.part.unit"),
)
ALLOWED = {RIGHT: RIGHT_KINDS, PARCEL: PARCEL_KINDS, FIXTURE: FIXTURE_KINDS}


class Malformed(ValueError):
    """A value that is no cadastral code; `text` says where and what was expected."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(text.key)


@dataclass(frozen=True)
class CadastralCode:
    """The parts of a 宗地代码, and of a 不动产单元代码 its 定着物单元代码 (`unit`, else None)."""

    county: str
    district: str
    subdistrict: str
    feature: str
    sequence: str
    unit: str | None = None

    @property
    def parcel(self) -> str:
        """The 19-character 宗地代码."""
        return f"{self.county}{self.district}{self.subdistrict}{self.feature}{self.sequence}"

    def __str__(self) -> str:
        return self.parcel + (self.unit or "")


def normal(value: object) -> str:
    """A value as compared: NFKC (full-width letters and digits to half-width), stripped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _expected(kind: str) -> Text:
    if kind == DIGITS:
        return Text("cadastre.expected.digit")
    return Text("cadastre.expected.letters", {"letters": "/".join(ALLOWED[kind])})


def parse(value: object) -> CadastralCode:
    """The parts of a 19-character 宗地代码 or a 28-character 不动产单元代码, or `Malformed`."""
    code = normal(value)
    if len(code) not in (PARCEL_LENGTH, UNIT_LENGTH):
        raise Malformed(Text("cadastre.length", {"length": len(code)}))
    for first, last, kind, part in PARTS:
        for position in range(first, min(last, len(code)) + 1):
            char = code[position - 1]
            fits = char in "0123456789" if kind == DIGITS else char in ALLOWED[kind]
            if not fits:
                raise Malformed(
                    Text(
                        "cadastre.position",
                        {
                            "position": position,
                            "part": Text(part),
                            "found": char,
                            "expected": _expected(kind),
                        },
                    )
                )
    unit = code[PARCEL_LENGTH:] or None
    if unit is not None and unit[0] == "W" and unit != LAND_ALONE:
        raise Malformed(Text("cadastre.land_alone", {"unit": unit, "expected": LAND_ALONE}))
    return CadastralCode(code[:6], code[6:9], code[9:12], code[12:14], code[14:19], unit)


def shape(value: object) -> Text:
    """The shape a value of this length should have, for messages: the 28-character one for
    values longer than a 宗地代码, else the 19-character one."""
    return Text("cadastre.shape.unit" if len(normal(value)) > PARCEL_LENGTH else "cadastre.shape.parcel")
