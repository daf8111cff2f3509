"""MkDocs hooks: build-time content that comes from the examples and from data files.

``mkdocs.yml`` lists this file under ``hooks:``. At build time:

- every ``<!-- dlref:example TOPIC/NAME -->`` line is expanded into framework
  tabs (see `dlref.site.directive`), and the build records which scripts each
  page shows in ``dlref-examples.json`` at the top of the built site, where
  the tests read it; a page naming an unknown example fails the build with
  the page, the line and the nearest valid names;
- every ``{{ value: TOPIC/NAME }}`` in prose becomes the value a run
  recorded (see `dlref.site.values`), so a number in a sentence cannot drift
  from the output it comes from;
- the example scripts are copied into the site under ``snippets/``, so every
  example links to a file a reader can download;
- onnxruntime-web's files that the in-browser inference page loads are copied
  from ``node_modules`` (installed by ``npm ci``) under ``javascripts/onnxruntime-web/``;
- the glossary (``docs/includes/glossary.md``) is appended to every page
  outside the API reference, so its terms become tooltips; appending it in
  Markdown's own ``auto_append`` would also run it over every docstring
  mkdocstrings renders, which doubled the build time; in the rendered page a
  term keeps its tooltip on its first use per section only
  (`dlref.site.glossary`);
- code blocks lose the spans of tokens drawn in plain colour, and drawn
  figures shown as images are put in the page inline, to follow its palette
  (`dlref.site.markup`);
- a case study's page quotes its stored notebooks' results, figures and
  values, and each notebook's page opens with links to Colab, the ``.ipynb``
  and its source script (`dlref.site.case_studies`); mkdocs-jupyter keeps the
  rendered notebooks in a cache folder per version of the renderers;
- the comparison page's marker is replaced by the table rendered from
  ``docs/comparison/table.toml``, and the performance page's by the results
  in ``docs/comparison/performance.json``;
- the serving page's markers are replaced by the load test's tables and
  records in ``docs/production/serving-cpu.json`` (`dlref.deploy.load`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from dlref.benchmark import results as performance
from dlref.deploy import load as serving
from dlref.examples.discovery import discover, topic_dirs
from dlref.examples.parity import load_specs
from dlref.examples.transfer_check import REPORT_SUFFIX
from dlref.notebooks.source import NotebookSource, discover_notebooks
from dlref.paths import (
    COMPARISON_TABLE,
    DOCS_DIR,
    NODE_MODULES,
    PERFORMANCE_RESULTS,
    snippets_root,
)
from dlref.site.case_studies import (
    NOTEBOOK_CSS,
    NOTEBOOK_CSS_SOURCE,
    expand_study_page,
    link_notebook_css,
    notebook_figures,
    notebook_links,
    notebook_render_cache,
    with_study_links,
)
from dlref.site.comparison import TABLE_MARKER, load_table, render_page
from dlref.site.directive import (
    SITE_SNIPPETS_DIR,
    DirectiveError,
    ShownExamples,
    parse_directives,
    render_example,
    resolve,
    shown_snippets,
)
from dlref.site.glossary import mark_first_uses
from dlref.site.markup import inline_figures, unwrap_plain_tokens
from dlref.site.reports import is_long, report_page, report_page_uri, shown_report
from dlref.site.values import expand_values, recorded_values

GLOSSARY = DOCS_DIR / "includes" / "glossary.md"
API_REFERENCE_DIR = "reference/"
#: The build's record of which scripts each page shows, at the top of the site.
SHOWN_EXAMPLES_FILE = "dlref-examples.json"

#: onnxruntime-web's build, as npm installs it.
RUNTIME_SOURCE = NODE_MODULES / "onnxruntime-web" / "dist"
#: Where the site serves it: the in-browser page's script imports it from here.
RUNTIME_SITE_DIR = "javascripts/onnxruntime-web"
#: The files that page loads: the WebAssembly build, and the WebGPU build for a browser
#: that offers WebGPU; each is an entry module, its Emscripten loader and its binary.
RUNTIME_FILES = (
    "ort.wasm.min.mjs",
    "ort-wasm-simd-threaded.mjs",
    "ort-wasm-simd-threaded.wasm",
    "ort.webgpu.min.mjs",
    "ort-wasm-simd-threaded.asyncify.mjs",
    "ort-wasm-simd-threaded.asyncify.wasm",
)

_shown = ShownExamples()
#: The case studies' notebooks by page (``case-studies/loans-pytorch.ipynb``), read once per build.
_notebooks: dict[str, NotebookSource] = {}


def on_config(config: Any) -> Any:
    """Point mkdocs-jupyter's cache of rendered notebooks at this set of renderer versions.

    Args:
        config: The MkDocs config.

    Returns:
        The config, with the cache folder set.
    """
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(notebook_render_cache())
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add every example script to the site, for the download links, and the ONNX runtime.

    Args:
        files: The site's files.
        config: The MkDocs config.

    Returns:
        The files, with ``snippets/<topic>/<script>.py``, `RUNTIME_FILES`, the
        pages of long transfer reports (`dlref.site.reports`) and the case
        studies' figures (``case-studies/figures/<notebook>-<tag>.png``) added.

    Raises:
        PluginError: onnxruntime-web is not installed (one line: how to install it).
    """
    missing = [name for name in RUNTIME_FILES if not (RUNTIME_SOURCE / name).is_file()]
    if missing:
        raise PluginError(
            f"{RUNTIME_SOURCE / missing[0]} is missing: install the npm packages "
            "(make npm, or npm ci)"
        )
    for name in RUNTIME_FILES:
        files.append(
            File.generated(
                config, f"{RUNTIME_SITE_DIR}/{name}", abs_src_path=str(RUNTIME_SOURCE / name)
            )
        )
    for example in discover():
        for snippet in example.snippets:
            files.append(
                File.generated(
                    config,
                    f"{SITE_SNIPPETS_DIR}/{snippet.include_path}",
                    abs_src_path=str(snippet.path),
                )
            )
    for topic_dir in topic_dirs():
        for path in sorted(topic_dir.glob(f"*{REPORT_SUFFIX}")):
            report = path.read_text(encoding="utf-8")
            if is_long(report):
                table = path.name.removesuffix(REPORT_SUFFIX)
                content = report_page(topic_dir.name, table, report)
                files.append(
                    File.generated(config, report_page_uri(topic_dir.name, table), content=content)
                )
    _notebooks.clear()
    for source in discover_notebooks():
        _notebooks[source.notebook_path().relative_to(DOCS_DIR).as_posix()] = source
    files.append(File.generated(config, NOTEBOOK_CSS, abs_src_path=str(NOTEBOOK_CSS_SOURCE)))
    for uri, png in notebook_figures():
        files.append(File.generated(config, uri, content=png))
    return files


