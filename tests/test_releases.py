"""Releases on a fixture repository with two tags: snapshots, banner, canonical, noindex, /changes/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

import page_release  # noqa: E402  (scripts/ is on sys.path through conftest)
import releases  # noqa: E402
from conftest import BIN, FROZEN_TODAY, ROOT, SITE_URL, build, copy_project

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "tag.gpgSign=false"]
FIRST, SECOND = "2026.01.01", "2026.02.01"


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_repo(target: Path) -> Path:
    copy_project(target)
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", ".gitignore"):
        shutil.copy2(ROOT / name, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "first")
    git(target, "tag", "-a", FIRST, "-m", f"Release {FIRST}")
    return target


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two releases: the second adds a section, renames one (redirected) and cites a new source."""
    target = make_repo(tmp_path_factory.mktemp("releases"))
    edit(
        target / "docs" / "pharmacology.md",
        "\n## ",
        "\n## Testing release history\n\nMetreleptin is given as one injection under the skin every day in each region.[@myalepta_eu_leaflet]\n\n## ",
    )
    edit(target / "docs" / "mechanism.md", "## How metreleptin is given", "## How the drug is given")
    edit(
        target / "mkdocs.yml",
        "  anchor_redirects:\n",
        '  anchor_redirects:\n    "mechanism/#how-metreleptin-is-given": "#how-the-drug-is-given"\n',
    )
    git(target, "commit", "-q", "-am", "second")
    git(target, "tag", "-a", SECOND, "-m", f"Release {SECOND}")
    # An unreleased change: this page has no permanent link until the next release.
    edit(
        target / "docs" / "glossary.md",
        "\n## ",
        "\nA sentence added after the last release, for the test only.\n\n## ",
    )
    git(target, "commit", "-q", "-am", "after the release")
    return target


