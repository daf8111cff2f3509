"""The Zensical report: what a second build lacks, found on two small built sites."""

from __future__ import annotations

from pathlib import Path

from dlref.site import zensical_report

BLOCK = '<div class="language-python highlight"><pre><code>x = 1</code></pre></div>'


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_missing_pages_blocks_and_files_are_reported(tmp_path, capsys):
    mkdocs = _write(
        tmp_path / "mkdocs",
        {
            "index.html": BLOCK * 2,
            "a/index.html": BLOCK,
            "b/index.html": "text",
            "llms.txt": "x",
            "snippets/t/a.py": "",
            "snippets/t/b.py": "",
            "assets/theme.js": "",
        },
    )
    zensical = _write(tmp_path / "zensical", {"index.html": BLOCK, "a/index.html": BLOCK})
    gaps = zensical_report.compare_builds(mkdocs, zensical)
    assert [(gap.path, gap.problem) for gap in gaps] == [
        ("b/index.html", "the page"),
        ("index.html", "1 of its 2 Python blocks"),
        ("llms.txt", "the file"),
        ("snippets/**/*.py", "2 files"),
    ]
    assert zensical_report.main([str(mkdocs), str(zensical)]) == 1
    assert "| `b/index.html` | the page |" in capsys.readouterr().out


def test_an_equal_build_lacks_nothing(tmp_path, capsys):
    files = {"index.html": BLOCK, "llms.txt": "x"}
    mkdocs, zensical = _write(tmp_path / "m", files), _write(tmp_path / "z", files)
    assert zensical_report.main([str(mkdocs), str(zensical)]) == 0
    assert "Nothing missing" in capsys.readouterr().out
