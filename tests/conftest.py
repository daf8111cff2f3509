"""Fixtures: snippet runs cached per worker, the strictly built site."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlref.examples.runner import RunCache
from dlref.paths import CHECKOUT
from dlref.site.browser import chromium, serve_folder


@pytest.fixture(scope="session")
def snippet_runs() -> RunCache:
    """Each snippet run at most once per worker; every check of it reads the same run."""
    return RunCache()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with `mkdocs build --strict`, once per worker that asks."""
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site_dir)],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[str]:
    """The built site served compressed on 127.0.0.1; its address has no trailing slash."""
    with serve_folder(built_site) as base:
        yield base.rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for every browser test of a worker."""
    with chromium() as launched:
        yield launched
