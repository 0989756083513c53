"""The personal access token form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[
            DataRequired("Name the token after what will use it."),
            Length(max=100, message="Must be at most 100 characters."),
        ],
        description="What will use it, e.g. “Roster sync” or “Network set-up script”.",
    )
