"""The ``dlref`` command: list, run and check the examples, and report the set-up.

A mistake a user can make (an unknown example, framework or flag, a device
that is not there) prints one line and exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlref import __version__
from dlref.benchmark import FULL, QUICK, run_benchmark, write_results
from dlref.devices import (
    DEVICE_ENV,
    REQUIRE_GPU_ENV,
    DeviceError,
    check_required_gpu,
    tensorflow_device,
    tensorflow_gpu_names,
    torch_device,
    torch_gpu_names,
)
from dlref.figures import FigureSpec, check_figure, figure_data, load_figures, write_figure
from dlref.outputs import UPDATE_COMMAND, check_output, write_output
from dlref.parity import load_specs
from dlref.performance import PerformanceError, render_svg, results_path, summarize, svg_path
from dlref.runner import SnippetRun, quiet_tensorflow, run_snippet
from dlref.scaffold import create_example, tab_block
from dlref.snippets import (
    FRAMEWORK_TITLES,
    FRAMEWORKS,
    Pair,
    SnippetError,
    discover,
    find_pair,
    snippets_root,
)
from dlref.transfer import (
    ParityReport,
    render_report,
    report_is_current,
    report_path,
    run_transfer_check,
    transfer_problems,
)
from dlref.versions import VERSIONS_FILE, public_version, render_versions

USAGE_ERROR = 2
FRAMEWORK_CHOICES = (*FRAMEWORKS, "both")
_PACKAGE_HINTS = {"torch": "PyTorch (torch)", "tensorflow": "TensorFlow (tensorflow)"}


def _list(_: argparse.Namespace) -> int:
    pairs = discover()
    width = max((len(pair.key) for pair in pairs), default=0)
    for pair in pairs:
        titles = ", ".join(FRAMEWORK_TITLES[fw] for fw in FRAMEWORKS if fw in pair.sides)
        print(f"{pair.key:<{width}}  {titles}")
    return 0


def _run(args: argparse.Namespace) -> int:
    pair = find_pair(args.example)
    if args.framework is None:  # every side the example has
        wanted = [fw for fw in FRAMEWORKS if fw in pair.sides]
    elif args.framework == "both":
        wanted = list(FRAMEWORKS)
    else:
        wanted = [args.framework]
    absent = [fw for fw in wanted if fw not in pair.sides]
    if absent:
        present = ", ".join(pair.sides)
        raise SnippetError(f"{pair.key} has no {absent[0]} version; it has: {present}")
    root = snippets_root()
    for framework in wanted:
        snippet = pair.sides[framework]
        print(f"--- {FRAMEWORK_TITLES[framework]}: {snippet.path.relative_to(root)}", flush=True)
        print(run_snippet(snippet).stdout, end="", flush=True)
    return 0


@dataclass(frozen=True)
class _Generated:
    """A committed file that a fresh run regenerates: an output, a figure, a report."""

    path: Path
    current: Callable[[], bool]
    write: Callable[[], bool]


def _output_file(run: SnippetRun) -> _Generated:
    path, printed = run.snippet.output_path, run.stdout
    return _Generated(
        path, lambda: check_output(path, printed).current, lambda: write_output(path, printed)
    )


def _figure_file(figure: FigureSpec, data: dict[str, list[float]]) -> _Generated:
    return _Generated(
        figure.svg_path, lambda: not check_figure(figure, data), lambda: write_figure(figure, data)
    )


def _report_file(path: Path, report: ParityReport) -> _Generated:
    return _Generated(
        path,
        lambda: report_is_current(path, report),
        lambda: write_output(path, render_report(report)),
    )


def _topic_files(root: Path, topic: str, pairs: list[Pair]) -> tuple[list[_Generated], list[str]]:
    """Run a topic's scripts; return its generated files and any failed transfer checks."""
    runs = {
        snippet.path.stem: run_snippet(snippet)
        for pair in pairs
        if pair.topic == topic
        for snippet in pair.snippets
    }
    namespaces = {stem: run.namespace for stem, run in runs.items()}
    files = [_output_file(run) for run in runs.values()]
    files += [
        _figure_file(figure, figure_data(figure, namespaces))
        for figure in load_figures(root / topic)
    ]
    failures: list[str] = []
    for spec in load_specs(root / topic).values():
        if spec.transfer is not None:
            left, right = (namespaces[stem] for stem in spec.scripts)
            report = run_transfer_check(spec, left, right)
            failures += transfer_problems(spec, report)
            files.append(_report_file(report_path(root / topic, spec), report))
    return files, failures


def _snippets(args: argparse.Namespace) -> int:
    root = snippets_root()
    pairs = discover()
    topics = sorted({pair.topic for pair in pairs})
    unknown = sorted(set(args.topics) - set(topics))
    if unknown:
        raise SnippetError(f"unknown topic {unknown[0]!r}; valid topics: {', '.join(topics)}")
    stale, failures = 0, []
    for topic in args.topics or topics:
        files, topic_failures = _topic_files(root, topic, pairs)
        failures += topic_failures
        for generated in files:
            label = generated.path.relative_to(root)
            if args.update:
                print(f"{'updated' if generated.write() else 'current'}  {label}")
            elif generated.current():
                print(f"current  {label}")
            else:
                stale += 1
                print(f"STALE    {label}")
    if args.update and not args.topics:
        changed = write_output(root / VERSIONS_FILE, render_versions())
        print(f"{'updated' if changed else 'current'}  {VERSIONS_FILE}")
    for failure in failures:
        print(failure, file=sys.stderr)
    if stale:
        print(f"{stale} file(s) stale: run `{UPDATE_COMMAND}`", file=sys.stderr)
    return 1 if stale or failures else 0


