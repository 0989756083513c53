"""Every message a form can show is the app's own, never a WTForms default.

Two walks over every form class in nic.forms: one reads each field's
validators and choice/date settings (a validator without a message of ours
would fall back on the library's wording), the other fills each form with
bad input of every kind and checks no error reads like the library's own
catalogue (wtforms/locale/wtforms.pot).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeField, SelectFieldBase
from wtforms.fields.core import UnboundField

import nic.forms


def form_classes() -> list[type[FlaskForm]]:
    found = {}
    for info in pkgutil.iter_modules(nic.forms.__path__):
        module = importlib.import_module(f"nic.forms.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__.startswith("nic.forms"):
                found[cls.__qualname__] = cls
    return [found[name] for name in sorted(found)]


FORMS = form_classes()


def library_messages() -> list[re.Pattern[str]]:
    """WTForms' own messages, as patterns ("%(max)d" matches any number)."""
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    ids = re.findall(r'^msgid(?:_plural)? "(.+)"$', pot.read_text(), re.M)
    patterns = []
    for text in ids:
        escaped = re.escape(text)
        escaped = re.sub(r"%\\\(\w+\\\)[sd]|%s", ".+", escaped)
        patterns.append(re.compile(f"^{escaped}$"))
    return patterns


DEFAULTS = library_messages()


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"RegisterForm", "ProfileForm", "ThreadForm", "SessionForm", "PracticeForm"} <= names
    assert len(DEFAULTS) > 30 and any(p.match("Not a valid choice.") for p in DEFAULTS)


def unbound_fields(cls: type[FlaskForm]) -> list[tuple[str, UnboundField]]:
    return [(n, f) for n, f in inspect.getmembers(cls) if isinstance(f, UnboundField)]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_validator_and_choice_has_a_message_of_ours(form_class):
    for name, unbound in unbound_fields(form_class):
        where = f"{form_class.__name__}.{name}"
        validators = unbound.kwargs.get("validators") or (unbound.args[1:2] or [[]])[0]
        for validator in validators:
            ours = type(validator).__module__.startswith("nic.")
            assert ours or getattr(validator, "message", None), f"{where}: {validator!r}"
        field_class = unbound.field_class
        if issubclass(field_class, SelectFieldBase) and unbound.kwargs.get("validate_choice", True):
            assert unbound.kwargs.get("invalid_choice_message"), f"{where}: choice message"
        if issubclass(field_class, DateField | DateTimeField):
            ours = field_class.__module__.startswith("nic.")  # sets its own message
            assert ours or unbound.kwargs.get("invalid_value_message"), f"{where}: date message"


BAD_VALUES = [
    "",  # required fields left empty
    "x",  # too short, not an email, not a date, not a choice
    "x" * 60_001,  # over every limit
    "not-a-date 99:99",
]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_bad_input_of_every_kind_gets_our_words(app, form_class):
    for bad in BAD_VALUES:
        with app.test_request_context(method="POST"):
            names = [name for name, _ in unbound_fields(form_class)]
            data = MultiDict([(name, bad) for name in names])
            form = form_class(formdata=data, meta={"csrf": False})
            form.validate()
            for field_name, errors in form.errors.items():
                for message in errors:
                    assert not any(p.match(str(message)) for p in DEFAULTS), (
                        f"{form_class.__name__}.{field_name} with {bad[:10]!r}: {message}"
                    )
