"""What a Zensical build of the site lacks next to the MkDocs build.

Material for MkDocs is in maintenance mode, and Zensical is its successor: it
reads ``mkdocs.yml``, but runs no MkDocs hooks and only some plugins. CI's
non-blocking ``zensical`` job builds the site both ways and prints this report,
so the cost of a move is a list measured on every push rather than a guess:
the pages Zensical does not write, the pages where it shows fewer Python blocks
(an example directive it did not expand), and the files of the MkDocs build it
does not produce (the build's record of examples, ``llms.txt``, the scripts).

Run it as ``python -m dlref.site.zensical_report MKDOCS_SITE ZENSICAL_SITE``;
it exits with status 1 when anything is missing.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from dlref.site.gate import rendered_python_blocks

#: Folders each tool fills with its own theme bundle and search index: not compared.
THEME_FOLDERS = ("assets", "search")


@dataclass(frozen=True)
class Gap:
    """One thing the MkDocs build has and the Zensical build lacks."""

    path: str
    """The file, relative to the top of the site (``concepts/autograd/index.html``)."""
    problem: str
    """What is missing, in words."""


def compare_builds(mkdocs_site: Path, zensical_site: Path) -> list[Gap]:
    """List what the Zensical build lacks, page by page and file by file.

    Args:
        mkdocs_site: The folder ``mkdocs build`` wrote.
        zensical_site: The folder ``zensical build`` wrote.

    Returns:
        The gaps, pages first, each group sorted by path.
    """
    pages: list[Gap] = []
    files: list[Gap] = []
    for built in sorted(mkdocs_site.rglob("*")):
        if not built.is_file():
            continue
        relative = built.relative_to(mkdocs_site)
        if relative.parts[0] in THEME_FOLDERS:
            continue
        other = zensical_site / relative
        if built.suffix != ".html":
            if not other.exists():
                files.append(Gap(relative.as_posix(), "the file"))
            continue
        if not other.is_file():
            pages.append(Gap(relative.as_posix(), "the page"))
            continue
        ours = rendered_python_blocks(built.read_text(encoding="utf-8"))
        theirs = rendered_python_blocks(other.read_text(encoding="utf-8"))
        if theirs < ours:
            pages.append(Gap(relative.as_posix(), f"{ours - theirs} of its {ours} Python blocks"))
    return pages + _collapse(files)


def _collapse(gaps: list[Gap]) -> list[Gap]:
    """Report files missing from a folder once per kind, not once per file."""
    groups: dict[str, list[Gap]] = {}
    for gap in gaps:
        top, _, rest = gap.path.partition("/")
        key = f"{top}/**/*{Path(rest).suffix}" if rest else gap.path
        groups.setdefault(key, []).append(gap)
    return [
        group[0] if len(group) == 1 and key == group[0].path else Gap(key, f"{len(group)} files")
        for key, group in groups.items()
    ]


def render_report(gaps: list[Gap]) -> str:
    """Return the gaps as a Markdown section for the CI job's summary.

    Args:
        gaps: What `compare_builds` found.

    Returns:
        Markdown: a heading, then a table of gaps or a sentence saying there are none.
    """
    lines = ["## Zensical build against the MkDocs build", ""]
    if not gaps:
        return "\n".join([*lines, "Nothing missing: every page, block and file is there.", ""])
    lines += ["| Path | Missing from the Zensical build |", "| --- | --- |"]
    lines += [f"| `{gap.path}` | {gap.problem} |" for gap in gaps]
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    """Print the report for two built sites.

    Args:
        argv: The command-line arguments; ``sys.argv[1:]`` when omitted.

    Returns:
        0 when the Zensical build lacks nothing, 1 when it does, 2 for a wrong folder.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mkdocs_site", type=Path, help="the folder mkdocs build wrote")
    parser.add_argument("zensical_site", type=Path, help="the folder zensical build wrote")
    args = parser.parse_args(argv)
    for folder in (args.mkdocs_site, args.zensical_site):
        if not folder.is_dir():
            print(f"error: {folder} is not a built site (no such folder)", file=sys.stderr)
            return 2
    gaps = compare_builds(args.mkdocs_site, args.zensical_site)
    print(render_report(gaps))
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
