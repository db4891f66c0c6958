"""Keep each page's reference list out of the search index.

A page's references are the footnotes that mkdocs-bibtex writes. Indexed, they made a search for a
journal or an author name ("Nature", "Brown") return the last section of every page that cites it,
and they were nearly half of the index. The full list stays searchable on /references/, which is
rendered from a template, not from footnotes. Material's search skips any element carrying
``data-search-exclude``; this Markdown extension sets it on the footnotes ``div`` that Python-Markdown
builds, working on the element tree, not on HTML text.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# After the footnotes extension's own treeprocessor (priority 50) has appended its div.
PRIORITY = 40


class _ExcludeReferenceList(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for div in root.iter("div"):
            if "footnote" in (div.get("class") or "").split():
                div.set("data-search-exclude", "")


class ReferenceListOutOfSearch(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_ExcludeReferenceList(md), "kb_reference_list_out_of_search", PRIORITY)
