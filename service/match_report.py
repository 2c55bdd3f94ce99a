"""The match and the reverse match as readable tables for the terminal (rich), and a pasted lead
as read before its match."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from gis.labels import message

TOP_CRITERIA = 3


def _size(c: dict[str, Any], lang: str) -> str:
    """Land in 亩, a factory's vacant floor in m² (the column is headed 面积, each value its unit)."""
    if c["kind"] == "factory":
        return f"{c.get('vacant_area_m2') or 0:,.0f} m²"
    return f"{c.get('area_mu') or 0:,.1f} {message('unit.mu', lang)}"


def _reasons(c: dict[str, Any]) -> str:
    best = sorted(c["criteria"], key=lambda r: (-r["points"], r["name"]))[:TOP_CRITERIA]
    reasons = [
        f"{r['label']} +{r['points']:.1f}" + (f" ({r['fact']})" if r.get("fact") else "") for r in best
    ]
    reasons += [f"{k['label']}: {k['status_label']}" for k in c["checks"] if k["status"] == "collective"]
    return "; ".join(reasons)


def labelled_table(title: str | None, lang: str, columns: Iterable[tuple[str, JustifyMethod]]) -> Table:
    """A table whose columns are headed by labels (`field.code`, ...) in `lang`, each justified as given."""
    table = Table(title=title)
    for key, justify in columns:
        table.add_column(message(key, lang), justify=justify)
    return table


def candidates_table(title: str, rows: list[dict[str, Any]], lang: str, *, near: bool = False) -> Table:
    """Ranked sites (or near misses) with score, place, size and why."""
    columns: list[tuple[str, JustifyMethod]] = [("field.rank", "right"), ("field.code", "left")]
    columns += [("field.park", "left"), ("match.cli.size", "right"), ("field.land_use", "left")]
    columns += [("field.score", "right"), ("field.gaps" if near else "field.reasons", "left")]
    table = labelled_table(title, lang, columns)
    for i, c in enumerate(rows, start=1):
        land_use = c.get("land_use")
        table.add_row(
            str(c["rank"] or i),
            f"{c['code']} ({c['kind_label']})",
            c.get("park_name") or "-",
            _size(c, lang),
            ", ".join(land_use) if isinstance(land_use, list) else land_use or "-",
            f"{c['score']:.1f}",
            "; ".join(c["gaps"]) if near else _reasons(c),
        )
    return table


def print_match(console: Console, result: dict[str, Any], lang: str) -> None:
    """The whole match: notes, lists in the order the rules ask for, near misses, counts."""
    name = result["need"]["name"] or result["need"]["industry_name"]
    console.print(f"[bold]{message('match.cli.title', lang, name=name)}[/bold]")
    for note in result["notes"]:
        console.print(f"• {note}")
    titles = {"parcels": "match.cli.parcels", "factories": "match.cli.factories"}
    for key in result["order"]:
        if result[key] or result["near_misses"][key]:
            console.print(candidates_table(message(titles[key], lang), result[key], lang))
            near = result["near_misses"][key]
            if near:
                title = f"{message(titles[key], lang)} — {message('match.cli.near', lang)}"
                console.print(candidates_table(title, near, lang, near=True))
    counts = {"parcels": 0, "assemblies": 0, "factories": 0, **result["counts"]}
    console.print(message("match.cli.counts", lang, **counts))


def print_fits(console: Console, kind: str, code: str, fits: list[dict[str, Any]], lang: str) -> None:
    """Projects that fit one site, best first."""
    title = message("match.cli.reverse_title", lang, kind=message(f"kind.{kind}", lang), code=code)
    columns: list[tuple[str, JustifyMethod]] = [("field.rank", "right"), ("field.code", "left")]
    columns += [("field.name", "left"), ("field.score", "right"), ("field.reasons", "left")]
    table = labelled_table(title, lang, columns)
    for fit in fits:
        table.add_row(
            str(fit["candidate"]["rank"]),
            fit["project_code"],
            fit["project_name"],
            f"{fit['score']:.1f}",
            _reasons(fit["candidate"]),
        )
    console.print(table if fits else message("match.cli.none", lang))


def print_lead(console: Console, lead: dict[str, Any], lang: str) -> None:
    """One short block: each phrase understood and what it became, then each piece not placed."""
    said: dict[tuple[int, int], list[str]] = {}
    for p in lead["understood"]:
        said.setdefault((p["start"], p["end"]), [p["text"]]).append(p["says"])
    understood = "; ".join(f"{words[0]} → {', '.join(words[1:])}" for words in said.values())
    unplaced = "; ".join(f"{p['text']} ({p['reason_label']})" for p in lead["unplaced"])
    console.print(f"[bold]{message('lead.understood', lang)}[/]: {escape(understood) or '-'}")
    console.print(
        f"[bold]{message('lead.unplaced', lang)}[/]: {escape(unplaced) or message('lead.all_placed', lang)}"
    )
