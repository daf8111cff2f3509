"""Captured outputs: one text for the CPU and the GPU runs of a script.

Outputs are captured on the CPU. On a GPU the same script names a CUDA device
where the CPU run names the CPU; `normalise` maps those names onto the CPU
form so that one committed file checks both runs. Nothing else is rewritten:
a snippet must print only what is deterministic.
"""

from __future__ import annotations

import re

_DEVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # PyTorch shows the device in a tensor's repr only when it is not the CPU.
    (re.compile(r", device='cuda:\d+'"), ""),
    # A device name ("cuda", "cuda:0"), not a module path such as torch.cuda.amp.
    (re.compile(r"(?<![.\w])cuda(?::\d+)?(?![.\w])"), "cpu"),
    (re.compile(r"\bGPU:\d+\b"), "CPU:0"),
)


def normalise(text: str) -> str:
    """Return ``text`` with GPU device names replaced by their CPU form.

    Args:
        text: Output as printed by a snippet.

    Returns:
        The text as the CPU run would have printed it.
    """
    for pattern, replacement in _DEVICE_RULES:
        text = pattern.sub(replacement, text)
    return text
