"""Network administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from nic.forms.common import Limit
from nic.services.org import DISTRICT_NAME_MAX, SCHOOL_NAME_MAX


class DistrictForm(FlaskForm):
    name = StringField(
        "District name",
        validators=[DataRequired("Enter a name."), Limit(DISTRICT_NAME_MAX)],
    )


class SchoolForm(FlaskForm):
    name = StringField(
        "School name", validators=[DataRequired("Enter a name."), Limit(SCHOOL_NAME_MAX)]
    )
    district_id = SelectField(
        "District", choices=[], invalid_choice_message="Choose a district from the list."
    )
