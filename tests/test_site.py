"""The site: strict build, the execution gate, no outside requests, a real browser."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from dlref.gate import page_html, unaccounted_html_blocks, unexecuted_blocks
from dlref.snippets import discover, snippets_root

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An attribute that makes the browser fetch something at load time.
_LOADED_URL_RE = re.compile(
    r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//'
)


def test_strict_build_passes(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "concepts" / "autograd" / "index.html").exists()


def test_every_python_block_in_the_docs_is_executed():
    scripts = {
        snippet.path.relative_to(snippets_root()).as_posix()
        for pair in discover()
        for snippet in pair.snippets
    }
    problems = unexecuted_blocks(DOCS_DIR, scripts)
    assert not problems, "Python blocks shown but never executed:\n" + "\n".join(problems)


def test_built_pages_show_no_python_beyond_their_sources(built_site):
    problems = unaccounted_html_blocks(DOCS_DIR, built_site)
    assert not problems, "\n".join(problems)


def test_glossary_terms_are_tooltips_on_the_content_pages(built_site):
    pages = [Path("index.md"), *(p.relative_to(DOCS_DIR) for p in DOCS_DIR.glob("concepts/*.md"))]
    without = [
        str(page)
        for page in pages
        if '<abbr title="' not in page_html(built_site, page).read_text(encoding="utf-8")
    ]
    assert not without, f"pages with no glossary tooltip: {without}"


def test_pages_load_nothing_from_outside(built_site):
    offenders = []
    for html in built_site.rglob("*.html"):
        for line in html.read_text(encoding="utf-8").splitlines():
            if _LOADED_URL_RE.search(line) and 'rel="canonical"' not in line:
                offenders.append(f"{html.relative_to(built_site)}: {line.strip()[:120]}")
    assert not offenders, "\n".join(offenders)


@pytest.fixture(scope="module")
def served_site(built_site) -> Iterator[str]:
    handler = partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.browser
def test_framework_choice_follows_the_reader_across_pages(served_site):
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install chromium"
    outside, console_errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(served_site)
                    else (outside.append(route.request.url), route.abort())
                ),
            )
            page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
            page.on("pageerror", lambda error: console_errors.append(str(error)))

            page.goto(f"{served_site}/concepts/tensors/")
            page.locator(".tabbed-labels label", has_text="TensorFlow").first.click()
            assert _selected_tab(page) == "TensorFlow"

            page.goto(f"{served_site}/concepts/autograd/")
            assert _selected_tab(page) == "TensorFlow"
            assert page.locator(".tabbed-block").first.is_hidden()  # the PyTorch block

            page.locator(".tabbed-labels label", has_text="PyTorch").first.click()
            page.goto(f"{served_site}/")
            assert _selected_tab(page) == "PyTorch"

            _check_search_finds_code_names(page)
            page.goto(f"{served_site}/")
            _check_page_furniture(page)
        finally:
            browser.close()
    assert not outside, f"requests left the site: {outside}"
    assert not console_errors, f"console errors: {console_errors}"


def _selected_tab(page) -> str:
    """The label of the checked tab in every tab set on the page (all must agree)."""
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.tabbed-set')].map(set => {
            const checked = set.querySelector(':scope > input:checked');
            return set.querySelector(`label[for="${checked.id}"]`).textContent.trim();
        })"""
    )
    assert labels and len(set(labels)) == 1, f"tab sets disagree: {labels}"
    return labels[0]


def _check_page_furniture(page) -> None:
    """Edit link, copy buttons, and the light/dark toggle on the current page."""
    edit = page.locator('a[rel="edit"]').first.get_attribute("href")
    assert edit.endswith("/edit/main/docs/index.md"), edit
    assert page.locator('button.md-code__button[data-md-type="copy"]').count() > 0
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    after = page.evaluate("document.body.dataset.mdColorScheme")
    assert {before, after} == {"default", "slate"}


def _check_search_finds_code_names(page) -> None:
    """Search runs locally and splits code tokens: "GradientTape" finds tf.GradientTape."""
    has_results = (
        "() => /[1-9]\\d* matching document/"
        ".test(document.querySelector('.md-search-result__meta')?.textContent ?? '')"
    )
    # Real key presses: Material's search listens for keyup, which fill() does not send.
    page.locator("input.md-search__input").press_sequentially("GradientTape")
    page.wait_for_function(has_results, timeout=15_000)
    assert "Autograd" in page.locator(".md-search-result__list").text_content()
