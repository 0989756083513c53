"""Python-Markdown made to read text the way CommonMark (GitHub, Discourse) does.

The well-kept extensions (pymdown-extensions) cover bare links, ~~strike~~, task
lists, emphasis and headings; this one extension covers what none does:

- a list may start on the line right after a line of text ("Steps:" then
  "1. ..."), as in CommonMark, not only after a blank line;
- nested list items may be indented by two spaces or by four: each item's depth
  comes from the items above it, then is written the way Python-Markdown reads it;
- raw HTML is shown as typed ("Dear <parent name>," keeps its words), not parsed;
- task-list checkboxes get a name a screen reader can say;
- "@handle" becomes a mention link when the renderer was given that handle's link
  (nic.services.mentions looks them up), as on GitHub and Slack.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from markdown import Extension, inlinepatterns
from markdown.blockprocessors import BlockProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from markdown import Markdown

# A list item's first line: its indent, then a bullet or "1." and a space before the text.
_ITEM = re.compile(r"( *)(?:[*+-]|\d{1,9}\.) +\S")
_MARKER = re.compile(r"(?:[*+-]|\d{1,9}\.) +")
_RULE = re.compile(r" {0,3}([*_-])(?: *\1){2,} *\Z")
# Where a list may break into a paragraph in CommonMark: a bullet, or a numbered
# list that starts at 1 ("Ages 5 to\n10. ..." stays one paragraph).
_LIST_AFTER_LINE = re.compile(r"\n(?= {0,3}(?:[*+-]|1\.) +\S)")
# Python-Markdown nests a list item by one tab stop per level.
_TAB = 4
# Deeper items are shown at this depth: each level costs the parser a few stack frames.
LIST_DEPTH_MAX = 10
# A link's text in brackets, at most this long and nested this deep: past either, the
# "[" is text. Python-Markdown looks for the closing "]" to the end of the text from
# every "[", so 20,000 of them took a minute; GitHub limits nesting the same way.
LINK_TEXT_MAX = 1000
LINK_NESTING_MAX = 32
# The same for the link's target in parentheses.
LINK_TARGET_MAX = 2000


def _is_item(line: str) -> re.Match[str] | None:
    return None if _RULE.match(line) else _ITEM.match(line)


class NestedListIndent(Preprocessor):
    """Re-indent nested list items (and the paragraphs inside them) by depth.

    An item nests under the item above when it is indented at least two spaces
    past that item's marker (CommonMark wants the marker's width: 2 for "-",
    3 for "1."; people type 2 or 4 under either). Fenced code is already set
    aside by the time this runs; indented code outside lists is not touched.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        markers: list[int] = []  # the indent of each open item's marker, outermost first
        after_blank = True
        for line in lines:
            stripped = line.lstrip(" ")
            if not stripped:
                after_blank = True
                out.append(line)
                continue
            indent = len(line) - len(stripped)
            if _is_item(line) and (markers or indent < _TAB):
                while markers and indent < markers[-1] + 2:
                    markers.pop()
                out.append(" " * (_TAB * min(len(markers), LIST_DEPTH_MAX)) + _flatter(stripped))
                markers.append(indent)
            elif markers and after_blank:
                # A paragraph after a blank line: inside the deepest item it is indented
                # under, or after the list when it is indented under none.
                depth = sum(1 for marker in markers if indent >= marker + 2)
                del markers[depth:]
                extra = indent - markers[-1] - 2 if markers else 0
                code = extra if extra >= _TAB else 0  # indented code inside the item
                shown = _TAB * min(depth, LIST_DEPTH_MAX + 1) + code
                out.append(" " * shown + stripped if depth else line)
            else:
                out.append(line)
            after_blank = False
        return out


def _flatter(item: str) -> str:
    """An item opening a list in a list in a list... on one line ("- - - x"), LIST_DEPTH_MAX
    deep at most: the marker past that is escaped, so it and the rest are text."""
    end = 0
    for _ in range(LIST_DEPTH_MAX):
        marker = _MARKER.match(item, end)
        if marker is None:
            return item
        end = marker.end()
    marker = _MARKER.match(item, end)
    if marker is None:
        return item
    last = marker.start() + len(marker.group().rstrip()) - 1  # "-" or the "." of "1."
    return item[:last] + "\\" + item[last:]


class ListAfterLine(BlockProcessor):
    """Start a list on the line after a paragraph line by splitting the block there."""

    def test(self, parent: Element, block: str) -> bool:
        return not _is_item(block) and _LIST_AFTER_LINE.search(block) is not None

    def run(self, parent: Element, blocks: list[str]) -> bool:
        block = blocks[0]
        split = _LIST_AFTER_LINE.search(block)
        assert split is not None  # test() found it
        blocks[0], rest = block[: split.start()], block[split.end() :]
        blocks.insert(1, rest)
        return False  # the first part goes on to the other processors


