"""The benchmark: time the same work in both frameworks, and read what the run wrote.

`run` runs it (and imports both frameworks): `workloads` describes the timed
models once, `flops` counts their arithmetic, `timing` is the one timer,
`modes` builds each way of running a step, `fairness` checks that every mode
did the same work, `peak` measures the machine's matmul rate, `inference`
times single forward calls, and `accuracy` runs the seed experiments.
`results` reads, checks, renders and draws the results files (and imports
neither framework).
"""
