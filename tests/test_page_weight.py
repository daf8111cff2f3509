"""How page weight is counted: text as a host gzips it, images as they are, the runtime exempt."""

from __future__ import annotations

import gzip
import random

from dlref.site.audit import PAGE_BUDGET, site_pages, transferred_bytes

BASE = "http://127.0.0.1:8000"


def test_text_counts_compressed_images_as_they_are_and_the_runtime_not_at_all(tmp_path):
    page = "<p>" + "the same words again " * 50_000 + "</p>"  # ~1 MB, compresses well
    (tmp_path / "heavy").mkdir()
    (tmp_path / "heavy" / "index.html").write_text(page)
    photo = random.Random(0).randbytes(PAGE_BUDGET + 1)  # does not compress
    (tmp_path / "photo.png").write_bytes(photo)
    (tmp_path / "ort-wasm-simd-threaded.wasm").write_bytes(photo)
    urls = [f"{BASE}/heavy/", f"{BASE}/photo.png", f"{BASE}/ort-wasm-simd-threaded.wasm"]
    urls.append("https://elsewhere.example/x.js")  # not the site's: the browser tests fail it
    sizes = transferred_bytes(tmp_path, urls)
    assert sizes == {
        "heavy/index.html": len(gzip.compress(page.encode(), compresslevel=6, mtime=0)),
        "photo.png": len(photo),
    }
    assert sizes["heavy/index.html"] < 10_000
    assert sum(sizes.values()) > PAGE_BUDGET  # an image this size alone breaks the budget


def test_every_built_page_is_listed(tmp_path):
    for folder in ("", "a/", "a/b/"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "index.html").write_text("x")
    (tmp_path / "404.html").write_text("x")
    assert site_pages(tmp_path) == ["", "a/", "a/b/"]
