"""MkDocs hooks for the metreleptin knowledge base (registered in mkdocs.yml).

Each event hands its work to small functions (``kb_references``, ``citation_coverage``,
``social_cards``) and returns early when a page is not its business. Problems stop the build with one line
each, ``path:line: message``, then a BuildError.

Order matters: MkDocs runs hooks after plugins for the same event, so the
checks on raw Markdown carry a higher ``event_priority`` to see ``[@key]``
before mkdocs-bibtex turns it into ``[^ref-key]``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils.meta import get_data

import citation_coverage
import kb_references as refs
import reference_format
import social_cards

log = logging.getLogger("mkdocs.hooks.kb")

REFERENCE_LIST_MARKER = "<!-- kb:reference-list -->"
PAGE_LIST_MARKER = "<!-- kb:page-list -->"
FOOTNOTE_PREFIX = "ref-"


@dataclass(frozen=True)
class Citer:
    """A place that cites a reference: page and section."""

    page_url: str
    page_title: str
    anchor: str
    section: str


class State:
    bib: refs.Bibliography | None = None
    formatter: reference_format.Formatter | None = None
    cited_by: dict[str, list[Citer]] = defaultdict(list)
    cards: list[social_cards.Card] = []


def _fail(problems: list[str]) -> None:
    if not problems:
        return
    for problem in problems:
        log.error(problem)
    raise PluginError(f"{len(problems)} problem(s) found by scripts/hooks.py; see the lines above")


@event_priority(100)
def on_config(config):
    """Read references.bib strictly before mkdocs-bibtex does."""
    State.bib = None
    State.cited_by = defaultdict(list)
    State.cards = []
    resolver = config.plugins["bibtex"].config
    if resolver.footnote_format != FOOTNOTE_PREFIX + "{key}":
        _fail([f"mkdocs.yml: bibtex footnote_format must be '{FOOTNOTE_PREFIX}{{key}}' (scripts/hooks.py reads it)"])
    bib_option = resolver.bib_file
    path = Path(config.config_file_path).parent / bib_option
    bib, problems = refs.parse_bibliography(path.read_text(encoding="utf-8"), bib_option)
    _fail(problems)
    State.bib = bib
    State.formatter = reference_format.Formatter(bib.entries)
    return config


@event_priority(100)
def on_files(files, config):
    """Front matter, citation syntax, unknown keys and unused entries, all pages at once.

    The resolver's registry exists by now (mkdocs-bibtex builds it in on_config): give it our formatter.
    """
    assert State.bib is not None and State.formatter is not None
    seam_problem = reference_format.install(config.plugins["bibtex"], State.formatter)
    _fail([seam_problem] if seam_problem else [])
    problems: list[str] = []
    uses: list[refs.CitationUse] = []
    for file in files.documentation_pages():
        path = f"{config.docs_dir.rstrip('/').rsplit('/', 1)[-1]}/{file.src_uri}"
        source = file.content_string
        _, meta = get_data(source)
        problems += refs.front_matter_problems(meta, path)
        page_uses, page_problems = refs.find_citations(source, path)
        uses += page_uses
        problems += page_problems
        if file.src_uri in citation_coverage.TOPIC_PAGES:
            coverage = citation_coverage.measure(source, path)
            if coverage.ratio < citation_coverage.THRESHOLD:
                # A warning: `mkdocs serve` goes on, the strict build stops.
                log.warning(
                    f"{path}: citation coverage {coverage.ratio:.0%} ({coverage.cited} of "
                    f"{coverage.statements} statements) is below {citation_coverage.THRESHOLD:.0%}; "
                    "run `make coverage` to list them"
                )
    known = set(State.bib.entries)
    problems += refs.unknown_key_problems(uses, known)
    if not problems:
        problems += refs.unused_entry_problems(State.bib, {use.key for use in uses})
    _fail(problems)
    return files


FOOTNOTE_DEF = re.compile(rf"^\[\^{FOOTNOTE_PREFIX}([\w-]+)\]: (.*)$", re.MULTILINE)


def on_page_markdown(markdown, page, config, files):
    """After the resolver: label each reference and end the page with a 'References' section."""
    if State.bib is None or not FOOTNOTE_DEF.search(markdown):
        return markdown
    markdown = decorate_footnotes(markdown, State.bib)
    # Python-Markdown's footnotes extension puts the list where this marker stands.
    markdown = f"{markdown.rstrip()}\n\n## References\n\n///Footnotes Go Here///\n"
    if page.file.src_uri in citation_coverage.TOPIC_PAGES:
        markdown += cite_this_page(page, config)
    return markdown


def cite_this_page(page, config) -> str:
    """The 'Cite this page' box: a formatted citation and BibTeX, each with a copy button."""
    reviewed: dt.date = page.meta["reviewed"]
    url = page.canonical_url or page.url
    title = page.meta.get("title") or page.title
    site = config.site_name
    slug = page_slug(page.url)
    return f"""
