"""The Material internals this site relies on. An upgrade that changes them fails here, at once,
instead of quietly breaking pages: re-copy the partial or adapt kb.js, then update these pins."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import markdown
import material
from markdown.extensions.footnotes import FootnoteInlineProcessor

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import citation_markers  # noqa: E402
import reference_entries  # noqa: E402
import search_scope  # noqa: E402

THEME = Path(material.__file__).parent / "templates"
OURS = ROOT / "overrides" / "partials"


def lines(path: Path) -> list[str]:
    """Template lines without Jinja comments (Material's 'generated' banner, our notes)."""
    text = re.sub(r"\{#-?.*?-?#\}\n?", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [line for line in text.splitlines() if line.strip()]


def test_search_partial_is_materials_but_for_the_dialog_name() -> None:
    ours = lines(OURS / "search.html")
    assert ours[0].endswith(" aria-label=\"{{ lang.t('search') }}\">")
    ours[0] = ours[0].replace(" aria-label=\"{{ lang.t('search') }}\"", "")
    assert ours == lines(THEME / "partials" / "search.html")


def test_content_partial_is_materials_but_for_the_status_line() -> None:
    ours = [line for line in lines(OURS / "content.html") if "page-status.html" not in line]
    theirs = [
        line
        for line in lines(THEME / "partials" / "content.html")
        if "feedback.html" not in line and "comments.html" not in line
    ]
    assert ours == theirs


def test_classes_that_kb_js_and_extra_css_use_exist_in_material() -> None:
    """kb.js draws Material's tooltip (md-tooltip2) and watches the search input and results."""
    bundle = "".join(
        p.read_text(encoding="utf-8")
        for p in (THEME / "assets").rglob("*.min.*")
        if p.suffix in (".css", ".js")
    )
    ours = (ROOT / "docs" / "javascripts" / "kb.js").read_text(encoding="utf-8")
    ours += (ROOT / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    used = set(re.findall(r"\bmd-[a-z0-9]+(?:[_-]{1,2}[a-z0-9]+)*", ours))
    assert {"md-tooltip2", "md-tooltip2--active", "md-tooltip2__inner", "md-search__input"} <= used
    missing = sorted(name for name in used if name not in bundle)
    assert missing == [], f"Material no longer has {missing}"


def test_final_footnote_numbers_replace_python_markdowns_processor_in_its_place() -> None:
    """scripts/citation_markers.py re-registers the footnotes' inline processor at its name and priority."""
    source = "Leptin.[^a] Again.[^a] *Emphasis*[^b]\n\n[^a]: A **note**.\n[^b]: Another.\n"
    theirs = markdown.Markdown(extensions=["footnotes", "attr_list", "abbr"])
    ours = markdown.Markdown(
        extensions=["footnotes", "attr_list", "abbr", citation_markers.FinalFootnoteNumbers()]
    )
    assert [type(p).__name__ for p in ours.inlinePatterns] == [
        "_FinalNumber" if type(p) is FootnoteInlineProcessor else type(p).__name__
        for p in theirs.inlinePatterns
    ]
    assert ours.convert(source) == theirs.convert(source)


PAGE = """*[JAK2]: Janus kinase 2

# Leptin[^ref-a]

JAK2 signals.[^ref-a][^ref-b] And again[^ref-a] *here*[^ref-b].

[^ref-c] opens a paragraph, and a list:

- item[^ref-a][^ref-c]
- plain

| Drug | Source |
| ---- | ------ |
| Metreleptin[^ref-b] | label |

[^ref-a]: kbreferenceentry000000
[^ref-b]: kbreferenceentry000001
[^ref-c]: A hand-written *note*.
"""
EXTENSIONS = ["abbr", "attr_list", "footnotes", "tables", "toc"]


def test_citation_extensions_leave_python_markdowns_output_as_it_is() -> None:
    """Set aside, then put back, the page is byte for byte what Python-Markdown alone makes of it."""
    after = search_scope.AfterSearch()
    ours = markdown.Markdown(
        extensions=[
            *EXTENSIONS,
            citation_markers.FinalFootnoteNumbers(
                final_entry=reference_entries.is_placeholder, set_aside=after.defer
            ),
            search_scope.ReferenceListOutOfSearch(after),
        ]
    )
    html = ours.convert(PAGE)
    assert "<sup" not in html and "footnote" not in html  # what search sees: neither markers nor the list
    assert html.count("<!--kb:after-search ") == 10  # nine markers and the list
    plain = markdown.Markdown(extensions=EXTENSIONS)
    theirs = plain.convert(PAGE)
    # The heading's marker is in neither its name nor its anchor (what MkDocs reads of the toc; the
    # token's 'html', unused by MkDocs 1.6, keeps the set-aside comment).
    assert [(t["level"], t["id"], t["name"]) for t in ours.toc_tokens] == [
        (t["level"], t["id"], t["name"]) for t in plain.toc_tokens
    ]
    assert "<!--" not in theirs and 'id="fnref3:ref-a"' in theirs and "<em>note</em>" in theirs
    assert after.fill(html) == theirs.replace('class="footnote"', 'class="footnote" data-search-exclude=""')


def test_back_link_ids_match_python_markdowns_for_many_uses_and_a_second_page() -> None:
    """``_LinearRefs`` resumes the search for a free id; the ids and back-links must not change."""
    source = "".join(f"Use {n}.[^a]{'[^b]' * (n % 2)}\n\n" for n in range(7)) + "[^a]: A.\n[^b]: B.\n"
    ours = markdown.Markdown(extensions=["footnotes", citation_markers.FinalFootnoteNumbers()])
    theirs = markdown.Markdown(extensions=["footnotes"])
    for _ in range(2):  # the same converters again, after 'reset'
        html = ours.convert(source)
        assert html == theirs.convert(source)
        assert 'href="#fnref7:a"' in html and 'id="fnref3:b"' in html and "fnref8" not in html
        ours.reset()
        theirs.reset()


def test_a_final_entry_is_not_parsed_as_markdown() -> None:
    """The entries ``final_entry`` accepts skip the inline patterns; the others do not."""
    source = "A.[^x] B.[^y]\n\n[^x]: *kept* as it is\n[^y]: *parsed*\n"
    md = markdown.Markdown(
        extensions=[
            "footnotes",
            citation_markers.FinalFootnoteNumbers(final_entry=lambda text: text == "*kept* as it is"),
        ]
    )
    html = md.convert(source)
    assert "<p>*kept* as it is&#160;<a" in html and "<em>parsed</em>" in html
    assert 'class="footnote-backref"' in html and "&#8617;" in html
