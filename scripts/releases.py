"""Releases: annotated git tags named YYYY.MM.DD (a second release on a day adds .N).

Everything here reads the repository with git; nothing is written by hand. ``releases`` lists the
tags, ``page_states`` reads each page's Markdown at a tag, and ``page_changes`` compares two states
of a page: sections added, removed or renamed (a rename is a removed anchor forwarded to an added
one in ``extra.anchor_redirects``), statements and references added and removed, review date.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown.extensions.toc import slugify

import citation_coverage
import page_markdown

TAG = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d+))?$")
ATTRIBUTES = re.compile(r"\s*\{[^}]*\}\s*$")
EXPLICIT_ID = re.compile(r"#([\w-]+)")
MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


class GitError(RuntimeError):
    pass


@dataclass(frozen=True)
class Release:
    tag: str
    date: dt.date
    sequence: int
    commit: str

    @property
    def label(self) -> str:
        day = f"{self.date.day} {self.date.strftime('%B %Y')}"
        return day if self.sequence == 0 else f"{day} (release {self.sequence + 1} of the day)"


@dataclass
class PageState:
    src: str
    title: str = ""
    reviewed: str = ""
    headings: list[tuple[str, str]] = field(default_factory=list)  # (anchor, title)
    statements: Counter[str] = field(default_factory=Counter)
    references: set[str] = field(default_factory=set)


@dataclass
class PageChange:
    src: str
    title: str
    status: str  # "added", "removed", "changed" or "unchanged"
    sections_added: list[str] = field(default_factory=list)
    sections_removed: list[str] = field(default_factory=list)
    sections_renamed: list[tuple[str, str]] = field(default_factory=list)
    statements_added: int = 0
    statements_removed: int = 0
    references_added: list[str] = field(default_factory=list)
    references_removed: list[str] = field(default_factory=list)
    reviewed: str = ""

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


def git_command(repo: Path, *args: str) -> list[str]:
    """git on the project's own repository, whoever owns the checkout (CI containers often differ)."""
    return ["git", "-c", f"safe.directory={repo.resolve()}", "-C", str(repo), *args]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(git_command(repo, *args), capture_output=True, text=True)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def is_repository(repo: Path) -> bool:
    try:
        return git(repo, "rev-parse", "--show-toplevel").strip() == str(repo.resolve())
    except (GitError, FileNotFoundError):
        return False


def parse_tag(tag: str) -> tuple[dt.date, int] | None:
    match = TAG.match(tag)
    if not match:
        return None
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return date, int(match.group(4) or 0)


def releases(repo: Path) -> list[Release]:
    """Every release tag, oldest first; none outside a git repository."""
    if not is_repository(repo):
        if (repo / ".git").exists():
            raise GitError(
                f"{repo} has a .git directory that git cannot read (not installed, or not a safe.directory)"
            )
        return []
    found = []
    for line in git(
        repo, "tag", "--list", "--format=%(refname:short) %(*objectname) %(objectname)"
    ).splitlines():
        parts = line.split()
        parsed = parse_tag(parts[0]) if parts else None
        if parsed:
            commit = parts[1] if len(parts) == 3 else parts[-1]  # annotated tags peel to their commit
            found.append(Release(parts[0], parsed[0], parsed[1], commit))
    return sorted(found, key=lambda r: (r.date, r.sequence))


def next_tag(existing: list[str], today: dt.date) -> str:
    base = today.strftime("%Y.%m.%d")
    taken = {tag for tag in existing if tag == base or tag.startswith(base + ".")}
    if not taken:
        return base
    sequence = 1
    while f"{base}.{sequence}" in taken:
        sequence += 1
    return f"{base}.{sequence}"


def heading_entries(markdown: str) -> list[tuple[str, str]]:
    """(anchor, title) of each ## to ###### heading outside code, as the table of contents makes them."""
    found = []
    for line in page_markdown.lines(markdown):
        match = page_markdown.HEADING.match(line.text)
        if line.in_code or not match or len(match.group(1)) < 2:
            continue
        text = line.text.strip()[len(match.group(1)) :].strip()
        attributes = ATTRIBUTES.search(text)
        explicit = EXPLICIT_ID.search(attributes.group(0)) if attributes else None
        title = MARKUP.sub(lambda m: m.group(1) or "", ATTRIBUTES.sub("", text)).strip()
        found.append((explicit.group(1) if explicit else slugify(title, "-"), title))
    return found


