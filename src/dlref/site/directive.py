"""The example directive: one line in a page that shows an example in framework tabs.

A page names an example with an HTML comment on a line of its own, which
other Markdown tools leave alone::

    <!-- dlref:example autograd/square -->
    <!-- dlref:example export/litert only=tensorflow -->
    <!-- dlref:example training/loop region=step output=hide -->

At build time `expand_page` replaces each with linked "PyTorch" and
"TensorFlow" content tabs: the script (or only its marked region), its
captured output, a link to download the script, the ``dlref run`` command,
and a "How this is verified" note written from the example's parity entry.
Options:

- ``only=pytorch|tensorflow``: show one side of an example that has both;
- ``region=NAME``: show the lines between ``# --8<-- [start:NAME]`` and
  ``# --8<-- [end:NAME]`` (pymdown-extensions' section markers; marker lines
  are never shown);
- ``output=hide``: leave the output out.

Lines starting with ``# %%`` (the percent-cell markers of Jupyter, VS Code
and Jupytext) split a script into parts; in the two-column layout the page
aligns the n-th part of one framework with the n-th part of the other.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from dlref.examples.discovery import FRAMEWORK_TITLES, FRAMEWORKS, Example, Framework, Snippet
from dlref.examples.parity import ParitySpec
from dlref.site.page_syntax import DirectiveError, prose_lines
from dlref.site.values import expand_values

DIRECTIVE_RE = re.compile(r"^(?P<indent>[ \t]*)<!--\s*dlref:example\b(?P<args>[^>]*?)\s*-->\s*$")
_SECTION_RE = re.compile(r"^\s*#\s*-+8<-+\s*\[\s*(?P<kind>start|end)\s*:\s*(?P<name>[\w-]+)\s*\]")
_OPTIONS = {"only": set(FRAMEWORKS), "region": None, "output": {"show", "hide"}}
#: Where the built site carries the scripts, for the download links.
SITE_SNIPPETS_DIR = "snippets"


@dataclass(frozen=True)
class ExampleDirective:
    """One ``<!-- dlref:example ... -->`` line of a page.

    Attributes:
        page: The page, relative to the docs folder (``"concepts/autograd.md"``).
        line: The 1-based line of the directive.
        key: The example, ``"topic/name"``.
        indent: The line's leading white space, kept for the expansion.
        only: One framework to show, or ``None`` for every side the example has.
        region: A marked region of the scripts to show, or ``None`` for all of them.
        show_output: Whether to show the captured output.
    """

    page: str
    line: int
    key: str
    indent: str = ""
    only: Framework | None = None
    region: str | None = None
    show_output: bool = True

    @property
    def where(self) -> str:
        """``docs/<page>:<line>``, for messages."""
        return f"docs/{self.page}:{self.line}"


@dataclass
class ShownExamples:
    """Which scripts each page shows, as the build records it.

    Attributes:
        pages: The script paths (``"autograd/square_pytorch.py"``) by page.
    """

    pages: dict[str, list[str]] = field(default_factory=dict)

    def record(self, page: str, scripts: list[str]) -> None:
        """Note the scripts a page shows (replacing what an earlier build of it showed).

        Args:
            page: The page, relative to the docs folder.
            scripts: The scripts it shows, in page order.
        """
        self.pages[page] = scripts

    def scripts(self) -> set[str]:
        """Every script shown on some page."""
        return {script for scripts in self.pages.values() for script in scripts}


def parse_directives(markdown: str, page: str) -> list[ExampleDirective]:
    """Find the example directives in a page, skipping fenced code blocks.

    Args:
        markdown: The page's Markdown.
        page: The page, relative to the docs folder.

    Returns:
        The directives in page order.

    Raises:
        DirectiveError: A directive has no example name or a bad option.
    """
    return [
        _directive(page, number, match)
        for number, line in prose_lines(markdown)
        if (match := DIRECTIVE_RE.match(line))
    ]


def _directive(page: str, line: int, match: re.Match[str]) -> ExampleDirective:
    where = f"docs/{page}:{line}"
    words = match["args"].split()
    if not words or "=" in words[0]:
        raise DirectiveError(f"{where}: name the example: <!-- dlref:example TOPIC/NAME -->")
    options: dict[str, str] = {}
    for word in words[1:]:
        name, _, value = word.partition("=")
        allowed = _OPTIONS.get(name, ())
        if name not in _OPTIONS or not value or (allowed is not None and value not in allowed):
            raise DirectiveError(
                f"{where}: bad option {word!r}; options are only=pytorch|tensorflow, "
                "region=NAME, output=show|hide"
            )
        options[name] = value
    return ExampleDirective(
        page=page,
        line=line,
        key=words[0],
        indent=match["indent"],
        only=options.get("only"),  # type: ignore[arg-type]
        region=options.get("region"),
        show_output=options.get("output", "show") == "show",
    )


def resolve(directive: ExampleDirective, examples: dict[str, Example]) -> Example:
    """Return the example a directive names.

    Args:
        directive: The directive.
        examples: Every example, by key.

    Returns:
        The example.

    Raises:
        DirectiveError: No such example (the message names the nearest valid
            names), or it lacks the side ``only=`` asks for.
    """
    example = examples.get(directive.key)
    if example is None:
        nearest = difflib.get_close_matches(directive.key, examples, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(nearest)}?" if nearest else "`dlref list` names them all"
        raise DirectiveError(f"{directive.where}: no example {directive.key!r}; {hint}")
    if directive.only is not None and directive.only not in example.sides:
        raise DirectiveError(
            f"{directive.where}: {example.key} has no {directive.only} side; "
            f"it has: {', '.join(example.sides)}"
        )
    return example


def shown_snippets(directive: ExampleDirective, example: Example) -> list[Snippet]:
    """Return the scripts a directive shows, PyTorch first.

    Args:
        directive: The directive (its ``only`` option).
        example: The example it names (see `resolve`).

    Returns:
        One script, with ``only=``; otherwise every side the example has.
    """
    return [s for s in example.snippets if directive.only in (None, s.framework)]


def script_lines(path: Path, region: str | None) -> list[str]:
    """Return a script's lines as a page shows them: section markers removed.

    Args:
        path: The script.
        region: A section name, or ``None`` for the whole script.

    Returns:
        The lines (of the region only, when one is named).

    Raises:
        DirectiveError: The region is not marked in the script.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    if region is None:
        return [line for line in lines if not _SECTION_RE.match(line)]
    shown: list[str] = []
    inside = found = False
    for line in lines:
        marker = _SECTION_RE.match(line)
        if marker and marker["name"] == region:
            inside = marker["kind"] == "start"
            found = True
        elif not marker and inside:
            shown.append(line)
    if not found or not shown:
        raise DirectiveError(
            f"{path}: no region {region!r}; mark it with `# --8<-- [start:{region}]` "
            f"and `# --8<-- [end:{region}]`"
        )
    return shown


