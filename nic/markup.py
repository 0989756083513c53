"""Markdown to sanitised HTML, done once when content is written.

Python-Markdown renders, with pymdown-extensions and nic.markup_extensions so that
text reads as CommonMark with GitHub's additions (what people write on Discourse,
GitHub and Slack; tests/test_markdown_compat.py compares). Raw HTML is shown as
typed. nh3 (an allow-list sanitiser) then removes every tag, attribute and URL
scheme not listed here, so event handlers, `javascript:` and `data:` links cannot
reach a page. Stored HTML is rendered again only by `flask rerender-markdown`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping

import markdown
import nh3

from nic.markup_extensions import HANDLE, NO_MENTIONS, Mentions

POST_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "input",
}  # fmt: skip
CHAT_TAGS = {
    "p", "br", "strong", "em", "b", "i", "del", "s", "code", "pre", "a", "ul", "ol", "li",
    "blockquote", "input",
}  # fmt: skip
# Task lists' checkboxes (the only <input> there can be: raw HTML is escaped) keep just
# what shows their state; any <input> at all is disabled, and a checkbox or typeless.
ATTRIBUTES = {
    "a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"},
    "input": {"checked", "aria-label"},
}  # fmt: skip
ATTRIBUTE_VALUES = {"input": {"type": {"checkbox"}}}
# One forced attribute only: nh3 adds several in no fixed order, and the same text must
# always give the same HTML (flask rerender-markdown counts what changed).
FORCED_VALUES = {"input": {"disabled": ""}}
# "mention" only ever comes from nic.markup_extensions.Mentions: raw HTML is shown as typed
# and Markdown sets no classes, so nobody can make a link look like a mention.
CLASSES = {"ul": {"task-list"}, "li": {"task-list-item"}, "a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
# CommonMark with GitHub's additions, as people write on Discourse, GitHub and Slack:
# bare links and emails, ~~strike~~, - [ ] tasks, no _emphasis_ inside snake_case,
# "#hashtag" is no heading, a single newline is a line break (nl2br).
_COMMON = [
    "fenced_code", "sane_lists", "nl2br", "pymdownx.magiclink", "pymdownx.tilde",
    "pymdownx.tasklist", "pymdownx.betterem", "pymdownx.saneheaders", "nic.markup_extensions",
]  # fmt: skip
POST_EXTENSIONS = [*_COMMON, "tables"]
CHAT_EXTENSIONS = _COMMON
_CONFIGS = {
    # H~2~O stays as typed: GitHub has no subscript.
    "pymdownx.tilde": {"subscript": False},
    "pymdownx.betterem": {"smart_enable": "underscore"},
}


class _Renderer:
    """One reusable Markdown converter: building one costs more than converting.

    A converter keeps state between calls, so conversions take turns (the
    lock); under gevent they never wait, as converting never yields.
    """

    def __init__(self, extensions: list[str]) -> None:
        self._md = markdown.Markdown(
            extensions=extensions, extension_configs=_CONFIGS, output_format="html"
        )
        self._lock = threading.Lock()
        self._mentions: Mentions = self._md.inlinePatterns["mention"]

    def convert(self, text: str, mentions: Mapping[str, str]) -> tuple[str, frozenset[str]]:
        """The HTML, and which of the `mentions` (handle: link) it links."""
        with self._lock:
            found = self._mentions.start(mentions)
            try:
                return self._md.convert(text), frozenset(found)
            finally:
                self._mentions.start(NO_MENTIONS)
                self._md.reset()


_RENDERERS: dict[tuple[str, ...], _Renderer] = {}
# A link whose target the allow-list took away (javascript:, ftp:, ...): its text alone,
# rather than something that looks like a link and goes nowhere.
_DEAD_LINK = re.compile(r"<a (?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)

# One line that Markdown would only wrap in a paragraph: it starts with a
# letter (so no heading, list, quote, rule, fence or indented code) and holds
# no character that starts inline syntax (code, emphasis, ~~strike~~, links,
# escapes, HTML, entities), needs escaping, or is whitespace other than a plain
# space, and nothing that becomes a link by itself (an "@" of an email address,
# "://" or "www.").
# Most chat messages are such lines; they skip the Markdown parser, which
# costs more than the rest of storing a message. tests/test_markup.py checks
# that both ways give the same HTML.
_PLAIN_LINE = re.compile(
    r"(?!.*(?:://|www\.))[^\W\d_]"
    r"[^\x00-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\\`*_\[\]<>&~@]*\Z",
    re.IGNORECASE,
)


def is_plain_line(text: str) -> bool:
    return _PLAIN_LINE.match(text) is not None


def _render(
    text: str, tags: set[str], extensions: list[str], mentions: Mapping[str, str] = NO_MENTIONS
) -> tuple[str, frozenset[str]]:
    if is_plain_line(text):  # no "@": nothing to mention
        return f"<p>{text}</p>", frozenset()
    return _convert(text, tags, extensions, mentions)


def _render_markdown(text: str, tags: set[str], extensions: list[str]) -> str:
    """Markdown, then the allow-list: the way for any text."""
    return _convert(text, tags, extensions, NO_MENTIONS)[0]


def _convert(
    text: str, tags: set[str], extensions: list[str], mentions: Mapping[str, str]
) -> tuple[str, frozenset[str]]:
    key = tuple(extensions)
    renderer = _RENDERERS.get(key) or _RENDERERS.setdefault(key, _Renderer(extensions))
    html, mentioned = renderer.convert(text, mentions)
    html = nh3.clean(
        html,
        tags=tags,
        attributes=ATTRIBUTES,
        tag_attribute_values=ATTRIBUTE_VALUES,
        set_tag_attribute_values=FORCED_VALUES,
        allowed_classes=CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return _DEAD_LINK.sub(r"\1", html), mentioned


def render_markdown(text: str) -> str:
    """Full markdown for posts, agendas and write-ups."""
    return _render(text, POST_TAGS, POST_EXTENSIONS)[0]


def render_chat(text: str) -> str:
    """Markdown-lite for live chat and questions: no headings or tables."""
    return _render(text, CHAT_TAGS, CHAT_EXTENSIONS)[0]


def render_mentioning(
    text: str, mentions: Mapping[str, str], *, chat: bool = False
) -> tuple[str, frozenset[str]]:
    """`render_markdown` (or, with `chat`, `render_chat`) with @mentions as links.

    `mentions` maps lower-cased handles to the link each becomes (a path); an
    "@handle" it lacks stays text. Returns the HTML and the handles it linked: those
    written outside code, links and email addresses (nic.markup_extensions.Mentions).
    """
    if chat:
        return _render(text, CHAT_TAGS, CHAT_EXTENSIONS, mentions)
    return _render(text, POST_TAGS, POST_EXTENSIONS, mentions)


def mention_handles(text: str) -> list[str]:
    """Every handle (lower-cased) written after an "@" in a text, code and all, in order:
    more than `render_mentioning` will link, never fewer, so they can be looked up first."""
    return list(dict.fromkeys(match.lower() for match in _HANDLE.findall(text)))


_HANDLE = re.compile(f"@({HANDLE})", re.IGNORECASE)
_MENTION_LINK = re.compile(r'<a class="mention" href="([^"]+)"[^>]*>@([^<]+)</a>')


def mention_links(html: str) -> dict[str, str]:
    """The mentions a rendered text links, as `render_mentioning` takes them (handle: link)."""
    return {handle.lower(): href for href, handle in _MENTION_LINK.findall(html)}


# A practice of this site named in a text: a path, or a URL of one of its hosts, as a link
# (pasted URLs become links too). Code is not looked in.
_PRACTICE_URL = re.compile(
    r"(?<![\w/.@-])(?:https?://(?P<host>[\w.-]+(?::\d+)?))?/practices/(?P<id>\d{1,9})(?![\w/-])"
)
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
LINKS_KEPT = 10


def _practice_urls(html: str) -> Iterator[tuple[str | None, int]]:
    """(host or None, practice id) of each practice named in a rendered text, outside code."""
    for match in _PRACTICE_URL.finditer(_CODE.sub("", html)):
        host = match.group("host")
        yield (host.lower() if host else None), int(match.group("id"))


def linked_practice_ids(html: str, hosts: set[str]) -> list[int]:
    """The practices a rendered text links to or names, in order, at most LINKS_KEPT.

    Read from the sanitised HTML (links' targets and the text), never inside code.
    """
    found: list[int] = []
    for host, practice_id in _practice_urls(html):
        if (host is None or host in hosts) and practice_id not in found:
            found.append(practice_id)
    return found[:LINKS_KEPT]


def link_hosts(html: str, practice_ids: list[int]) -> set[str]:
    """The hosts of the full links in a rendered text to any of these practices."""
    return {host for host, found in _practice_urls(html) if host and found in practice_ids}
