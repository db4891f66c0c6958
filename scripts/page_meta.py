"""Per-page values for the templates: link previews, scholarly metadata, review state, cite box."""

from __future__ import annotations

import datetime as dt
import json
import os

from markupsafe import Markup, escape
from mkdocs.structure.toc import AnchorLink, TableOfContents

import templates

STALE_AFTER_DAYS = 365


def today() -> dt.date:
    """The build date; KB_TODAY=YYYY-MM-DD pins it (the tests pin it, so no test depends on the calendar)."""
    pinned = os.environ.get("KB_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def is_stale(reviewed, on: dt.date) -> bool:
    return isinstance(reviewed, dt.date) and (on - reviewed).days > STALE_AFTER_DAYS


def page_slug(url: str) -> str:
    return url.strip("/").replace("/", "-") or "home"


def escape_front_matter(meta: dict) -> None:
    """Material's base template prints title and description unescaped: hand it escaped Markup."""
    for name in ("title", "description"):
        if isinstance(meta.get(name), str) and not isinstance(meta[name], Markup):
            meta[name] = escape(meta[name])


def anchor_redirects_for(page_url: str, redirects: dict[str, str]) -> dict[str, str]:
    """'#old' -> '#new' (or another page's URL) for this page, from extra.anchor_redirects."""
    found = {}
    for old, new in redirects.items():
        path, _, anchor = old.partition("#")
        if path == page_url and anchor:
            found[f"#{anchor}"] = new
    return found


def page_metadata(page, site_name: str, site_url: str, section: str) -> dict:
    """Everything the templates need for link previews and scholarly metadata (raw strings)."""
    reviewed: dt.date = page.meta["reviewed"]
    title = site_name if page.is_homepage else str(page.meta.get("title") or page.title)
    jsonld = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": title,
        "headline": title,
        "description": str(page.meta.get("description", "")),
        "url": page.canonical_url,
        "inLanguage": "en",
        "lastReviewed": reviewed.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
        "about": {
            "@type": "Drug",
            "name": "Metreleptin",
            "alternateName": ["Myalept", "Myalepta", "recombinant methionyl human leptin"],
        },
    }
    return {
        "title": title,
        "section": section,
        "reviewed_slash": reviewed.strftime("%Y/%m/%d"),
        "image": f"{site_url}assets/cards/{page_slug(page.url)}.png" if site_url else "",
        # '<' escaped so that no text can close the <script> element early.
        "jsonld": Markup(json.dumps(jsonld, ensure_ascii=False).replace("<", "\\u003c")),
    }


PAGE_LIST_MARKER = "<!-- kb:page-list -->"  # where a page (the home page) shows the list


def page_list_html(pages, current_url: str, on: dt.date) -> Markup:
    """Home page table: every page in the nav with its description and last review date."""
    base = "../" * current_url.count("/")
    rows = [
        {
            "href": f"{base}{other.url or './'}",
            "title": str(other.meta.get("title") or other.title or ""),
            "description": other.meta.get("description", ""),
            "reviewed": other.meta.get("reviewed"),
            "stale": is_stale(other.meta.get("reviewed"), on),
        }
        for other in pages
    ]
    return templates.render("page-list.html", rows=rows)


CITE_ANCHOR = "cite-this-page"


def add_to_toc(toc: TableOfContents, title: str, anchor: str) -> None:
    """A section that the page's template adds, at the end of the page's table of contents."""
    items = toc.items
    if len(items) == 1 and items[0].level == 1:  # a page whose Markdown has its own h1 holds its h2s
        items = items[0].children
    items.append(AnchorLink(title, anchor, 2))


def cite_this_page(
    title: str,
    url: str,
    page_url: str,
    reviewed: dt.date,
    site: str,
    release: dict | None = None,
    permalink_title: str = "Permanent link",
) -> Markup:
    """The 'Cite this page' box (HTML): citation and BibTeX with copy buttons, and the permanent link.

    ``release`` (from page_release.page_info) gives the permanent link of this version when the page
    is unchanged since the newest release (or is itself an archived release). ``permalink_title`` is
    the toc extension's, for the heading's own link.
    """
    slug = page_slug(page_url)
    release = release or {}
    permalink, tag = release.get("permalink", ""), release.get("tag", "")
    if permalink:
        cited_url, note = permalink, f"Release {tag}; last reviewed {reviewed.isoformat()}. Accessed [date]"
        key = f"metreleptinkb-{slug}-{tag.replace('.', '-')}"
    else:
        cited_url, note = url, f"Last reviewed {reviewed.isoformat()}. Accessed [date]"
        key = f"metreleptinkb-{slug}"
    version = f" Release {tag}." if permalink else ""
    citation = f"{site}. {title}. Last reviewed {reviewed.strftime('%-d %B %Y')}.{version} {cited_url} (accessed [date])."
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author       = {{{{{site}}}}},",
            f"  title        = {{{{{title}}}}},",
            f"  howpublished = {{{site}}},",
            f"  year         = {{{reviewed.year}}},",
            f"  note         = {{{note}}},",
            f"  url          = {{{cited_url}}}",
            "}",
        ]
    )
    return templates.render(
        "cite-box.html",
        permalink=permalink,
        tag=tag,
        url=url,
        citation=citation,
        bibtex=bibtex,
        permalink_title=permalink_title,
        anchor=CITE_ANCHOR,
    )
