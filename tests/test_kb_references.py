"""Unit tests of the citation checks on strings and small fixture files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import hooks  # noqa: E402
import kb_references as refs  # noqa: E402

DATA = Path(__file__).parent / "data"
GOOD = "@article{smith2020,\n  title = {T},\n  author = {Smith, Ann},\n  evidence = {review},\n  doi = {10.1000/xyz}\n}\n"


def test_good_bibliography_has_no_problems() -> None:
    bib, problems = refs.parse_bibliography(GOOD)
    assert problems == []
    assert bib.lines == {"smith2020": 1}


def test_duplicate_key_names_both_lines() -> None:
    _, problems = refs.parse_bibliography((DATA / "duplicate.bib").read_text(), "duplicate.bib")
    assert problems == ["duplicate.bib:6: duplicate BibTeX key 'smith2020' (first defined on line 1)"]


def test_malformed_entry_names_line_and_entry() -> None:
    _, problems = refs.parse_bibliography(GOOD + "@misc{x2,\n title = {open,\n")
    assert len(problems) == 1
    assert problems[0].startswith("references.bib:")
    assert "in the entry 'x2' that starts on line 7" in problems[0]


def test_bad_identifiers_are_reported() -> None:
    text = GOOD.replace("10.1000/xyz", "doi.org/10.1000").replace("}\n}", "},\n pmid = {PMID123}\n}")
    _, problems = refs.parse_bibliography(text)
    assert any("malformed DOI" in p for p in problems)
    assert any("malformed PMID" in p for p in problems)


def test_citations_with_lines_and_closest_keys() -> None:
    uses, problems = refs.find_citations((DATA / "unknown_key.md").read_text(), "unknown_key.md")
    assert problems == []
    assert [(u.line, u.key) for u in uses] == [(7, "smith2020"), (8, "smith2002"), (9, "smith2020"), (9, "jones2019")]
    unknown = refs.unknown_key_problems(uses, {"smith2020"})
    assert unknown == [
        "unknown_key.md:8: unknown citation key 'smith2002' (closest: smith2020)",
        "unknown_key.md:9: unknown citation key 'jones2019' (no similar key)",
    ]


def test_email_and_links_are_not_citations() -> None:
    uses, problems = refs.find_citations("Mail [me@example.org](mailto:me@example.org), ask @team.", "x.md")
    assert uses == [] and problems == []


def test_front_matter_needs_description_and_date() -> None:
    assert refs.front_matter_problems({"description": "D.", "reviewed": dt.date(2026, 1, 1)}, "p.md") == []
    problems = refs.front_matter_problems({"reviewed": "soon"}, "p.md")
    assert problems == ["p.md:1: front matter has no 'description'",
                        "p.md:1: 'reviewed' must be a date written YYYY-MM-DD, not 'soon'"]


def test_unused_entries() -> None:
    bib, _ = refs.parse_bibliography(GOOD)
    assert refs.unused_entry_problems(bib, set()) == ["references.bib:1: entry 'smith2020' is not cited on any page"]
    assert refs.unused_entry_problems(bib, {"smith2020"}) == []


def test_footnotes_get_label_and_identifier_links() -> None:
    bib, _ = refs.parse_bibliography(GOOD.replace("}\n}", "},\n pmid = {123},\n pmcid = {PMC9}\n}"))
    out = hooks.decorate_footnotes("Text[^ref-smith2020]\n\n[^ref-smith2020]: Smith. T.", bib)
    assert '<span class="kb-evidence kb-evidence--review">Review</span> Smith. T.' in out
    assert "[PubMed 123](https://pubmed.ncbi.nlm.nih.gov/123/)" in out
    assert "(https://pmc.ncbi.nlm.nih.gov/articles/PMC9/)" in out


def test_citing_sections_in_page_order() -> None:
    page = ('<p>a<sup id="fnref:ref-k1"></sup></p><h2 id="dose">Dose<a class="headerlink">¶</a></h2>'
            '<p><sup id="fnref2:ref-k1"></sup><sup id="fnref:ref-k2"></sup></p>')
    assert hooks.citing_sections(page) == [("k1", "", ""), ("k1", "dose", "Dose"), ("k2", "dose", "Dose")]