def _doctor(_: argparse.Namespace) -> int:
    quiet_tensorflow()
    print(f"dlref {__version__}")
    print(f"Python {platform.python_version()} ({platform.system()} {platform.machine()})")
    print(f"snippets: {snippets_root()}")
    try:
        gpus = ", ".join(torch_gpu_names()) or "none"
        print(
            f"PyTorch {public_version(('torch',))}: examples run on {torch_device()}; "
            f"CUDA GPUs: {gpus}"
        )
    except ModuleNotFoundError:
        print("PyTorch: not installed")
    try:
        gpus = ", ".join(tensorflow_gpu_names()) or "none"
        print(
            f"TensorFlow {public_version(('tensorflow-cpu', 'tensorflow'))}: examples run on "
            f"{tensorflow_device()}; GPUs: {gpus}"
        )
    except ModuleNotFoundError:
        print("TensorFlow: not installed")
    print(f"{DEVICE_ENV}={_env(DEVICE_ENV)}  {REQUIRE_GPU_ENV}={_env(REQUIRE_GPU_ENV)}")
    check_required_gpu()
    return 0


def _env(name: str) -> str:
    return os.environ.get(name) or "(unset)"


def _new(args: argparse.Namespace) -> int:
    checkout = snippets_root().parent
    result = create_example(checkout, args.section, args.topic, args.name)
    for path in result.created:
        print(f"created  {path}")
    if result.page_existed:
        print(f"\n{result.page} exists: add this where the example belongs:\n")
        print(tab_block(args.topic, args.name))
    else:
        print(f"\nAdd '{result.page.relative_to('docs')}' to the nav in mkdocs.yml.")
    print(f"Edit the two scripts, then run `{UPDATE_COMMAND}`.")
    return 0


def _bench(args: argparse.Namespace) -> int:
    output = args.output
    if output is None and not args.quick:
        output = results_path(snippets_root().parent)
    if output is not None and not output.parent.is_dir():
        raise PerformanceError(f"cannot write {output}: {output.parent} is not a folder")
    results = run_benchmark(QUICK if args.quick else FULL, progress=print)
    for framework, summary in summarize(results).items():
        print(
            f"{FRAMEWORK_TITLES[framework]}: test accuracy {summary.accuracy_mean:.4f} "
            f"± {summary.accuracy_sd:.4f} over {summary.runs} seeds; "
            f"median epoch {summary.epoch_median:.3f} s"
        )
    if output is not None:
        write_results(results, output)
        svg_path(output).write_text(render_svg(results), encoding="utf-8")
        print(f"wrote {output} and {svg_path(output).name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``dlref`` command.

    Returns:
        The parser, with one sub-command per action.
    """
    parser = argparse.ArgumentParser(
        prog="dlref", description="PyTorch and TensorFlow, side by side: the examples."
    )
    parser.add_argument("--version", action="version", version=f"dlref {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="list every example and its frameworks")
    listing.set_defaults(handler=_list)

    run = commands.add_parser("run", help="run an example and print its output")
    run.add_argument("example", metavar="TOPIC/NAME", help="an example, as `dlref list` names it")
    run.add_argument(
        "--framework",
        choices=FRAMEWORK_CHOICES,
        help="which side to run (default: every side the example has)",
    )
    run.set_defaults(handler=_run)

    snippets = commands.add_parser(
        "snippets", help="check the captured outputs against fresh runs, or rewrite them"
    )
    snippets.add_argument("topics", nargs="*", metavar="TOPIC", help="only these topics")
    snippets.add_argument(
        "--update", action="store_true", help="rewrite the output files (and the versions table)"
    )
    snippets.set_defaults(handler=_snippets)

    doctor = commands.add_parser("doctor", help="versions, and the devices each framework sees")
    doctor.set_defaults(handler=_doctor)

    bench = commands.add_parser(
        "bench", help="train the performance page's CNN in both frameworks, several seeds, timed"
    )
    bench.add_argument(
        "--quick", action="store_true", help="one seed and one epoch: check that it runs"
    )
    bench.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help=f"results file (default: {results_path(Path())} for a full run, none with --quick)",
    )
    bench.set_defaults(handler=_bench)

    new = commands.add_parser("new", help="create a new example: two scripts and a page")
    new.add_argument("topic", metavar="TOPIC")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--section", default="concepts", help="folder under docs/ for a new page")
    new.set_defaults(handler=_new)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dlref`` command.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` when omitted.

    Returns:
        The exit status: 0 on success, 1 when a check fails, 2 on a usage error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SnippetError, DeviceError, PerformanceError) as error:
        print(f"dlref: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except ModuleNotFoundError as error:
        if error.name not in _PACKAGE_HINTS:
            raise
        print(f"dlref: error: {_PACKAGE_HINTS[error.name]} is not installed", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
