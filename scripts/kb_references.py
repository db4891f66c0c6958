"""Our citation logic, kept apart from the resolver (mkdocs-bibtex).

Pure functions on strings and small data classes, so each check can be tested
without building the site. ``hooks.py`` wires them to MkDocs events.

Checks report problems as ``path:line: message`` strings, one per problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pybtex.errors
import yaml
from mkdocs.utils.meta import YAML_RE
from pybtex.database import BibliographyData, Entry
from pybtex.database.input import bibtex as bibtex_input
from pybtex.scanner import PybtexError

import page_markdown

# The evidence type each entry must carry in its `evidence` field:
# value -> (short label shown next to a citation, long label on /references/).
EVIDENCE_TYPES: dict[str, tuple[str, str]] = {
    "human-rct": ("Human RCT", "Human randomized trial"),
    "human-observational": ("Human, observational", "Human open-label or observational study"),
    "human-mechanistic": ("Human, mechanistic", "Human mechanistic study"),
    "animal": ("Animal", "Animal study"),
    "in-vitro": ("In vitro", "In vitro study"),
    "review": ("Review", "Review"),
    "regulatory": ("Regulatory", "Regulatory label or assessment"),
    "manufacturer": ("Manufacturer", "Material from the company that sells the drug (not independent)"),
    "database": ("Database", "Reference database or classification (DrugBank, MedGen, Orphanet, WHO ATC)"),
    "registry": ("Trial registry", "Clinical-trial registration record"),
    "news": ("News", "News report or press release (not peer reviewed)"),
}

# A `regulatory` entry links the document at its issuer (a regulator), never at a copy; the copy
# that was read is named in the comment above the entry.
REGULATOR_HOSTS = (
    "fda.gov",  # FDA, including accessdata.fda.gov
    "dailymed.nlm.nih.gov",  # the FDA's label repository, run by the NLM
    "ema.europa.eu",  # European Medicines Agency
    "ec.europa.eu",  # European Commission (Union Register of medicinal products)
    "pmda.go.jp",  # Japan's PMDA
    "mhlw.go.jp",  # Japan's Ministry of Health, Labour and Welfare
    "canada.ca",  # Health Canada
    "hpfb-dgpsa.ca",  # Health Canada's Drug and Health Product Portal
    "gc.ca",  # Government of Canada (Drug Product Database)
    "gov.uk",  # MHRA
)
IDENTIFIERS = ("doi", "pmid", "pmcid", "url")
UNVERIFIED = re.compile(r"not verified", re.IGNORECASE)

ENTRY_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]*)", re.MULTILINE)
NON_ENTRIES = {"comment", "string", "preamble"}
# A bracketed block that contains an '@' is read as a citation by the resolver.
CITE_BLOCK = re.compile(r"\[([^\[\]\n]*@[^\[\]\n]*)\](?!\()")
CITE_KEY = re.compile(r"^@([\w-]+)$")
LINKED_CITATION = re.compile(r"\[(@[^\[\]\n]*)\]\(")
EMAIL = re.compile(r"[\w.%+-]+@[\w.-]+\.[A-Za-z]{2,}")
# libyaml's safe parser when PyYAML is built with it (as its wheels are): front matter parses in a tenth
# of the time of the pure-Python one, with the same results and error marks.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


@dataclass
class Bibliography:
    """The parsed references.bib with the line on which each entry starts."""

    path: str
    entries: dict[str, Entry] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    data: BibliographyData = field(default_factory=BibliographyData, repr=False)  # as pybtex parsed it


def parse_bibliography(text: str, path: str = "references.bib") -> tuple[Bibliography, list[str]]:
    """Parse BibTeX strictly. Returns the bibliography and a list of problems."""
    problems: list[str] = []
    lines: dict[str, int] = {}
    line, counted_to = 1, 0  # count newlines incrementally: linear in the size of the file
    for match in ENTRY_START.finditer(text):
        kind, key = match.group(1).lower(), match.group(2)
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        if kind in NON_ENTRIES:
            continue
        if not key:
            problems.append(f"{path}:{line}: @{kind} entry has no citation key")
        elif key in lines:
            problems.append(
                f"{path}:{line}: duplicate BibTeX key '{key}' (first defined on line {lines[key]})"
            )
        else:
            lines[key] = line
    if problems:
        return Bibliography(path), problems

    pybtex.errors.set_strict_mode(True)
    try:
        data = bibtex_input.Parser().parse_string(text)
    except PybtexError as error:
        lineno = getattr(error, "lineno", None) or 0
        started = [k for k, n in lines.items() if n <= lineno]
        where = f" (in the entry '{started[-1]}' that starts on line {lines[started[-1]]})" if started else ""
        message = str(error).split(": ", 1)[-1] if lineno else str(error)
        problems.append(f"{path}:{lineno or 1}: malformed BibTeX: {message}{where}")
        return Bibliography(path), problems

    bib = Bibliography(path, dict(data.entries), lines, data)
    for key, entry in bib.entries.items():
        problems.extend(check_entry(bib, key, entry))
    return bib, problems


def check_entry(bib: Bibliography, key: str, entry: Entry) -> list[str]:
    """Problems with one entry: evidence type, title, identifiers."""
    where = f"{bib.path}:{bib.lines.get(key, 1)}"
    problems = []
    evidence = entry.fields.get("evidence", "").strip()
    if not evidence:
        problems.append(
            f"{where}: entry '{key}' has no 'evidence' field (one of: {', '.join(EVIDENCE_TYPES)})"
        )
    elif evidence not in EVIDENCE_TYPES:
        problems.append(
            f"{where}: entry '{key}' has unknown evidence type '{evidence}' (one of: {', '.join(EVIDENCE_TYPES)})"
        )
    if not entry.fields.get("title", "").strip():
        problems.append(f"{where}: entry '{key}' has no title")
    doi = entry.fields.get("doi", "")
    if doi and not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        problems.append(f"{where}: entry '{key}' has a malformed DOI '{doi}'")
    pmid = entry.fields.get("pmid", "")
    if pmid and not pmid.isdigit():
        problems.append(f"{where}: entry '{key}' has a malformed PMID '{pmid}'")
    pmcid = entry.fields.get("pmcid", "")
    if pmcid and not re.fullmatch(r"PMC\d+", pmcid):
        problems.append(f"{where}: entry '{key}' has a malformed PMCID '{pmcid}'")
    problems.extend(source_standard_problems(where, key, entry))
    return problems


def source_standard_problems(where: str, key: str, entry: Entry) -> list[str]:
    """What a reader needs to follow and weigh a source (see about.md, 'How sources are chosen')."""
    fields = entry.fields
    problems = []
    if entry.type == "article" and not (fields.get("doi") or fields.get("pmid")):
        problems.append(
            f"{where}: entry '{key}' is an @article without a doi or pmid: verify the identifier or replace the source"
        )
    elif not any(fields.get(name, "").strip() for name in IDENTIFIERS):
        problems.append(
            f"{where}: entry '{key}' gives the reader nothing to follow: add a doi, pmid, pmcid or url"
        )
    if fields.get("evidence") == "regulatory":
        url = fields.get("url", "")
        if not is_regulator_url(url):
            problems.append(
                f"{where}: entry '{key}' is 'regulatory' but its url {url or '(none)'} is not at a regulator "
                "(REGULATOR_HOSTS in scripts/kb_references.py): link the issuer's document, name the copy read in a comment"
            )
    people = " ".join(str(person) for persons in entry.persons.values() for person in persons)
    if UNVERIFIED.search(people) or UNVERIFIED.search(fields.get("author", "")):
        problems.append(
            f"{where}: entry '{key}' has authors marked 'not verified': verify them or replace the source"
        )
    return problems


def is_regulator_url(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and any(
        host == h or host.endswith("." + h) for h in REGULATOR_HOSTS
    )


@dataclass(frozen=True)
class CitationUse:
    """One `[@key]` in a Markdown source."""

    path: str
    line: int
    key: str


def find_citations(markdown: str, path: str) -> tuple[list[CitationUse], list[str]]:
    """Every key cited in a page, and problems with malformed citation blocks.

    Mirrors what the resolver reads: any [...] block holding an '@' that is not
    an e-mail address, outside code. Only the plain forms [@key] and [@a; @b] are allowed.
    """
    uses: list[CitationUse] = []
    problems: list[str] = []
    markdown = page_markdown.protect_code(markdown)
    for match in LINKED_CITATION.finditer(markdown):
        problems.append(
            f"{path}:{line_of(markdown, match.start())}: '[{match.group(1)}](...)' is a link whose text mkdocs-bibtex "
            "reads as a citation: cite with [@key], or take the '@' out of the link text"
        )
    line, counted_to = 1, 0  # count newlines as the matches go: linear in the size of the page
    for match in CITE_BLOCK.finditer(markdown):
        inner = match.group(1)
        if EMAIL.search(inner):
            continue
        line += markdown.count("\n", counted_to, match.start())
        counted_to = match.start()
        parts = [part.strip() for part in inner.split(";")]
        keys = [CITE_KEY.match(part) for part in parts]
        if not all(keys):
            problems.append(
                f"{path}:{line}: malformed citation '[{inner}]': write [@key] or [@key1; @key2], "
                "with no page numbers or other text"
            )
            continue
        uses.extend(CitationUse(path, line, k.group(1)) for k in keys if k)
    return uses, problems


def unknown_key_problems(uses: list[CitationUse], known: set[str]) -> list[str]:
    """One problem per citation of a key that is not in the bibliography."""
    problems = []
    for use in uses:
        if use.key in known:
            continue
        close = difflib.get_close_matches(use.key, sorted(known), n=3, cutoff=0.5)
        hint = f" (closest: {', '.join(close)})" if close else " (no similar key)"
        problems.append(f"{use.path}:{use.line}: unknown citation key '{use.key}'{hint}")
    return problems


def unused_entry_problems(bib: Bibliography, cited: set[str]) -> list[str]:
    return [
        f"{bib.path}:{bib.lines.get(key, 1)}: entry '{key}' is not cited on any page"
        for key in bib.entries
        if key not in cited
    ]


def read_front_matter(source: str, path: str) -> tuple[dict, list[str]]:
    """The page's YAML front matter, or a problem naming the line where the YAML breaks.

    (MkDocs itself drops front matter that is not valid YAML without a word.)
    """
    match = YAML_RE.match(source)
    if not match:
        return {}, []
    try:
        meta = yaml.load(match.group(1), Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening '---', +1 as lines count from 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return {}, [
            f"{path}:{line}: front matter is not valid YAML: {problem} (quote values that contain ': ')"
        ]
    if not isinstance(meta, dict):
        return {}, [f"{path}:2: front matter must be 'key: value' lines"]
    return meta, []


def front_matter_problems(meta: dict, path: str) -> list[str]:
    """Every page needs a one-sentence description and a reviewed date."""
    problems = []
    description = meta.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(f"{path}:1: front matter has no 'description'")
    elif len(description) > 200:
        problems.append(f"{path}:1: 'description' is {len(description)} characters; keep it under 200")
    reviewed = meta.get("reviewed")
    if reviewed is None:
        problems.append(f"{path}:1: front matter has no 'reviewed' date")
    elif not isinstance(reviewed, dt.date):
        problems.append(f"{path}:1: 'reviewed' must be a date written YYYY-MM-DD, not '{reviewed}'")
    return problems


def evidence_label(entry: Entry, long: bool = False) -> str:
    short_label, long_label = EVIDENCE_TYPES.get(entry.fields.get("evidence", ""), ("", ""))
    return long_label if long else short_label


def identifier_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, url) for PubMed and PMC; the resolver already links the DOI."""
    links = []
    pmid = entry.fields.get("pmid", "")
    if pmid:
        links.append((f"PubMed {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    pmcid = entry.fields.get("pmcid", "")
    if pmcid:
        links.append(("PMC free full text", f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"))
    return links


def evidence_badge(entry: Entry) -> str:
    evidence = entry.fields.get("evidence", "")
    label = html.escape(evidence_label(entry))
    return f'<span class="kb-evidence kb-evidence--{html.escape(evidence)}">{label}</span>'


def sort_key(entry: Entry) -> tuple[str, str, str]:
    """First author's family name (or organisation), then year, then title."""
    people = entry.persons.get("author", [])
    if people:
        first = people[0]
        name = " ".join(first.last_names) or " ".join(first.first_names)
    else:
        name = ""
    name = re.sub(r"[{}\\]", "", name).lower()
    return (name, entry.fields.get("year", ""), entry.fields.get("title", "").lower())
