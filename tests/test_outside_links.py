"""The weekly outside-link check, against a local server: one link answers, one is broken."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dlref.site import outside_links


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    served = tmp_path / "served"
    served.mkdir()
    (served / "ok.html").write_text("<p>here</p>", encoding="utf-8")
    handler = partial(_QuietHandler, directory=str(served))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


def _site(root: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        page = root / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return root


def test_a_broken_link_is_reported_with_its_pages(tmp_path, server, capsys):
    site = _site(
        tmp_path / "site",
        {
            "index.html": f'<a href="{server}/ok.html#part">ok</a> <a href="../concepts/">in</a>',
            "a/index.html": f'<a href="{server}/gone.html">gone</a> <a href="{server}/ok.html">',
            "b/index.html": f'<a href="{server}/gone.html">gone again</a>',
        },
    )
    links = outside_links.outside_links(site)
    assert links == {
        f"{server}/gone.html": ["a/index.html", "b/index.html"],
        f"{server}/ok.html": ["a/index.html", "index.html"],
    }
    assert outside_links.main([str(site), "--timeout", "5"]) == 1
    report = capsys.readouterr().out
    assert f"<{server}/gone.html>: HTTP 404" in report
    assert "`a/index.html`, `b/index.html`" in report
    assert "ok.html" not in report


def test_every_link_answering_passes(tmp_path, server, capsys):
    site = _site(tmp_path / "site", {"index.html": f'<a href="{server}/ok.html">ok</a>'})
    assert outside_links.main([str(site)]) == 0
    assert "All 1 outside addresses answered." in capsys.readouterr().out


def test_a_refused_connection_is_broken(tmp_path):
    site = _site(tmp_path / "site", {"index.html": '<a href="http://127.0.0.1:9/x">x</a>'})
    assert (
        "no answer"
        in outside_links.broken_links(outside_links.outside_links(site))["http://127.0.0.1:9/x"]
    )


def test_a_folder_that_is_no_site_is_one_message(tmp_path, capsys):
    assert outside_links.main([str(tmp_path)]) == 2
    assert "is not a built site" in capsys.readouterr().err
