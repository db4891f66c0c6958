"""HTML that the hooks produce, rendered from overrides/kb/ with autoescape.

MkDocs' own template environment does not escape, so the hooks use this one: a value from
front matter or references.bib can never end an attribute or open a tag. Values that are
already HTML (pybtex's escaped output) are passed as ``markupsafe.Markup``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "overrides" / "kb"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def render(name: str, **context) -> Markup:
    return Markup(environment().get_template(name).render(**context).strip())
