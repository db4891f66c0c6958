"""What the hooks read from, and do to, a page's Markdown before the resolver sees it.

- Code stays code: an ``@`` inside inline code or a fenced block is swapped for a private-use
  character, so that neither mkdocs-bibtex nor our checks read ``[@key]`` there; ``restore_code``
  puts it back in the rendered page.
- Hand-written footnotes (``[^1]``) become a "Notes" section of their own, so that "References"
  lists only sources.
- ``citation_headings`` says, for each citation, how many headings precede it; with the page's
  table of contents (``page.toc``) that gives the section that cites it, whatever attributes the
  heading carries.
"""

from __future__ import annotations

import re
from typing import NamedTuple

AT_IN_CODE = "\ue000"  # private use: never in real text
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+\S")
CITATION = re.compile(r"\[(@[\w-]+(?:\s*;\s*@[\w-]+)*)\](?!\()")
CITED_KEY = re.compile(r"@([\w-]+)")
NOTE_REF = re.compile(r"\[\^(?!ref-)([^\]\s]+)\](?!:)")
NOTE_DEF = re.compile(r"^\[\^(?!ref-)([^\]\s]+)\]:[ \t]*(.*)$")
NOTE_ID = re.compile(r"[^\w-]")


class Line(NamedTuple):
    """One line of a page (a tuple, not a dataclass: every line becomes one, several times a build)."""

    number: int  # 1-based, in the text given
    text: str
    in_code: bool  # inside a fenced block, fences included


def lines(markdown: str) -> list[Line]:
    """Every line, marked when it belongs to a fenced code block."""
    found, fence = [], ""
    for number, text in enumerate(markdown.split("\n"), 1):
        match = FENCE.match(text)
        if fence:
            found.append(Line(number, text, True))
            if match and match.group(2)[0] == fence[0] and len(match.group(2)) >= len(fence):
                fence = ""
        elif match:
            fence = match.group(2)
            found.append(Line(number, text, True))
        else:
            found.append(Line(number, text, False))
    return found


def outside_code(text: str) -> str:
    """A line with its inline code spans blanked out (same length, so offsets still hold)."""
    if "`" not in text:  # most lines: no code span, nothing to search
        return text
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)


def protect_code(markdown: str) -> str:
    """Swap '@' inside code for AT_IN_CODE."""
    if "@" not in markdown:
        return markdown
    out = []
    for line in lines(markdown):
        if line.in_code:
            out.append(line.text.replace("@", AT_IN_CODE))
        elif "`" in line.text:
            out.append(CODE_SPAN.sub(lambda m: m.group(0).replace("@", AT_IN_CODE), line.text))
        else:  # most lines: no code span, nothing to search
            out.append(line.text)
    return "\n".join(out)


def restore_code(html: str) -> str:
    return html.replace(AT_IN_CODE, "@")


def citation_headings(markdown: str) -> list[tuple[str, int]]:
    """(key, number of headings before it) for every citation outside code, in page order."""
    found, headings = [], 0
    for line in lines(markdown):
        if line.in_code:
            continue
        if HEADING.match(line.text):
            headings += 1
        for block in CITATION.finditer(outside_code(line.text)):
            found.extend((key, headings) for key in CITED_KEY.findall(block.group(1)))
    return found


def heading_count(markdown: str) -> int:
    return sum(1 for line in lines(markdown) if not line.in_code and HEADING.match(line.text))


def move_notes(markdown: str) -> tuple[str, bool]:
    """Hand-written footnotes -> numbered links and a '## Notes' section at the end.

    Returns the new Markdown and whether there were notes. Citations are untouched.
    """
    definitions: dict[str, str] = {}
    kept: list[str] = []
    for line in lines(markdown):
        match = None if line.in_code else NOTE_DEF.match(line.text)
        if match:
            definitions[match.group(1)] = match.group(2).strip()
        else:
            kept.append(line.text)
    if not definitions:
        return markdown, False
    numbers: dict[str, int] = {}

    def reference(match: re.Match[str]) -> str:
        label = match.group(1)
        if label not in definitions:
            return match.group(0)
        number = numbers.setdefault(label, len(numbers) + 1)
        anchor = NOTE_ID.sub("-", label)
        return f'<sup id="note-ref-{anchor}" class="kb-note-ref">[{number}](#note-{anchor})</sup>'

    body = []
    for line in lines("\n".join(kept)):
        body.append(line.text if line.in_code else NOTE_REF.sub(reference, line.text))
    items = [
        f'{number}. <span id="note-{NOTE_ID.sub("-", label)}"></span>{definitions[label]} '
        f'[↩](#note-ref-{NOTE_ID.sub("-", label)} "Back to the text")'
        for label, number in sorted(numbers.items(), key=lambda item: item[1])
    ]
    return "\n".join(body).rstrip() + "\n\n## Notes\n\n" + "\n".join(items) + "\n", True
