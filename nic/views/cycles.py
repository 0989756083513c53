"""PDSA cycle pages: plan one on a change idea, then record Do, Study and Act on its page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.forms.common import optional_int, person_label, show_errors
from nic.forms.cycles import (
    PHASE_FORMS,
    CommitmentForm,
    NewCycleForm,
    OwnerForm,
    PlanForm,
    StageForm,
)
from nic.forms.practices import AttachmentForm
from nic.models import PHASE_FIELDS, PHASE_LABELS, School
from nic.services import (
    commitments,
    cycle_discussion,
    cycle_files,
    cycle_reading,
    cycles,
    home,
    org,
    tries,
)
from nic.services import driver_diagrams as dd
from nic.services.directory import DirectoryFilter, members_query
from nic.services.live import access as live_access
from nic.views.helpers import form_status, page_arg
from nic.views.improvement import render_part
from nic.views.live import render_session

bp = Blueprint("cycles", __name__)


def _schools() -> list[tuple[str, str]]:
    """The schools this user may plan for: their own; an admin, any."""
    if policy.is_admin(current_user):
        return [("", "Choose the school")] + [(str(s.id), s.name) for s in org.list_schools()]
    school = db.session.get(School, current_user.school_id) if current_user.school_id else None
    return [(str(school.id), school.name)] if school else []


def _new_form(access: dd.NodeAccess, form: NewCycleForm) -> NewCycleForm:
    form.school_id.choices = _schools()
    if access.diagram.group is None:
        form.group_id.choices = [("", "The whole network")] + [
            (str(s.group.id), f"Only {s.group.name}") for s in home.my_groups(current_user)
        ]
    return form


def _prefill(form: NewCycleForm, idea_title: str) -> None:
    """A next cycle (?after=) starts from the one before; ?practice= from a write-up, and
    ?try= from the school's report of trying it (what they changed is the plan's start)."""
    form.practice_id.data = request.args.get("practice", "")
    form.title.data = idea_title
    report = tries.school_try(current_user, optional_int(request.args.get("try")))
    if report is not None:
        form.try_id.data, form.plan.data = str(report.id), report.changes
    if len(form.school_id.choices) == 1:
        form.school_id.data = form.school_id.choices[0][0]
    after = optional_int(request.args.get("after"))
    if after is None:
        return
    previous = cycles.get_cycle_for(current_user, after).cycle
    form.previous_id.data = str(previous.id)
    form.school_id.data = str(previous.school_id)
    form.group_id.data = str(previous.group_id or "")
    form.practice_id.data = str(previous.practice_id or "")
    form.title.data = f"{previous.title}, next cycle"
    form.question.data = previous.next_steps


@bp.route("/improvement/parts/<int:node_id>/cycles/new", methods=["GET", "POST"])
@login_required
def new(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = _new_form(access, NewCycleForm())
    if not form.is_submitted():
        _prefill(form, access.node.title)
    elif form.validate():
        try:
            cycle = cycles.plan_cycle(current_user, access, cycles.NewCycle(**form.where()),
                                      form.fields())  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Cycle planned. Record Do, Study and Act here as it runs.", "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_template(
        "cycles/new.html", access=access, node=access.node, form=form,
        group=access.diagram.group, can_plan=bool(form.school_id.choices),
    ), form_status(form)  # fmt: skip


def _owner_form(access: cycles.CycleAccess, owners: list, sent: OwnerForm | None) -> OwnerForm:
    """People of other schools who are not co-owners yet (the school team adds them)."""
    form = sent or OwnerForm(formdata=None)
    taken = {o.id for o in owners}
    people = db.session.scalars(members_query(DirectoryFilter()))
    form.user_id.choices = [("", "Choose a person")] + [
        (str(u.id), person_label(u)) for u in people
        if u.school_id != access.cycle.school_id and u.id not in taken
    ]  # fmt: skip
    return form


def render_cycle(access: cycles.CycleAccess, status: int = 200, phase: str | None = None,
                 sent=None, theirs=None, owner_form: OwnerForm | None = None,
                 attach_form: AttachmentForm | None = None):  # fmt: skip
    """The cycle page: the ramp, each phase (with its form, for the school team), the
    Study files."""
    cycle = access.cycle
    owners = cycles.owners_of(cycle.id)
    forms = {"plan": PlanForm(obj=cycle, formdata=None)}
    forms |= {name: form(obj=cycle, formdata=None) for name, form in PHASE_FORMS.items()}
    for form in forms.values():
        form.version.data = str(cycle.version)
    if phase is not None:
        forms[phase] = sent
    return render_template(
        "cycles/show.html", access=access, cycle=cycle, forms=forms,
        ramp=cycle_reading.ramp(current_user, access), today=date.today(),
        thread=cycle_discussion.discussion_of(cycle), owners=owners,
        owner_form=_owner_form(access, owners, owner_form) if access.can_edit else None,
        fields=PHASE_FIELDS, phase_labels=PHASE_LABELS, phase=phase, theirs=theirs,
        files=cycle_files.files_of(cycle.id), attach_form=attach_form or AttachmentForm(),
    ), status  # fmt: skip


@bp.route("/cycles/<int:cycle_id>/owners", methods=["POST"])
@login_required
def add_owner(cycle_id: int):
    access = cycles.get_cycle_for(current_user, cycle_id)
    form = OwnerForm()
    if form.validate_on_submit():
        try:
            owner = cycles.add_owner(current_user, access, optional_int(form.user_id.data))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{owner.name} is a co-owner: they can record this cycle too.", "success")
            return redirect(url_for("cycles.show", cycle_id=cycle_id, _anchor="owners"))
    return render_cycle(access, 400, owner_form=form)


@bp.route("/cycles/<int:cycle_id>/owners/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_owner(cycle_id: int, user_id: int):
    cycles.remove_owner(current_user, cycles.get_cycle_for(current_user, cycle_id), user_id)
    flash("Co-owner removed.", "success")
    return redirect(url_for("cycles.show", cycle_id=cycle_id, _anchor="owners"))


PER_PAGE = 25
PHASES = [("", "Any phase")] + [(p, label) for p, label in PHASE_LABELS.items()]


def _list_filters() -> cycle_reading.CycleFilters:
    """The list's query string, anything unknown ignored (never an error page)."""
    args = request.args
    phase = args.get("phase")
    flag = {"yes": True, "no": False}
    return cycle_reading.CycleFilters(
        school_id=optional_int(args.get("school_id")),
        change_idea_id=optional_int(args.get("change_idea_id")),
        phase=phase if phase in PHASE_LABELS else None,
        decided=flag.get(args.get("decided", "")),
        overdue=True if args.get("overdue") == "yes" else None,
    )


