"""Shared fixtures: one strict build of the real site, and a static server for it."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))
import page_registry  # noqa: E402

# Page URLs without slashes ("" is home), from the one page registry (nav + `topic: true`).
ALL_PAGES = [page.url.rstrip("/") for page in page_registry.pages(ROOT)]
TOPIC_PAGES = [page.url.rstrip("/") for page in page_registry.topic_pages(ROOT)]
SITE_URL = "https://metreleptin-kb.github.io/"
# "Today" for every test build: review notices depend on the date, the tests must not.
FROZEN_TODAY = "2026-12-02"
# Parts of the repository a build needs; bad-input tests copy these into a scratch folder.
BUILD_INPUTS = [
    "data",
    "docs",
    "includes",
    "overrides",
    "scripts",
    "mkdocs.yml",
    "references.bib",
    "published-anchors.txt",
]


def build(project: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` as the Makefile runs it; returns the finished process."""
    environment = {
        **os.environ,
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": SITE_URL,
        "KB_TODAY": FROZEN_TODAY,
        **env,
    }
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-d", str(out)],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_project(target: Path) -> Path:
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, target / name)
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    """A copy of the build inputs that a test may break."""
    return copy_project(tmp_path / "project")


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like a static host: 404.html, with status 404, for unknown paths."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def copyfile(self, source, outputfile) -> None:  # noqa: ANN001
        try:
            super().copyfile(source, outputfile)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser closed the page before the file was sent, as browsers do

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def server(site: Path):
    """Base URL of the built site served on 127.0.0.1."""
    handler = functools.partial(StaticHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report to fixtures (browser screenshots on failure)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
