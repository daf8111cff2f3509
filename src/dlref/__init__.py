"""dlref: PyTorch and TensorFlow side by side, with every example executed.

The package holds what the site's examples, tests and command line share:
finding the paired snippets (`dlref.snippets`), running them
(`dlref.runner`), checking their captured outputs (`dlref.outputs`),
comparing the two frameworks' results (`dlref.parity`), choosing a device
(`dlref.devices`) and stamping the versions a run used (`dlref.versions`).
"""

__version__ = "0.1.0"
