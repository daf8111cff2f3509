"""CI's trust rules, read from the workflow files, and shown to catch planted faults.

The rules (ci.yml's header states them): no permissions by default and an
explicit grant per job; every action pinned by a 40-hex commit SHA with its
version in a comment; no checkout that keeps its credentials; the self-hosted
GPU job only on pushes to main, the merge queue, manual runs, and the run a
maintainer starts by labelling a pull request `gpu-ok`, with that label removed
by a workflow that runs no pull-request code; Dependabot for actions and pip,
grouped, with a cooldown. zizmor, which `make lint` runs, passes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlref.paths import CHECKOUT

GITHUB_DIR = CHECKOUT / ".github"
WORKFLOWS_DIR = GITHUB_DIR / "workflows"
GPU_LABEL = "gpu-ok"
_PINNED_RE = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
_USES_LINE_RE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
_VERSION_COMMENT_RE = re.compile(r"^\s+#\s+v\d+(?:\.\d+){0,2}\s*$")
_CONTEXT_RE = re.compile(r"github(?:\.[A-Za-z_]+)+")


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    return {name: None for name in triggers} if isinstance(triggers, list) else triggers


def _steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in workflow["jobs"].items() for step in spec.get("steps", [])]


def evaluate(condition: str, context: dict[str, str]) -> bool:
    """Evaluate a GitHub Actions `if:` built from ==, !=, &&, || and parentheses."""
    python = condition.replace("&&", " and ").replace("||", " or ")
    python = _CONTEXT_RE.sub(lambda match: repr(context.get(match.group(0), "")), python)
    if re.search(r"[A-Za-z_]+\(", python):
        raise ValueError(f"the test reads no functions in conditions: {condition}")
    return bool(eval(python, {"__builtins__": {}}, {}))  # only literals and operators remain


def _event(name: str, action: str = "", label: str = "") -> dict[str, str]:
    return {
        "github.event_name": name,
        "github.event.action": action,
        "github.event.label.name": label,
        "github.ref": "refs/heads/main" if name == "push" else "refs/pull/1/merge",
    }


# (event, whether the self-hosted GPU job may run code from it)
GPU_CASES = [
    (_event("push"), True),
    (_event("merge_group"), True),
    (_event("workflow_dispatch"), True),
    (_event("pull_request", "labeled", GPU_LABEL), True),
    (_event("pull_request", "opened"), False),
    (_event("pull_request", "synchronize"), False),
    (_event("pull_request", "reopened"), False),
    (_event("pull_request", "labeled", "documentation"), False),
]


def workflow_problems(texts: dict[str, str]) -> list[str]:
    """Every broken trust rule in a set of workflow files, by file name."""
    problems = []
    for name, text in sorted(texts.items()):
        workflow = yaml.safe_load(text)
        if workflow.get("permissions") != {}:
            problems.append(f"{name}: top-level permissions must be {{}}")
        for job, spec in workflow["jobs"].items():
            if "permissions" not in spec:
                problems.append(f"{name}: job {job} grants no explicit permissions")
        lines = text.splitlines()
        for number, line in enumerate(lines, 1):
            match = _USES_LINE_RE.match(line)
            if not match or match["ref"].startswith("./"):
                continue
            if not _PINNED_RE.match(match["ref"]):
                problems.append(f"{name}:{number}: {match['ref']} is not pinned by commit SHA")
            elif not _VERSION_COMMENT_RE.match(match["rest"]):
                problems.append(f"{name}:{number}: {match['ref']} lacks its '# vX.Y.Z' comment")
        for job, step in _steps(workflow):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                if (step.get("with") or {}).get("persist-credentials") is not False:
                    problems.append(f"{name}: job {job} checks out with persisted credentials")
                if "pull_request_target" in _triggers(workflow):
                    problems.append(f"{name}: job {job} checks out code on pull_request_target")
        problems += _gpu_problems(name, workflow)
    return problems


def _gpu_problems(name: str, workflow: dict[Any, Any]) -> list[str]:
    problems = []
    for job, spec in workflow["jobs"].items():
        if "self-hosted" not in spec.get("runs-on", []):
            continue
        triggers = _triggers(workflow)
        if "pull_request_target" in triggers or "workflow_run" in triggers:
            problems.append(f"{name}: self-hosted job {job} on a privileged trigger")
        for context, allowed in GPU_CASES:
            if context["github.event_name"] not in triggers:
                continue
            runs = evaluate(spec.get("if", "true"), context)
            if runs and not allowed:
                problems.append(f"{name}: self-hosted job {job} runs on untrusted {context}")
        pull_request = triggers.get("pull_request") or {}
        if "pull_request" in triggers and "labeled" not in pull_request.get("types", []):
            problems.append(f"{name}: the gpu-ok label cannot start {job}: no 'labeled' type")
    return problems


def label_removal_problems(text: str) -> list[str]:
    """What keeps a workflow from removing the GPU label on every new commit, safely."""
    workflow = yaml.safe_load(text)
    problems = []
    target = _triggers(workflow).get("pull_request_target") or {}
    if "synchronize" not in target.get("types", []):
        problems.append("not triggered by pull_request_target synchronize")
    for job, spec in workflow["jobs"].items():
        if spec.get("permissions") != {"pull-requests": "write"}:
            problems.append(f"job {job} asks for more than pull-requests: write")
        for step in spec.get("steps", []):
            if "uses" in step:
                problems.append(f"job {job} uses an action: {step['uses']}")
            if "${{" in step.get("run", ""):
                problems.append(f"job {job} expands an expression inside its script")
    if GPU_LABEL not in text:
        problems.append(f"does not name the {GPU_LABEL} label")
    return problems


def dependabot_problems(text: str) -> list[str]:
    """Ecosystems Dependabot must update, each grouped and with a cooldown."""
    updates = {update["package-ecosystem"]: update for update in yaml.safe_load(text)["updates"]}
    problems = []
    for ecosystem in ("github-actions", "pip"):
        update = updates.get(ecosystem)
        if update is None:
            problems.append(f"no updates for {ecosystem}")
            continue
        if update.get("cooldown", {}).get("default-days", 0) < 1:
            problems.append(f"{ecosystem}: no cooldown")
        if not update.get("groups"):
            problems.append(f"{ecosystem}: updates are not grouped")
    return problems


def _workflow_texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in WORKFLOWS_DIR.glob("*.yml")}


def test_the_workflows_keep_the_trust_rules():
    assert workflow_problems(_workflow_texts()) == []


def test_a_new_commit_removes_the_gpu_label():
    assert label_removal_problems((WORKFLOWS_DIR / "gpu-label.yml").read_text("utf-8")) == []


def test_dependabot_updates_actions_and_pip():
    assert dependabot_problems((GITHUB_DIR / "dependabot.yml").read_text("utf-8")) == []


PIN = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
GPU_IF = "|| (github.event.action == 'labeled' && github.event.label.name == 'gpu-ok')"
# (what is planted into ci.yml, as old -> new, and the problem it must cause)
PLANTED = [
    (PIN, "actions/checkout@v7", "is not pinned by commit SHA"),
    (PIN, PIN.split(" #")[0], "lacks its '# vX.Y.Z' comment"),
    ("          persist-credentials: false\n", "", "persisted credentials"),
    ("permissions: {}\n", "permissions:\n  contents: write\n", "top-level permissions"),
    ("    permissions:\n      contents: read\n    env:\n", "    env:\n", "explicit permissions"),
    (GPU_IF, "|| github.event.action != 'closed'", "runs on untrusted"),
    (GPU_IF, "|| github.event.action == 'labeled'", "runs on untrusted"),
    ("types: [opened, synchronize, reopened, labeled]", "types: [opened]", "no 'labeled' type"),
    ("  pull_request:\n", "  pull_request_target:\n", "privileged trigger"),
]


@pytest.mark.parametrize(("old", "new", "problem"), PLANTED)
def test_a_planted_fault_breaks_a_rule(old, new, problem):
    texts = _workflow_texts()
    assert old in texts["ci.yml"], "the fault no longer applies: update PLANTED"
    texts["ci.yml"] = texts["ci.yml"].replace(old, new, 1)
    assert any(problem in found for found in workflow_problems(texts))


def test_a_planted_fault_in_the_label_workflow_or_dependabot_is_found():
    label = (WORKFLOWS_DIR / "gpu-label.yml").read_text("utf-8")
    assert label_removal_problems(label.replace("pull-requests: write", "write-all"))
    checkout = f"      - uses: {PIN}\n"
    with_checkout = label.replace("    steps:\n", f"    steps:\n{checkout}")
    assert any("uses an action" in p for p in label_removal_problems(with_checkout))
    assert any("checks out code" in p for p in workflow_problems({"l.yml": with_checkout}))
    dependabot = (GITHUB_DIR / "dependabot.yml").read_text("utf-8")
    assert dependabot_problems(dependabot.replace("default-days: 7", "default-days: 0"))


def _zizmor(github_dir: Path) -> subprocess.CompletedProcess[str]:
    zizmor = shutil.which("zizmor")
    assert zizmor, "zizmor is not installed: it is pinned in requirements/lint.in"
    return subprocess.run(
        [zizmor, "--offline", "--no-progress", str(github_dir)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_zizmor_passes_and_catches_an_unpinned_action(tmp_path):
    result = _zizmor(GITHUB_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    planted = tmp_path / ".github"
    shutil.copytree(GITHUB_DIR, planted)
    ci = planted / "workflows" / "ci.yml"
    ci.write_text(ci.read_text("utf-8").replace(PIN, "actions/checkout@v7", 1), "utf-8")
    result = _zizmor(planted)
    assert result.returncode != 0 and "unpinned-uses" in result.stdout
