"""Every reader: axe-core on every page in both palettes, keyboard only, alt text, page weight.

One browser and the session's built site serve every test here. In the
`a11y` lane (`make a11y`), each page is opened once: axe runs all its WCAG
A/AA and best-practice rules in the light palette, then, switched to the
dark palette, the rules whose outcome depends on colours; the bytes the page
transferred are counted on the way. That costs minutes of browser time on
this machine, so `make test` audits the home page the same way (the header,
search dialog, palette and footer every page shares) and leaves the whole
site to its own lane, as `make standalone` is for the scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from dlref.site.audit import (
    COLOUR_RULES,
    PAGE_BUDGET,
    Violation,
    axe_violations,
    set_palette,
    site_pages,
    transferred_bytes,
    with_axe,
)
from dlref.site.browser import PageLog, close_page, local_page
from dlref.site.hooks import GLOSSARY

pytestmark = [pytest.mark.site, pytest.mark.browser, pytest.mark.xdist_group("site")]

SEARCH_INDEX = "search/search_index.json"


@dataclass
class Visit:
    light: list[Violation]
    dark: list[Violation]
    sizes: dict[str, int]


def _visit(built_site, served_site, browser, paths: list[str]) -> dict[str, Visit]:
    """Open each page once: axe in the light palette, colour rules in the dark, bytes."""
    log = PageLog()
    page = local_page(browser, log)
    with_axe(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    visits = {}
    for path in paths:
        requested.clear()
        page.goto(f"{served_site}/{path}")
        set_palette(page, "light")
        light = axe_violations(page)
        set_palette(page, "dark")
        dark = axe_violations(page, COLOUR_RULES)
        visits[path] = Visit(light, dark, transferred_bytes(built_site, requested))
    close_page(page)
    assert not log.outside and not log.errors, (log.outside, log.errors)
    return visits


@pytest.fixture(scope="module")
def visits(built_site, served_site, browser) -> dict[str, Visit]:
    """Every page of the site, visited as `_visit` does."""
    return _visit(built_site, served_site, browser, site_pages(built_site))


def test_the_home_page_has_no_serious_accessibility_fault_in_either_palette(
    built_site, served_site, browser
):
    home = _visit(built_site, served_site, browser, [""])[""]
    problems = [f"light: {v}" for v in home.light] + [f"dark: {v}" for v in home.dark]
    assert not problems, "\n".join(problems)
    assert sum(home.sizes.values()) <= PAGE_BUDGET, home.sizes


def _report(visits: dict[str, Visit], palette: str) -> list[str]:
    return [
        f"{path or '/'} ({palette}): {violation}"
        for path, visit in visits.items()
        for violation in getattr(visit, palette)
    ]


@pytest.mark.a11y
def test_no_page_has_a_serious_accessibility_fault_in_the_light_palette(visits):
    assert len(visits) > 20
    problems = _report(visits, "light")
    assert not problems, "\n".join(problems)


@pytest.mark.a11y
def test_no_page_has_a_colour_fault_in_the_dark_palette(visits):
    problems = _report(visits, "dark")
    assert not problems, "\n".join(problems)


@pytest.mark.a11y
def test_every_page_stays_within_its_transfer_budget(visits):
    weights = {path or "/": sum(visit.sizes.values()) for path, visit in visits.items()}
    heavy = {path: weight for path, weight in weights.items() if weight > PAGE_BUDGET}
    assert not heavy, f"pages over {PAGE_BUDGET} bytes (compressed): {heavy}"
    # The count includes what loads after the page: the search index, on every page.
    assert all(SEARCH_INDEX in visit.sizes for visit in visits.values())


def test_every_image_has_alternative_text(built_site):
    """Every <img> has an alt text; every drawn figure is an image with a name.

    (Material's icons are inline SVG inside buttons and links that carry the name.)
    """
    missing = []
    figures = 0
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", text):
            if not re.search(r'\balt="[^"]+"', tag):
                missing.append(f"{html.relative_to(built_site)}: {tag[:100]}")
        for tag in re.findall(r'<svg class="dlref-plot"[^>]*>', text):
            figures += 1
            if not ('role="img"' in tag and re.search(r'\baria-label="[^"]+"', tag)):
                missing.append(f"{html.relative_to(built_site)}: {tag[:100]}")
    assert figures, "no drawn figure found: the check would pass on nothing"
    assert not missing, "\n".join(missing)


def _tab_to(page, selector: str, presses: int = 400) -> None:
    """Press Tab until the focused element matches `selector` (a reader's only way there)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab within {presses} presses")


def test_tabs_tooltips_copy_and_search_work_from_the_keyboard(served_site, browser):
    log = PageLog()
    page = local_page(browser, log, permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{served_site}/concepts/autograd/")

    # A glossary term: focus shows its tooltip.
    _tab_to(page, "abbr")
    page.wait_for_selector(".md-tooltip2--active", timeout=5_000)
    shown = page.locator(".md-tooltip2--active").text_content().strip()
    assert shown and f"]: {shown}\n" in GLOSSARY.read_text(encoding="utf-8"), shown

    # Framework tabs: focus one, the arrow key switches to the other.
    _tab_to(page, ".dlref-example .tabbed-set > input")
    page.keyboard.press("ArrowRight")
    checked = page.evaluate(
        """() => {
            const set = document.activeElement.closest('.tabbed-set');
            const input = set.querySelector(':scope > input:checked');
            return set.querySelector(`label[for="${input.id}"]`).textContent.trim();
        }"""
    )
    assert checked == "TensorFlow"

    # Copy: Enter on the copy button puts the visible script on the clipboard.
    _tab_to(page, 'button.md-code__button[data-md-type="copy"]')
    code = page.evaluate(
        "document.activeElement.closest('.highlight, .md-code').querySelector('pre code').innerText"
    )
    page.keyboard.press("Enter")
    # A clipboard read can stay pending in headless Chromium (the page loses focus, say),
    # and a predicate that never settles held the whole test run: each poll gives up
    # after half a second, and the wait after ten.
    page.wait_for_function(
        """t => Promise.race([
            navigator.clipboard.readText().then(c => c === t, () => false),
            new Promise(resolve => setTimeout(() => resolve(false), 500)),
        ])""",
        arg=code,
        timeout=10_000,
    )

    # Search: the "/" key opens it, arrows choose a result, Enter opens it.
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    page.keyboard.type("GradientTape")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/concepts/autograd/**")
    close_page(page)
    assert not log.outside and not log.errors, (log.outside, log.errors)
