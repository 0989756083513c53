"""Thread and post forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from nic.forms.common import Limit, TextAreaField
from nic.services.validation import BODY_MAX, TITLE_MAX

BODY_VALIDATORS = [DataRequired("Write something first."), Limit(BODY_MAX)]


class ThreadForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give your thread a title."), Limit(TITLE_MAX)]
    )
    body = TextAreaField("Your post", validators=BODY_VALIDATORS)


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply", validators=BODY_VALIDATORS)
    parent_id = HiddenField()


class EditPostForm(FlaskForm):
    body = TextAreaField("Post", validators=BODY_VALIDATORS)
