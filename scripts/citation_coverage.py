"""Citation coverage: how many statements on a page carry a citation.

A statement is a paragraph, a list item or a table body row with at least
MIN_WORDS words of prose (links, markup and citations removed). It is covered
when it holds a ``[@key]``. Headings, admonition titles, HTML blocks, code and
short navigation lines ("See the glossary.") do not count.

Run ``python scripts/citation_coverage.py`` (or ``make coverage``) for a table;
the build hook warns, and the tests fail, when a topic page is below THRESHOLD.
The report also lists the statements whose only sources are company material or the press
(evidence types in WEAK_EVIDENCE): a clinical fact never rests on those alone.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import data_render
import drug_data
import kb_references
import page_markdown
import page_registry

MIN_WORDS = 8
WEAK_EVIDENCE = {"manufacturer", "news"}
THRESHOLD = 0.90

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
CITATION = re.compile(r"\[@[^\]]*\]")
WORD = re.compile(r"[A-Za-z0-9α-ω][\w'.%/-]*")
MARKUP = re.compile(r"<[^>]+>|[*_`|{}#]")


@dataclass
class Coverage:
    path: str
    statements: int = 0
    cited: int = 0
    uncited: list[tuple[int, str]] = field(default_factory=list)
    weakly_sourced: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.cited / self.statements if self.statements else 1.0


def _prose_words(text: str, enough: int = MIN_WORDS) -> int:
    """Words of prose in ``text``, counted up to ``enough`` (all a statement needs)."""
    if "[@" in text:  # each pattern needs these characters; most texts lack one of them
        text = CITATION.sub(" ", text)
    if "](" in text:
        text = LINK.sub(r"\1", text)
    text = MARKUP.sub(" ", text)
    return sum(1 for _ in islice(WORD.finditer(text), enough))


def statements(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) of every paragraph, list item and table body row."""
    offset = 0
    match = FRONT_MATTER.match(markdown)
    if match:
        offset = markdown.count("\n", 0, match.end())
        markdown = markdown[match.end() :]
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    in_code = False
    lines = markdown.split("\n")

    def flush() -> None:
        if current:
            found.append((start, " ".join(part.strip() for part in current)))
            current.clear()

    for number, raw in enumerate(lines, offset + 1):
        line = raw.strip()
        if line.startswith("```"):
            in_code = not in_code
            flush()
            continue
        if in_code:
            continue
        is_table = line.startswith("|")
        if (
            not line
            or line.startswith(("#", "<", "!!!", "???", "*[", "///", "{", "!["))
            or re.fullmatch(r"\|?[\s:|-]+\|?", line)
            or line == "---"
        ):
            flush()
            continue
        if is_table:
            flush()
            following = lines[number - offset].strip() if number - offset < len(lines) else ""
            if not re.fullmatch(r"\|[\s:|-]+\|?", following):  # not a header row
                found.append((number, line))
            continue
        if LIST_ITEM.match(raw):
            flush()
            start = number
            current.append(LIST_ITEM.sub("", raw))
            continue
        if not current:
            start = number
        current.append(line)
    flush()
    return [(n, text) for n, text in found if _prose_words(text) >= MIN_WORDS]


def measure(markdown: str, path: str, evidence: dict[str, str] | None = None) -> Coverage:
    """Count cited statements; with ``evidence`` (key -> evidence type), also find weakly sourced ones."""
    result = Coverage(path)
    for number, text in statements(page_markdown.protect_code(markdown)):
        result.statements += 1
        citations = list(CITATION.finditer(text))
        if citations:
            result.cited += 1
            start = 0
            for block in citations:  # each citation closes the sentence(s) it supports
                keys = page_markdown.CITED_KEY.findall(block.group(0))
                types = {evidence.get(key, "") for key in keys} if evidence else set()
                if types and types <= WEAK_EVIDENCE:
                    result.weakly_sourced.append((number, text[start : block.start()].strip()[:100]))
                start = block.end()
        else:
            result.uncited.append((number, text[:100]))
    return result


def evidence_types(bib_path: Path) -> dict[str, str]:
    bib, _ = kb_references.parse_bibliography(bib_path.read_text(encoding="utf-8"), bib_path.name)
    return {key: entry.fields.get("evidence", "") for key, entry in bib.entries.items()}


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    docs = Path(argv[1]) if len(argv) > 1 else root / "docs"
    evidence = evidence_types(root / "references.bib")
    data, problems = drug_data.load(root, set(evidence))
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{'page':<28} {'statements':>10} {'cited':>6} {'coverage':>9}")
    failing = 0
    for page in page_registry.pages(root):
        source, _ = data_render.expand(
            (docs / page.src).read_text(encoding="utf-8"), data.facts, f"docs/{page.src}"
        )
        result = measure(source, f"docs/{page.src}", evidence)
        flag = " below 90%" if page.topic and result.ratio < THRESHOLD else ""
        failing += bool(flag)
        print(
            f"{page.src:<28} {result.statements:>10} {result.cited:>6} {result.ratio:>8.0%}{flag}"
            f"{'' if page.topic else '  (not a topic page)'}"
        )
        if page.topic:
            for number, text in result.uncited:
                print(f"    docs/{page.src}:{number}: no citation: {text}")
        for number, text in result.weakly_sourced:
            print(f"    docs/{page.src}:{number}: only manufacturer or news sources: {text}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
