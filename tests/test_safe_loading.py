"""Loading an untrusted file refuses to run code, by default, in both frameworks.

Each test builds a malicious file whose payload would create a marker file, checks
that the default loader refuses it and that the marker was not written, then loads
it the unsafe way as a control: the payload does run, so the refusal is what protects.
The payloads only ever write that marker, inside the test's temporary folder.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest


def write_marker(path: str) -> None:
    """The payload: a harmless stand-in for arbitrary code."""
    Path(path).write_text("the payload ran\n")


class _Payload:
    """Unpickling this object calls write_marker(path)."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (write_marker, (self.path,))


def test_torch_load_refuses_a_pickled_call_by_default(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    marker = tmp_path / "marker.txt"
    checkpoint = tmp_path / "untrusted.pt"
    torch.save({"weight": torch.zeros(2), "extra": _Payload(marker)}, checkpoint)
    assert not marker.exists()

    with pytest.raises(pickle.UnpicklingError) as caught:
        torch.load(checkpoint)  # weights_only=True is the default
    message = str(caught.value)
    assert "Weights only load failed" in message
    assert f"Unsupported global: GLOBAL {__name__}.write_marker" in message
    assert not marker.exists()

    # Control: the file is really malicious; weights_only=False runs the payload.
    loaded = torch.load(checkpoint, weights_only=False)
    assert marker.read_text() == "the payload ran\n"
    assert loaded["extra"] is None  # write_marker's return value took the object's place


def test_torch_load_still_loads_a_plain_state_dict_without_flags(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(3, 2)
    torch.save(model.state_dict(), tmp_path / "model.pt")
    state = torch.load(tmp_path / "model.pt")
    assert set(state) == {"weight", "bias"}
    assert torch.equal(state["weight"], model.weight.detach())


def test_keras_load_model_refuses_a_python_lambda_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keras = pytest.importorskip("keras")
    np = pytest.importorskip("numpy")
    monkeypatch.chdir(tmp_path)  # the lambda writes its marker in the working directory
    marker = tmp_path / "marker.txt"

    inputs = keras.Input((2,))
    outputs = keras.layers.Lambda(lambda x: (open("marker.txt", "w").close(), x)[1])(inputs)
    model = keras.Model(inputs, outputs)
    assert marker.exists()  # building the functional graph called the lambda once
    marker.unlink()
    model.save("untrusted.keras")
    assert not marker.exists()

    with pytest.raises(ValueError) as caught:
        keras.models.load_model("untrusted.keras")  # safe_mode=True is the default
    message = str(caught.value)
    assert "Requested the deserialization of a `Lambda` layer" in message
    assert "safe_mode=False" in message
    assert not marker.exists()

    # Control: safe_mode=False deserialises the bytecode, and rebuilding the
    # functional graph already runs it, before the model is ever called.
    loaded = keras.models.load_model("untrusted.keras", safe_mode=False)
    assert marker.exists()
    marker.unlink()
    loaded(np.ones((1, 2), dtype="float32"))
    assert marker.exists()  # and every call runs it again
