"""dlref: PyTorch and TensorFlow side by side, with every example executed.

The package holds what the site's examples, tests and command line share:
finding the paired snippets (`dlref.examples.discovery`), running them
(`dlref.examples.runner`), checking their captured outputs (`dlref.examples.outputs`),
comparing the two frameworks' results (`dlref.examples.parity`), choosing a device
(`dlref.bridge.devices`) and stamping the versions a run used (`dlref.bridge.versions`).
"""

__version__ = "0.1.0"