def expand_examples(markdown: str, page: str) -> tuple[str, list[str]]:
    """Replace a page's example directives with their tabs.

    Args:
        markdown: The page's Markdown.
        page: The page, relative to the docs folder.

    Returns:
        The expanded Markdown and the scripts it shows, in page order.

    Raises:
        DirectiveError: A directive is malformed or names no example.
    """
    directives = parse_directives(markdown, page)
    if not directives:
        return markdown, []
    examples = {example.key: example for example in discover()}
    lines = markdown.splitlines()
    shown: list[str] = []
    for directive in reversed(directives):
        example = resolve(directive, examples)
        topic_dir = snippets_root() / example.topic
        stems = {snippet.path.stem for snippet in example.snippets}
        specs = [
            spec
            for spec in load_specs(topic_dir).values()
            if any(stem in stems for stem in spec.scripts)
        ]
        reports = {
            spec.name: shown_report(
                example.topic,
                spec.name,
                (topic_dir / f"{spec.name}{REPORT_SUFFIX}").read_text(encoding="utf-8"),
                page,
            )
            for spec in specs
            if spec.transfer is not None and (topic_dir / f"{spec.name}{REPORT_SUFFIX}").exists()
        }
        lines[directive.line - 1] = render_example(example, directive, specs, reports)
        shown[:0] = [snippet.include_path for snippet in shown_snippets(directive, example)]
    return "\n".join(lines) + "\n", shown


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Expand example directives; render the comparison table or the performance results.

    Args:
        markdown: The page's Markdown source.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The Markdown with every directive and marker replaced.

    Raises:
        PluginError: A directive is malformed or names no example (one line, no traceback).
    """
    try:
        markdown, scripts = expand_examples(markdown, page.file.src_uri)
        markdown = expand_values(markdown, page.file.src_uri, recorded_values())
        markdown = expand_study_page(markdown, page.file.src_uri)
        markdown = with_study_links(markdown, page.file.src_uri, list(_notebooks.values()))
    except DirectiveError as error:
        raise PluginError(str(error)) from None
    _shown.record(page.file.src_uri, scripts)
    if not page.file.src_uri.startswith(API_REFERENCE_DIR):
        markdown += "\n" + GLOSSARY.read_text(encoding="utf-8")
    if performance.PERFORMANCE_MARKER in markdown:
        results = performance.load_results(PERFORMANCE_RESULTS)
        markdown = performance.render_page(markdown, results)
    if any(marker in markdown for marker in serving.MARKERS):
        markdown = serving.render_page(markdown, serving.load_results(serving.cpu_results_file()))
    if TABLE_MARKER in markdown:
        markdown = render_page(markdown, load_table(COMPARISON_TABLE), page.file.src_uri)
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Lighten code, inline figures, keep a glossary tooltip on a term's first use per section.

    Args:
        html: The page's rendered content.
        page: The MkDocs page.
        config: The MkDocs config.
        files: The site's files.

    Returns:
        The content, lighter, with later uses of a term in a section as plain text.
    """
    html = inline_figures(unwrap_plain_tokens(html), page.url, DOCS_DIR)
    source = _notebooks.get(page.file.src_uri)
    if source is not None:
        try:
            html = notebook_links(source) + link_notebook_css(html, page.url)
        except ValueError as error:
            raise PluginError(str(error)) from None
    if page.file.src_uri.startswith(API_REFERENCE_DIR):
        return html
    return mark_first_uses(html)


def on_post_build(config: Any) -> None:
    """Write the record of which scripts each page shows into the built site.

    Args:
        config: The MkDocs config.
    """
    record = {page: scripts for page, scripts in sorted(_shown.pages.items()) if scripts}
    path = Path(config["site_dir"]) / SHOWN_EXAMPLES_FILE
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
