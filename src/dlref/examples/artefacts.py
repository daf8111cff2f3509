"""Every file a run regenerates, as one kind of thing, and the groups of scripts that make them.

A generated file (an `Artefact`) is a path, a way to render its content from
runs, and a rule for "is the committed file current". The captured outputs,
a figure's numbers and drawing, a transfer report, the values pages quote
and the versions table are all artefacts; checking one and rewriting it are the same code path.

Scripts that must be checked together form a `CheckGroup`: an example's two
sides, joined with any script a parity table or a figure compares them with.
`check_groups` lists every group, with its parity tables and its artefacts;
``dlref check``, ``dlref check --update`` and the tests all iterate it, so
they cannot drift apart. An update writes nothing for a group whose parity
fails: a value that breaks parity never reaches a committed file.
"""

from __future__ import annotations

import difflib
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlref.examples.discovery import (
    Example,
    Snippet,
    SnippetError,
    discover,
    snippet_at,
    topic_dirs,
)
from dlref.examples.figures import FigureSpec, figure_data, load_figures, render_svg
from dlref.examples.outputs import normalise
from dlref.examples.parity import ParitySpec, compare_runs, load_specs
from dlref.examples.quoted_values import (
    VALUES_FILE,
    QuotedValue,
    load_quoted,
    plain,
    record_path,
    records_match,
    render_record,
)
from dlref.examples.rosetta import ROSETTA_FILE, render_rosetta
from dlref.examples.runner import RunCache
from dlref.examples.transfer_check import (
    REPORT_SUFFIX,
    render_report,
    report_layers,
    run_transfer_check,
    transfer_problems,
)
from dlref.examples.versions_table import VERSIONS_FILE, render_versions
from dlref.paths import CHECKOUT, snippets_root

#: Lines of a unified diff shown in a message before it is cut.
_DIFF_LINES = 40


def update_command(target: str | None = None) -> str:
    """The command that rewrites generated files, for one target or all of them.

    Args:
        target: A topic or ``topic/name``; ``None`` for everything.

    Returns:
        E.g. ``"dlref check --update autograd/square"``.
    """
    return "dlref check --update" + (f" {target}" if target else "")


@dataclass(frozen=True)
class Artefact:
    """A committed file that fresh runs regenerate.

    Attributes:
        path: The committed file.
        render: Its content from the runs in a cache.
        matches: Whether committed content is current, given fresh content;
            exact equality unless the file allows for machine noise.
        fix: The fastest command that rewrites the file.
    """

    path: Path
    render: Callable[[RunCache], str]
    fix: str
    matches: Callable[[str, str], bool] = operator.eq

    @property
    def label(self) -> str:
        """The path relative to the snippets folder, e.g. ``"autograd/square_pytorch.out"``.

        A file outside it (a diagram under ``docs/``) is named relative to the checkout.
        """
        for base in (snippets_root(), CHECKOUT):
            if self.path.is_relative_to(base):
                return self.path.relative_to(base).as_posix()
        return str(self.path)

    def problem(self, runs: RunCache) -> str | None:
        """Say what is wrong with the committed file, if anything.

        Args:
            runs: The runs to render from.

        Returns:
            A message naming the file, showing how it differs and the command
            that fixes it; ``None`` when the file is current.
        """
        fresh = self.render(runs)
        if not self.path.exists():
            return f"{self.path} is missing: run `{self.fix}`"
        committed = self.path.read_text(encoding="utf-8")
        if self.matches(committed, fresh):
            return None
        diff = list(
            difflib.unified_diff(
                committed.splitlines(), fresh.splitlines(), "committed", "fresh run", lineterm=""
            )
        )
        if len(diff) > _DIFF_LINES:
            diff = [*diff[:_DIFF_LINES], f"... ({len(diff) - _DIFF_LINES} more diff lines)"]
        return f"{self.path} is stale: run `{self.fix}`\n" + "\n".join(diff)

    def write(self, runs: RunCache) -> bool:
        """Rewrite the file when it is not current.

        Args:
            runs: The runs to render from.

        Returns:
            Whether the file changed.
        """
        fresh = self.render(runs)
        if self.path.exists() and self.matches(self.path.read_text(encoding="utf-8"), fresh):
            return False
        self.path.write_text(fresh, encoding="utf-8")
        return True


