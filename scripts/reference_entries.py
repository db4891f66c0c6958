"""Each reference rendered once per build, for every page's reference list and for /references/.

mkdocs-bibtex writes a footnote definition for each reference a page cites, with the text that
``reference_format.install`` gives it. Were that text the reference itself, Python-Markdown would
parse each entry again on every page that cites it, and Material's search would parse it again,
though the list is kept out of the index (``search_scope``): at ten times the site, about a third of
the build. So the footnote holds a placeholder, one word of letters and digits that Markdown passes
through as it is, and ``fill`` puts the rendered entry in its place in the finished page
(``on_post_page``), as Python-Markdown puts back the HTML it stashes. The entry is rendered from
``overrides/kb/reference-entry.html`` with autoescape.
"""

from __future__ import annotations

import re

from markupsafe import Markup

import kb_references as refs
import reference_list
import templates
from reference_format import Formatter

PREFIX = "kbreferenceentry"
PLACEHOLDER = re.compile(PREFIX + r"(\d{6})")


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is exactly a placeholder (so Markdown has nothing to do in it)."""
    return PLACEHOLDER.fullmatch(text) is not None


class ReferenceEntries:
    """Placeholders for the Markdown, and the HTML that replaces them, one render per reference."""

    def __init__(self, bib: refs.Bibliography, formatter: Formatter) -> None:
        self._bib = bib
        self._formatter = formatter
        self._index: dict[str, int] = {}
        self._keys: list[str] = []
        self._html: dict[str, Markup] = {}

    def html(self, key: str) -> Markup:
        """The reference as HTML: evidence badge, formatted entry, PubMed and PMC links."""
        if key not in self._html:
            entry = self._bib.entries[key]
            self._html[key] = templates.render(
                "reference-entry.html",
                badge=reference_list.badge(entry),
                text=Markup(self._formatter.html(key)),  # every character from the .bib is escaped
                links=refs.identifier_links(entry),  # the formatted text already links the DOI
            )
        return self._html[key]

    def placeholder(self, key: str) -> str:
        """What the footnote says in the Markdown; ``fill`` replaces it with ``html(key)``."""
        if key not in self._index:
            self._index[key] = len(self._keys)
            self._keys.append(key)
        return f"{PREFIX}{self._index[key]:06d}"

    def fill(self, page_html: str) -> str:
        """The page with every placeholder replaced by its reference."""
        if PREFIX not in page_html:
            return page_html
        return PLACEHOLDER.sub(self._entry, page_html)

    def _entry(self, match: re.Match[str]) -> str:
        index = int(match.group(1))
        # A look-alike word this build did not write (say, typed into a page) stays as it is.
        return self.html(self._keys[index]) if index < len(self._keys) else match.group(0)

    @property
    def rendered_count(self) -> int:
        return len(self._html)
