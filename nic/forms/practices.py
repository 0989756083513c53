"""Practice forms: the write-up (with its template) and the library's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)

from nic.forms.common import (
    MultiCheckboxField,
    ServiceLimit,
    TextAreaField,
    choices,
    optional_int,
    person_label,
)
from nic.models import (
    EVIDENCE_LABELS,
    LEVEL_LABELS,
    LEVER_LABELS,
    Cycle,
    Group,
    PracticeTry,
    User,
)
from nic.services.attachments import CAPTION_MAX, Upload
from nic.services.practice_fields import SUMMARY_MAX, PracticeFields
from nic.services.practices import TEMPLATE
from nic.services.tries import GRADES_MAX, KEEP, NOTES_MAX, PARTICIPANTS_MAX, TryFields
from nic.services.validation import BODY_MAX, TITLE_MAX

LEVER_CHOICES = choices(list(LEVER_LABELS.items()))
LEVEL_CHOICES = choices(list(LEVEL_LABELS.items()))
NETWORK = ""
KEPT = "kept"  # the try's cycle, one of a private group's the reporter is not in


class PracticeForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[ServiceLimit(TITLE_MAX)],
        description="What the practice is, in a line.",
    )
    summary = TextAreaField(
        "Summary",
        validators=[ServiceLimit(SUMMARY_MAX)],
        description=(
            f"One paragraph, at most {SUMMARY_MAX} characters: what you did and what it changed."
        ),
    )
    body = TextAreaField("The write-up", validators=[ServiceLimit(BODY_MAX)], default=TEMPLATE)
    # The service names unknown levers and levels with every other problem at once.
    levers = MultiCheckboxField(
        "Levers", choices=LEVER_CHOICES, validate_choice=False, description="Choose one or more."
    )
    levels = MultiCheckboxField(
        "School levels", choices=LEVEL_CHOICES, validate_choice=False,
        description="Where it has been used.",
    )  # fmt: skip
    tags = StringField(
        "Tags", description="Separate tags with commas, for example: data huddles, exit tickets."
    )
    group_id = SelectField("Who can see it", choices=[], validate_choice=False)
    coauthor_ids = MultiCheckboxField("Co-authors", choices=[], validate_choice=False)
    save = SubmitField("Save draft")
    publish = SubmitField("Publish")

    def setup(self, groups: list[Group], people: list[User]) -> PracticeForm:
        """Offer the writer's groups and the network's people (co-authors from any school)."""
        self.group_id.choices = choices(
            [(NETWORK, "The whole network")]
            + [(str(g.id), f"Only members of {g.name}") for g in groups]
        )
        self.coauthor_ids.choices = choices([(str(u.id), person_label(u)) for u in people])
        return self

    def fill_from(self, fields: PracticeFields) -> None:
        self.title.data, self.summary.data, self.body.data = (
            fields.title, fields.summary, fields.body,
        )  # fmt: skip
        self.levers.data, self.levels.data = list(fields.levers), list(fields.levels)
        self.tags.data = ", ".join(str(t) for t in fields.tags)
        self.group_id.data = str(fields.group_id) if fields.group_id else NETWORK
        self.coauthor_ids.data = [str(i) for i in fields.coauthor_ids]

    def fields(self) -> PracticeFields:
        """What was typed, as the service takes it (the service checks every value)."""
        group = self.group_id.data or NETWORK
        return PracticeFields(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            levers=tuple(self.levers.data or ()),
            levels=tuple(self.levels.data or ()),
            tags=tuple(t for t in (self.tags.data or "").split(",") if t.strip()),
            group_id=int(group) if group.isdigit() else (None if group == NETWORK else -1),
            coauthor_ids=tuple(int(i) for i in (self.coauthor_ids.data or ()) if i.isdigit()),
        )

    @property
    def publishing(self) -> bool:
        return bool(self.publish.data)


class TryForm(FlaskForm):
    """A school's report of trying a practice."""

    tried_on = DateField(
        "When your school tried it",
        invalid_value_message="Enter the date, for example 2026-03-14.",
    )
    outcome = RadioField(
        "How it went",
        choices=choices(
            [
                ("adopted", "Adopted: we use it as written"),
                ("adapted", "Adapted: we use it, changed to fit"),
                ("stopped", "Stopped: we tried it and dropped it"),
            ]
        ),
        validate_choice=False,
    )
    # Limits the service checks; the form shows them to the counter (see ServiceLimit).
    grade_band = StringField("Grades", [ServiceLimit(GRADES_MAX)],
                             description="For example: K-2, grade 7, 9-12.")  # fmt: skip
    participants = StringField("Who took part", [ServiceLimit(PARTICIPANTS_MAX)],
                               description="For example: the 3rd grade team.")  # fmt: skip
    changes = TextAreaField("What you changed", [ServiceLimit(NOTES_MAX)],
                            description="Leave empty if you used it as is.")  # fmt: skip
    observations = TextAreaField(
        "What you saw", [ServiceLimit(NOTES_MAX)],
        description="Evidence from student work, assessments or observations.",
    )  # fmt: skip
    # The service checks the choice (the school's own cycles of this practice).
    cycle_id = SelectField(
        "Run as PDSA cycle", choices=[], validate_choice=False,
        description="One of your school's PDSA cycles started from this practice.",
    )  # fmt: skip

    def setup(self, own_cycles: list[Cycle], linked: int | None = None) -> TryForm:
        """The select lists the reporter's school's cycles of this practice; a linked one the
        reporter may not see stays linked, by its place in the list, never by its title."""
        self.cycle_id.choices = [("", "None")] + [(str(c.id), c.title) for c in own_cycles]
        if linked is not None and linked not in {c.id for c in own_cycles}:
            self.cycle_id.choices.insert(0, (KEPT, "Keep the cycle it is linked to"))
            if not self.is_submitted():
                self.cycle_id.data = KEPT
        return self

    def fill_from(self, report: PracticeTry) -> None:
        self.tried_on.data, self.outcome.data = report.tried_on, report.outcome
        self.grade_band.data, self.participants.data = report.grade_band, report.participants
        self.changes.data, self.observations.data = report.changes, report.observations
        self.cycle_id.data = str(report.cycle_id or "")

    def fields(self) -> TryFields:
        return TryFields(
            tried_on=self.tried_on.data, outcome=self.outcome.data,
            grade_band=self.grade_band.data or "", participants=self.participants.data or "",
            changes=self.changes.data or "", observations=self.observations.data or "",
            # Not on the page (no cycle of the school's to choose): the report keeps its own.
            cycle_id=KEEP
            if not self.cycle_id.raw_data or self.cycle_id.data == KEPT
            else optional_int(self.cycle_id.data),
        )  # fmt: skip


class AttachmentForm(FlaskForm):
    """A file of evidence or a resource (checked by its content in nic.services.attachments)."""

    file = FileField(
        "File", description="PDF, Word, PowerPoint, Excel, PNG or JPEG; at most 10 MB."
    )
    caption = StringField(
        "Caption",
        validators=[ServiceLimit(CAPTION_MAX)],
        description="What it is and what it shows, in a line.",
    )
    evidence_kind = SelectField(
        "Kind", choices=choices([("", "Choose one"), *EVIDENCE_LABELS.items()]),
        validate_choice=False,
    )  # fmt: skip
    deidentified = BooleanField(
        "I removed students' names and identifying details (FERPA)",
        description="Needed for student work, classroom assessments and assessment data.",
    )

    def upload(self) -> Upload:
        """The file as it arrived (no file chosen: an Upload the service refuses)."""
        return Upload.of(self.file.data)
