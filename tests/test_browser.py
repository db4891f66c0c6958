"""The built site in Debian's Chromium, driven by Playwright, served on 127.0.0.1.

What a reader meets: no errors, nothing from other hosts, no axe violations, a usable phone layout,
keyboard access, search that lands on the right section, citation and abbreviation tooltips,
permalinks, the colour-scheme toggle and the 404 page.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench import FLAGS  # Chromium flags that keep it off Google's services (scripts/bench.py)
from conftest import ALL_PAGES, ROOT, StaticHandler, build

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "test-output"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# Realistic search terms and the page (and section) a reader expects among the first three results.
# (query, page expected among the first three, section the results must offer or None)
SEARCHES = [
    # A brand name lands on the home page, whose facts box lists the brands by region.
    ("Myalept", "", None),
    ("Myalepta", "", None),
    ("A16AA07", "indication/", "atc-code"),
    ("dose", "indication/", "dosing"),
    ("lymphoma", "contraindications/", "t-cell-lymphoma"),
    ("REMS", "contraindications/", None),
    ("hypoglycemia", "contraindications/", "hypoglycaemia-with-insulin-or-insulin-secretagogues"),
    ("benzyl alcohol", "contraindications/", "benzyl-alcohol-in-neonates-and-infants"),
    ("anaphylaxis", "contraindications/", "hypersensitivity"),
    ("rapamycin", "leptin-resistance/", None),
    ("mTOR", "leptin-resistance/", None),
    ("conflict of interest", "leptin-resistance/", None),
    ("STAT3", "mechanism/", None),
    ("SOCS3", "mechanism/", None),
    ("AMPK", "mechanism/", None),
    ("energy expenditure", "mechanism/", None),
    ("POMC", "mechanism/", None),
    ("HbA1c", "indication/", "efficacy-evidence"),
    ("MC4R", "glossary/", None),
    # The pages on pharmacology, clinical use and partial lipodystrophy: brand, class and lay words.
    ("warfarin", "pharmacology/", "cytochrome-p450-substrates"),
    ("kidney", "pharmacology/", "renal-and-hepatic-impairment"),
    ("renal impairment", "pharmacology/", "renal-and-hepatic-impairment"),
    ("overdose", "pharmacology/", "overdose"),
    ("neutralizing antibodies", "pharmacology/", "what-neutralizing-activity-means-clinically"),
    ("bacteriostatic water", "clinical-use/", "vials-and-reconstitution"),
    ("refrigerator", "clinical-use/", "storage-before-and-after-reconstitution"),
    ("missed dose", "clinical-use/", None),
    ("Myalepta dose", "clinical-use/", "european-union-and-great-britain-myalepta"),
    ("monitoring", "clinical-use/", "monitoring"),
    ("stop treatment", "clinical-use/", "judging-response-and-stopping"),
    ("pregnancy", "clinical-use/", "pregnancy-contraception-and-breastfeeding"),
    ("breastfeeding", "clinical-use/", "pregnancy-contraception-and-breastfeeding"),
    ("contraception", "clinical-use/", "pregnancy-contraception-and-breastfeeding"),
    ("Japan", "clinical-use/", "japan"),
    ("practice guideline", "clinical-use/", "the-2016-practice-guideline"),
    ("Dunnigan", "partial-lipodystrophy/", "dunnigan-type-fpld2"),
    ("advisory committee", "partial-lipodystrophy/", "united-states"),
    # Research beyond the label, history and access, and the drug facts box on the home page.
    ("mibavademab", "research/", "mibavademab-regn4461"),
    ("hypothalamic amenorrhoea", "research/", "hypothalamic-amenorrhoea"),
    ("type 1 diabetes", "research/", "type-1-diabetes"),
    ("anorexia nervosa", "research/", "anorexia-nervosa"),
    ("congenital leptin deficiency", "research/", "congenital-leptin-deficiency"),
    ("setmelanotide", "research/", "setmelanotide"),
    ("orphan designation", "history-and-access/", "orphan-status-and-the-eu-authorisation"),
    ("Aegerion", "history-and-access/", "aegerion-and-novelion"),
    ("NICE", "history-and-access/", "england-nice-hst14"),
    ("CADTH", "history-and-access/", "canada-cadth"),
    ("list price", "history-and-access/", "list-prices"),
    ("discovery of leptin", "history-and-access/", "discovery-of-leptin"),
    ("UNII", "", None),
    ("CAS number", "", None),
    ("molecular formula", "", None),
    ("DB09046", "", None),
    # An author's name finds each of their references on its own, linked to the entry.
    ("Farooqi", "references/", "farooqi2002beneficial"),
    ("Leibel", "references/", "myers2010obesity"),
    ("ClinicalTrials.gov", "references/", None),
]

# The domain's vocabulary with hyphens, slashes and dots (tokenized by Material's search; see kb.js 4).
HYPHENATED = [
    ("alpha-MSH", "mechanism/"),
    ("JAK2-STAT3", "mechanism/"),
    ("T-cell", "contraindications/"),
    ("AgRP/NPY", "mechanism/"),
    ("anti-metreleptin", "pharmacology/"),
    ("0.13 mg/kg", "clinical-use/"),
    ("half-life", "pharmacology/"),
    ("Berardinelli-Seip", "indication/"),
    ("Barraquer-Simons", "partial-lipodystrophy/"),
    ("post-marketing", "history-and-access/"),
    ("NF-κB", "glossary/"),
    ("non-hormonal", "pharmacology/"),
    ("ERK1/2", "mechanism/"),
    ("HIV-associated", "contraindications/"),
    ("0.06 mg/kg", "clinical-use/"),
    ("db/db", "mechanism/"),
    ("11.3 mg", "clinical-use/"),
    ("JAK/STAT", "mechanism/"),
    ("ob/ob", "mechanism/"),
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (.ci/run does)")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Watched:
    """A page with its console errors, failed requests and requests to other hosts."""

    def __init__(self, browser, server: str, viewport: str = "desktop") -> None:
        self.context = browser.new_context(viewport=VIEWPORTS[viewport])
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.server = server
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.offsite: list[str] = []
        host = urlparse(server).netloc
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} {r.status}"))
        self.page.on(
            "request",
            lambda r: (
                urlparse(r.url).netloc not in (host, "")
                and not r.url.startswith("data:")
                and self.offsite.append(r.url)
            ),
        )

    def open(self, path: str) -> None:
        self.page.goto(self.server + path, wait_until="networkidle")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, server):
    opened: list[Watched] = []

    def make(viewport: str = "desktop") -> Watched:
        opened.append(Watched(browser, server, viewport))
        return opened[-1]

    yield make
    for w in opened:
        w.close()


@pytest.fixture(autouse=True)
def screenshots_on_failure(request, browser, server):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    OUTPUT.mkdir(exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for path in ["", "mechanism/"]:
            page.goto(server + path, wait_until="networkidle")
            test = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(
                path=str(OUTPUT / f"{test}-{path.strip('/') or 'home'}-{name}.png"), full_page=True
            )
        context.close()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            // All default rules, plus target-size (WCAG 2.2 AA), which Lighthouse also checks.
            const result = await axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )


# Cumulative layout shift since the page started loading, with what moved (id or tag).
LAYOUT_SHIFT = """() => new Promise(resolve => {
    const entries = [];
    const observer = new PerformanceObserver(list => entries.push(...list.getEntries()));
    observer.observe({type: 'layout-shift', buffered: true});
    setTimeout(() => {
        entries.push(...observer.takeRecords());
        observer.disconnect();
        const shifts = entries.filter(e => !e.hadRecentInput);
        resolve({score: shifts.reduce((sum, e) => sum + e.value, 0),
                 moved: shifts.flatMap(e => e.sources.map(s => s.node ? s.node.id || s.node.nodeName : '?'))});
    }, 300);
})"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", [f"{p}/" if p else "" for p in ALL_PAGES] + ["changes/"])
def test_page_is_clean_accessible_and_private(watched, path: str, viewport: str) -> None:
    w = watched(viewport)
    w.open(path)
    assert w.offsite == [], f"requests to other hosts on /{path}: {w.offsite}"
    assert w.errors == [], f"console errors on /{path}: {w.errors}"
    assert w.failed == [], f"failed requests on /{path}: {w.failed}"
    # Nothing moves while the page loads (scripted controls appearing, blocks rendered late).
    shift = w.page.evaluate(LAYOUT_SHIFT)
    assert shift["score"] <= 0.01, f"/{path} ({viewport}) shifts while loading: {shift}"
    violations = run_axe(w.page)
    assert violations == [], f"axe on /{path} ({viewport}): {violations}"
    if viewport == "phone":
        overflow = w.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} is {overflow}px wider than the phone screen"


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_both_colour_schemes_pass_axe(watched, scheme: str) -> None:
    w = watched()
    w.page.emulate_media(color_scheme="dark" if scheme == "slate" else "light")
    w.open("contraindications/")
    assert w.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    assert run_axe(w.page) == []


