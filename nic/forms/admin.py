"""Network administration forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, SelectField, StringField
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


class RosterUploadForm(FlaskForm):
    files = MultipleFileField(
        "Roster files (CSV)",
        description="A schools file, a people file, or both: each is recognised by its "
        "columns. Saved from Excel as “CSV UTF-8”, or exported from your student "
        "information system.",
    )


class RosterConfirmForm(FlaskForm):
    """The checked files, sent back whole: the confirm step checks them all again."""

    first_name = HiddenField()
    first = HiddenField()
    second_name = HiddenField()
    second = HiddenField()
