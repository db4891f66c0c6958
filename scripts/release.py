"""make release: tag the current commit as a release that readers can cite.

    make release          # or: .venv/bin/python scripts/release.py

1. Refuses a working tree with uncommitted changes.
2. Runs the whole suite (`make test`, or KB_RELEASE_TEST if set) and refuses to go on if it fails.
3. Builds the site and refreshes published-anchors.txt, so that every section this release
   publishes stays linkable; a changed list is committed.
4. Creates the annotated tag YYYY.MM.DD (YYYY.MM.DD.N for a second release that day).
5. Prints what changed on each page since the previous release.

Publishing is the deploy workflow's job: push the tag and main (`git push --follow-tags`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import page_meta  # noqa: E402
import page_release  # noqa: E402
import published_anchors  # noqa: E402
import releases  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ANCHORS = "published-anchors.txt"


def fail(message: str) -> int:
    print(f"make release: {message}", file=sys.stderr)
    return 1


def describe(changes: list[releases.PageChange]) -> list[str]:
    lines = []
    for change in changes:
        if not change.changed:
            continue
        detail = page_release.summary(change)
        lines.append(
            f"  {change.src}: {change.status}. {detail} Statements +{change.statements_added}/-{change.statements_removed}, "
            f"references +{len(change.references_added)}/-{len(change.references_removed)}"
            + (f", reviewed {change.reviewed}" if change.reviewed else "")
        )
    return lines or ["  no page changed"]


def main(root: Path = ROOT) -> int:
    if not releases.is_repository(root):
        return fail(f"{root} is not a git repository")
    if releases.git(root, "status", "--porcelain").strip():
        return fail("the working tree has uncommitted changes; commit or stash them first")
    test = shlex.split(os.environ.get("KB_RELEASE_TEST", "make test"))
    print(f"make release: running {' '.join(test)}", flush=True)
    if subprocess.run(test, cwd=root).returncode != 0:
        return fail(f"{' '.join(test)} failed; nothing was tagged")

    with tempfile.TemporaryDirectory(prefix="kb-release-site-") as site:
        env = {**os.environ, "KB_RELEASE": "", "DISABLE_MKDOCS_2_WARNING": "true"}
        build = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", site],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        if build.returncode != 0:
            return fail("the site does not build:\n" + (build.stderr or build.stdout)[-2000:])
        anchors = sorted(published_anchors.site_anchors(Path(site)))
    text = (
        "# Section anchors published by the site; see scripts/published_anchors.py\n"
        + "\n".join(anchors)
        + "\n"
    )
    tags = [r.tag for r in releases.releases(root)]
    tag = releases.next_tag(tags, page_meta.today())
    if (root / ANCHORS).read_text(encoding="utf-8") != text:
        (root / ANCHORS).write_text(text, encoding="utf-8")
        releases.git(root, "add", ANCHORS)
        releases.git(root, "commit", "-q", "-m", f"Release {tag}: refresh {ANCHORS}")
        print(f"make release: {ANCHORS} refreshed and committed")

    previous = releases.releases(root)[-1] if tags else None
    changes = releases.changes_between(root, previous.commit if previous else None, "HEAD")
    releases.git(root, "tag", "-a", tag, "-m", f"Release {tag}")
    since = f"since release {previous.tag}" if previous else "(first release)"
    print(f"make release: tagged {tag}. Changes {since}:")
    print("\n".join(describe(changes)))
    print("Publish it with: git push --follow-tags")
    return 0


if __name__ == "__main__":
    sys.exit(main())