@bp.route("/cycles")
@login_required
def index():
    """Every PDSA cycle one may see, across the network's schools: the facilitator's view."""
    filters = _list_filters()
    found = db.paginate(cycle_reading.cycles_query(current_user, filters), page=page_arg(),
                        per_page=PER_PAGE, error_out=False)  # fmt: skip
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "cycles/index.html", found=found, filters=filters, schools=org.list_schools(),
        phases=PHASES, today=date.today(), phase_labels=PHASE_LABELS, args=args,
    )  # fmt: skip


@bp.route("/cycles/<int:cycle_id>")
@login_required
def show(cycle_id: int):
    return render_cycle(cycles.get_cycle_for(current_user, cycle_id))


@bp.route("/cycles/<int:cycle_id>/<phase>", methods=["POST"])
@login_required
def save(cycle_id: int, phase: str):
    access = cycles.get_cycle_for(current_user, cycle_id)
    if phase not in PHASE_FIELDS:
        abort(404)
    form = PlanForm() if phase == "plan" else PHASE_FORMS[phase]()
    if form.validate_on_submit():
        version = optional_int(form.version.data)
        try:
            if phase == "plan":
                saved = cycles.save_plan(current_user, access, form.fields(), version)
            else:
                saved = cycles.save_phase(current_user, access, phase, form.data, version)
        except ValidationError as exc:
            show_errors(form, exc)
        except cycles.StaleCycle as exc:
            form.version.data = str(exc.saved.version)
            return render_cycle(cycles.get_cycle_for(current_user, cycle_id), 409, phase, form,
                                exc.saved)  # fmt: skip
        else:
            flash(f"{PHASE_LABELS[phase]} saved.", "success")
            for warning in saved.warnings:
                flash(warning, "warning")
            return redirect(url_for("cycles.show", cycle_id=cycle_id, _anchor=phase))
    return render_cycle(access, 400, phase, form)


@bp.route("/improvement/parts/<int:node_id>/stage", methods=["POST"])
@login_required
def set_stage(node_id: int):
    access = dd.get_node_for(current_user, node_id)
    form = StageForm()
    if form.validate_on_submit():
        try:
            cycles.set_stage(current_user, access, current_user.school_id,
                             form.stage.data or None, form.reason.data or "")  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your school's stage is saved.", "success")
            return redirect(url_for("improvement.part", node_id=node_id, _anchor="cycles"))
    return render_part(node_id, 400, stage=form)


@bp.route("/sessions/<int:session_id>/commitments/open", methods=["POST"])
@login_required
def ask_for_commitments(session_id: int):
    access = live_access.get_session_for(current_user, session_id)
    commitments.open_commitments(access)
    flash(f"Participants can now answer: {commitments.QUESTION}", "success")
    return redirect(url_for("live.show", session_id=session_id, _anchor="commitments"))


@bp.route("/sessions/<int:session_id>/commitments", methods=["POST"])
@login_required
def commit(session_id: int):
    access = live_access.get_session_for(current_user, session_id)
    form = CommitmentForm()
    if form.validate_on_submit():
        fields = cycles.PlanFields(form.title.data or "", prediction=form.prediction.data or "")
        try:
            idea_id = optional_int(form.change_idea_id.data)
            cycle = commitments.commit_to_test(current_user, access, idea_id, fields)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your commitment is a planned PDSA cycle for your school: add the plan when "
                  "you are ready.", "success")  # fmt: skip
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return render_session(access, 400, form)
