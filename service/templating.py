"""Jinja2 templates of the server-rendered pages, with the label catalogue as `t()`."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from gis.labels import label, message

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.globals.update(t=message, label=label)
