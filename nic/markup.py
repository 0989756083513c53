"""Markdown to sanitised HTML, done once when content is written.

Python-Markdown renders; nh3 (an allow-list sanitiser) then removes every tag,
attribute and URL scheme not listed here, so raw HTML, event handlers,
`javascript:` and `data:` links cannot reach a page.
"""

from __future__ import annotations

import re
import threading

import markdown
import nh3

POST_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
CHAT_TAGS = {"p", "br", "strong", "em", "b", "i", "del", "s", "code", "pre", "a", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
POST_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
CHAT_EXTENSIONS = ["fenced_code", "sane_lists", "nl2br"]


class _Renderer:
    """One reusable Markdown converter: building one costs more than converting.

    A converter keeps state between calls, so conversions take turns (the
    lock); under gevent they never wait, as converting never yields.
    """

    def __init__(self, extensions: list[str]) -> None:
        self._md = markdown.Markdown(extensions=extensions, output_format="html")
        self._lock = threading.Lock()

    def convert(self, text: str) -> str:
        with self._lock:
            try:
                return self._md.convert(text)
            finally:
                self._md.reset()


_RENDERERS: dict[tuple[str, ...], _Renderer] = {}

# One line that Markdown would only wrap in a paragraph: it starts with a
# letter (so no heading, list, quote, rule, fence or indented code) and holds
# no character that starts inline syntax (code, emphasis, links, escapes,
# HTML, entities), needs escaping, or is whitespace other than a plain space.
# Most chat messages are such lines; they skip the Markdown parser, which
# costs more than the rest of storing a message. tests/test_markup.py checks
# that both ways give the same HTML.
_PLAIN_LINE = re.compile(
    r"[^\W\d_]"
    r"[^\x00-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\\`*_\[\]<>&]*\Z"
)


def is_plain_line(text: str) -> bool:
    return _PLAIN_LINE.match(text) is not None


def _render(text: str, tags: set[str], extensions: list[str]) -> str:
    if is_plain_line(text):
        return f"<p>{text}</p>"
    return _render_markdown(text, tags, extensions)


def _render_markdown(text: str, tags: set[str], extensions: list[str]) -> str:
    """Markdown, then the allow-list: the way for any text."""
    key = tuple(extensions)
    renderer = _RENDERERS.get(key) or _RENDERERS.setdefault(key, _Renderer(extensions))
    html = renderer.convert(text)
    return nh3.clean(
        html,
        tags=tags,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Full markdown for posts, agendas and write-ups."""
    return _render(text, POST_TAGS, POST_EXTENSIONS)


def render_chat(text: str) -> str:
    """Markdown-lite for live chat and questions: no headings or tables."""
    return _render(text, CHAT_TAGS, CHAT_EXTENSIONS)


# A practice of this site named in a text: a path, or a URL of one of its hosts, as a link
# or pasted as it is (Markdown does not link bare URLs). Code is not looked in.
_PRACTICE_URL = re.compile(
    r"(?<![\w/.@-])(?:https?://(?P<host>[\w.-]+(?::\d+)?))?/practices/(?P<id>\d{1,9})(?![\w/-])"
)
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
LINKS_KEPT = 10


def linked_practice_ids(html: str, hosts: set[str]) -> list[int]:
    """The practices a rendered text links to or names, in order, at most LINKS_KEPT.

    Read from the sanitised HTML (links' targets and the text), never inside code.
    """
    found: list[int] = []
    for match in _PRACTICE_URL.finditer(_CODE.sub("", html)):
        host = match.group("host")
        practice_id = int(match.group("id"))
        if (host is None or host.lower() in hosts) and practice_id not in found:
            found.append(practice_id)
    return found[:LINKS_KEPT]
