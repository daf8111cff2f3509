"""The case studies' notebooks: executed in fresh kernels, their stored outputs real.

Each notebook is built from its study's script and run top to bottom in a new
kernel; the stored notebook under docs/case-studies/ must be what that run
printed and drew. Nothing lists the notebooks: they are found by walking
notebooks/. Each notebook has its own xdist group, so the kernels spread over
the workers.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from dlref.notebooks import install
from dlref.notebooks.check import check_notebook, differences
from dlref.notebooks.results import (
    NotebookResultError,
    notebook_results,
    read_notebook,
    study_rows,
)
from dlref.notebooks.source import FRAMEWORKS, NotebookSource, build_notebook, discover_notebooks
from dlref.paths import CASE_STUDIES_DIR, CHECKOUT, DOCS_DIR, repository
from dlref.site.case_studies import colab_url, figure_uri
from dlref.site.gate import page_html, unaccounted_notebook_cells
from dlref.site.printable import page_count, pdf_title, study_digest

SOURCES = discover_notebooks()
STUDIES = sorted({source.study for source in SOURCES})


def _stored(source: NotebookSource) -> nbformat.NotebookNode:
    return nbformat.read(source.notebook_path(), as_version=4)


def test_every_study_has_a_notebook_per_framework():
    # Guards the parametrized tests below against silently collecting nothing.
    assert len(STUDIES) >= 2, "expected the tabular and the image case studies under notebooks/"
    for study in STUDIES:
        assert [s.framework for s in SOURCES if s.study == study] == list(FRAMEWORKS), study


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(s, id=s.name, marks=pytest.mark.xdist_group(f"notebook-{s.name}"))
        for s in SOURCES
    ],
)
def test_stored_notebook_is_a_fresh_run(source):
    problems = check_notebook(source, update=False)
    assert not problems, "\n".join(problems)


def test_a_failing_cell_fails_the_check_and_nothing_is_written(tmp_path):
    study_dir = tmp_path / "notebooks" / "broken"
    study_dir.mkdir(parents=True)
    script = study_dir / "broken_pytorch.py"
    script.write_text(
        '# %% [markdown]\n# # Broken\n\n# %%\nprint("before")\n\n'
        '# %%\n1 / 0\n\n# %%\nprint("after")\n',
        encoding="utf-8",
    )
    stored_dir = tmp_path / "case-studies"
    problems = check_notebook(
        NotebookSource("broken", "pytorch", script), update=True, case_studies_dir=stored_dir
    )
    assert len(problems) == 1
    assert "broken-pytorch: cell 3 ('1 / 0') raised ZeroDivisionError" in problems[0]
    assert not stored_dir.exists()


def test_a_stale_output_or_source_is_reported():
    source = SOURCES[0]
    stored = _stored(source)
    assert differences(stored, stored, "x.ipynb") == []
    printing = next(
        index
        for index, cell in enumerate(stored.cells)
        if cell.cell_type == "code" and any(o.output_type == "stream" for o in cell.outputs)
    )
    changed = copy.deepcopy(stored)
    stream = next(o for o in changed.cells[printing].outputs if o.output_type == "stream")
    stream.text += "one more line\n"
    assert [f"x.ipynb: cell {printing}" in p for p in differences(changed, stored, "x.ipynb")] == [
        True
    ]
    edited = copy.deepcopy(stored)
    edited.cells[printing].source += "\n# edited"
    assert "not what its source builds" in differences(edited, stored, "x.ipynb")[0]
    assert "is missing" in differences(None, stored, "x.ipynb")[0]


def test_the_install_cell_pins_the_locked_versions():
    pins = install.locked_versions()
    for source in SOURCES:
        cell = build_notebook(source).cells[1].source
        assert 'if importlib.util.find_spec("dlref") is None:' in cell
        assert f"numpy=={pins['numpy']}" in cell, source.name
    assert "torch==2.13.0 " in install.install_cell_source("import torch\nimport numpy") + " "
    assert "tensorflow==" in install.install_cell_source("import tensorflow")
    assert "tensorflow-cpu" not in install.install_cell_source("import tensorflow")


def test_an_unpinned_import_is_refused(monkeypatch):
    monkeypatch.setattr(install, "locked_versions", lambda: {"numpy": "1"})
    with pytest.raises(ValueError, match="does not pin"):
        install.install_cell_source("import numpy\nimport sklearn")


def test_every_notebook_cell_is_accounted_for(tmp_path):
    built = {source.notebook_path() for source in SOURCES}
    assert unaccounted_notebook_cells(DOCS_DIR, built) == []

    docs = tmp_path / "docs"
    (docs / "case-studies").mkdir(parents=True)
    notebook = _stored(SOURCES[0])
    notebook.cells.append(nbformat.v4.new_code_cell("print('never run')"))
    notebook.cells.append(nbformat.v4.new_markdown_cell("At home:\n\n```python\nimport timm\n```"))
    planted = docs / "case-studies" / SOURCES[0].notebook_path().name
    nbformat.write(notebook, planted)
    problems = unaccounted_notebook_cells(docs, {planted})
    assert len(problems) == 2
    assert "has no outputs of a successful run" in problems[0]
    assert "say why it is not run" in problems[1]
    assert "no case-study script builds" in unaccounted_notebook_cells(docs, set())[0]


@pytest.mark.parametrize("study", STUDIES)
def test_a_model_evaluated_in_both_notebooks_scores_the_same(study, tmp_path):
    rows = study_rows(study)
    assert rows and all({"model", "library"} <= row.keys() for row in rows)

    # Plant a disagreement: one notebook's first row scores differently.
    for path in CASE_STUDIES_DIR.glob(f"{study}-*.ipynb"):
        shutil.copy(path, tmp_path / path.name)
    planted = tmp_path / f"{study}-{FRAMEWORKS[-1]}.ipynb"
    notebook = nbformat.read(planted, as_version=4)
    cell = next(c for c in notebook.cells if "results" in c.metadata.get("tags", []))
    stream = next(o for o in cell.outputs if o.output_type == "stream")
    results = json.loads(stream.text)
    first = study_rows(study)[0]
    shared = next(
        r
        for r in results["rows"]
        if (r["model"], r["library"]) == (first["model"], first["library"])
    )
    metric = next(key for key, value in shared.items() if isinstance(value, float))
    shared[metric] += 0.01
    stream.text = json.dumps(results, indent=1) + "\n"
    nbformat.write(notebook, planted)
    with pytest.raises(NotebookResultError, match="differs between notebooks"):
        study_rows(study, tmp_path)


@pytest.mark.parametrize("study", STUDIES)
def test_each_study_report_is_printed_from_the_current_page(study):
    pdf = (CASE_STUDIES_DIR / f"{study}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and page_count(pdf) >= 1
    assert f"dlref case study {study} {study_digest(study)}:" in pdf_title(pdf), (
        f"docs/case-studies/{study}.pdf was printed from other notebooks or another page: "
        "run `make pdf`"
    )


@pytest.mark.site
@pytest.mark.xdist_group("site")
def test_notebook_pages_open_in_colab_and_download(built_site):
    repo, branch = repository()
    for source in SOURCES:
        notebook = source.notebook_path()
        in_repository = notebook.relative_to(CHECKOUT).as_posix()
        expected = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{in_repository}"
        assert colab_url(notebook) == expected
        html = page_html(built_site, notebook.relative_to(DOCS_DIR)).read_text(encoding="utf-8")
        assert f'href="{expected}"' in html, f"{source.name}: no Colab link to {in_repository}"
        download = page_html(built_site, notebook.relative_to(DOCS_DIR)).parent / notebook.name
        assert f'href="{notebook.name}" download' in html
        assert download.read_bytes() == notebook.read_bytes(), f"{source.name}: stale download"


@pytest.mark.site
@pytest.mark.xdist_group("site")
def test_study_pages_show_their_notebooks_figures(built_site):
    for study in STUDIES:
        html = page_html(built_site, Path("case-studies") / f"{study}.md").read_text(
            encoding="utf-8"
        )
        figures = [uri for uri in html.split('src="')[1:] if "/figures/" in uri.split('"')[0]]
        assert figures, f"{study}: the report shows no figure of its notebooks"
        for shown in figures:
            name = shown.split('"')[0].rsplit("/", 1)[-1]
            assert (built_site / figure_uri("x", "y")).parent.joinpath(name).is_file()


def _values(name: str) -> dict:
    return notebook_results(read_notebook(name), name)["values"]


def test_the_loan_verdict_follows_its_numbers():
    # The loans page and the use-case page say: boosting has the highest ROC AUC, beats
    # logistic regression beyond the bootstrap's spread, and cannot be told from either
    # network. A rerun that changes the numbers must change those sentences too.
    for name in ("loans-pytorch", "loans-tensorflow"):
        values = _values(name)
        assert values["boosting_auc"] > max(values["logistic_auc"], values["mlp_auc"]), name
        assert values["boosting_minus_logistic_low"] > 0, name
        assert values["boosting_minus_mlp_low"] < 0 < values["boosting_minus_mlp_high"], name


def test_the_shapes_verdict_follows_its_numbers():
    # "The pre-trained backbone helped, but modestly, and only after fine-tuning";
    # frozen, it did "about as well as training from scratch".
    for name in ("shapes-pytorch", "shapes-tensorflow"):
        values = _values(name)
        assert values["fine_tuned_accuracy"] > values["frozen_accuracy"], name
        assert values["fine_tuned_accuracy"] > values["scratch_accuracy"], name
        assert abs(values["frozen_accuracy"] - values["scratch_accuracy"]) <= 0.05, name
        assert values["resume_max_difference"] == 0.0, name
