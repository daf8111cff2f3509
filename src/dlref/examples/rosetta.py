"""The API Rosetta index: every framework API the examples call, and what the other side calls.

The index is read from the paired scripts' code, never typed. Each script is
parsed (`ast`); its imports say which local names stand for ``torch``,
``tensorflow`` and ``keras``, so ``nn.Linear(...)`` is recorded as
``torch.nn.Linear`` and ``tf.GradientTape()`` as ``tf.GradientTape``. A
name assigned from a framework call (``optimizer = torch.optim.SGD(...)``,
``with tf.GradientTape() as tape``) holds a framework object, and a method
called on it is recorded as written: ``optimizer.zero_grad()``,
``tape.gradient()``.

"The same place" is the same part of the two scripts: the n-th ``# %%`` part
of one side is shown beside the n-th part of the other (see
`dlref.site.directive`), so an API's counterparts are the calls in the same
part of the other script. The index links each example to the page section
that shows it. It is an artefact (`dlref.examples.artefacts.Artefact`):
``dlref check --update`` rewrites ``snippets/rosetta.md``, ``dlref check``
and the tests check it, and ``docs/rosetta.md`` includes it.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from dlref.examples.discovery import Example, Snippet, discover
from dlref.paths import DOCS_DIR
from dlref.site.directive import parse_directives

ROSETTA_FILE = "rosetta.md"
#: Where the index is shown; its links are relative to this page.
ROSETTA_PAGE = "rosetta.md"
#: The libraries indexed, by top-level module, with the prefix the index writes.
LIBRARIES = {"torch": "torch", "tensorflow": "tf", "keras": "keras"}
#: Section titles, in page order.
LIBRARY_TITLES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
#: How many of the other side's calls a row names.
MAX_COUNTERPARTS = 10
_PART_RE = re.compile(r"^\s*#\s*%%")
_CUSTOM_ID_RE = re.compile(r"\{\s*#(?P<id>[\w-]+)[^}]*\}\s*$")
#: Methods whose result is a plain Python or NumPy value, not a framework object.
_PLAIN_RESULTS = {"numpy", "item", "tolist"}
_HEADING_RE = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class ApiCall:
    """One framework API called by a script.

    Attributes:
        library: ``"torch"``, ``"tensorflow"`` or ``"keras"``.
        name: As the index writes it: ``"torch.nn.Linear"`` for an API,
            ``"optimizer.zero_grad()"`` for a method of a framework object.
        part: The ``# %%`` part of the script the call is in (0 before the first marker).
    """

    library: str
    name: str
    part: int


def _dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; ``None`` for anything else."""
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(names)]


def _written(node: ast.expr) -> str:
    """A receiver as written, with call arguments and non-constant indices elided."""
    if isinstance(node, ast.Call):
        return f"{_written(node.func)}()"
    if isinstance(node, ast.Attribute):
        return f"{_written(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        index = node.slice
        shown = ast.unparse(index) if isinstance(index, ast.Constant) else "..."
        return f"{_written(node.value)}[{shown}]"
    return ast.unparse(node)


def _root_name(node: ast.expr) -> str | None:
    """The variable a chain of attributes, subscripts and calls starts from."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [name for element in target.elts for name in _target_names(element)]
    return []


class _Collector(ast.NodeVisitor):
    """Walks one script in source order, tracking framework names and recording calls."""

    def __init__(self, part_starts: list[int]) -> None:
        self.part_starts = part_starts
        self.modules: dict[str, list[str]] = {}  # local name -> full module path
        self.objects: dict[str, str] = {}  # local name -> library of the object it holds
        self.calls: list[ApiCall] = []

    def _part(self, line: int) -> int:
        return sum(1 for start in self.part_starts if start < line)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in LIBRARIES:
                local = alias.asname or alias.name.split(".")[0]
                path = alias.name.split(".") if alias.asname else [local]
                self.modules[local] = path

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.split(".")[0] in LIBRARIES:
            for alias in node.names:
                self.modules[alias.asname or alias.name] = [*node.module.split("."), alias.name]

    def library_of(self, node: ast.expr) -> str | None:
        """The library of the object an expression returns, when it is a framework object.

        The expression must start from a framework module or object; a
        ``.numpy()``, ``.item()`` or ``.tolist()`` on the way makes it plain.
        """
        link = node
        while isinstance(link, ast.Attribute | ast.Subscript | ast.Call):
            if isinstance(link, ast.Call):
                if isinstance(link.func, ast.Attribute) and link.func.attr in _PLAIN_RESULTS:
                    return None
                link = link.func
            else:
                link = link.value
        root = _root_name(node)
        if root in self.modules:
            return self.modules[root][0]
        return self.objects.get(root) if root is not None else None

    def _bind(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        for target in targets:
            if (
                isinstance(target, ast.Tuple)
                and isinstance(value, ast.Tuple)
                and len(target.elts) == len(value.elts)
            ):
                for element, element_value in zip(target.elts, value.elts, strict=True):
                    self._bind([element], element_value)
                continue
            library = self.library_of(value) if value is not None else None
            for name in _target_names(target):
                if library is None:
                    self.objects.pop(name, None)
                else:
                    self.objects[name] = library

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        self._bind(node.targets, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self._bind([node.target], node.value)

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self._bind([node.target], node.iter)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._bind([item.optional_vars], item.context_expr)
        for statement in node.body:
            self.visit(statement)

    def visit_Call(self, node: ast.Call) -> None:
        dotted = _dotted(node.func)
        part = self._part(node.lineno)
        if dotted and dotted[0] in self.modules:
            path = [*self.modules[dotted[0]], *dotted[1:]]
            library = path[0]
            self.calls.append(ApiCall(library, ".".join([LIBRARIES[library], *path[1:]]), part))
        elif isinstance(node.func, ast.Attribute) and not any(
            isinstance(child, ast.Call) for child in ast.walk(node.func.value)
        ):
            # A method of a framework object; what a call chain returns is not known.
            root = _root_name(node.func.value)
            if root in self.objects:
                self.calls.append(ApiCall(self.objects[root], f"{_written(node.func)}()", part))
        self.generic_visit(node)


def script_calls(path: Path) -> list[ApiCall]:
    """List the framework calls of one script, in source order, without repeats.

    Args:
        path: The script.

    Returns:
        Each (library, name, part) once.
    """
    source = path.read_text(encoding="utf-8")
    part_starts = [
        number for number, line in enumerate(source.splitlines(), 1) if _PART_RE.match(line)
    ]
    collector = _Collector(part_starts)
    collector.visit(ast.parse(source, filename=str(path)))
    return list(dict.fromkeys(collector.calls))


def _slug(title: str) -> str:
    """The anchor Python-Markdown's toc gives a heading, or the id its attribute list sets."""
    from markdown.extensions.toc import slugify

    custom = _CUSTOM_ID_RE.search(title)
    if custom:
        return custom["id"]
    text = re.sub(r"`|\*|\[|\]\([^)]*\)", "", title)
    return slugify(text, "-")


