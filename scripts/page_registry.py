"""The one list of pages: the nav in mkdocs.yml says which pages exist, in order; a page's front
matter says whether it is a topic page (``topic: true``: coverage check, cite box, social card label).

Adding a page is: write the file, add it to the nav. The hooks read ``page.meta`` directly; the
coverage report, the benchmark and the tests read this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils import yaml_load
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    src: str  # path under docs/, e.g. "clinical-use.md"
    topic: bool

    @property
    def url(self) -> str:
        """The page's directory URL relative to the site root ("" for the home page)."""
        stem = self.src.removesuffix(".md")
        if stem == "index":
            return ""
        return f"{stem.removesuffix('/index')}/"


def is_topic(meta: dict) -> bool:
    return meta.get("topic") is True


def nav_sources(config_path: Path) -> list[str]:
    with config_path.open(encoding="utf-8") as file:
        config = yaml_load(file)

    def walk(items) -> list[str]:
        found = []
        for item in items or []:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                found += walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                found.append(value)
        return found

    return walk(config.get("nav"))


def pages(root: Path = ROOT) -> list[Page]:
    """Every page in the nav, in nav order."""
    found = []
    for src in nav_sources(root / "mkdocs.yml"):
        _, meta = get_data((root / "docs" / src).read_text(encoding="utf-8"))
        found.append(Page(src, is_topic(meta)))
    return found


def topic_pages(root: Path = ROOT) -> list[Page]:
    return [page for page in pages(root) if page.topic]
