"""HTML that the hooks produce, rendered from overrides/kb/ with autoescape.

MkDocs' own template environment does not escape, so the hooks use this one: a value from
front matter or references.bib can never end an attribute or open a tag. Values that are
already HTML (pybtex's escaped output) are passed as ``markupsafe.Markup``.
"""

from __future__ import annotations

import json
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


MARKDOWN_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "\\": "\\\\",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "`": "\\`",
    }
)


def markdown_text(value: object) -> str:
    """A value as literal Markdown text: no markup, no HTML, no table-cell break, on one line."""
    return " ".join(str(value).split()).translate(MARKDOWN_ESCAPES)


def _finalize(value: object) -> str:
    """Every printed value is escaped as Markdown text unless it is ``Markup`` (our own citations)."""
    return str(value) if isinstance(value, Markup) else markdown_text(value)


def yaml_string(value: object) -> Markup:
    """A front-matter value: a JSON string is a valid YAML scalar, whatever it contains."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def html_link(href: str, text: object) -> Markup:
    """A raw HTML link inside generated Markdown (for targets MkDocs does not know, such as /v/)."""
    return Markup('<a href="{}">{}</a>').format(href, text)


@cache
def markdown_environment() -> Environment:
    """For Markdown that the hooks produce (tables from data): escaping is the default, as in HTML."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,
        finalize=_finalize,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["yaml"] = yaml_string
    environment.globals["html_link"] = html_link
    return environment


def render_markdown(name: str, **context) -> str:
    return markdown_environment().get_template(name).render(**context).strip()
