"""The one Jinja2 environment: the web pages, the OGC API's HTML, the sign-in form, the review
sheet and the error page all render templates/ through it.

Every word comes from gis/labels.yaml (through gis/labels.py) in the language of the template's
context (`lang`): `t(key, **params)` for a message, `lbl(group, value)` for a vocabulary's label.
Every time is shown through the `local` filter (gis/localtime.py), in LANDSTOCK_TIMEZONE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from gis.area import M2_PER_MU
from gis.labels import label, message
from gis.localtime import shown
from gis.vocabulary import SITE_WORKS


@pass_context
def t(context: Context, key: str, /, **params: Any) -> str:
    """The message `key` in the context's language."""
    return message(key, context["lang"], **params)


@pass_context
def lbl(context: Context, group: str, value: object) -> str:
    """The label of `value` in vocabulary `group`, in the context's language."""
    return label(group, value, context["lang"])


def mu(m2: float | None, digits: int = 2) -> str:
    """Square metres as 亩, grouped, or nothing."""
    return "" if m2 is None else f"{m2 / M2_PER_MU:,.{digits}f}"


def number(value: float | None, digits: int = 0) -> str:
    """A number grouped by thousands, or nothing."""
    return "" if value is None else f"{value:,.{digits}f}"


templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.globals.update(t=t, lbl=lbl, mu=mu, number=number, SITE_WORKS=SITE_WORKS)
# `{{ moment|local }}`: a time in LANDSTOCK_TIMEZONE, to the minute (`|local('%Y-%m-%d')`: its day)
templates.env.filters["local"] = shown


def render(name: str, **context: Any) -> str:
    """Template `name` as text (a document that is not a response, such as the review sheet)."""
    return templates.get_template(name).render(**context)
