"""Own-process scripts, the API Rosetta index and the diagrams: current, and able to fail.

The examples themselves (training in practice, Keras 3 on two backends) are
checked by tests/test_snippets.py like every other example; this file checks
the machinery they need and the generated files that are not a topic's.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from dlref.examples.artefacts import Artefact, diagram_artefacts, rosetta_artefact
from dlref.examples.discovery import snippet_at
from dlref.examples.isolated import IsolatedRunError
from dlref.examples.parity import compare_runs, load_specs
from dlref.examples.rosetta import render_rosetta, script_calls
from dlref.examples.runner import run_here, run_snippet
from dlref.paths import snippets_root
from dlref.site.diagrams import autograd_graph_svg, memory_layout_svg

MARKER_MODULE = "dlref_test_parent_only"


def _script(folder: Path, name: str, text: str) -> Path:
    topic = folder / "demo"
    topic.mkdir(exist_ok=True)
    path = topic / name
    path.write_text(text, encoding="utf-8")
    return path


def test_own_process_script_runs_in_a_fresh_interpreter(tmp_path, monkeypatch):
    # A module only this process has: a fresh interpreter cannot see it.
    monkeypatch.setitem(sys.modules, MARKER_MODULE, types.ModuleType(MARKER_MODULE))
    source = (
        "import sys\n"
        f"inherited = {MARKER_MODULE!r} in sys.modules\n"
        "values = [1.5, 2.5]\n"
        "print('inherited', inherited)\n"
    )
    marked = snippet_at(
        _script(tmp_path, "fresh_pytorch.py", "# dlref:own-process: test\n" + source)
    )
    plain = snippet_at(_script(tmp_path, "same_pytorch.py", source))
    isolated, here = run_snippet(marked), run_snippet(plain)
    assert isolated.stdout == "inherited False\n"
    assert here.stdout == "inherited True\n"
    assert isolated.namespace["values"].tolist() == [1.5, 2.5]
    assert isolated.namespace["inherited"] is False
    # Without the marker the same script would have seen the parent's modules.
    assert run_here(marked).stdout == "inherited True\n"


def test_own_process_failure_names_the_script(tmp_path):
    marked = snippet_at(
        _script(
            tmp_path,
            "broken_pytorch.py",
            "# dlref:own-process: test\nraise ValueError('planted fault')\n",
        )
    )
    with pytest.raises(IsolatedRunError, match=r"broken_pytorch\.py.*\n(.|\n)*planted fault"):
        run_snippet(marked)


def test_keras_torch_scripts_are_marked():
    # The PyTorch side of the Keras 3 example must not run in the worker's
    # process, where Keras was already imported with TensorFlow.
    assert snippet_at(snippets_root() / "keras3" / "backends_pytorch.py").own_process_reason


def test_rosetta_index_is_current(snippet_runs):
    problem = rosetta_artefact().problem(snippet_runs)
    assert problem is None, problem


def test_rosetta_pairs_a_call_with_the_other_side_of_its_part(tmp_path):
    _script(
        tmp_path,
        "step_pytorch.py",
        "import torch\nfrom torch import nn\n"
        "# %% Model\nmodel = nn.Linear(2, 1)\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "# %% Step\noptimizer.zero_grad()\nloss = model(torch.ones(2)).sum()\n"
        "loss.backward()\noptimizer.step()\nvalue = loss.item()\nvalue.hex()\n",
    )
    _script(
        tmp_path,
        "step_tensorflow.py",
        "import keras\nimport tensorflow as tf\n"
        "# %% Model\nmodel = keras.layers.Dense(1)\n"
        "optimizer = keras.optimizers.SGD(learning_rate=0.1)\n"
        "# %% Step\nwith tf.GradientTape() as tape:\n"
        "    loss = tf.reduce_sum(model(tf.ones([1, 2])))\n"
        "grads = tape.gradient(loss, model.trainable_variables)\n",
    )
    calls = {c.name: c.part for c in script_calls(tmp_path / "demo" / "step_pytorch.py")}
    assert calls["torch.nn.Linear"] == 1
    assert calls["optimizer.zero_grad()"] == 2
    assert "value.hex()" not in calls  # .item() returned a plain number
    index = render_rosetta(tmp_path, docs_dir=tmp_path)
    row = next(line for line in index.splitlines() if line.startswith("| `optimizer.zero_grad()`"))
    assert "`tape.gradient()`" in row
    assert "`tf.GradientTape`" in row
    assert "`keras.optimizers.SGD`" not in row  # another part of the script


def test_stale_generated_file_names_the_fix(tmp_path, snippet_runs):
    committed = tmp_path / "rosetta.md"
    committed.write_text("| `torch.nn.Linear` | planted stale row |\n", encoding="utf-8")
    fresh = rosetta_artefact()
    stale = Artefact(path=committed, render=fresh.render, fix=fresh.fix)
    problem = stale.problem(snippet_runs)
    assert problem is not None
    assert "dlref check --update" in problem


@pytest.mark.parametrize("artefact", diagram_artefacts(), ids=lambda a: a.path.name)
def test_diagram_is_current(artefact, snippet_runs):
    problem = artefact.problem(snippet_runs)
    assert problem is None, problem


def test_diagrams_are_stable_and_self_contained(snippet_runs):
    assert memory_layout_svg() == memory_layout_svg()
    for artefact in diagram_artefacts():
        text = artefact.path.read_text(encoding="utf-8")
        assert "<script" not in text
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in text
        assert "@font-face" not in text


def test_autograd_diagram_follows_the_graph():
    torch = pytest.importorskip("torch")
    x = torch.tensor(2.0, requires_grad=True)
    drawn = autograd_graph_svg(x * 3)  # a planted change of the graph
    assert "MulBackward0" in drawn
    assert "PowBackward0" not in drawn


def test_resume_check_fails_when_the_shuffler_is_not_restored(tmp_path):
    # Plant the commonest resume bug in a copy of the PyTorch script: the
    # checkpoint is loaded, but the DataLoader's generator is not restored.
    pytest.importorskip("torch")
    source = (snippets_root() / "practice" / "resume_pytorch.py").read_text(encoding="utf-8")
    restore = 'shuffler.set_state(checkpoint["shuffler"])\n'
    assert restore in source
    faulty = snippet_at(_script(tmp_path, "resume_pytorch.py", source.replace(restore, "")))
    namespace = run_here(faulty).namespace
    spec = load_specs(snippets_root() / "practice")["resume"]
    problems = compare_runs(spec, namespace, namespace)
    assert any(problem.startswith("same_weights") for problem in problems), problems
    assert any(problem.startswith("max_difference") for problem in problems), problems
