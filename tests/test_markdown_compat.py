"""Markdown written the way people write on Discourse, GitHub and Slack reads the same in nic.

Each pattern is rendered by nic and by markdown-it-py, a CommonMark renderer (used
only here) set up as GitHub is: tables, strikethrough, bare links, task lists, a
single newline as a line break. What is compared is the structure (tags, link
targets, checkbox states and text), not the HTML's spelling. Where nic differs on
purpose, the row says so and why, and what nic makes of it instead.
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime, timedelta
from html import unescape as html_unescape
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from nic.markup import linked_practice_ids, render_chat, render_markdown
from nic.services.live import sessions
from tests.factories import in_session, make_group, make_user
from tests.test_markup import live_markup

REFERENCE = (
    MarkdownIt("commonmark", {"breaks": True, "linkify": True, "html": True})
    .enable(["table", "strikethrough", "linkify"])
    .use(tasklists_plugin)
)

# Tags that mean the same (markdown-it writes ~~x~~ as <s>, GitHub and nic as <del>).
SAME_TAG = {"s": "del", "b": "strong", "i": "em"}
VOID = {"br", "hr", "input", "img"}


class _Structure(HTMLParser):
    """HTML as a nested list of (tag, attributes that matter, children) and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list = []
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kept = {"href": attrs.get("href")} if tag == "a" else {}
        if tag == "input":
            kept = {"checked": "checked" in attrs}
        node = (SAME_TAG.get(tag, tag), kept, [])
        self.stack[-1].append(node)
        if tag not in VOID:
            self.stack.append(node[2])

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].append(data)


