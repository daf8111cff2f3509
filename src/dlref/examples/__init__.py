"""The example pipeline: from a pair of scripts to checked outputs, parity and figures.

`discovery` finds the examples, `runner` runs them in this process,
`artefacts` lists every file a run regenerates (outputs, figures, transfer
reports, the versions table) and checks or rewrites them, `parity` and
`transfer_check` compare the two frameworks, `verification` reruns only
what changed, and `scaffold` creates a new example.
"""
