"""Helpers shared by the forms: choices and service-error display."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from nic.errors import ValidationError
from nic.models import JOB_ROLE_LABELS, User
from nic.services import org

JOB_ROLES = [(role.value, label) for role, label in JOB_ROLE_LABELS.items()]


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


JOB_ROLE_CHOICES = choices(JOB_ROLES)


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