def test_keyboard_reaches_search_and_content_with_visible_focus(watched) -> None:
    w = watched()
    w.open("mechanism/")
    reached_search = reached_content = False
    for _ in range(60):
        w.page.keyboard.press("Tab")
        info = w.page.evaluate(
            """() => { const e = document.activeElement;
                 // A visually hidden toggle shows its focus on the label that follows it.
                 const shown = e.matches('input.md-option') ? e.nextElementSibling : e;
                 const s = getComputedStyle(shown); const r = shown.getBoundingClientRect();
                 return {search: e.matches('input.md-search__input, label[for="__search"]'),
                         content: !!e.closest('article'),
                         visible: r.width > 0 && r.height > 0 &&
                                  (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                                   || s.boxShadow !== 'none' || s.textDecorationLine.includes('underline'))}; }"""
        )
        assert info["visible"], "focused element has no visible focus indicator"
        reached_search |= info["search"]
        reached_content |= info["content"]
        if reached_search and reached_content:
            break
    assert reached_search, "Tab never reached the search box"
    assert reached_content, "Tab never reached the main content"


@pytest.mark.parametrize(
    "term,expected,anchor",
    SEARCHES + [(term, page, None) for term, page in HYPHENATED],
    ids=[s[0] for s in SEARCHES] + [t for t, _ in HYPHENATED],
)
def test_search_finds_the_right_page_and_lands_on_it(
    watched, term: str, expected: str, anchor: str | None
) -> None:
    w = watched()
    w.open("")
    box = w.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(term, delay=20)
    w.page.wait_for_selector(".md-search-result__item", timeout=10_000)
    # Material lists each page once, with its matching sections below it: rank by page.
    links = w.page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")
    pages = list(dict.fromkeys(urlparse(link).path for link in links))[:3]
    assert "/" + expected in pages, f"'{term}': first pages {pages} do not include /{expected}"
    matching = [link for link in links if urlparse(link).path == "/" + expected]
    if anchor:
        matching = [link for link in matching if urlparse(link).fragment == anchor]
        assert matching, f"'{term}' offers no link to /{expected}#{anchor}"
    target = matching[0]
    w.page.goto(target, wait_until="networkidle")
    fragment = urlparse(target).fragment
    if fragment:
        top = w.page.evaluate(f"document.getElementById({fragment!r}).getBoundingClientRect().top")
        assert 0 <= top < 400, f"section #{fragment} is not scrolled into view ({top}px)"


