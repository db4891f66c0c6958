"""The section anchors a release publishes, so later edits cannot silently break links to them.

    python scripts/published_anchors.py SITE_DIR > published-anchors.txt

run on the built site at release time, records every page's heading anchors as
``page/#anchor`` lines. tests/test_linking.py fails when one of them is missing from a
new build and not forwarded in mkdocs.yml (extra.anchor_redirects).
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path


class HeadingIds(HTMLParser):
    """The id of every h2-h6 element, read with an HTML parser."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            self.ids += [value for name, value in attrs if name == "id" and value]


def heading_ids(html: str) -> list[str]:
    parser = HeadingIds()
    parser.feed(html)
    return parser.ids


def site_anchors(site: Path) -> set[str]:
    found = set()
    for page in site.rglob("index.html"):
        url = page.parent.relative_to(site).as_posix()
        if url.split("/")[0] in ("v", "changes"):
            continue  # release snapshots and the release history are generated from the tags
        url = "" if url == "." else f"{url}/"
        for anchor in heading_ids(page.read_text(encoding="utf-8")):
            found.add(f"{url}#{anchor}")
    return found


def read_published(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


if __name__ == "__main__":
    print("# Section anchors published by the site; see scripts/published_anchors.py")
    print("\n".join(sorted(site_anchors(Path(sys.argv[1])))))
