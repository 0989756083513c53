"""Helpers shared by the forms: choices, limits in the app's own words, service errors.

Every message a form can show is written here or beside its field, never a
library default ("Field must be between 3 and 40 characters long."):
tests/test_form_messages.py walks every form class to keep it so.
"""

from __future__ import annotations

from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from nic.errors import ValidationError
from nic.models import JOB_ROLE_LABELS, User
from nic.services import org
from nic.services.validation import too_long
from nic.timezones import zone_groups

JOB_ROLES = [(role.value, label) for role, label in JOB_ROLE_LABELS.items()]


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


JOB_ROLE_CHOICES = choices(JOB_ROLES)
NOT_LISTED = "Choose one of the options listed."


class Limit(Length):
    """A length limit in the app's words; its `maxlength` flag becomes the counter's data-limit.

    The forms macro never lets the browser enforce it (`maxlength` silently cuts a
    paste): text over the limit is sent, refused here with its length, and re-shown.
    """

    def __init__(self, max: int, min: int = -1, too_short: str | None = None) -> None:
        super().__init__(min=min, max=max, message=too_short)

    def __call__(self, form: FlaskForm, field: Field) -> None:
        length = len(field.data or "")
        if self.max != -1 and length > self.max:
            raise FieldError(too_long(length, self.max))
        if self.min != -1 and length < self.min:
            raise FieldError(self.message or f"Use at least {self.min} characters.")


class Blank(Optional):
    """An optional field: left empty, it is fine and checked no further (never an error, so
    it has no message of its own to show)."""


class ServiceLimit:
    """A limit the service checks (with every other problem at once); the form only shows it.

    For forms whose service reports all of its field errors together (practices,
    tries, attachments): refusing one field here first would hide the others.
    Its `maxlength` flag gives the counter its data-limit, as `Limit`'s does.
    """

    def __init__(self, max: int) -> None:
        self.max = max
        self.field_flags = {"maxlength": max}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Nothing to check here: the service refuses over-limit text with its length."""


class TextAreaField(wtforms.TextAreaField):
    """A textarea whose line breaks count once, as the browser's counter counts them.

    Browsers send each line break as CR LF but show (and count) it as one character;
    reading them as LF keeps "312 characters over" on the page equal to the server's count.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n")


def time_zone_choices() -> dict[str, list[SelectChoice]]:
    """Every time zone by its friendly name, common US zones first (the value is the IANA id)."""
    return {group: choices(pairs) for group, pairs in zone_groups().items()}


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes: choose any number (the forms macro renders a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def school_choices() -> list[SelectChoice]:
    return choices(
        [("", "No school / not listed")]
        + [(str(s.id), f"{s.name} ({s.district.name})") for s in org.list_schools()]
    )


def person_label(user: User) -> str:
    """How a person is told apart in a list: name, username, job role and school."""
    where = f", {user.school.name}" if user.school else ""
    return f"{user.name} (@{user.username}), {user.job_role_label}{where}"


def person_choices(people: list[tuple[User, bool]]) -> dict[str | None, list[SelectChoice]]:
    """An empty first choice (nobody preselected), then people in two groups: not in the
    group yet, then members (to change their role)."""
    outside = [SelectChoice(str(u.id), person_label(u)) for u, member in people if not member]
    inside = [SelectChoice(str(u.id), person_label(u)) for u, member in people if member]
    groups = {
        None: [SelectChoice("", "Choose a person")],
        "Not in the group": outside,
        "Members (choose one to change their group role)": inside,
    }
    return {label: options for label, options in groups.items() if options}


def district_choices() -> list[SelectChoice]:
    return choices(
        [("", "Choose a district")] + [(str(d.id), d.name) for d in org.list_districts()]
    )


def optional_int(value: Any) -> int | None:
    """Coerce a select's value: "" means none."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def show_errors(form: FlaskForm, exc: ValidationError) -> None:
    """Attach a service's field errors to the form, so it re-renders with them."""
    for name, message in exc.fields.items():
        field: Field | None = getattr(form, name, None) or getattr(
            form, name.removesuffix("_id"), None
        )
        if field is not None and isinstance(field, Field):
            field.errors = [*list(field.errors), message]
        else:
            form.form_errors.append(message)
