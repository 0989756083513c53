"""User content is untrusted: markdown comes out as harmless HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nic import markup
from nic.markup import render_chat, render_markdown
from tests.factories import make_group, make_thread, make_user

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)'>x</a>",
    "<div onclick=alert(1)>x</div>",
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "![x](javascript:alert(1))",
    "<form action=https://evil.example><input name=password></form>",
    "`<script>` stays code",
]

DANGEROUS = ["<script", "onerror", "onclick", "onload", "onmouseover", "javascript:", "data:",
             "<iframe", "<style", "<svg", "<form", "<input", "<img"]  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("render", [render_markdown, render_chat])
def test_payloads_come_out_harmless(payload, render):
    html = render(payload)
    # Raw HTML is shown as typed (escaped text): no tag or attribute of it survives.
    tags = markup_only(html).lower()
    for marker in DANGEROUS:
        assert marker not in tags, (payload, html)
    assert live_markup(html) == [], (payload, html)


def test_code_is_escaped_not_dropped():
    assert "<code>&lt;script&gt;</code>" in render_markdown("`<script>` stays code")


def test_links_get_rel_and_allowed_schemes_survive():
    html = render_markdown("[a](https://example.org) [b](/groups/1) [c](mailto:x@example.org)")
    assert 'href="https://example.org"' in html
    assert 'href="/groups/1"' in html
    assert 'href="mailto:x@example.org"' in html
    assert html.count('rel="nofollow noopener"') == 3


def test_ordinary_markdown_survives():
    html = render_markdown("# Aim\n\n- one\n- two\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    for tag in ["<h1>", "<ul>", "<li>", "<blockquote>", "<table>", "<td>"]:
        assert tag in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_a_thread_page_are_inert(client, login, payload):
    user = make_user("Maria Lopez")
    group = make_group(members=[user])
    thread = make_thread(group, user, title=f"Title {payload}", body=payload)
    login(user)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    assert live_markup(main) == [], payload
    assert (
        "script-src 'self'"
        in client.get(f"/threads/{thread.id}").headers["Content-Security-Policy"]
    )


class _Collector(HTMLParser):
    """Collects real tags and attributes (escaped text does not count)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "style", "svg", "object", "embed", "img"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def live_markup(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    return collector.found


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(self.get_starttag_text() or "")


def markup_only(html: str) -> str:
    """The start tags of some HTML, with their attributes, without its text."""
    parser = _Tags()
    parser.feed(html)
    return "".join(parser.tags)


# Plain lines skip the Markdown parser; they must come out exactly as it would render them.
_SPECIAL = [*"#>*+-=_`\\[]()<>&!~|{}:;.,?'\"/%$@^", "1. ", "  ", "    ", "\t", "\n"]
_ODD_SPACE = ["\u00a0", "\u2028", "\u2029", "\u3000", "\u2003", "\x85", "\x0b", "\ufeff", "\r"]
_LETTERS = [*"abcXYZéüñßçøΩжع中文😀", "http://example.org/a", "x@example.org"]
# What a plain line may hold besides letters, weighted to make plain lines common.
_PLAIN_OK = [*" 0123456789.,;:?!'\"()/%$@#-+=|{}~^"]
_texts = st.one_of(
    st.lists(st.sampled_from(_LETTERS * 3 + _PLAIN_OK), max_size=30).map("".join),
    st.lists(st.sampled_from(_LETTERS + _PLAIN_OK + _SPECIAL + _ODD_SPACE), max_size=30).map(
        "".join
    ),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.sampled_from(_LETTERS * 3 + _PLAIN_OK + _SPECIAL + _ODD_SPACE), rest=_texts)
@pytest.mark.parametrize(
    ("render", "tags", "extensions"),
    [
        (render_chat, markup.CHAT_TAGS, markup.CHAT_EXTENSIONS),
        (render_markdown, markup.POST_TAGS, markup.POST_EXTENSIONS),
    ],
)
def test_plain_lines_render_exactly_as_markdown_would(render, tags, extensions, first, rest):
    text = first + rest
    assert render(text) == markup._render_markdown(text, tags, extensions)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Here is what we tried with our 4th graders, and it worked!", True),
        ('She said "use exit tickets" (daily) - 20 min; 85% done?', True),
        ("Écoute: café con leche 中文 😀", True),
        ("fanout s1 #3 xxxx", True),
        ("# Heading", False),
        ("1. first step", False),
        ("- a list item", False),
        ("> a quote", False),
        ("    indented code", False),
        ("Use *exit tickets*", False),
        ("see [the doc](https://example.org)", False),
        ("a <b>tag</b>", False),
        ("AT&T", False),
        ("see https://example.org/a", False),
        ("try WWW.example.org", False),
        ("write to maria@example.org", False),
        ("the ~~Tuesday~~ meeting", False),
        ("two\nlines", False),
        ("trailing\u00a0space", False),
        ("", False),
    ],
)
def test_only_lines_without_markdown_syntax_count_as_plain(text, plain):
    assert markup.is_plain_line(text) is plain
