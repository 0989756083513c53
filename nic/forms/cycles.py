"""Forms of a PDSA cycle: its plan (and where it hangs), and each later phase."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField

from nic.forms.common import Blank, ServiceLimit, TextAreaField, choices, optional_int
from nic.models import DECISION_LABELS
from nic.services.cycles import TEXT_MAX, TITLE_MAX, PlanFields

BAD_DATE = "Enter the date, for example 2026-09-30."


def _text(label: str, hint: str) -> TextAreaField:
    return TextAreaField(label, validators=[ServiceLimit(TEXT_MAX)], description=hint)


class PlanForm(FlaskForm):
    title = StringField(
        "Name of the test", validators=[ServiceLimit(TITLE_MAX)],
        description="Short, so the team knows it: “Grade 3 data huddles, cycle 1”.",
    )  # fmt: skip
    question = _text("What question will this cycle answer?", "")
    prediction = _text("What do you predict will happen?", "Your prediction, before you start.")
    plan = _text("Who, what, when, where", "Who will do what, when and where.")
    data_plan = _text("The data you will collect", "What you will look at to know.")
    planned_start = DateField("Planned start", validators=[Blank()],
                              invalid_value_message=BAD_DATE)  # fmt: skip
    planned_end = DateField("Planned end", validators=[Blank()],
                            invalid_value_message=BAD_DATE)  # fmt: skip
    version = HiddenField()

    def fields(self) -> PlanFields:
        return PlanFields(self.title.data or "", self.question.data or "",
                          self.prediction.data or "", self.plan.data or "",
                          self.data_plan.data or "", self.planned_start.data,
                          self.planned_end.data)  # fmt: skip


class NewCycleForm(PlanForm):
    school_id = SelectField("School", choices=[], validate_choice=False)
    group_id = SelectField("Who can see it", choices=[], validate_choice=False)
    practice_id = HiddenField()
    previous_id = HiddenField()
    try_id = HiddenField()  # the school's try of the practice it runs (?try=)

    def where(self) -> dict:
        return {"school_id": optional_int(self.school_id.data),
                "group_id": optional_int(self.group_id.data),
                "practice_id": optional_int(self.practice_id.data),
                "previous_id": optional_int(self.previous_id.data),
                "try_id": optional_int(self.try_id.data)}  # fmt: skip


class DoForm(FlaskForm):
    did = _text("What happened", "What you did, and whether it went as planned.")
    observations = _text("What you noticed", "Observations, including the unexpected.")
    problems = _text("Problems", "What got in the way.")
    version = HiddenField()


class StudyForm(FlaskForm):
    results = _text(
        "The data, compared with the prediction",
        "Numbers, or a small table (| Before | After |). Attach files to a practice write-up.",
    )
    learned = _text("What you learned", "")
    version = HiddenField()


class ActForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=choices(
            [
                ("adopt", DECISION_LABELS["adopt"] + ": keep it as tested"),
                ("adapt", DECISION_LABELS["adapt"] + ": change it and test again"),
                ("abandon", DECISION_LABELS["abandon"] + ": stop, it did not work here"),
            ]
        ),
        validate_choice=False,  # the service checks it, with every other field
    )
    next_steps = _text("Next steps", "What you will do next, and the next cycle if there is one.")
    version = HiddenField()


PHASE_FORMS = {"do": DoForm, "study": StudyForm, "act": ActForm}


class StageForm(FlaskForm):
    stage = SelectField(
        "Your school's stage",
        choices=choices(
            [
                ("", "As our cycles say"),
                ("testing", "Testing"),
                ("implementing", "Implementing"),
                ("spreading", "Spreading"),
                ("abandoned", "Abandoned"),
            ]
        ),
        validate_choice=False,  # the service checks it
    )
    reason = StringField("Why", validators=[ServiceLimit(300)],
                         description="For the record, in a sentence.")  # fmt: skip


class CommitmentForm(FlaskForm):
    """A participant's answer to "What will you test before we meet next?"."""

    change_idea_id = SelectField("Change idea", choices=[], validate_choice=False)
    title = StringField(
        "What will your school test?", validators=[ServiceLimit(TITLE_MAX)],
        description="One small test: “Data huddles with the grade 3 team, two Fridays”.",
    )  # fmt: skip
    prediction = _text("What do you predict will happen?", "Optional: you can add it later.")


class OwnerForm(FlaskForm):
    user_id = SelectField("Person", choices=[], validate_choice=False)
