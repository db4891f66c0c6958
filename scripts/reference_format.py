"""Each reference formatted once per build, shared by the resolver and our hooks.

mkdocs-bibtex resolves ``[@key]``; its ``SimpleRegistry`` formats an entry with pybtex's plain
style every time a page cites it, and that style lowercases titles ("pomc", "fda approves myalept")
and costs about 5 ms an entry. ``install`` is the one seam between the site and the resolver: it
gives the registry our formatter, which keeps the capitals written in references.bib and formats
each entry once; ``share_bibliography`` gives the resolver the bibliography the hooks have already
parsed, so references.bib is read once per build. mkdocs-bibtex 4.4.0 is its final release, so the
seam is stable; ``check_resolver`` stops the build if the installed version is not the one this seam
was written against.

The layout follows pybtex's plain style (authors. title. journal, volume(number):pages, date.
links.); it is written here, in a few lines over pybtex's parsed entries, because pybtex's template
machinery was most of the build time of a large site. LaTeX in fields is decoded by latexcodec.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from markupsafe import escape
from pybtex.database import BibliographyData, Entry, Person

RESOLVER = "mkdocs-bibtex"
RESOLVER_VERSION = "4.4.0"
NBSP = "\u00a0"


def latex_text(value: str) -> str:
    """A BibTeX field as plain text: accents decoded, protecting braces dropped; dashes, quotes, ties."""
    if "\\" in value:
        value = codecs.decode(value, "ulatex")
    value = value.replace("{", "").replace("}", "")
    value = value.replace("``", "\u201c").replace("''", "\u201d")
    return value.replace("---", "\u2014").replace("--", "\u2013").replace("~", NBSP)


def person_name(person: Person) -> str:
    """'First Middle von Last, Jr.', as pybtex's plain name style orders it."""
    if person.last_names == ["others"] and not person.first_names:
        return "others"
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    name = " ".join(latex_text(part) for part in parts)
    if person.lineage_names:
        name += ", " + " ".join(latex_text(part) for part in person.lineage_names)
    return name


def name_list(people: list[Person]) -> str:
    names = [person_name(person) for person in people]
    if names and names[-1] == "others":
        return ", ".join(names[:-1]) + " et al." if len(names) > 1 else "et al."
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def citation_label(entry: Entry) -> str:
    """How a reader names the reference: 'Brown et al. 2017', 'Myers and Leibel 2010', 'Orphanet'.

    Family names only (an organisation is its whole name); the title when there is no author.
    """
    people = entry.persons.get("author", [])
    names = [" ".join(latex_text(part) for part in person.last_names) for person in people[:3]]
    if not names:
        return latex_text(entry.fields.get("title", "")).strip()
    if len(people) > 2 or names[-1] == "others":
        label = f"{names[0]} et al."
    else:
        label = " and ".join(names)
    year = latex_text(entry.fields.get("year", "")).strip()
    return f"{label} {year}" if year else label


@dataclass(frozen=True)
class Part:
    """A run of text in a reference: plain, emphasised, or a link."""

    text: str
    emphasis: bool = False
    url: str = ""

    def html(self) -> str:
        if self.url:
            return f'<a href="{escape(self.url)}">{escape(self.text)}</a>'
        return f"<em>{escape(self.text)}</em>" if self.emphasis else str(escape(self.text))


Sentence = list[list[Part]]  # phrases joined by ", ", ended with "."