# pymdownx.tasklist's boxes, as it writes them (raw HTML is escaped, so only it can).
_CHECKBOX = re.compile(r'<input type="checkbox" disabled( checked)?/>')


class TaskLabels(Postprocessor):
    """Name each task-list checkbox ("Done" or "To do"): a bare checkbox has no name."""

    def run(self, text: str) -> str:
        return _CHECKBOX.sub(_labelled, text)


def _labelled(match: re.Match[str]) -> str:
    if match.group(1):
        return '<input type="checkbox" disabled checked aria-label="Done">'
    return '<input type="checkbox" disabled aria-label="To do">'


class _BoundedLinkText:
    """Python-Markdown's getText and getLink (a link's [text] and (target)), within bounds."""

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        end = min(len(data), index + LINK_TARGET_MAX)
        opening = index
        for _ in range(LINK_NESTING_MAX):
            opening = data.find("(", opening + 1, end)
            if opening == -1:
                break
        else:
            end = opening
        return super().getLink(data[:end], index)  # type: ignore[misc]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        end = min(len(data), index + LINK_TEXT_MAX)
        if data.find("]", index, end) == -1:
            return "", index, False
        depth = 1
        for pos in range(index, end):
            char = data[pos]
            if char == "]":
                depth -= 1
                if depth == 0:
                    return data[index:pos], pos + 1, True
            elif char == "[":
                depth += 1
                if depth > LINK_NESTING_MAX:
                    break
        return "", index, False


# The longest handle: Group.slug's 80 characters (usernames have at most 40).
HANDLE_MAX = 80
NO_MENTIONS: Mapping[str, str] = MappingProxyType({})
# "@" then a handle (letters, digits, ".", "_", "-"; a letter or digit at each end, so
# "@maria." "@maria," "(@maria)" leave the punctuation out), in any case. Not after a
# letter, digit or "_" (an email address: maria@school.org), "/" (a path: x.org/@maria),
# "@" ("@@x"), a backslash ("\@maria": written not to mention), "." "+" or "-"; nor
# followed by more of a word, an "@" or a "/" (@scope/package).
HANDLE = rf"[a-z0-9](?:[a-z0-9_.-]{{0,{HANDLE_MAX - 2}}}[a-z0-9])?"
MENTION_RE = rf"(?i)(?<![\w@/.+\\-])@({HANDLE})(?![\w@/]|[.-][a-z0-9])"


class Mentions(inlinepatterns.InlineProcessor):
    """ "@handle" as `<a class="mention" href=...>` for the handles given to `start`.

    Inline patterns never see code (spans and blocks are set aside first), and this one
    runs after links, bare links and email addresses and not inside a link (as
    GitHub does). What it linked is in the set `start` returned.
    """

    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, pattern: str, md: Markdown) -> None:
        super().__init__(pattern, md)
        self._links: Mapping[str, str] = NO_MENTIONS
        self._found: set[str] = set()

    def start(self, links: Mapping[str, str]) -> set[str]:
        """Link these handles (lower-cased, to their paths) in the next conversion."""
        self._links, self._found = links, set()
        return self._found

    def handleMatch(
        self, m: re.Match[str], data: str
    ) -> tuple[Element | None, int | None, int | None]:
        handle = m.group(1).lower()
        href = self._links.get(handle)
        if href is None:
            return None, None, None  # someone unknown: the text stays as written
        self._found.add(handle)
        link = etree.Element("a", {"class": "mention", "href": href})
        link.text = m.group(0)  # as typed, case and all
        return link, m.start(0), m.end(0)


def _bounded(processor: type) -> type:
    return type(processor.__name__, (_BoundedLinkText, processor), {})


# Every inline processor that reads a link's text, by its registered name.
_LINK_PROCESSORS = {
    "reference": (inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 170),
    "link": (inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE, 160),
    "image_link": (inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, 150),
    "image_reference": (
        inlinepatterns.ImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 140
    ),
    "short_reference": (
        inlinepatterns.ShortReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 130
    ),
    "short_image_ref": (
        inlinepatterns.ShortImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 125
    ),
}  # fmt: skip


class CommonMarkHabits(Extension):
    """Register the pieces above (after fenced_code, which must set code aside first)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(NestedListIndent(md), "nested_list_indent", 15)
        # After indented code (80), before headings and lists read the block.
        md.parser.blockprocessors.register(ListAfterLine(md.parser), "list_after_line", 75)
        md.postprocessors.register(TaskLabels(md), "task_labels", 10)
        for name, (processor, pattern, priority) in _LINK_PROCESSORS.items():
            md.inlinePatterns.register(_bounded(processor)(pattern, md), name, priority)
        # After links (160-110), bare links (85) and emphasis (60), so "_@maria_" mentions.
        md.inlinePatterns.register(Mentions(MENTION_RE, md), "mention", 55)


def makeExtension(**kwargs: object) -> CommonMarkHabits:
    """Let Python-Markdown load this module by name, as it loads its own extensions."""
    return CommonMarkHabits(**kwargs)