## Cite this page

Please cite the page with its review date, and add the date you accessed it.

```text title="Citation"
{site}. {title}. Last reviewed {reviewed.strftime("%-d %B %Y")}. {url} (accessed [date]).
```

```text title="BibTeX"
@misc{{metreleptinkb-{slug},
  author       = {{{{{site}}}}},
  title        = {{{{{title}}}}},
  howpublished = {{{site}}},
  year         = {{{reviewed.year}}},
  note         = {{Last reviewed {reviewed.isoformat()}. Accessed [date]}},
  url          = {{{url}}}
}}
```
"""


def decorate_footnotes(markdown: str, bib: refs.Bibliography) -> str:
    """After the resolver: put the evidence label and PubMed/PMC links on each reference."""

    def decorate(match: re.Match[str]) -> str:
        key, text = match.group(1), match.group(2)
        entry = bib.entries.get(key)
        if entry is None:
            return match.group(0)
        links = " ".join(f"[{label}]({url})" for label, url in refs.identifier_links(entry))
        return f"[^{FOOTNOTE_PREFIX}{key}]: {refs.evidence_badge(entry)} {text} {links}".rstrip()

    return FOOTNOTE_DEF.sub(decorate, markdown)


HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
FOOTNOTE_REF = re.compile(rf'<sup id="fnref\d*:{FOOTNOTE_PREFIX}([\w-]+)"')
TAG = re.compile(r"<[^>]+>")


def citing_sections(page_html: str) -> list[tuple[str, str, str]]:
    """(key, heading id, heading text) for every citation marker, in page order."""
    found = []
    anchor, section = "", ""
    tokens = sorted(
        [(m.start(), "h", m) for m in HEADING.finditer(page_html)]
        + [(m.start(), "c", m) for m in FOOTNOTE_REF.finditer(page_html)],
        key=lambda token: token[0],
    )
    for _, kind, match in tokens:
        if kind == "h":
            anchor = match.group(2)
            section = html.unescape(TAG.sub("", match.group(3))).replace("¶", "").strip()
        else:
            found.append((match.group(1), anchor, section))
    return found


def on_page_content(html_text, page, config, files):
    """Remember which page and section cites each reference (for /references/)."""
    seen = set()
    for key, anchor, section in citing_sections(html_text):
        citer = Citer(page.url, page.title, anchor, section)
        if (key, citer) in seen:
            continue
        seen.add((key, citer))
        State.cited_by[key].append(citer)
    return html_text


def reference_list_html(
    bib: refs.Bibliography, cited_by: dict[str, list[Citer]], base: str, formatter: reference_format.Formatter
) -> str:
    """The full list for /references/: sorted by first author, with cited-by links."""
    items = []
    for key, entry in sorted(bib.entries.items(), key=lambda item: refs.sort_key(item[1])):
        evidence = entry.fields.get("evidence", "")
        links = refs.identifier_links(entry)  # the formatted text already links the DOI
        link_html = " ".join(
            f'<a href="{html.escape(url)}">{html.escape(label)}</a>' for label, url in links
        )
        pages: dict[str, list[Citer]] = defaultdict(list)
        for citer in cited_by.get(key, []):
            pages[citer.page_url].append(citer)
        backlinks = []
        for page_url, citers in pages.items():
            sections = ", ".join(
                f'<a href="{base}{page_url}{"#" + html.escape(c.anchor) if c.anchor else ""}">'
                f'{html.escape(c.section) if c.anchor else "Introduction"}</a>'
                for c in citers
            )
            backlinks.append(f"<li>{html.escape(citers[0].page_title)}: {sections}</li>")
        items.append(
            f'<li id="{html.escape(key)}" class="kb-reference" data-evidence="{html.escape(evidence)}">'
            f'<p>{refs.evidence_badge(entry)} {formatter.html(key)}'
            f'{" " + link_html if link_html else ""}</p>'
            f'<details class="kb-cited-by"><summary>Cited by {len(backlinks)} page(s)</summary>'
            f'<ul>{"".join(backlinks)}</ul></details></li>'
        )
    return reference_filter_html(bib) + f'<ol class="kb-reference-list">{"".join(items)}</ol>'


def reference_filter_html(bib: refs.Bibliography) -> str:
    """Checkboxes by evidence type, run by docs/javascripts/kb.js (hidden without scripting).

    The status line starts with the full count, so it does not grow when the script fills it in.
    """
    counts: dict[str, int] = defaultdict(int)
    for entry in bib.entries.values():
        counts[entry.fields.get("evidence", "")] += 1
    boxes = "".join(
        f'<label><input type="checkbox" value="{value}" checked> {html.escape(long)} ({counts[value]})</label>'
        for value, (_, long) in refs.EVIDENCE_TYPES.items()
        if counts[value]
    )
    return (
        f'<fieldset class="kb-filter"><legend>Show evidence types</legend>{boxes}'
        f'<p class="kb-filter__status" role="status">{len(bib.entries)} references shown</p></fieldset>'
    )


def page_list_html(pages, current) -> str:
    """Home page table: every page with its description and last review date."""
    base = "../" * current.url.count("/")
    rows = []
    for other in pages:
        reviewed = other.meta.get("reviewed")
        stale = isinstance(reviewed, dt.date) and (today() - reviewed).days > 365
        rows.append(
            f'<tr><td><a href="{base}{other.url or "./"}">{html.escape(other.title or "")}</a></td>'
            f'<td>{html.escape(other.meta.get("description", ""))}</td>'
            f'<td><time datetime="{reviewed}">{reviewed}</time>{" (review due)" if stale else ""}</td></tr>'
        )
    return (
        '<table class="kb-page-list"><thead><tr><th scope="col">Page</th><th scope="col">What it covers</th>'
        f'<th scope="col">Last reviewed</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def today() -> dt.date:
    """The build date; KB_TODAY=YYYY-MM-DD pins it (tests of the stale-page notice)."""
    pinned = os.environ.get("KB_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def page_slug(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def anchor_redirects_for(page, config) -> dict[str, str]:
    """'#old' -> '#new' (or another page's URL) for this page, from extra.anchor_redirects."""
    redirects = config.extra.get("anchor_redirects") or {}
    found = {}
    for old, new in redirects.items():
        path, _, anchor = old.partition("#")
        if path == page.url and anchor:
            found[f"#{anchor}"] = new
    return found


def page_section(page) -> str:
    if page.file.src_uri in citation_coverage.TOPIC_PAGES:
        return "Topic"
    return "Home" if page.is_homepage else "Reference"


def page_metadata(page, config) -> dict:
    """Everything the templates need for link previews and scholarly metadata."""
    reviewed: dt.date = page.meta["reviewed"]
    title = config.site_name if page.is_homepage else page.title
    site_url = config.site_url or ""
    jsonld = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": title,
        "headline": title,
        "description": page.meta.get("description", ""),
        "url": page.canonical_url,
        "inLanguage": "en",
        "lastReviewed": reviewed.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": config.site_name, "url": site_url},
        "publisher": {"@type": "Organization", "name": config.site_name, "url": site_url},
        "about": {
            "@type": "Drug",
            "name": "Metreleptin",
            "alternateName": ["Myalept", "Myalepta", "recombinant methionyl human leptin"],
        },
    }
    return {
        "title": title,
        "reviewed_slash": reviewed.strftime("%Y/%m/%d"),
        "image": f"{site_url}assets/cards/{page_slug(page.url)}.png" if site_url else "",
        # '<' escaped so that no text can close the <script> element early.
        "jsonld": json.dumps(jsonld, ensure_ascii=False).replace("<", "\\u003c"),
    }