def sentences(entry: Entry) -> list[Sentence]:
    """The reference as sentences of phrases, in pybtex's plain order."""
    f = {name: latex_text(value) for name, value in entry.fields.items() if value.strip()}
    raw = entry.fields
    out: list[Sentence] = []
    authors = entry.persons.get("author", [])
    if authors:
        out.append([[Part(name_list(authors))]])
    if "title" in f:
        title = f["title"]
        out.append([[Part(title[:1].upper() + title[1:])]])
    date = " ".join(f[name] for name in ("month", "year") if name in f)
    if entry.type == "article":
        publication: Sentence = [[Part(f["journal"], emphasis=True)]] if "journal" in f else []
        if "volume" in f:
            issue = f"({f['number']})" if "number" in f else ""
            pages = f":{f['pages']}" if "pages" in f else ""
            publication.append([Part(f"{f['volume']}{issue}{pages}")])
        elif "pages" in f:
            publication.append([Part(f"pages {f['pages']}")])
    else:
        publication = [[Part(f["howpublished"])]] if "howpublished" in f else []
    if date:
        publication.append([Part(date)])
    if publication:
        out.append(publication)
    if "note" in f:
        out.append([[Part(f["note"])]])
    links: Sentence = []
    if "url" in raw:
        links.append([Part("URL: "), Part(raw["url"].strip(), url=raw["url"].strip())])
    if "doi" in raw:
        doi = raw["doi"].strip()
        links.append([Part(f"doi:{doi}", url=f"https://doi.org/{doi}")])
    if links:
        out.append(links)
    return out


def _render(entry_sentences: list[Sentence], part: Callable[[Part], str]) -> str:
    rendered = []
    for sentence in entry_sentences:
        text = ", ".join("".join(part(p) for p in phrase) for phrase in sentence)
        plain = sentence[-1][-1].text
        rendered.append(text if plain.endswith((".", "?", "!")) else text + ".")
    return " ".join(rendered)


class Formatter:
    """Formats each entry at most once, then renders it as HTML (``reference_entries``) or plain text."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self._entries = entries
        self._formatted: dict[str, list[Sentence]] = {}
        self._html: dict[str, str] = {}

    def _format(self, key: str) -> list[Sentence]:
        if key not in self._formatted:
            self._formatted[key] = sentences(self._entries[key])
        return self._formatted[key]

    def html(self, key: str) -> str:
        """The reference as HTML; every character from the .bib file is escaped."""
        if key not in self._html:
            self._html[key] = _render(self._format(key), Part.html)
        return self._html[key]

    def text(self, key: str) -> str:
        """The reference as plain text (for the published data)."""
        return _render(self._format(key), lambda part: part.text)

    @property
    def formatted_count(self) -> int:
        return len(self._formatted)


def check_resolver() -> str | None:
    """A problem line if the installed resolver is not the version the seam was written against."""
    installed = version(RESOLVER)
    if installed != RESOLVER_VERSION:
        return (
            f"requirements.txt: {RESOLVER} {installed} is installed, but scripts/reference_format.py is written "
            f"against {RESOLVER_VERSION}; check its SimpleRegistry.reference_text before changing the pin"
        )
    return None


def install(plugin, reference_text: Callable[[str], str]) -> str | None:
    """Make mkdocs-bibtex's registry show ``reference_text(key)`` for each reference. A problem line, or None."""
    problem = check_resolver()
    if problem:
        return problem
    registry = getattr(plugin, "registry", None)
    if type(registry).__name__ != "SimpleRegistry" or not hasattr(registry, "reference_text"):
        return "mkdocs.yml: the bibtex plugin must run without csl_file (scripts/reference_format.py formats references)"
    registry.reference_text = lambda citation: reference_text(citation.key)
    return None


def share_bibliography(bib_file: Path, data: BibliographyData) -> None:
    """Make mkdocs-bibtex read ``bib_file`` as ``data`` (parsed by the hooks) instead of parsing it again.

    Its registry calls ``mkdocs_bibtex.registry.parse_file`` once per bib file in the plugin's
    ``on_config``, which runs after the hooks' (their ``on_config`` has priority 100). Any other
    file is parsed as before.
    """
    import mkdocs_bibtex.registry as registry

    original = getattr(registry.parse_file, "__wrapped__", registry.parse_file)
    shared = Path(bib_file).resolve()

    def parse_file(path, *args, **kwargs):
        if Path(path).resolve() == shared:
            return data
        return original(path, *args, **kwargs)

    parse_file.__wrapped__ = original  # type: ignore[attr-defined]
    registry.parse_file = parse_file
