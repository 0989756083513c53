"""Re-render stored Markdown from its source text, after the renderer has changed.

Texts are rendered once, when written (nic.markup), so a change to the renderer
reaches old texts only through `rerender_all` (`flask --app wsgi
rerender-markdown`). It reads each kind in batches by id (constant memory),
writes only the rows whose HTML comes out different, and keeps their
`practice_links` (the preview cards) in step.

Revisions (a post's or a try report's earlier texts) are history: they stay
as they were shown when written. A practice revision stores no HTML.

Mentions were resolved when each text was written, and stay so: a text links
exactly the @handles its stored HTML links, to the same people and groups (by
id), and no others. Looking the handles up again would drop the mentions of
anyone renamed since, or link a handle to whoever took it later; it would also
link texts written before mentions were, whose people were never told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from nic.database import begin_write
from nic.extensions import db
from nic.markup import (
    link_hosts,
    linked_practice_ids,
    mention_links,
    render_chat,
    render_markdown,
    render_mentioning,
)
from nic.models import ChatMessage, LiveSession, Post, Practice, PracticeTry, Question
from nic.services.validation import link_ids, site_hosts

BATCH = 500


@dataclass(frozen=True)
class Kind:
    """One kind of stored text: its model, (source, html) columns, and its renderer
    (given the source and the HTML stored from it)."""

    label: str
    model: type
    columns: tuple[tuple[str, str], ...]
    render: Callable[[str, str], str]
    links: bool = False  # keeps practice_links from its (first) html


def _post(text: str, stored: str) -> str:
    """Markdown with the mentions the stored HTML has (see the module's docstring)."""
    return render_mentioning(text, mention_links(stored))[0]


def _chat(text: str, stored: str) -> str:
    return render_mentioning(text, mention_links(stored), chat=True)[0]


def _agenda(text: str, _stored: str) -> str:
    return render_markdown(text)


def _question(text: str, _stored: str) -> str:
    return render_chat(text)


KINDS = (
    Kind("posts", Post, (("body", "body_html"),), _post, links=True),
    Kind("practice write-ups", Practice, (("body", "body_html"),), _post, links=True),
    Kind(
        "try reports",
        PracticeTry,
        (("changes", "changes_html"), ("observations", "observations_html")),
        _post,
    ),
    Kind("session agendas", LiveSession, (("agenda", "agenda_html"),), _agenda),
    Kind("chat messages", ChatMessage, (("body", "body_html"),), _chat, links=True),
    Kind("questions", Question, (("body", "body_html"),), _question),
)


def _practice_links(old_html: str, old_links: str, new_html: str) -> str:
    """The new HTML's practice links. The hosts this site had when the text was written
    count as its own: those of the full links it was found to make then."""
    hosts = site_hosts() | link_hosts(old_html, link_ids(old_links))
    return ",".join(str(i) for i in linked_practice_ids(new_html, hosts))


def _changes(kind: Kind, row: sa.Row) -> dict[str, object]:
    values: dict[str, object] = {}
    for source, html in kind.columns:
        text, stored = getattr(row, source), getattr(row, html)
        fresh = kind.render(text, stored) if text else ""
        if fresh != stored:
            values[html] = fresh
    if kind.links:
        source, html = kind.columns[0]
        if html in values:
            links = _practice_links(getattr(row, html), row.practice_links, str(values[html]))
            if links != row.practice_links:
                values["practice_links"] = links
    return values


def _rerender_kind(kind: Kind, dry_run: bool) -> int:
    model = kind.model
    names = [name for pair in kind.columns for name in pair]
    if kind.links:
        names.append("practice_links")
    columns = [model.id, *(getattr(model, name) for name in names)]
    changed, last_id = 0, 0
    while True:
        rows = db.session.execute(
            sa.select(*columns).where(model.id > last_id).order_by(model.id).limit(BATCH)
        ).all()
        if not rows:
            return changed
        last_id = rows[-1].id
        updates = [{"id": row.id, **values} for row in rows if (values := _changes(kind, row))]
        changed += len(updates)
        if dry_run:
            db.session.rollback()  # ends the read; nothing was written
            continue
        if updates:
            begin_write()
            db.session.execute(sa.update(model), updates)  # by primary key
        db.session.commit()


def rerender_all(*, dry_run: bool = False) -> dict[str, int]:
    """Re-render every stored text of every kind; returns how many changed, by kind label.

    With `dry_run`, only counts what would change and writes nothing.
    """
    return {kind.label: _rerender_kind(kind, dry_run) for kind in KINDS}
