"""The example directive: parsing, expansion, and the mistakes it must name."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from dlref.examples.discovery import discover
from dlref.site import hooks
from dlref.site.directive import (
    DirectiveError,
    ShownExamples,
    directive_line,
    parse_directives,
    scan_pages,
    script_lines,
    unshown_scripts,
)


def _examples(tmp_path: Path):
    topic = tmp_path / "snippets" / "basics"
    topic.mkdir(parents=True)
    for name in ("add_pytorch", "add_tensorflow", "mul_pytorch"):
        (topic / f"{name}.py").write_text("print(1)\n")
        (topic / f"{name}.out").write_text("1\n")
    return discover(tmp_path / "snippets")


def test_a_directive_is_one_line_with_options_and_fenced_ones_are_left_alone():
    page = (
        "# T\n\n<!-- dlref:example autograd/square -->\n"
        "    <!-- dlref:example export/litert only=tensorflow region=convert output=hide -->\n"
        "```markdown\n<!-- dlref:example shown/as_code -->\n```\n"
    )
    first, second = parse_directives(page, "t.md")
    assert (first.key, first.line, first.only, first.show_output) == (
        "autograd/square",
        3,
        None,
        True,
    )
    assert (second.key, second.indent, second.only, second.region, second.show_output) == (
        "export/litert",
        "    ",
        "tensorflow",
        "convert",
        False,
    )
    assert directive_line("autograd", "square") == "<!-- dlref:example autograd/square -->"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("<!-- dlref:example -->", "docs/p.md:2: name the example"),
        ("<!-- dlref:example a/b only=jax -->", "docs/p.md:2: bad option 'only=jax'"),
        ("<!-- dlref:example a/b colour=red -->", "docs/p.md:2: bad option 'colour=red'"),
    ],
)
def test_a_malformed_directive_names_page_and_line(line, message):
    with pytest.raises(DirectiveError, match=message):
        parse_directives(f"# T\n{line}\n", "p.md")


def test_an_unknown_example_fails_the_build_with_page_line_and_nearest_names():
    page = "# Autograd\n\n<!-- dlref:example autograd/squares -->\n"
    with pytest.raises(DirectiveError) as raised:
        hooks.expand_examples(page, "concepts/autograd.md")
    assert str(raised.value).startswith(
        "docs/concepts/autograd.md:3: no example 'autograd/squares'; did you mean autograd/square,"
    )

    class Page:
        class file:
            src_uri = "concepts/autograd.md"

    with pytest.raises(PluginError, match="did you mean autograd/square"):
        hooks.on_page_markdown(page, Page, {}, None)


def test_the_expansion_shows_code_output_download_command_and_verification():
    page = "Intro\n\n<!-- dlref:example autograd/square -->\n\nAfter\n"
    markdown, shown = hooks.expand_examples(page, "concepts/autograd.md")
    assert shown == ["autograd/square_pytorch.py", "autograd/square_tensorflow.py"]
    assert markdown.startswith('Intro\n\n<div class="dlref-example" markdown>\n')
    assert '=== "PyTorch"' in markdown and '=== "TensorFlow"' in markdown
    assert '    ```python title="autograd/square_pytorch.py"\n    import torch\n' in markdown
    assert '    ```text title="Output"\n    tensor(11., grad_fn=<AddBackward0>)\n' in markdown
    assert "[Download square_tensorflow.py](../snippets/autograd/square_tensorflow.py)" in markdown
    assert "`dlref run autograd/square --framework pytorch`" in markdown
    assert "compares `y`, `dy_dx`" in markdown and "`dy_dx` = 7.0" in markdown
    assert markdown.endswith("</div>\n\nAfter\n")


def test_only_and_output_options_change_what_is_shown():
    page = "<!-- dlref:example autograd/square only=tensorflow output=hide -->\n"
    markdown, shown = hooks.expand_examples(page, "index.md")
    assert shown == ["autograd/square_tensorflow.py"]
    assert '=== "PyTorch"' not in markdown and 'title="Output"' not in markdown
    with pytest.raises(DirectiveError, match="models/functional has no pytorch side"):
        hooks.expand_examples("<!-- dlref:example models/functional only=pytorch -->\n", "x.md")


def test_a_region_shows_only_its_lines_and_markers_are_never_shown(tmp_path):
    script = tmp_path / "s_pytorch.py"
    script.write_text("import torch\n# --8<-- [start:step]\nx = 1\n# --8<-- [end:step]\nprint(x)\n")
    assert script_lines(script, "step") == ["x = 1"]
    assert script_lines(script, None) == ["import torch", "x = 1", "print(x)"]
    with pytest.raises(DirectiveError, match="no region 'loop'"):
        script_lines(script, "loop")


def test_an_example_shown_on_no_page_is_reported_unless_declared_test_only(tmp_path):
    examples = _examples(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("<!-- dlref:example basics/add -->\n")
    shown, problems = scan_pages(docs, examples)
    assert problems == []
    assert shown.pages == {"page.md": ["basics/add_pytorch.py", "basics/add_tensorflow.py"]}
    (message,) = unshown_scripts(shown, examples)
    assert message.startswith("snippets/basics/mul_pytorch.py is shown on no page: add ")
    assert "<!-- dlref:example basics/mul -->" in message
    script = tmp_path / "snippets/basics/mul_pytorch.py"
    script.write_text("# dlref:test-only: exercised by tests/test_x.py only\nprint(1)\n")
    assert unshown_scripts(shown, discover(tmp_path / "snippets")) == []
    assert unshown_scripts(ShownExamples(), examples[:1]) != []
