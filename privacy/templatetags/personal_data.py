"""Reading encrypted fields in templates: ``{{ concern|personal:"details" }}``.

An erased person's fields raise DataErased when read (privacy/exceptions.py); a page about their
closed case must still render. The filter reads the field on the object it is given and shows
消去済み instead when the data key was destroyed. Other decryption errors (a wrong keyring, a
tampered value) still raise: they are faults, not erasures.
"""

from django import template

from privacy.exceptions import ERASED_DISPLAY, DataErased

register = template.Library()


@register.filter
def personal(obj: object, field: str) -> object:
    """The decrypted value of ``obj.<field>``, or 消去済み once its person's data was erased."""
    try:
        return getattr(obj, field)
    except DataErased:
        return str(ERASED_DISPLAY)
