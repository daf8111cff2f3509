"""Quoted values: a number in prose is the number a run recorded, or the build fails."""

from __future__ import annotations

import json

import pytest
from mkdocs.exceptions import PluginError

from dlref.examples.artefacts import check_group, check_groups
from dlref.examples.quoted_values import format_value, records_match
from dlref.examples.runner import RunCache
from dlref.site import hooks
from dlref.site.page_syntax import DirectiveError
from dlref.site.values import expand_values, recorded_values


def _topic(tmp_path, share: str = "58_631_144 / 61_100_840"):
    topic = tmp_path / "t"
    topic.mkdir()
    (topic / "net_pytorch.py").write_text(f"share = {share}\nprint(f'{{share:.4f}}')\n")
    (topic / "values.toml").write_text('[share]\nscript = "net_pytorch"\nformat = ".0%"\n')
    return topic


def test_a_run_records_the_value_and_the_page_shows_it_formatted(tmp_path):
    topic = _topic(tmp_path)
    (group,) = check_groups(tmp_path)
    assert check_group(group, RunCache(), update=True).passed
    record = json.loads((topic / "net_pytorch.values.json").read_text())
    assert record == {"share": pytest.approx(0.9595798)}
    values = recorded_values(tmp_path)
    assert values == {"t/share": "96%"}
    page = "The classifier holds {{ value: t/share }} of the weights.\n"
    assert expand_values(page, "p.md", values) == "The classifier holds 96% of the weights.\n"


def test_changing_the_recorded_value_changes_the_page(tmp_path):
    topic = _topic(tmp_path)
    (topic / "net_pytorch.values.json").write_text('{"share": 0.5}\n')
    page = "{{ value: t/share }}\n"
    assert expand_values(page, "p.md", recorded_values(tmp_path)) == "50%\n"
    (group,) = check_groups(tmp_path)
    problems = check_group(group, RunCache()).problems  # the record is stale
    assert f"{topic / 'net_pytorch.values.json'} is stale" in "\n".join(problems)


def test_a_reference_to_a_missing_value_fails_with_its_name(tmp_path):
    _topic(tmp_path)
    values = recorded_values(tmp_path)
    assert values == {"t/share": None}  # declared, never recorded
    with pytest.raises(DirectiveError, match=r"docs/p.md:2: 't/share' is declared but not"):
        expand_values("x\n{{ value: t/share }}\n", "p.md", values)
    with pytest.raises(DirectiveError, match=r"docs/p.md:1: no quoted value 't/sahre'; values"):
        expand_values("{{ value: t/sahre }}\n", "p.md", values)
    assert expand_values("```\n{{ value: t/sahre }}\n```\n", "p.md", values).count("sahre") == 1

    class Page:
        class file:
            src_uri = "concepts/autograd.md"

    with pytest.raises(PluginError, match="no quoted value 'autograd/nothing'"):
        hooks.on_page_markdown("{{ value: autograd/nothing }}\n", Page, {}, None)


def test_recorded_numbers_tolerate_machine_noise_only():
    assert records_match('{"a": 0.1234567}', '{"a": 0.12345670001}')
    assert not records_match('{"a": 0.1234567}', '{"a": 0.1235}')
    assert not records_match('{"a": 1}', '{"b": 1}')
    assert format_value(0.9596, ".0%") == "96%" and format_value(12, "") == "12"
