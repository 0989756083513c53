"""Markdown to sanitised HTML, done once when content is written.

Python-Markdown renders; nh3 (an allow-list sanitiser) then removes every tag,
attribute and URL scheme not listed here, so raw HTML, event handlers,
`javascript:` and `data:` links cannot reach a page.
"""

from __future__ import annotations

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


def _render(text: str, tags: set[str], extensions: list[str]) -> str:
    html = markdown.markdown(text, extensions=extensions, output_format="html")
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
