"""The ``dlref`` command: list, run and check the examples, and report the set-up.

A mistake a user can make (an unknown example, framework or flag, a device
that is not there) prints one line and exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from dlref import __version__
from dlref.benchmark.results import PerformanceError, plot_paths, render_plots, results_file
from dlref.bridge.devices import (
    DEVICE_ENV,
    REQUIRE_GPU_ENV,
    DeviceError,
    check_required_gpu,
    tensorflow_device,
    tensorflow_gpu_names,
    torch_device,
    torch_gpu_names,
)
from dlref.bridge.versions import package_version
from dlref.deploy.server import BACKENDS as BACKEND_NAMES
from dlref.deploy.server import ServingError
from dlref.examples.artefacts import (
    CheckGroup,
    check_group,
    check_groups,
    site_artefacts,
    update_command,
    versions_artefact,
)
from dlref.examples.discovery import (
    FRAMEWORK_TITLES,
    FRAMEWORKS,
    SnippetError,
    discover,
    find_example,
)
from dlref.examples.runner import RunCache, quiet_tensorflow, run_snippet
from dlref.examples.scaffold import create_example
from dlref.examples.standalone import run_standalone
from dlref.examples.verification import CheckRecord, environment_key, group_key
from dlref.notebooks.source import NotebookSourceError
from dlref.paths import (
    CACHE_DIR,
    CHECKOUT,
    DOCS_DIR,
    PERFORMANCE_RESULTS,
    in_checkout,
    snippets_root,
)
from dlref.site.browser import BrowserError
from dlref.site.directive import directive_line, scan_pages, unshown_scripts
from dlref.site.values import recorded_values

COMPARISON_PDF = DOCS_DIR / "comparison" / "comparison.pdf"
SCREENSHOT = DOCS_DIR / "production" / "tensorboard-scalars.png"
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
    pair = find_example(args.example)
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


def _check(args: argparse.Namespace) -> int:
    groups = check_groups()
    selected = _selected_groups(groups, args.targets)
    environment = environment_key()
    record = CheckRecord() if args.all else CheckRecord.load()
    if record.notice:
        print(record.notice, file=sys.stderr)
    runs = RunCache()
    failures: list[str] = []
    reran = 0
    for group in selected:
        key = group_key(group, environment)
        if record.passed.get(group.key) == key:
            print(f"pass     {group.key} (unchanged since it passed)")
            continue
        reran += 1
        result = check_group(group, runs, update=args.update)
        for path in result.written:
            print(f"updated  {path.relative_to(snippets_root())}")
        if result.passed:
            # An update changed the files the key covers: record the key they have now.
            record.passed[group.key] = group_key(group, environment)
            print(f"pass     {group.key}")
        else:
            record.passed.pop(group.key, None)
            print(f"FAIL     {group.key}")
            failures += result.problems
    record.save()
    failures += _site_problems(selected, update=args.update, runs=runs)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(
        f"{len(selected)} group(s) of scripts: {reran} rerun, {len(selected) - reran} unchanged; "
        f"{len(failures)} problem(s)"
    )
    return 1 if failures else 0


def _selected_groups(groups: list[CheckGroup], targets: list[str]) -> list[CheckGroup]:
    if not targets:
        return groups
    known = sorted({g.topic for g in groups} | {e.key for g in groups for e in g.examples})
    for target in targets:
        if target not in known:
            nearest = difflib.get_close_matches(target, known, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(nearest)}?" if nearest else "`dlref list` names them"
            raise SnippetError(f"unknown topic or example {target!r}; {hint}")
    return [group for group in groups if any(group.selected_by(t) for t in targets)]


def _site_problems(selected: list[CheckGroup], *, update: bool, runs: RunCache) -> list[str]:
    """The versions table; in a checkout, the Rosetta index, the diagrams and the pages."""
    versions = versions_artefact()
    problems: list[str] = []
    if update:
        if versions.write(runs):
            print(f"updated  {versions.label}")
    elif (problem := versions.problem(runs)) is not None:
        problems.append(problem)
    if not in_checkout() or snippets_root() != CHECKOUT / "snippets":
        return problems  # the pages show the checkout's examples, not another folder's
    for artefact in site_artefacts():
        if update:
            if artefact.write(runs):
                print(f"updated  {artefact.label}")
        elif (problem := artefact.problem(runs)) is not None:
            problems.append(problem)
    shown, page_problems = scan_pages(DOCS_DIR, discover(), recorded_values())
    problems += page_problems
    problems += unshown_scripts(shown, [e for group in selected for e in group.examples])
    return problems


def _standalone(args: argparse.Namespace) -> int:
    _selected_groups(check_groups(), args.targets)  # one message for an unknown target
    snippets = [
        snippet
        for example in discover()
        if not args.targets or example.key in args.targets or example.topic in args.targets
        for snippet in example.snippets
        if args.framework in (None, snippet.framework)
    ]
    failures: list[str] = []
    seconds = 0.0
    for snippet in snippets:
        for attempt in range(1, args.repeat + 1):
            run = run_standalone(snippet)
            seconds += run.seconds
            problem = run.problem()
            count = f" ({attempt}/{args.repeat})" if args.repeat > 1 else ""
            status = "FAIL" if problem else "pass"
            print(f"{status:<8} {snippet.include_path}{count}  {run.seconds:.1f} s")
            if problem:
                failures.append(problem)
    for failure in failures:
        print(failure, file=sys.stderr)
    runs = len(snippets) * args.repeat
    print(
        f"{runs} standalone run(s) of {len(snippets)} script(s) in {seconds:.0f} s; "
        f"{len(failures)} failed"
    )
    return 1 if failures else 0


def _doctor(_: argparse.Namespace) -> int:
    quiet_tensorflow()
    print(f"dlref {__version__}")
    print(f"Python {platform.python_version()} ({platform.system()} {platform.machine()})")
    print(f"snippets: {snippets_root()}")
    try:
        gpus = ", ".join(torch_gpu_names()) or "none"
        print(
            f"PyTorch {package_version('PyTorch')}: examples run on {torch_device()}; "
            f"CUDA GPUs: {gpus}"
        )
    except ModuleNotFoundError:
        print("PyTorch: not installed")
    try:
        gpus = ", ".join(tensorflow_gpu_names()) or "none"
        print(
            f"TensorFlow {package_version('TensorFlow')}: examples run on "
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
    if not in_checkout():
        raise SnippetError("dlref new writes into a checkout: run it from a clone of dlref")
    result = create_example(CHECKOUT, args.section, args.topic, args.name)
    for path in result.created:
        print(f"created  {path}")
    if result.page_existed:
        print(f"\n{result.page} exists: add this line where the example belongs:\n")
        print(directive_line(args.topic, args.name))
    else:
        print(f"\nAdd '{result.page.relative_to('docs')}' to the nav in mkdocs.yml.")
    print(f"Edit the two scripts, then run `{update_command(f'{args.topic}/{args.name}')}`.")
    return 0


def _bench(args: argparse.Namespace) -> int:
    # Read before the frameworks are imported: their start-up is this run's load, not another's.
    from dlref.benchmark.run import machine_load

    load = machine_load()
    if args.output is not None and not args.output.parent.is_dir():
        raise PerformanceError(f"cannot write {args.output}: {args.output.parent} is not a folder")
    # Imported here: the benchmark imports both frameworks, other commands need neither.
    from dlref.benchmark.run import FULL, QUICK, check_idle, run_benchmark, write_results

    # A quick run checks that the benchmark works; its times are not results.
    busy = check_idle(load, allow_busy=args.allow_busy or args.quick)
    config = QUICK if args.quick else FULL
    results = run_benchmark(config, load, busy, progress=print, threads=args.threads)
    output = args.output
    if output is None and not args.quick:
        output = results_file(PERFORMANCE_RESULTS, results["stamp"]["device"])
    if output is not None:
        write_results(results, output)
        written = [output]
        for kind, svg in render_plots(results).items():
            plot_paths(output)[kind].write_text(svg, encoding="utf-8")
            written.append(plot_paths(output)[kind])
        print("wrote " + ", ".join(str(path) for path in written))
    if results["fairness_problems"]:
        print("The modes did not do the same work:", *results["fairness_problems"], sep="\n  ")
        return 1
    if busy:
        print(f"The machine was busy (load {load}): the results are flagged busy.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from dlref.deploy import digits
    from dlref.deploy.server import Limits, bind, load_backends, serve

    sock = bind(args.host, args.port)  # before the slow loading: a taken port fails at once
    predictors = load_backends(args.backend or BACKEND_NAMES, threads=args.threads)
    serve(
        predictors, sock, Limits(digits.INPUT_SIZE), announce=lambda line: print(line, flush=True)
    )
    return 0


def _serve_bench(args: argparse.Namespace) -> int:
    from dlref.benchmark.run import check_idle, machine_load

    load = machine_load()
    if args.output is not None and not args.output.parent.is_dir():
        raise PerformanceError(f"cannot write {args.output}: {args.output.parent} is not a folder")
    from dlref.deploy.load import (
        FULL,
        QUICK,
        cpu_results_file,
        result_problems,
        run_load,
        write_results,
    )

    busy = check_idle(load, allow_busy=args.allow_busy or args.quick)
    results = run_load(QUICK if args.quick else FULL, load, busy, progress=print)
    output = args.output or (None if args.quick else cpu_results_file())
    if output is not None:
        write_results(results, output)
        print(f"wrote {output}")
    problems = result_problems(results)
    for problem in problems:
        print(problem, file=sys.stderr)
    if busy:
        print(f"The machine was busy (load {load}): the results are flagged busy.")
    return 1 if problems else 0


def _pdf(args: argparse.Namespace) -> int:
    from dlref.site.printable import TableTooLongError, write_pdf, write_study_reports

    if not args.output.parent.is_dir():
        raise SnippetError(f"cannot write {args.output}: {args.output.parent} is not a folder")
    if not in_checkout():
        raise SnippetError("dlref pdf builds the site: run it from a clone of dlref")

    site_dir = CACHE_DIR / "pdf-site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site_dir)],
        cwd=CHECKOUT,
        check=False,
    )
    if build.returncode != 0:
        print("dlref: error: mkdocs build --strict failed (see above)", file=sys.stderr)
        return 1
    try:
        scale = write_pdf(site_dir, args.output)
    except TableTooLongError as error:
        print(f"dlref: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: 1 page at scale {scale}")
    for report in write_study_reports(site_dir):
        print(f"wrote {report.relative_to(CHECKOUT)}")
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from dlref.notebooks.check import check_notebook
    from dlref.notebooks.source import discover_notebooks, select

    sources = select(discover_notebooks(), args.targets)
    if not sources:
        raise SnippetError("no case-study notebooks under notebooks/")
    failures = 0
    for source in sources:
        problems = check_notebook(source, update=args.update)
        failures += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {source.name}", *problems, sep="\n  ")
    return 1 if failures else 0


def _screenshots(args: argparse.Namespace) -> int:
    from dlref.site.screenshots import take_screenshot

    take_screenshot(args.output)
    print(f"wrote {args.output}")
    return 0


def _deploy(args: argparse.Namespace) -> int:
    # Imported here: retraining imports both frameworks, other commands need neither.
    from dlref.deploy.digits import MODELS_DIR, export

    problems = export(update=args.update)
    for problem in problems:
        print(f"fail     {problem}")
    if problems:
        if not args.update:
            print("Rewrite the stale files with `dlref deploy --update`.")
        return 1
    print(f"pass     {MODELS_DIR.relative_to(CHECKOUT)} matches a fresh run")
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return int(text)


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

    check = commands.add_parser(
        "check",
        help="rerun the examples that changed and check their outputs, parity, figures and pages",
    )
    check.add_argument(
        "targets", nargs="*", metavar="TOPIC|TOPIC/NAME", help="only these (default: all)"
    )
    check.add_argument(
        "--update", action="store_true", help="rewrite stale generated files instead of failing"
    )
    check.add_argument(
        "--all", action="store_true", help="ignore the record of earlier passes: rerun everything"
    )
    check.set_defaults(handler=_check)

    standalone = commands.add_parser(
        "standalone",
        help="run each script as its own python process from an empty folder, as a reader does",
    )
    standalone.add_argument(
        "targets", nargs="*", metavar="TOPIC|TOPIC/NAME", help="only these (default: all)"
    )
    standalone.add_argument(
        "--repeat", type=_positive, default=1, metavar="N", help="run each script N times"
    )
    standalone.add_argument(
        "--framework", choices=FRAMEWORKS, help="only this framework's scripts (default: both)"
    )
    standalone.set_defaults(handler=_standalone)

    doctor = commands.add_parser("doctor", help="versions, and the devices each framework sees")
    doctor.set_defaults(handler=_doctor)

    bench = commands.add_parser(
        "bench",
        help="time the same training and inference in both frameworks, every mode; "
        "accuracy over seeds",
    )
    bench.add_argument(
        "--quick",
        action="store_true",
        help="one small workload, few steps, one seed: check that it runs (seconds)",
    )
    bench.add_argument(
        "--allow-busy",
        action="store_true",
        help="run even when the machine is busy; the results are flagged busy",
    )
    bench.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="intra-op threads for each framework (default: one per core)",
    )
    bench.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="results file (default: docs/comparison/performance-<device>.json for a full "
        "run, none with --quick); the plots are written beside it",
    )
    bench.set_defaults(handler=_bench)

    serve = commands.add_parser(
        "serve", help="serve the digit classifier over HTTP (PyTorch, Keras, ONNX Runtime)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument(
        "--port", type=_port, default=8080, help="port (default: 8080; 0: any free port)"
    )
    serve.add_argument(
        "--backend",
        action="append",
        choices=BACKEND_NAMES,
        help="serve only this backend (repeatable; default: all four)",
    )
    serve.add_argument(
        "--threads", type=_positive, default=1, help="intra-op threads of each runtime"
    )
    serve.set_defaults(handler=_serve)

    serve_bench = commands.add_parser(
        "serve-bench",
        help="load-test the digit server on 127.0.0.1: latency, throughput, memory, refusals",
    )
    serve_bench.add_argument(
        "--quick", action="store_true", help="a few requests: check that it runs (seconds)"
    )
    serve_bench.add_argument(
        "--allow-busy",
        action="store_true",
        help="run even when the machine is busy; the results are flagged busy",
    )
    serve_bench.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="results file (default: docs/production/serving-cpu.json for a full run, "
        "none with --quick)",
    )
    serve_bench.set_defaults(handler=_serve_bench)

    new = commands.add_parser("new", help="create a new example: two scripts and a page")
    new.add_argument("topic", metavar="TOPIC")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--section", default="concepts", help="folder under docs/ for a new page")
    new.set_defaults(handler=_new)

    pdf = commands.add_parser(
        "pdf",
        help="build the site; print the comparison table to a one-page PDF and each "
        "case study's report beside its page",
    )
    pdf.add_argument(
        "--output",
        type=Path,
        default=COMPARISON_PDF,
        help=f"default: {COMPARISON_PDF.relative_to(CHECKOUT)}",
    )
    pdf.set_defaults(handler=_pdf)

    notebooks = commands.add_parser(
        "notebooks",
        help="execute the case studies' notebooks in fresh kernels and compare their outputs",
    )
    notebooks.add_argument(
        "targets", nargs="*", metavar="STUDY", help="a study (loans) or a notebook (loans-pytorch)"
    )
    notebooks.add_argument(
        "--update", action="store_true", help="rewrite the stored notebooks that differ"
    )
    notebooks.set_defaults(handler=_notebooks)

    screenshots = commands.add_parser(
        "screenshots", help="retake the TensorBoard screenshot from fresh runs of both frameworks"
    )
    screenshots.add_argument(
        "--output",
        type=Path,
        default=SCREENSHOT,
        help=f"default: {SCREENSHOT.relative_to(CHECKOUT)}",
    )
    screenshots.set_defaults(handler=_screenshots)

    deploy = commands.add_parser(
        "deploy",
        help="retrain and re-export the digit classifier the deployment pages serve, "
        "and check the committed models",
    )
    deploy.add_argument(
        "--update", action="store_true", help="rewrite the models that differ instead of failing"
    )
    deploy.set_defaults(handler=_deploy)
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
    except (
        SnippetError,
        DeviceError,
        PerformanceError,
        BrowserError,
        NotebookSourceError,
        ServingError,
    ) as error:
        print(f"dlref: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except ModuleNotFoundError as error:
        if error.name not in _PACKAGE_HINTS:
            raise
        print(f"dlref: error: {_PACKAGE_HINTS[error.name]} is not installed", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
