"""Creating a new example: its two scripts, its parity entry and its page.

``dlref new TOPIC NAME`` writes the pieces a contributor would otherwise copy
by hand, in the layout the tests discover. It never overwrites a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlref.examples.discovery import FRAMEWORKS, SnippetError
from dlref.examples.parity import PARITY_FILE
from dlref.site.directive import directive_line

_TEMPLATES = {
    "pytorch": """import torch

torch.manual_seed(0)

x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
total = x.sum()
print(total)
""",
    "tensorflow": """import tensorflow as tf

tf.random.set_seed(0)

x = tf.reshape(tf.range(6, dtype=tf.float32), (2, 3))
total = tf.reduce_sum(x)
print(total)
""",
}


@dataclass(frozen=True)
class Scaffold:
    """The files `create_example` wrote.

    Attributes:
        created: Paths written, relative to the checkout.
        page: The page that shows the example.
        page_existed: Whether the page was there before (then it was not touched).
    """

    created: list[Path]
    page: Path
    page_existed: bool


def create_example(checkout: Path, section: str, topic: str, name: str) -> Scaffold:
    """Write the scripts, the parity entry and, if missing, the page of a new example.

    Args:
        checkout: The project's top folder (holds ``mkdocs.yml``).
        section: The folder under ``docs/`` for the page, e.g. ``"concepts"``.
        topic: The topic folder under ``snippets/``.
        name: The example's name.

    Returns:
        What was written.

    Raises:
        SnippetError: The example exists already, or ``checkout`` is not a checkout.
    """
    if not (checkout / "mkdocs.yml").exists():
        raise SnippetError(f"{checkout} is not a dlref checkout (no mkdocs.yml)")
    topic_dir = checkout / "snippets" / topic
    scripts = {fw: topic_dir / f"{name}_{fw}.py" for fw in FRAMEWORKS}
    if any(path.exists() for path in scripts.values()):
        raise SnippetError(f"example {topic}/{name} exists already")
    topic_dir.mkdir(parents=True, exist_ok=True)
    created = []
    for framework, path in scripts.items():
        path.write_text(_TEMPLATES[framework], encoding="utf-8")
        created.append(path)
    parity = topic_dir / PARITY_FILE
    with parity.open("a", encoding="utf-8") as handle:
        handle.write(f'[{name}]\nvalues = ["total"]\n')
    created.append(parity)
    page = checkout / "docs" / section / f"{topic}.md"
    page_existed = page.exists()
    if not page_existed:
        page.parent.mkdir(parents=True, exist_ok=True)
        title = topic.replace("_", " ").capitalize()
        page.write_text(f"# {title}\n\n{directive_line(topic, name)}\n", encoding="utf-8")
        created.append(page)
    return Scaffold(
        created=[path.relative_to(checkout) for path in created],
        page=page.relative_to(checkout),
        page_existed=page_existed,
    )