def test_citation_tooltip_shows_full_reference(watched) -> None:
    """Hover and keyboard focus both show the full reference in Material's tooltip; leaving or
    Escape hides it; one tooltip at a time, named, without the footnote's back links."""
    w = watched()
    w.open("mechanism/")
    markers = w.page.locator("article a.footnote-ref")
    marker = markers.first
    key = marker.get_attribute("href").lstrip("#")
    expected = " ".join(w.page.locator(f"[id='{key}'] p").text_content().replace("↩", "").split())
    tooltip = w.page.locator(".md-tooltip2--active")
    assert tooltip.count() == 0
    marker.hover()
    tooltip.wait_for(state="visible", timeout=5_000)
    assert " ".join(tooltip.inner_text().split()) == expected
    assert tooltip.get_attribute("role") == "dialog"
    assert tooltip.get_attribute("aria-label") == f"Reference {marker.inner_text()}"
    assert marker.get_attribute("aria-controls") == tooltip.get_attribute("id")
    assert tooltip.locator(".footnote-backref, [id]").count() == 0
    # The pointer can move into the tooltip (to follow its DOI link) without it closing.
    tooltip.locator("a").first.hover()
    w.page.wait_for_timeout(600)
    assert tooltip.is_visible()
    w.page.mouse.move(0, 0)
    w.page.wait_for_selector(".md-tooltip2", state="detached", timeout=5_000)
    assert marker.get_attribute("aria-controls") is None
    # Keyboard: focusing a marker shows its reference; focusing the next one replaces it.
    marker.focus()
    tooltip.wait_for(state="visible", timeout=5_000)
    second = markers.nth(1)
    second.focus()
    w.page.wait_for_function(
        "text => { const t = document.querySelectorAll('.md-tooltip2'); "
        "return t.length === 1 && t[0].textContent.includes(text); }",
        arg=w.page.locator(f"[id='{second.get_attribute('href').lstrip('#')}'] p").text_content()[:40],
    )
    w.page.keyboard.press("Escape")
    w.page.wait_for_selector(".md-tooltip2", state="detached", timeout=5_000)
    assert w.page.evaluate("document.activeElement.classList.contains('footnote-ref')")
    assert not w.errors


