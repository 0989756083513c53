"""Thread and post forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from nic.services.validation import BODY_MAX, TITLE_MAX

BODY_VALIDATORS = [
    DataRequired("Write something first."),
    Length(max=BODY_MAX, message=f"Must be at most {BODY_MAX:,} characters."),
]


class ThreadForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give your thread a title."),
            Length(max=TITLE_MAX, message=f"Must be at most {TITLE_MAX} characters."),
        ],
    )
    body = TextAreaField("Your post", validators=BODY_VALIDATORS)


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply", validators=BODY_VALIDATORS)
    parent_id = HiddenField()


class EditPostForm(FlaskForm):
    body = TextAreaField("Post", validators=BODY_VALIDATORS)
