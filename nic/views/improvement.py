"""Improvement pages: the aim and the driver diagram, the network's and each group's.

The same routes serve both: `/improvement...` is the network's,
`/groups/<id>/improvement...` a group's. A part of a diagram has its own page
(`/improvement/parts/<id>`) where facilitators rename, describe, reorder,
move, archive it and link practice write-ups; every control is a form with a
button, so all of it works by keyboard and without JavaScript.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.forms.common import optional_int, show_errors
from nic.forms.cycles import StageForm
from nic.forms.improvement import (
    AddNodeForm,
    AimForm,
    ArchiveForm,
    LinkPracticeForm,
    MoveForm,
    NodeForm,
    parent_choices,
)
from nic.models import PHASE_LABELS, DriverNode, Practice, PracticeStatus
from nic.services import aims, cycle_reading, diagram_reading, diagram_tree, library, org
from nic.services import driver_diagrams as dd
from nic.views.helpers import form_status

bp = Blueprint("improvement", __name__)
BAD_DATE = "Give the date as year-month-day, for example 2026-09-30."


def _access(group_id: int | None) -> dd.DiagramAccess:
    if group_id is None:
        return dd.get_network_diagram_for(current_user)
    return dd.get_group_diagram_for(current_user, group_id)


def _url(access: dd.DiagramAccess, endpoint: str = "improvement.diagram", **values) -> str:
    return url_for(endpoint, group_id=access.group.id if access.group else None, **values)


def _as_of() -> tuple[date | None, str | None]:
    """?as_of=YYYY-MM-DD: the day to show (None: today), or the problem with it."""
    text = request.args.get("as_of", "").strip()
    if not text:
        return None, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, BAD_DATE
    if day >= date.today():
        return None, None
    return day, None


@bp.route("/improvement", defaults={"group_id": None})
@bp.route("/groups/<int:group_id>/improvement")
@login_required
def diagram(group_id: int | None):
    access = _access(group_id)
    return render_diagram(access)


def render_diagram(access: dd.DiagramAccess, add_form: AddNodeForm | None = None,
                   status: int = 200):  # fmt: skip
    """The diagram page: the aim, the SVG, the nested list and summary, the changes."""
    day, problem = _as_of()
    if day is not None:
        root, changes = diagram_reading.tree_as_of(access, day)
    else:
        root = diagram_reading.current_tree(current_user, access)
        changes = diagram_reading.recent_changes(access)
    found = cycle_reading.evidence(current_user, access.diagram.id) if root and not day else {}
    editing = access.can_edit and day is None and root is not None
    if editing and add_form is None:
        add_form = AddNodeForm()
    if editing:
        add_form.setup(diagram_tree.walk(root))
    return render_template(
        "improvement/diagram.html", access=access, group=access.group,
        membership=access.membership, aim=aims.aim_of(access.diagram), root=root,
        drawing=diagram_tree.draw(root), summary=diagram_tree.summary(root),
        changes=changes, as_of=day, as_of_problem=problem, add_form=add_form if editing else None,
        evidence=found,
    ), (400 if problem else status)  # fmt: skip


def _sent(form: AimForm) -> bool:
    """Sent with a good CSRF token. A date that is not a date still goes on to the service,
    so every other problem with the aim is shown with it, at once."""
    return form.is_submitted() and (form.validate() or set(form.errors) <= {"by_when"})


@bp.route("/improvement/aim", defaults={"group_id": None}, methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>/improvement/aim", methods=["GET", "POST"])
@login_required
def aim(group_id: int | None):
    access = _access(group_id)
    dd.may_edit(current_user, access)
    saved = aims.aim_of(access.diagram)
    form = AimForm(obj=saved if request.method == "GET" else None)
    theirs = None
    if _sent(form):
        try:
            aims.save_aim(current_user, access, form.fields())
        except ValidationError as exc:
            if form.by_when.errors:  # the form's own message about the date says more
                exc.fields.pop("by_when", None)
            show_errors(form, exc)
        except dd.StaleAim as exc:
            theirs = exc.saved
            form.version.data = str(theirs.version)
        else:
            flash("Aim saved.", "success")
            return redirect(_url(access))
    status = 409 if theirs else form_status(form)
    return render_template(
        "improvement/aim.html", access=access, group=access.group, form=form, aim=saved,
        theirs=theirs,
    ), status  # fmt: skip


@bp.route("/improvement/parts", defaults={"group_id": None}, methods=["POST"])
@bp.route("/groups/<int:group_id>/improvement/parts", methods=["POST"])
@login_required
def add(group_id: int | None):
    access = _access(group_id)
    dd.may_edit(current_user, access)
    form = AddNodeForm()
    if form.validate_on_submit():
        try:
            node = dd.add_node(current_user, access, optional_int(form.parent_id.data), None,
                               form.title.data or "", form.description.data or "")  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{node.kind_label} added.", "success")
            return redirect(_url(access, _anchor=f"part-{node.id}"))
    return render_diagram(access, form, 400)


def _practice_choices(linked: list[Practice]) -> list[tuple[str, str]]:
    """Published practices the user may open, not linked yet (one query)."""
    taken = {p.id for p in linked}
    rows = db.session.execute(
        sa.select(Practice.id, Practice.title)
        .where(library.visible_clause(current_user))
        .where(Practice.status == PracticeStatus.PUBLISHED.value)
        .order_by(Practice.title)
    )
    return [("", "Choose a practice")] + [(str(i), t) for i, t in rows if i not in taken]


def _testing(node: DriverNode, stage_form: StageForm | None) -> dict:
    """A change idea's cycles, its schools' stages and the user's stage form (else empty)."""
    if node.kind != "change_idea":
        return {}
    found = cycle_reading.cycles_of_idea(current_user, node.id)
    evidence = cycle_reading.idea_evidence(node.id, found)
    may_set = policy.can_plan_cycle_for(current_user, current_user.school_id)
    return {
        "cycles": found, "evidence": evidence, "stage_labels": cycle_reading.STAGE_LABELS,
        "schools": {s.id: s for s in org.list_schools()} if evidence.schools else {},
        "stage_form": (stage_form or StageForm(formdata=None)) if may_set else None,
        "today": date.today(), "phase_labels": PHASE_LABELS,
    }  # fmt: skip