def test_abbreviations_show_expansion_on_hover(watched) -> None:
    """The browser's own tooltip shows an <abbr>'s title on hover; it must be there and look hoverable."""
    w = watched()
    w.open("mechanism/")
    abbr = w.page.locator("article abbr", has_text="POMC").first
    assert abbr.get_attribute("title") == "Pro-opiomelanocortin"
    style = abbr.evaluate("e => { const s = getComputedStyle(e); return [s.borderBottomStyle, s.cursor]; }")
    assert style == ["dotted", "help"]  # Material's cue that there is something to hover
    titles = w.page.locator("article abbr").evaluate_all("els => els.map(e => e.title)")
    assert len(titles) > 50 and all(titles)


def test_permalink_opened_fresh_scrolls_to_heading(watched) -> None:
    w = watched()
    w.open("contraindications/")
    link = w.page.locator("article h2 a.headerlink").nth(2)
    href = link.get_attribute("href")
    fresh = watched()
    fresh.open("contraindications/" + href)
    top = fresh.page.evaluate(f"document.getElementById({href.lstrip('#')!r}).getBoundingClientRect().top")
    assert 0 <= top < 200, f"{href} is at {top}px, not at the top"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_citation_marker_and_back_link_land_on_their_targets(watched, viewport: str) -> None:
    """Following a marker shows its reference entry (entries far down render only when needed),
    and the entry's back link returns to the marker."""
    w = watched(viewport)
    w.open("indication/")
    marker = w.page.locator("article a.footnote-ref").nth(40)
    marker.scroll_into_view_if_needed()
    marker.click()
    entry_id = marker.get_attribute("href").lstrip("#")
    w.page.wait_for_function(f"location.hash === '#{entry_id}'")
    box = w.page.evaluate(
        f"(() => {{ const r = document.getElementById({entry_id!r}).getBoundingClientRect();"
        " return [r.top, r.height, innerHeight]; })()"
    )
    assert 0 <= box[0] < box[2] - 20 and box[1] > 20, f"#{entry_id} not shown after the click: {box}"
    sup_id = marker.evaluate("a => a.parentElement.id")
    w.page.locator(f"[id='{entry_id}'] a.footnote-backref[href='#{sup_id}']").click()
    w.page.wait_for_function(f"location.hash === '#{sup_id}'")
    top = w.page.evaluate(f"document.getElementById({sup_id!r}).getBoundingClientRect().top")
    assert 0 <= top < w.page.viewport_size["height"], f"back link left #{sup_id} at {top}px"


