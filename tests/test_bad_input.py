"""Bad input stops the strict build with one clear line naming file, line and problem."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, build

GOOD_ENTRY_KEY = "oral2002leptin"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def failed_with(project: Path, tmp_path: Path, *patterns: str) -> str:
    result = build(project, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"build should fail:\n{output}"
    for pattern in patterns:
        assert re.search(pattern, output), f"missing {pattern!r} in:\n{output}"
    return output


def test_unknown_citation_key_names_file_line_and_closest_keys(scratch_project: Path, tmp_path: Path) -> None:
    page = scratch_project / "docs" / "mechanism.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    append(page, "\nA claim.[@oral2002lepton]\n")
    failed_with(
        scratch_project,
        tmp_path,
        rf"docs/mechanism\.md:{lines + 2}: unknown citation key 'oral2002lepton' \(closest: oral2002leptin",
    )


def test_citation_with_locator_is_rejected(scratch_project: Path, tmp_path: Path) -> None:
    append(scratch_project / "docs" / "indication.md", f"\nA claim.[@{GOOD_ENTRY_KEY}, p. 5]\n")
    failed_with(scratch_project, tmp_path, r"docs/indication\.md:\d+: malformed citation")


def test_email_address_is_not_a_citation(scratch_project: Path, tmp_path: Path) -> None:
    append(
        scratch_project / "docs" / "about.md",
        "\nWrite to [someone@example.org](mailto:someone@example.org) or @maintainer.\n",
    )
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_duplicate_key(scratch_project: Path, tmp_path: Path) -> None:
    bib = scratch_project / "references.bib"
    lines = bib.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "{" + GOOD_ENTRY_KEY + "," in line)
    append(bib, "\n@misc{" + GOOD_ENTRY_KEY + ",\n  title = {Again},\n  evidence = {review}\n}\n")
    failed_with(
        scratch_project,
        tmp_path,
        rf"references\.bib:\d+: duplicate BibTeX key '{GOOD_ENTRY_KEY}' \(first defined on line {first}\)",
    )


def test_malformed_entry(scratch_project: Path, tmp_path: Path) -> None:
    append(
        scratch_project / "references.bib", "\n@article{broken2020,\n  title = {Unclosed,\n  year = {2020}\n"
    )
    failed_with(scratch_project, tmp_path, r"references\.bib:\d+: malformed BibTeX: .*broken2020")


def test_unused_entry(scratch_project: Path, tmp_path: Path) -> None:
    append(
        scratch_project / "references.bib",
        "\n@misc{nobody2020cites,\n  title = {Never cited},\n  url = {https://example.org/},\n  evidence = {review}\n}\n",
    )
    failed_with(
        scratch_project, tmp_path, r"references\.bib:\d+: entry 'nobody2020cites' is not cited on any page"
    )


@pytest.mark.parametrize("value", ["", "evidence = {anecdote},"])
def test_missing_or_unknown_evidence_type(scratch_project: Path, tmp_path: Path, value: str) -> None:
    append(scratch_project / "references.bib", "\n@misc{typeless2020,\n  title = {T},\n  " + value + "\n}\n")
    append(scratch_project / "docs" / "about.md", "\nA claim.[@typeless2020]\n")
    failed_with(
        scratch_project,
        tmp_path,
        r"references\.bib:\d+: entry 'typeless2020' has (no 'evidence'|unknown evidence type)",
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "@article{noid2020,\n  title = {T},\n  author = {Smith, Ann},\n  journal = {J},\n  year = {2020},\n"
            "  evidence = {review}\n}",
            r"entry 'noid2020' is an @article without a doi or pmid",
        ),
        (
            "@misc{noid2020,\n  title = {Label},\n  evidence = {regulatory},\n  url = {https://www.drugs.com/pro/x.html}\n}",
            r"entry 'noid2020' is 'regulatory' but its url https://www\.drugs\.com/pro/x\.html is not at a regulator",
        ),
        (
            "@misc{noid2020,\n  title = {A page},\n  evidence = {manufacturer}\n}",
            r"entry 'noid2020' gives the reader nothing to follow",
        ),
        (
            "@article{noid2020,\n  title = {T},\n  author = {{Authors not verified}},\n  pmid = {1},\n  evidence = {review}\n}",
            r"entry 'noid2020' has authors marked 'not verified'",
        ),
    ],
)
def test_source_standards_stop_the_build(
    scratch_project: Path, tmp_path: Path, entry: str, message: str
) -> None:
    append(scratch_project / "references.bib", "\n" + entry + "\n")
    append(scratch_project / "docs" / "about.md", "\nA claim.[@noid2020]\n")
    failed_with(scratch_project, tmp_path, r"references\.bib:\d+: " + message)


def test_broken_internal_link(scratch_project: Path, tmp_path: Path) -> None:
    append(scratch_project / "docs" / "about.md", "\nSee [the dosing page](dosing.md).\n")
    failed_with(scratch_project, tmp_path, r"about\.md.*'dosing\.md'.*not found")


def test_broken_anchor(scratch_project: Path, tmp_path: Path) -> None:
    append(scratch_project / "docs" / "about.md", "\nSee [dosing](indication.md#no-such-section).\n")
    failed_with(scratch_project, tmp_path, r"about\.md.*'indication\.md#no-such-section'.*anchor")


@pytest.mark.parametrize("field", ["description", "reviewed"])
def test_page_without_front_matter_field(scratch_project: Path, tmp_path: Path, field: str) -> None:
    page = scratch_project / "docs" / "glossary.md"
    text = re.sub(rf"^{field}:.*\n", "", page.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    page.write_text(text, encoding="utf-8")
    failed_with(scratch_project, tmp_path, rf"docs/glossary\.md:1: front matter has no '{field}'")


def test_script_in_a_bib_title_is_shown_as_text(scratch_project: Path, tmp_path: Path) -> None:
    append(
        scratch_project / "references.bib",
        "\n@misc{xss2020,\n  title = {Leptin <script>alert(1)</script> study},\n  url = {https://example.org/},\n  evidence = {review}\n}\n",
    )
    append(scratch_project / "docs" / "about.md", "\nA claim.[@xss2020]\n")
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ["about/index.html", "references/index.html"]:
        html = (tmp_path / "out" / page).read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------ no silent failures


def test_invalid_front_matter_is_reported_as_yaml_with_its_line(
    scratch_project: Path, tmp_path: Path
) -> None:
    page = scratch_project / "docs" / "about.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        re.sub(
            r"^description:.*$",
            "description: Sources: how they are chosen",
            text,
            count=1,
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    output = failed_with(scratch_project, tmp_path, r"docs/about\.md:\d+: front matter is not valid YAML")
    assert "has no 'description'" not in output


def test_citation_key_written_as_a_link_names_file_and_line(scratch_project: Path, tmp_path: Path) -> None:
    page = scratch_project / "docs" / "about.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    append(page, "\nSee [@maintainer](https://example.org/).\n")
    failed_with(
        scratch_project, tmp_path, rf"docs/about\.md:{lines + 2}: '\[@maintainer\]\(\.\.\.\)' is a link"
    )


def test_code_notes_and_heading_attributes(scratch_project: Path, tmp_path: Path) -> None:
    """Citations in code stay literal; hand-written notes are Notes; a heading's class keeps its cited-by."""
    about = scratch_project / "docs" / "about.md"
    append(
        about,
        "\n## How to cite a source\n\nWrite `[@key]` after the sentence, for example:\n\n"
        "```markdown\nLeptin was discovered in 1994.[@friedman2016longroad]\n```\n\n"
        "An aside of our own.[^aside]\n\n[^aside]: A hand-written note, not a source.\n",
    )
    mechanism = scratch_project / "docs" / "mechanism.md"
    text = mechanism.read_text(encoding="utf-8")
    assert "\n## What metreleptin is\n" in text
    mechanism.write_text(
        text.replace("\n## What metreleptin is\n", "\n## What metreleptin is { .kb-x }\n"), encoding="utf-8"
    )
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    doc = BeautifulSoup(
        (tmp_path / "out" / "about" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    codes = [c.get_text() for c in doc.select("article code")]
    assert "[@key]" in codes
    assert any("[@friedman2016longroad]" in c for c in codes)
    notes = doc.find("h2", id="notes")
    assert notes is not None and "A hand-written note" in notes.find_next("ol").get_text()
    assert doc.find("h2", id="references") is None  # about.md cites nothing outside code
    refs = BeautifulSoup(
        (tmp_path / "out" / "references" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    hrefs = [a["href"] for a in refs.select(".kb-cited-by a")]
    assert "../mechanism/#what-metreleptin-is" in hrefs
    assert not any(h.startswith("../about/") for h in hrefs)


def test_make_serve_reloads_edited_modules(tmp_path: Path) -> None:
    """MkDocs loads hooks.py afresh on each rebuild; the modules it imports must follow edits too."""
    scripts = tmp_path / "scripts"
    shutil.copytree(ROOT / "scripts", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    program = f"""
import importlib.util, sys
from pathlib import Path
sys.path.insert(0, {str(scripts)!r})
def load():
    spec = importlib.util.spec_from_file_location("hooks", {str(scripts / "hooks.py")!r})
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
first = load().page_meta.STALE_AFTER_DAYS
path = Path({str(scripts / "page_meta.py")!r})
path.write_text(path.read_text().replace("STALE_AFTER_DAYS = 365", "STALE_AFTER_DAYS = 7"))
print(first, load().page_meta.STALE_AFTER_DAYS)
"""
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["365", "7"]