@dataclass(frozen=True)
class CheckGroup:
    """Scripts of one topic that are checked together, and everything they generate.

    Attributes:
        topic: The topic folder's name.
        examples: The examples whose scripts the group holds.
        snippets: The scripts, in run order.
        specs: The parity tables comparing them.
        artefacts: The files they generate.
    """

    topic: str
    examples: tuple[Example, ...]
    snippets: tuple[Snippet, ...]
    specs: tuple[ParitySpec, ...]
    artefacts: tuple[Artefact, ...] = field(default=())

    @property
    def key(self) -> str:
        """A stable name, e.g. ``"training/defaults+fit+loop"``."""
        return f"{self.topic}/" + "+".join(example.name for example in self.examples)

    def selected_by(self, target: str) -> bool:
        """Whether a command-line target (a topic or ``topic/name``) includes this group.

        Args:
            target: The target.

        Returns:
            ``True`` for the group's topic or the key of one of its examples.
        """
        return target == self.topic or any(example.key == target for example in self.examples)


def output_artefact(snippet: Snippet) -> Artefact:
    """The captured output of one script.

    Args:
        snippet: The script.

    Returns:
        Its ``.out`` file, compared after reading GPU device names as the CPU.
    """
    return Artefact(
        path=snippet.output_path,
        render=lambda runs: normalise(runs.get(snippet).stdout),
        fix=update_command(f"{snippet.topic}/{snippet.name}"),
        matches=lambda committed, fresh: normalise(committed) == fresh,
    )


def figure_artefacts(figure: FigureSpec, scripts: dict[str, Snippet]) -> list[Artefact]:
    """A figure's numbers (current within its ``atol``) and its drawing of them.

    Args:
        figure: The figure.
        scripts: The topic's scripts by stem.

    Returns:
        The JSON artefact, then the SVG artefact; the SVG is the drawing of the
        numbers that are (or will be) committed.
    """
    fix = update_command(figure.topic_dir.name)

    def numbers(runs: RunCache) -> dict[str, list[float]]:
        return figure_data(figure, {stem: runs.namespace(scripts[stem]) for stem in figure.scripts})

    def data_matches(committed: str, fresh: str) -> bool:
        old, new = json.loads(committed), json.loads(fresh)
        return old.keys() == new.keys() and all(
            len(old[label]) == len(values)
            and np.allclose(old[label], values, rtol=0, atol=figure.atol)
            for label, values in new.items()
        )

    data = Artefact(
        path=figure.data_path,
        render=lambda runs: json.dumps(numbers(runs), indent=1) + "\n",
        fix=fix,
        matches=data_matches,
    )

    def drawing(runs: RunCache) -> str:
        fresh = data.render(runs)
        committed = data.path.read_text(encoding="utf-8") if data.path.exists() else None
        kept = committed if committed is not None and data_matches(committed, fresh) else fresh
        return render_svg(figure, json.loads(kept))

    return [data, Artefact(path=figure.svg_path, render=drawing, fix=fix)]


def transfer_report_artefact(spec: ParitySpec, reports: TransferReports) -> Artefact:
    """The per-layer report of a parity table's transfer check.

    Only the layers must match: the differences' last digits vary by machine,
    and whether they are within tolerance is the parity check's job.

    Args:
        spec: A parity table with a ``transfer`` sub-table.
        reports: Where the group's transfer reports are computed once.

    Returns:
        The ``<table>.transfer.md`` artefact.
    """
    return Artefact(
        path=snippets_root() / spec.topic / f"{spec.name}{REPORT_SUFFIX}",
        render=lambda runs: render_report(reports.get(spec, runs)),
        fix=update_command(f"{spec.topic}/{spec.name}"),
        matches=lambda committed, fresh: report_layers(committed) == report_layers(fresh),
    )