def verification_note(example: Example, specs: list[ParitySpec]) -> str:
    """Say, in Markdown, how an example's agreement between the frameworks is checked.

    Args:
        example: The example.
        specs: The parity tables that name one of its scripts.

    Returns:
        Sentences generated from the parity entries, so they cannot disagree
        with what the tests do.
    """
    sentences = [
        "The test suite runs every script shown here and fails when its output differs "
        "from the output on this page."
    ]
    for spec in specs:
        pair = f"`{spec.scripts[0]}.py` and `{spec.scripts[1]}.py`"
        tolerance = f"atol {spec.atol:g}, rtol {spec.rtol:g}"
        if spec.values:
            names = ", ".join(f"`{value}`" for value in spec.values)
            sentences.append(
                f"It also compares {names} between {pair}: same shape, same dtype, "
                f"values within {tolerance}."
            )
        if spec.expect:
            stated = ", ".join(f"`{name}` = {value!r}" for name, value in spec.expect.items())
            sentences.append(f"Both scripts must give {stated}.")
        if spec.transfer is not None:
            sentences.append(
                "The PyTorch model's weights are copied into the Keras model, both run on "
                f"one seeded input of shape {list(spec.transfer.input_shape)}, and every "
                "layer's output and weight gradient must agree within atol "
                f"{spec.transfer.atol:g}, rtol {spec.transfer.rtol:g}; the table shows the "
                "largest differences the last run measured."
            )
        if not spec.compares:
            sentences.append(f"Nothing is compared between {pair}: {spec.reason}")
    if len(example.sides) == 1 and not specs:
        sentences.append("This example exists in one framework only.")
    return " ".join(sentences)


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [f"{prefix}{line}" if line else "" for line in lines]


