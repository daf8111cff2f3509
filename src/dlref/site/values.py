"""Quoted values in prose: ``{{ value: TOPIC/NAME }}`` becomes the number a run recorded.

The values are declared in a topic's ``values.toml`` and recorded by
``dlref check --update`` (see `dlref.examples.quoted_values`); the build
reads the records, it runs nothing. A reference to a value that is not
declared, or not recorded yet, fails the build with the page, the line and
the name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dlref.examples.discovery import topic_dirs
from dlref.examples.quoted_values import format_value, load_quoted, record_path
from dlref.site.page_syntax import DirectiveError, prose_lines

VALUE_RE = re.compile(r"\{\{\s*value:\s*(?P<reference>[^\s}]+)\s*\}\}")


def recorded_values(snippets_dir: Path | None = None) -> dict[str, str | None]:
    """Read every quoted value as a page shows it.

    Args:
        snippets_dir: The snippets folder; the default one when omitted.

    Returns:
        The formatted value by reference (``"architectures/fc_share"``);
        ``None`` for a declared value that has no record yet.
    """
    values: dict[str, str | None] = {}
    for topic_dir in topic_dirs(snippets_dir):
        records: dict[str, dict] = {}
        for quoted in load_quoted(topic_dir):
            if quoted.script not in records:
                path = record_path(topic_dir, quoted.script)
                records[quoted.script] = (
                    json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
                )
            record = records[quoted.script]
            values[quoted.reference] = (
                format_value(record[quoted.key], quoted.format) if quoted.key in record else None
            )
    return values


def expand_values(markdown: str, page: str, values: dict[str, str | None]) -> str:
    """Replace every ``{{ value: TOPIC/NAME }}`` outside code blocks with its recorded value.

    Args:
        markdown: The page's Markdown.
        page: The page, relative to the docs folder, for messages.
        values: From `recorded_values`.

    Returns:
        The Markdown with the values in place.

    Raises:
        DirectiveError: A reference names no declared value, or one not recorded yet.
    """
    lines = markdown.splitlines()
    for number, line in prose_lines(markdown):
        lines[number - 1] = VALUE_RE.sub(
            lambda match, number=number: _value(match["reference"], page, number, values), line
        )
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def _value(reference: str, page: str, line: int, values: dict[str, str | None]) -> str:
    where = f"docs/{page}:{line}"
    if reference not in values:
        topic = reference.split("/", 1)[0]
        known = sorted(name for name in values if name.startswith(f"{topic}/"))
        hint = f"values of {topic}: {', '.join(known)}" if known else "declare it in values.toml"
        raise DirectiveError(f"{where}: no quoted value {reference!r}; {hint}")
    text = values[reference]
    if text is None:
        raise DirectiveError(
            f"{where}: {reference!r} is declared but not recorded: run "
            f"`dlref check --update {reference.split('/', 1)[0]}`"
        )
    return text
