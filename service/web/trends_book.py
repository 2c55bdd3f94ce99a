"""The trends as an XLSX workbook: every series month by month beside the year before, and the
year's targets against what was done; headers in the reader's language, every cell through
gis/io/cells.py."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from gis.labels import label, message
from gis.models import SupplyTarget
from gis.trends import COUNTY, Measure, Trends
from service.web.exports import _sheet


def _series_rows(found: Trends, names: dict[str, str], lang: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for code, name in names.items():
        for measure in Measure:
            now, before = found.shown(measure, code), found.year_before(measure, code)
            unit = message(measure.unit, lang)
            words = label("trends.measure", measure.value, lang)
            rows += [
                [code, name, words, unit, f"{m:%Y-%m}", v, b]
                for m, v, b in zip(found.months, now, before, strict=True)
            ]
    return rows


def trends_workbook(
    found: Trends,
    choices: Sequence[tuple[str, str, str]],
    targets: Sequence[SupplyTarget],
    year: int,
    lang: str,
) -> bytes:
    """Sheets: the monthly series of the county, every park, zone and town; the year's targets."""

    def t(key: str) -> str:
        return message(key, lang)

    names = {COUNTY: t("web.trends.county"), **{code: name for code, name, _ in choices}}
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    _sheet(
        book,
        t("web.trends.sheet_series"),
        [
            t("field.code"),
            t("field.name"),
            t("field.measure"),
            t("web.trends.unit"),
            t("web.trends.month"),
            t("web.trends.value"),
            t("web.trends.year_before"),
        ],
        _series_rows(found, names, lang),
    )
    _sheet(
        book,
        t("web.trends.sheet_targets"),
        [
            t("field.code"),
            t("field.name"),
            t("field.target_year"),
            t("field.measure"),
            t("web.trends.target_mu"),
            t("web.trends.done_mu"),
            t("web.trends.share"),
            t("web.trends.set_by"),
        ],
        [
            [
                tg.area.code,
                tg.area.name,
                tg.year,
                label("trends.measure", tg.measure, lang),
                tg.value_mu,
                done := found.total(Measure(tg.measure), tg.area.code, year),
                round(done / tg.value_mu, 4) if tg.value_mu else None,
                tg.set_by,
            ]
            for tg in targets
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
