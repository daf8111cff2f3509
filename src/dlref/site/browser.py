"""The one way this project drives a browser: Debian's Chromium through Playwright.

The PDF of the comparison table, the TensorBoard screenshot and the browser
tests all open pages the same way: Debian's ``/usr/bin/chromium`` (never a
browser downloaded by a tool), flags that keep it from calling home, and a
route that aborts every request leaving the local server and records it, so
that a page which reaches outside the site is caught.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
#: No sandbox (root in CI), no GPU, no background calls to Google's hosts.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOST = "127.0.0.1"


class BrowserError(RuntimeError):
    """Chromium is not installed where this project expects it."""


@dataclass
class PageLog:
    """What a page did that a test must see: requests it tried outside, errors it raised.

    Attributes:
        outside: URLs of aborted requests to hosts other than the local server.
        errors: Console errors and uncaught exceptions.
    """

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


#: What a static host compresses: text. Images and fonts are sent as they are.
COMPRESSED_SUFFIXES = frozenset(
    {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".md", ".py", ".map"}
)


def sent_bytes(path: Path) -> bytes:
    """The body a static host sends for a file: gzipped (level 6, as nginx does) if text.

    Args:
        path: A file of the built site.

    Returns:
        The bytes on the wire, before HTTP headers.
    """
    body = path.read_bytes()
    if path.suffix in COMPRESSED_SUFFIXES:
        return gzip.compress(body, compresslevel=6, mtime=0)
    return body


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Serve without a log line per request."""

    def send_head(self) -> Any:
        """Send text gzipped to a browser that accepts it, as a static host does."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in COMPRESSED_SUFFIXES and path.is_file()):
            return super().send_head()
        if path.name == "index.html" and not self.path.split("?")[0].endswith(("/", ".html")):
            return super().send_head()  # the parent's redirect to the folder's address
        body = sent_bytes(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a folder (a built site) over HTTP on 127.0.0.1, on a free port.

    Text is sent gzipped to a client that asks for it (see `sent_bytes`), so
    that what a browser transfers here is what it transfers from a host.

    Args:
        folder: The folder to serve.

    Yields:
        The server's address, ending with ``/``.
    """
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Launch Debian's headless Chromium.

    Yields:
        The Playwright browser; closed on exit.

    Raises:
        BrowserError: ``/usr/bin/chromium`` is missing.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise BrowserError(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


def close_page(page: Page) -> None:
    """Close a page opened by `local_page`.

    Its route handler goes first: a request still waiting in the handler (one a
    navigation started just before) made ``page.close()`` wait for ever, and
    held a whole test run.

    Args:
        page: The page.
    """
    page.unroute_all(behavior="ignoreErrors")
    page.close()


def local_page(browser: Browser, log: PageLog | None = None, **options: Any) -> Page:
    """Open a page that may load only from 127.0.0.1, logging what it tried otherwise.

    Args:
        browser: From `chromium`.
        log: Where to record outside requests and errors; none kept when omitted.
        **options: Passed to ``browser.new_page`` (a viewport, a colour scheme).

    Returns:
        The page.
    """
    log = log if log is not None else PageLog()
    page = browser.new_page(**options)

    def local_only(route: Route) -> None:
        if urllib.parse.urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            log.outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.on("console", lambda message: message.type == "error" and log.errors.append(message.text))
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    return page
