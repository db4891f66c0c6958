"""Unit tests of the citation checks on strings and small fixture files."""

from __future__ import annotations

import datetime as dt
import gc
import re
import sys
import weakref
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import citation_coverage  # noqa: E402
import heap  # noqa: E402
import hooks  # noqa: E402
import kb_references as refs  # noqa: E402
import page_markdown  # noqa: E402
import page_meta  # noqa: E402
import reference_entries  # noqa: E402
import reference_format  # noqa: E402
import reference_list  # noqa: E402
import search_scope  # noqa: E402

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
    assert [(u.line, u.key) for u in uses] == [
        (7, "smith2020"),
        (8, "smith2002"),
        (9, "smith2020"),
        (9, "jones2019"),
    ]
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
    assert problems == [
        "p.md:1: front matter has no 'description'",
        "p.md:1: 'reviewed' must be a date written YYYY-MM-DD, not 'soon'",
    ]


def test_unused_entries() -> None:
    bib, _ = refs.parse_bibliography(GOOD)
    assert refs.unused_entry_problems(bib, set()) == [
        "references.bib:1: entry 'smith2020' is not cited on any page"
    ]
    assert refs.unused_entry_problems(bib, {"smith2020"}) == []


def test_footnotes_hold_a_placeholder_that_becomes_the_reference_rendered_once() -> None:
    bib, _ = refs.parse_bibliography(
        GOOD.replace("}\n}", "},\n pmid = {123},\n pmcid = {PMC9},\n journal = {J & K},\n year = {2020}\n}")
    )
    entries = reference_entries.ReferenceEntries(bib, reference_format.Formatter(bib.entries))
    hooks.State.entries = entries
    placeholder = hooks.footnote_text("smith2020")
    assert placeholder == entries.placeholder("smith2020")
    assert re.fullmatch(r"[a-z]+\d+", placeholder)  # one word: Markdown passes it through unchanged
    page = f"<li><p>{placeholder}</p></li><li><p>{placeholder}</p></li>"
    out = entries.fill(page) + entries.fill(page)
    assert reference_entries.PREFIX not in out
    assert (
        out.count(
            '<span class="kb-evidence kb-evidence--review">Review</span> Ann Smith. T. <em>J &amp; K</em>'
        )
        == 4
    )
    assert out.count('<a href="https://pubmed.ncbi.nlm.nih.gov/123/">PubMed 123</a>') == 4
    assert '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC9/">' in out
    assert entries.rendered_count == 1
    assert entries.fill("<p>no references</p>") == "<p>no references</p>"
    assert entries.fill("<p>kbreferenceentry000099</p>") == "<p>kbreferenceentry000099</p>"  # not ours


def test_html_set_aside_from_search_is_put_back_once() -> None:
    after = search_scope.AfterSearch()
    first, second = after.defer("<ol><li>A</li></ol>"), after.defer(Markup("<p>B &amp; C</p>"))
    page = f"<div>{first}</div>{second}<!--kb:after-search 99-->"
    assert after.fill(page) == "<div><ol><li>A</li></ol></div><p>B &amp; C</p><!--kb:after-search 99-->"
    assert after.fill("<p>plain</p>") == "<p>plain</p>"


def test_search_indexes_one_thing_and_readers_get_another() -> None:
    after = search_scope.AfterSearch()
    marker = after.defer("<p>marker</p>")
    page = f"<p>a{marker}</p>{after.instead('<ol><li>Published</li></ol>', '<h2 id=k>Searched</h2><p>x</p>')}<p>b</p>"
    assert "Searched" in page and "Published" not in page  # what the search plugin reads
    assert after.fill(page) == "<p>a<p>marker</p></p><ol><li>Published</li></ol><p>b</p>"


def test_what_lives_for_the_build_is_left_out_of_collections_until_it_ends() -> None:
    class Node:
        pass

    node = Node()
    node.itself = node  # a cycle: only the collector can free it
    alive = weakref.ref(node)
    try:
        assert heap.settle() > 0
        del node
        gc.collect()
        assert alive() is not None  # settled: no collection walks it
        heap.release()
        assert gc.get_freeze_count() == 0
        gc.collect()
        assert alive() is None  # released: the next build's collections free it
    finally:
        gc.unfreeze()


