"""A citation's marker number and its reference-list entry are final text, which Python-Markdown does not scan.

mkdocs-bibtex turns ``[@key]`` into a footnote reference and a footnote definition, and
Python-Markdown's footnotes extension turns those into a superscript number that links to the entry,
and an entry with back-links. Python-Markdown then runs every inline pattern after the footnotes' own
(about thirty with pymdown-extensions) over each number, looking for emphasis, links or emoji in "12",
and all of them over each entry. Neither can hold any: the number is the footnotes extension's, and
the entry is a placeholder that ``reference_entries`` fills after Markdown (``final_entry`` says which).

- ``FinalFootnoteNumbers`` registers the footnotes extension's own inline processor again, under its
  name and priority. Given ``set_aside`` (``search_scope.AfterSearch.defer``), it hands each marker's
  HTML to it and leaves what it returns as raw HTML, as Python-Markdown does with inline HTML, so no
  later step walks the marker; without it, the number is marked as an ``AtomicString``, which
  Python-Markdown leaves as it is.
- It also adds a treeprocessor that runs after the footnotes extension has built its list (50) and
  before the inline patterns (20), and marks the text of each entry that ``final_entry`` accepts, and
  of its back-link, as an ``AtomicString``.
- With ``final_entry``, a block processor ahead of all others makes such an entry's paragraph at once,
  so the block processors do not test it.
- ``_LinearRefs`` gives the back-link ids without the footnotes extension's quadratic search.

At ten times the site, the markers' numbers (18,000) saved about half a second; the entries (6,000),
measured together with ``search_scope`` moving its work earlier, took Markdown conversion from 7.5-8.5 s
to 6.7-6.9 s. Under the profiler, the back-link ids went from 0.67 s to 0.21 s. Nothing in the output
changes; ``tests/test_material_pins.py`` compares it with Python-Markdown's own.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import (
    FN_BACKLINK_TEXT,
    NBSP_PLACEHOLDER,
    RE_REF_ID,
    FootnoteExtension,
    FootnoteInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

NAME = "footnote"
PRIORITY = 175  # the footnotes extension's (Python-Markdown 3.11); tests/test_material_pins.py checks it
# After the footnotes extension's list ('footnote', 50), before the inline patterns ('inline', 20).
ENTRY_PRIORITY = 40
# Before every block processor (the highest, pymdown-extensions' and 'admonition', are at 105).
ENTRY_BLOCK_PRIORITY = 110


class _LinearRefs:
    """The footnotes extension's ``unique_ref``, resumed where it last stopped for each reference.

    Python-Markdown 3.11 looks for the next free back-link id ('fnref2:…', 'fnref3:…') from the first
    one each time, so a reference cited n times on a page costs n^2 steps (about 0.25 s at ten times
    the site). This gives the same ids and keeps the same counts, from which the back-links are made.
    """

    def __init__(self, footnotes: FootnoteExtension) -> None:
        self.footnotes = footnotes
        self.last: dict[str, str] = {}

    def __call__(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        used, separator = self.footnotes.used_refs, self.footnotes.get_separator()
        # Every id up to the last one given is taken ('reset' empties 'used_refs' for each page).
        last = self.last.get(reference)
        candidate = last if last in used else reference
        while candidate in used:
            ref, rest = candidate.split(separator, 1)
            m = RE_REF_ID.match(ref)
            candidate = f"{m.group(1)}{int(m.group(2)) + 1}" if m else f"{ref}2"
            candidate += separator + rest
        used.add(candidate)
        self.footnotes.found_refs[reference] = self.footnotes.found_refs.get(reference, 0) + 1
        self.last[reference] = candidate
        return candidate


class _FinalNumber(FootnoteInlineProcessor):
    def __init__(
        self, pattern: str, footnotes: FootnoteExtension, md: Markdown, set_aside: Callable[[str], str] | None
    ) -> None:
        super().__init__(pattern, footnotes)
        self.md = md
        self.set_aside = set_aside

    def handleMatch(self, m, data):  # noqa: ANN001, ANN201  (the signature of the processor it extends)
        marker, start, end = super().handleMatch(m, data)
        if not isinstance(marker, etree.Element):
            return marker, start, end
        if self.set_aside is not None:
            # Raw HTML from here on, as Python-Markdown's own inline HTML is: no later step sees an element.
            return self.md.htmlStash.store(self.set_aside(self.md.serializer(marker))), start, end
        if len(marker) and marker[0].text:
            marker[0].text = AtomicString(marker[0].text)
        return marker, start, end


class _FinalEntryBlock(BlockProcessor):
    """A footnote whose whole text is final becomes its paragraph at once, as 'paragraph' would make it.

    The footnotes extension parses each entry as a document of its own; every block processor tested
    each one-line placeholder with its regular expressions (about 58,000 searches at ten times the site).
    """

    def __init__(self, parser: BlockParser, final_entry: Callable[[str], bool]) -> None:
        super().__init__(parser)
        self.final_entry = final_entry

    def test(self, parent: etree.Element, block: str) -> bool:
        return self.final_entry(block)

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        etree.SubElement(parent, "p").text = blocks.pop(0)


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

    ``final_entry`` tells whether a footnote's whole text is final (say, a placeholder); by default none
    is. It must accept nothing else: a paragraph that is exactly such a text is not parsed either.
    ``set_aside``, if given, receives each marker's HTML and returns what the page carries in its place,
    as raw HTML (``search_scope.AfterSearch.defer``); by default the marker stays an element.
    """

    def __init__(
        self,
        final_entry: Callable[[str], bool] | None = None,
        set_aside: Callable[[str], str] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.final_entry = final_entry
        self.set_aside = set_aside

    def extendMarkdown(self, md: Markdown) -> None:
        if NAME not in md.inlinePatterns:
            return
        current = md.inlinePatterns[NAME]
        if isinstance(current, FootnoteInlineProcessor) and not isinstance(current, _FinalNumber):
            md.inlinePatterns.register(
                _FinalNumber(current.pattern, current.footnotes, md, self.set_aside), NAME, PRIORITY
            )
            current.footnotes.unique_ref = _LinearRefs(current.footnotes)
        if self.final_entry is not None:
            md.treeprocessors.register(
                _FinalEntries(md, self.final_entry), "kb_final_entries", ENTRY_PRIORITY
            )
            md.parser.blockprocessors.register(
                _FinalEntryBlock(md.parser, self.final_entry), "kb_final_entry", ENTRY_BLOCK_PRIORITY
            )
