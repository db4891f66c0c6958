"""Pages show the drug's facts from data/metreleptin.yaml, never retyped.

A page asks for a table with a line ``<!-- kb:data NAME [ID] -->`` and for one value inside a
sentence with ``<!-- kb:fact PATH -->`` (``approvals.us.decision_date``). Before any citation is
read, ``expand`` replaces each marker with Markdown rendered from overrides/kb/data/ (values
escaped, each followed by its citations), so the resolver, the reference lists and cited-by treat
data sources like any other citation. An unknown table or path stops the build with file and line.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from markupsafe import Markup

import drug_data
import page_markdown
import templates

MARKER = re.compile(r"<!--\s*kb:(data|fact)\s+([^>]*?)\s*-->")
TABLES = {
    "facts-box": "facts-box.md",
    "approvals": "approvals.md",
    "eligibility": "eligibility.md",
    "dosing": "dosing.md",
}


def cite(keys: list[str]) -> Markup:
    """Citations in the site's syntax; keys are checked against the schema's pattern and the bib."""
    return Markup("[" + "; ".join(f"@{key}" for key in keys) + "]")


def link(url: str, label: str) -> Markup:
    """A Markdown link; the schema allows only https URLs, and the label is escaped."""
    target = url.replace(" ", "%20").replace(">", "%3E")
    return Markup(f"[{templates.markdown_text(label)}](<{target}>)")


def date(value: str) -> str:
    """'2014-02-24' -> '24 February 2014'; '2024-01' -> 'January 2024'."""
    parts = [int(part) for part in value.split("-")]
    month = calendar.month_name[parts[1]]
    return f"{parts[2]} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def fact_text(datum: Any) -> str:
    """A datum's value as a reader sees it."""
    value = datum["value"] if isinstance(datum, dict) else datum
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return date(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def render_table(name: str, argument: str, facts: dict[str, Any]) -> str:
    context: dict[str, Any] = {"facts": facts, "cite": cite, "text": fact_text, "link": link, "ages": ages}
    if name == "dosing":
        context["dosing"] = drug_data.get(facts, f"dosing.{argument}")
    return templates.render_markdown(f"data/{TABLES[name]}", **context)


def ages(minimum: dict[str, Any]) -> str:
    """'2 years (generalized); 12 years (partial)', with the label's own note where it sets none."""
    parts = [f"{minimum[form]} years ({form})" for form in ("generalized", "partial") if form in minimum]
    return "; ".join(parts + ([minimum["note"]] if "note" in minimum else []))


def render_fact(path: str, facts: dict[str, Any]) -> str:
    value, sources = drug_data.get_cited(facts, path)
    return templates.markdown_text(fact_text(value)) + str(cite(sources))


def expand(markdown: str, facts: dict[str, Any], path: str) -> tuple[str, list[str]]:
    """The Markdown with every data marker outside code replaced, and one line per problem."""
    problems: list[str] = []
    out = []
    for line in page_markdown.lines(markdown):
        if line.in_code or "kb:" not in line.text:
            out.append(line.text)
            continue
        visible = page_markdown.outside_code(line.text)

        def replace(match: re.Match[str], number: int = line.number, visible: str = visible) -> str:
            if visible[match.start() : match.end()] != match.group(0):
                return match.group(0)  # inside a code span: shown, not expanded
            kind, argument = match.group(1), match.group(2).split()
            try:
                if kind == "fact" and len(argument) == 1:
                    return render_fact(argument[0], facts)
                if kind == "data" and argument and argument[0] in TABLES:
                    return render_table(argument[0], " ".join(argument[1:]), facts)
            except KeyError:
                pass
            known = ", ".join(TABLES) if kind == "data" else "a field with sources in " + drug_data.DATA
            problems.append(f"{path}:{number}: unknown kb:{kind} '{' '.join(argument)}' (expected {known})")
            return match.group(0)

        out.append(MARKER.sub(replace, line.text))
    return "\n".join(out), problems