def test_shutdown_leaves_the_build_out_of_the_teardown_collections() -> None:
    gc.unfreeze()
    try:
        hooks.on_shutdown()  # MkDocs' last event: the process ends next
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_mkdocs_bibtex_reuses_the_parsed_bibliography(tmp_path: Path) -> None:
    import mkdocs_bibtex.registry as registry

    original = registry.parse_file
    bib_file = tmp_path / "references.bib"
    bib_file.write_text(GOOD, encoding="utf-8")
    other = tmp_path / "other.bib"
    other.write_text(GOOD.replace("smith2020", "other2021"), encoding="utf-8")
    bib, _ = refs.parse_bibliography(GOOD)
    try:
        reference_format.share_bibliography(bib_file, bib.data)
        reference_format.share_bibliography(bib_file, bib.data)  # a rebuild under `make serve`
        assert registry.parse_file.__wrapped__ is original  # wrapped once, however often it is shared
        assert registry.parse_file(str(tmp_path / "." / "references.bib")) is bib.data  # not parsed again
        assert list(registry.parse_file(str(other)).entries) == ["other2021"]
    finally:
        registry.parse_file = original


class TocItem:
    def __init__(self, id: str, title: str, children: list | None = None) -> None:
        self.id, self.title, self.children = id, title, children or []


def test_citing_sections_come_from_the_markdown_and_the_toc() -> None:
    markdown = (
        "Intro.[@k1]\n\n## Dose { .special #dosing }\n\nText.[@k1; @k2]\n\n```\n## not a heading [@k3]\n```\n\n"
        "### AgRP/NPY &amp; more\n\nMore `[@k4]` and [@k2].\n"
    )
    citations = page_markdown.citation_headings(page_markdown.protect_code(markdown))
    assert citations == [("k1", 0), ("k1", 1), ("k2", 1), ("k2", 2)]
    toc = [TocItem("dosing", "Dose", [TocItem("agrpnpy-more", "AgRP/NPY &amp; more")])]
    found = reference_list.citers("p/", "Page", citations, toc)
    assert [(key, c.anchor, c.section) for key, c in found] == [
        ("k1", "", "Introduction"),
        ("k1", "dosing", "Dose"),
        ("k2", "dosing", "Dose"),
        ("k2", "agrpnpy-more", "AgRP/NPY & more"),
    ]


def test_citations_in_code_stay_literal_and_are_not_counted() -> None:
    markdown = "Write `[@key]` to cite.\n\n~~~markdown\nA claim.[@other]\n~~~\n\nReal.[@real]\n"
    uses, problems = refs.find_citations(markdown, "p.md")
    assert problems == [] and [u.key for u in uses] == ["real"]
    protected = page_markdown.protect_code(markdown)
    assert "[@key]" not in protected and "[@other]" not in protected and "[@real]" in protected
    assert page_markdown.restore_code(protected) == markdown


def test_a_citation_key_written_as_a_link_names_file_and_line() -> None:
    _, problems = refs.find_citations("Line one.\n\nSee [@name](https://example.org).\n", "p.md")
    assert problems == [
        "p.md:3: '[@name](...)' is a link whose text mkdocs-bibtex reads as a citation: "
        "cite with [@key], or take the '@' out of the link text"
    ]


def test_hand_written_footnotes_become_notes_apart_from_references() -> None:
    markdown, moved = page_markdown.move_notes("A fact.[@k] An aside.[^1]\n\n[^1]: Our own remark.\n")
    assert moved
    body, notes = markdown.split("## Notes")
    assert "[@k]" in body and "[^1]" not in markdown
    assert '<sup id="note-ref-1" class="kb-note-ref">[1](#note-1)</sup>' in body
    assert '1. <span id="note-1"></span>Our own remark.' in notes
    assert page_markdown.move_notes("No notes.[@k]\n") == ("No notes.[@k]\n", False)


def test_invalid_front_matter_is_reported_as_yaml_with_its_line() -> None:
    meta, problems = refs.read_front_matter(
        "---\ntitle: T\ndescription: a: b\nreviewed: 2026-01-01\n---\nBody\n", "p.md"
    )
    assert meta == {}
    # libyaml ends the message "in this context", PyYAML's own parser "here".
    assert len(problems) == 1
    assert problems[0].startswith("p.md:3: front matter is not valid YAML: mapping values are not allowed ")
    assert problems[0].endswith(" (quote values that contain ': ')")
    assert refs.SAFE_LOADER is yaml.CSafeLoader  # PyYAML's wheels carry libyaml: the fast parser is used


