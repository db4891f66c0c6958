"""A citation's marker number and its reference-list entry are final text, which Python-Markdown does not scan.

mkdocs-bibtex turns ``[@key]`` into a footnote reference and a footnote definition, and
Python-Markdown's footnotes extension turns those into a superscript number that links to the entry,
and an entry with back-links. Python-Markdown then runs every inline pattern after the footnotes' own
(about thirty with pymdown-extensions) over each number, looking for emphasis, links or emoji in "12",
and all of them over each entry. Neither can hold any: the number is the footnotes extension's, and
the entry is a placeholder that ``reference_entries`` fills after Markdown (``final_entry`` says which).

- ``FinalFootnoteNumbers`` registers the footnotes extension's own inline processor again, under its
  name and priority, with the number marked as an ``AtomicString``, which Python-Markdown leaves as it is.
- It also adds a treeprocessor that runs after the footnotes extension has built its list (50) and
  before the inline patterns (20), and marks the text of each entry that ``final_entry`` accepts, and
  of its back-link, as an ``AtomicString``.

At ten times the site, the markers' numbers (18,000) saved about half a second; the entries (6,000),
measured together with ``search_scope`` moving its work earlier, took Markdown conversion from 7.5-8.5 s
to 6.7-6.9 s. Nothing in the output changes; ``tests/test_material_pins.py`` compares it with Python-Markdown's own.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FN_BACKLINK_TEXT, NBSP_PLACEHOLDER, FootnoteInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

NAME = "footnote"
PRIORITY = 175  # the footnotes extension's (Python-Markdown 3.11); tests/test_material_pins.py checks it
# After the footnotes extension's list ('footnote', 50), before the inline patterns ('inline', 20).
ENTRY_PRIORITY = 40


class _FinalNumber(FootnoteInlineProcessor):
    def handleMatch(self, m, data):  # noqa: ANN001, ANN201  (the signature of the processor it extends)
        marker, start, end = super().handleMatch(m, data)
        if isinstance(marker, etree.Element) and len(marker) and marker[0].text:
            marker[0].text = AtomicString(marker[0].text)
        return marker, start, end


class _FinalEntries(Treeprocessor):
    def __init__(self, md: Markdown, final_entry: Callable[[str], bool]) -> None:
        super().__init__(md)
        self.final_entry = final_entry

    def run(self, root: etree.Element) -> None:
        for div in root.iter("div"):
            if "footnote" not in (div.get("class") or "").split():
                continue
            entries = div.find("ol")  # the list the footnotes extension made (its direct child)
            for li in entries if entries is not None else ():
                # An entry the footnotes extension built from a one-line definition: <p>text<a>↩</a></p>.
                if len(li) != 1 or li[0].tag != "p" or len(li[0]) != 1:
                    continue
                p, backlink = li[0], li[0][0]
                text = p.text or ""
                if not text.endswith(NBSP_PLACEHOLDER) or not self.final_entry(
                    text[: -len(NBSP_PLACEHOLDER)]
                ):
                    continue
                p.text = AtomicString(text)
                if backlink.text == FN_BACKLINK_TEXT:
                    backlink.text = AtomicString(backlink.text)
            break  # one list a page


class FinalFootnoteNumbers(Extension):
    """Load after ``footnotes``; without it, this extension does nothing.

    ``final_entry`` tells whether a footnote's text is final (say, a placeholder); by default none is.
    """

    def __init__(self, final_entry: Callable[[str], bool] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.final_entry = final_entry

    def extendMarkdown(self, md: Markdown) -> None:
        if NAME not in md.inlinePatterns:
            return
        current = md.inlinePatterns[NAME]
        if isinstance(current, FootnoteInlineProcessor) and not isinstance(current, _FinalNumber):
            md.inlinePatterns.register(_FinalNumber(current.pattern, current.footnotes), NAME, PRIORITY)
        if self.final_entry is not None:
            md.treeprocessors.register(
                _FinalEntries(md, self.final_entry), "kb_final_entries", ENTRY_PRIORITY
            )
