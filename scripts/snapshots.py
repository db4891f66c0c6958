"""Every release, built from its own tag, published under /v/<release>/ beside the current site.

A snapshot is built once: ``git archive`` exports the tagged tree, MkDocs builds it strictly with
that tree's own pages, references, templates and hooks, and the result is kept in
``.cache/snapshots/<tag>-<commit>-<address>/``. Later builds copy it, so deploy time grows with the copying,
not with rebuilding every release. The tagged tree learns that it is a snapshot from the
environment (``KB_RELEASE``, ``KB_CURRENT_URL``): its pages then carry the archive banner,
``rel=canonical`` to the current page and ``noindex``, and its links and search stay inside it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import releases

PREFIX = "v"  # snapshots live at /v/<release>/
COMPLETE = ".kb-snapshot-complete"


class SnapshotError(RuntimeError):
    pass


def cache_path(cache: Path, release: releases.Release, site_url: str) -> Path:
    """One cached build per tag, commit and site address (the address is written into each page)."""
    address = hashlib.sha256(site_url.encode()).hexdigest()[:8]
    return cache / f"{release.tag}-{release.commit[:12]}-{address}"


def build(repo: Path, release: releases.Release, cache: Path, site_url: str) -> Path:
    """The built snapshot of a release, from the cache or built now. SnapshotError names the tag."""
    target = cache_path(cache, release, site_url)
    if (target / COMPLETE).exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"kb-release-{release.tag}-") as work:
        tree = Path(work) / "tree"
        tree.mkdir()
        archive = subprocess.run(
            releases.git_command(repo, "archive", "--format=tar", release.commit), capture_output=True
        )
        if archive.returncode != 0:
            raise SnapshotError(
                f"release {release.tag}: git archive failed: {archive.stderr.decode().strip()}"
            )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tree, filter="data")
        out = Path(work) / "site"
        env = {
            **os.environ,
            "KB_RELEASE": release.tag,
            "KB_RELEASE_DATE": release.date.isoformat(),
            "KB_CURRENT_URL": site_url,
            "SITE_URL": f"{site_url}{PREFIX}/{release.tag}/",
        }
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("ERROR")] or lines[-1:]
            raise SnapshotError(
                f"release {release.tag} does not build: {errors[0] if errors else 'unknown error'}"
            )
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, target)
        (target / COMPLETE).write_text(release.commit + "\n", encoding="utf-8")
    return target


def assemble(
    site_dir: Path, repo: Path, cache: Path, site_url: str, current_anchors: dict[str, list[str]]
) -> list[str]:
    """Copy every release's snapshot into site_dir/v/<tag>/; returns the tags."""
    tags = []
    for release in releases.releases(repo):
        snapshot = build(repo, release, cache, site_url)
        target = site_dir / PREFIX / release.tag
        shutil.rmtree(target, ignore_errors=True)
        # Not sitemaps: archived pages are noindex, and the current sitemap lists the current pages.
        shutil.copytree(snapshot, target, ignore=shutil.ignore_patterns(COMPLETE, "sitemap.xml*"))
        tags.append(release.tag)
    if tags:
        # Which sections the current site has, so that a snapshot's banner can link the same section.
        (site_dir / PREFIX / "current-anchors.json").write_text(
            json.dumps(current_anchors, sort_keys=True, separators=(",", ":")), encoding="utf-8"
        )
    return tags
