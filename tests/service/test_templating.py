"""The one Jinja environment: every template renders through it, its words in the context's language."""

import re
from pathlib import Path

import pytest

from service.templating import templates

SERVICE = Path(__file__).resolve().parents[2] / "service"


def test_no_module_but_templating_makes_a_jinja_environment():
    makers = sorted(
        p.relative_to(SERVICE).as_posix()
        for p in SERVICE.rglob("*.py")
        if re.search(r"\b(Environment|Jinja2Templates)\(", p.read_text(encoding="utf-8"))
    )

    assert makers == ["templating.py"]


@pytest.mark.parametrize(("lang", "expected"), [("zh", "地块 可供 12.00"), ("en", "parcel Available 12.00")])
def test_t_and_lbl_speak_the_language_of_the_context(lang, expected):
    template = templates.env.from_string(
        "{{ t('kind.parcel') }} {{ lbl('parcel_status', 'available') }} {{ mu(8000) }}"
    )

    assert template.render(lang=lang) == expected


def test_t_fills_in_the_parameters_of_a_message():
    template = templates.env.from_string("{{ t('ogc.html.matched', matched=9, first=1, last=5) }}")

    assert template.render(lang="en") == "9 features in all; this page shows 1–5."
