"""Unit tests of the library: discovery, outputs, parity, devices, versions, scaffold."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import torch

from dlref.bridge import devices
from dlref.examples.artefacts import Artefact, update_command
from dlref.examples.discovery import SnippetError, discover, find_example
from dlref.examples.outputs import normalise
from dlref.examples.parity import (
    ParitySpec,
    ParitySpecError,
    compare_runs,
    compare_values,
    load_specs,
)
from dlref.examples.runner import run_snippet
from dlref.examples.scaffold import create_example
from dlref.examples.versions_table import render_versions

# --- discovery -------------------------------------------------------------


def test_discovery_pairs_scripts_by_name(tmp_path):
    topic = tmp_path / "basics"
    topic.mkdir()
    for name in ("add_pytorch.py", "add_tensorflow.py", "only_pytorch.py"):
        (topic / name).write_text("print(1)\n")
    pairs = discover(tmp_path)
    assert [(p.key, sorted(p.sides)) for p in pairs] == [
        ("basics/add", ["pytorch", "tensorflow"]),
        ("basics/only", ["pytorch"]),
    ]


@pytest.mark.parametrize("bad_name", ["torch.py", "helper.py", "add_jax.py", "Add_pytorch.py"])
def test_discovery_rejects_a_script_outside_the_naming_rule(tmp_path, bad_name):
    (tmp_path / "basics").mkdir()
    (tmp_path / "basics" / bad_name).write_text("")
    with pytest.raises(SnippetError, match=r"<name>_pytorch\.py or <name>_tensorflow\.py"):
        discover(tmp_path)


def test_unknown_example_names_the_nearest_valid_ones():
    with pytest.raises(SnippetError, match=r"did you mean autograd/square\b"):
        find_example("autograd/squares")


# --- outputs ---------------------------------------------------------------


def test_gpu_device_names_read_as_their_cpu_form():
    gpu_run = (
        "tensor([1., 2.], device='cuda:0')\ncuda\n/job:localhost/replica:0/task:0/device:GPU:0\n"
    )
    assert (
        normalise(gpu_run)
        == "tensor([1., 2.])\ncpu\n/job:localhost/replica:0/task:0/device:CPU:0\n"
    )
    # A module path is not a device name: a printed warning keeps it.
    assert normalise("torch.cuda.amp.GradScaler(args...) is deprecated") == (
        "torch.cuda.amp.GradScaler(args...) is deprecated"
    )


def test_a_generated_file_is_checked_and_rewritten_by_one_code_path(tmp_path):
    path = tmp_path / "x_pytorch.out"
    printed = {"text": "7\n"}
    artefact = Artefact(path, lambda _runs: printed["text"], update_command("t/x"))
    assert "is missing: run `dlref check --update t/x`" in artefact.problem(None)
    assert artefact.write(None) is True
    assert artefact.write(None) is False
    assert artefact.problem(None) is None
    printed["text"] = "8\n"
    stale = artefact.problem(None)
    assert stale.startswith(f"{path} is stale: run `dlref check --update t/x`")
    assert "-7\n+8" in stale.replace("\n\n", "\n")  # the diff, committed against fresh


# --- parity ----------------------------------------------------------------


def test_framework_values_convert_to_comparable_arrays():
    pairs = [
        (torch.tensor([1.0, 2.0]), tf.constant([1.0, 2.0])),
        (torch.float32, tf.float32),
        (torch.Size([3, 4]), tf.TensorShape([3, 4])),
        (torch.tensor(7.0, requires_grad=True) * 1, tf.Variable(7.0)),
    ]
    for torch_value, tf_value in pairs:
        assert compare_values("v", torch_value, tf_value, atol=0, rtol=0) == []


def test_parity_reports_shape_dtype_and_value_differences():
    assert compare_values("a", torch.zeros(2, 3), tf.zeros((3, 2)), 0, 0) == [
        "a: shape (2, 3) in PyTorch, (3, 2) in TensorFlow"
    ]
    assert compare_values("b", torch.arange(3), tf.range(3), 0, 0) == [
        "b: dtype int64 in PyTorch, int32 in TensorFlow"
    ]
    assert compare_values("c", torch.tensor(7.0), tf.constant(7.01), 1e-6, 1e-6) == [
        "c: PyTorch 7.0, TensorFlow 7.010000228881836 (differ by 0.01; atol=1e-06, rtol=1e-06)"
    ]
    assert compare_values("d", torch.float32, tf.float64, 0, 0) == [
        "d: 'float32' in PyTorch, 'float64' in TensorFlow"
    ]


def test_parity_catches_a_wrong_gradient_in_a_real_run():
    square = find_example("autograd/square")
    spec = load_specs(square.sides["pytorch"].path.parent)["square"]
    pytorch = run_snippet(square.sides["pytorch"]).namespace
    tensorflow = dict(run_snippet(square.sides["tensorflow"]).namespace)
    assert compare_runs(spec, pytorch, tensorflow) == []
    tensorflow["dy_dx"] = tensorflow["dy_dx"] + 1.0  # as if the derivative were 2x + 4
    assert compare_runs(spec, pytorch, tensorflow) == [
        "dy_dx: PyTorch 7.0, TensorFlow 8.0 (differ by 1; atol=1e-06, rtol=1e-06)",
        "dy_dx: TensorFlow 8.0, the stated value 7.0 (differ by 1; atol=1e-06, rtol=1e-06)",
    ]
    del tensorflow["dy_dx"]
    assert compare_runs(spec, pytorch, tensorflow) == [
        "dy_dx: not defined by the TensorFlow script"
    ]


def test_stated_values_bind_both_sides_even_when_they_agree():
    spec = ParitySpec(
        topic="t",
        name="n",
        values=("g",),
        scripts=("n_pytorch", "n_tensorflow"),
        expect={"g": 7.0},
    )
    wrong_in_both = {"g": torch.tensor(6.0)}, {"g": tf.constant(6.0)}
    problems = compare_runs(spec, *wrong_in_both)
    assert problems == [
        "g: PyTorch 6.0, the stated value 7.0 (differ by 1; atol=1e-06, rtol=1e-06)",
        "g: TensorFlow 6.0, the stated value 7.0 (differ by 1; atol=1e-06, rtol=1e-06)",
    ]


def test_scripts_key_compares_any_two_scripts_and_names_them(tmp_path):
    (tmp_path / "parity.toml").write_text(
        '[fit]\nscripts = ["loop_pytorch", "fit_tensorflow"]\nvalues = ["losses"]\n'
    )
    spec = load_specs(tmp_path)["fit"]
    assert spec.scripts == ("loop_pytorch", "fit_tensorflow")
    assert compare_runs(spec, {"losses": [1.0, 0.5]}, {"losses": [1.0, 0.6]}) == [
        "losses: loop_pytorch [1.0, 0.5], fit_tensorflow [1.0, 0.6] "
        "(differ by 0.1; atol=1e-06, rtol=1e-06)"
    ]
    assert compare_runs(spec, {"losses": [1.0]}, {}) == [
        "losses: not defined by the fit_tensorflow script"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[a]\nvalues = []\n", "compares nothing needs a 'reason'"),
        ('[a]\nvalues = ["x"]\nscripts = ["only_one"]\n', "must name two scripts"),
        ("[a]\nexpect = 7\n", "'expect' must be a table"),
        ('[a]\nvalues = "x"\n', "must be a list of names"),
        ('[a]\nvalues = ["x"]\ntolerance = 1\n', "unknown keys"),
    ],
)
def test_malformed_parity_files_are_rejected(tmp_path, content, message):
    (tmp_path / "parity.toml").write_text(content)
    with pytest.raises(ParitySpecError, match=message):
        load_specs(tmp_path)


def test_an_entry_without_values_keeps_its_reason(tmp_path):
    (tmp_path / "parity.toml").write_text('[a]\nvalues = []\nreason = "random numbers"\n')
    assert load_specs(tmp_path)["a"] == ParitySpec(
        topic=tmp_path.name,
        name="a",
        values=(),
        scripts=("a_pytorch", "a_tensorflow"),
        reason="random numbers",
    )


# --- devices ---------------------------------------------------------------


@pytest.mark.parametrize(("value", "kind"), [("", None), ("cpu", "cpu"), (" CUDA ", "cuda")])
def test_device_variable_is_parsed(monkeypatch, value, kind):
    monkeypatch.setenv("DLREF_DEVICE", value)
    assert devices.requested_kind() == kind


def test_forcing_the_cpu_wins_over_a_gpu(monkeypatch):
    monkeypatch.setenv("DLREF_DEVICE", "cpu")
    assert devices.torch_device().type == "cpu"
    assert devices.tensorflow_device() == "/CPU:0"


def test_forcing_cuda_without_a_gpu_is_an_error(monkeypatch):
    monkeypatch.setenv("DLREF_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(devices.DeviceError, match="DLREF_DEVICE=cuda, but PyTorch sees no GPU"):
        devices.torch_device()


def test_unset_device_follows_what_the_framework_sees(monkeypatch):
    monkeypatch.delenv("DLREF_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert devices.torch_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert devices.torch_device().type == "cpu"


def test_required_gpu_missing_in_one_framework_names_it(monkeypatch):
    monkeypatch.setenv("DLREF_REQUIRE_GPU", "1")
    monkeypatch.setattr(
        devices, "gpu_report", lambda: devices.GpuReport(torch=[], tensorflow=["/GPU:0"])
    )
    with pytest.raises(devices.DeviceError, match="PyTorch sees no GPU"):
        devices.check_required_gpu()
    monkeypatch.setattr(
        devices, "gpu_report", lambda: devices.GpuReport(torch=["H100"], tensorflow=["/GPU:0"])
    )
    devices.check_required_gpu()
    monkeypatch.setenv("DLREF_REQUIRE_GPU", "0")
    monkeypatch.setattr(devices, "gpu_report", lambda: devices.GpuReport(torch=[], tensorflow=[]))
    devices.check_required_gpu()


# --- versions and scaffold -------------------------------------------------


def test_versions_table_counts_the_examples(tmp_path):
    (tmp_path / "t").mkdir()
    for name in ("a_pytorch.py", "a_tensorflow.py", "b_pytorch.py"):
        (tmp_path / "t" / name).write_text("")
    table = render_versions(tmp_path)
    assert table.startswith("Every example on this site (3 scripts in 2 examples)")
    assert "| PyTorch | 2.13.0 |" in table and "| NumPy | " in table
    assert "+cpu" not in table


def test_scaffolded_example_is_discovered_runs_and_agrees(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    result = create_example(tmp_path, "concepts", "reductions", "sum_all")
    assert [str(p) for p in result.created] == [
        "snippets/reductions/sum_all_pytorch.py",
        "snippets/reductions/sum_all_tensorflow.py",
        "snippets/reductions/parity.toml",
        "docs/concepts/reductions.md",
    ]
    (pair,) = discover(tmp_path / "snippets")
    runs = {fw: run_snippet(snippet) for fw, snippet in pair.sides.items()}
    assert runs["pytorch"].stdout == "tensor(15.)\n"
    spec = load_specs(tmp_path / "snippets" / "reductions")["sum_all"]
    assert compare_runs(spec, runs["pytorch"].namespace, runs["tensorflow"].namespace) == []
    page = (tmp_path / "docs/concepts/reductions.md").read_text()
    assert "<!-- dlref:example reductions/sum_all -->" in page
    with pytest.raises(SnippetError, match="exists already"):
        create_example(tmp_path, "concepts", "reductions", "sum_all")
    assert np.isclose(float(runs["tensorflow"].namespace["total"]), 15.0)


# --- runner ----------------------------------------------------------------


def test_each_run_starts_from_fresh_framework_state(tmp_path):
    import keras

    from dlref.examples.discovery import Snippet

    script = tmp_path / "leak_tensorflow.py"
    script.write_text(
        "import keras\n"
        "print(keras.config.dtype_policy().name, keras.layers.Dense(1).name)\n"
        "keras.config.set_dtype_policy('mixed_bfloat16')\n"
    )
    snippet = Snippet("t", "leak", "tensorflow", script)
    first, second = run_snippet(snippet), run_snippet(snippet)
    assert first.stdout == second.stdout == "float32 dense\n"
    keras.config.set_dtype_policy("float32")


# --- transfer tables and reports -------------------------------------------


def test_transfer_table_is_parsed_with_its_defaults(tmp_path):
    from dlref.examples.transfer_check import TransferCheck

    (tmp_path / "parity.toml").write_text(
        '[net]\nvalues = ["parameter_count"]\n'
        "[net.transfer]\ninput_shape = [1, 3, 32, 32]\nflatten_from = { fc = [16, 5, 5] }\n"
    )
    spec = load_specs(tmp_path)["net"]
    assert spec.transfer == TransferCheck(
        input_shape=(1, 3, 32, 32), flatten_from={"fc": (16, 5, 5)}
    )
    assert spec.compares


@pytest.mark.parametrize(
    ("transfer", "message"),
    [
        ("[net.transfer]\natol = 1e-3\n", "must be a table with an 'input_shape'"),
        ("[net.transfer]\ninput_shape = [1, 4]\nshape = 1\n", r"unknown keys \['shape'\]"),
    ],
)
def test_malformed_transfer_tables_are_rejected(tmp_path, transfer, message):
    (tmp_path / "parity.toml").write_text('[net]\nvalues = ["x"]\n' + transfer)
    with pytest.raises(ParitySpecError, match=message):
        load_specs(tmp_path)


def test_a_rendered_report_keeps_its_layers_in_order():
    from dlref.bridge.model_diff import LayerDiff, TransferReport
    from dlref.examples.transfer_check import render_report, report_layers

    report = TransferReport(
        layers=[
            LayerDiff("features.0", "features.0", 1e-7, 1e-7, 2e-9, 1e-7),
            LayerDiff("fc", "fc", 3e-8, 1e-7, 1e-9, 1e-7),
        ],
        output_abs=3e-8,
        input_grad_abs=1e-10,
    )
    text = render_report(report)
    assert report_layers(text) == ["features.0", "fc"]
    assert "| `features.0` | 1.0e-07 | 1.0e-07 | 2.0e-09 | 1.0e-07 |" in text
    assert text.endswith("gradient with respect to the input: 1.0e-10.\n")