def page_state(src: str, markdown: str) -> PageState:
    state = PageState(src)
    match = FRONT_MATTER.match(markdown)
    meta = {}
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError:
            meta = {}
    state.title = str(meta.get("title") or src)
    state.reviewed = str(meta.get("reviewed") or "")
    state.headings = heading_entries(markdown)
    state.statements = Counter(text for _, text in citation_coverage.statements(markdown))
    protected = page_markdown.protect_code(markdown)
    state.references = {
        key
        for block in page_markdown.CITATION.finditer(protected)
        for key in page_markdown.CITED_KEY.findall(block.group(0))
    }
    return state


def page_states(repo: Path, ref: str) -> dict[str, PageState]:
    """Every Markdown page under docs/ at a commit or tag."""
    names = [
        n for n in git(repo, "ls-tree", "-r", "--name-only", ref, "docs/").splitlines() if n.endswith(".md")
    ]
    return {
        name.removeprefix("docs/"): page_state(name.removeprefix("docs/"), git(repo, "show", f"{ref}:{name}"))
        for name in names
    }


def anchor_redirects(repo: Path, ref: str) -> dict[str, str]:
    try:
        config = yaml.load(git(repo, "show", f"{ref}:mkdocs.yml"), Loader=_IgnoreTags)
    except (GitError, yaml.YAMLError):
        return {}
    return dict(((config or {}).get("extra") or {}).get("anchor_redirects") or {})


class _IgnoreTags(yaml.SafeLoader):
    """mkdocs.yml has tags such as !ENV and !!python/name; their values do not matter here."""


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)
_IgnoreTags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def page_url(src: str) -> str:
    return "" if src == "index.md" else src.removesuffix(".md").removesuffix("/index") + "/"


def page_change(old: PageState | None, new: PageState | None, redirects: dict[str, str]) -> PageChange:
    state = new or old
    assert state is not None
    change = PageChange(state.src, state.title, "changed", reviewed=new.reviewed if new else "")
    if old is None or new is None:
        change.status = "added" if old is None else "removed"
        change.statements_added = sum(new.statements.values()) if new else 0
        change.statements_removed = sum(old.statements.values()) if old else 0
        change.references_added = sorted(new.references) if new else []
        change.references_removed = sorted(old.references) if old else []
        return change
    old_anchors, new_anchors = dict(old.headings), dict(new.headings)
    added = [a for a in new_anchors if a not in old_anchors]
    removed = [a for a in old_anchors if a not in new_anchors]
    url = page_url(new.src)
    for anchor in list(removed):
        target = redirects.get(f"{url}#{anchor}", "")
        if target.startswith("#") and target[1:] in added:
            change.sections_renamed.append((old_anchors[anchor], new_anchors[target[1:]]))
            removed.remove(anchor)
            added.remove(target[1:])
    change.sections_added = [new_anchors[a] for a in added]
    change.sections_removed = [old_anchors[a] for a in removed]
    change.statements_added = sum((new.statements - old.statements).values())
    change.statements_removed = sum((old.statements - new.statements).values())
    change.references_added = sorted(new.references - old.references)
    change.references_removed = sorted(old.references - new.references)
    same = not (
        change.sections_added
        or change.sections_removed
        or change.sections_renamed
        or change.statements_added
        or change.statements_removed
        or change.references_added
        or change.references_removed
        or old.reviewed != new.reviewed
        or old.title != new.title
    )
    change.status = "unchanged" if same else "changed"
    return change


def changes_between(repo: Path, old_ref: str | None, new_ref: str) -> list[PageChange]:
    """Per-page changes from one ref to the next (every page is new in the first release)."""
    old = page_states(repo, old_ref) if old_ref else {}
    new = page_states(repo, new_ref)
    redirects = anchor_redirects(repo, new_ref)
    return [page_change(old.get(src), new.get(src), redirects) for src in sorted(set(old) | set(new))]


@dataclass
class History:
    """Every release with its per-page changes, newest first."""

    entries: list[tuple[Release, list[PageChange]]] = field(default_factory=list)


def history(repo: Path) -> History:
    result = History()
    previous: Release | None = None
    for release in releases(repo):
        result.entries.append(
            (release, changes_between(repo, previous.commit if previous else None, release.commit))
        )
        previous = release
    result.entries.reverse()
    return result


def page_unchanged_since(repo: Path, release: Release, src: str, text: str) -> bool:
    """Whether a page's Markdown in the working tree is the same as in the release."""
    try:
        return git(repo, "show", f"{release.commit}:docs/{src}") == text
    except GitError:
        return False
