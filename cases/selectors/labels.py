"""How the pages' selectors write a choice's label and a moment, once per row in Python rather
than by the template per cell (where each costs a lookup chain and a filter call)."""

import datetime

from django.db.models import Choices, Model
from django.utils import timezone
from django.utils.translation import get_language

_choice_labels: dict = {}


def display(instance: Model, name: str) -> str:
    """``instance.get_<name>_display()``, without its cost: Django builds a dict of the field's
    choices on every call, hashing (so translating) each lazy label; here each field's labels are
    translated once per process and language (the catalogues do not change while it runs)."""
    field = instance._meta.get_field(name)
    key = (field, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        labels = _choice_labels[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(instance, field.attname)
    return labels.get(value, str(value))


_member_labels: dict = {}


def choice_label(member: Choices) -> str:
    """``member.label`` translated, once per process and language: a choice's label is lazy, and
    each use translates it again."""
    key = (type(member), member, get_language())
    label = _member_labels.get(key)
    if label is None:
        label = _member_labels[key] = str(member.label)
    return label


def minute(moment: datetime.datetime) -> str:
    """``|date:"Y-m-d H:i"``: the moment in the current time zone, to the minute."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
