"""MkDocs hooks for the metreleptin knowledge base (registered in mkdocs.yml).

A router: each event hands its work to a small module and returns early when a page is not its
business. Problems stop the build with one line each, ``path:line: message``, then a BuildError.

- ``kb_references``: reads references.bib strictly; citation, front-matter and source checks.
- ``reference_format``: the seam around mkdocs-bibtex; each reference is formatted once.
- ``reference_entries``: each reference rendered once, put into a page's list after search indexing.
- ``page_markdown``: code stays code, hand-written notes, which heading precedes each citation.
- ``reference_list``: cited-by and the /references/ page; ``page_meta``: link previews, review state.
- ``drug_data``: data/metreleptin.yaml checked against its JSON Schema; ``data_render`` puts it in pages.
- ``search_scope``: keeps citation markers, reference lists and cited-by lists out of search (put back in
  ``on_post_page``); search reads each reference on /references/ as a section of its own.
- ``citation_markers``: markers become raw HTML as they are made, entries stay unparsed.
- ``citation_coverage``, ``social_cards``; ``templates`` renders our HTML with autoescape.
- ``heap``: the garbage collector leaves what lives for the whole build (the bibliography) alone,
  and the interpreter's teardown leaves what the build leaves.

Order matters: MkDocs runs hooks after plugins for the same event, so the events that must see
``[@key]`` before mkdocs-bibtex turns it into ``[^ref-key]`` carry a higher ``event_priority``.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

import citation_coverage
import citation_markers
import data_render
import drug_data
import heap
import kb_references as refs
import page_markdown
import page_meta
import page_registry
import page_release
import published_anchors
import reference_entries
import reference_format
import reference_list
import releases
import search_scope
import site_output
import snapshots
import social_cards
import templates

# `make serve` loads this file afresh on every rebuild, but Python keeps the modules it imports:
# from the second load on, reload them (dependencies first) so that edits to scripts/*.py take effect
# without a restart. The first load has only just imported them (reloading them anyway cost ~70 ms).
_RELOAD = getattr(templates, "kb_loaded_by_hooks", False)
for _module in (
    templates,
    page_markdown,
    refs,
    heap,
    drug_data,
    data_render,
    reference_format,
    reference_list,
    reference_entries,
    page_registry,
    page_meta,
    releases,
    snapshots,
    page_release,
    published_anchors,
    search_scope,
    citation_markers,
    citation_coverage,
    social_cards,
    site_output,
):
    if _RELOAD:
        importlib.reload(_module)
    _module.kb_loaded_by_hooks = True  # type: ignore[attr-defined]

log = logging.getLogger("mkdocs.hooks.kb")

REFERENCE_LIST_MARKER = "<!-- kb:reference-list -->"
FOOTNOTE_PREFIX = "ref-"


class State:
    bib: refs.Bibliography | None = None
    formatter: reference_format.Formatter | None = None
    entries: reference_entries.ReferenceEntries | None = None
    after_search: search_scope.AfterSearch | None = None
    data: drug_data.DrugData | None = None
    release: page_release.Context | None = None
    command: str = "build"
    citations: dict[str, list[tuple[str, int]]] = {}
    cited_by: dict[str, list[reference_list.Citer]] = defaultdict(list)
    cards: social_cards.CardWriter | None = None


def _fail(problems: list[str]) -> None:
    if not problems:
        return
    for problem in problems:
        log.error(problem)
    raise PluginError(f"{len(problems)} problem(s) found by scripts/hooks.py; see the lines above")


def _path(config, file) -> str:
    return f"{Path(config.docs_dir).name}/{file.src_uri}"


def on_startup(command, dirty):
    """Remember the command: `mkdocs serve` does not copy the release snapshots."""
    State.command = command


@event_priority(100)
def on_config(config):
    """Read references.bib strictly before mkdocs-bibtex does."""
    heap.release()  # a previous build's objects (`make serve`)
    State.bib, State.formatter, State.entries, State.citations = None, None, None, {}
    State.cited_by = defaultdict(list)
    State.cards = social_cards.CardWriter(Path(config.config_file_path).parent / ".cache" / "cards")
    resolver = config.plugins["bibtex"].config
    if resolver.footnote_format != FOOTNOTE_PREFIX + "{key}":
        _fail(
            [
                f"mkdocs.yml: bibtex footnote_format must be '{FOOTNOTE_PREFIX}{{key}}' (scripts/hooks.py reads it)"
            ]
        )
    path = Path(config.config_file_path).parent / resolver.bib_file
    bib, problems = refs.parse_bibliography(path.read_text(encoding="utf-8"), resolver.bib_file)
    _fail(problems)
    State.bib, State.formatter = bib, reference_format.Formatter(bib.entries)
    State.entries = reference_entries.ReferenceEntries(bib, State.formatter)
    reference_format.share_bibliography(path, bib.data)
    State.data, problems = drug_data.load(Path(config.config_file_path).parent, set(bib.entries))
    _fail(problems)
    try:
        State.release = page_release.context(Path(config.config_file_path).parent)
    except releases.GitError as error:
        _fail([f"releases: {error}"])
    State.after_search = search_scope.AfterSearch()
    # Replaced, not added again, on each rebuild under `make serve` (modules are reloaded, so match by name).
    ours = ("FinalFootnoteNumbers", "ReferenceListOutOfSearch")
    config.markdown_extensions[:] = [
        e for e in config.markdown_extensions if type(e).__name__ not in ours
    ] + [
        citation_markers.FinalFootnoteNumbers(
            final_entry=reference_entries.is_placeholder, set_aside=State.after_search.defer
        ),
        search_scope.ReferenceListOutOfSearch(State.after_search),
    ]
    heap.settle()
    return config


def footnote_text(key: str) -> str:
    """What mkdocs-bibtex writes in a reference's footnote: a placeholder that ``on_post_page`` fills."""
    assert State.entries is not None
    return State.entries.placeholder(key)


