"""Which release a page belongs to, its permanent link, its history, and the /changes/ pages.

Two kinds of build read this. The current site (a git checkout) names the newest release, gives
each page unchanged since then a permanent link to its snapshot (/v/<release>/page/), and gets
/changes/ and /changes/<page>/ generated from the tags. A snapshot build (``snapshots.build`` sets
``KB_RELEASE``) is a release itself: every page shows the archive banner, points rel=canonical at
the current page and links the current site's history.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

import page_meta
import releases
import snapshots
import templates


@dataclass(frozen=True)
class Context:
    snapshot: str  # this build's release tag when building a snapshot, else ""
    snapshot_date: str
    current_url: str  # the current site's address (snapshot builds)
    latest: releases.Release | None  # the newest release (current builds)
    repo: Path


def context(root: Path) -> Context:
    tag = os.environ.get("KB_RELEASE", "")
    if tag:
        return Context(
            tag, os.environ.get("KB_RELEASE_DATE", ""), os.environ.get("KB_CURRENT_URL", ""), None, root
        )
    found = releases.releases(root)
    return Context("", "", "", found[-1] if found else None, root)


def release_label(tag: str) -> str:
    parsed = releases.parse_tag(tag)
    if not parsed:
        return tag
    return releases.Release(tag, parsed[0], parsed[1], "").label


def page_info(ctx: Context, page_url: str, src: str, text: str, site_url: str) -> dict:
    """What the page status line, the banner and the cite box show about the page's release."""
    slug = page_meta.page_slug(page_url)
    depth = "../" * page_url.count("/")
    if ctx.snapshot:
        return {
            "archived": True,
            "tag": ctx.snapshot,
            "label": release_label(ctx.snapshot),
            "current_page": f"{ctx.current_url}{page_url}",
            "history": f"{ctx.current_url}changes/{slug}/",
            "permalink": f"{site_url}{page_url}",
            "changed": False,
        }
    info = {
        "archived": False,
        "tag": "",
        "label": "",
        "current_page": "",
        "history": "",  # page histories exist once there is a release
        "permalink": "",
        "changed": False,
    }
    if ctx.latest:
        info.update(tag=ctx.latest.tag, label=ctx.latest.label, history=f"{depth}changes/{slug}/")
        if releases.page_unchanged_since(ctx.repo, ctx.latest, src, text):
            info["permalink"] = f"{site_url}{snapshots.PREFIX}/{ctx.latest.tag}/{page_url}"
        else:
            info["changed"] = True
    return info


def summary(change: releases.PageChange) -> str:
    """'Added: A, B. Removed: C. Renamed: D to E.' or 'Text edited' when only statements changed."""
    parts = []
    if change.sections_added:
        parts.append("Added: " + ", ".join(change.sections_added) + ".")
    if change.sections_removed:
        parts.append("Removed: " + ", ".join(change.sections_removed) + ".")
    if change.sections_renamed:
        parts.append("Renamed: " + ", ".join(f"{old} to {new}" for old, new in change.sections_renamed) + ".")
    return " ".join(parts) or (
        "New page." if change.status == "added" else "Text edited; no section added or removed."
    )


def changes_files(config, ctx: Context, titles: dict[str, str], today: dt.date) -> list[File]:
    """/changes/ and one /changes/<page>/ per page, generated from the tags (current builds only)."""
    history = releases.history(ctx.repo) if not ctx.snapshot else releases.History()
    reviewed = history.entries[0][0].date if history.entries else today
    pages: dict[str, list[tuple[releases.Release, releases.PageChange]]] = {}
    for release, changes in history.entries:
        for change in changes:
            pages.setdefault(change.src, []).append((release, change))
    for src in titles:
        pages.setdefault(src, [])
    files = [
        File.generated(
            config,
            "changes.md",
            content=templates.render_markdown(
                "changes/changes.md",
                history=history,
                reviewed=reviewed,
                url=releases.page_url,
                slug=page_meta.page_slug,
                summary_sections=summary,
                snapshot=ctx.snapshot,
                current_url=ctx.current_url,
            )
            + "\n",
            inclusion=InclusionLevel.NOT_IN_NAV,
        )
    ]
    if ctx.snapshot or not history.entries:
        return files  # an archived release links the current site's histories; no release, no histories
    for src, entries in sorted(pages.items()):
        page_url = releases.page_url(src)
        files.append(
            File.generated(
                config,
                f"changes/{page_meta.page_slug(page_url)}.md",
                content=templates.render_markdown(
                    "changes/page-history.md",
                    title=titles.get(src) or (entries[0][1].title if entries else src),
                    src=src,
                    page_url=page_url,
                    current=src in titles,
                    entries=entries,
                    reviewed=reviewed,
                    summary_sections=summary,
                )
                + "\n",
                inclusion=InclusionLevel.NOT_IN_NAV,
            )
        )
    return files
