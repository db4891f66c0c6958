"""Checks on the real site, built once with --strict (fixture `site`)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file
from pybtex.richtext import Text

import reference_format  # scripts/, on the path from conftest
from conftest import ALL_PAGES, ROOT, SITE_URL, TOPIC_PAGES


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_file(site: Path, page: str) -> Path:
    return site / page / "index.html" if page else site / "index.html"


def bib_keys() -> set[str]:
    return set(parse_file(ROOT / "references.bib").entries)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_exists_with_description_canonical_and_review_date(site: Path, page: str) -> None:
    doc = soup(page_file(site, page))
    description = doc.find("meta", attrs={"name": "description"})
    assert description and len(description["content"]) > 20
    canonical = doc.find("link", rel="canonical")
    assert canonical and canonical["href"] == SITE_URL + (f"{page}/" if page else "")
    status = doc.select_one(".kb-page-status")
    assert status is not None, "review date and disclaimer missing"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", status.find("time")["datetime"])
    assert "not medical advice" in status.get_text()
    assert len(doc.find_all("h1")) == 1


def test_no_unresolved_citation_syntax(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "[@" not in text, f"unresolved citation in {page}"
        assert "\\bibliography" not in text, f"bibliography command left in {page}"
        assert "Footnotes Go Here" not in text, f"footnote marker left in {page}"


def test_every_footnote_reference_resolves(site: Path) -> None:
    for page in html_pages(site):
        doc = soup(page)
        ids = {tag["id"] for tag in doc.find_all(id=True)}
        for ref in doc.select("a.footnote-ref"):
            assert ref["href"].lstrip("#") in ids, f"{page}: {ref['href']} has no footnote"
        for note in doc.select(".footnote li"):
            assert note.get_text(strip=True), f"{page}: empty footnote {note['id']}"


@pytest.mark.parametrize("page", TOPIC_PAGES)
def test_topic_pages_cite_sources_and_end_with_references(site: Path, page: str) -> None:
    doc = soup(page_file(site, page))
    refs = doc.select("a.footnote-ref")
    assert len(refs) >= 20, f"{page} has only {len(refs)} citations"
    heading = doc.find("h2", id="references")
    assert heading is not None
    notes = doc.select(".footnote li")
    assert notes and all(n.select_one(".kb-evidence") for n in notes)
    # Each reference links its DOI, and PubMed where the entry has a PMID.
    bib = parse_file(ROOT / "references.bib").entries
    for note in notes:
        key = note["id"].removeprefix("fn:ref-")
        hrefs = [a["href"] for a in note.find_all("a")]
        if "doi" in bib[key].fields:
            assert f"https://doi.org/{bib[key].fields['doi']}" in hrefs, key
        if "pmid" in bib[key].fields:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{bib[key].fields['pmid']}/" in hrefs, key


def test_references_page_lists_every_entry_once_with_backlinks(site: Path) -> None:
    doc = soup(page_file(site, "references"))
    items = doc.select("li.kb-reference")
    keys = [item["id"] for item in items]
    assert sorted(keys) == sorted(bib_keys())
    assert len(keys) == len(set(keys))
    for item in items:
        backlinks = item.select(".kb-cited-by a")
        assert backlinks, f"{item['id']} has no cited-by link"


def test_reference_titles_keep_the_capitals_written_in_the_bib(site: Path) -> None:
    """POMC, mTORC1, FDA, Myalept, Japan, Berardinelli-Seip: the rendered title is the BibTeX title."""
    bib = parse_file(ROOT / "references.bib").entries
    doc = soup(page_file(site, "references"))
    for item in doc.select("li.kb-reference"):
        title = Text.from_latex(bib[item["id"]].fields["title"]).render_as("text")
        expected = " ".join((title[:1].upper() + title[1:]).split())
        shown = " ".join(item.p.get_text().split())
        assert expected in shown, f"{item['id']}: {expected!r} not in {shown!r}"


def test_references_sorted_by_first_author(site: Path) -> None:
    bib = parse_file(ROOT / "references.bib").entries
    doc = soup(page_file(site, "references"))

    def first_author(key: str) -> str:
        people = bib[key].persons.get("author", [])
        name = " ".join(people[0].last_names) if people else ""
        return re.sub(r"[{}\\]", "", name).lower()

    names = [first_author(item["id"]) for item in doc.select("li.kb-reference")]
    assert names == sorted(names)


def internal_targets(site: Path) -> list[tuple[Path, str]]:
    found = []
    for page in html_pages(site):
        for link in soup(page).find_all("a", href=True):
            href = link["href"]
            if urlparse(href).scheme or href.startswith(("mailto:", "//")):
                continue
            found.append((page, href))
    return found


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    ids_of: dict[Path, set[str]] = {}  # each target page parsed once, not once per link to it
    checked = 0
    for page, href in internal_targets(site):
        url = urljoin(f"file://{page}", href)
        parsed = urlparse(url)
        target = Path(parsed.path)
        if target.is_dir():
            target = target / "index.html"
        if page.name == "404.html":
            continue  # its links are absolute from the site root
        assert target.exists(), f"{page}: broken link {href}"
        if parsed.fragment:
            if target not in ids_of:
                ids_of[target] = {tag["id"] for tag in soup(target).find_all(id=True)}
            assert parsed.fragment in ids_of[target], f"{page}: missing anchor {href}"
        checked += 1
    assert checked > 100


def test_every_heading_has_a_permalink(site: Path) -> None:
    for page in ALL_PAGES:
        doc = soup(page_file(site, page))
        for heading in doc.select("article h2, article h3, article h4"):
            assert heading.get("id") and heading.select_one("a.headerlink"), f"{page}: {heading}"


def test_search_index_has_every_page_and_key_terms(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    locations = {doc["location"].split("#")[0] for doc in docs}
    for page in ALL_PAGES:
        assert (f"{page}/" if page else "") in locations
    text = " ".join(f"{d['title']} {d['text']}" for d in docs).lower()
    for term in [
        "myalept",
        "myalepta",
        "a16aa07",
        "stat3",
        "jak2",
        "pomc",
        "mtor",
        "rapamycin",
        "lymphoma",
        "rems",
        "dose",
        "pregnancy",
        "ampk",
        "socs3",
        "hba1c",
        "triglycerides",
    ]:
        assert term in text, f"search index lacks '{term}'"


def test_sitemap_lists_every_page(site: Path) -> None:
    tree = ET.parse(site / "sitemap.xml")
    locs = {el.text for el in tree.iter() if el.tag.endswith("loc")}
    for page in ALL_PAGES:
        assert SITE_URL + (f"{page}/" if page else "") in locs


OFFSITE = re.compile(r"""url\(\s*['"]?(https?:)?//""")


def test_nothing_is_loaded_from_another_host(site: Path) -> None:
    for page in html_pages(site):
        doc = soup(page)
        for tag, attr in [
            ("link", "href"),
            ("script", "src"),
            ("img", "src"),
            ("source", "src"),
            ("iframe", "src"),
        ]:
            for element in doc.find_all(tag):
                value = element.get(attr)
                if not value or (tag == "link" and "canonical" in element.get("rel", [])):
                    continue
                if tag == "link" and set(element.get("rel", [])) & {"alternate", "next", "prev"}:
                    continue
                assert not urlparse(value).netloc, f"{page}: {tag} loads {value}"
        for style in doc.find_all("style"):
            assert not OFFSITE.search(style.get_text()), f"{page}: off-site url() in <style>"
    for css in site.rglob("*.css"):
        assert not OFFSITE.search(css.read_text(encoding="utf-8")), f"{css}: off-site url()"


def test_reference_text_from_bib_is_escaped(site: Path) -> None:
    for page in html_pages(site):
        doc = soup(page)
        for note in doc.select(".footnote li, li.kb-reference"):
            assert note.find("script") is None


def test_abbreviations_show_expansions_on_every_page(site: Path) -> None:
    for page in TOPIC_PAGES:
        doc = soup(page_file(site, page))
        titles = {abbr.get_text(): abbr.get("title") for abbr in doc.find_all("abbr")}
        assert len(titles) >= 5, page
        assert all(titles.values())


def test_no_source_maps_are_published(site: Path) -> None:
    assert list(site.rglob("*.map")) == []
    for asset in list(site.rglob("*.js")) + list(site.rglob("*.css")):
        assert "sourceMappingURL" not in asset.read_text(encoding="utf-8"), asset


def test_reference_lists_stay_out_of_search_but_the_references_page_is_searchable(site: Path) -> None:
    """A journal or author name finds /references/, not the last section of every citing page."""
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    with_doi = {d["location"].split("#")[0] for d in docs if "doi:10." in d["text"]}
    assert with_doi == {"references/"}, with_doi
    assert not any("Cited by" in d["text"] or "<sup>" in d["text"] for d in docs)  # nor citation markers
    # Nor the empty "References" heading or the cite box of each page: "references" or "cite" finds one page.
    assert [d["location"] for d in docs if d["title"] == "References"] == ["references/"]
    assert not [d["location"] for d in docs if d["location"].endswith("#cite-this-page")]
    for page in TOPIC_PAGES:
        lists = soup(page_file(site, page)).select("div.footnote")
        assert lists and all(div.has_attr("data-search-exclude") for div in lists), page
        assert all(len(div.select("li .kb-evidence")) == len(div.select("li")) for div in lists), page
        assert soup(page_file(site, page)).select(
            "article p sup[id^='fnref'] > a.footnote-ref[href^='#fn:']"
        ), page
    references = soup(page_file(site, "references"))
    entries = references.select("li.kb-reference")
    assert entries and all(entry.select_one("details.kb-cited-by li a[href]") for entry in entries)
    for entry in entries:  # "Cited by 1 page", "Cited by 2 pages"
        count = len(entry.select("details.kb-cited-by > ul > li"))
        summary = entry.select_one("details.kb-cited-by summary").get_text()
        assert summary == f"Cited by {count} page{'' if count == 1 else 's'}", summary
    # Each reference is a search result of its own, named like "Brown et al. 2017" and linked to its entry,
    # so a search shows the references that match, not the whole list.
    bib = parse_file(ROOT / "references.bib").entries
    by_key = {d["location"].split("#")[1]: d for d in docs if d["location"].startswith("references/#")}
    assert sorted(by_key) == sorted(entry["id"] for entry in entries) == sorted(bib)
    for entry in entries:
        doc = by_key[entry["id"]]
        title = BeautifulSoup(doc["title"], "html.parser").get_text()  # Material's index holds HTML
        assert title == reference_format.citation_label(bib[entry["id"]]), doc
        assert " ".join(BeautifulSoup(doc["text"], "html.parser").get_text().split()) == " ".join(
            entry.p.get_text().split()
        )
    assert max(len(d["text"]) for d in docs if d["location"].startswith("references/")) < 2000


def test_no_placeholder_is_left_in_a_published_page(site: Path) -> None:
    """Reference entries and the lists kept out of search are put back into every page."""
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "kbreferenceentry" not in text and "kb:after-search" not in text, html
        assert "kb:search-only" not in text, html