@pytest.fixture(scope="module")
def built(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make build` on the fixture clone (the Makefile's own command), with this venv."""
    venv = BIN.parent
    env = {**os.environ, "SITE_URL": SITE_URL, "KB_TODAY": FROZEN_TODAY, "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(
        ["make", "build", f"VENV={venv}", "-o", f"{venv}/.site", "-o", f"{venv}/bin/activate"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------ tags and changes


def test_tag_names_and_next_tag() -> None:
    import datetime as dt

    assert releases.parse_tag("2026.02.01") == (dt.date(2026, 2, 1), 0)
    assert releases.parse_tag("2026.02.01.2") == (dt.date(2026, 2, 1), 2)
    assert releases.parse_tag("2026.02.30") is None and releases.parse_tag("v1.0") is None
    today = dt.date(2026, 12, 2)
    assert releases.next_tag([], today) == "2026.12.02"
    assert releases.next_tag(["2026.12.02"], today) == "2026.12.02.1"
    assert releases.next_tag(["2026.12.02", "2026.12.02.1"], today) == "2026.12.02.2"


def test_releases_are_read_from_the_tags(repo: Path) -> None:
    found = releases.releases(repo)
    assert [r.tag for r in found] == [FIRST, SECOND]
    assert found[1].commit == git(repo, "rev-parse", f"{SECOND}^{{commit}}").strip()


def test_changes_between_releases_name_sections_statements_and_references(repo: Path) -> None:
    changes = {c.src: c for c in releases.changes_between(repo, FIRST, SECOND)}
    pharmacology, mechanism = changes["pharmacology.md"], changes["mechanism.md"]
    assert pharmacology.sections_added == ["Testing release history"]
    assert pharmacology.statements_added == 1 and pharmacology.statements_removed == 0
    assert pharmacology.references_added == ["myalepta_eu_leaflet"] and pharmacology.references_removed == []
    assert mechanism.sections_renamed == [("How metreleptin is given", "How the drug is given")]
    assert mechanism.sections_added == [] and mechanism.sections_removed == []
    assert not changes["indication.md"].changed


# ------------------------------------------------------------------ the built artifact


@pytest.mark.parametrize("tag", [FIRST, SECOND])
def test_every_release_is_built_from_its_own_tag(built: Path, tag: str) -> None:
    for page in ("", "mechanism/", "pharmacology/", "references/"):
        assert (built / "v" / tag / page / "index.html").exists(), f"v/{tag}/{page}"
    pharmacology = soup(built / "v" / tag / "pharmacology" / "index.html")
    assert (pharmacology.find(id="testing-release-history") is not None) == (tag == SECOND)
    assert (built / "v" / tag / "search" / "search_index.json").exists(), "search inside a snapshot"
    assert not (built / "v" / tag / "sitemap.xml").exists()


def test_snapshot_pages_carry_banner_canonical_and_noindex(built: Path) -> None:
    doc = soup(built / "v" / FIRST / "mechanism" / "index.html")
    banner = doc.select_one(".kb-archived")
    assert banner is not None and FIRST in banner.get_text() and "1 January 2026" in banner.get_text()
    link = banner.select_one("a[data-kb-current-anchors]")
    assert link["href"] == f"{SITE_URL}mechanism/"
    assert doc.find("link", rel="canonical")["href"] == f"{SITE_URL}mechanism/"
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    current = soup(built / "mechanism" / "index.html")
    assert (
        current.select_one(".kb-archived") is None and current.find("meta", attrs={"name": "robots"}) is None
    )
    anchors = json.loads((built / "v" / "current-anchors.json").read_text(encoding="utf-8"))
    assert (
        "how-the-drug-is-given" in anchors["mechanism/"]
        and "how-metreleptin-is-given" not in anchors["mechanism/"]
    )


def test_links_inside_a_snapshot_stay_inside_it(built: Path) -> None:
    root = built / "v" / FIRST
    for page in root.rglob("index.html"):
        url = "/v/" + FIRST + "/" + page.parent.relative_to(root).as_posix().removeprefix(".") + "/"
        doc = soup(page)
        for element, attribute in [("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")]:
            for tag in doc.find_all(element, **{attribute: True}):
                target = tag[attribute]
                if target.startswith(("mailto:", "#", "data:")):
                    continue
                if target.startswith(SITE_URL):
                    # Only the current version of this page (banner, canonical, stable link) and its history.
                    path = target.removeprefix(SITE_URL).split("#")[0]
                    this_page = url.removeprefix(f"/v/{FIRST}/").lstrip("/")
                    assert path in (
                        this_page,
                        f"changes/{this_page.strip('/').replace('/', '-') or 'home'}/",
                        "changes/",
                    ) or path.startswith(f"v/{FIRST}/"), (page, target)
                    continue
                if urlparse(target).scheme:
                    continue  # other sites (sources)
                resolved = urlparse(urljoin("http://host" + url.replace("//", "/"), target)).path
                assert resolved.startswith(f"/v/{FIRST}/"), (page, target, resolved)


def test_social_cards_and_assets_work_in_a_snapshot(built: Path) -> None:
    doc = soup(built / "v" / FIRST / "mechanism" / "index.html")
    image = doc.find("meta", property="og:image")["content"]
    assert image == f"{SITE_URL}v/{FIRST}/assets/cards/mechanism.png"
    assert (built / "v" / FIRST / "assets" / "cards" / "mechanism.png").exists()
    for sheet in doc.find_all("link", rel="stylesheet"):
        assert (built / "v" / FIRST / "mechanism" / sheet["href"]).resolve().exists(), sheet["href"]


def test_current_search_index_holds_no_snapshot_page(built: Path) -> None:
    docs = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert docs and not [d["location"] for d in docs if d["location"].startswith("v/")]


def test_pages_show_their_release_history_and_permanent_link(built: Path) -> None:
    mechanism = soup(built / "mechanism" / "index.html")
    status = mechanism.select_one(".kb-page-status").get_text(" ", strip=True)
    assert f"Release {SECOND}" in status
    assert mechanism.select_one(".kb-page-status a[href='../changes/mechanism/']") is not None
    cite = mechanism.find(id="cite-this-page").find_next("p").get_text()
    assert f"{SITE_URL}v/{SECOND}/mechanism/" in cite
    bibtex = " ".join(code.get_text() for code in mechanism.select("code"))
    assert f"url          = {{{SITE_URL}v/{SECOND}/mechanism/}}" in bibtex
    glossary = soup(built / "glossary" / "index.html")
    assert f"Changed since release {SECOND}" in glossary.select_one(".kb-page-status").get_text(
        " ", strip=True
    )


def test_changes_page_lists_both_releases_newest_first_with_per_page_changes(built: Path) -> None:
    doc = soup(built / "changes" / "index.html")
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in doc.select("article h2")]
    assert headings[:2] == [f"Release {SECOND}", f"Release {FIRST}"]
    second = doc.find(id="release-2026-02-01").find_next("table")
    rows = {r.select("td")[0].get_text(" ", strip=True): r for r in second.select("tbody tr")}
    pharmacology = next(row for title, row in rows.items() if title.startswith("Pharmacology"))
    cells = [c.get_text(" ", strip=True) for c in pharmacology.select("td")]
    assert "Added: Testing release history." in cells[1] and cells[2] == "+1 / −0"
    mechanism = next(row for title, row in rows.items() if title.startswith("Mechanism"))
    assert "Renamed: How metreleptin is given to How the drug is given." in mechanism.get_text(
        " ", strip=True
    )
    assert not any(title.startswith("Indication") for title in rows), "unchanged pages are not rows"
    assert pharmacology.select_one("a")["href"] == f"../v/{SECOND}/pharmacology/"


def test_each_page_history_lists_its_releases_and_links_each_snapshot(built: Path) -> None:
    doc = soup(built / "changes" / "pharmacology" / "index.html")
    rows = doc.select("article table tbody tr")
    assert [r.select("td")[0].get_text(" ", strip=True).split()[0] for r in rows] == [SECOND, FIRST]
    assert "Testing release history" in rows[0].get_text() and "Page added" in rows[1].get_text()
    assert [r.select("td a")[-1]["href"] for r in rows] == [
        f"../../v/{SECOND}/pharmacology/",
        f"../../v/{FIRST}/pharmacology/",
    ]
    assert "mechanism" not in doc.select_one("article table").get_text().lower()


def test_snapshots_are_cached_by_tag(repo: Path, built: Path, tmp_path: Path) -> None:
    cached = sorted(p.name for p in (repo / ".cache" / "snapshots").iterdir())
    assert len(cached) == 2 and cached[0].startswith(FIRST) and cached[1].startswith(SECOND)
    marker = repo / ".cache" / "snapshots" / cached[0] / "kb-cache-probe.txt"
    marker.write_text("reused", encoding="utf-8")
    result = build(repo, tmp_path / "again")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "again" / "v" / FIRST / "kb-cache-probe.txt").read_text() == "reused"


def test_an_anchor_kept_only_in_a_snapshot_does_not_count_as_published(repo: Path, built: Path) -> None:
    """Snapshots keep old anchors; the published-anchors check must still see them gone from the site."""
    import yaml

    import published_anchors

    assert (built / "v" / FIRST / "mechanism" / "index.html").read_text().count(
        'id="how-metreleptin-is-given"'
    ) == 1
    current = published_anchors.site_anchors(built)
    assert (
        "mechanism/#how-metreleptin-is-given" not in current and "mechanism/#how-the-drug-is-given" in current
    )
    assert not [a for a in current if a.startswith(("v/", "changes/"))]
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    redirects = yaml.safe_load(config[config.index("\nextra:") :])["extra"]["anchor_redirects"]
    published = published_anchors.read_published(ROOT / "published-anchors.txt")
    assert (
        "mechanism/#how-metreleptin-is-given" in published
        and "mechanism/#how-metreleptin-is-given" in redirects
    )


def test_a_release_that_does_not_build_stops_the_build_naming_its_tag(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "broken")
    edit(target / "docs" / "mechanism.md", "[@myalept_uspi]", "[@no_such_key]")
    git(target, "commit", "-q", "-am", "broken")
    git(target, "tag", "-a", "2026.03.01", "-m", "broken release")
    edit(target / "docs" / "mechanism.md", "[@no_such_key]", "[@myalept_uspi]")
    git(target, "commit", "-q", "-am", "fixed")
    result = build(target, tmp_path / "out")
    assert result.returncode != 0
    assert "release 2026.03.01 does not build" in result.stdout + result.stderr
    assert "no_such_key" in result.stdout + result.stderr


def test_make_release_refuses_a_dirty_tree_and_failing_tests_then_tags(tmp_path: Path) -> None:
    import release

    target = make_repo(tmp_path / "release")
    (target / "docs" / "about.md").write_text((target / "docs" / "about.md").read_text() + "\nDraft.\n")
    os.environ["KB_RELEASE_TEST"] = "true"
    try:
        assert release.main(target) == 1  # uncommitted change
        git(target, "checkout", "--", "docs/about.md")
        os.environ["KB_RELEASE_TEST"] = "false"
        assert release.main(target) == 1
        assert git(target, "tag", "--list", "2026.12.*").strip() == ""
        os.environ["KB_RELEASE_TEST"] = "true"
        os.environ["KB_TODAY"] = FROZEN_TODAY
        assert release.main(target) == 0
        assert release.main(target) == 0
    finally:
        os.environ.pop("KB_RELEASE_TEST", None)
    tags = git(target, "tag", "--list", "2026.12.*").split()
    assert tags == ["2026.12.02", "2026.12.02.1"]
    assert git(target, "cat-file", "-t", "2026.12.02").strip() == "tag", "annotated"
    anchors = (target / "published-anchors.txt").read_text(encoding="utf-8")
    assert (
        "research/#hypothalamic-amenorrhoea" in anchors and "changes/" not in anchors and "v/" not in anchors
    )


def test_page_info_for_an_archived_release() -> None:
    ctx = page_release.Context("2026.01.01", "2026-01-01", SITE_URL, None, ROOT)
    info = page_release.page_info(ctx, "mechanism/", "mechanism.md", "", f"{SITE_URL}v/2026.01.01/")
    assert info["archived"] and info["current_page"] == f"{SITE_URL}mechanism/"
    assert info["permalink"] == f"{SITE_URL}v/2026.01.01/mechanism/"
    assert info["history"] == f"{SITE_URL}changes/mechanism/"
