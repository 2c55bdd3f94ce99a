"""The weekly summary and the scorecard as files: an XLSX workbook (openpyxl; every text cell
through gis/io/cells.py, since project and unit names are typed in by people) and a PDF of the
printed page (service/pdf.py), headers in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from gis import localtime
from gis.io import cells
from gis.labels import label, message
from gis.pipeline.figures import Compared, Figure
from gis.pipeline.scorecard import CRITERIA, Scorecard, ScoreRow
from gis.pipeline.weekly import UnitLine, WeeklySummary
from service.pdf import html_to_pdf
from service.reports import SCORECARD, WEEKLY, PipelineReport, Report
from service.templating import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
Words = Callable[..., str]
UNIT_FIGURES = ("new_leads", "follow_ups", "leader_visits")


def _words(lang: str) -> Words:
    return lambda key, **params: message(key, lang, **params)


def _sheet(book: Workbook, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet = book.create_sheet(cells.escape(title)[:31])
    sheet.append(cells.row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(cells.row(row))
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(str(column[0].value)) * 2)


def _saved(book: Workbook, title: str) -> bytes:
    book.active = 0
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unit_name(line: UnitLine, t: Words) -> str:
    return line.name or t("web.report.no_unit")


def _compared(name: str, figure: Compared) -> list[Any]:
    return [
        name,
        figure.current.count,
        figure.previous.count,
        figure.change,
        figure.current.investment_wan,
        figure.current.foreign_wusd,
    ]


def _overview(s: WeeklySummary, t: Words) -> list[list[Any]]:
    rows = [_compared(t(f"web.report.{key}"), getattr(s.total, key)) for key in UNIT_FIGURES]
    rows += [_compared(t(f"web.report.reached.{m.stage.value}"), m.figure) for m in s.milestones]
    rows += [
        _compared(t("web.report.no_follow_up", days=s.overdue_days), s.no_follow_up.figure),
        _compared(t("web.report.late_start"), s.late_start.figure),
    ]
    return rows


def _behind(s: WeeklySummary, t: Words, lang: str) -> list[list[Any]]:
    """Every figure of the week with the projects behind it, one row each."""
    figures: list[tuple[str, str, Figure]] = []
    for line in s.units:
        figures += [
            (t(f"web.report.{key}"), _unit_name(line, t), getattr(line, key).current) for key in UNIT_FIGURES
        ]
    figures += [
        (t("web.report.stage_changes"), label("project_stage", c.stage, lang), c.figure.current)
        for c in s.stage_changes
    ]
    figures += [
        (t("web.report.by_stage"), label("project_stage", c.stage, lang), c.figure.current)
        for c in s.by_stage
    ]
    figures += [
        (t("web.report.no_follow_up", days=s.overdue_days), "", s.no_follow_up.figure.current),
        (t("web.report.late_start"), "", s.late_start.figure.current),
    ]
    return [[what, group, code, s.names.get(code, "")] for what, group, f in figures for code in f.codes]


Sheet = tuple[str, list[str], list[list[Any]]]


def _unit_sheet(s: WeeklySummary, t: Words, weeks: tuple[str, str]) -> Sheet:
    header = [
        t("field.code"),
        t("web.report.unit"),
        *[f"{t(f'web.report.{k}')} {w}" for k in UNIT_FIGURES for w in weeks],
    ]
    sides = ("current", "previous")
    return (
        t("web.report.by_unit"),
        header,
        [
            [
                line.unit or "",
                _unit_name(line, t),
                *[getattr(getattr(line, k), side).count for k in UNIT_FIGURES for side in sides],
            ]
            for line in (*s.units, s.total)
        ],
    )


def _stage_sheets(s: WeeklySummary, t: Words, lang: str, weeks: tuple[str, str]) -> list[Sheet]:
    stage, money = t("web.supply.stage"), [t("web.report.investment_wan"), t("web.report.foreign_wusd")]
    return [
        (
            t("web.report.stage_changes"),
            [stage, *weeks, t("web.report.change")],
            [
                [
                    label("project_stage", c.stage, lang),
                    c.figure.current.count,
                    c.figure.previous.count,
                    c.figure.change,
                ]
                for c in s.stage_changes
            ],
        ),
        (
            t("web.report.by_stage"),
            [stage, t("web.report.count"), *money, f"{t('web.report.count')} {weeks[1]}"],
            [
                [
                    label("project_stage", c.stage, lang),
                    c.figure.current.count,
                    c.figure.current.investment_wan,
                    c.figure.current.foreign_wusd,
                    c.figure.previous.count,
                ]
                for c in s.by_stage
            ],
        ),
    ]


def _overdue_sheet(s: WeeklySummary, t: Words) -> Sheet:
    header = [
        t("web.report.overdue_kind"),
        t("field.code"),
        t("field.name"),
        t("web.report.unit"),
        t("web.report.last_contact") + " / " + t("web.report.agreed_start"),
        t("web.report.days_late"),
    ]
    return (
        t("web.report.overdue"),
        header,
        [
            [t(title, days=s.overdue_days), r.code, r.name, r.unit or "", r.since, r.days]
            for title, rows in (
                ("web.report.no_follow_up", s.no_follow_up.rows),
                ("web.report.late_start", s.late_start.rows),
            )
            for r in rows
        ],
    )


def weekly_xlsx(s: WeeklySummary, lang: str) -> bytes:
    """Sheets: overview, by unit, stage changes, by stage, overdue, the projects behind each figure."""
    t = _words(lang)
    weeks = (t("web.report.this_week"), t("web.report.previous_week", week=s.previous_week))
    overview = (
        t("web.report.weekly"),
        [
            t("web.report.figure"),
            *weeks,
            t("web.report.change"),
            t("web.report.investment_wan"),
            t("web.report.foreign_wusd"),
        ],
        _overview(s, t),
    )
    behind = (
        t("web.report.projects"),
        [t("web.report.figure"), t("web.report.unit"), t("field.code"), t("field.name")],
        _behind(s, t, lang),
    )
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    for sheet in (
        overview,
        _unit_sheet(s, t, weeks),
        *_stage_sheets(s, t, lang, weeks),
        _overdue_sheet(s, t),
        behind,
    ):
        _sheet(book, *sheet)
    return _saved(book, WEEKLY.title(s, lang))


SCORE_FIGURES = ("major_leads", "signed", "registered", "supplied", "started")


def _score_row(row: ScoreRow, name: str) -> list[Any]:
    def share(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    return [
        row.rank,
        row.area or "",
        name,
        *[getattr(row, k).count for k in SCORE_FIGURES],
        row.started.investment_wan,
        row.started.foreign_wusd,
        row.landed.count,
        share(row.key_industry_share),
        share(row.key_platform_share),
        *[row.points[c] for c in CRITERIA],
        row.score,
    ]


def _score_header(t: Words) -> list[str]:
    shares = [f"{t(f'web.report.criterion.{k}')}(%)" for k in ("key_industry_share", "key_platform_share")]
    return [
        t("web.report.rank"),
        t("field.code"),
        t("web.report.area"),
        *[t(f"web.report.criterion.{k}") for k in SCORE_FIGURES],
        t("web.report.investment_started"),
        t("web.report.foreign_started"),
        t("web.report.landed"),
        *shares,
        *[f"{t('web.report.points')}：{t(f'web.report.criterion.{c}')}" for c in CRITERIA],
        t("web.report.score"),
    ]


def _score_behind(card: Scorecard, t: Words) -> list[list[Any]]:
    """Every figure of every park and town with the projects behind it, one row each."""
    names = {k: t(f"web.report.criterion.{k}") for k in SCORE_FIGURES} | {"landed": t("web.report.landed")}
    return [
        [r.name or t("web.report.unattributed"), names[k], code, card.names.get(code, "")]
        for r in (*card.rows, card.unattributed)
        for k in names
        for code in getattr(r, k).codes
    ]


def scorecard_xlsx(card: Scorecard, lang: str) -> bytes:
    """Sheets: the ranked parks and towns (figures, points, score), the weights, the projects behind."""
    t = _words(lang)
    rows = [_score_row(r, r.name or "") for r in card.rows]
    rows += [
        _score_row(card.unattributed, t("web.report.unattributed")),
        _score_row(card.total, t("web.report.total")),
    ]
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    _sheet(book, t("web.report.scorecard"), _score_header(t), rows)
    _sheet(
        book,
        t("web.report.weights"),
        [t("web.report.figure"), t("web.report.weight")],
        [[t(f"web.report.criterion.{c}"), card.config.weight(c)] for c in CRITERIA],
    )
    _sheet(
        book,
        t("web.report.projects"),
        [t("web.report.area"), t("web.report.figure"), t("field.code"), t("field.name")],
        _score_behind(card, t),
    )
    return _saved(book, SCORECARD.title(card, lang))


def report_pdf(report: Report, built: PipelineReport, lang: str) -> bytes:
    """A report as printed: A4, portrait or landscape (the scorecard: a column per figure)."""
    html = render(
        "report_pdf.html",
        partial=f"_report_{report.name}.html",
        lang=lang,
        landscape=report.landscape,
        pdf=True,
        criteria=CRITERIA,
        generated=localtime.now(),
        report=built,
        as_of=built.as_of,
        title=report.title(built, lang),
    )
    return html_to_pdf(html)


XLSX_WRITERS: dict[str, Callable[[Any, str], bytes]] = {
    WEEKLY.name: weekly_xlsx,
    SCORECARD.name: scorecard_xlsx,
}
MEDIA_TYPES = {".xlsx": XLSX, ".pdf": PDF}


def report_file(report: Report, built: PipelineReport, lang: str, suffix: str) -> bytes:
    """A report as a file: a workbook (.xlsx) or as printed (.pdf)."""
    if suffix == ".pdf":
        return report_pdf(report, built, lang)
    return XLSX_WRITERS[report.name](built, lang)
