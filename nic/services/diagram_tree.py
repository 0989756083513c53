"""A driver diagram as a tree to show: built from its live nodes or from its change log.

Pure code, no queries: the services hand in rows (nodes now, or each node's
last logged state as of a date) and get a tree, the text summary screen
readers hear, and the geometry of the SVG drawn on the server.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from nic.models import LEVELS
from nic.models.improvement import HasKind

# The SVG's layout, in its own units (it scales to the page's width).
BOX_WIDTH = 210
COLUMN = 250
ROW = 78
LINE_CHARS = 28
LINES_SHOWN = 3
LINE_HEIGHT = 15


@dataclass
class TreeNode(HasKind):
    id: int
    kind: str
    title: str
    description_html: str = ""
    position: int = 0
    version: int = 1
    parent_id: int | None = None
    children: list[TreeNode] = field(default_factory=list)
    practices: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Box:
    """One node drawn: its box, its wrapped title, and the line to its parent."""

    node: TreeNode
    x: int
    y: int
    height: int
    lines: list[str]
    parent_x: int | None = None
    parent_y: int | None = None


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: list[Box]


def build(rows: Iterable[dict[str, Any]]) -> TreeNode | None:
    """The tree of live rows (dicts with id, kind, title, parent_id, position...), or None
    without a root. A row whose parent is missing or archived is left out with its subtree."""
    live = [r for r in rows if not r.get("archived")]
    nodes = {
        r["id"]: TreeNode(r["id"], r["kind"], r["title"], r.get("description_html", ""),
                          r.get("position", 0), r.get("version", 1), r.get("parent_id"))
        for r in live
    }  # fmt: skip
    root = None
    for r in sorted(live, key=lambda r: (r.get("position", 0), r["id"])):
        node = nodes[r["id"]]
        if r.get("parent_id") is None:
            root = root or node
        elif r["parent_id"] in nodes:
            nodes[r["parent_id"]].children.append(node)
    return root


def walk(root: TreeNode | None) -> list[TreeNode]:
    """Every node, depth first, in the diagram's reading order."""
    found: list[TreeNode] = []
    stack = [root] if root else []
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def summary(root: TreeNode | None) -> str:
    """What the diagram says, in a few sentences (the SVG's description)."""
    if root is None:
        return "The diagram is empty."
    counts = {kind: 0 for kind in LEVELS[1:]}
    for node in walk(root)[1:]:
        counts[node.kind] += 1
    parts = [
        f"Aim: {root.title}",
        f"{counts['primary']} primary drivers, {counts['secondary']} secondary drivers and "
        f"{counts['change_idea']} change ideas.",
    ]
    for primary in root.children:
        ideas = sum(len(s.children) for s in primary.children)
        parts.append(
            f"Primary driver “{primary.title}”: {len(primary.children)} secondary drivers, "
            f"{ideas} change ideas."
        )
    return " ".join(parts)


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, LINE_CHARS) or [""]
    if len(lines) > LINES_SHOWN:
        lines = [*lines[: LINES_SHOWN - 1], textwrap.shorten(" ".join(lines[2:]), LINE_CHARS)]
    return lines


def draw(root: TreeNode | None) -> Drawing:
    """Columns by level (aim at the left), one row per leaf, each parent centred on its
    children, and a line from each parent's right edge to its child's left edge."""
    if root is None:
        return Drawing(0, 0, [])
    boxes: list[Box] = []
    next_row = [0]

    def place(node: TreeNode) -> int:
        lines = _lines(node.title)
        height = 16 + LINE_HEIGHT * len(lines)
        x = node.level * COLUMN + 10
        index = len(boxes)
        boxes.append(Box(node, x, 0, height, lines))  # y once the children are placed
        if node.children:
            centres = [place(child) for child in node.children]
            centre = (centres[0] + centres[-1]) // 2
        else:
            centre = next_row[0] * ROW + ROW // 2 + 10
            next_row[0] += 1
        boxes[index] = Box(node, x, centre - height // 2, height, lines)
        return centre

    place(root)
    by_id = {b.node.id: b for b in boxes}
    drawn = []
    for box in boxes:
        for child in box.node.children:
            by_id[child.id] = replace(
                by_id[child.id], parent_x=box.x + BOX_WIDTH, parent_y=box.y + box.height // 2
            )
        drawn.append(by_id[box.node.id])
    depth = max(b.node.level for b in drawn)
    return Drawing(COLUMN * depth + BOX_WIDTH + 20, max(next_row[0], 1) * ROW + 20, drawn)


def check(rows: list[dict[str, Any]]) -> list[str]:
    """What is wrong with these rows as a diagram (nothing: []): one root, every live node's
    parent live and one level up, no cycles, live siblings numbered 0, 1, 2..."""
    live = {r["id"]: r for r in rows if not r.get("archived")}
    problems = []
    roots = [r for r in live.values() if r["parent_id"] is None]
    if len(roots) != 1:
        problems.append(f"{len(roots)} roots")
    siblings: dict[int | None, list[int]] = {}
    for r in live.values():
        siblings.setdefault(r["parent_id"], []).append(r["position"])
        if r["parent_id"] is None:
            continue
        parent = live.get(r["parent_id"])
        if parent is None:
            problems.append(f"node {r['id']} hangs on a missing or archived parent")
        elif LEVELS.index(r["kind"]) != LEVELS.index(parent["kind"]) + 1:
            problems.append(f"node {r['id']} ({r['kind']}) under a {parent['kind']}")
        seen, at = set(), r
        while at is not None and at["parent_id"] is not None:
            if at["id"] in seen:
                problems.append(f"node {r['id']} is in a cycle")
                break
            seen.add(at["id"])
            at = live.get(at["parent_id"])
    for parent_id, positions in siblings.items():
        if sorted(positions) != list(range(len(positions))):
            problems.append(f"children of {parent_id} at {sorted(positions)}")
    return problems