def test_colour_scheme_toggle_works_and_is_remembered(watched) -> None:
    w = watched()
    w.page.emulate_media(color_scheme="light")
    w.open("")
    assert w.page.evaluate("document.body.dataset.mdColorScheme") == "default"
    w.page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert w.page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    w.open("glossary/")
    assert w.page.evaluate("document.body.dataset.mdColorScheme") == "slate"


def test_404_page_is_styled_and_links_home(watched, server) -> None:
    w = watched()
    response = w.page.goto(server + "no-such-page/", wait_until="networkidle")
    assert response.status == 404
    assert w.page.locator("h1").inner_text() == "Page not found"
    assert w.page.locator(".md-header").is_visible(), "404 page is not styled"
    w.page.get_by_role("link", name="Go to the home page").click()
    w.page.wait_for_load_state("networkidle")
    assert urlparse(w.page.url).path == "/"
    assert w.page.locator("h1").inner_text() == "Metreleptin knowledge base"


def test_copy_button_copies_the_bibtex(browser, server) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(server + "mechanism/", wait_until="networkidle")
    block = page.locator("#cite-this-page ~ .highlight").nth(1)
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.startswith("@misc{metreleptinkb-mechanism,")
    assert "url          = {https://" in copied


def test_references_can_be_filtered_by_evidence_type(watched) -> None:
    w = watched()
    w.open("references/")
    boxes = w.page.locator(".kb-filter input[type=checkbox]")
    assert w.page.locator(".kb-filter").is_visible()
    for i in range(boxes.count()):
        if boxes.nth(i).get_attribute("value") != "animal":
            boxes.nth(i).uncheck()
    shown = w.page.locator("li.kb-reference:visible").evaluate_all("els => els.map(e => e.dataset.evidence)")
    assert shown and set(shown) == {"animal"}
    assert w.page.locator(".kb-filter__status").inner_text() == f"{len(shown)} references shown"


def test_renamed_heading_redirect_keeps_old_links_working(browser, scratch_project, tmp_path) -> None:
    config = scratch_project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  anchor_redirects:\n",
            '  anchor_redirects:\n    "contraindications/#old-name": "#limitations-of-use"\n',
            1,
        ),
        encoding="utf-8",
    )
    result = build(scratch_project, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StaticHandler, directory=str(tmp_path / "out"))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/contraindications/#old-name")
        page.wait_for_url("**#limitations-of-use")
        page.close()
    finally:
        httpd.shutdown()


@pytest.mark.parametrize("width", [320, 390, 768, 1024, 1280, 1920])
def test_facts_box_fits_every_viewport(browser, server, width: int) -> None:
    """The drug facts box wraps its long values (formula, product names) instead of overflowing."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(server, wait_until="networkidle")
        box = page.evaluate(
            """() => {
                const box = document.querySelector('.kb-facts');
                const table = box.querySelector('table');
                const r = box.getBoundingClientRect();
                return {left: r.left, right: r.right, table: table.scrollWidth - table.clientWidth,
                        page: document.documentElement.scrollWidth - window.innerWidth,
                        rows: box.querySelectorAll('tbody tr').length};
            }"""
        )
        assert box["rows"] >= 15
        assert box["left"] >= 0 and box["right"] <= width, f"facts box outside the {width}px viewport: {box}"
        assert box["table"] <= 0 and box["page"] <= 0, f"facts box overflows at {width}px: {box}"
    finally:
        context.close()
