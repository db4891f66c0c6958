"""Made to be linked and cited: link previews, cite-this-page, evidence labels, review dates, anchors."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from PIL import Image
from pybtex.database import parse_string

from conftest import ALL_PAGES, ROOT, SITE_URL, TOPIC_PAGES, build

sys.path.insert(0, str(ROOT / "scripts"))
import citation_coverage  # noqa: E402
import kb_references  # noqa: E402
import published_anchors  # noqa: E402
import social_cards  # noqa: E402


def soup(site: Path, page: str) -> BeautifulSoup:
    path = site / page / "index.html" if page else site / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta(doc: BeautifulSoup, **attrs: str) -> str:
    tag = doc.find("meta", attrs=attrs)
    assert tag is not None, f"no <meta {attrs}>"
    return tag["content"]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_link_preview_metadata_and_card(site: Path, page: str) -> None:
    doc = soup(site, page)
    url = SITE_URL + (f"{page}/" if page else "")
    description = meta(doc, name="description")
    assert meta(doc, property="og:description") == description == meta(doc, name="twitter:description")
    assert meta(doc, property="og:url") == url
    assert meta(doc, property="og:site_name") == "Metreleptin knowledge base"
    assert meta(doc, property="og:title") == meta(doc, name="twitter:title")
    assert meta(doc, name="twitter:card") == "summary_large_image"
    image = meta(doc, property="og:image")
    assert image == SITE_URL + f"assets/cards/{page or 'home'}.png"
    assert meta(doc, name="twitter:image") == image
    with Image.open(site / image.removeprefix(SITE_URL)) as card:
        assert card.size == (1200, 630) and card.format == "PNG"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_scholarly_metadata_and_json_ld(site: Path, page: str) -> None:
    doc = soup(site, page)
    reviewed = doc.select_one(".kb-page-status time")["datetime"]
    assert meta(doc, name="citation_title")
    assert meta(doc, name="citation_date") == reviewed.replace("-", "/")
    assert meta(doc, name="citation_public_url") == SITE_URL + (f"{page}/" if page else "")
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == reviewed
    assert data["about"]["@type"] == "Drug" and data["about"]["name"] == "Metreleptin"


@pytest.mark.parametrize("page", TOPIC_PAGES)
def test_topic_pages_end_with_cite_this_page(site: Path, page: str) -> None:
    doc = soup(site, page)
    headings = doc.select("article h2")
    assert headings[-1]["id"] == "cite-this-page"
    assert headings[-2]["id"] == "references"
    blocks = [code.get_text() for code in doc.select("#cite-this-page ~ .highlight code")]
    assert len(blocks) == 2
    citation, bibtex = blocks
    url = SITE_URL + f"{page}/"
    reviewed = doc.select_one(".kb-page-status time")["datetime"]
    title = doc.find("h1").get_text(strip=True)
    assert citation.startswith(f"Metreleptin knowledge base. {title}. Last reviewed")
    assert url in citation and "accessed [date]" in citation
    entry = next(iter(parse_string(bibtex, "bibtex").entries.values()))
    assert entry.fields["url"] == url
    assert reviewed in entry.fields["note"]
    assert entry.fields["title"] == "{" + title + "}"


def test_every_reference_shows_its_evidence_type(site: Path) -> None:
    labels = {short for short, _ in kb_references.EVIDENCE_TYPES.values()}
    for page in TOPIC_PAGES:
        for note in soup(site, page).select(".footnote li"):
            assert note.select_one(".kb-evidence").get_text() in labels
    doc = soup(site, "references")
    for item in doc.select("li.kb-reference"):
        assert item["data-evidence"] in kb_references.EVIDENCE_TYPES
        assert item.select_one(".kb-evidence").get_text() in labels
    filters = {box["value"] for box in doc.select(".kb-filter input[type=checkbox]")}
    assert filters == {item["data-evidence"] for item in doc.select("li.kb-reference")}


def test_references_link_pmc_and_cited_by_sections(site: Path) -> None:
    from pybtex.database import parse_file

    bib = parse_file(ROOT / "references.bib").entries
    doc = soup(site, "references")
    for item in doc.select("li.kb-reference"):
        hrefs = [a["href"] for a in item.select("p a")]
        pmcid = bib[item["id"]].fields.get("pmcid")
        if pmcid:
            assert f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" in hrefs
        sections = [a["href"] for a in item.select(".kb-cited-by a")]
        assert sections and all(h.startswith("../") for h in sections)
    assert any("#" in a["href"] for a in doc.select(".kb-cited-by a"))


@pytest.mark.parametrize("page", TOPIC_PAGES)
def test_citation_coverage_at_least_90_percent(page: str) -> None:
    text = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    result = citation_coverage.measure(text, page)
    assert result.statements >= 30
    assert result.ratio >= citation_coverage.THRESHOLD, result.uncited


def test_coverage_counts_uncited_statements() -> None:
    text = (
        "---\ntitle: T\n---\n\nA claim that carries its source right here.[@k]\n\n"
        "- A listed claim without any source at all, sadly.\n"
        "| Row | A table row that states a fact without a source |\n|---|---|\n"
        "| body | Another table row with a fact and a source.[@k] |\n\nSee [x](y.md).\n"
    )
    result = citation_coverage.measure(text, "t.md")
    assert (result.statements, result.cited) == (3, 2)  # the header row and the short link line do not count
    assert result.uncited[0][0] == 7


def test_low_coverage_stops_the_build(scratch_project: Path, tmp_path: Path) -> None:
    page = scratch_project / "docs" / "mechanism.md"
    page.write_text(re.sub(r"\[@[^\]]+\]", "", page.read_text(encoding="utf-8"), count=40), encoding="utf-8")
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(
        r"docs/mechanism\.md: citation coverage \d+% .* is below 90%", result.stdout + result.stderr
    )


def test_home_lists_every_page_with_its_review_date(site: Path) -> None:
    rows = soup(site, "").select("table.kb-page-list tbody tr")
    assert len(rows) == len(ALL_PAGES)
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", row.find("time")["datetime"])


def test_stale_pages_show_a_notice_and_fresh_pages_do_not(
    site: Path, scratch_project: Path, tmp_path: Path
) -> None:
    """'Today' is frozen for the tests (conftest.FROZEN_TODAY); a later date makes every page due for review."""
    for page in ALL_PAGES:
        assert soup(site, page).select_one(".kb-stale") is None, page
    result = build(scratch_project, tmp_path / "out", KB_TODAY="2030-01-01")
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ALL_PAGES:
        notice = soup(tmp_path / "out", page).select_one("article .kb-stale")
        assert notice is not None and "12 months" in notice.get_text(), page
    assert "review due" in soup(tmp_path / "out", "").select_one("table.kb-page-list").get_text()
    # The build reports it too (as information: a page due for review must not break the build).
    assert re.search(
        r"docs/mechanism\.md: last reviewed \d{4}-\d\d-\d\d, more than 12 months ago", result.stderr
    )


def test_social_cards_are_redrawn_only_when_their_page_changes(scratch_project: Path, tmp_path: Path) -> None:
    def drawn(result) -> tuple[int, int]:
        found = re.search(r"Social cards: (\d+) drawn, (\d+) reused", result.stdout + result.stderr)
        assert found, result.stdout + result.stderr
        return int(found.group(1)), int(found.group(2))

    assert drawn(build(scratch_project, tmp_path / "a")) == (len(ALL_PAGES), 0)
    assert drawn(build(scratch_project, tmp_path / "b")) == (0, len(ALL_PAGES))
    page = scratch_project / "docs" / "glossary.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("title: Glossary", "title: Glossary of terms"),
        encoding="utf-8",
    )
    assert drawn(build(scratch_project, tmp_path / "c")) == (1, len(ALL_PAGES) - 1)


def test_card_writer_draws_a_shared_card_once_and_leaves_no_partial_file(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    writer = social_cards.CardWriter(cache)
    first = social_cards.Card("first", "A title", "Topic", "Site")
    second = social_cards.Card("second", "A title", "Topic", "Site")  # the same card for another page
    writer.add(first)
    writer.add(second)
    assert writer.finish(out) == (1, 1)
    assert (out / "first.png").read_bytes() == (out / "second.png").read_bytes()
    assert Image.open(out / "first.png").size == (social_cards.WIDTH, social_cards.HEIGHT)
    assert [path.name for path in cache.iterdir()] == [f"{first.digest}.png"]


def test_card_writer_reports_a_card_that_fails_to_draw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class HalfWritten:
        """A card whose file is cut off part-way (say, a full disk)."""

        def save(self, path: str, format: str) -> None:
            Path(path).write_bytes(b"\x89PNG partial")
            raise OSError("no space left")

    monkeypatch.setattr(social_cards, "draw", lambda card: HalfWritten())
    writer = social_cards.CardWriter(tmp_path / "cache")
    writer.add(social_cards.Card("page", "A title", "Topic", "Site"))
    with pytest.raises(OSError, match="no space left"):
        writer.finish(tmp_path / "out")
    assert list((tmp_path / "cache").iterdir()) == []  # the next build draws it again


def anchor_redirects() -> dict[str, str]:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    extra = yaml.safe_load(config[config.index("\nextra:") :])["extra"]
    return extra.get("anchor_redirects") or {}


def test_published_anchors_still_exist_or_are_redirected(site: Path) -> None:
    published = published_anchors.read_published(ROOT / "published-anchors.txt")
    assert len(published) > 50
    current = published_anchors.site_anchors(site)
    redirects = anchor_redirects()
    missing = [a for a in published if a not in current and a not in redirects]
    assert missing == [], (
        f"anchors vanished without a redirect in mkdocs.yml extra.anchor_redirects: {missing}"
    )


def test_renamed_heading_is_caught(scratch_project: Path, tmp_path: Path) -> None:
    page = scratch_project / "docs" / "contraindications.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("## Limitations of use", "## Limits of use"),
        encoding="utf-8",
    )
    assert build(scratch_project, tmp_path / "out").returncode == 0
    published = published_anchors.read_published(ROOT / "published-anchors.txt")
    current = published_anchors.site_anchors(tmp_path / "out")
    assert "contraindications/#limitations-of-use" in set(published) - current


def test_abbreviations_and_glossary_agree() -> None:
    snippet = (ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    defined = set(re.findall(r"^\*\[([^\]]+)\]:", snippet, flags=re.MULTILINE))
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    entries = set(re.findall(r"^- \*\*([^*]+)\*\*", glossary, flags=re.MULTILINE))
    assert defined == entries
    for term in [
        "POMC",
        "AgRP",
        "NPY",
        "alpha-MSH",
        "MC4R",
        "LepRb",
        "JAK2",
        "STAT3",
        "SOCS3",
        "PTP1B",
        "AMPK",
        "PI3K",
        "Akt",
        "ERK",
        "mTOR",
        "DIO",
        "GL",
        "PL",
        "NASH",
        "MASH",
        "REMS",
        "HbA1c",
    ]:
        assert term in defined, term


def test_front_matter_is_escaped_in_every_attribute(scratch_project: Path, tmp_path: Path) -> None:
    """A quote, '<' or '&' in a title or description is text: it cannot end an attribute or open a tag."""
    page = scratch_project / "docs" / "glossary.md"
    text = page.read_text(encoding="utf-8")
    description = 'Terms "in quotes", <b>tags</b> & ampersands.'
    text = re.sub(
        r"^description:.*$",
        "description: '" + description.replace("'", "''") + "'",
        text,
        count=1,
        flags=re.MULTILINE,
    )
    text = re.sub(r"^title:.*$", "title: 'Glossary \"A\" & <i>B</i>'", text, count=1, flags=re.MULTILINE)
    page.write_text(text, encoding="utf-8")
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = soup(tmp_path / "out", "glossary")
    for attrs in ({"name": "description"}, {"property": "og:description"}, {"name": "twitter:description"}):
        assert meta(doc, **attrs) == description, attrs
    for attrs in ({"property": "og:title"}, {"name": "twitter:title"}, {"name": "citation_title"}):
        assert meta(doc, **attrs) == 'Glossary "A" & <i>B</i>', attrs
    assert doc.head.find("b") is None and doc.head.find("i") is None
    assert doc.title.get_text().startswith('Glossary "A" & <i>B</i>')
    home = soup(tmp_path / "out", "")
    row = next(r for r in home.select("table.kb-page-list tbody tr") if "glossary/" in r.a["href"])
    assert row.select("td")[1].get_text() == description and row.find("b") is None
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["description"] == description
