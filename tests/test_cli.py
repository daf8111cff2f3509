"""The dlref command: what a reader types, and what a mistake looks like."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dlref.cli import main
from dlref.snippets import discover


def test_list_names_every_example_with_its_frameworks(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(discover())
    assert any(line.split() == ["autograd/square", "PyTorch,", "TensorFlow"] for line in lines)


def test_run_one_framework_prints_its_output(capsys):
    assert main(["run", "autograd/square", "--framework", "pytorch"]) == 0
    assert capsys.readouterr().out == (
        "--- PyTorch: autograd/square_pytorch.py\ntensor(11., grad_fn=<AddBackward0>)\ntensor(7.)\n"
    )


def test_run_without_framework_runs_every_side_the_example_has(capsys):
    assert main(["run", "models/functional"]) == 0
    assert capsys.readouterr().out.startswith("--- TensorFlow: models/functional_tensorflow.py\n")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "autograd/nope"], "unknown example 'autograd/nope'; valid examples: "),
        (["run", "nope"], "unknown example 'nope'; valid examples: "),
        (["run", "autograd/square", "--framework", "jax"], "invalid choice: 'jax'"),
        (
            ["run", "models/functional", "--framework", "both"],
            "models/functional has no pytorch version; it has: tensorflow",
        ),
        (["snippets", "nope"], "unknown topic 'nope'; valid topics: "),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["run"], "the following arguments are required: TOPIC/NAME"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_message(argv, expected, capsys):
    assert _exit_status(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    if "valid examples" in expected:
        assert "autograd/square" in err
    if "valid topics" in expected:
        assert "autograd" in err and "tensors" in err


def _exit_status(argv: list[str]) -> int:
    """The status `dlref ARGV` ends with, whether main returns it or argparse exits."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code)


def test_bad_device_variable_is_a_usage_error_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "dlref.cli", "doctor"],
        env={**os.environ, "DLREF_DEVICE": "tpu"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "DLREF_DEVICE='tpu' is not a device kind; use one of: cpu, cuda" in result.stderr
    assert "Traceback" not in result.stderr


def test_doctor_reports_versions_and_devices(capsys, monkeypatch):
    monkeypatch.delenv("DLREF_DEVICE", raising=False)
    monkeypatch.delenv("DLREF_REQUIRE_GPU", raising=False)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "PyTorch 2." in out and "TensorFlow 2." in out
    assert "examples run on cpu" in out or "examples run on cuda" in out