def render_example(
    example: Example,
    directive: ExampleDirective,
    specs: list[ParitySpec],
    reports: dict[str, str],
) -> str:
    """Expand one directive into Markdown: linked tabs and the verification note.

    Args:
        example: The example the directive names.
        directive: The directive (its options and indentation).
        specs: The parity tables that name one of the example's scripts.
        reports: Committed transfer reports by parity table name.

    Returns:
        Markdown for Material's content tabs, wrapped in ``div.dlref-example``.
    """
    page_dir = posixpath.dirname(directive.page)
    body = ['<div class="dlref-example" markdown>', ""]
    for snippet in shown_snippets(directive, example):
        framework = snippet.framework
        script = f"{example.topic}/{snippet.path.name}"
        download = posixpath.relpath(f"{SITE_SNIPPETS_DIR}/{script}", page_dir or ".")
        body += [f'=== "{FRAMEWORK_TITLES[framework]}"', ""]
        tab = [f'```python title="{script}"', *script_lines(snippet.path, directive.region), "```"]
        if directive.show_output:
            output = snippet.output_path.read_text(encoding="utf-8").splitlines()
            tab += ["", '```text title="Output"', *output, "```"]
        tab += [
            "",
            f"[Download {snippet.path.name}]({download}) · run it: "
            f"`dlref run {example.key} --framework {framework}`",
            "{: .dlref-example-run }",
        ]
        body += [*_indent(tab, "    "), ""]
    note = [verification_note(example, specs)]
    for spec in specs:
        if spec.name in reports:
            note += ["", *reports[spec.name].splitlines()]
    note += ["", f"Rerun these checks with `dlref check {example.key}`."]
    body += ['??? success "How this is verified"', "", *_indent(note, "    "), "", "</div>"]
    return "\n".join(_indent(body, directive.indent))


def directive_line(topic: str, name: str) -> str:
    """Return the line that shows an example on a page.

    Args:
        topic: The topic folder.
        name: The example's name.

    Returns:
        ``<!-- dlref:example TOPIC/NAME -->``.
    """
    return f"<!-- dlref:example {topic}/{name} -->"


def scan_pages(
    docs_dir: Path,
    examples: list[Example],
    values: dict[str, str | None] | None = None,
) -> tuple[ShownExamples, list[str]]:
    """Read every page's directives (and quoted values) without building the site.

    The build records the same thing (`dlref.site.hooks`); this scan is the
    quick form for ``dlref check``, with the same parsing and the same errors.

    Args:
        docs_dir: The docs folder.
        examples: Every example.
        values: The recorded values (`dlref.site.values.recorded_values`), to
            check every ``{{ value: ... }}``; not checked when omitted.

    Returns:
        Which scripts each page shows, and one message per bad directive.
    """
    by_key = {example.key: example for example in examples}
    shown = ShownExamples()
    problems = []
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        scripts = []
        markdown = path.read_text(encoding="utf-8")
        try:
            if values is not None:
                expand_values(markdown, page, values)
            for directive in parse_directives(markdown, page):
                example = resolve(directive, by_key)
                scripts += [s.include_path for s in shown_snippets(directive, example)]
        except DirectiveError as error:
            problems.append(str(error))
        shown.record(page, scripts)
    return shown, problems


def unshown_scripts(shown: ShownExamples, examples: list[Example]) -> list[str]:
    """List the scripts that no page shows and that are not declared test-only.

    Args:
        shown: What the pages show.
        examples: The examples to account for.

    Returns:
        One message per script, naming the line that would show it.
    """
    on_pages = shown.scripts()
    return [
        f"snippets/{snippet.include_path} is shown on no page: add "
        f"`{directive_line(example.topic, example.name)}` to a page, or declare it "
        "`# dlref:test-only: <reason>` in its first lines"
        for example in examples
        for snippet in example.snippets
        if snippet.include_path not in on_pages and snippet.test_only_reason is None
    ]