def example_links(docs_dir: Path = DOCS_DIR) -> dict[str, str]:
    """Where each example is shown: the first page and section with its directive.

    Args:
        docs_dir: The docs folder.

    Returns:
        A link relative to the Rosetta page (``"concepts/training.md#keras-compile-fit"``),
        by example key.
    """
    links: dict[str, str] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for directive in parse_directives("\n".join(lines), page):
            if directive.key in links:
                continue
            anchor = ""
            for line in reversed(lines[: directive.line - 1]):
                match = _HEADING_RE.match(line)
                if match and len(match[1]) > 1:
                    anchor = "#" + _slug(match["title"])
                    break
            target = posixpath.relpath(page, posixpath.dirname(ROSETTA_PAGE) or ".")
            links[directive.key] = target + anchor
    return links


def render_rosetta(snippets_dir: Path | None = None, docs_dir: Path = DOCS_DIR) -> str:
    """Return the index as Markdown: one section per library, one table row per API.

    Args:
        snippets_dir: The snippets folder; the default one when omitted.
        docs_dir: The docs folder, read for where each example is shown.

    Returns:
        A Markdown fragment, the same for the same scripts and pages. Each row
        names the examples that call the API and the other side's calls in the
        same parts, at most `MAX_COUNTERPARTS`: first those met most often
        beside it, discounted by how common they are everywhere.
    """
    links = example_links(docs_dir)
    examples: dict[tuple[str, str], set[str]] = defaultdict(set)
    counterparts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    parts_with: Counter[str] = Counter()  # in how many (script, part) each name occurs
    for example in discover(snippets_dir):
        calls = {snippet.framework: script_calls(snippet.path) for snippet in example.snippets}
        for snippet in example.snippets:
            parts_with.update(
                name for name, _ in {(call.name, call.part) for call in calls[snippet.framework]}
            )
            other = _other_side(example, snippet)
            for call in calls[snippet.framework]:
                key = (call.library, call.name)
                examples[key].add(example.key)
                if other is not None:
                    counterparts[key].update(
                        c.name for c in calls[other.framework] if c.part == call.part
                    )
    lines: list[str] = []
    for library, title in LIBRARY_TITLES.items():
        names = sorted((name for lib, name in examples if lib == library), key=str.lower)
        lines += [
            f"## {title}",
            "",
            f"{len(names)} APIs and methods.",
            "",
            "| API | Examples | The other side, same part |",
            "| --- | --- | --- |",
        ]
        for name in names:
            key = (library, name)
            shown = ", ".join(
                f"[{example}]({links[example]})" if example in links else example
                for example in sorted(examples[key])
            )
            # Counterparts that go with this API more than with everything: n² / occurrences.
            ranked = sorted(
                counterparts[key].items(),
                key=lambda item: (-(item[1] ** 2) / parts_with[item[0]], item[0]),
            )
            others = ", ".join(f"`{other}`" for other, _ in ranked[:MAX_COUNTERPARTS])
            if len(ranked) > MAX_COUNTERPARTS:
                others += f" and {len(ranked) - MAX_COUNTERPARTS} more"
            lines.append(f"| `{name}` | {shown} | {others or '(no other side)'} |")
        lines.append("")
    return "\n".join(lines)


def _other_side(example: Example, snippet: Snippet) -> Snippet | None:
    others = [s for s in example.snippets if s.framework != snippet.framework]
    return others[0] if others else None
