"""The site: what MkDocs runs at build time and what checks the built pages.

`hooks` is the MkDocs entry point; `directive` expands the one-line example
directive into framework tabs; `comparison` and the performance page render
data files; `gate` proves every Python block was executed; `browser` is the
one way to drive Debian's Chromium, used by `printable` (the PDF),
`screenshots` and the tests.
"""
