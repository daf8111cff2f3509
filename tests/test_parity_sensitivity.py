"""The training-loop parity is sharp enough to notice a changed learning rate."""

from __future__ import annotations

import pytest

from dlref.examples.discovery import Snippet, find_example
from dlref.examples.parity import compare_runs, load_specs
from dlref.examples.runner import run_snippet
from dlref.paths import snippets_root

pytestmark = pytest.mark.xdist_group("topic-training")


@pytest.mark.parametrize("new_rate", ["0.101", "0.099"])
def test_loss_curves_disagree_when_one_learning_rate_changes(tmp_path, snippet_runs, new_rate):
    loop = find_example("training/loop")
    source = loop.sides["tensorflow"].path.read_text(encoding="utf-8")
    assert source.count("LEARNING_RATE = 0.1\n") == 1
    perturbed = tmp_path / "loop_tensorflow.py"
    perturbed.write_text(source.replace("LEARNING_RATE = 0.1\n", f"LEARNING_RATE = {new_rate}\n"))

    spec = load_specs(snippets_root() / "training")["loop"]
    pytorch = snippet_runs.get(loop.sides["pytorch"]).namespace
    tensorflow = run_snippet(Snippet("training", "loop", "tensorflow", perturbed)).namespace

    problems = compare_runs(spec, pytorch, tensorflow)
    assert problems, "a 1% change of one side's learning rate went unnoticed"
    assert problems[0].startswith("losses: at [")
    assert "PyTorch" in problems[0] and "TensorFlow" in problems[0]
