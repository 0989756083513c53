"""Group forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from nic.forms.common import JOB_ROLE_CHOICES, MultiCheckboxField, choices
from nic.models import GroupRole


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the group a name."), Length(max=120)])
    description = TextAreaField("What the group is for", validators=[Length(max=2000)])
    job_roles = MultiCheckboxField("Meant for", choices=JOB_ROLE_CHOICES)
    visibility = RadioField(
        "Who can see it",
        choices=choices(
            [
                ("network", "The whole network: anyone can find and join it"),
                ("private", "Members only: facilitators add people"),
            ]
        ),
        default="network",
    )


class AddMemberForm(FlaskForm):
    # No one is chosen until the facilitator chooses: the first option is empty (issue 17).
    user_id = SelectField(
        "Person",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choose the person to add.")],
    )
    role = SelectField(
        "Group role",
        choices=choices(
            [(GroupRole.MEMBER.value, "Member"), (GroupRole.FACILITATOR.value, "Facilitator")]
        ),
    )
