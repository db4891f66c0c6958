"""Bad input stops the strict build with one clear line naming file, line and problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import build

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