def _show(nodes: list) -> str:
    """A compact, whitespace-blind spelling of a structure: ul(li('a' ul(li('b'))))."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            text = " ".join(node.split())
            if text:
                if parts and parts[-1].startswith("'"):
                    parts[-1] = parts[-1][:-1] + " " + text + "'"
                else:
                    parts.append(f"'{text}'")
        else:
            tag, attrs, children = node
            shown = "".join(f"[{k}={v}]" for k, v in attrs.items())
            parts.append(f"{tag}{shown}({_show(children)})")
    return " ".join(parts)


def structure(html: str) -> str:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return _show(parser.root)


# Patterns that read the same in nic as in CommonMark with GitHub's additions: (name, text).
SAME = [
    ("list right after a line", "Here is what we tried:\n- common planning block\n- exit tickets"),
    ("numbered list right after a line", "Steps:\n1. Pick a focus\n2. Observe\n3. Debrief"),
    (
        "a number other than 1 does not start a list mid-paragraph",
        "Ages 5 to\n10. That is our range.",
    ),
    ("nested list, two spaces", "- Reading\n  - fluency\n  - vocabulary\n- Math"),
    ("nested list, four spaces", "- Reading\n    - fluency\n    - vocabulary\n- Math"),
    ("three levels, two spaces", "- a\n  - b\n    - c\n  - d\n- e"),
    ("bullets under a numbered item", "1. Plan\n   - pick a class\n   - pick a time\n2. Do"),
    ("bare https link", "See https://example.org/exit-tickets for the template."),
    ("bare www link", "Try www.example.org today"),
    ("bare email", "Write to maria.lopez@example.org with questions"),
    ("link then punctuation", "Our data (https://example.org/data)."),
    ("strikethrough", "The ~~Tuesday~~ Thursday meeting"),
    ("task list", "- [ ] share the agenda\n- [x] book the room"),
    ("task list right after a line", "To do:\n- [ ] draft the survey\n- [x] ask the ILT"),
    ("heading right after a line", "Our notes\n## Next steps\nMeet Friday"),
    ("a #hashtag is no heading", "#PLC goals for March"),
    ("block quote over two lines", "> We need more time\n> to look at student work."),
    ("a list in a quote", "> Steps:\n> - observe\n> - debrief"),
    ("fenced code keeps markdown as text", "```\n- not a list\n**not bold**\n```"),
    ("fenced code right after a line", "The formula:\n```\n=AVERAGE(B2:B30)\n```"),
    ("snake_case words stay as typed", "Open data_use_plan_v2 and the pre_k_list"),
    ("bold and italics", "**Aim:** raise _reading_ scores by *ten* points"),
    ("inline code keeps stars", "Type `*` to mark a row"),
    ("a single newline is a line break", "Monday: observe\nTuesday: debrief"),
    ("paragraphs", "First point.\n\nSecond point."),
    ("a markdown link", "Read [the protocol](https://example.org/protocol)."),
    ("an autolink in brackets", "<https://example.org/a>"),
    ("a loose list", "- one\n\n- two"),
    ("a rule between paragraphs", "Before\n\n***\n\nAfter"),
    ("an escaped star", "\\*not italic\\*"),
    ("a table", "| Grade | Tries |\n|---|---|\n| 3 | 4 |"),
]

# Where nic differs on purpose: (name, text, why, what nic makes of it).
DIFFERENT = [
    (
        "raw HTML",
        "Dear <parent name>, <b>thank you</b>",
        "raw HTML is shown as typed: the words in <parent name> stay (GitHub would drop them as "
        "a tag), and nothing a reader did not see typed can reach the page",
        "p('Dear <parent name>, <b>thank you</b>')",
    ),
    (
        "numbered with a parenthesis",
        "1) first\n2) second",
        "Python-Markdown numbers lists with '1.' only; '1)' stays text (the hint shows '1.')",
        "p('1) first' br() '2) second')",
    ),
    (
        "a bare domain without www",
        "See example.org for more",
        "like GitHub, nic links bare addresses that start with http(s):// or www. only "
        "(linkify-it also guesses bare domains)",
        "p('See example.org for more')",
    ),
]


@pytest.mark.parametrize(("text"), [pytest.param(text, id=name) for name, text in SAME])
def test_posts_read_as_commonmark_does(text):
    assert structure(render_markdown(text)) == structure(REFERENCE.render(text))


@pytest.mark.parametrize(
    ("text", "why", "nic_makes"),
    [pytest.param(text, why, makes, id=name) for name, text, why, makes in DIFFERENT],
)
def test_where_nic_differs_on_purpose(text, why, nic_makes):
    ours = structure(render_markdown(text))
    assert ours != structure(REFERENCE.render(text)), f"no longer differs ({why}): move it up"
    assert ours == nic_makes


# Chat has no headings, rules or tables (they stay text); otherwise it reads like posts.
CHAT_DIFFERS = {
    "a rule between paragraphs": "p('Before') p('After')",
    "heading right after a line": "p('Our notes') 'Next steps' p('Meet Friday')",
    "a table": "p('| Grade | Tries |' br() '|---|---|' br() '| 3 | 4 |')",
}


@pytest.mark.parametrize(("name", "text"), [pytest.param(*row, id=row[0]) for row in SAME])
def test_chat_reads_as_commonmark_does_but_for_headings_and_tables(name, text):
    ours = structure(render_chat(text))
    assert ours == CHAT_DIFFERS.get(name, structure(REFERENCE.render(text)))


def test_the_table_covers_at_least_25_patterns_and_says_why_each_difference():
    assert len(SAME) + len(DIFFERENT) >= 25
    assert all(len(why) > 20 for _, _, why, _ in DIFFERENT)
    assert set(CHAT_DIFFERS) <= {name for name, _ in SAME}


def test_task_checkboxes_are_disabled_and_named():
    html = render_markdown("- [ ] share the agenda\n- [x] book the room")
    assert '<input type="checkbox" aria-label="To do" disabled="">' in html
    assert '<input type="checkbox" checked="" aria-label="Done" disabled="">' in html
    assert '<ul class="task-list">' in html and '<li class="task-list-item">' in html


def test_bare_practice_links_are_links_and_still_found():
    html = render_markdown("We tried https://nic.example.org/practices/12 and /practices/3")
    assert 'href="https://nic.example.org/practices/12"' in html
    assert linked_practice_ids(html, {"nic.example.org"}) == [12, 3]


ATTACKS = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](  JAVASCRIPT:alert(1))",
    "javascript:alert(1)",
    "Visit javascript:alert(document.cookie) now",
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "- [x] <input type=text name=password>",
    '[a](https://example.org "x" onclick=alert(1))',
    '<https://example.org/" onclick="alert(1)>',
    'www.example.org/"onmouseover="alert(1)',
    'x@example.org"onclick="alert(1)',
    "```\n<script>alert(1)</script>\n```",
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("render", [render_markdown, render_chat])
def test_attacks_stay_harmless(render, attack):
    html = render(attack)
    assert live_markup(html) == [], html
    starts = [tag for tag in _start_tags(html) if tag.startswith("<input")]
    assert all('disabled=""' in tag for tag in starts), html
    assert 'href="javascript' not in html.lower() and 'href="data' not in html.lower()


def _start_tags(html: str) -> list[str]:
    found: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append(self.get_starttag_text() or "")

    Tags().feed(html)
    return found


def test_a_javascript_link_keeps_its_words_but_is_no_link():
    assert render_markdown("[the plan](javascript:alert(1))") == "<p>the plan</p>"
    assert render_chat("javascript:alert(1)") == "<p>javascript:alert(1)</p>"


N = 20_000
PATHOLOGICAL = {
    "quotes": ">" * N,
    "spaced quotes": "> " * (N // 2),
    "stars": "*" * N,
    "star words": "*a" * (N // 2),
    "underscores": "_" * N,
    "tildes": "~" * N,
    "backticks": "`" * N,
    "open brackets": "[" * N,
    "bracket pairs": "[" * (N // 2) + "]" * (N // 2),
    "link openings": "[a](" * (N // 4),
    "image openings": "![" * (N // 2),
    "angle brackets": "<" * N,
    "bullets on one line": "- " * N + "x",
    "numbers on one line": "1. " * (N // 3) + "x",
    "lists in quotes": "> - " * (N // 4) + "x",
    "ever deeper list": "".join("  " * i + "- x\n" for i in range(1000)),
    "pipes": "|a|\n|-|\n" * (N // 6),
    "www": "www." * (N // 4),
    "at signs": "a@" * (N // 2),
    "task boxes": "- [ ] " * (N // 6),
}


def cpu_seconds(fn, *args) -> float:
    """The CPU time of `fn(*args)` alone: the garbage collector is run first and held off
    during the call, so the time does not grow with what the rest of the test run keeps
    on the heap (a full run's collections scan it all: measured 0.2 s alone, 4.7 s late
    in a run, for the same text)."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        fn(*args)
        return time.process_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("text", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
@pytest.mark.parametrize("render", [render_markdown, render_chat])
def test_pathological_text_renders_in_reasonable_time(render, text):
    assert isinstance(render(text), str)  # rendered, no error
    assert cpu_seconds(render, text) < 3


def test_a_long_post_renders_well_under_a_second():
    paragraph = (
        "Here is what we tried in **common planning**:\n- exit tickets, see "
        "https://example.org/tickets\n  - daily, _five_ minutes\n- [x] ~~Friday~~ Thursday\n\n"
        "> Teachers said `data_use_plan` helped.\n\n"
    )
    text = (paragraph * (50_000 // len(paragraph) + 1))[:50_000]
    render_markdown(text)  # the first call builds the converter
    assert cpu_seconds(render_markdown, text) < 0.8


# Each example in the hints under the text boxes, and what it must render to.
POST_HINT = {
    "**bold**": "<strong>bold</strong>",
    "_italic_": "<em>italic</em>",
    "~~strike~~": "<del>strike</del>",
    "`code`": "<code>code</code>",
    "# headings": "<h1>headings</h1>",
    "- or 1. lists": "<ul>",
    "- [ ] tasks": 'aria-label="To do"',
    "> quotes": "<blockquote>",
}
CHAT_HINT = {k: v for k, v in POST_HINT.items() if k != "# headings"}


def _hint(page: str, hint_id: str) -> str:
    start = page.index(f'id="{hint_id}"')
    return html_unescape(page[page.index(">", start) + 1 : page.index("</p>", start)])


def test_the_posting_hint_says_what_works(client, login):
    user = make_user("Maria Lopez")
    group = make_group(members=[user])
    login(user)
    hint = _hint(client.get(f"/groups/{group.id}/threads/new").text, "body-hint")
    for example, rendered in POST_HINT.items():
        assert example in hint
        assert rendered in render_markdown(example.replace(" or 1.", "")), example
    assert "| tables |" in hint and "<table>" in render_markdown("| a |\n|---|\n| 1 |")
    assert "Pasted links and email addresses become links." in hint


def test_the_chat_hint_says_what_works(client, login):
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    member = make_user("Maria Lopez")
    group = make_group(facilitator=facilitator, members=[member])
    starts = datetime.now(UTC) + timedelta(hours=1)
    fields = sessions.SessionFields("March", "", starts, starts + timedelta(hours=1))
    session = sessions.schedule_session(facilitator, group.id, fields)
    sessions.start_session(in_session(facilitator, session.id))
    login(member)
    hint = _hint(client.get(f"/sessions/{session.id}").text, "live-message-hint")
    for example, rendered in CHAT_HINT.items():
        assert example in hint
        assert rendered in render_chat(example.replace(" or 1.", "")), example
    assert "headings" not in hint and "tables" not in hint
    assert "pasted links become links" in hint
