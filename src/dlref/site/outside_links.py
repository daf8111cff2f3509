"""The built site's links to other sites, checked by requesting each one.

The tests never leave the machine; this is the one check that does. CI's weekly
``links`` job runs it on a fresh build and opens an issue with its report when
a link breaks. Each address is requested once, however many pages link it,
with its ``#fragment`` removed.

Run it as ``python -m dlref.site.outside_links SITE``; it prints a Markdown
report and exits with status 1 when a link is broken.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

USER_AGENT = "dlref-link-check (+https://github.com/dlref/dlref)"


class _Anchors(HTMLParser):
    """Collects the ``href`` of every ``<a>`` in one page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def outside_links(site_dir: Path) -> dict[str, list[str]]:
    """Find every link from the built site to another site.

    Args:
        site_dir: The folder ``mkdocs build`` wrote.

    Returns:
        Each ``http(s)`` address, without its fragment, and the pages (relative
        to the site) that link it, both sorted.
    """
    pages_by_url: dict[str, set[str]] = {}
    for page in sorted(site_dir.rglob("*.html")):
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            if urlparse(href).scheme in ("http", "https"):
                url = urldefrag(href).url
                pages_by_url.setdefault(url, set()).add(page.relative_to(site_dir).as_posix())
    return {url: sorted(pages) for url, pages in sorted(pages_by_url.items())}


def check_link(url: str, timeout: float = 20.0) -> str | None:
    """Request one address and say what is wrong with it, if anything.

    Args:
        url: An ``http(s)`` address.
        timeout: Seconds to wait for the server.

    Returns:
        None when the server answers with a success (after redirects), else the
        HTTP status or the network error, in words.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"no answer: {reason}"


def broken_links(
    links: dict[str, list[str]], workers: int = 8, timeout: float = 20.0
) -> dict[str, str]:
    """Check many addresses at once.

    Args:
        links: Addresses and the pages that link them, as `outside_links` returns them.
        workers: Requests in flight at the same time.
        timeout: Seconds to wait for each server.

    Returns:
        Each broken address and what is wrong with it.
    """
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda url: check_link(url, timeout), links)
        return {url: problem for url, problem in zip(links, results, strict=True) if problem}


def render_report(broken: dict[str, str], links: dict[str, list[str]]) -> str:
    """Return the broken links as Markdown, each with the pages that link it.

    Args:
        broken: What `broken_links` found.
        links: Every checked address and its pages.

    Returns:
        A Markdown report: a heading and one item per broken address, or a sentence.
    """
    lines = ["## Outside links", ""]
    if not broken:
        return "\n".join([*lines, f"All {len(links)} outside addresses answered.", ""])
    lines += [f"{len(broken)} of {len(links)} outside addresses failed:", ""]
    for url, problem in broken.items():
        pages = ", ".join(f"`{page}`" for page in links[url])
        lines.append(f"- <{url}>: {problem}; linked from {pages}")
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    """Check a built site's outside links and print the report.

    Args:
        argv: The command-line arguments; ``sys.argv[1:]`` when omitted.

    Returns:
        0 when every link answered, 1 when one is broken, 2 for a wrong folder.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the folder mkdocs build wrote")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"error: {args.site} is not a built site (no index.html)", file=sys.stderr)
        return 2
    links = outside_links(args.site)
    broken = broken_links(links, timeout=args.timeout)
    print(render_report(broken, links))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
