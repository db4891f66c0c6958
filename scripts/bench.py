"""Benchmark: what the site costs a reader, and what the build costs a maintainer.

    make bench            # all measurements (several minutes; Lighthouse via npm exec)
    make bench ARGS=--quick

Prints a table and budget lines (PASS/FAIL), and writes bench-output/bench.json.
Measured here, not asserted in tests: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import drug_data  # noqa: E402
import page_meta  # noqa: E402
import page_registry  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench-output"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LIGHTHOUSE = "lighthouse@12.8.2"  # 13.x needs a newer Node.js than Debian's
PAGES = [page.url for page in page_registry.pages(ROOT)]
TOPICS = ["", *(page.url for page in page_registry.topic_pages(ROOT))]
SEARCH_RUNS = 3  # each term is typed this many times
SEARCH_TERMS = [
    "Myalept",
    "Myalepta",
    "A16AA07",
    "dose",
    "lymphoma",
    "REMS",
    "pregnancy",
    "rapamycin",
    "mTOR",
    "STAT3",
    "SOCS3",
    "AMPK",
    "POMC",
    "HbA1c",
    "hypoglycemia",
    # hyphens, slashes and dots (the browser test checks where they land)
    "alpha-MSH",
    "JAK2-STAT3",
    "T-cell",
    "AgRP/NPY",
    "anti-metreleptin",
    "16.15 kDa",
    "half-life",
    "Berardinelli-Seip",
    "Barraquer-Simons",
    "open-label",
    "non-hormonal",
    "ERK1/2",
    "HIV-associated",
    "0.06 mg/kg",
    "db/db",
]
BUDGET_KB, BUDGET_REQUESTS, BUDGET_LIGHTHOUSE, BUDGET_SEARCH_MS = 250, 20, 95, 50
BUDGET_BUILD_RATIO = 1.5
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
INPUTS = ["data", "docs", "includes", "overrides", "scripts", "mkdocs.yml", "references.bib"]
ENV = {**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}


# ------------------------------------------------------------------ build time and memory


def timed_build(project: Path, keep_snapshots: bool = False) -> tuple[float, float]:
    """One cold build (no output dir, no card cache; no snapshot cache unless kept): (seconds, peak RSS in MiB).

    Peak RSS is the largest process of the build (a snapshot is built in a process of its own).
    """
    for cache in (project / ".cache").glob("*"):
        if not (keep_snapshots and cache.name == "snapshots"):
            shutil.rmtree(cache, ignore_errors=True)
    out = Path(tempfile.mkdtemp(prefix="bench-site-"))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(out)],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    error = proc.stderr.read().decode() if proc.stderr else ""
    shutil.rmtree(out, ignore_errors=True)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {project}:\n{error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def synthetic_project(pages_factor: int, refs_factor: int) -> tuple[Path, int, int]:
    """A copy of the site with the topic pages repeated and the bibliography repeated.

    Copy k of a page cites copy k of each reference it cites, so every entry stays cited.
    With refs_factor > pages_factor, one extra page cites the remaining copies.
    """
    project = Path(tempfile.mkdtemp(prefix=f"bench-p{pages_factor}-r{refs_factor}-"))
    for name in INPUTS:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    entries = [part for part in re.split(r"\n(?=@\w+\{)", bib) if part.startswith("@")]
    keys = [re.match(r"@\w+\{([^,]+),", e).group(1) for e in entries]
    copies = []
    for k in range(1, refs_factor):
        for entry in entries:
            copies.append(re.sub(r"^(@\w+\{)([^,]+),", rf"\g<1>\g<2>_s{k},", entry, count=1))
    (project / "references.bib").write_text(bib + "\n" + "\n\n".join(copies) + "\n", encoding="utf-8")
    synthetic = project / "docs" / "synthetic"
    synthetic.mkdir()
    # Every page that cites a source (topic pages and the glossary), so every copied entry stays cited.
    topic_sources = [
        page.src
        for page in page_registry.pages(ROOT)
        if "[@" in (ROOT / "docs" / page.src).read_text(encoding="utf-8")
    ]
    real = len(PAGES)
    pages = real
    first_uncited = max(
        2, pages_factor * real // len(topic_sources)
    )  # copies 1.. make ~pages_factor x the pages
    # Sources cited only through the data (the facts box, approval and dose tables) stay cited too.
    page_text = " ".join((ROOT / "docs" / source).read_text(encoding="utf-8") for source in topic_sources)
    facts = drug_data.load(ROOT, set(keys))[0].facts
    data_only = sorted(
        {key for _, key in drug_data.sources(facts)} - set(re.findall(r"@([\w-]+)", page_text))
    )
    for k in range(1, first_uncited):
        suffix = f"_s{k}" if k < refs_factor else ""
        if suffix and data_only:
            cites = "; ".join(f"@{key}{suffix}" for key in data_only)
            (synthetic / f"{k}-data-sources.md").write_text(
                f"---\ntitle: Data sources {k}\ndescription: Synthetic page.\nreviewed: 2026-01-01\n---\n\n"
                f"Sources of the data.[{cites}]\n",
                encoding="utf-8",
            )
            pages += 1
        for source in topic_sources:
            text = (ROOT / "docs" / source).read_text(encoding="utf-8")
            text = re.sub(
                r"@([\w-]+)",
                lambda m, suffix=suffix: f"@{m.group(1)}{suffix}" if m.group(1) in keys else m.group(0),
                text,
            )
            text = re.sub(r"\]\((?!https?:)([\w-]+\.md)", r"](../\1", text)
            text = text.replace("](assets/", "](../assets/")
            # The home page lists every page; its copies do not. With a home page in every copy of the
            # site, n pages would carry about n/13 lists of n rows: n^2 work no real site of n pages has.
            text = text.replace(page_meta.PAGE_LIST_MARKER, "")
            (synthetic / f"{k}-{source}").write_text(text, encoding="utf-8")
            pages += 1
    if refs_factor > first_uncited:
        cites = " ".join(f"[@{key}_s{k}]" for k in range(first_uncited, refs_factor) for key in keys)
        (synthetic / "all-references.md").write_text(
            "---\ntitle: All references\ndescription: Synthetic page citing every copied reference.\n"
            f"reviewed: 2026-01-01\n---\n\nEvery reference.{cites}\n",
            encoding="utf-8",
        )
        pages += 1
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nnav:\n(  - .*\n)+", "\n", config)  # let MkDocs list every page
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project, pages, len(keys) * refs_factor


def plain_copy(project: Path, resolver: bool = False) -> Path:
    """The same pages built by MkDocs and Material alone: no hooks and, unless asked, no citation resolver.

    With ``resolver``, mkdocs-bibtex stays and formats references its own way (pybtex's plain style).
    """
    plain = Path(tempfile.mkdtemp(prefix="bench-resolver-" if resolver else "bench-plain-"))
    for name in INPUTS:
        source = project / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, plain / name)
    config = (plain / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nhooks:\n(  - .*\n)+", "\n", config)
    if not resolver:
        config = re.sub(r"\n  - bibtex:\n(      .*\n)+", "\n", config)
    (plain / "mkdocs.yml").write_text(config, encoding="utf-8")
    # The hooks generate the published data files that the about page links; give them as static files.
    (plain / "docs" / "data").mkdir(exist_ok=True)
    shutil.copy(plain / drug_data.SCHEMA, plain / "docs" / drug_data.PUBLISHED_SCHEMA)
    (plain / "docs" / drug_data.PUBLISHED).write_text("{}\n", encoding="utf-8")
    (plain / "docs" / "changes.md").write_text(
        "---\ntitle: Changes\ndescription: Placeholder.\nreviewed: 2026-01-01\n---\n\nNo release yet.\n",
        encoding="utf-8",
    )
    return plain


def build_rows(quick: bool) -> list[dict]:
    rows = []
    plans = [
        ("real site", 1, 1, 3 if quick else 5),
        ("10x pages, 10x refs", 10, 10, 1 if quick else 5),
        ("10x pages, 1x refs", 10, 1, 1 if quick else 3),
        ("1x pages, 10x refs", 1, 10, 1 if quick else 3),
    ]
    if not quick:
        plans.append(("100x pages, 100x refs", 100, 100, 1))
    for label, pages_factor, refs_factor, runs in plans:
        if pages_factor == refs_factor == 1:
            project, pages, refs = (
                ROOT,
                len(PAGES),
                len(re.findall(r"^@", (ROOT / "references.bib").read_text(), re.M)),
            )
        else:
            project, pages, refs = synthetic_project(pages_factor, refs_factor)
        compare = pages_factor == refs_factor and pages_factor >= 10
        plain = plain_copy(project) if compare else None
        results, baseline = [], []
        for _ in range(runs):
            # Alternate the two builds, so that a machine that speeds up or slows down (a shared CI
            # runner) weighs on both alike.
            results.append(timed_build(project))
            if plain:
                baseline.append(timed_build(plain))
        row = {
            "site": label,
            "pages": pages,
            "references": refs,
            "runs": runs,
            "median_s": round(statistics.median(r[0] for r in results), 2),
            "peak_rss_mib": round(max(r[1] for r in results), 1),
        }
        if plain:
            shutil.rmtree(plain, ignore_errors=True)
            row["plain_median_s"] = round(statistics.median(r[0] for r in baseline), 2)
            row["plain_peak_rss_mib"] = round(max(r[1] for r in baseline), 1)
            # The ratio of the fastest build of each. A machine shared with others only ever adds time
            # to a build (this one's speed drifts by a third within minutes, and a pair can straddle a
            # change), so the fastest of several runs is the nearest to a build's own cost, as timeit's
            # documentation advises. Each alternating pair's ratio, and their median, show the spread.
            row["time_ratio"] = round(min(r[0] for r in results) / min(r[0] for r in baseline), 2)
            ratios = [ours[0] / alone[0] for ours, alone in zip(results, baseline, strict=True)]
            row["time_ratios"] = [round(ratio, 2) for ratio in ratios]
            row["median_pair_ratio"] = round(statistics.median(ratios), 2)
            row["memory_ratio"] = round(row["peak_rss_mib"] / row["plain_peak_rss_mib"], 2)
        if compare and pages_factor == 10:
            # For scale, not a budget: the resolver on its own, formatting each citation its own way.
            alone = plain_copy(project, resolver=True)
            row["resolver_only_s"] = round(statistics.median(timed_build(alone)[0] for _ in range(runs)), 2)
            shutil.rmtree(alone, ignore_errors=True)
        rows.append(row)
        print(
            f"  build {label:<24} {pages:>5} pages {refs:>6} refs  {row['median_s']:>7.2f} s  "
            f"{row['peak_rss_mib']:>7.1f} MiB  (median of {runs})"
            + (
                f"; MkDocs + Material alone {row['plain_median_s']:.2f} s, {row['plain_peak_rss_mib']:.1f} MiB:"
                f" {row['time_ratio']}x time (fastest of {runs} each; alternating pairs"
                f" {', '.join(f'{ratio}x' for ratio in row['time_ratios'])}, median {row['median_pair_ratio']}x),"
                f" {row['memory_ratio']}x memory"
                if "time_ratio" in row
                else ""
            )
            + (
                f"; MkDocs + Material + mkdocs-bibtex without our hooks {row['resolver_only_s']:.2f} s"
                if "resolver_only_s" in row
                else ""
            ),
            flush=True,
        )
        if project != ROOT:
            shutil.rmtree(project, ignore_errors=True)
    return rows


def release_rows(quick: bool) -> list[dict]:
    """`make build` with 1 and with 10 synthetic releases (tags): cold (no snapshot cache) and cached."""
    rows = []
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "tag.gpgSign=false"]
    for count in (1, 10):
        project = Path(tempfile.mkdtemp(prefix=f"bench-releases-{count}-"))
        for name in [*INPUTS, "published-anchors.txt", ".gitignore"]:
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
        subprocess.run([*git, "init", "-q"], cwd=project, check=True)
        for n in range(count):
            page = project / "docs" / "about.md"
            page.write_text(page.read_text(encoding="utf-8") + f"\n<!-- release {n} -->\n", encoding="utf-8")
            subprocess.run([*git, "add", "-A"], cwd=project, check=True)
            subprocess.run([*git, "commit", "-q", "-m", f"release {n}"], cwd=project, check=True)
            subprocess.run(
                [*git, "tag", "-a", f"2026.01.{n + 1:02d}", "-m", "bench"], cwd=project, check=True
            )
        cold = timed_build(project, keep_snapshots=False)
        warm = [timed_build(project, keep_snapshots=True) for _ in range(1 if quick else 3)]
        row = {
            "releases": count,
            "cold_s": round(cold[0], 2),
            "cached_s": round(statistics.median(w[0] for w in warm), 2),
            "peak_rss_mib": round(max(w[1] for w in [cold, *warm]), 1),
        }
        rows.append(row)
        print(
            f"  build with {count:>2} release(s): {row['cold_s']:>6.2f} s with no snapshot cache, "
            f"{row['cached_s']:>6.2f} s with the snapshots cached (median of {len(warm)})",
            flush=True,
        )
        shutil.rmtree(project, ignore_errors=True)
    return rows


# ------------------------------------------------------------------ serving like a static host


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """gzip for text, Cache-Control max-age=600 and Last-Modified, like GitHub Pages."""

    TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def log_message(self, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):  # noqa: ANN201
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix in self.TEXT
            and path.exists()
            and "gzip" in self.headers.get("Accept-Encoding", "")
            and "If-Modified-Since" not in self.headers
        ):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
            self.end_headers()
            import io

            return io.BytesIO(body)
        return super().send_head()


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


# ------------------------------------------------------------------ page weight and search speed


def page_weight(browser, base: str) -> list[dict]:
    rows = []
    for path in PAGES:
        row = {"page": "/" + path}
        for phase in ("first", "warm"):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            if phase == "warm":  # a second page view: another page was read first
                page.goto(base + ("mechanism/" if path == "" else ""), wait_until="networkidle")
            sizes: list[int] = []
            page.on(
                "requestfinished",
                lambda r, sizes=sizes: sizes.append(
                    0
                    if r.response() and r.response().from_service_worker
                    else r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                ),
            )
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(300)
            transferred = [s for s in sizes if s > 0]
            row[f"{phase}_requests"] = len(transferred)
            row[f"{phase}_kb"] = round(sum(transferred) / 1024, 1)
            context.close()
        rows.append(row)
    return rows


# Resolves with [ms to the first result in the page, ms to the frame that shows it], both from the
# last keystroke (keydown); [-1, -1] if none came. The budget is on the first; the second adds the
# layout and paint of the results (and up to one frame of waiting for the display).
SEARCH_PROBE = """() => { window.__kbSearch = new Promise(resolve => {
  const results = document.querySelector('.md-search-result');
  let t0 = 0;
  document.querySelector('.md-search__input').addEventListener('keydown', () => { t0 = performance.now(); }, {once: true});
  const observer = new MutationObserver(() => {
    if (t0 && results.querySelector('.md-search-result__item')) {
      observer.disconnect();
      const first = performance.now() - t0;
      requestAnimationFrame(() => setTimeout(() => resolve([first, performance.now() - t0])));
    }
  });
  observer.observe(results, {childList: true, subtree: true, characterData: true});
  setTimeout(() => resolve([-1, -1]), 5000);
}); }"""


def search_latency(browser, base: str) -> dict:
    timings = []
    context = browser.new_context()
    page = context.new_page()
    page.goto(base, wait_until="networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("x")  # the search index loads on first use
    page.wait_for_timeout(1500)
    by_term: dict[str, float] = {}
    painted: dict[str, float] = {}
    for term in SEARCH_TERMS:
        runs, frames = [], []
        for _ in range(SEARCH_RUNS):
            box.fill("")
            page.wait_for_timeout(150)
            box.press_sequentially(term[:-1], delay=30)
            page.wait_for_timeout(400)
            page.evaluate("document.querySelector('.md-search-result__list').replaceChildren()")
            page.evaluate(SEARCH_PROBE)
            box.press(term[-1])
            first, shown = page.evaluate("window.__kbSearch")
            if first >= 0:
                runs.append(first)
                frames.append(shown)
        if runs:  # a term's time is the median of its runs, so one garbage collection is not its time
            by_term[term] = statistics.median(runs)
            painted[term] = statistics.median(frames)
            timings.append(by_term[term])
    context.close()
    slowest = max(by_term, key=by_term.get) if by_term else None
    slowest_painted = max(painted, key=painted.get) if painted else None
    return {
        "terms": len(SEARCH_TERMS),
        "measured": len(timings),
        "slowest": slowest,
        "median_ms": round(statistics.median(timings), 1) if timings else None,
        "max_ms": round(max(timings), 1) if timings else None,
        "painted_median_ms": round(statistics.median(painted.values()), 1) if painted else None,
        "painted_slowest": slowest_painted,
        "painted_max_ms": round(painted[slowest_painted], 1) if slowest_painted else None,
    }


# ------------------------------------------------------------------ Lighthouse


def lighthouse(base: str, runs: int) -> list[dict]:
    """Median score per category over several runs (single runs vary by +-10 points here)."""
    rows = []
    env = {**ENV, "CHROME_PATH": CHROMIUM}
    for path in TOPICS:
        scores: dict[str, list[int]] = {}
        error = ""
        for run in range(runs):
            report = OUT / f"lighthouse-{path.strip('/') or 'home'}-{run + 1}.json"
            command = [
                "npm",
                "exec",
                "--yes",
                "--",
                LIGHTHOUSE,
                base + path,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--chrome-flags=--headless=new " + " ".join(FLAGS),
            ]
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            if result.returncode != 0 or not report.exists():
                error = (result.stderr or result.stdout)[-300:]
                continue
            for key, value in json.loads(report.read_text())["categories"].items():
                scores.setdefault(key, []).append(round(value["score"] * 100))
        if not scores:
            rows.append({"page": "/" + path, "error": error})
            continue
        rows.append({"page": "/" + path, **{k: int(statistics.median(v)) for k, v in scores.items()}})
        print(f"  lighthouse /{path}: {rows[-1]}", flush=True)
    return rows


# ------------------------------------------------------------------ report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 100x site")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--builds-only", action="store_true", help="only the build measurements")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    from playwright.sync_api import sync_playwright

    print("Build (cold: empty output directory and card cache)")
    results: dict = {"builds": build_rows(args.quick)}
    print("Build with release snapshots (make build on a clone with release tags)")
    results["releases"] = release_rows(args.quick)
    if args.builds_only:
        (OUT / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        return 0
    site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    index = (site / "search" / "search_index.json").read_bytes()
    results["search_index"] = {
        "kb": round(len(index) / 1024, 1),
        "gzip_kb": round(len(gzip.compress(index)) / 1024, 1),
    }
    httpd, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            results["pages"] = page_weight(browser, base)
            results["search"] = search_latency(browser, base)
            browser.close()
        results["lighthouse"] = [] if args.skip_lighthouse else lighthouse(base, 1 if args.quick else 3)
    finally:
        httpd.shutdown()
        shutil.rmtree(site, ignore_errors=True)

    print("\nPage weight, phone viewport (gzip, as served by a static host)")
    print(f"  {'page':<22} {'first load':>18} {'second view':>18}")
    for row in results["pages"]:
        print(
            f"  {row['page']:<22} {row['first_kb']:>9.1f} KB {row['first_requests']:>3} req"
            f" {row['warm_kb']:>9.1f} KB {row['warm_requests']:>3} req"
        )
    print(
        f"\nSearch index: {results['search_index']['kb']} KB ({results['search_index']['gzip_kb']} KB gzip)"
    )
    s = results["search"]
    print(
        f"Search, last keystroke to results: median {s['median_ms']} ms, slowest {s['max_ms']} ms "
        f"('{s['slowest']}'; {s['measured']} of {s['terms']} terms, each the median of {SEARCH_RUNS} runs)"
    )
    print(
        f"  to the frame that shows them: median {s['painted_median_ms']} ms, slowest {s['painted_max_ms']} ms "
        f"('{s['painted_slowest']}'; for information, not a budget)"
    )
    if results["lighthouse"]:
        print("\nLighthouse 12 (mobile emulation; median of runs)")
        for row in results["lighthouse"]:
            print("  " + "  ".join(f"{k}={v}" for k, v in row.items()))

    budgets = []
    worst_kb = max(r["first_kb"] for r in results["pages"])
    worst_req = max(r["first_requests"] for r in results["pages"])
    budgets.append((f"first load <= {BUDGET_KB} KB (worst {worst_kb} KB)", worst_kb <= BUDGET_KB))
    budgets.append(
        (f"first load <= {BUDGET_REQUESTS} requests (worst {worst_req})", worst_req <= BUDGET_REQUESTS)
    )
    if s["median_ms"] is not None:
        budgets.append(
            (
                f"every search < {BUDGET_SEARCH_MS} ms (slowest '{s['slowest']}' {s['max_ms']} ms)",
                s["max_ms"] < BUDGET_SEARCH_MS,
            )
        )
    for row in results["builds"]:
        if "time_ratio" in row and row["site"].startswith("10x"):
            budgets.append(
                (
                    f"build at 10x <= {BUDGET_BUILD_RATIO}x MkDocs + Material alone ({row['time_ratio']}x time, "
                    f"fastest of {row['runs']} each; pairs {', '.join(f'{ratio}x' for ratio in row['time_ratios'])}; "
                    f"{row['memory_ratio']}x memory)",
                    row["time_ratio"] <= BUDGET_BUILD_RATIO,
                )
            )
    for row in results["lighthouse"]:
        scores = {k: v for k, v in row.items() if k != "page"}
        ok = "error" not in row and all(v >= BUDGET_LIGHTHOUSE for v in scores.values())
        budgets.append((f"Lighthouse >= {BUDGET_LIGHTHOUSE} on {row['page']} ({scores})", ok))
    results["budgets"] = [{"budget": b, "pass": ok} for b, ok in budgets]
    print("\nBudgets")
    for budget, ok in budgets:
        print(f"  {'PASS' if ok else 'FAIL'}  {budget}")
    (OUT / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\nWritten to {OUT / 'bench.json'}")
    return 0 if all(ok for _, ok in budgets) else 1


if __name__ == "__main__":
    sys.exit(main())
