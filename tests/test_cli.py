"""The dlref command: what a reader types, and what a mistake looks like."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dlref.cli import main
from dlref.examples import verification
from dlref.examples.discovery import discover


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
        (["run", "autograd/nope"], "unknown example 'autograd/nope'; did you mean "),
        (["run", "nope"], "unknown example 'nope'; `dlref list` names them all"),
        (["run", "autograd/square", "--framework", "jax"], "invalid choice: 'jax'"),
        (
            ["run", "models/functional", "--framework", "both"],
            "models/functional has no pytorch version; it has: tensorflow",
        ),
        (["check", "autograd/squares"], "unknown topic or example 'autograd/squares'; did you "),
        (["check", "zzz"], "unknown topic or example 'zzz'; `dlref list` names them"),
        (["pdf", "--output", "/no/such/folder/t.pdf"], "/no/such/folder is not a folder"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["run"], "the following arguments are required: TOPIC/NAME"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_message(argv, expected, capsys):
    assert _exit_status(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    if "did you mean" in expected:
        assert "autograd/square" in err


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


def _topic(tmp_path, monkeypatch, tensorflow_total: str = "3"):
    """A snippets folder with one example whose two sides are plain Python."""
    topic = tmp_path / "snippets" / "basics"
    topic.mkdir(parents=True)
    (topic / "add_pytorch.py").write_text("total = 3\nprint(total)\n")
    (topic / "add_tensorflow.py").write_text(f"total = {tensorflow_total}\nprint(total)\n")
    (topic / "parity.toml").write_text('[add]\nvalues = ["total"]\n')
    monkeypatch.setenv("DLREF_SNIPPETS", str(tmp_path / "snippets"))
    monkeypatch.setattr(verification, "RECORD_FILE", tmp_path / "record.json")
    return topic


def test_check_reruns_only_what_changed_and_update_rewrites(tmp_path, monkeypatch, capsys):
    topic = _topic(tmp_path, monkeypatch)
    assert main(["check"]) == 1
    assert "add_pytorch.out is missing: run `dlref check --update basics/add`" in (
        capsys.readouterr().err
    )
    assert main(["check", "--update", "basics"]) == 0
    out = capsys.readouterr().out
    assert "updated  basics/add_pytorch.out" in out and "updated  verified-with.md" in out
    assert (topic / "add_tensorflow.out").read_text() == "3\n"

    assert main(["check"]) == 0
    assert "pass     basics/add (unchanged since it passed)" in capsys.readouterr().out
    (topic / "add_tensorflow.py").write_text(
        "total = 3  # a comment changes the key\nprint(total)\n"
    )
    assert main(["check", "basics/add"]) == 0
    assert "pass     basics/add\n" in capsys.readouterr().out
    assert main(["check", "--all"]) == 0
    assert "1 rerun, 0 unchanged" in capsys.readouterr().out

    (topic / "add_pytorch.out").write_text("4\n")  # a hand-edited output is rechecked
    assert main(["check"]) == 1
    assert "add_pytorch.out is stale" in capsys.readouterr().err


def test_an_update_never_writes_a_value_that_breaks_parity(tmp_path, monkeypatch, capsys):
    topic = _topic(tmp_path, monkeypatch, tensorflow_total="4")
    assert main(["check", "--update"]) == 1
    err = capsys.readouterr().err
    assert "snippets/basics/parity.toml [add]: total: 3 in PyTorch, 4 in TensorFlow" in err
    assert "nothing written while the scripts disagree; fix them, then run " in err
    assert "`dlref check --update basics/add`" in err
    assert "after fixing the scripts, rerun `dlref check basics/add`" in err
    assert not list(topic.glob("*.out"))


def test_a_corrupt_or_foreign_record_is_discarded_with_one_line(tmp_path, monkeypatch, capsys):
    _topic(tmp_path, monkeypatch)
    record = tmp_path / "record.json"
    for content in ("{not json", '{"format": "something else", "passed": {}}'):
        record.write_text(content)
        assert main(["check", "--update"]) == 0
        captured = capsys.readouterr()
        assert f"discarded {record}: not a check record of this checkout" in captured.err
        assert "1 rerun" in captured.out
    assert main(["check"]) == 0
    assert "discarded" not in capsys.readouterr().err


def test_a_table_too_long_to_print_is_one_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    from dlref.site import printable

    def too_long(site_dir, output):
        raise printable.TableTooLongError("the comparison table does not fit on one page")

    # The build is not what is tested here: it succeeds at once.
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0))
    monkeypatch.setattr(printable, "write_pdf", too_long)
    assert main(["pdf", "--output", str(tmp_path / "table.pdf")]) == 1
    err = capsys.readouterr().err
    assert err == "dlref: error: the comparison table does not fit on one page\n"
    assert not (tmp_path / "table.pdf").exists()
