"""Every snippet runs, prints what its page shows, and agrees with its other side.

Nothing here lists snippets: the parameters come from walking snippets/, so
a new script is executed and checked as soon as it exists. Tests of one topic
share an xdist group, so each script runs once per session (the output test
and the parity test read the same cached run) and each worker imports each
framework once.
"""

from __future__ import annotations

import pytest

from dlref.figures import check_figure, figure_data, load_figures
from dlref.outputs import UPDATE_COMMAND, check_output
from dlref.parity import check_specs_match, compare_runs, load_specs
from dlref.snippets import discover, snippets_root, topic_dirs
from dlref.transfer import (
    report_is_current,
    report_path,
    run_transfer_check,
    transfer_problems,
)
from dlref.versions import VERSIONS_FILE, render_versions

PAIRS = discover()


def _param(item, key: str, topic: str):
    return pytest.param(item, id=key, marks=pytest.mark.xdist_group(f"topic-{topic}"))


def test_snippets_exist():
    # Guards the parametrized tests below against silently collecting nothing.
    assert len(PAIRS) >= 9, f"expected the tensors and autograd examples under {snippets_root()}"


@pytest.mark.parametrize(
    "snippet",
    [_param(s, s.key, s.topic) for pair in PAIRS for s in pair.snippets],
)
def test_output_is_current(snippet, snippet_runs):
    run = snippet_runs.get(snippet)
    check = check_output(snippet.output_path, run.stdout)
    assert check.current, (
        f"{check.message()}\n--- committed\n{check.expected}\n--- fresh run\n{check.actual}"
    )


SPECS = [spec for topic_dir in topic_dirs() for spec in load_specs(topic_dir).values()]
SCRIPTS = {(s.topic, s.path.stem): s for pair in PAIRS for s in pair.snippets}


@pytest.mark.parametrize("spec", [_param(s, f"{s.topic}/{s.name}", s.topic) for s in SPECS])
def test_scripts_agree(spec, snippet_runs):
    if not spec.compares:
        pytest.skip(f"parity not applicable: {spec.reason}")
    left, right = (snippet_runs.get(SCRIPTS[spec.topic, stem]).namespace for stem in spec.scripts)
    problems = compare_runs(spec, left, right)
    if spec.transfer is not None:
        report = run_transfer_check(spec, left, right)
        problems += transfer_problems(spec, report)
        path = report_path(snippets_root() / spec.topic, spec)
        if not report_is_current(path, report):
            problems.append(f"{path} is stale or missing: run `{UPDATE_COMMAND}`")
    assert not problems, f"{spec.topic}/{spec.name}: the scripts disagree:\n" + "\n".join(problems)


FIGURES = [figure for topic_dir in topic_dirs() for figure in load_figures(topic_dir)]


@pytest.mark.parametrize(
    "figure",
    [_param(f, f"{f.topic_dir.name}/{f.name}", f.topic_dir.name) for f in FIGURES],
)
def test_figure_is_current(figure, snippet_runs):
    namespaces = {
        stem: snippet_runs.get(SCRIPTS[figure.topic_dir.name, stem]).namespace
        for stem in figure.scripts
    }
    problems = check_figure(figure, figure_data(figure, namespaces))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("topic_dir", topic_dirs(), ids=lambda path: path.name)
def test_parity_file_matches_examples(topic_dir):
    pairs = [pair for pair in PAIRS if pair.topic == topic_dir.name]
    problems = check_specs_match(topic_dir, pairs)
    assert not problems, "\n".join(problems)


def test_every_output_file_has_a_script():
    orphans = [
        out for out in snippets_root().glob("*/*.out") if not out.with_suffix(".py").exists()
    ]
    assert not orphans, f"output files without a script (delete them): {orphans}"


def test_versions_table_is_current():
    committed = (snippets_root() / VERSIONS_FILE).read_text(encoding="utf-8")
    assert committed == render_versions(), (
        f"snippets/{VERSIONS_FILE} does not match this environment: run `{UPDATE_COMMAND}`"
    )
