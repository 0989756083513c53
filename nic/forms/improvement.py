"""Forms of the improvement pages: the aim, and the driver diagram's parts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from nic.forms.common import ServiceLimit, TextAreaField, optional_int
from nic.models import KIND_LABELS, LEVELS
from nic.services.aims import PART_MAX, WHAT_MAX, AimFields
from nic.services.driver_diagrams import DESCRIPTION_MAX, TITLE_MAX


class AimForm(FlaskForm):
    """What, how much, by when, for whom; the service checks them all at once."""

    what = StringField(
        "What will improve", validators=[ServiceLimit(WHAT_MAX)],
        description="Start with a verb: “Raise the share of 3rd graders reading on grade level”.",
    )  # fmt: skip
    how_much = StringField(
        "How much", validators=[ServiceLimit(PART_MAX)],
        description="From where to where: “from 48% to 60%”.",
    )  # fmt: skip
    by_when = DateField("By when", invalid_value_message="Enter the date, for example 2027-06-30.")
    for_whom = StringField(
        "For whom", validators=[ServiceLimit(PART_MAX)],
        description="Who benefits: “across our 22 schools”.",
    )  # fmt: skip
    version = HiddenField()

    def fields(self) -> AimFields:
        return AimFields(self.what.data or "", self.how_much.data or "", self.by_when.data,
                         self.for_whom.data or "", optional_int(self.version.data))  # fmt: skip


class NodeForm(FlaskForm):
    """A part's words; `version` is the one the edit started from (the 409 check)."""

    title = StringField("Title", validators=[ServiceLimit(TITLE_MAX)])
    description = TextAreaField(
        "Description", validators=[ServiceLimit(DESCRIPTION_MAX)],
        description="Optional: what it means in practice, how you would know it is happening.",
    )  # fmt: skip
    version = HiddenField()


def parent_choices(nodes: list) -> list[SelectChoice]:
    """Every part something can go under, as “Under <kind>: <title>”, with an empty first."""
    found = [SelectChoice("", "Choose where it goes")]
    for node in nodes:
        if node.kind == LEVELS[-1]:
            continue
        child = KIND_LABELS[LEVELS[LEVELS.index(node.kind) + 1]].lower()
        label = f"A {child} under the aim" if node.kind == LEVELS[0] else (
            f"A {child} under “{node.title}”"
        )  # fmt: skip
        found.append(SelectChoice(str(node.id), label))
    return found


class AddNodeForm(NodeForm):
    parent_id = SelectField("Add", choices=[], validate_choice=False)

    def setup(self, nodes: list) -> AddNodeForm:
        self.parent_id.choices = parent_choices(nodes)
        return self


class MoveForm(FlaskForm):
    parent_id = SelectField("Move it under", choices=[], validate_choice=False)


class ArchiveForm(FlaskForm):
    with_children = BooleanField("Archive everything under it too")


class LinkPracticeForm(FlaskForm):
    practice_id = SelectField("Practice write-up", choices=[], validate_choice=False)
