"""The pages' forms spoken in JSON: what a form asks for (its fields, the choices it offers this
reader, what an empty form starts with), and an API call's body checked for shape before the same
form validates it. The form stays the one place that says what an action takes."""

import datetime
from collections.abc import Callable, Mapping
from functools import partial

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from api.serializers import Text
from cases.forms import VersionField

VERSION_HELP = gettext_lazy("読んだときの版（ケースなどを読んだ答えの version）。古ければ 409")

# PostgreSQL's integer columns: a larger number would fail in the database, not in the form.
LARGEST = 2**31 - 1


def kind_of(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return "choice"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return "string"


def takes_many(field: forms.Field) -> bool:
    return isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))


def plain(value: object) -> object:
    """A choice's value or an initial value as JSON has it."""
    value = getattr(value, "value", value)  # ModelChoiceIteratorValue
    if hasattr(value, "_meta"):  # a model instance
        value = value.pk
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):  # a queryset
        return [plain(item) for item in value]
    return value if isinstance(value, (int, bool, float, type(None))) else str(value)


def described(form: forms.Form) -> list[dict]:
    """Each field of an empty form: name, label, type, whether it takes a list, whether it is
    required, what the empty form starts with, and the choices it offers."""
    fields = []
    for name, field in form.fields.items():
        choices = None
        if kind_of(field) == "choice":
            choices = [
                {"value": plain(value), "label": str(label)}
                for value, label in field.choices
                if value not in ("", None)
            ]
        fields.append(
            {
                "name": name,
                "label": str(field.label or ""),
                "type": kind_of(field),
                "many": takes_many(field),
                "required": field.required,
                "initial": plain(form.get_initial_for_field(field, name)),
                "choices": choices,
            }
        )
    return fields


def body_of(form_class: type[forms.Form], name: str) -> type[serializers.Serializer]:
    """The JSON body a form takes, as a serializer: the schema's description of the action's body,
    and the check of each value's type before the form reads it. Types only — what is required
    and what may be chosen the form says, as on the page (its choices depend on the case)."""
    fields = {field_name: _json_field(field) for field_name, field in form_class.base_fields.items()}
    camel = "".join(part.capitalize() for part in name.split("_"))
    return type(f"{camel}ActionIn", (serializers.Serializer,), fields)


def _json_field(field: forms.Field) -> serializers.Field:
    if isinstance(field, VersionField):  # the page's form sends it hidden; a program must send it
        return serializers.IntegerField(min_value=1, max_value=LARGEST, help_text=VERSION_HELP)
    options = {
        "required": field.required,
        "allow_null": not field.required,
        "help_text": field.label or "",  # lazy: the schema in the reader's language
    }
    one = _value_of(field)
    if takes_many(field):
        return serializers.ListField(child=one(), **options)
    return one(**options)


def _value_of(field: forms.Field) -> Callable[..., serializers.Field]:
    """What one value of the field is in JSON (a partial: the options are the caller's)."""
    kind = kind_of(field)
    if kind == "boolean":
        return serializers.BooleanField
    if kind == "integer":
        return partial(serializers.IntegerField, min_value=-LARGEST, max_value=LARGEST)
    if isinstance(field, forms.ModelChoiceField):
        if isinstance(field.queryset.model._meta.pk, models.UUIDField):
            return serializers.UUIDField
        return partial(serializers.IntegerField, min_value=1, max_value=LARGEST)
    if kind == "choice" and field.choices:
        return partial(serializers.ChoiceField, choices=[(v, label) for v, label in field.choices if v])
    # Text, a date (ISO or 和暦, as typed on the page), a choice the case decides (an outcome).
    return partial(Text, allow_blank=True, max_length=getattr(field, "max_length", None))


def form_data(body: object, shape: type[serializers.Serializer]) -> dict:
    """The body as the form's data, once each value has the type its field takes (a 400 naming
    the field otherwise, and for a field the form does not have)."""
    if not isinstance(body, Mapping):
        message = _("項目名と値の組（JSONのオブジェクト）を送ってください。")
        raise ValidationError({"non_field_errors": [message]})
    checked = shape(data=body, partial=True)  # what is required, the form says…
    errors = {name: [_("この操作にない項目です。")] for name in body if name not in checked.fields}
    if "version" in checked.fields and body.get("version") is None:  # …but for the version
        errors["version"] = [_("読んだときの version を送ってください。")]
    if not checked.is_valid():
        errors.update(checked.errors)
    if errors:
        raise ValidationError(errors)
    return {name: "" if value is None else value for name, value in body.items()}


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    """The form's errors under the body's own names (the form-wide ones as ``non_field_errors``)."""
    return {
        ("non_field_errors" if name == forms.forms.NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
