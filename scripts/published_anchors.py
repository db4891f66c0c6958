"""The section anchors a release publishes, so later edits cannot silently break links to them.

    python scripts/published_anchors.py SITE_DIR > published-anchors.txt

run on the built site at release time, records every page's heading anchors as
``page/#anchor`` lines. tests/test_linking.py fails when one of them is missing from a
new build and not forwarded in mkdocs.yml (extra.anchor_redirects).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HEADING_ID = re.compile(r'<h[2-6] id="([^"]+)"')


def site_anchors(site: Path) -> set[str]:
    found = set()
    for page in site.rglob("index.html"):
        url = page.parent.relative_to(site).as_posix()
        url = "" if url == "." else f"{url}/"
        for anchor in HEADING_ID.findall(page.read_text(encoding="utf-8")):
            found.add(f"{url}#{anchor}")
    return found


def read_published(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


if __name__ == "__main__":
    print("# Section anchors published by the site; see scripts/published_anchors.py")
    print("\n".join(sorted(site_anchors(Path(sys.argv[1])))))
