"""The in-browser inference page: the same answers as Python, offline, and clear failures.

The page runs the two ONNX exports of `dlref.deploy.digits` with onnxruntime-web
in Chromium. Its probabilities must be those Python's ONNX Runtime recorded in
``digits-samples.json``; it must need nothing outside the site; a damaged model
must end in a message on the page. Only this page may load the runtime.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from dlref.cli import main
from dlref.deploy import digits
from dlref.site.browser import PageLog, local_page
from dlref.site.hooks import RUNTIME_FILES, RUNTIME_SITE_DIR

PAGE = "production/in-browser/"
SCRIPT = "javascripts/in-browser.js"
#: The issue's tolerance between the page and Python's ONNX Runtime.
ATOL = 1e-4
#: Loading the runtime compiles its WebAssembly binary: seconds on a busy machine.
LOAD_TIMEOUT_MS = 60_000

#: What a page loads: the ``src`` of each of its scripts.
SCRIPT_SOURCE = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')


def _recorded() -> dict:
    return json.loads((digits.MODELS_DIR / digits.SAMPLES).read_text(encoding="utf-8"))


def _open(browser, served_site: str, log: PageLog):
    page = local_page(browser, log)
    page.goto(f"{served_site}/{PAGE}")
    page.wait_for_selector("#dlref-infer:not([data-state=loading])", timeout=LOAD_TIMEOUT_MS)
    return page


def _shown(page, run: int) -> dict:
    """What the page shows after its ``run``-th inference: per export, text and values."""
    page.wait_for_selector(f"#dlref-infer-results[data-run='{run}']")
    return page.evaluate(
        """() => {
            const shown = {};
            for (const key of ['pytorch', 'keras']) {
                const cells = [...document.querySelectorAll(`td[data-framework=${key}]`)];
                shown[key] = {
                    text: cells.map(cell => Number(cell.querySelector('span').textContent)),
                    values: cells.map(cell => Number(cell.dataset.value)),
                    top: Number(document.querySelector(
                        `li[data-framework=${key}] [data-top-class]`).textContent),
                };
            }
            shown.gap = Number(document.getElementById('dlref-infer-gap').dataset.value);
            return shown;
        }"""
    )


def _mismatches(shown: dict, expected: dict[str, np.ndarray]) -> list[str]:
    """How the page's probabilities differ from Python's beyond `ATOL`; empty when they agree."""
    problems = []
    for framework, probabilities in expected.items():
        for kind in ("text", "values"):
            gap = np.max(np.abs(np.asarray(shown[framework][kind]) - probabilities))
            if not gap <= ATOL:
                problems.append(f"{framework} {kind} differ from Python by {gap:.2e}")
        if shown[framework]["top"] != int(np.argmax(probabilities)):
            problems.append(f"{framework} top class {shown[framework]['top']}")
    python_gap = np.max(np.abs(expected["pytorch"] - expected["keras"]))
    if not abs(shown["gap"] - python_gap) <= ATOL:
        problems.append(f"largest difference {shown['gap']}, Python's {python_gap}")
    return problems


@pytest.mark.site
@pytest.mark.browser
@pytest.mark.xdist_group("site")
def test_every_sample_gives_python_onnx_runtimes_probabilities_offline(served_site, browser):
    log = PageLog()
    page = _open(browser, served_site, log)
    assert page.get_attribute("#dlref-infer", "data-state") == "ready", page.inner_text(
        "#dlref-infer-status"
    )
    # Headless Chromium offers no WebGPU here: the WebAssembly build ran, and the page says so.
    assert page.get_attribute("#dlref-infer", "data-backend") == "wasm wasm"
    assert "WebAssembly" in page.inner_text("#dlref-infer-status")

    # Everything is in the page now: cut the network and use it from the keyboard.
    page.context.set_offline(True)
    recorded = _recorded()
    problems = []
    for index, label in enumerate(recorded["labels"]):
        page.focus(f"[data-sample='{index}']")
        page.keyboard.press("Enter")
        expected = {fw: np.asarray(recorded["outputs"][fw][index]) for fw in digits.FRAMEWORKS}
        problems += [f"sample {label}: {p}" for p in _mismatches(_shown(page, index + 1), expected)]
    assert not problems, problems

    # The planted fault: another sample's probabilities are not these.
    wrong = {fw: np.asarray(recorded["outputs"][fw][0]) for fw in digits.FRAMEWORKS}
    assert _mismatches(_shown(page, len(recorded["labels"])), wrong)

    # A drawing goes through the same path: a stroke gives a run and probabilities summing to 1.
    box = page.locator("#dlref-infer-canvas").bounding_box()
    page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.8 * box["height"], steps=8)
    page.mouse.up()
    drawn = _shown(page, len(recorded["labels"]) + 1)
    assert abs(sum(drawn["pytorch"]["values"]) - 1) < 1e-5
    assert page.locator("#dlref-infer-accuracy").inner_text().endswith("%")
    assert log.outside == [] and log.errors == [], log


@pytest.mark.site
@pytest.mark.browser
@pytest.mark.xdist_group("site")
def test_a_damaged_model_file_gives_a_clear_message(served_site, browser):
    log = PageLog()
    page = local_page(browser, log)
    page.route("**/digits-keras.onnx", lambda route: route.fulfill(body=b"not an ONNX model"))
    page.goto(f"{served_site}/{PAGE}")
    page.wait_for_selector("#dlref-infer:not([data-state=loading])", timeout=LOAD_TIMEOUT_MS)
    assert page.get_attribute("#dlref-infer", "data-state") == "error"
    status = page.locator("#dlref-infer-status")
    assert status.get_attribute("role") == "alert"
    text = status.inner_text()
    assert "digits-keras.onnx" in text and "damaged" in text, text
    assert log.errors == [] and log.outside == [], log


@pytest.mark.site
@pytest.mark.xdist_group("site")
def test_only_the_in_browser_page_loads_the_runtime(built_site):
    loaders = {}
    for html in built_site.rglob("*.html"):
        for source in SCRIPT_SOURCE.findall(html.read_text(encoding="utf-8")):
            if source.endswith(SCRIPT.rsplit("/", 1)[1]) or RUNTIME_SITE_DIR in source:
                loaders.setdefault(str(html.relative_to(built_site)), []).append(source)
    assert loaders == {f"{PAGE}index.html": [f"../../{SCRIPT}"]}
    # The page's script is the only one that imports the runtime.
    importers = sorted(
        str(script.relative_to(built_site))
        for script in built_site.rglob("*.js")
        if "onnxruntime-web/" in script.read_text(encoding="utf-8")
    )
    assert importers == [SCRIPT]
    for name in RUNTIME_FILES:
        assert (built_site / RUNTIME_SITE_DIR / name).is_file(), name


def test_the_committed_exports_give_the_recorded_outputs():
    import onnxruntime

    recorded = _recorded()
    inputs = np.asarray(recorded["inputs"], dtype=np.float32)
    np.testing.assert_array_equal(inputs, digits.sample_inputs())
    for framework in digits.FRAMEWORKS:
        session = onnxruntime.InferenceSession(
            digits.onnx_path(framework), providers=["CPUExecutionProvider"]
        )
        (outputs,) = session.run(None, {session.get_inputs()[0].name: inputs})
        np.testing.assert_allclose(outputs, recorded["outputs"][framework], atol=1e-6)


def test_deploy_check_names_each_damaged_file_and_only_those_and_update_repairs_them(tmp_path):
    # `dlref deploy` compares a fresh run with the committed files; the committed files
    # stand in for the fresh run here, so no retraining (tens of seconds) is needed.
    models = tmp_path / "models"
    shutil.copytree(digits.MODELS_DIR, models)
    damaged = models / "digits-pytorch.onnx"
    damaged.write_bytes(damaged.read_bytes()[:2000])
    samples = json.loads((models / digits.SAMPLES).read_text(encoding="utf-8"))
    samples["outputs"]["keras"][2][2] += 0.01
    (models / digits.SAMPLES).write_text(json.dumps(samples), encoding="utf-8")
    (models / "digits.weights.h5").unlink()
    weights = load_file(models / "digits.safetensors")
    weights["logits.bias"][3] += 0.001
    save_file(weights, models / "digits.safetensors")

    problems = digits.compare_artefacts(models, digits.MODELS_DIR, update=False)
    named = sorted(problem.split()[0] for problem in problems)
    assert named == [
        "digits-pytorch.onnx",
        "digits-samples.json",
        "digits.safetensors",
        "digits.weights.h5",
    ], problems

    assert digits.compare_artefacts(models, digits.MODELS_DIR, update=True) == []
    assert digits.compare_artefacts(models, digits.MODELS_DIR, update=False) == []


def test_dlref_deploy_fails_with_the_problems_and_the_update_command(monkeypatch, capsys):
    monkeypatch.setattr(digits, "export", lambda update: ["digits-keras.onnx is missing"])
    assert main(["deploy"]) == 1
    out = capsys.readouterr().out
    assert "fail     digits-keras.onnx is missing" in out and "dlref deploy --update" in out
    monkeypatch.setattr(digits, "export", lambda update: [])
    assert main(["deploy", "--update"]) == 0