def resolved_sources(config) -> dict[str, dict[str, str]]:
    """Each source key of the data: citation, evidence type, its place on /references/, DOI, PMID, URL."""
    assert State.bib is not None and State.formatter is not None and State.data is not None
    resolved = {}
    for _, key in drug_data.sources(State.data.facts):
        fields = State.bib.entries[key].fields
        resolved[key] = {
            "citation": State.formatter.text(key),
            "evidence": fields.get("evidence", ""),
            "reference": f"{config.site_url or '/'}references/#{key}",
            **{name: fields[name].strip() for name in ("doi", "pmid", "url") if fields.get(name, "").strip()},
        }
    return resolved


@event_priority(100)
def on_files(files, config):
    """Give the resolver our formatter; check every page's front matter and citations at once."""
    assert State.bib is not None
    _fail([p for p in [reference_format.install(config.plugins["bibtex"], footnote_text)] if p])
    problems: list[str] = []
    uses: list[refs.CitationUse] = []
    titles: dict[str, str] = {}
    for file in files.documentation_pages():
        path, source = _path(config, file), file.content_string
        meta, yaml_problems = refs.read_front_matter(source, path)
        titles[file.src_uri] = str(meta.get("title") or "")
        problems += yaml_problems or refs.front_matter_problems(meta, path)
        source, data_problems = data_render.expand(source, State.data.facts if State.data else {}, path)
        problems += data_problems
        page_uses, page_problems = refs.find_citations(source, path)
        uses += page_uses
        problems += page_problems
        if page_registry.is_topic(meta):
            coverage = citation_coverage.measure(source, path)
            if coverage.ratio < citation_coverage.THRESHOLD:
                # A warning: `mkdocs serve` goes on, the strict build stops.
                log.warning(
                    f"{path}: citation coverage {coverage.ratio:.0%} ({coverage.cited} of "
                    f"{coverage.statements} statements) is below {citation_coverage.THRESHOLD:.0%}; "
                    "run `make coverage` to list them"
                )
    problems += refs.unknown_key_problems(uses, set(State.bib.entries))
    assert State.release is not None
    for file in page_release.changes_files(config, State.release, titles, page_meta.today()):
        files.append(file)
    if State.data is not None:
        root = Path(config.config_file_path).parent
        for file in site_output.data_files(
            config,
            drug_data.published(State.data.facts, resolved_sources(config)),
            (root / drug_data.SCHEMA).read_text(encoding="utf-8"),
            drug_data.PUBLISHED,
            drug_data.PUBLISHED_SCHEMA,
        ):
            files.append(file)
    if not problems:
        data_keys = {key for _, key in drug_data.sources(State.data.facts)} if State.data else set()
        problems += refs.unused_entry_problems(State.bib, {use.key for use in uses} | data_keys)
    _fail(problems)
    return files


@event_priority(100)
def on_page_markdown(markdown, page, config, files):
    """Before the resolver: data tables, notes apart from references, the References heading, code kept literal."""
    assert State.data is not None and State.release is not None
    markdown, problems = data_render.expand(markdown, State.data.facts, _path(config, page.file))
    _fail(problems)
    page.meta["kb_release"] = (
        None  # /changes/ pages are generated from the releases, not part of them
        if page.file.generated_by
        else page_release.page_info(
            State.release, page.url, page.file.src_uri, page.file.content_string, config.site_url or ""
        )
    )
    if page.meta["kb_release"] and page.meta["kb_release"]["archived"]:
        page.canonical_url = page.meta["kb_release"]["current_page"]  # the current page, not this archive
    markdown, _ = page_markdown.move_notes(markdown)
    markdown = page_markdown.protect_code(markdown)
    State.citations[page.file.src_uri] = page_markdown.citation_headings(markdown)
    if State.citations[page.file.src_uri]:
        # Python-Markdown's footnotes extension puts the list where this marker stands.
        markdown = (
            f"{markdown.rstrip()}\n\n## References {{ data-search-exclude }}\n\n///Footnotes Go Here///\n"
        )
    page.meta["kb_headings"] = page_markdown.heading_count(markdown)
    return markdown


