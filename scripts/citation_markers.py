"""A citation marker's number is final text, so Python-Markdown does not scan it for inline syntax.

mkdocs-bibtex turns ``[@key]`` into a footnote reference, and Python-Markdown's footnotes extension
turns that into a superscript number that links to the reference. Python-Markdown then runs every
inline pattern after the footnotes' own (about thirty with pymdown-extensions) over that number,
looking for emphasis, links or emoji in "12". With 120-180 markers a page, that was about 0.5 s of
the 7 s spent converting Markdown at ten times the site. ``FinalFootnoteNumbers`` registers the footnotes extension's own
inline processor again, under its name and priority, with the number marked as an ``AtomicString``,
which Python-Markdown leaves as it is. Nothing in the output changes.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteInlineProcessor
from markdown.util import AtomicString

NAME = "footnote"
PRIORITY = 175  # the footnotes extension's (Python-Markdown 3.11); tests/test_material_pins.py checks it


class _FinalNumber(FootnoteInlineProcessor):
    def handleMatch(self, m, data):  # noqa: ANN001, ANN201  (the signature of the processor it extends)
        marker, start, end = super().handleMatch(m, data)
        if isinstance(marker, etree.Element) and len(marker) and marker[0].text:
            marker[0].text = AtomicString(marker[0].text)
        return marker, start, end


class FinalFootnoteNumbers(Extension):
    """Load after ``footnotes``; without it, this extension does nothing."""

    def extendMarkdown(self, md: Markdown) -> None:
        if NAME not in md.inlinePatterns:
            return
        current = md.inlinePatterns[NAME]
        if isinstance(current, FootnoteInlineProcessor) and not isinstance(current, _FinalNumber):
            md.inlinePatterns.register(_FinalNumber(current.pattern, current.footnotes), NAME, PRIORITY)