def quoted_values_artefact(snippet: Snippet, quoted: list[QuotedValue]) -> Artefact:
    """The values of one script that pages quote, recorded for the build.

    Args:
        snippet: The script.
        quoted: Its entries in the topic's ``values.toml``.

    Returns:
        The ``<script>.values.json`` artefact.
    """

    def render(runs: RunCache) -> str:
        namespace = runs.namespace(snippet)
        missing = [q.name for q in quoted if q.name not in namespace]
        if missing:
            raise SnippetError(
                f"snippets/{snippet.include_path} defines no {missing[0]!r}, which "
                f"snippets/{snippet.topic}/{VALUES_FILE} quotes"
            )
        return render_record({q.key: plain(namespace[q.name]) for q in quoted})

    return Artefact(
        path=record_path(snippet.path.parent, snippet.path.stem),
        render=render,
        fix=update_command(f"{snippet.topic}/{snippet.name}"),
        matches=records_match,
    )


def versions_artefact() -> Artefact:
    """The versions table on the home page; it counts the examples, and needs no run.

    Returns:
        The ``verified-with.md`` artefact.
    """
    return Artefact(
        path=snippets_root() / VERSIONS_FILE,
        render=lambda _runs: render_versions(),
        fix=update_command(),
    )


def rosetta_artefact() -> Artefact:
    """The API Rosetta index; read from the scripts' code and the pages, it needs no run.

    Returns:
        The ``rosetta.md`` artefact (see `dlref.examples.rosetta`).
    """
    return Artefact(
        path=snippets_root() / ROSETTA_FILE,
        render=lambda _runs: render_rosetta(),
        fix=update_command(),
    )


def diagram_artefacts() -> list[Artefact]:
    """The site's diagrams (see `dlref.site.diagrams`), one SVG file each.

    Returns:
        One artefact per diagram; a diagram drawn from a run reads it from the cache.
    """
    from dlref.site.diagrams import DIAGRAMS, DIAGRAMS_DIR, Diagram

    def drawing(diagram: Diagram) -> Callable[[RunCache], str]:
        def render(runs: RunCache) -> str:
            script = diagram.script
            namespace = runs.namespace(snippet_at(snippets_root() / script)) if script else None
            return diagram.draw(namespace)

        return render

    return [
        Artefact(path=DIAGRAMS_DIR / f"{d.name}.svg", render=drawing(d), fix=update_command())
        for d in DIAGRAMS
    ]


def site_artefacts() -> list[Artefact]:
    """The generated files that pages show and that link to, or draw for, the pages.

    Returns:
        The Rosetta index, then the diagrams; checked only in a checkout, where the pages are.
    """
    return [rosetta_artefact(), *diagram_artefacts()]


class TransferReports:
    """Each transfer check of a process computed once, shared by parity and its report."""

    def __init__(self) -> None:
        self._reports: dict[tuple[str, str], Any] = {}

    def get(self, spec: ParitySpec, runs: RunCache) -> Any:
        """Return the transfer report of a parity table, running the check on first request.

        Args:
            spec: A parity table with a ``transfer`` sub-table.
            runs: The runs of its two scripts.

        Returns:
            The `dlref.bridge.model_diff.TransferReport`.
        """
        key = (spec.topic, spec.name)
        if key not in self._reports:
            left, right = (runs.namespace(_script(spec, stem)) for stem in spec.scripts)
            self._reports[key] = run_transfer_check(spec, left, right)
        return self._reports[key]


def _script(spec: ParitySpec, stem: str) -> Snippet:
    return snippet_at(snippets_root() / spec.topic / f"{stem}.py")


#: One per process: the CLI and each test worker share the reports like the runs.
TRANSFER_REPORTS = TransferReports()


def parity_problems(spec: ParitySpec, runs: RunCache) -> list[str]:
    """Check one parity table against the runs of its two scripts.

    Args:
        spec: The parity table.
        runs: The run cache.

    Returns:
        One message per disagreement, each naming both sides' values; empty
        when the scripts agree (or the table compares nothing, with a reason).
    """
    if not spec.compares:
        return []
    left, right = (runs.namespace(_script(spec, stem)) for stem in spec.scripts)
    problems = compare_runs(spec, left, right)
    if spec.transfer is not None:
        problems += transfer_problems(spec, TRANSFER_REPORTS.get(spec, runs))
    if not problems:
        return []
    example = f"{spec.topic}/{spec.scripts[0].rsplit('_', 1)[0]}"
    return [
        *(f"snippets/{spec.topic}/parity.toml [{spec.name}]: {problem}" for problem in problems),
        f"after fixing the scripts, rerun `dlref check {example}`",
    ]


