"""The execution gate itself: it must catch a shown block that nothing runs."""

from __future__ import annotations

from pathlib import Path

from dlref.site.gate import (
    page_html,
    rendered_python_blocks,
    unaccounted_html_blocks,
    unexecuted_blocks,
)

PAGE = """# Page

<!-- dlref:example t/a -->

```python
print("run by pytest-codeblocks")
```

```py
print("shown, never run")
```

<!--pytest.mark.skip-->
```python
print("skipped")
```

=== "PyTorch"

    ```python title="t/a_pytorch.py"
    --8<-- "t/a_pytorch.py"
    ```

```text
--8<-- "t/a_tensorflow.out"
```

```bash
echo "not Python: outside the gate"
```
"""


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "section").mkdir(parents=True)
    (docs / "section" / "page.md").write_text(PAGE)
    return docs


def test_gate_names_page_and_line_of_every_unexecuted_block(tmp_path):
    problems = unexecuted_blocks(_docs(tmp_path))
    assert [problem.split(": ")[0] for problem in problems] == [
        "docs/section/page.md:21",
        "docs/section/page.md:25",
        "docs/section/page.md:9",
        "docs/section/page.md:14",
    ]
    assert "a hand-written include of t/a_pytorch.py" in problems[0]
    assert "a hand-written include of t/a_tensorflow.out" in problems[1]
    assert "a ```py block that no test executes" in problems[2]


def test_gate_counts_python_blocks_in_the_built_html(tmp_path):
    docs = _docs(tmp_path)
    site = tmp_path / "site"
    html = page_html(site, Path("section/page.md"))
    assert html == site / "section" / "page" / "index.html"
    html.parent.mkdir(parents=True)
    block = '<div class="language-python highlight"><pre>...</pre></div>'
    # Four fences in the Markdown, and the two scripts the build recorded for the page.
    shown = {"section/page.md": ["t/a_pytorch.py", "t/a_tensorflow.py"]}
    html.write_text(block * 6)
    assert rendered_python_blocks(html.read_text()) == 6
    assert unaccounted_html_blocks(docs, site, shown) == []
    html.write_text(block * 7 + '<div class="language-text highlight"></div>')
    assert unaccounted_html_blocks(docs, site, shown) == [
        "section/page/index.html: shows 7 Python block(s), but its Markdown and examples "
        "account for 6"
    ]
    assert unaccounted_html_blocks(docs, site, {}) != []
