"""What a reader sees: glossary tooltips once per section, figures in both palettes."""

from __future__ import annotations

import re

import pytest

from dlref.benchmark.results import load_results, plot_paths, results_file
from dlref.examples.figures import PALETTE_COLOURS, load_figures, palette_svg
from dlref.paths import PERFORMANCE_RESULTS, snippets_root
from dlref.site.glossary import mark_first_uses
from dlref.site.markup import inline_figures, unwrap_plain_tokens

WEIGHTS = '<abbr title="The trainable numbers">weights</abbr>'


def test_a_term_keeps_its_tooltip_on_its_first_use_per_section():
    html = (
        f"<h1>Page</h1><p>{WEIGHTS} and {WEIGHTS}; Weights again.</p>"
        f'<h2 id="a">A</h2><p>{WEIGHTS}, {WEIGHTS.replace(">weights", ">Weights")}</p>'
    )
    marked = mark_first_uses(html)
    assert marked.count("<abbr") == 2, marked
    assert marked.count('tabindex="0"') == 2  # reachable with Tab, where focus shows it
    first, second = marked.split('<h2 id="a">')
    assert first.endswith("weights</abbr> and weights; Weights again.</p>")
    assert second.endswith(", Weights</p>")


def _figure_files():
    drawings = [
        plot
        for device in load_results(PERFORMANCE_RESULTS)
        for plot in plot_paths(results_file(PERFORMANCE_RESULTS, device)).values()
    ]
    for topic_dir in sorted(p for p in snippets_root().iterdir() if p.is_dir()):
        drawings += [figure.svg_path for figure in load_figures(topic_dir)]
    return drawings


@pytest.mark.parametrize("drawing", _figure_files(), ids=lambda path: path.name)
def test_every_figure_follows_the_palette(drawing):
    svg = drawing.read_text(encoding="utf-8")
    head, style, body = re.split(r"<style>|</style>", svg, maxsplit=2)
    assert 'class="dlref-plot"' in head
    assert not re.search(r"#[0-9a-f]{6}\b", body), "a colour outside the palette variables"
    for colours in PALETTE_COLOURS.values():
        assert all(colour in style for colour in colours.values())


def test_a_colour_without_a_palette_variable_is_refused():
    with pytest.raises(ValueError, match="#123456"):
        palette_svg('<svg><path style="fill: #123456"/></svg>')


def test_plain_code_tokens_lose_their_spans_and_nothing_else():
    html = (
        '<code><span class="k">del</span><span class="w"> </span><span class="n">x</span>'
        '<span class="p">[</span><span class="mi">0</span><span class="p">]</span>'
        '<span class="o">+</span></code>'
    )
    assert (
        unwrap_plain_tokens(html)
        == '<code><span class="k">del</span> x[<span class="mi">0</span>]+</code>'
    )


def test_a_drawn_figure_shown_as_an_image_is_put_inline_with_its_alt_text(tmp_path):
    (tmp_path / "topic").mkdir()
    (tmp_path / "topic" / "plot.svg").write_text(palette_svg('<svg role="img" aria-label="old">x'))
    (tmp_path / "topic" / "photo.svg").write_text("<svg>y</svg>")
    html = (
        '<p><img alt="Loss &amp; accuracy" src="../plot.svg" />'
        '<img alt="a" src="../photo.svg" /></p>'
    )
    inlined = inline_figures(html, "topic/page/", tmp_path)
    assert '<svg class="dlref-plot" role="img" aria-label="Loss &amp; accuracy">' in inlined
    assert '<img alt="a" src="../photo.svg" />' in inlined
