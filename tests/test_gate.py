"""The execution gate itself: it must catch a shown block that nothing runs."""

from __future__ import annotations

from pathlib import Path

from dlref.gate import page_html, rendered_python_blocks, unaccounted_html_blocks, unexecuted_blocks

PAGE = """# Page

=== "PyTorch"

    ```python title="t/a_pytorch.py"
    --8<-- "t/a_pytorch.py"
    ```

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

```python
--8<-- "t/not_a_snippet.py"
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
    problems = unexecuted_blocks(_docs(tmp_path), {"t/a_pytorch.py"})
    assert [problem.split(": ")[0] for problem in problems] == [
        "docs/section/page.md:13",
        "docs/section/page.md:18",
        "docs/section/page.md:22",
    ]
    assert "a ```py block that no test executes" in problems[0]
    assert "includes t/not_a_snippet.py, which is not a snippet the tests run" in problems[2]


def test_gate_counts_python_blocks_in_the_built_html(tmp_path):
    docs = _docs(tmp_path)
    site = tmp_path / "site"
    html = page_html(site, Path("section/page.md"))
    assert html == site / "section" / "page" / "index.html"
    html.parent.mkdir(parents=True)
    block = '<div class="language-python highlight"><pre>...</pre></div>'
    html.write_text(block * 5)
    assert rendered_python_blocks(html.read_text()) == 5
    assert unaccounted_html_blocks(docs, site) == []
    html.write_text(block * 6 + '<div class="language-text highlight"></div>')
    assert unaccounted_html_blocks(docs, site) == [
        "section/page/index.html: shows 6 Python block(s), but its Markdown source accounts for 5"
    ]
