"""The benchmark: one module runs it, the other reads what it wrote.

`experiment` runs the experiment (and imports both frameworks); `results`
reads, summarises and draws what it wrote (and imports neither).
"""
