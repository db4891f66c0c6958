"""Each reference formatted once per build, shared by the resolver and our hooks.

mkdocs-bibtex resolves ``[@key]``; its ``SimpleRegistry`` formats an entry with pybtex's plain
style every time a page cites it, and that style lowercases titles ("pomc", "fda approves myalept").
``install`` is the one seam between the site and the resolver: it gives the registry our formatter,
which keeps the capitals written in references.bib and formats each entry once. mkdocs-bibtex 4.4.0
is its final release, so the seam is stable; ``check_resolver`` stops the build if the installed
version is not the one this seam was written against.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version

from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.markdown import Backend as MarkdownBackend
from pybtex.database import Entry
from pybtex.style import FormattedEntry
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, sentence

RESOLVER = "mkdocs-bibtex"
RESOLVER_VERSION = "4.4.0"


class Style(PlainStyle):
    """pybtex's plain style, except that titles keep the capitals written in references.bib."""

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field, apply_func=lambda text: text.capfirst())
        return sentence[title] if as_sentence else title


class Formatter:
    """Formats each entry at most once, then renders it as Markdown (pages) or HTML (/references/)."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self._entries = entries
        self._style = Style()
        self._formatted: dict[str, FormattedEntry] = {}
        self._markdown: dict[str, str] = {}
        self._html: dict[str, str] = {}

    def _format(self, key: str) -> FormattedEntry:
        if key not in self._formatted:
            self._formatted[key] = self._style.format_entry("", self._entries[key])
        return self._formatted[key]

    def markdown(self, key: str) -> str:
        """As mkdocs-bibtex's SimpleRegistry renders a footnote, with our style."""
        if key not in self._markdown:
            text = self._format(key).text.render(MarkdownBackend()).replace("\n", " ")
            self._markdown[key] = text.replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")
        return self._markdown[key]

    def html(self, key: str) -> str:
        """The reference as HTML; every character from the .bib file is escaped."""
        if key not in self._html:
            self._html[key] = self._format(key).text.render(HtmlBackend()).replace("\n", " ")
        return self._html[key]

    @property
    def formatted_count(self) -> int:
        return len(self._formatted)


def check_resolver() -> str | None:
    """A problem line if the installed resolver is not the version the seam was written against."""
    installed = version(RESOLVER)
    if installed != RESOLVER_VERSION:
        return (
            f"requirements.txt: {RESOLVER} {installed} is installed, but scripts/reference_format.py is written "
            f"against {RESOLVER_VERSION}; check its SimpleRegistry.reference_text before changing the pin"
        )
    return None


def install(plugin, reference_text: Callable[[str], str]) -> str | None:
    """Make mkdocs-bibtex's registry show ``reference_text(key)`` for each reference. A problem line, or None."""
    problem = check_resolver()
    if problem:
        return problem
    registry = getattr(plugin, "registry", None)
    if type(registry).__name__ != "SimpleRegistry" or not hasattr(registry, "reference_text"):
        return "mkdocs.yml: the bibtex plugin must run without csl_file (scripts/reference_format.py formats references)"
    registry.reference_text = lambda citation: reference_text(citation.key)
    return None