def render_part(node_id: int, status: int = 200, theirs=None, **sent):
    """A part's page: its words, where it hangs, its practices and cycles; for
    facilitators, the forms (`sent`: the one that came back with errors, as form=, move=,
    link=, archive= or stage=)."""
    access = dd.get_node_for(current_user, node_id)
    node = access.node
    root = diagram_reading.current_tree(current_user, access.diagram)
    nodes = diagram_tree.walk(root)
    part = next((n for n in nodes if n.id == node.id), None)
    move = sent.get("move") or MoveForm(formdata=None)
    move.parent_id.choices = parent_choices(dd.valid_parents(nodes, node)) if part else []
    link = sent.get("link") or LinkPracticeForm(formdata=None)
    practices = part.practices if part else []
    if access.diagram.can_edit and node.kind == "change_idea" and part:
        link.practice_id.choices = _practice_choices(practices)
    return render_template(
        "improvement/part.html", access=access.diagram, group=access.diagram.group,
        node=node, part=part, path=_path(root, node.id), theirs=theirs,
        form=sent.get("form") or NodeForm(obj=node, formdata=None), move=move, link=link,
        archive=sent.get("archive") or ArchiveForm(formdata=None), practices=practices,
        add_form=AddNodeForm(formdata=None), **_testing(node, sent.get("stage")),
    ), status  # fmt: skip


def _path(root: diagram_tree.TreeNode | None, node_id: int) -> list[diagram_tree.TreeNode]:
    """The parts from the aim down to this one's parent (the page's breadcrumb)."""

    def down(node: diagram_tree.TreeNode, trail: list) -> list | None:
        if node.id == node_id:
            return trail
        for child in node.children:
            found = down(child, [*trail, node])
            if found is not None:
                return found
        return None

    return (down(root, []) if root else None) or []


@bp.route("/improvement/parts/<int:node_id>")
@login_required
def part(node_id: int):
    return render_part(node_id)


def _part_url(node_id: int, anchor: str | None = None) -> str:
    return url_for("improvement.part", node_id=node_id, _anchor=anchor)


@bp.route("/improvement/parts/<int:node_id>/edit", methods=["POST"])
@login_required
def edit(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = NodeForm()
    if form.validate_on_submit():
        try:
            dd.edit_node(current_user, access, form.title.data or "", form.description.data or "",
                         optional_int(form.version.data))  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        except dd.StaleNode as exc:
            form.version.data = str(exc.saved.version)
            return render_part(node_id, 409, exc.saved, form=form)
        else:
            flash("Saved.", "success")
            return redirect(_part_url(node_id))
    return render_part(node_id, 400, form=form)


@bp.route("/improvement/parts/<int:node_id>/order", methods=["POST"])
@login_required
def reorder(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    step = -1 if request.form.get("step") == "up" else 1
    dd.move_step(current_user, access, step)
    return redirect(_part_url(node_id, "order"))


@bp.route("/improvement/parts/<int:node_id>/move", methods=["POST"])
@login_required
def move(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            dd.move_node(current_user, access, optional_int(form.parent_id.data))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Moved.", "success")
            return redirect(_part_url(node_id))
    return render_part(node_id, status=400, move=form)


@bp.route("/improvement/parts/<int:node_id>/archive", methods=["POST"])
@login_required
def archive(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = ArchiveForm()
    if form.validate_on_submit():
        try:
            node = dd.archive_node(current_user, access, with_children=form.with_children.data)
        except ValidationError as exc:
            form.form_errors.extend(exc.fields.values())
        else:
            flash(f"“{node.title}” archived. It stays in the diagram's history.", "success")
            return redirect(_url(access.diagram))
    return render_part(node_id, status=400, archive=form)


@bp.route("/improvement/parts/<int:node_id>/practices", methods=["POST"])
@login_required
def link_practice(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = LinkPracticeForm()
    if form.validate_on_submit():
        try:
            practice = dd.link_practice(current_user, access, form.practice_id.data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"“{practice.title}” linked.", "success")
            return redirect(_part_url(node_id, "practices"))
    return render_part(node_id, status=400, link=form)


@bp.route("/improvement/parts/<int:node_id>/practices/<int:practice_id>/unlink",
          methods=["POST"])  # fmt: skip
@login_required
def unlink_practice(node_id: int, practice_id: int):
    access = dd.get_node_for(current_user, node_id)
    dd.unlink_practice(current_user, access, practice_id)
    flash("Practice unlinked.", "success")
    return redirect(_part_url(node_id, "practices"))
