"""Forms of shared measures: defining one, entering a school's point, uploading a CSV.

The services check every value (and report all field errors at once); these
forms only carry the text, so a refused entry is re-shown exactly as typed.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, StringField

from nic.forms.common import MultiCheckboxField, ServiceLimit, TextAreaField, choices
from nic.models.measures import DIRECTION_LABELS, FREQUENCY_LABELS, UNIT_LABELS
from nic.services.measure_phases import REASON_MAX
from nic.services.measure_points import NOTE_MAX, PointInput
from nic.services.measures import DEFINITION_MAX, NAME_MAX, UNIT_LABEL_MAX, MeasureFields

KIND_HINTS = {
    "outcome": "Outcome: the aim itself (reading on grade level)",
    "process": "Process: whether the change ideas happen (PLC meetings held)",
    "balancing": "Balancing: what might suffer (teacher time, chronic absence)",
}


def _radio(label: str, labels: dict[str, str]) -> RadioField:
    return RadioField(label, choices=choices(list(labels.items())), validate_choice=False)


class MeasureForm(FlaskForm):
    name = StringField("Name", validators=[ServiceLimit(NAME_MAX)],
                       description="As schools say it: “Reading on grade level”.")  # fmt: skip
    kind = _radio("Kind of measure", KIND_HINTS)
    unit = _radio("Unit", UNIT_LABELS)
    frequency = _radio("How often schools enter it", FREQUENCY_LABELS)
    direction = _radio("Which way is better", DIRECTION_LABELS)
    definition = TextAreaField(
        "Definition", validators=[ServiceLimit(DEFINITION_MAX)],
        description="How it is collected, so every school counts it the same way.",
    )  # fmt: skip
    unit_label = StringField(
        "Unit label", validators=[ServiceLimit(UNIT_LABEL_MAX)],
        description="Optional: what is counted (“students”, “meetings”).",
    )  # fmt: skip
    rate_per = StringField(
        "Rate per", description="Only for a rate: the exposure it is per, e.g. 100 "
        "(absences per 100 student-days). Ignored for other units.",
    )  # fmt: skip
    goal = StringField("Goal", description="Optional: the value the network aims for.")
    baseline_points = StringField(
        "Baseline points", default="12",
        description="How many first points set a chart's centre line (12 is usual).",
    )  # fmt: skip
    node_ids = MultiCheckboxField("Drivers and change ideas it informs", choices=[],
                                  validate_choice=False)  # fmt: skip
    version = HiddenField()

    def fields(self) -> MeasureFields:
        return MeasureFields(
            self.name.data or "", self.kind.data, self.unit.data, self.frequency.data,
            self.direction.data, self.definition.data or "", self.unit_label.data or "",
            self.rate_per.data, self.goal.data, self.baseline_points.data,
            tuple(self.node_ids.data or ()),
        )  # fmt: skip


class PointForm(FlaskForm):
    """One point: the quick entry form (its school is the user's own; admins choose)."""

    school_id = SelectField("School", choices=[], validate_choice=False)
    period = StringField("Period", description="A date in the period, e.g. 2026-03-02.")
    value = StringField("Value")
    numerator = StringField("Numerator")
    denominator = StringField("Denominator")
    note = StringField(
        "Note", validators=[ServiceLimit(NOTE_MAX)],
        description="Optional: what happened then (“exit tickets started”).",
    )  # fmt: skip
    cycle_id = SelectField("PDSA cycle", choices=[], validate_choice=False,
                           description="Optional: the cycle this point is about.")  # fmt: skip

    def point(self) -> PointInput:
        return PointInput(self.period.data, self.value.data, self.numerator.data,
                          self.denominator.data, self.note.data or "",
                          self.cycle_id.data or None)  # fmt: skip


class UploadForm(FlaskForm):
    school_id = SelectField("School", choices=[], validate_choice=False)
    file = FileField("CSV file", description="Saved from Excel or Google Sheets as CSV.")


class ConfirmForm(FlaskForm):
    """The checked file, sent back whole: the confirm step checks it all again."""

    school_id = HiddenField()
    content = HiddenField()


class PhaseForm(FlaskForm):
    """Where a chart's median is based: a new phase from a period, and its baseline."""

    starts = StringField(
        "Starting from the period", description="A date in it, e.g. 2026-03-02 or 2026-03."
    )
    baseline_until = StringField(
        "Baseline until (optional)",
        description="The last period of the baseline; left empty, the phase's first points.",
    )
    reason = StringField("Why (optional)", validators=[ServiceLimit(REASON_MAX)],
                         description="E.g. “The fall, before data huddles began”.")  # fmt: skip
