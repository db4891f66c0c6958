"""Which sections cite each reference, and the /references/ page built from it.

Sections come from the Markdown (how many headings precede a citation, ``page_markdown``) and
the page's table of contents (``page.toc``): a heading's id and text are MkDocs' own, whatever
attributes the author gave the heading.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

import kb_references as refs
import reference_format
import templates


@dataclass(frozen=True)
class Citer:
    """A place that cites a reference: page and section ('' anchor: before the first heading)."""

    page_url: str
    page_title: str
    anchor: str
    section: str


def flat_toc(toc) -> list[tuple[str, str]]:
    """(id, plain text) of every heading in the table of contents, in page order."""
    found = []
    for item in toc:
        found.append((item.id, html.unescape(item.title)))
        found += flat_toc(item.children)
    return found


def citers(page_url: str, page_title: str, citations: list[tuple[str, int]], toc) -> list[tuple[str, Citer]]:
    """(key, Citer) once per key and section; ``citations`` from page_markdown.citation_headings."""
    headings = flat_toc(toc)
    found, seen = [], set()
    for key, preceding in citations:
        anchor, section = headings[preceding - 1] if preceding else ("", "Introduction")
        citer = Citer(page_url, page_title, anchor, section)
        if (key, citer) not in seen:
            seen.add((key, citer))
            found.append((key, citer))
    return found


def badge(entry) -> Markup:
    return _badge(entry.fields.get("evidence", ""), refs.evidence_label(entry))


@cache
def _badge(evidence: str, label: str) -> Markup:
    """One render per evidence type, not one per citation."""
    return templates.render("evidence-badge.html", evidence=evidence, label=label)


def _sorted(bib: refs.Bibliography) -> list[tuple[str, refs.Entry]]:
    return sorted(bib.entries.items(), key=lambda item: refs.sort_key(item[1]))


def reference_list_html(
    bib: refs.Bibliography,
    cited_by: dict[str, list[Citer]],
    base: str,
    entry_html: Callable[[str], Markup],
) -> Markup:
    """The full list for /references/: sorted by first author, with cited-by links, and its filter.

    ``entry_html(key)`` is the reference as rendered once per build (``reference_entries``).
    """
    entries = []
    for key, entry in _sorted(bib):
        pages: dict[str, list[Citer]] = defaultdict(list)
        for citer in cited_by.get(key, []):
            pages[citer.page_url].append(citer)
        entries.append(
            {
                "key": key,
                "evidence": entry.fields.get("evidence", ""),
                "html": entry_html(key),
                "pages": [
                    {
                        "title": found[0].page_title,
                        "sections": [
                            {
                                "href": f"{base}{url}" + (f"#{c.anchor}" if c.anchor else ""),
                                "label": c.section,
                            }
                            for c in found
                        ],
                    }
                    for url, found in pages.items()
                ],
            }
        )
    counts: dict[str, int] = defaultdict(int)
    for entry in bib.entries.values():
        counts[entry.fields.get("evidence", "")] += 1
    boxes = [
        {"value": value, "label": long, "count": counts[value]}
        for value, (_, long) in refs.EVIDENCE_TYPES.items()
        if counts[value]
    ]
    return templates.render("reference-list.html", entries=entries, filter_boxes=boxes)


def reference_search_html(bib: refs.Bibliography, entry_html: Callable[[str], Markup]) -> Markup:
    """What search indexes in place of the list: each reference a section of its own, named like
    'Brown et al. 2017' and linked to its entry, so a search shows the references that match,
    not the whole list (``search_scope.AfterSearch.instead``). Never published."""
    entries = [
        {"key": key, "label": reference_format.citation_label(entry), "html": entry_html(key)}
        for key, entry in _sorted(bib)
    ]
    return templates.render("reference-search.html", entries=entries)
