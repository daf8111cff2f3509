"""llms.txt and each page's Markdown copy, for readers who use assistants.

Every built page has a Markdown copy beside it (``index.md`` next to
``index.html``), converted from the page's HTML by `dlref.site.markdown_copy`, so
examples, outputs and includes arrive resolved; llms.txt links every copy. The
tests check that each copy holds the code of every script its page shows, as
the build recorded them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlref.examples.discovery import discover
from dlref.site.hooks import SHOWN_EXAMPLES_FILE
from dlref.site.markdown_copy import page_markdown

pytestmark = [pytest.mark.site, pytest.mark.xdist_group("site")]

_PYTHON_FENCE_RE = re.compile(r"^```python\n(?P<body>.*?)^```$", re.M | re.S)


def _scripts() -> dict[str, str]:
    return {
        snippet.include_path: snippet.path.read_text(encoding="utf-8")
        for example in discover()
        for snippet in example.snippets
    }


def missing_example_code(markdown: str, shown: list[str], scripts: dict[str, str]) -> list[str]:
    """The shown scripts whose code no Python block of a Markdown copy holds.

    A block holds a script's code when it has at least one line and every line
    of it is a line of the script (an example may show one region of a script).
    """
    blocks = [
        [line for line in match["body"].splitlines() if line.strip()]
        for match in _PYTHON_FENCE_RE.finditer(markdown)
    ]
    missing = []
    for script in shown:
        lines = set(scripts[script].splitlines())
        if not any(block and all(line in lines for line in block) for block in blocks):
            missing.append(script)
    return missing


def _copy_of(site: Path, page: str) -> Path:
    stem = Path(page).with_suffix("")
    folder = stem.parent if stem.name == "index" else stem
    return site / folder / "index.md"


def test_every_page_has_a_markdown_copy_listed_in_llms_txt(built_site):
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    pages = list(built_site.rglob("index.html"))
    assert len(pages) > 20
    for html in pages:
        copy = html.with_name("index.md")
        assert copy.is_file(), f"no Markdown copy of {html.relative_to(built_site)}"
        assert f"]({copy.relative_to(built_site).as_posix()})" in llms


def test_each_copy_holds_the_code_of_the_examples_its_page_shows(built_site):
    shown = json.loads((built_site / SHOWN_EXAMPLES_FILE).read_text(encoding="utf-8"))
    scripts = _scripts()
    assert shown, "the build recorded no examples"
    for page, page_scripts in shown.items():
        markdown = _copy_of(built_site, page).read_text(encoding="utf-8")
        assert missing_example_code(markdown, page_scripts, scripts) == [], page


def test_a_copy_without_an_examples_code_is_caught():
    scripts = {"t/a_pytorch.py": "import torch\nprint(torch.ones(1))\n"}
    shown = ["t/a_pytorch.py"]
    complete = "t/a_pytorch.py\n\n```python\nimport torch\nprint(torch.ones(1))\n```\n"
    assert missing_example_code(complete, shown, scripts) == []
    other_code = complete.replace("ones", "zeros")
    assert missing_example_code(other_code, shown, scripts) == shown
    assert missing_example_code("t/a_pytorch.py\n\nOutput\n", shown, scripts) == shown


def test_highlighted_code_becomes_a_fenced_block_with_its_text():
    html = (
        '<h2 id="x">Title<a class="headerlink" href="#x">&para;</a></h2>'
        '<div class="language-python highlight"><span class="filename">t/a_pytorch.py</span>'
        '<pre><span></span><code><a id="__codelineno-0-1" name="__codelineno-0-1" '
        'href="#__codelineno-0-1"></a><span class="n">x</span> <span class="o">=</span> '
        '<span class="s2">&quot;a&lt;b&quot;</span>\n</code></pre></div>'
    )
    assert page_markdown(html) == '## Title\n\nt/a_pytorch.py\n\n```python\nx = "a<b"\n```\n'
