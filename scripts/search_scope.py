"""What Material's search plugin indexes: pages without citation markers, reference lists or cited-by lists.

A page's references are the footnotes that mkdocs-bibtex writes. Indexed, they made a search for a
journal or an author name ("Nature", "Brown") return the last section of every page that cites it,
and they were nearly half of the index. The citation markers in the text (superscript numbers) are
left out too: a search for "10" matched every sentence that cites reference 10, and the numbers ran
into the words of search results ("147¹¹⁰ amino acids"). On /references/, the "Cited by" list under each entry
repeated page titles and section names ("Introduction", "Dosing") 165 times, so a search for a
section name found the reference list. The references themselves stay searchable on /references/,
each as a section of its own: the whole list as one section was one search result 14,000 pixels tall,
and laying it out delayed the results by about 40 ms. ``instead`` gives search that version of the
list (headings the search plugin splits at, each with the entry's id) and readers the real one.

Material's search parses the HTML of every page, and these lists were most of it. So they are not
merely marked with ``data-search-exclude``: ``AfterSearch`` keeps such HTML aside, leaves a comment
in its place, and ``fill`` puts it back in the finished page (``on_post_page``), after the search
plugin has read the page. ``ReferenceListOutOfSearch`` is the Markdown extension that sets aside the
footnotes ``div`` that Python-Markdown builds, rendered as Markdown would render it, as soon as the
footnotes extension has finished with it; ``citation_markers`` sets each marker aside as it is made.
The treeprocessors that run later (the table of contents, abbreviations, attribute lists, MkDocs'
anchors and links) no longer walk them: at ten times the site, 'abbr' visited 88,000 elements, against
21,000 on the same pages without citations. None of them has anything to do in a marker or a reference
list, whose links the built-site tests check.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import PrettifyTreeprocessor, Treeprocessor
from markupsafe import Markup

# After the footnotes extension has added its back-links ('footnote-duplicate', 15), before 'prettify' (10),
# 'attr_list' (8), 'abbr' (7), 'toc' (5) and MkDocs' own (5 to 0): those walk every element of the page,
# and the back-links are many of them. Nothing they do applies to a reference list.
PRIORITY = 14
MARKER = "kb:after-search "
SEARCH_ONLY, SEARCH_ONLY_END = "<!--kb:search-only-->", "<!--kb:search-only-end-->"
# A marker, and what search indexes in the published HTML's place when there is such a thing (``instead``).
MARKED = re.compile(
    rf"<!--{re.escape(MARKER)}(\d+)-->(?:{re.escape(SEARCH_ONLY)}.*?{re.escape(SEARCH_ONLY_END)})?", re.DOTALL
)


class AfterSearch:
    """HTML set aside until the search plugin has indexed the page; each piece is put back once."""

    def __init__(self) -> None:
        self._html: dict[int, str] = {}
        self._count = 0

    def defer(self, html: str) -> Markup:
        """The comment that stands for ``html`` until ``fill``."""
        self._count += 1
        self._html[self._count] = str(html)
        return Markup(f"<!--{MARKER}{self._count}-->")

    def instead(self, html: str, searchable: str) -> Markup:
        """``searchable`` until search has indexed the page, then ``html`` (which search never sees)."""
        return Markup(f"{self.defer(html)}{SEARCH_ONLY}{searchable}{SEARCH_ONLY_END}")

    def fill(self, page_html: str) -> str:
        """The page with every piece set aside for it back in place."""
        if MARKER not in page_html:
            return page_html
        # A comment this build did not write (say, typed into a page) stays as it is.
        return MARKED.sub(lambda match: self._html.pop(int(match.group(1)), match.group(0)), page_html)


def _is_reference_list(element: etree.Element) -> bool:
    return element.tag == "div" and "footnote" in (element.get("class") or "").split()


class _DeferReferenceList(Treeprocessor):
    def __init__(self, md: Markdown, after_search: AfterSearch) -> None:
        super().__init__(md)
        self.after_search = after_search

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(parent):
                if _is_reference_list(child):
                    self._set_aside(parent, index, child)
                    return  # one list a page

    def _set_aside(self, parent: etree.Element, index: int, div: etree.Element) -> None:
        div.set("data-search-exclude", "")  # should it ever reach the search plugin
        # 'prettify' runs after this, so the list gets its line breaks here.
        holder = etree.Element("div")
        holder.append(div)
        PrettifyTreeprocessor(self.md).run(holder)
        tail, div.tail = div.tail, None  # the text after it stays in the page
        html = self.md.serializer(div)
        for postprocessor in self.md.postprocessors:
            html = postprocessor.run(html)
        # The list leaves the tree for a placeholder in the text around it, through Python-Markdown's own
        # store of raw HTML: 'toc' and the others that run later expect no comments in the tree.
        # On a line of its own, as 'prettify' would have put it.
        text = "\n" + self.md.htmlStash.store(self.after_search.defer(html)) + (tail or "")
        if index:
            before = parent[index - 1]
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        del parent[index]


class ReferenceListOutOfSearch(Extension):
    def __init__(self, after_search: AfterSearch, **kwargs) -> None:
        super().__init__(**kwargs)
        self.after_search = after_search

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(
            _DeferReferenceList(md, self.after_search), "kb_reference_list_out_of_search", PRIORITY
        )
