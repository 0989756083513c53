"""The personal access token form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from nic.forms.common import Limit
from nic.services.tokens import TOKEN_NAME_MAX


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired("Name the token after what will use it."), Limit(TOKEN_NAME_MAX)],
        description="What will use it, e.g. “Roster sync” or “Network set-up script”.",
    )