def on_page_content(html_text, page, config, files):
    """Put code's '@' back; remember which section cites each reference (for /references/); the cite box."""
    headings = len(reference_list.flat_toc(page.toc))
    if headings != page.meta.get("kb_headings", headings):
        _fail(
            [
                f"{_path(config, page.file)}: {page.meta['kb_headings']} headings in the Markdown but {headings} in "
                "the table of contents; write headings as '## Title' lines outside HTML blocks"
            ]
        )
    title = str(page.meta.get("title") or page.title)
    citations = State.citations.get(page.file.src_uri, [])
    for key, citer in reference_list.citers(page.url, title, citations, page.toc):
        State.cited_by[key].append(citer)
    html_text = page_markdown.restore_code(html_text)
    if citations and page_registry.is_topic(page.meta):
        # The cite box ends the page, after its references: HTML from a template, not Markdown, and
        # set aside from search, which has nothing to find in it.
        assert State.after_search is not None
        html_text += "\n" + str(  # str: Markup would escape the page it is added to
            State.after_search.defer(
                page_meta.cite_this_page(
                    title,
                    page.canonical_url or page.url,
                    page.url,
                    page.meta["reviewed"],
                    config.site_name,
                    page.meta.get("kb_release"),
                    (config.mdx_configs.get("toc") or {}).get("permalink_title", "Permanent link"),
                )
            )
        )
        page_meta.add_to_toc(page.toc, "Cite this page", page_meta.CITE_ANCHOR)
    return html_text


@event_priority(100)
def on_page_context(context, page, config, nav):
    """Per-page metadata for the templates; the page list and the reference list once every page is read.

    Runs before the search plugin indexes the page, so the page list is searchable, and so is each
    reference on /references/, as a section of its own; the list itself waits until ``on_post_page``.
    """
    on = page_meta.today()
    if page.meta.get("reviewed"):
        section = (
            "Topic" if page_registry.is_topic(page.meta) else ("Home" if page.is_homepage else "Reference")
        )
        page.meta["kb"] = page_meta.page_metadata(page, config.site_name, config.site_url or "", section)
        page.meta["kb_stale"] = page_meta.is_stale(page.meta["reviewed"], on)
        if page.meta["kb_stale"]:
            log.info(
                f"{_path(config, page.file)}: last reviewed {page.meta['reviewed']}, more than 12 months "
                "ago; readers see a notice"
            )
        page.meta["kb_anchor_redirects"] = page_meta.anchor_redirects_for(
            page.url, config.extra.get("anchor_redirects") or {}
        )
        if page.file.generated_by:
            page.meta["kb"]["image"] = ""  # /changes/ pages: no link-preview card of their own
        else:
            assert State.cards is not None
            State.cards.add(
                social_cards.Card(
                    page_meta.page_slug(page.url), page.meta["kb"]["title"], section, config.site_name
                )
            )
    page_meta.escape_front_matter(page.meta)
    if page_meta.PAGE_LIST_MARKER in (page.content or ""):
        page.content = page.content.replace(
            page_meta.PAGE_LIST_MARKER, page_meta.page_list_html(nav.pages, page.url, on)
        )
    if REFERENCE_LIST_MARKER in (page.content or ""):
        assert State.bib is not None and State.entries is not None and State.after_search is not None
        page.content = page.content.replace(
            REFERENCE_LIST_MARKER,
            State.after_search.instead(
                reference_list.reference_list_html(
                    State.bib, State.cited_by, "../" * page.url.count("/"), State.entries.html
                ),
                reference_list.reference_search_html(State.bib, State.entries.html),
            ),
        )
    return context


def on_post_page(output, page, config):
    """The page's reference list, with each reference, back in place: search has indexed the page without it."""
    assert State.entries is not None and State.after_search is not None
    return State.entries.fill(State.after_search.fill(output))


def on_shutdown():
    """The process ends next: its teardown need not walk what the build leaves (see ``heap``)."""
    heap.settle()


def on_post_build(config):
    """Link-preview cards (unchanged ones from .cache/cards); no source maps; pages due for review."""
    heap.release()
    root = Path(config.config_file_path).parent
    site = Path(config.site_dir)
    site_output.prune_source_maps(site)
    assert State.release is not None
    if State.command == "build" and not State.release.snapshot and State.release.latest:
        current: dict[str, list[str]] = {}
        for anchor in sorted(published_anchors.site_anchors(site)):
            page_url, _, name = anchor.partition("#")
            current.setdefault(page_url, []).append(name)
        try:
            tags = snapshots.assemble(
                site, root, root / ".cache" / "snapshots", config.site_url or "/", current
            )
        except snapshots.SnapshotError as error:
            _fail([str(error)])
        log.info(f"Release snapshots under /{snapshots.PREFIX}/: {', '.join(tags)}")
    assert State.cards is not None
    drawn, reused = State.cards.finish(site / "assets" / "cards")
    log.info(f"Social cards: {drawn} drawn, {reused} reused from .cache/cards")
