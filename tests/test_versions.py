"""Versioned docs: two versions published with mike into a throwaway repository.

Version "1.0" is this checkout's strictly built site (the session's one build,
committed with mike's own deploy code); version "2.0" is a one-page site built
by the `mike deploy` command with this project's theme and `extra:` settings,
with the version selector on, as `make version` turns it on. The test proves
what mike and the selector do with two versions: versions.json lists both,
`latest` moves to the new one, and the old version's pages, its versions table
and its example outputs, are left exactly as they were. It does not build this
project twice: a second full build would double the test's cost.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mike import commands

from dlref.examples.versions_table import VERSIONS_FILE
from dlref.paths import MKDOCS_FILE, snippets_root

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

BRANCH = "gh-pages"
_CONFIG_RE = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


#: The variable `make version` sets to turn Material's version selector on (see mkdocs.yml).
SELECTOR_ON = {"DLREF_VERSION_PROVIDER": "mike"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _published(repo: Path, path: str) -> str:
    return _git(repo, "show", f"{BRANCH}:{path}")


def _selector_config(html: str) -> dict[str, str]:
    match = _CONFIG_RE.search(html)
    assert match, "no Material __config on the page"
    return json.loads(match.group(1)).get("version")


def _verified_versions() -> dict[str, str]:
    table = (snippets_root() / VERSIONS_FILE).read_text(encoding="utf-8")
    return dict(re.findall(r"^\| (\w+) \| ([\d.]+) \|$", table, re.M))


@pytest.fixture
def pages_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "config", "user.name", "dlref test")
    _git(repo, "config", "user.email", "test@dlref.invalid")
    _git(repo, "commit", "--quiet", "--allow-empty", "-m", "start")
    return repo


def _project_extra() -> str:
    """The `extra:` section of mkdocs.yml, as written (its `!ENV` tags need MkDocs)."""
    match = re.search(r"^extra:\n(?:[ #].*\n|\n)*", MKDOCS_FILE.read_text(encoding="utf-8"), re.M)
    assert match, "mkdocs.yml has no extra: section"
    return match.group(0)


def _deploy_small_site(repo: Path, version: str, statement: str) -> None:
    """`mike deploy` a one-page site with this project's theme and `extra:` settings."""
    docs = repo / "small" / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(f"# Home\n\n{statement}\n", encoding="utf-8")
    config = {
        "site_name": "small",
        "docs_dir": "docs",
        "site_dir": str(repo.parent / "small-site"),
        "theme": {"name": "material", "font": False},
    }
    config_file = repo / "small" / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config) + _project_extra(), encoding="utf-8")
    scripts = Path(sys.executable).parent
    mike = shutil.which("mike", path=str(scripts)) or shutil.which("mike")
    assert mike, "mike is not installed: it is pinned in requirements/docs-test.in"
    env = {**os.environ, **SELECTOR_ON, "PATH": f"{scripts}{os.pathsep}{os.environ['PATH']}"}
    deploy = ["deploy", "--config-file", str(config_file), "--branch", BRANCH]
    result = subprocess.run(
        [mike, "--quiet", *deploy, "--update-aliases", version, "latest"],
        cwd=repo,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_versions_keep_their_own_pages(built_site, pages_repo, monkeypatch):
    monkeypatch.chdir(pages_repo)
    site = {"site_dir": str(built_site), "use_directory_urls": True}
    with commands.deploy(site, "1.0", aliases=["latest"], branch=BRANCH, message="1.0"):
        pass  # the build: already done once for the session
    _deploy_small_site(pages_repo, "2.0", "Verified with PyTorch 9.9.9 (a stand-in release).")

    versions = json.loads(_published(pages_repo, "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("2.0", ["latest"]), ("1.0", [])]
    alias = _git(pages_repo, "ls-tree", BRANCH, "latest").split()
    assert alias[0] == "120000" and _published(pages_repo, "latest") == "2.0"

    # The old version is byte for byte the build it was: its versions table and outputs.
    old_home = _published(pages_repo, "1.0/index.html")
    assert old_home == (built_site / "index.html").read_text(encoding="utf-8")
    for package, version in _verified_versions().items():
        assert re.search(rf"<td>{package}</td>\s*<td>{re.escape(version)}</td>", old_home)
    old_autograd = _published(pages_repo, "1.0/concepts/autograd/index.html")
    output = (snippets_root() / "autograd" / "square_pytorch.out").read_text(encoding="utf-8")
    assert output.splitlines()[-1] in old_autograd  # tensor(7.): the derivative it printed
    assert "9.9.9" not in old_home and "9.9.9" in _published(pages_repo, "2.0/index.html")

    # Material's version selector reads versions.json in a build made to be published;
    # the session's plain build leaves it off, so its pages request no versions.json.
    new_home = _published(pages_repo, "2.0/index.html")
    assert _selector_config(new_home) == {"provider": "mike", "default": "latest"}
    assert _selector_config(old_home)["provider"] == ""
