"""Network administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class DistrictForm(FlaskForm):
    name = StringField("District name", validators=[DataRequired("Enter a name."), Length(max=120)])


class SchoolForm(FlaskForm):
    name = StringField("School name", validators=[DataRequired("Enter a name."), Length(max=160)])
    district_id = SelectField("District", choices=[])