@event_priority(100)
def on_page_context(context, page, config, nav):
    """Per-page metadata for the templates; the reference list once every page has been read.

    Runs before the search plugin indexes the page, so the list is searchable.
    """
    if isinstance(page.meta.get("reviewed"), dt.date):
        page.meta["kb"] = page_metadata(page, config)
        page.meta["kb_stale"] = (today() - page.meta["reviewed"]).days > 365
        page.meta["kb_anchor_redirects"] = anchor_redirects_for(page, config)
        State.cards.append(social_cards.Card(
            page_slug(page.url), page.meta["kb"]["title"], page_section(page), config.site_name
        ))
    if PAGE_LIST_MARKER in (page.content or ""):
        page.content = page.content.replace(PAGE_LIST_MARKER, page_list_html(nav.pages, page))
    if REFERENCE_LIST_MARKER in (page.content or ""):
        assert State.bib is not None and State.formatter is not None
        base = "../" * page.url.count("/")
        page.content = page.content.replace(
            REFERENCE_LIST_MARKER, reference_list_html(State.bib, State.cited_by, base, State.formatter)
        )
    return context


SOURCE_MAP_COMMENT = re.compile(rb"\n?/[/*]# sourceMappingURL=\S+?\.map(?: \*/|\*/)?\s*$")


def prune_source_maps(site_dir: Path) -> int:
    """Theme source maps are for theme developers, not readers: remove them and their references."""
    removed = 0
    for source_map in (site_dir / "assets").rglob("*.map"):
        source_map.unlink()
        removed += 1
        minified = source_map.with_suffix("")
        if minified.exists():
            minified.write_bytes(SOURCE_MAP_COMMENT.sub(b"\n", minified.read_bytes()))
    return removed


def on_post_build(config):
    """Write the link-preview cards (unchanged ones come from .cache/cards); drop source maps."""
    root = Path(config.config_file_path).parent
    prune_source_maps(Path(config.site_dir))
    drawn, reused = social_cards.write_cards(
        State.cards, Path(config.site_dir) / "assets" / "cards", root / ".cache" / "cards"
    )
    log.info(f"Social cards: {drawn} drawn, {reused} reused from .cache/cards")
