"""Which device the examples run on, decided the same way for both frameworks.

The rule is the one every snippet spells out inline: CUDA when a GPU is
visible, the CPU otherwise, and the environment variable ``DLREF_DEVICE``
(``cpu`` or ``cuda``) forces either. ``DLREF_REQUIRE_GPU=1`` turns a missing
GPU into an error, so that a misconfigured GPU runner cannot pass on the CPU.

The frameworks are imported inside the functions that need them: asking for
the PyTorch device must not pay for importing TensorFlow, and the reverse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import torch

DeviceKind = Literal["cpu", "cuda"]
DEVICE_KINDS: tuple[DeviceKind, ...] = ("cpu", "cuda")
DEVICE_ENV = "DLREF_DEVICE"
REQUIRE_GPU_ENV = "DLREF_REQUIRE_GPU"


class DeviceError(RuntimeError):
    """A device was asked for that this machine cannot provide."""


def requested_kind() -> DeviceKind | None:
    """Return the device kind forced by ``DLREF_DEVICE``, if any.

    Returns:
        ``"cpu"`` or ``"cuda"`` when the variable is set, ``None`` when it is
        unset or empty.

    Raises:
        DeviceError: The variable holds anything else.
    """
    value = os.environ.get(DEVICE_ENV, "").strip().lower()
    if not value:
        return None
    if value not in DEVICE_KINDS:
        raise DeviceError(f"{DEVICE_ENV}={value!r} is not a device kind; use one of: cpu, cuda")
    return value  # type: ignore[return-value]


def gpu_required() -> bool:
    """Return whether ``DLREF_REQUIRE_GPU`` asks for a GPU in both frameworks."""
    return os.environ.get(REQUIRE_GPU_ENV, "").strip().lower() in {"1", "true", "yes"}


def torch_gpu_names() -> list[str]:
    """Return the names of the CUDA devices PyTorch sees (empty on a CPU machine)."""
    import torch

    return [torch.cuda.get_device_name(index) for index in range(torch.cuda.device_count())]


def tensorflow_gpu_names() -> list[str]:
    """Return the names of the GPUs TensorFlow sees (empty on a CPU machine)."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def _choose(framework: str, gpu_visible: bool) -> DeviceKind:
    forced = requested_kind()
    if forced == "cuda" and not gpu_visible:
        raise DeviceError(f"{DEVICE_ENV}=cuda, but {framework} sees no GPU on this machine")
    if forced is not None:
        return forced
    return "cuda" if gpu_visible else "cpu"


def torch_device() -> torch.device:
    """Return the ``torch.device`` the examples use.

    Returns:
        ``cuda`` when PyTorch sees a GPU, ``cpu`` otherwise, unless
        ``DLREF_DEVICE`` forces one.

    Raises:
        DeviceError: ``DLREF_DEVICE=cuda`` on a machine where PyTorch sees no GPU.
    """
    import torch

    return torch.device(_choose("PyTorch", torch.cuda.is_available()))


def tensorflow_device() -> str:
    """Return the TensorFlow device string the examples use, for ``tf.device``.

    Returns:
        ``"/GPU:0"`` when TensorFlow sees a GPU, ``"/CPU:0"`` otherwise, unless
        ``DLREF_DEVICE`` forces one.

    Raises:
        DeviceError: ``DLREF_DEVICE=cuda`` on a machine where TensorFlow sees no GPU.
    """
    kind = _choose("TensorFlow", bool(tensorflow_gpu_names()))
    return "/GPU:0" if kind == "cuda" else "/CPU:0"


@dataclass(frozen=True)
class GpuReport:
    """The GPUs each framework sees.

    Attributes:
        torch: Names of the CUDA devices PyTorch sees.
        tensorflow: Names of the GPUs TensorFlow sees.
    """

    torch: list[str]
    tensorflow: list[str]

    def missing(self) -> list[str]:
        """Return the frameworks that see no GPU."""
        return [
            name
            for name, gpus in (("PyTorch", self.torch), ("TensorFlow", self.tensorflow))
            if not gpus
        ]


def gpu_report() -> GpuReport:
    """Ask both frameworks which GPUs they see."""
    return GpuReport(torch=torch_gpu_names(), tensorflow=tensorflow_gpu_names())


def check_required_gpu() -> None:
    """Fail unless both frameworks see a GPU, when ``DLREF_REQUIRE_GPU`` asks for one.

    Raises:
        DeviceError: A GPU is required and PyTorch or TensorFlow sees none.
    """
    if not gpu_required():
        return
    missing = gpu_report().missing()
    if missing:
        raise DeviceError(
            f"{REQUIRE_GPU_ENV}=1, but {' and '.join(missing)} "
            f"{'sees' if len(missing) == 1 else 'see'} no GPU: "
            "install the GPU profile (make setup PROFILE=gpu) on a machine with a CUDA GPU"
        )
