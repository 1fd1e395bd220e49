"""How the pages' selectors write a choice's label and a moment, once per row in Python rather
than by the template per cell (where each costs a lookup chain and a filter call)."""

import datetime

from django.db.models import Model
from django.utils import timezone

_choice_labels: dict = {}


def display(instance: Model, name: str) -> str:
    """``instance.get_<name>_display()``, without its cost: Django builds a dict of the field's
    choices on every call, hashing (so translating) each lazy label; here each field's labels are
    mapped once per process, and only the label shown is translated."""
    field = instance._meta.get_field(name)
    labels = _choice_labels.get(field)
    if labels is None:
        labels = _choice_labels[field] = dict(field.flatchoices)
    value = getattr(instance, field.attname)
    return str(labels.get(value, value))


def minute(moment: datetime.datetime) -> str:
    """``|date:"Y-m-d H:i"``: the moment in the current time zone, to the minute."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
