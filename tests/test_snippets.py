"""Every snippet runs, prints what its page shows, and agrees with its other side.

Nothing here lists snippets: the parameters come from `check_groups`, which
walks snippets/, the same list `dlref check` iterates, so a new script is
executed and checked as soon as it exists. Tests of one topic share an xdist
group, so each script runs once per session (the output, figure, report and
parity tests read the same cached run) and each worker imports each
framework once.
"""

from __future__ import annotations

import pytest

from dlref.examples.artefacts import check_groups, parity_problems, versions_artefact
from dlref.examples.discovery import discover, topic_dirs
from dlref.examples.parity import check_specs_match
from dlref.paths import snippets_root

EXAMPLES = discover()
GROUPS = check_groups()


def _param(item, key: str, topic: str):
    return pytest.param(item, id=key, marks=pytest.mark.xdist_group(f"topic-{topic}"))


def test_snippets_exist():
    # Guards the parametrized tests below against silently collecting nothing.
    assert len(EXAMPLES) >= 9, f"expected the tensors and autograd examples under {snippets_root()}"
    assert sum(len(group.artefacts) for group in GROUPS) >= len(EXAMPLES)


@pytest.mark.parametrize(
    "artefact",
    [_param(a, a.label, group.topic) for group in GROUPS for a in group.artefacts],
)
def test_generated_file_is_current(artefact, snippet_runs):
    problem = artefact.problem(snippet_runs)
    assert problem is None, problem


@pytest.mark.parametrize(
    "spec",
    [_param(s, f"{s.topic}/{s.name}", s.topic) for group in GROUPS for s in group.specs],
)
def test_scripts_agree(spec, snippet_runs):
    if not spec.compares:
        pytest.skip(f"parity not applicable: {spec.reason}")
    problems = parity_problems(spec, snippet_runs)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("topic_dir", topic_dirs(), ids=lambda path: path.name)
def test_parity_file_matches_examples(topic_dir):
    examples = [example for example in EXAMPLES if example.topic == topic_dir.name]
    problems = check_specs_match(topic_dir, examples)
    assert not problems, "\n".join(problems)


def test_every_output_file_has_a_script():
    orphans = [
        out for out in snippets_root().glob("*/*.out") if not out.with_suffix(".py").exists()
    ]
    assert not orphans, f"output files without a script (delete them): {orphans}"


def test_versions_table_is_current(snippet_runs):
    problem = versions_artefact().problem(snippet_runs)
    assert problem is None, problem
