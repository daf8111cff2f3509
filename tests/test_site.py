"""The site: strict build, the execution gate, no outside requests, a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlref.examples.discovery import discover, topic_dirs
from dlref.examples.transfer_check import REPORT_SUFFIX
from dlref.paths import DOCS_DIR
from dlref.site.browser import PageLog, close_page, local_page
from dlref.site.directive import ShownExamples, scan_pages, unshown_scripts
from dlref.site.gate import page_html, unaccounted_html_blocks, unexecuted_blocks
from dlref.site.hooks import SHOWN_EXAMPLES_FILE
from dlref.site.reports import (
    LONG_REPORT_LAYERS,
    REPORTS_FOLDER,
    is_long,
    layer_count,
    report_page_uri,
    shown_report,
)

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

# An attribute that makes the browser fetch something at load time.
_LOADED_URL_RE = re.compile(
    r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(https?:)?//'
)
WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 700, "height": 900}


def _shown(site: Path) -> dict[str, list[str]]:
    return json.loads((site / SHOWN_EXAMPLES_FILE).read_text(encoding="utf-8"))


def test_strict_build_passes(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "concepts" / "autograd" / "index.html").exists()


def test_every_python_block_in_the_docs_is_executed():
    problems = unexecuted_blocks(DOCS_DIR)
    assert not problems, "Python blocks shown but never executed:\n" + "\n".join(problems)


def test_built_pages_show_no_python_beyond_their_sources(built_site):
    problems = unaccounted_html_blocks(DOCS_DIR, built_site, _shown(built_site))
    assert not problems, "\n".join(problems)


def test_every_example_is_shown_on_some_page(built_site):
    problems = unshown_scripts(ShownExamples(_shown(built_site)), discover())
    assert not problems, "\n".join(problems)


def test_the_build_records_what_the_quick_page_scan_finds(built_site):
    scanned, problems = scan_pages(DOCS_DIR, discover())
    assert not problems
    assert {page: s for page, s in scanned.pages.items() if s} == _shown(built_site)


def test_examples_link_their_downloadable_scripts(built_site):
    html = page_html(built_site, Path("concepts/autograd.md")).read_text(encoding="utf-8")
    assert 'href="../../snippets/autograd/square_pytorch.py"' in html
    assert (built_site / "snippets/autograd/square_pytorch.py").read_bytes() == (
        DOCS_DIR.parent / "snippets/autograd/square_pytorch.py"
    ).read_bytes()
    assert "dlref run autograd/square --framework tensorflow" in html
    assert "How this is verified" in html


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


@pytest.mark.browser
def test_framework_choice_follows_the_reader_across_pages(served_site, browser):
    log = PageLog()
    page = local_page(browser, log)
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
    close_page(page)
    assert not log.outside, f"requests left the site: {log.outside}"
    assert not log.errors, f"console errors: {log.errors}"


@pytest.mark.browser
def test_examples_switch_to_two_columns_and_the_choice_is_remembered(served_site, browser):
    log = PageLog()
    page = local_page(browser, log, viewport=WIDE)
    page.goto(f"{served_site}/concepts/training/")
    example = page.locator(".dlref-example").first
    blocks = example.locator(".tabbed-block")
    assert blocks.nth(1).is_hidden()  # tabs by default
    toggle = example.locator("button.dlref-layout-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    left, right = blocks.nth(0).bounding_box(), blocks.nth(1).bounding_box()
    assert left and right, "both frameworks visible side by side"
    assert abs(left["y"] - right["y"]) < 1 and left["x"] + left["width"] <= right["x"]
    # The parts the scripts mark with "# %%" start level with each other.
    markers = page.evaluate(
        """() => [...document.querySelector('.dlref-example').querySelectorAll('.tabbed-block')]
            .map(block => [...block.querySelectorAll('pre code span.c1')]
                .filter(span => span.textContent.startsWith('# %%'))
                .map(span => span.getBoundingClientRect().top))"""
    )
    assert len(markers[0]) == len(markers[1]) == 5
    assert max(abs(a - b) for a, b in zip(*markers, strict=True)) < 1, markers
    # Copying a script copies no alignment padding.
    code = blocks.nth(1).locator("pre code").first.text_content()
    script = (DOCS_DIR.parent / "snippets/training/loop_tensorflow.py").read_text()
    assert code == script

    page.goto(f"{served_site}/concepts/autograd/")  # remembered on the next page
    assert page.locator("button.dlref-layout-toggle").first.get_attribute("aria-pressed") == "true"
    assert page.locator(".dlref-example").first.locator(".tabbed-block").nth(1).is_visible()

    page.set_viewport_size(NARROW)  # a narrow screen keeps tabs, whatever the choice
    assert page.locator(".dlref-example").first.locator(".tabbed-block").nth(1).is_hidden()
    assert page.locator("button.dlref-layout-toggle").first.is_hidden()

    page.set_viewport_size(WIDE)
    page.locator("button.dlref-layout-toggle").first.click()  # back to tabs
    page.reload()
    assert page.locator(".dlref-example").first.locator(".tabbed-block").nth(1).is_hidden()
    close_page(page)
    assert not log.outside and not log.errors, (log.outside, log.errors)


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


def test_long_transfer_reports_are_pages_of_their_own(built_site):
    reports = [
        (topic_dir.name, path)
        for topic_dir in topic_dirs()
        for path in sorted(topic_dir.glob(f"*{REPORT_SUFFIX}"))
    ]
    long_reports = [(topic, path) for topic, path in reports if is_long(path.read_text())]
    assert long_reports, "expected the ResNet and GoogLeNet reports to be long"
    for topic, path in long_reports:
        table = path.name.removesuffix(REPORT_SUFFIX)
        page = page_html(built_site, Path(report_page_uri(topic, table)))
        assert page.read_text(encoding="utf-8").count("<tr>") == layer_count(path.read_text()) + 1
    for html in built_site.rglob("*.html"):
        if REPORTS_FOLDER in html.relative_to(built_site).parts:
            continue
        for table in re.findall(r"<table>.*?</table>", html.read_text(encoding="utf-8"), re.S):
            if "Output: largest difference" in table:
                rows = table.count("<tr>") - 1
                assert rows <= LONG_REPORT_LAYERS, f"{html}: a report of {rows} layers inline"


def test_a_short_report_stays_inline_and_a_long_one_is_linked():
    short = "| a | b |\n| --- | --- |\n| `x` | 1 |\n\nFinal output: largest difference 0."
    assert shown_report("t", "s", short, "concepts/p.md") == short
    rows = "".join(f"| `l{i}` | 1 |\n" for i in range(LONG_REPORT_LAYERS + 1))
    long_report = f"| a | b |\n| --- | --- |\n{rows}\nFinal output: largest difference 0."
    shown = shown_report("t", "s", long_report, "concepts/p.md")
    assert shown == (
        f"Final output: largest difference 0. [Layer by layer: all {LONG_REPORT_LAYERS + 1} "
        "layers](../reports/t/s.md)."
    )