def _topic_groups(topic_dir: Path, examples: list[Example]) -> list[CheckGroup]:
    """Join a topic's examples that a parity table or a figure compares with each other."""
    specs = load_specs(topic_dir)
    figures = load_figures(topic_dir)
    quoted = load_quoted(topic_dir)
    by_stem = {s.path.stem: example for example in examples for s in example.snippets}
    scripts = {s.path.stem: s for example in examples for s in example.snippets}
    parent = {example.name: example.name for example in examples}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    links = [spec.scripts for spec in specs.values()]
    links += [tuple(sorted(figure.scripts)) for figure in figures]
    for stems in links:
        names = [by_stem[stem].name for stem in stems if stem in by_stem]
        for name in names[1:]:
            parent[root(name)] = root(names[0])
    groups = []
    for group_root in dict.fromkeys(root(example.name) for example in examples):
        members = tuple(example for example in examples if root(example.name) == group_root)
        stems = {s.path.stem for example in members for s in example.snippets}
        group_specs = tuple(
            spec for spec in specs.values() if any(stem in stems for stem in spec.scripts)
        )
        artefacts = [output_artefact(s) for example in members for s in example.snippets]
        for figure in figures:
            if figure.scripts <= stems:
                artefacts += figure_artefacts(figure, scripts)
        artefacts += [
            transfer_report_artefact(spec, TRANSFER_REPORTS)
            for spec in group_specs
            if spec.transfer is not None
        ]
        for stem in sorted(stems):
            of_script = [q for q in quoted if q.script == stem]
            if of_script:
                artefacts.append(quoted_values_artefact(scripts[stem], of_script))
        groups.append(
            CheckGroup(
                topic=topic_dir.name,
                examples=members,
                snippets=tuple(s for example in members for s in example.snippets),
                specs=group_specs,
                artefacts=tuple(artefacts),
            )
        )
    return groups


def check_groups(root: Path | None = None) -> list[CheckGroup]:
    """List every group of scripts checked together, with its parity tables and files.

    Args:
        root: The snippets folder; the default one when omitted.

    Returns:
        The groups, by topic and then by the first example's name.
    """
    examples = discover(root)
    return [
        group
        for topic_dir in topic_dirs(root)
        for group in _topic_groups(
            topic_dir, [example for example in examples if example.topic == topic_dir.name]
        )
    ]


@dataclass
class GroupResult:
    """What checking (or updating) one group found.

    Attributes:
        group: The group.
        problems: Parity failures and stale files, one message each.
        written: Files an update rewrote.
    """

    group: CheckGroup
    problems: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether the group has no problem left."""
        return not self.problems


def check_group(group: CheckGroup, runs: RunCache, *, update: bool = False) -> GroupResult:
    """Run a group's scripts, check parity, then check or rewrite its files.

    Parity comes first: when it fails, an update writes nothing, so a value
    that breaks parity never reaches a committed output.

    Args:
        group: The group.
        runs: The run cache.
        update: Rewrite stale files instead of reporting them.

    Returns:
        The problems found and the files written.
    """
    result = GroupResult(group)
    for spec in group.specs:
        result.problems += parity_problems(spec, runs)
    if result.problems and update:
        target = group.examples[0].key if len(group.examples) == 1 else group.topic
        result.problems.append(
            f"{group.key}: nothing written while the scripts disagree; fix them, then run "
            f"`{update_command(target)}`"
        )
        return result
    for artefact in group.artefacts:
        if update:
            if artefact.write(runs):
                result.written.append(artefact.path)
        elif (problem := artefact.problem(runs)) is not None:
            result.problems.append(problem)
    return result
