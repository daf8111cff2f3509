"""Fixtures: snippet runs cached per worker, the strictly built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlref.runner import SnippetRun, run_snippet
from dlref.snippets import Snippet

CHECKOUT = Path(__file__).resolve().parents[1]


class SnippetRuns:
    """Runs each snippet at most once per worker; output and parity tests share the run."""

    def __init__(self) -> None:
        self._runs: dict[Path, SnippetRun] = {}

    def get(self, snippet: Snippet) -> SnippetRun:
        if snippet.path not in self._runs:
            self._runs[snippet.path] = run_snippet(snippet)
        return self._runs[snippet.path]


@pytest.fixture(scope="session")
def snippet_runs() -> SnippetRuns:
    return SnippetRuns()


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