# ------------------------------------------------------------ source standards (issue: sources a reader can follow)


def entry_problems(text: str) -> list[str]:
    _, problems = refs.parse_bibliography(text)
    return problems


def test_article_needs_a_doi_or_pmid() -> None:
    text = "@article{a2020,\n  title = {T},\n  author = {A, B},\n  evidence = {review},\n  url = {https://x.org/}\n}\n"
    assert entry_problems(text) == [
        "references.bib:1: entry 'a2020' is an @article without a doi or pmid: verify the identifier or replace the source"
    ]
    assert entry_problems(text.replace("url = {https://x.org/}", "pmid = {123}")) == []


def test_every_entry_gives_the_reader_something_to_follow() -> None:
    text = "@misc{m2020,\n  title = {T},\n  evidence = {news}\n}\n"
    assert entry_problems(text) == [
        "references.bib:1: entry 'm2020' gives the reader nothing to follow: add a doi, pmid, pmcid or url"
    ]
    for field in ["doi = {10.1000/x}", "pmid = {1}", "pmcid = {PMC1}", "url = {https://x.org/}"]:
        assert entry_problems(text.replace("evidence = {news}", f"evidence = {{news}},\n  {field}")) == [], (
            field
        )


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=x", True),
        ("https://www.accessdata.fda.gov/drugsatfda_docs/label/x.pdf", True),
        ("https://www.ema.europa.eu/en/medicines/human/EPAR/myalepta", True),
        ("https://www.info.pmda.go.jp/go/pack/x", True),
        ("https://dhpp.hpfb-dgpsa.ca/review-documents/resource/x", True),
        ("https://www.drugs.com/pro/myalept.html", False),
        ("https://medicines.org.uk/emc/product/11182/smpc", False),
        ("https://fda.gov.example.com/label", False),
        ("", False),
    ],
)
def test_regulatory_entries_link_the_issuer(url: str, ok: bool) -> None:
    text = "@misc{label,\n  title = {Label},\n  evidence = {regulatory},\n  url = {" + url + "}\n}\n"
    problems = [p for p in entry_problems(text) if "is 'regulatory'" in p]
    assert (problems == []) == ok, problems


def test_unverified_authors_are_an_error() -> None:
    text = GOOD.replace("Smith, Ann", "{Authors not verified}")
    assert entry_problems(text) == [
        "references.bib:1: entry 'smith2020' has authors marked 'not verified': verify them or replace the source"
    ]


def test_entry_lines_are_counted_past_comments_and_strings() -> None:
    text = "% c\n@string{j = {J}}\n\n" + GOOD + "\n% two\n% lines\n" + GOOD.replace("smith2020", "smith2021")
    bib, problems = refs.parse_bibliography(text)
    assert problems == []
    assert bib.lines == {"smith2020": 4, "smith2021": 13}


# ------------------------------------------------------------ the seam around the resolver


def test_resolver_is_the_version_the_seam_was_written_for() -> None:
    """Fails when mkdocs-bibtex changes: re-read SimpleRegistry.reference_text before moving the pin."""
    assert reference_format.check_resolver() is None
    pinned = re.search(r"^mkdocs-bibtex==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pinned and pinned.group(1) == reference_format.RESOLVER_VERSION
    from mkdocs_bibtex.registry import SimpleRegistry

    assert callable(SimpleRegistry.reference_text)


def test_titles_keep_their_capitals_and_each_entry_is_formatted_once() -> None:
    bib, _ = refs.parse_bibliography(
        "@article{x,\n  title = {Hypothalamic mTOR and POMC neurons: the FDA view of Myalept},\n"
        "  author = {Smith, Ann},\n  journal = {J},\n  year = {2020},\n  evidence = {review},\n  pmid = {1}\n}\n"
    )
    formatter = reference_format.Formatter(bib.entries)
    for _ in range(3):
        text, html = formatter.text("x"), formatter.html("x")
    assert "Hypothalamic mTOR and POMC neurons: the FDA view of Myalept." in text
    assert "Hypothalamic mTOR and POMC neurons: the FDA view of Myalept." in html
    assert formatter.formatted_count == 1


def test_coverage_lists_statements_resting_only_on_company_or_press_sources() -> None:
    evidence = {"press": "news", "site": "manufacturer", "label": "regulatory"}
    text = (
        "The drug lowered triglycerides in most treated patients overall.[@press]\n\n"
        "The drug lowered triglycerides in most treated patients overall.[@site; @label]\n\n"
        "The company said that the drug would be launched in the spring.[@site]\n"
    )
    result = citation_coverage.measure(text, "p.md", evidence)
    assert [line for line, _ in result.weakly_sourced] == [1, 5]


def test_references_decode_latex_and_escape_what_the_bib_file_says() -> None:
    bib, _ = refs.parse_bibliography(
        "@article{x,\n  title = {Leptin *and* [brackets] <b>bold</b> ``quoted'' -- {mTOR}},\n"
        "  author = {Ara{\\'u}jo-Vilar, D. and Smith, A. and others},\n  journal = {Drugs \\& Therapy},\n"
        "  volume = {4},\n  number = {2},\n  pages = {10--12},\n  year = {2020},\n  evidence = {review},\n"
        "  doi = {10.1/a_b}\n}\n"
    )
    formatter = reference_format.Formatter(bib.entries)
    html = formatter.html("x")
    assert html.startswith("D. Araújo-Vilar, A. Smith et al. Leptin *and* [brackets] &lt;b&gt;bold&lt;/b&gt;")
    assert "“quoted” – mTOR. <em>Drugs &amp; Therapy</em>, 4(2):10–12, 2020." in html
    assert "<b>" not in html
    assert html.endswith('<a href="https://doi.org/10.1/a_b">doi:10.1/a_b</a>.')
    assert formatter.text("x").startswith(
        "D. Araújo-Vilar, A. Smith et al. Leptin *and* [brackets] <b>bold</b>"
    )


@pytest.mark.parametrize(
    "authors,year,label",
    [
        ("Brown, Rebecca J.", "2017", "Brown 2017"),
        ("Myers, Martin G. and Leibel, Rudolph L.", "2010", "Myers and Leibel 2010"),
        ("Oral, Elif A. and Simha, Vinaya and Ruiz, Elena", "2002", "Oral et al. 2002"),
        ("Oral, Elif A. and others", "2002", "Oral et al. 2002"),
        ("Ara{\\'u}jo-Vilar, D.", "2019", "Araújo-Vilar 2019"),
        ("{Shionogi \\& Co., Ltd.}", "", "Shionogi & Co., Ltd."),
        ("", "2009", "Leptin in HIV"),  # no author: the title
    ],
)
def test_a_reference_is_named_by_family_names_and_year(authors: str, year: str, label: str) -> None:
    fields = "".join(
        f"  {name} = {{{value}}},\n"
        for name, value in [("author", authors), ("title", "Leptin in {{HIV}}"), ("year", year)]
        if value
    )
    bib, _ = refs.parse_bibliography(f"@misc{{x,\n{fields}}}\n")
    assert reference_format.citation_label(bib.entries["x"]) == label


def test_cite_box_is_escaped_html_with_the_permanent_link() -> None:
    release = {"permalink": "https://kb.example/v/2026.01.02/p/", "tag": "2026.01.02"}
    html = page_meta.cite_this_page(
        'A <b> & "c"', "https://kb.example/p/", "p/", dt.date(2026, 1, 2), "Site", release, "Link"
    )
    assert "<b>" not in html and "A &lt;b&gt; &amp; &#34;c&#34;" in html
    assert (
        '<h2 id="cite-this-page">Cite this page<a class="headerlink" href="#cite-this-page" title="Link">'
        in html
    )
    assert '<a href="https://kb.example/v/2026.01.02/p/">' in html  # the permanent link, linked
    assert "@misc{metreleptinkb-p-2026-01-02," in html
    assert "Last reviewed 2 January 2026. Release 2026.01.02. https://kb.example/v/2026.01.02/p/" in html


def test_a_section_added_by_a_template_ends_the_table_of_contents() -> None:
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    flat = TableOfContents([AnchorLink("One", "one", 2)])
    page_meta.add_to_toc(flat, "Cite this page", "cite-this-page")
    assert [item.id for item in flat] == ["one", "cite-this-page"]
    titled = TableOfContents([AnchorLink("Title", "title", 1)])
    page_meta.add_to_toc(titled, "Cite this page", "cite-this-page")
    assert [item.id for item in titled.items[0].children] == ["cite-this-page"]
